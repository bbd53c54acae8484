//! Evaluating compiled expressions.

use super::plan::{CExpr, Scalar};
use super::Segment;
use crate::engine::value::Value;
use crate::sql::ast::{BinOp, DataType};
use std::cmp::Ordering;
use taos_query::common::Ty;

/// What a row-level evaluation sees.
pub struct RowCtx<'c, 'a> {
    /// The row's segment (table); `None` in constant selects.
    pub seg: Option<&'c Segment<'a>>,
    /// Row index in the segment.
    pub row: usize,
    /// Aggregate results of the current group.
    pub aggs: &'c [Value],
    /// GROUP BY key values of the current group.
    pub keys: &'c [Value],
    /// `_wstart`, `_wend`, `_wduration` of the current window.
    pub win: [i64; 3],
}

impl<'c, 'a> RowCtx<'c, 'a> {
    /// Row `row` of `seg`, outside any group or window.
    pub fn row(seg: &'c Segment<'a>, row: usize) -> Self {
        RowCtx {
            seg: Some(seg),
            row,
            aggs: &[],
            keys: &[],
            win: [0; 3],
        }
    }

    /// A table's context without a row: what tags and tbname read.
    pub fn table(seg: &'c Segment<'a>) -> Self {
        Self::row(seg, usize::MAX)
    }
}

/// The SQL order of two operands; a constant side is compared in place and
/// tbname read without a copy, as conditions evaluated per row or per table
/// mostly are.
fn compare(a: &CExpr, b: &CExpr, cx: &RowCtx) -> Option<Ordering> {
    match (a, b) {
        (CExpr::Tbname, CExpr::Const(Value::Str(name))) => cx.seg.map(|s| s.tbname.cmp(name)),
        (CExpr::Const(Value::Str(name)), CExpr::Tbname) => cx.seg.map(|s| (**name).cmp(s.tbname)),
        (x, CExpr::Const(c)) => eval(x, cx).sql_cmp(c),
        (CExpr::Const(c), y) => c.sql_cmp(&eval(y, cx)),
        (x, y) => eval(x, cx).sql_cmp(&eval(y, cx)),
    }
}

/// Evaluates `e` on a row.
pub fn eval(e: &CExpr, cx: &RowCtx) -> Value {
    match e {
        CExpr::Ts => cx
            .seg
            .and_then(|s| s.data.ts.get(cx.row))
            .map_or(Value::Null, |t| Value::Int(*t)),
        CExpr::Col(i) => cx
            .seg
            .and_then(|s| s.data.cols.get(*i))
            .map_or(Value::Null, |c| c.get(cx.row)),
        CExpr::Tag(i) => cx
            .seg
            .and_then(|s| s.tags.get(*i))
            .cloned()
            .unwrap_or_default(),
        CExpr::Tbname => cx.seg.map_or(Value::Null, |s| Value::Str(s.tbname.into())),
        CExpr::Const(v) => v.clone(),
        CExpr::Neg(x) => match eval(x, cx) {
            Value::Int(i) => Value::Int(i.wrapping_neg()),
            Value::UInt(u) => Value::Int((u as i64).wrapping_neg()),
            Value::Bool(b) => Value::Int(-(b as i64)),
            v => v.as_f64().map_or(Value::Null, |f| Value::Float(-f)),
        },
        // The server's NOT takes an unknown (NULL) condition as false.
        CExpr::Not(x) => Value::Bool(!eval(x, cx).truthy()),
        CExpr::Arith(op, a, b, int) => arith(*op, eval(a, cx), eval(b, cx), *int),
        CExpr::Cmp(op, a, b) => match compare(a, b, cx) {
            None => Value::Null,
            Some(o) => Value::Bool(match op {
                BinOp::Eq => o == Ordering::Equal,
                BinOp::Ne => o != Ordering::Equal,
                BinOp::Lt => o == Ordering::Less,
                BinOp::Le => o != Ordering::Greater,
                BinOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }),
        },
        CExpr::Logic(op, a, b) => {
            let a = eval(a, cx);
            let a3 = (!a.is_null()).then(|| a.truthy());
            if *op == BinOp::And && a3 == Some(false) {
                return Value::Bool(false);
            }
            if *op == BinOp::Or && a3 == Some(true) {
                return Value::Bool(true);
            }
            let b = eval(b, cx);
            let b3 = (!b.is_null()).then(|| b.truthy());
            match (op, a3, b3) {
                (BinOp::And, _, Some(false)) => Value::Bool(false),
                (BinOp::Or, _, Some(true)) => Value::Bool(true),
                (_, Some(x), Some(y)) => {
                    Value::Bool(if *op == BinOp::And { x && y } else { x || y })
                }
                _ => Value::Null,
            }
        }
        CExpr::Between(v, lo, hi, not) => {
            let v = eval(v, cx);
            match (v.sql_cmp(&eval(lo, cx)), v.sql_cmp(&eval(hi, cx))) {
                (Some(a), Some(b)) => {
                    Value::Bool((a != Ordering::Less && b != Ordering::Greater) != *not)
                }
                _ => Value::Null,
            }
        }
        CExpr::In(v, list, not) => {
            let v = eval(v, cx);
            if v.is_null() {
                return Value::Null;
            }
            let hit = list.iter().any(|x| v.sql_cmp(x) == Some(Ordering::Equal));
            // Not found in a list holding NULL is unknown, not false.
            if !hit && list.iter().any(Value::is_null) {
                return Value::Null;
            }
            Value::Bool(hit != *not)
        }
        CExpr::Like(v, p, not) => match eval(v, cx) {
            Value::Str(s) => Value::Bool(p.matches(&s) != *not),
            Value::Null => Value::Null,
            v => v
                .to_text()
                .map_or(Value::Null, |s| Value::Bool(p.matches(&s) != *not)),
        },
        CExpr::IsNull(v, not) => Value::Bool(eval(v, cx).is_null() != *not),
        CExpr::Func(f, args) => {
            let vals: Vec<Value> = args.iter().map(|a| eval(a, cx)).collect();
            scalar(*f, vals)
        }
        // Floats become text as C's %g prints them: 6 digits for FLOAT,
        // 15 for DOUBLE.
        CExpr::Cast(v, to, from) => match (eval(v, cx), from) {
            (Value::Float(f), Ty::Float | Ty::Double) if crate::engine::value::is_text(to.ty) => {
                let digits = if *from == Ty::Float { 6 } else { 15 };
                cast(Value::Str(taos_rules::printf::g(f, digits).into()), *to)
            }
            (v, _) => cast(v, *to),
        },
        CExpr::Agg(i) => cx.aggs.get(*i).cloned().unwrap_or_default(),
        CExpr::GroupKey(i) => cx.keys.get(*i).cloned().unwrap_or_default(),
        CExpr::Window(i) => Value::Int(cx.win[*i]),
        CExpr::JsonGet(x, key) => match json_of(&eval(x, cx)).as_ref().and_then(|j| j.get(key)) {
            None => Value::Null,
            Some(serde_json::Value::Number(n)) => {
                Value::Str(format!("{:.9}", n.as_f64().unwrap_or(0.0)).into())
            }
            Some(v) => Value::Str(v.to_string().into()),
        },
        CExpr::JsonScalar(x) => match eval(x, cx) {
            Value::Str(text) => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::String(s)) => Value::Str(s.into()),
                Ok(serde_json::Value::Number(n)) => n.as_f64().map_or(Value::Null, Value::Float),
                Ok(serde_json::Value::Bool(b)) => Value::Bool(b),
                Ok(serde_json::Value::Null) => Value::Null,
                _ => Value::Str(text),
            },
            v => v,
        },
        CExpr::Contains(x, key) => Value::Bool(
            json_of(&eval(x, cx))
                .as_ref()
                .and_then(|j| j.as_object())
                .is_some_and(|o| o.contains_key(key)),
        ),
    }
}

fn json_of(v: &Value) -> Option<serde_json::Value> {
    match v {
        Value::Str(s) => serde_json::from_str(s).ok(),
        _ => None,
    }
}

fn arith(op: BinOp, a: Value, b: Value, int: bool) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    if int {
        let (Some(x), Some(y)) = (a.as_i128(), b.as_i128()) else {
            return Value::Null;
        };
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            _ => return Value::Null,
        };
        return Value::Int(r as i64);
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
        return Value::Null;
    };
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div if y == 0.0 => return Value::Null,
        BinOp::Div => x / y,
        BinOp::Rem if y == 0.0 => return Value::Null,
        BinOp::Rem => x % y,
        _ => return Value::Null,
    };
    Value::Float(r)
}

fn scalar(f: Scalar, args: Vec<Value>) -> Value {
    match scalar_value(f, args) {
        // A math domain error (SQRT(-1), LOG(0)) is NULL, not NaN or inf.
        Value::Float(x) if !x.is_finite() => Value::Null,
        v => v,
    }
}

fn scalar_value(f: Scalar, args: Vec<Value>) -> Value {
    if args.iter().any(Value::is_null) {
        return Value::Null;
    }
    let a = &args[0];
    // `+ 0.0` turns C's -0.0 (`CEIL(-0.5)`) into the 0.0 the server sends.
    let num = |g: fn(f64) -> f64| match a {
        Value::Float(x) => Value::Float(g(*x) + 0.0),
        v => v.clone(),
    };
    match f {
        Scalar::Abs => match a {
            Value::Int(i) => Value::Int(i.wrapping_abs()),
            Value::Float(x) => Value::Float(x.abs()),
            v => v.clone(),
        },
        Scalar::Ceil => num(f64::ceil),
        Scalar::Floor => num(f64::floor),
        Scalar::Round => match (a, args.get(1).and_then(Value::as_i128)) {
            (_, None | Some(0)) => num(f64::round),
            // ROUND(x, d): half away from zero at the d-th decimal.
            (Value::Float(x), Some(d)) => {
                let scale = 10f64.powi(d.clamp(-308, 308) as i32);
                Value::Float((x * scale).round() / scale)
            }
            (Value::Int(i), Some(d)) if d < 0 => {
                let scale = 10f64.powi((-d).min(18) as i32);
                Value::Int(((*i as f64 / scale).round() * scale) as i64)
            }
            (v, _) => v.clone(),
        },
        Scalar::Sqrt => a.as_f64().map_or(Value::Null, |x| Value::Float(x.sqrt())),
        Scalar::Pow => match (a.as_f64(), args[1].as_f64()) {
            (Some(x), Some(y)) => Value::Float(x.powf(y)),
            _ => Value::Null,
        },
        Scalar::Length => match a {
            Value::Str(s) if args[1].truthy() => Value::Int(4 * s.chars().count() as i64),
            Value::Str(s) => Value::Int(s.len() as i64),
            Value::Bytes(b) => Value::Int(b.len() as i64),
            _ => Value::Null,
        },
        Scalar::CharLength => match a {
            Value::Str(s) => Value::Int(s.chars().count() as i64),
            Value::Bytes(b) => Value::Int(b.len() as i64),
            _ => Value::Null,
        },
        // The server changes the case of ASCII letters only.
        Scalar::Lower => text_map(a, str::to_ascii_lowercase),
        Scalar::Upper => text_map(a, str::to_ascii_uppercase),
        Scalar::Ltrim => text_map(a, |s| s.trim_start().to_string()),
        Scalar::Trim => text_map(a, |s| s.trim().to_string()),
        Scalar::Replace => match (a, &args[1], &args[2]) {
            (Value::Str(s), Value::Str(from), Value::Str(to)) if !from.is_empty() => {
                Value::Str(s.replace(&**from, to).into())
            }
            _ => a.clone(),
        },
        Scalar::Repeat => match (a, args[1].as_i128()) {
            (Value::Str(s), Some(n)) => Value::Str(s.repeat(n.clamp(0, 65517) as usize).into()),
            _ => Value::Null,
        },
        Scalar::Ascii => match a {
            Value::Str(s) => Value::Int(s.bytes().next().map_or(0, i64::from)),
            _ => Value::Null,
        },
        Scalar::Sign => match a {
            Value::Int(i) => Value::Int(i.signum()),
            Value::UInt(u) => Value::UInt(u64::from(*u > 0)),
            Value::Float(x) if *x == 0.0 => Value::Float(0.0),
            Value::Float(x) => Value::Float(x.signum()),
            v => v.clone(),
        },
        Scalar::Mod => match (a.as_f64(), args[1].as_f64()) {
            (Some(_), Some(0.0)) => Value::Null,
            (Some(x), Some(y)) => Value::Float(x % y),
            _ => Value::Null,
        },
        Scalar::Truncate => match (a, args[1].as_i128()) {
            (Value::Float(x), Some(d)) => {
                let scale = 10f64.powi(d.clamp(-308, 308) as i32);
                Value::Float((x * scale).trunc() / scale)
            }
            (v, _) => v.clone(),
        },
        // In the server's order of operations, which rounds differently
        // from f64::to_degrees.
        Scalar::Degrees => a.as_f64().map_or(Value::Null, |x| {
            Value::Float(x * 180.0 / std::f64::consts::PI)
        }),
        Scalar::Radians => a.as_f64().map_or(Value::Null, |x| {
            Value::Float(x * std::f64::consts::PI / 180.0)
        }),
        Scalar::Rtrim => text_map(a, |s| s.trim_end().to_string()),
        Scalar::Math(g) => a.as_f64().map_or(Value::Null, |x| Value::Float(g.apply(x))),
        Scalar::Log => match (a.as_f64(), args.get(1).and_then(Value::as_f64)) {
            (Some(x), Some(b)) => Value::Float(x.ln() / b.ln()),
            (Some(x), None) => Value::Float(x.ln()),
            _ => Value::Null,
        },
        Scalar::ToIso8601 => {
            let (Some(t), Value::Str(tz), Some(per)) = (a.as_i128(), &args[1], args[2].as_i128())
            else {
                return Value::Null;
            };
            iso8601(t as i64, tz, per as i64)
        }
        Scalar::ToUnixTimestamp => match (a, args[1].as_i128()) {
            (Value::Str(s), Some(per)) => {
                let p = match per {
                    1_000 => taos_query::common::Precision::Millisecond,
                    1_000_000 => taos_query::common::Precision::Microsecond,
                    _ => taos_query::common::Precision::Nanosecond,
                };
                crate::engine::time::parse_timestamp(s, p).map_or(Value::Null, Value::Int)
            }
            _ => Value::Null,
        },
        Scalar::TimeTruncate => match (a.as_i128(), args[1].as_i128()) {
            (Some(t), Some(u)) if u > 0 => Value::Int((t.div_euclid(u) * u) as i64),
            _ => Value::Null,
        },
        Scalar::TimeDiff => {
            let unit = args.get(2).and_then(Value::as_i128).unwrap_or(1).max(1);
            match (a.as_i128(), args[1].as_i128()) {
                (Some(x), Some(y)) => Value::Int(((x - y) / unit) as i64),
                _ => Value::Null,
            }
        }
        Scalar::Substr => {
            let Value::Str(s) = a else { return Value::Null };
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as i128;
            let pos = args[1].as_i128().unwrap_or(1);
            let start = if pos > 0 { pos - 1 } else { n + pos }.clamp(0, n);
            let len = args.get(2).and_then(Value::as_i128).unwrap_or(n).max(0);
            let end = (start + len).min(n);
            Value::Str(
                chars[start as usize..end as usize]
                    .iter()
                    .collect::<String>()
                    .into(),
            )
        }
        Scalar::Concat => {
            let mut out = String::new();
            for v in &args {
                out.push_str(&v.to_text().unwrap_or_default());
            }
            Value::Str(out.into())
        }
        Scalar::ConcatWs => {
            let sep = args[0].to_text().unwrap_or_default();
            let parts: Vec<String> = args[1..]
                .iter()
                .map(|v| v.to_text().unwrap_or_default())
                .collect();
            Value::Str(parts.join(&sep).into())
        }
    }
}

/// `2024-01-01T00:00:00.000+00:00` with the precision's fraction digits.
fn iso8601(t: i64, tz: &str, per_second: i64) -> Value {
    let offset = parse_offset(tz).unwrap_or(0);
    let secs = t.div_euclid(per_second) + offset;
    let frac = t.rem_euclid(per_second);
    let Some(dt) = chrono::DateTime::from_timestamp(secs, 0) else {
        return Value::Null;
    };
    let digits = per_second.ilog10() as usize;
    // The zone is written back as it was given (`+08:00`, `+0800`, `Z`).
    Value::Str(format!("{}.{frac:0digits$}{tz}", dt.format("%Y-%m-%dT%H:%M:%S")).into())
}

/// Seconds east of UTC for a TO_ISO8601 zone: `Z`, `+hh`, `+hh:mm` or
/// `+hhmm`, as the server takes them: hours up to 12, whole hours, or a
/// half hour east of UTC.
pub(super) fn parse_offset(tz: &str) -> Option<i64> {
    if tz == "Z" || tz == "z" {
        return Some(0);
    }
    let (sign, body) = match tz.as_bytes().first()? {
        b'+' => (1, &tz[1..]),
        b'-' => (-1, &tz[1..]),
        _ => return None,
    };
    let digits = match body.len() {
        2 | 4 => body.to_owned(),
        5 if body.as_bytes()[2] == b':' => body.replace(':', ""),
        _ => return None,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[0..2].parse().ok()?;
    let m: i64 = digits.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
    let valid = h <= 12 && (m == 0 || (m == 30 && sign == 1 && (1..12).contains(&h)));
    valid.then_some(sign * (h * 3600 + m * 60))
}

fn text_map(v: &Value, f: impl Fn(&str) -> String) -> Value {
    match v {
        Value::Str(s) => Value::Str(f(s).into()),
        v => v.clone(),
    }
}

/// The number a text starts with, as C's `strtod` reads it (blanks first
/// skipped), or 0.
fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    let mut any = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        any |= digits(&mut i);
    }
    if any {
        end = i;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if digits(&mut j) {
                end = j;
            }
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

/// CAST: truncates and wraps silently, as TDengine does.
pub fn cast(v: Value, to: DataType) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    // Text becomes the number it starts with, 0 when none.
    let v = match v {
        Value::Str(s) if !crate::engine::value::is_text(to.ty) && to.ty != Ty::VarBinary => {
            Value::Float(leading_number(&s))
        }
        v => v,
    };
    let int = || {
        v.as_i128()
            .or_else(|| v.as_f64().map(|f| f as i128))
            .unwrap_or(0)
    };
    match to.ty {
        Ty::Bool => Value::Bool(v.truthy() || v.as_f64().is_some_and(|f| f != 0.0)),
        Ty::TinyInt => Value::Int(int() as i8 as i64),
        Ty::SmallInt => Value::Int(int() as i16 as i64),
        Ty::Int => Value::Int(int() as i32 as i64),
        Ty::BigInt | Ty::Timestamp => Value::Int(int() as i64),
        Ty::UTinyInt => Value::Int(int() as u8 as i64),
        Ty::USmallInt => Value::Int(int() as u16 as i64),
        Ty::UInt => Value::Int(int() as u32 as i64),
        Ty::UBigInt => Value::UInt(int() as u64),
        Ty::Float => Value::Float(v.as_f64().unwrap_or(0.0) as f32 as f64),
        Ty::Double => Value::Float(v.as_f64().unwrap_or(0.0)),
        Ty::VarChar | Ty::NChar => {
            let s = match &v {
                Value::Float(f) => format!("{f:.6}"),
                v => v.to_text().unwrap_or_default(),
            };
            let limit = to.len as usize;
            let cut: String = if to.ty == Ty::NChar {
                s.chars().take(limit).collect()
            } else {
                let mut end = s.len().min(limit);
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s[..end].to_string()
            };
            Value::Str(cut.into())
        }
        Ty::VarBinary => match v {
            Value::Bytes(b) => Value::Bytes(b),
            v => Value::Bytes(v.to_text().unwrap_or_default().into_bytes().into()),
        },
        _ => Value::Null,
    }
}
