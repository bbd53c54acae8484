//! Schemaless ingest of InfluxDB line protocol (`taos.put`).
//!
//! Lines are parsed first, then each one becomes DDL (create the super
//! table, add missing columns and tags) and one INSERT through the SQL
//! engine, so schemaless rows obey exactly the same storage rules as SQL.

use super::catalog::STable;
use super::Engine;
use crate::api::{Executor, Session, TdError};
use taos_query::common::{Precision, Ty};

/// `0x3000`: the protocol is not InfluxDB line protocol.
fn invalid_protocol() -> TdError {
    TdError::new(0x3000, "Invalid schemaless protocol type")
}

/// `0x3001`.
fn invalid_precision() -> TdError {
    TdError::new(0x3001, "Invalid timestamp precision type")
}

/// `0x3002`: a line that does not parse.
fn invalid_data(line: &str, detail: &str) -> TdError {
    TdError::new(0x3002, format!("Invalid data format: {detail}: {line}"))
}

/// A column or tag that already has another type: the server answers it
/// as invalid data (0x3002), not "Not the same type as before" (0x3004).
fn not_same_type(name: &str, db: Ty, point: Ty) -> TdError {
    TdError::new(
        0x3002,
        format!(
            "point type and db type mismatch, db type:{}, point type:{}, key:{name}",
            super::value::type_name(db),
            super::value::type_name(point)
        ),
    )
}

/// A field value with the type its suffix or quoting gives it.
#[derive(Debug, Clone, PartialEq)]
enum Field {
    /// A signed integer and its type from the suffix (`i` is BIGINT).
    Int(i64, Ty),
    UInt(u64, Ty),
    /// `f32` suffixed numbers are FLOAT, others DOUBLE.
    Float(f64, Ty),
    Bool(bool),
    Varchar(String),
    Nchar(String),
}

impl Field {
    fn ty(&self) -> Ty {
        match self {
            Field::Int(_, ty) | Field::UInt(_, ty) | Field::Float(_, ty) => *ty,
            Field::Bool(_) => Ty::Bool,
            Field::Varchar(_) => Ty::VarChar,
            Field::Nchar(_) => Ty::NChar,
        }
    }

    fn sql(&self) -> String {
        match self {
            Field::Int(v, _) => v.to_string(),
            Field::UInt(v, _) => v.to_string(),
            Field::Float(v, _) => format!("{v:?}"),
            Field::Bool(v) => v.to_string(),
            Field::Varchar(s) | Field::Nchar(s) => quote(s),
        }
    }

    fn len(&self) -> u32 {
        match self {
            Field::Varchar(s) => s.len() as u32,
            Field::Nchar(s) => s.chars().count() as u32,
            _ => 0,
        }
    }
}

/// One parsed line.
#[derive(Debug, PartialEq)]
struct Line {
    measurement: String,
    tags: Vec<(String, String)>,
    fields: Vec<(String, Field)>,
    ts: Option<i64>,
}

impl Line {
    /// TDengine's child table name: `t_` and the md5 of the measurement
    /// followed by the tags sorted by key.
    fn child_name(&self) -> String {
        let mut tags: Vec<_> = self.tags.iter().collect();
        tags.sort();
        let mut key = self.measurement.clone();
        for (k, v) in tags {
            key.push_str(&format!(",{k}={v}"));
        }
        format!("t_{:x}", md5::compute(key.as_bytes()))
    }
}

impl Engine {
    /// Ingests InfluxDB line protocol (`protocol` 1) in `precision`
    /// ("ms", "us" or "ns"), returning the rows written.
    ///
    /// ```
    /// use taos_emulator::api::{Executor, Output, Session};
    /// use taos_emulator::Engine;
    ///
    /// let engine = Engine::new();
    /// let mut s = Session::default();
    /// engine.execute(&mut s, "CREATE DATABASE d").unwrap();
    /// engine.execute(&mut s, "USE d").unwrap();
    /// let n = engine.insert_schemaless(&s, 1, "ms", "m,t=a v=1i 1700000000000").unwrap();
    /// assert_eq!(n, 1);
    /// let Output::Rows(r) = engine.execute(&mut s, "SELECT v FROM m").unwrap() else { panic!() };
    /// assert_eq!(r.rows, 1);
    /// ```
    pub fn insert_schemaless(
        &self,
        session: &Session,
        protocol: u32,
        precision: &str,
        data: &str,
    ) -> Result<usize, TdError> {
        if protocol != 1 {
            return Err(invalid_protocol());
        }
        let from = match precision {
            "ms" | "" => Precision::Millisecond,
            "us" => Precision::Microsecond,
            "ns" => Precision::Nanosecond,
            _ => return Err(invalid_precision()),
        };
        let lines = data
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(parse_line)
            .collect::<Result<Vec<_>, _>>()?;
        let db = session
            .database
            .clone()
            .ok_or_else(super::error::db_not_specified)?;
        let to = self
            .catalog
            .read()
            .dbs
            .get(&db)
            .map(|d| d.precision)
            .ok_or_else(super::error::db_not_exist)?;
        let mut session = session.clone();
        for line in &lines {
            self.ensure_schema(&mut session, &db, line)?;
            let ts = match line.ts {
                Some(ts) => convert(ts, from, to)?,
                None => super::time::now(to),
            };
            self.execute(&mut session, &insert_sql(line, ts))?;
        }
        Ok(lines.len())
    }

    /// Creates the super table or adds what it lacks for `line`.
    fn ensure_schema(&self, s: &mut Session, db: &str, line: &Line) -> Result<(), TdError> {
        let m = ident(&line.measurement)?;
        // Decided under the read lock, without copying the super table (its
        // set of child names grows with every new device).
        let changes = {
            let catalog = self.catalog.read();
            match catalog
                .dbs
                .get(db)
                .and_then(|d| d.stables.get(&line.measurement))
            {
                Some(st) => Some(changes_for(st, &m, line)?),
                None => None,
            }
        };
        let Some(changes) = changes else {
            let mut cols = vec!["`_ts` TIMESTAMP".to_owned()];
            for (k, f) in &line.fields {
                cols.push(format!("{} {}", ident(k)?, type_sql(f.ty(), f.len())));
            }
            let mut tags = Vec::new();
            for (k, v) in &line.tags {
                tags.push(format!("{} NCHAR({})", ident(k)?, nchar_len(v)));
            }
            if tags.is_empty() {
                tags.push("`_tag_noname` NCHAR(8)".to_owned());
            }
            let sql = format!(
                "CREATE STABLE IF NOT EXISTS {m} ({}) TAGS ({})",
                cols.join(", "),
                tags.join(", ")
            );
            return self.execute(s, &sql).map(drop);
        };
        for sql in changes {
            self.execute(s, &sql)?;
        }
        Ok(())
    }
}

/// The ALTER statements that make `st` take `line`: wider strings, new
/// columns and tags; a type that differs is an error.
fn changes_for(st: &STable, m: &str, line: &Line) -> Result<Vec<String>, TdError> {
    let mut out = Vec::new();
    for (k, f) in &line.fields {
        match st.columns.iter().find(|c| &c.name == k) {
            Some(c) if c.dt.ty != f.ty() => return Err(not_same_type(k, c.dt.ty, f.ty())),
            Some(c) if c.dt.len < f.len() => out.push(format!(
                "ALTER STABLE {m} MODIFY COLUMN {} {}",
                ident(k)?,
                type_sql(f.ty(), f.len())
            )),
            Some(_) => {}
            None => out.push(format!(
                "ALTER STABLE {m} ADD COLUMN {} {}",
                ident(k)?,
                type_sql(f.ty(), f.len())
            )),
        }
    }
    for (k, v) in &line.tags {
        match st.tags.iter().find(|c| &c.name == k) {
            Some(c) if c.dt.ty != Ty::NChar => return Err(not_same_type(k, c.dt.ty, Ty::NChar)),
            Some(c) if c.dt.len < nchar_len(v) => out.push(format!(
                "ALTER STABLE {m} MODIFY TAG {} NCHAR({})",
                ident(k)?,
                nchar_len(v)
            )),
            Some(_) => {}
            None => out.push(format!(
                "ALTER STABLE {m} ADD TAG {} NCHAR({})",
                ident(k)?,
                nchar_len(v)
            )),
        }
    }
    Ok(out)
}

fn insert_sql(line: &Line, ts: i64) -> String {
    // Identifiers were validated by `ensure_schema`.
    let tick = |s: &str| format!("`{s}`");
    let (tag_names, tag_values): (Vec<_>, Vec<_>) = if line.tags.is_empty() {
        (vec![tick("_tag_noname")], vec!["NULL".to_owned()])
    } else {
        line.tags.iter().map(|(k, v)| (tick(k), quote(v))).unzip()
    };
    let mut cols = vec![tick("_ts")];
    let mut vals = vec![ts.to_string()];
    for (k, f) in &line.fields {
        cols.push(tick(k));
        vals.push(f.sql());
    }
    format!(
        "INSERT INTO `{}` USING `{}` ({}) TAGS ({}) ({}) VALUES ({})",
        line.child_name(),
        line.measurement,
        tag_names.join(", "),
        tag_values.join(", "),
        cols.join(", "),
        vals.join(", ")
    )
}

/// NCHAR length for a tag: TDengine sizes tags to their first value.
fn nchar_len(v: &str) -> u32 {
    (v.chars().count() as u32).max(1)
}

fn type_sql(ty: Ty, len: u32) -> String {
    match ty {
        Ty::NChar => format!("NCHAR({})", len.max(1)),
        Ty::VarChar => format!("VARCHAR({})", len.max(1)),
        Ty::TinyInt => "TINYINT".into(),
        Ty::SmallInt => "SMALLINT".into(),
        Ty::Int => "INT".into(),
        Ty::UTinyInt => "TINYINT UNSIGNED".into(),
        Ty::USmallInt => "SMALLINT UNSIGNED".into(),
        Ty::UInt => "INT UNSIGNED".into(),
        Ty::UBigInt => "BIGINT UNSIGNED".into(),
        Ty::Float => "FLOAT".into(),
        Ty::Double => "DOUBLE".into(),
        Ty::Bool => "BOOL".into(),
        _ => "BIGINT".into(),
    }
}

fn ident(name: &str) -> Result<String, TdError> {
    if name.is_empty()
        || name.contains('`')
        || name.len() > taos_rules::names::NameKind::Table.max_len()
    {
        return Err(super::error::invalid_identifier(name));
    }
    Ok(format!("`{name}`"))
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn convert(ts: i64, from: Precision, to: Precision) -> Result<i64, TdError> {
    let (f, t) = (super::time::per_second(from), super::time::per_second(to));
    if t >= f {
        ts.checked_mul(t / f)
            .ok_or_else(super::error::ts_out_of_range)
    } else {
        Ok(ts.div_euclid(f / t))
    }
}

/// Where the measurement and tags end: the first unescaped space. Quotes
/// mean nothing there (a tag may hold `"`).
fn head_end(line: &str) -> usize {
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ' ' {
            return i;
        }
    }
    line.len()
}

/// Splits at unescaped `sep` outside double quotes, keeping escapes.
fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    split_escaped(s, sep, true)
}

/// Splits at unescaped `sep` (outside double quotes when `quotes`).
fn split_escaped(s: &str, sep: char, quotes: bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut escaped, mut quoted) = (0, false, false);
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' && quotes {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Removes the backslash before the characters the line protocol escapes.
fn unescape(s: &str, specials: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(n) if c == '\\' && specials.contains(n) => {
                out.push(*n);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

fn parse_line(line: &str) -> Result<Line, TdError> {
    let (head, rest) = line.split_at(head_end(line));
    if ["\\\\\\,", "\\\\\\=", "\\\\\\ "]
        .iter()
        .any(|p| head.contains(p))
    {
        // TDengine reads `\\` as a backslash and then fails on the escape
        // right after it.
        return Err(invalid_data(line, "invalid data"));
    }
    let sections: Vec<&str> = split_unescaped(rest, ' ')
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let (fields, ts) = match sections.as_slice() {
        [f] => (*f, None),
        [f, t] => (*f, Some(*t)),
        _ => {
            return Err(invalid_data(
                line,
                "expected measurement, fields and timestamp",
            ))
        }
    };
    let mut head = split_escaped(head, ',', false).into_iter();
    let measurement = unescape(head.next().unwrap_or_default(), &[',', ' ']);
    if measurement.is_empty() {
        return Err(invalid_data(line, "empty measurement"));
    }
    let key_chars = [',', '=', ' ', '\\'];
    let mut tags = Vec::new();
    for pair in head {
        let kv = split_escaped(pair, '=', false);
        let [k, v] = kv.as_slice() else {
            return Err(invalid_data(line, "bad tag"));
        };
        let (k, v) = (unescape(k, &key_chars), unescape(v, &key_chars));
        if k.is_empty() || v.is_empty() {
            return Err(invalid_data(line, "empty tag key or value"));
        }
        tags.push((k, v));
    }
    let mut parsed = Vec::new();
    for pair in split_unescaped(fields, ',') {
        let kv = split_unescaped(pair, '=');
        let [k, v] = kv.as_slice() else {
            return Err(invalid_data(line, "bad field"));
        };
        let k = unescape(k, &key_chars);
        if k.is_empty() {
            return Err(invalid_data(line, "empty field key"));
        }
        let value = field_value(v).ok_or_else(|| invalid_data(line, "bad field value"))?;
        parsed.push((k, value));
    }
    if has_duplicates(
        tags.iter()
            .map(|(k, _)| k)
            .chain(parsed.iter().map(|(k, _)| k)),
    ) {
        return Err(invalid_data(line, "duplicated key"));
    }
    let ts = match ts {
        Some(t) => Some(
            t.parse::<i64>()
                .map_err(|_| invalid_data(line, "bad timestamp"))?,
        ),
        None => None,
    };
    Ok(Line {
        measurement,
        tags,
        fields: parsed,
        ts,
    })
}

fn has_duplicates<'a>(keys: impl Iterator<Item = &'a String>) -> bool {
    let mut seen = std::collections::HashSet::new();
    keys.into_iter().any(|k| !seen.insert(k))
}

fn field_value(v: &str) -> Option<Field> {
    let string = |s: &str| {
        s.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .filter(|_| s.len() >= 2)
            .map(|s| unescape(s, &['"', '\\']))
    };
    if let Some(rest) = v.strip_prefix('L') {
        if rest.starts_with('"') {
            return string(rest).map(Field::Nchar);
        }
    }
    if v.starts_with('"') {
        return string(v).map(Field::Varchar);
    }
    match v {
        "t" | "T" | "true" | "True" | "TRUE" => return Some(Field::Bool(true)),
        "f" | "F" | "false" | "False" | "FALSE" => return Some(Field::Bool(false)),
        _ => {}
    }
    // Longest suffixes first: "i64" also ends with "4", never with "i".
    let signed = [
        ("i8", Ty::TinyInt, i64::from(i8::MIN), i64::from(i8::MAX)),
        (
            "i16",
            Ty::SmallInt,
            i64::from(i16::MIN),
            i64::from(i16::MAX),
        ),
        ("i32", Ty::Int, i64::from(i32::MIN), i64::from(i32::MAX)),
        ("i64", Ty::BigInt, i64::MIN, i64::MAX),
        ("i", Ty::BigInt, i64::MIN, i64::MAX),
    ];
    for (suffix, ty, min, max) in signed {
        if let Some(n) = v.strip_suffix(suffix) {
            return n
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(|n| Field::Int(n, ty));
        }
    }
    let unsigned = [
        ("u8", Ty::UTinyInt, u64::from(u8::MAX)),
        ("u16", Ty::USmallInt, u64::from(u16::MAX)),
        ("u32", Ty::UInt, u64::from(u32::MAX)),
        ("u64", Ty::UBigInt, u64::MAX),
        ("u", Ty::UBigInt, u64::MAX),
    ];
    for (suffix, ty, max) in unsigned {
        if let Some(n) = v.strip_suffix(suffix) {
            return n
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= max)
                .map(|n| Field::UInt(n, ty));
        }
    }
    let (n, ty) = match v.strip_suffix("f32") {
        Some(n) => (n, Ty::Float),
        None => (v.strip_suffix("f64").unwrap_or(v), Ty::Double),
    };
    n.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && (ty == Ty::Double || f.abs() <= f64::from(f32::MAX)))
        .map(|f| Field::Float(f, ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_escapes_and_types() {
        let l = parse_line(r#"m\,x,t\ a=v\=1 s="a \"q\"",n=L"ü",i=-3i,u=4u,d=1.5,b=t 17"#).unwrap();
        assert_eq!(l.measurement, "m,x");
        assert_eq!(l.tags, vec![("t a".into(), "v=1".into())]);
        assert_eq!(l.fields[0], ("s".into(), Field::Varchar("a \"q\"".into())));
        assert_eq!(l.fields[1].1, Field::Nchar("ü".into()));
        assert_eq!(l.fields[2].1, Field::Int(-3, Ty::BigInt));
        assert_eq!(l.fields[3].1, Field::UInt(4, Ty::UBigInt));
        assert_eq!(l.fields[4].1, Field::Float(1.5, Ty::Double));
        assert_eq!(l.fields[5].1, Field::Bool(true));
        assert_eq!(l.ts, Some(17));
    }

    #[test]
    fn typed_suffixes() {
        let l =
            parse_line("m a=-8i8,b=300i16,c=7i32,d=9i64,e=1u8,f=2u32,g=1.5f32,h=2f64 1").unwrap();
        let tys: Vec<Ty> = l.fields.iter().map(|(_, f)| f.ty()).collect();
        use Ty::*;
        assert_eq!(
            tys,
            [TinyInt, SmallInt, Int, BigInt, UTinyInt, UInt, Float, Double]
        );
    }

    #[test]
    fn child_name_sorts_tags() {
        let a = parse_line("m,b=2,a=1 v=1i 1").unwrap();
        let b = parse_line("m,a=1,b=2 v=1i 1").unwrap();
        assert_eq!(a.child_name(), b.child_name());
        let expected = format!("t_{:x}", md5::compute(b"m,a=1,b=2"));
        assert_eq!(a.child_name(), expected);
    }

    #[test]
    fn rejects_bad_lines() {
        for bad in [
            "m",
            "m v=1x 1",
            "m v=200i8 1",
            "m v=-1u8 1",
            "m,t v=1 1",
            "m v=1i,v=2i 1",
            "m v=1 x",
            r"m,t=x\\\,y v=1 1",
            r"m,t=\\\ b v=1 1",
        ] {
            assert_eq!(parse_line(bad).unwrap_err().code, 0x3002, "{bad}");
        }
    }

    #[test]
    fn tags_read_backslashes_and_quotes_as_the_server_does() {
        let line = parse_line(r#"m,a=end\\,b=q"t,c=x\,y,d=\\\\ v=1 1"#).unwrap();
        let tags: Vec<(&str, &str)> = line
            .tags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            tags,
            [("a", "end\\"), ("b", "q\"t"), ("c", "x,y"), ("d", "\\\\")]
        );
    }
}
