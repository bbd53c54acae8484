//! Rendering derived rows as InfluxDB line protocol for schemaless ingest.
//!
//! In schemaless mode TDengine names child tables itself (`t_` and an md5
//! of the measurement and sorted tags), so a struct's `child = "..."`
//! pattern is not used: rows with the same tag values share a child table.
//! Numbers carry typed suffixes (`i8`..`i64`, `u8`..`u64`, `f32`, `f64`),
//! so integer, float, BOOL, VARCHAR and NCHAR columns keep their types;
//! TIMESTAMP (other than the first column), VARBINARY and JSON columns
//! cannot be written. Tags must be VARCHAR or NCHAR (TDengine stores
//! schemaless tags as NCHAR).

use crate::error::{Error, Result};
use crate::schema::{ColumnDef, SqlType, TableSchema};
use crate::sql::timestamp_in;
use crate::table::{TdTable, ValueSink};
use crate::value::Value;
use taos::taos_query::common::{Precision, SchemalessPrecision};

/// The schemaless precision that matches a database precision.
pub fn schemaless_precision(precision: Precision) -> SchemalessPrecision {
    match precision {
        Precision::Millisecond => SchemalessPrecision::Millisecond,
        Precision::Microsecond => SchemalessPrecision::Microsecond,
        Precision::Nanosecond => SchemalessPrecision::Nanosecond,
    }
}

/// Renders `rows` as line protocol, timestamps in `precision`.
///
/// ```
/// use taos_orm::{schemaless::render_lines, Precision, TdTable};
///
/// #[derive(TdTable)]
/// #[taos(stable = "cpu", child = "c_{host}")]
/// struct Cpu {
///     #[taos(ts, rename = "_ts")]
///     ts: i64,
///     load: f64,
///     busy: Option<bool>,
///     #[taos(tag, nchar(16))]
///     host: String,
/// }
///
/// let rows = [Cpu { ts: 1_700_000_000_000, load: 0.5, busy: None, host: "a b".into() }];
/// let lines = render_lines(&rows, Precision::Millisecond).unwrap();
/// assert_eq!(lines, [r"cpu,host=a\ b load=0.5f64 1700000000000"]);
/// ```
///
/// # Errors
///
/// [`Error::InvalidValue`] naming the row and field for a value line
/// protocol cannot carry with its column type (see the module docs), a
/// NULL tag, or a non-finite float.
pub fn render_lines<'r, T, I>(rows: I, precision: Precision) -> Result<Vec<String>>
where
    T: TdTable + 'r,
    I: IntoIterator<Item = &'r T>,
{
    let schema = T::SCHEMA;
    rows.into_iter()
        .enumerate()
        .map(|(row, value)| render_row(schema, row, value, precision))
        .collect()
}

/// Writes one row's tags or fields as they arrive from the derive.
struct LineSink<'s> {
    schema: &'static TableSchema,
    defs: &'static [ColumnDef],
    row: usize,
    precision: Precision,
    out: &'s mut String,
    /// The line's timestamp (column 0), written last.
    ts: Option<i64>,
    /// Whether a field has been written (they are comma separated).
    wrote_field: bool,
    tags: bool,
    error: Option<Error>,
}

impl LineSink<'_> {
    fn fail(&mut self, def: &ColumnDef, reason: String) {
        self.error.get_or_insert(Error::InvalidValue {
            row: self.row,
            table: self.schema.name,
            field: def.field,
            column: def.name,
            reason,
        });
    }

    fn tag(&mut self, def: &ColumnDef, value: Value<'_>) {
        let text = match value {
            Value::Str(s) if matches!(def.ty, SqlType::VarChar | SqlType::NChar) => s,
            Value::Null => return self.fail(def, "schemaless tags cannot be NULL".into()),
            _ => return self.fail(def, "schemaless tags must be VARCHAR or NCHAR".into()),
        };
        if text.is_empty() {
            return self.fail(def, "schemaless tags cannot be empty".into());
        }
        if text.contains('\n') {
            return self.fail(def, NO_LINE_BREAKS.into());
        }
        if escaped_pair(text) {
            return self.fail(def, NO_ESCAPED_PAIR.into());
        }
        self.out.push(',');
        escape_key(self.out, def.name);
        self.out.push('=');
        escape_key(self.out, text);
    }

    fn field(&mut self, def: &ColumnDef, value: Value<'_>) {
        if matches!(value, Value::Str(s) if s.contains('\n')) {
            return self.fail(def, NO_LINE_BREAKS.into());
        }
        let rendered = match (def.ty, value) {
            // Line protocol has no NULL: an absent field reads back as NULL.
            (_, Value::Null) => return,
            // Typed suffixes keep the column's exact type in TDengine.
            (SqlType::TinyInt, Value::Int(v)) => format!("{v}i8"),
            (SqlType::SmallInt, Value::Int(v)) => format!("{v}i16"),
            (SqlType::Int, Value::Int(v)) => format!("{v}i32"),
            (SqlType::BigInt, Value::Int(v)) => format!("{v}i64"),
            (SqlType::UTinyInt, Value::UInt(v)) => format!("{v}u8"),
            (SqlType::USmallInt, Value::UInt(v)) => format!("{v}u16"),
            (SqlType::UInt, Value::UInt(v)) => format!("{v}u32"),
            (SqlType::UBigInt, Value::UInt(v)) => format!("{v}u64"),
            (SqlType::Float, Value::Float(v)) if v.is_finite() => format!("{v:?}f32"),
            (SqlType::Double, Value::Double(v)) if v.is_finite() => format!("{v:?}f64"),
            (SqlType::Bool, Value::Bool(v)) => (if v { "t" } else { "f" }).to_owned(),
            (SqlType::VarChar, Value::Str(s)) => format!("\"{}\"", escape_string(s)),
            (SqlType::NChar, Value::Str(s)) => format!("L\"{}\"", escape_string(s)),
            (SqlType::Float | SqlType::Double, _) => {
                return self.fail(def, "not a finite number".into())
            }
            (ty, _) => {
                return self.fail(
                    def,
                    format!(
                        "{} columns cannot be written by schemaless ingest",
                        ty.name()
                    ),
                )
            }
        };
        self.out.push(if self.wrote_field { ',' } else { ' ' });
        self.wrote_field = true;
        escape_key(self.out, def.name);
        self.out.push('=');
        self.out.push_str(&rendered);
    }
}

impl ValueSink for LineSink<'_> {
    fn put(&mut self, index: usize, value: Value<'_>) {
        let Some(def) = self.defs.get(index) else {
            return;
        };
        if self.tags {
            self.tag(def, value);
        } else if index == 0 {
            match value {
                Value::Timestamp(ts) => match timestamp_in(&ts, self.precision) {
                    Ok(ts) => self.ts = Some(ts),
                    Err(e) => self.fail(def, e.to_string()),
                },
                _ => self.fail(def, "the first column must be a timestamp".into()),
            }
        } else {
            self.field(def, value);
        }
    }
}

/// TDengine splits schemaless input at every line break, quoted or
/// escaped, and reads `\n` literally.
const NO_LINE_BREAKS: &str =
    "line protocol cannot carry a line break; insert or insert_bound can store it";

/// TDengine refuses a tag in which a backslash stands right before a
/// character line protocol escapes (`,`, `=`, a space).
const NO_ESCAPED_PAIR: &str = "line protocol cannot carry a backslash right before `,`, `=` or a \
     space in a tag; insert or insert_bound can store it";

fn escaped_pair(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b',' | b'=' | b' '))
}

fn render_row<T: TdTable>(
    schema: &'static TableSchema,
    row: usize,
    value: &T,
    precision: Precision,
) -> Result<String> {
    let mut out = String::new();
    escape_measurement(&mut out, schema.name);
    let mut sink = LineSink {
        schema,
        defs: schema.tags,
        row,
        precision,
        out: &mut out,
        ts: None,
        wrote_field: false,
        tags: true,
        error: None,
    };
    value.write_tags(&mut sink);
    sink.tags = false;
    sink.defs = schema.columns;
    value.write_columns(&mut sink);
    if let Some(e) = sink.error {
        return Err(e);
    }
    if !sink.wrote_field {
        return Err(Error::InvalidValue {
            row,
            table: schema.name,
            field: schema.columns.first().map_or("", |c| c.field),
            column: schema.columns.first().map_or("", |c| c.name),
            reason: "a schemaless line needs at least one non-NULL field".into(),
        });
    }
    let ts = sink.ts;
    if let Some(ts) = ts {
        out.push(' ');
        out.push_str(&ts.to_string());
    }
    Ok(out)
}

fn escape_measurement(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, ',' | ' ') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// TDengine reads `\\` in a tag as one backslash, so a value ending in
/// one cannot escape the separator after it.
fn escape_key(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, ',' | ' ' | '=' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

fn escape_string(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
