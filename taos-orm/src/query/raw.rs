//! Hand-written statements whose `?` placeholders are bound to values, for
//! what the typed builder cannot say.

use std::borrow::Cow;

use taos::taos_query::common::Precision;

use crate::blocking::{self, RowIter, SyncConnection};
use crate::connection::Connection;
use crate::database::{Database, RowStream};
use crate::error::{Error, Result};
use crate::schema::{ColumnDef, SqlType};
use crate::sql::write_value;
use crate::table::TdRow;

use super::value::Bound;

/// A hand-written statement with `?` placeholders and the values bound to
/// them, on database handle `D` ([`Database`] or [`blocking::Database`]);
/// start one with [`Database::query`].
///
/// Each `?` outside string literals, backtick identifiers and comments
/// takes the next bound value, written by the same literal writer as
/// inserts: text is quoted and escaped (a value cannot end its literal and
/// inject SQL), floats must be finite, bytes become `'\x…'` and timestamps
/// are scaled to the database's precision. Nothing is sent until a `fetch_*`,
/// `stream`, `iter` or `exec`; a count of `?` that differs from the count of
/// values is [`Error::BindCount`] before that.
///
/// Tables named in the statement should be qualified (`power.meters`)
/// unless the connection's DSN names the database.
///
/// # Examples
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use futures::TryStreamExt;
/// use taos_orm::{Database, DatabaseOptions, Error, TdRow, TdTable};
///
/// #[derive(Debug, TdTable)]
/// #[taos(stable = "meters", child = "d{device}")]
/// struct Meter {
///     #[taos(ts)]
///     ts: chrono::DateTime<Utc>,
///     current: f32,
///     #[taos(tag, varchar(16))]
///     device: String,
/// }
///
/// #[derive(Debug, TdRow)]
/// struct Reading {
///     device: String,
///     current: f32,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = taos_emulator::Emulator::start().await?;
/// let taos = taos_orm::connect(&emulator.dsn()).await?;
/// let db = Database::create(taos, &DatabaseOptions::new("raw_doc")).await?;
/// db.create_table::<Meter>().await?;
/// let t0 = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
/// let rows = [("a", 1.5), ("it's", 2.5), ("a", 9.5)];
/// let rows = rows.iter().enumerate().map(|(i, (device, current))| Meter {
///     ts: t0 + chrono::Duration::seconds(i as i64),
///     current: *current,
///     device: device.to_string(),
/// });
/// db.insert(&rows.collect::<Vec<_>>()).await?;
///
/// // The quote in the bound text is escaped, the timestamp written in ms.
/// let q = db
///     .query("SELECT device, `current` FROM raw_doc.meters WHERE device = ? AND ts >= ?")
///     .bind("it's")
///     .bind(t0);
/// assert_eq!(
///     q.sql()?,
///     r"SELECT device, `current` FROM raw_doc.meters WHERE device = 'it\'s' AND ts >= 1700000000000"
/// );
/// let found: Vec<Reading> = q.fetch_all().await?;
/// assert_eq!(found[0].current, 2.5);
///
/// // A `?` inside a literal is text, not a placeholder.
/// let (n,): (i64,) = db
///     .query("SELECT COUNT(*) FROM raw_doc.meters WHERE device <> '?' AND `current` > ?")
///     .bind(2.0)
///     .fetch_one()
///     .await?;
/// assert_eq!(n, 2);
///
/// // The stream owns its statement: a function can build one and return it.
/// fn above<'d>(
///     db: &'d Database<taos::Taos>,
///     current: f32,
/// ) -> taos_orm::RowStream<'d, Reading> {
///     let sql = format!("SELECT device, `current` FROM {}.meters WHERE `current` > ?", db.name());
///     db.query(sql).bind(current).stream()
/// }
/// let high: Vec<Reading> = above(&db, 5.0).try_collect().await?;
/// assert_eq!(high.len(), 1);
///
/// // One placeholder, two values: refused before anything is sent.
/// let err = db.query("SELECT * FROM raw_doc.meters WHERE `current` > ?").bind(1).bind(2).sql();
/// assert!(matches!(err, Err(Error::BindCount { placeholders: 1, values: 2 })));
/// # db.drop_database().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is fetched, streamed or executed"]
pub struct RawQuery<'d, D> {
    db: &'d D,
    sql: Cow<'static, str>,
    values: Vec<Bound>,
}

impl<'d, D> RawQuery<'d, D> {
    pub(crate) fn new(db: &'d D, sql: Cow<'static, str>) -> Self {
        RawQuery {
            db,
            sql,
            values: Vec::new(),
        }
    }

    /// Binds the next `?`: any [`crate::TdType`] (`Option<T>`'s `None` is
    /// NULL), `&str`, or a [`Bound`].
    pub fn bind(mut self, value: impl Into<Bound>) -> Self {
        self.values.push(value.into());
        self
    }

    fn render(&self, precision: Precision) -> Result<String> {
        let mut out = String::with_capacity(self.sql.len() + 16 * self.values.len());
        render_bound(&mut out, &self.sql, &self.values, precision)?;
        Ok(out)
    }
}

impl<'d, C: Connection> RawQuery<'d, Database<C>> {
    /// The statement with every value written in, as it would be sent.
    ///
    /// # Errors
    ///
    /// [`Error::BindCount`] when the statement's `?` and the bound values
    /// differ in number; [`Error::InvalidArgument`] for an unclosed quote or
    /// comment, or a value that cannot be written (naming its position).
    pub fn sql(&self) -> Result<String> {
        self.render(self.db.precision())
    }

    /// Runs the query and reads every row into `R` (a `TdTable`, a
    /// `#[derive(TdRow)]` struct or a tuple), by column name.
    pub async fn fetch_all<R: TdRow>(&self) -> Result<Vec<R>> {
        self.db.fetch_all(&self.sql()?).await
    }

    /// Runs the query and reads its first row, if any.
    pub async fn fetch_optional<R: TdRow>(&self) -> Result<Option<R>> {
        self.db.fetch_optional(&self.sql()?).await
    }

    /// Runs the query and reads its first row ([`Error::NoRows`] when empty).
    pub async fn fetch_one<R: TdRow>(&self) -> Result<R> {
        self.db.fetch_one(&self.sql()?).await
    }

    /// Runs the query and yields its rows one by one, one raw block in
    /// memory at a time. The stream owns the statement; an error rendering
    /// it is the stream's only item.
    pub fn stream<R: TdRow + 'd>(&self) -> RowStream<'d, R> {
        self.db.stream_sql(self.sql())
    }

    /// Runs a statement without a result set (`DELETE`, `INSERT`, …) and
    /// returns the affected rows.
    pub async fn exec(&self) -> Result<usize> {
        self.db.exec(&self.sql()?).await
    }
}

impl<'d, C: SyncConnection> RawQuery<'d, blocking::Database<C>> {
    /// The statement with every value written in (see the async twin).
    pub fn sql(&self) -> Result<String> {
        self.render(self.db.precision())
    }

    /// Runs the query and reads every row into `R`.
    pub fn fetch_all<R: TdRow>(&self) -> Result<Vec<R>> {
        self.db.fetch_all(&self.sql()?)
    }

    /// Runs the query and reads its first row, if any.
    pub fn fetch_optional<R: TdRow>(&self) -> Result<Option<R>> {
        self.db.fetch_optional(&self.sql()?)
    }

    /// Runs the query and reads its first row ([`Error::NoRows`] when empty).
    pub fn fetch_one<R: TdRow>(&self) -> Result<R> {
        self.db.fetch_one(&self.sql()?)
    }

    /// Runs the query and iterates its rows, one raw block in memory at a
    /// time (the twin of [`RawQuery::stream`]).
    pub fn iter<R: TdRow>(&self) -> Result<RowIter<'d, C, R>> {
        self.db.iter(&self.sql()?)
    }

    /// Runs a statement without a result set and returns the affected rows.
    pub fn exec(&self) -> Result<usize> {
        self.db.exec(&self.sql()?)
    }
}

/// Where a statement's `?` placeholders are (byte offsets): those outside
/// string literals (`'…'`, `"…"`, with backslash escapes), backtick
/// identifiers and comments (`-- …` to the end of the line, `/* … */`).
fn placeholders(sql: &str) -> Result<Vec<usize>> {
    #[derive(PartialEq)]
    enum State {
        Code,
        Quoted(u8),
        Escaped(u8),
        Ident,
        LineComment,
        BlockComment,
    }
    let bytes = sql.as_bytes();
    let mut found = Vec::new();
    let mut state = State::Code;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        state = match state {
            State::Code => match (b, next) {
                (b'?', _) => {
                    found.push(i);
                    State::Code
                }
                (b'\'' | b'"', _) => State::Quoted(b),
                (b'`', _) => State::Ident,
                (b'-', Some(b'-')) => {
                    i += 1;
                    State::LineComment
                }
                (b'/', Some(b'*')) => {
                    i += 1;
                    State::BlockComment
                }
                _ => State::Code,
            },
            State::Quoted(q) if b == b'\\' => State::Escaped(q),
            State::Quoted(q) if b == q => State::Code,
            State::Escaped(q) => State::Quoted(q),
            State::Ident if b == b'`' => State::Code,
            State::LineComment if b == b'\n' => State::Code,
            State::BlockComment if b == b'*' && next == Some(b'/') => {
                i += 1;
                State::Code
            }
            other => other,
        };
        i += 1;
    }
    let unclosed = match state {
        State::Code | State::LineComment => return Ok(found),
        State::Quoted(_) | State::Escaped(_) => "string literal",
        State::Ident => "backtick identifier",
        State::BlockComment => "`/*` comment",
    };
    Err(Error::InvalidArgument(format!(
        "SQL {sql:?} has an unclosed {unclosed}"
    )))
}

/// Appends `sql` with its `?` placeholders replaced by `values`, each
/// written as the literal of its own type (the one place both
/// [`RawQuery`] and [`super::Cond::raw`] bind values).
pub(crate) fn render_bound(
    out: &mut String,
    sql: &str,
    values: &[Bound],
    precision: Precision,
) -> Result<()> {
    let at = placeholders(sql)?;
    if at.len() != values.len() {
        return Err(Error::BindCount {
            placeholders: at.len(),
            values: values.len(),
        });
    }
    let mut plain = 0;
    for (n, (&i, value)) in at.iter().zip(values).enumerate() {
        out.push_str(&sql[plain..i]);
        let def = ColumnDef::new("?", natural_type(value));
        write_value(out, &def, &value.as_value(), precision).map_err(|e| {
            Error::InvalidArgument(format!(
                "value {} bound to SQL {sql:?}: {}",
                n + 1,
                e.reason
            ))
        })?;
        plain = i + 1;
    }
    out.push_str(&sql[plain..]);
    Ok(())
}

/// The column type a bound value is written as: its own.
pub(crate) fn natural_type(value: &Bound) -> SqlType {
    match value {
        Bound::Null | Bound::Int(_) => SqlType::BigInt,
        Bound::Bool(_) => SqlType::Bool,
        Bound::UInt(_) => SqlType::UBigInt,
        Bound::Float(_) => SqlType::Float,
        Bound::Double(_) => SqlType::Double,
        Bound::Timestamp(_) => SqlType::Timestamp,
        Bound::Str(_) => SqlType::VarChar,
        Bound::Bytes(_) => SqlType::VarBinary,
        Bound::Json(_) => SqlType::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TimestampValue;

    fn render(sql: &str, values: &[Bound], precision: Precision) -> Result<String> {
        let mut out = String::new();
        render_bound(&mut out, sql, values, precision)?;
        Ok(out)
    }

    fn ms(sql: &str, values: &[Bound]) -> Result<String> {
        render(sql, values, Precision::Millisecond)
    }

    #[test]
    fn placeholders_skip_literals_identifiers_and_comments() {
        let sql = "SELECT `a?`, 'b?', \"c?\", 'it\\'s ?' -- d?\n, ? /* e? */ FROM t WHERE x = ?";
        assert_eq!(
            ms(sql, &[Bound::Int(1), Bound::Int(2)]).unwrap(),
            "SELECT `a?`, 'b?', \"c?\", 'it\\'s ?' -- d?\n, 1 /* e? */ FROM t WHERE x = 2"
        );
        // A doubled quote closes and reopens: the `?` is still inside.
        assert_eq!(ms("'a''?'", &[]).unwrap(), "'a''?'");
        // A lone `-` or `/` is an operator, not a comment.
        assert_eq!(
            ms("? - ? / ?", &[Bound::Int(1), Bound::Int(2), Bound::Int(3)]).unwrap(),
            "1 - 2 / 3"
        );
        // A line comment may end the statement.
        assert_eq!(
            ms("SELECT ? -- ?", &[Bound::Int(7)]).unwrap(),
            "SELECT 7 -- ?"
        );
    }

    #[test]
    fn counts_must_match() {
        let err = ms("a = ? AND b = ?", &[Bound::Int(1)]).unwrap_err();
        assert!(matches!(
            err,
            Error::BindCount {
                placeholders: 2,
                values: 1
            }
        ));
        assert_eq!(
            err.to_string(),
            "the SQL has 2 `?` placeholders but 1 bound value"
        );
        let err = ms("'?'", &[Bound::Int(1)]).unwrap_err();
        assert!(matches!(
            err,
            Error::BindCount {
                placeholders: 0,
                values: 1
            }
        ));
    }

    #[test]
    fn unclosed_quotes_and_comments_are_refused() {
        for (sql, what) in [
            ("a = 'open ?", "string literal"),
            ("a = \"x\\\"", "string literal"),
            ("`col ?", "backtick identifier"),
            ("a /* ?", "`/*` comment"),
        ] {
            let err = ms(sql, &[]).unwrap_err().to_string();
            assert!(err.contains(&format!("unclosed {what}")), "{sql}: {err}");
        }
    }

    #[test]
    fn values_are_escaped_and_checked_like_inserts() {
        let hostile = Bound::Str("x' OR 1=1 --\n\\".into());
        assert_eq!(ms("s = ?", &[hostile]).unwrap(), r"s = 'x\' OR 1=1 --\n\\'");
        assert_eq!(
            ms(
                "? ? ? ? ?",
                &[
                    Bound::Null,
                    Bound::Bool(true),
                    Bound::UInt(u64::MAX),
                    Bound::Bytes(vec![0, 0xff]),
                    Bound::Float(0.1),
                ]
            )
            .unwrap(),
            r"NULL true 18446744073709551615 '\x00ff' 0.1"
        );
        let err = ms("v > ? AND w > ?", &[Bound::Int(1), Bound::Double(f64::NAN)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("value 2 bound"), "{err}");
        assert!(err.contains("NaN"), "{err}");
        let err = ms("s = ?", &[Bound::Str("a\0b".into())])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("value 1 bound") && err.contains("NUL"),
            "{err}"
        );
    }

    #[test]
    fn timestamps_render_in_the_database_precision() {
        let t = Bound::Timestamp(TimestampValue::Instant {
            secs: 1_700_000_000,
            nanos: 123_456_789,
        });
        let sql = "ts >= ?";
        let at = |p| render(sql, std::slice::from_ref(&t), p).unwrap();
        assert_eq!(at(Precision::Millisecond), "ts >= 1700000000123");
        assert_eq!(at(Precision::Microsecond), "ts >= 1700000000123456");
        assert_eq!(at(Precision::Nanosecond), "ts >= 1700000000123456789");
        // A raw integer is taken as already in the database's precision.
        assert_eq!(ms(sql, &[Bound::Int(5)]).unwrap(), "ts >= 5");
    }
}
