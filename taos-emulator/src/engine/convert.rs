//! Converting VALUES / TAGS literals to typed values of a column.

use super::catalog::ColumnDef;
use super::error::{bad_value, value_too_long};
use super::time;
use super::value::Value;
use crate::api::TdError;
use crate::sql::ast::{Literal, ValueExpr};
use crate::sql::parser::parse_int;
use taos_query::common::{Precision, Ty};
use taos_rules::float::literal_accepted;

/// What conversion needs from the statement.
pub struct Ctx<'a> {
    /// The lowered statement text the spans point into.
    pub src: &'a str,
    /// The target database precision.
    pub precision: Precision,
    /// `NOW` for the whole statement, in `precision`.
    pub now: i64,
}

/// Converts `v` to a value of `col`'s type, with TDengine's checks and messages.
pub fn convert(v: &ValueExpr, col: &ColumnDef, cx: &Ctx) -> Result<Value, TdError> {
    let text = cx
        .src
        .get(v.span.0 as usize..v.span.1 as usize)
        .unwrap_or_default();
    let ty = col.dt.ty;
    if ty == Ty::Timestamp {
        return timestamp(v, text, cx);
    }
    // Messages quote a string by its content, without the delimiters.
    let text = match &v.lit {
        Literal::Str(s) if v.offsets.is_empty() => s.as_str(),
        _ => text,
    };
    if !v.offsets.is_empty() {
        return Err(bad_value(
            text,
            &format!("invalid {} data", detail_name(ty)),
        ));
    }
    match &v.lit {
        Literal::Null => Ok(Value::Null),
        Literal::Str(s) => from_str(s, text, col),
        Literal::Number => number(text, text, ty, col),
        Literal::Bool(b) => match ty {
            Ty::Bool => Ok(Value::Bool(*b)),
            Ty::VarChar | Ty::NChar | Ty::VarBinary => {
                from_str(if *b { "true" } else { "false" }, text, col)
            }
            // The server takes `true`/`false` for BOOL and text only.
            Ty::Float | Ty::Double => Err(bad_value(text, float_error(ty))),
            Ty::Json | Ty::Geometry => Err(bad_value(text, "invalid data")),
            _ => Err(bad_value(
                text,
                &format!("invalid {} data", detail_name(ty)),
            )),
        },
        Literal::Now | Literal::Today => Err(bad_value(
            text,
            &format!("invalid {} data", detail_name(ty)),
        )),
    }
}

fn timestamp(v: &ValueExpr, text: &str, cx: &Ctx) -> Result<Value, TdError> {
    let shown = match &v.lit {
        Literal::Str(s) if v.offsets.is_empty() => s.as_str(),
        _ => text,
    };
    let invalid = || bad_value(shown, "invalid timestamp");
    let base = match &v.lit {
        Literal::Null => return Ok(Value::Null),
        Literal::Now => cx.now,
        Literal::Today => time::today(cx.precision),
        Literal::Number => {
            let skip = usize::from(text.starts_with(['+', '-']));
            let end = text[skip..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(text.len(), |i| i + skip);
            parse_int(&text[..end])
                .and_then(|n| i64::try_from(n).ok())
                .ok_or_else(invalid)?
        }
        Literal::Str(s) => {
            if s.eq_ignore_ascii_case("null") {
                return Ok(Value::Null);
            }
            match parse_int(s.trim()) {
                Some(n) => i64::try_from(n).map_err(|_| invalid())?,
                None => time::parse_timestamp(s, cx.precision).ok_or_else(invalid)?,
            }
        }
        Literal::Bool(_) => return Err(invalid()),
    };
    let mut ts = base;
    for &(neg, n, unit) in &v.offsets {
        let d = time::duration(n, unit, cx.precision).ok_or_else(invalid)?;
        ts = if neg {
            ts.checked_sub(d)
        } else {
            ts.checked_add(d)
        }
        .ok_or_else(invalid)?;
    }
    Ok(Value::Int(ts))
}

/// The word TDengine's messages use for a type (`invalid int data`).
fn detail_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Bool => "bool",
        Ty::TinyInt => "tinyint",
        Ty::SmallInt => "smallint",
        Ty::Int => "int",
        Ty::BigInt => "bigint",
        Ty::UTinyInt => "unsigned tinyint",
        Ty::USmallInt => "unsigned smallint",
        Ty::UInt => "unsigned int",
        Ty::UBigInt => "unsigned bigint",
        Ty::Float => "float",
        Ty::Double => "double",
        Ty::Timestamp => "timestamp",
        Ty::VarChar => "binary",
        Ty::NChar => "nchar",
        Ty::Json => "json",
        Ty::VarBinary => "varbinary",
        Ty::Geometry => "geometry",
        _ => "",
    }
}

fn from_str(s: &str, text: &str, col: &ColumnDef) -> Result<Value, TdError> {
    let ty = col.dt.ty;
    match ty {
        Ty::VarChar => {
            if s.len() > col.dt.len as usize {
                return Err(value_too_long(&col.name));
            }
            Ok(Value::Str(s.into()))
        }
        Ty::NChar => {
            if s.chars().count() > col.dt.len as usize {
                return Err(value_too_long(&col.name));
            }
            Ok(Value::Str(s.into()))
        }
        Ty::VarBinary => {
            let bytes = match s.strip_prefix("\\x") {
                Some(hex) => decode_hex(hex).ok_or_else(|| bad_value(text, "invalid hex data"))?,
                None => s.as_bytes().to_vec(),
            };
            if bytes.len() > col.dt.len as usize {
                return Err(value_too_long(&col.name));
            }
            Ok(Value::Bytes(bytes.into()))
        }
        Ty::Geometry => {
            let wkb = super::geometry::wkt_to_wkb(s)
                .ok_or_else(|| bad_value(text, "invalid geometry data"))?;
            if wkb.len() > col.dt.len as usize {
                return Err(value_too_long(&col.name));
            }
            Ok(Value::Bytes(wkb.into()))
        }
        Ty::Json => json(s, text),
        _ if s.eq_ignore_ascii_case("null") => Ok(Value::Null),
        Ty::Bool => {
            if s.eq_ignore_ascii_case("true") {
                Ok(Value::Bool(true))
            } else if s.eq_ignore_ascii_case("false") {
                Ok(Value::Bool(false))
            } else {
                match parse_float(s) {
                    Some(f) => Ok(Value::Bool(f != 0.0)),
                    None => Err(bad_value(text, "invalid bool data")),
                }
            }
        }
        _ if s.is_empty() => Err(bad_value(text, "invalid numeric data")),
        // Numbers in quotes are read as they are: surrounding blanks make
        // them invalid, as on the server.
        _ => number(s, text, ty, col),
    }
}

/// The detail of 0x0216 for a bad FLOAT or DOUBLE literal.
fn float_error(ty: Ty) -> &'static str {
    if ty == Ty::Float {
        "illegal float data"
    } else {
        "illegal double data"
    }
}

fn number(num: &str, text: &str, ty: Ty, col: &ColumnDef) -> Result<Value, TdError> {
    let name = detail_name(ty);
    let invalid = || bad_value(text, &format!("invalid {name} data"));
    match ty {
        Ty::Float | Ty::Double => {
            let f = parse_float(num)
                .filter(|f| literal_accepted(*f, has_nonzero_mantissa(num), ty == Ty::Float))
                .ok_or_else(|| bad_value(text, float_error(ty)))?;
            Ok(Value::Float(if ty == Ty::Float {
                f64::from(f as f32)
            } else {
                f
            }))
        }
        Ty::Bool => {
            let f = parse_float(num).ok_or_else(|| bad_value(text, "invalid bool data"))?;
            Ok(Value::Bool(f != 0.0))
        }
        Ty::VarChar | Ty::NChar | Ty::VarBinary => from_str(num, text, col),
        Ty::Json | Ty::Geometry => Err(invalid()),
        _ => {
            let n = match parse_int(num) {
                Some(n) => n,
                None => {
                    let f = parse_float(num).ok_or_else(invalid)?;
                    if !f.is_finite() {
                        return Err(invalid());
                    }
                    // Half away from zero, as the server rounds `2.5`.
                    f.round() as i128
                }
            };
            integer(n, text, ty)
        }
    }
}

fn parse_float(s: &str) -> Option<f64> {
    if let Some(n) = parse_int(s) {
        return Some(n as f64);
    }
    let t = s.trim_start_matches(['+', '-']);
    if t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        s.parse().ok()
    } else {
        None
    }
}

/// Whether a decimal literal has a non-zero digit before its exponent
/// (`1e-400` does, `0.0e5` does not).
fn has_nonzero_mantissa(num: &str) -> bool {
    num.bytes()
        .take_while(|b| !matches!(b, b'e' | b'E'))
        .any(|b| matches!(b, b'1'..=b'9'))
}

fn integer(n: i128, text: &str, ty: Ty) -> Result<Value, TdError> {
    let (lo, hi): (i128, i128) = match ty {
        Ty::TinyInt => (i8::MIN as i128, i8::MAX as i128),
        Ty::SmallInt => (i16::MIN as i128, i16::MAX as i128),
        Ty::Int => (i32::MIN as i128, i32::MAX as i128),
        Ty::BigInt => (i64::MIN as i128, i64::MAX as i128),
        Ty::UTinyInt => (0, u8::MAX as i128),
        Ty::USmallInt => (0, u16::MAX as i128),
        Ty::UInt => (0, u32::MAX as i128),
        Ty::UBigInt => (0, u64::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    };
    if n < lo || n > hi {
        return Err(bad_value(
            text,
            &format!("{} data overflow", detail_name(ty)),
        ));
    }
    Ok(if ty == Ty::UBigInt {
        Value::UInt(n as u64)
    } else {
        Value::Int(n as i64)
    })
}

/// A JSON tag's text as stored (`text` is what error messages quote).
pub(super) fn json(s: &str, text: &str) -> Result<Value, TdError> {
    match super::json_tag::normalize(s) {
        Ok(Some(stored)) => Ok(Value::Str(stored.into())),
        Ok(None) => Ok(Value::Null),
        Err(e) => Err(bad_value(text, e.detail())),
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}
