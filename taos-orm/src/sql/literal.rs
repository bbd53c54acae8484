//! Values as TDengine SQL literals.
//!
//! Everything is written straight into the caller's `String`: the insert
//! path renders millions of values per second, so the common types allocate
//! nothing (only JSON tags, written once per child table, go through a
//! temporary).

use taos::taos_query::common::Precision;

use crate::error::Error;
use crate::schema::{ColumnDef, SqlType};
use crate::value::{TimestampValue, Value};
use taos_rules::json as json_rules;

/// Why a value cannot be written to its column. Turn it into
/// [`Error::InvalidValue`] with [`ValueError::into_error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// What is wrong, e.g. `300 is out of range for TINYINT`.
    pub reason: String,
}

impl ValueError {
    fn new(reason: impl Into<String>) -> Self {
        ValueError {
            reason: reason.into(),
        }
    }

    /// The crate error for this value in row `row` of table `table`.
    pub fn into_error(self, row: usize, table: &'static str, column: &ColumnDef) -> Error {
        Error::InvalidValue {
            row,
            table,
            field: column.field,
            column: column.name,
            reason: self.reason,
        }
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ValueError {}

/// The latest instant TDengine stores at ms and us precision: 2970-01-01T00:00:00Z, in seconds.
const MAX_SECS_MS_US: i64 = 31_556_995_200;
/// The latest instant at ns precision: 2262-01-01T00:00:00Z, in seconds.
const MAX_SECS_NS: i64 = 9_214_646_400;

/// Appends the SQL literal for `value` as stored in `column`.
///
/// Integers are range-checked against the column type, floats must be
/// finite, strings are checked against the declared length (bytes for
/// VARCHAR/VARBINARY, characters for NCHAR) and escaped so the statement stays
/// on one line, timestamps are scaled to the database `precision` and checked
/// against TDengine's latest storable instant. On error `out` is left as it was.
///
/// ```
/// use taos_orm::sql::write_value;
/// use taos_orm::{ColumnDef, Precision, SqlType, Value};
///
/// let mut sql = String::new();
/// let col = ColumnDef { length: Some(16), ..ColumnDef::new("location", SqlType::VarChar) };
/// write_value(&mut sql, &col, &Value::Str("it's"), Precision::Millisecond).unwrap();
/// assert_eq!(sql, r"'it\'s'");
///
/// let tiny = ColumnDef::new("level", SqlType::TinyInt);
/// assert!(write_value(&mut sql, &tiny, &Value::Int(300), Precision::Millisecond).is_err());
/// ```
#[inline]
pub fn write_value(
    out: &mut String,
    column: &ColumnDef,
    value: &Value<'_>,
    precision: Precision,
) -> Result<(), ValueError> {
    let start = out.len();
    let result = write_unchecked_len(out, column, value, precision);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

#[inline]
fn write_unchecked_len(
    out: &mut String,
    column: &ColumnDef,
    value: &Value<'_>,
    precision: Precision,
) -> Result<(), ValueError> {
    let ty = column.ty;
    match (ty, value) {
        (_, Value::Null) => out.push_str("NULL"),
        (SqlType::Bool, Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        (SqlType::Timestamp, Value::Timestamp(ts)) => {
            write_int(out, timestamp_in(ts, precision)?);
        }
        (SqlType::Timestamp, Value::Int(raw)) => {
            write_int(out, check_timestamp(*raw, precision)?);
        }
        (_, Value::Int(v)) if ty.is_integer() || is_float(ty) => {
            check_int_range(ty, i128::from(*v))?;
            write_int(out, *v);
        }
        (_, Value::UInt(v)) if ty.is_integer() || is_float(ty) => {
            check_int_range(ty, i128::from(*v))?;
            out.push_str(itoa::Buffer::new().format(*v));
        }
        (SqlType::Float | SqlType::Double, Value::Float(f)) => {
            if !f.is_finite() {
                return Err(not_finite(f64::from(*f), ty));
            }
            write_f32(out, *f);
        }
        (SqlType::Float | SqlType::Double, Value::Double(f)) => {
            if !f.is_finite() {
                return Err(not_finite(*f, ty));
            }
            if ty == SqlType::Float && f.abs() > f64::from(f32::MAX) {
                return Err(not_finite(*f, ty));
            }
            if f.is_subnormal() {
                return Err(subnormal(*f));
            }
            out.push_str(zmij::Buffer::new().format_finite(*f));
        }
        (SqlType::VarChar | SqlType::NChar, Value::Str(s)) => {
            check_text_len(column, s)?;
            write_quoted(out, s)?;
        }
        (SqlType::VarBinary, Value::Bytes(b)) => write_hex(out, column, b)?,
        (SqlType::VarBinary, Value::Str(s)) => write_hex(out, column, s.as_bytes())?,
        (SqlType::Json, Value::Json(json)) => write_json(out, json)?,
        _ => return Err(kind_mismatch(value, ty)),
    }
    Ok(())
}

// Error paths stay out of line so the hot match inlines small.
#[cold]
#[inline(never)]
fn not_finite(f: f64, ty: SqlType) -> ValueError {
    if f.is_finite() {
        ValueError::new(format!("{f} is out of range for {}", ty.name()))
    } else {
        ValueError::new(format!("{f} cannot be stored in {}", ty.name()))
    }
}

/// The server parses every float literal as a double and refuses one above
/// FLT_MAX for a FLOAT column (0x0216 "illegal float data"), and the
/// shortest text of the largest floats (`3.4028235e+38`) is just above it as
/// a double. Those few are written as their exact double, which parses back
/// to the same float; everything else keeps the shortest text.
#[inline]
fn write_f32(out: &mut String, f: f32) {
    const SHORTEST_MAY_OVERFLOW: f32 = 3.4e38;
    if f.abs() > SHORTEST_MAY_OVERFLOW {
        out.push_str(zmij::Buffer::new().format_finite(f64::from(f)));
    } else {
        out.push_str(zmij::Buffer::new().format_finite(f));
    }
}

/// TDengine's SQL parser refuses subnormal doubles (0x0216 "illegal float
/// data"); parameter binding sends the bits and stores them.
#[cold]
#[inline(never)]
fn subnormal(f: f64) -> ValueError {
    ValueError::new(format!(
        "{f:e} is a subnormal double, which TDengine's SQL parser refuses; \
         insert it with parameter binding (`insert_bound` or an Inserter in bound mode)"
    ))
}

#[cold]
#[inline(never)]
fn kind_mismatch(value: &Value<'_>, ty: SqlType) -> ValueError {
    ValueError::new(format!(
        "a {} value cannot be written to a {} column",
        kind_name(value),
        ty.name()
    ))
}

fn is_float(ty: SqlType) -> bool {
    matches!(ty, SqlType::Float | SqlType::Double)
}

fn kind_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bool(_) => "bool",
        Value::Int(_) => "signed integer",
        Value::UInt(_) => "unsigned integer",
        Value::Float(_) => "f32",
        Value::Double(_) => "f64",
        Value::Timestamp(_) => "timestamp",
        Value::Str(_) => "string",
        Value::Bytes(_) => "bytes",
        Value::Json(_) => "JSON",
    }
}

#[inline]
fn write_int(out: &mut String, v: i64) {
    out.push_str(itoa::Buffer::new().format(v));
}

#[inline]
fn check_int_range(ty: SqlType, v: i128) -> Result<(), ValueError> {
    let (min, max): (i128, i128) = match ty {
        SqlType::TinyInt => (i8::MIN.into(), i8::MAX.into()),
        SqlType::SmallInt => (i16::MIN.into(), i16::MAX.into()),
        SqlType::Int => (i32::MIN.into(), i32::MAX.into()),
        SqlType::BigInt => (i64::MIN.into(), i64::MAX.into()),
        SqlType::UTinyInt => (0, u8::MAX.into()),
        SqlType::USmallInt => (0, u16::MAX.into()),
        SqlType::UInt => (0, u32::MAX.into()),
        SqlType::UBigInt => (0, u64::MAX.into()),
        // FLOAT and DOUBLE take any integer literal (the server converts it).
        _ => return Ok(()),
    };
    if v < min || v > max {
        return Err(int_out_of_range(v, ty, min, max));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn int_out_of_range(v: i128, ty: SqlType, min: i128, max: i128) -> ValueError {
    ValueError::new(format!(
        "{v} is out of range for {} [{min}, {max}]",
        ty.name()
    ))
}

fn units_per_sec(precision: Precision) -> i64 {
    match precision {
        Precision::Millisecond => 1_000,
        Precision::Microsecond => 1_000_000,
        Precision::Nanosecond => 1_000_000_000,
    }
}

/// Scales a timestamp to `precision` and range-checks it.
///
/// Coarsening rounds towards minus infinity, so an instant maps to the
/// database tick that contains it, before and after the epoch alike.
///
/// ```
/// use taos_orm::sql::timestamp_in;
/// use taos_orm::{Precision, TimestampValue};
///
/// let ts = TimestampValue::Instant { secs: 1, nanos: 2_500_000 };
/// assert_eq!(timestamp_in(&ts, Precision::Millisecond).unwrap(), 1_002);
/// assert_eq!(timestamp_in(&ts, Precision::Nanosecond).unwrap(), 1_002_500_000);
/// ```
#[inline]
pub fn timestamp_in(ts: &TimestampValue, precision: Precision) -> Result<i64, ValueError> {
    let per_sec = units_per_sec(precision);
    let raw = match *ts {
        TimestampValue::Raw(raw) => raw,
        TimestampValue::Instant { secs, nanos } => {
            if nanos >= 1_000_000_000 {
                return Err(ValueError::new(format!(
                    "{nanos} nanoseconds is not within a second"
                )));
            }
            let sub = i64::from(nanos) / (1_000_000_000 / per_sec);
            secs.checked_mul(per_sec)
                .and_then(|v| v.checked_add(sub))
                .ok_or_else(|| out_of_range_secs(secs, precision))?
        }
        TimestampValue::Precise(p) => {
            let from = units_per_sec(p.precision());
            let raw = p.as_raw_i64();
            if from >= per_sec {
                raw.div_euclid(from / per_sec)
            } else {
                raw.checked_mul(per_sec / from).ok_or_else(|| {
                    ValueError::new(format!(
                        "timestamp {raw} ({}) overflows at {} precision",
                        p.precision().as_str(),
                        precision.as_str()
                    ))
                })?
            }
        }
    };
    check_timestamp(raw, precision)
}

fn out_of_range_secs(secs: i64, precision: Precision) -> ValueError {
    ValueError::new(format!(
        "timestamp {secs} s since the epoch overflows at {} precision",
        precision.as_str()
    ))
}

#[inline]
fn check_timestamp(raw: i64, precision: Precision) -> Result<i64, ValueError> {
    let max_secs = match precision {
        Precision::Nanosecond => MAX_SECS_NS,
        _ => MAX_SECS_MS_US,
    };
    if raw > max_secs * units_per_sec(precision) {
        return Err(timestamp_too_late(raw, precision));
    }
    Ok(raw)
}

#[cold]
#[inline(never)]
fn timestamp_too_late(raw: i64, precision: Precision) -> ValueError {
    let latest = match precision {
        Precision::Nanosecond => "2262-01-01",
        _ => "2970-01-01",
    };
    ValueError::new(format!(
        "timestamp {raw} ({}) is after {latest}, the latest TDengine stores at this precision",
        precision.as_str()
    ))
}

fn check_text_len(column: &ColumnDef, s: &str) -> Result<(), ValueError> {
    let Some(max) = column.length else {
        return Ok(());
    };
    let (len, unit) = if column.ty == SqlType::NChar {
        (s.chars().count(), "characters")
    } else {
        (s.len(), "bytes")
    };
    if len > max as usize {
        return Err(ValueError::new(format!(
            "{len} {unit} is longer than {}({max})",
            column.ty.name()
        )));
    }
    Ok(())
}

/// Appends `'s'` with `\`, `'` and line breaks/tabs escaped.
pub(crate) fn write_quoted(out: &mut String, s: &str) -> Result<(), ValueError> {
    out.push('\'');
    let bytes = s.as_bytes();
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped = match b {
            b'\\' => "\\\\",
            b'\'' => "\\'",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            // The server's C parser would end the string at a NUL.
            0 => return Err(ValueError::new("text contains a NUL character")),
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices fall on char boundaries.
        out.push_str(&s[plain..i]);
        out.push_str(escaped);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('\'');
    Ok(())
}

fn write_hex(out: &mut String, column: &ColumnDef, bytes: &[u8]) -> Result<(), ValueError> {
    if let Some(max) = column.length {
        if bytes.len() > max as usize {
            return Err(ValueError::new(format!(
                "{} bytes is longer than VARBINARY({max})",
                bytes.len()
            )));
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2 + 4);
    out.push_str("'\\x");
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out.push('\'');
    Ok(())
}

fn write_json(out: &mut String, json: &serde_json::Value) -> Result<(), ValueError> {
    let object = match json {
        serde_json::Value::Null => {
            out.push_str("NULL");
            return Ok(());
        }
        serde_json::Value::Object(map) => map,
        _ => return Err(ValueError::new("a JSON tag must be an object or null")),
    };
    if object.is_empty() {
        return Err(ValueError::new(
            "TDengine stores an empty JSON object as NULL: write `serde_json::Value::Null`",
        ));
    }
    for (key, value) in object {
        check_json_key(key)?;
        check_json_value(key, value)?;
    }
    check_json_overrun(object)?;
    let text = json.to_string();
    let chars = text.chars().count();
    if chars > json_rules::MAX_TEXT_CHARS {
        return Err(ValueError::new(format!(
            "JSON text is {chars} characters, over the {}-character limit",
            json_rules::MAX_TEXT_CHARS
        )));
    }
    write_quoted(out, &text)
}

/// The 3.3 client library sizes the buffer it prints a JSON tag into by
/// the stored text: anything TDengine prints longer than we wrote it (an
/// escaped quote, a reformatted number) overruns that buffer and can abort
/// the reading process. So only text that prints back exactly as sent is
/// written; it is also the only text that reads back as the same value.
#[cold]
fn check_json_key(key: &str) -> Result<(), ValueError> {
    let bad = |why: &str| Err(ValueError::new(format!("JSON key {key:?} {why}")));
    if key.is_empty() {
        return bad("is empty, and TDengine drops empty keys");
    }
    if !json_rules::key_chars_valid(key) {
        return bad("has a character TDengine refuses in keys (only printable ASCII)");
    }
    if key.contains(['"', '\\']) {
        return bad("has a quote or backslash, which TDengine reads back escaped");
    }
    if key.chars().count() > json_rules::MAX_KEY_CHARS {
        return bad(&format!(
            "is longer than {} characters",
            json_rules::MAX_KEY_CHARS
        ));
    }
    Ok(())
}

/// See [`json_rules::print_overrun`]: the tag as a whole must print
/// within what the client sets aside for it.
fn check_json_overrun(
    object: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), ValueError> {
    use json_rules::Member;
    use serde_json::Value as Json;
    let members = object.values().map(|v| match v {
        Json::Bool(b) => Member::Bool(*b),
        Json::Number(n) => Member::Number(n.to_string().len()),
        Json::String(s) => Member::Str(s),
        _ => Member::Null,
    });
    match json_rules::print_overrun(members) {
        overrun if overrun <= 0 => Ok(()),
        overrun => Err(ValueError::new(format!(
            "the TDengine 3.3 client would overrun its buffer by {overrun} bytes reading this JSON tag back \
             (booleans, nulls and numbers longer than 7 characters print wider than they are stored; \
             string values leave room), which can crash the reading process"
        ))),
    }
}

#[cold]
fn check_json_value(key: &str, value: &serde_json::Value) -> Result<(), ValueError> {
    use serde_json::Value as Json;
    let bad = |why: String| Err(ValueError::new(format!("JSON value of {key:?} {why}")));
    match value {
        Json::Null | Json::Bool(_) => Ok(()),
        Json::Object(_) | Json::Array(_) => {
            bad("is an object or array; TDengine takes strings, numbers, booleans and null".into())
        }
        Json::String(s) if s.contains('\0') => {
            bad("has a NUL, where TDengine cuts the string".into())
        }
        Json::String(s) if s.contains(|c: char| c == '"' || c == '\\' || c.is_control()) => bad(
            "has a quote, backslash or control character, which TDengine reads back escaped".into(),
        ),
        Json::String(_) => Ok(()),
        Json::Number(n) => {
            let sent = n.to_string();
            let value = n.as_f64().unwrap_or(f64::NAN);
            if value.abs() >= json_rules::MAX_NUMBER_MAGNITUDE {
                return bad(format!(
                    "{sent} is too large: a TDengine 3.3 server crashes on JSON numbers from about 1e62, \
                     so taos-orm sends none from {:e}",
                    json_rules::MAX_NUMBER_MAGNITUDE
                ));
            }
            match json_rules::stable_number_text(value) {
                Some(stable) if stable == sent => Ok(()),
                _ => bad(format!(
                    "{sent} would not read back unchanged: TDengine keeps about 15 significant \
                     digits and prints numbers as C's %.15g does (`1` for 1.0, `1e-07` for 1e-7)"
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests;
