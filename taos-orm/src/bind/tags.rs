//! A row's tags as the client's `Value`s for `set_tags`.

use taos::taos_query::common::{Precision, Timestamp, Ty, Value as TaosValue};

use crate::error::{Error, Result};
use crate::schema::{ColumnDef, SqlType, TableSchema};
use crate::sql::{timestamp_in, LiteralSink};
use crate::table::{TdTable, ValueSink};
use crate::value::Value;

/// The tags of `row` (row number `index`), checked exactly like the SQL
/// path by rendering them once into `scratch`.
pub(crate) fn tag_values<T: TdTable>(
    row: &T,
    index: usize,
    precision: Precision,
    scratch: &mut String,
) -> Result<Vec<TaosValue>> {
    let schema = T::SCHEMA;
    scratch.clear();
    let mut check = LiteralSink::tags(scratch, schema, precision);
    row.write_tags(&mut check);
    check.finish(index, schema)?;

    let mut sink = TagSink {
        defs: schema.tags,
        precision,
        out: Vec::with_capacity(schema.tags.len()),
    };
    row.write_tags(&mut sink);
    if sink.out.len() != schema.tags.len() {
        return Err(mismatch(index, schema));
    }
    Ok(sink.out)
}

#[cold]
fn mismatch(index: usize, schema: &TableSchema) -> Error {
    Error::InvalidArgument(format!(
        "row {index}: `{}` wrote its tags differently on a second pass",
        schema.struct_name
    ))
}

/// Whether the client can send every tag type of `schema` in `set_tags`:
/// its encodings of VARBINARY and JSON tags are not what the server expects
/// (a bound JSON tag reaches a real server as garbage, "json parse error").
pub(crate) fn tags_bindable(schema: &TableSchema) -> bool {
    !schema
        .tags
        .iter()
        .any(|t| matches!(t.ty, SqlType::VarBinary | SqlType::Json))
}

struct TagSink {
    defs: &'static [ColumnDef],
    precision: Precision,
    out: Vec<TaosValue>,
}

impl ValueSink for TagSink {
    fn put(&mut self, index: usize, value: Value<'_>) {
        let Some(def) = self.defs.get(index) else {
            return;
        };
        // The values were validated by the literal pass: conversions here
        // cannot fail or lose range.
        let v = match (def.ty, value) {
            (ty, Value::Null) => TaosValue::Null(ty_of(ty)),
            (SqlType::Timestamp, Value::Timestamp(ts)) => {
                let raw = timestamp_in(&ts, self.precision).unwrap_or_default();
                TaosValue::Timestamp(Timestamp::new(raw, self.precision))
            }
            (SqlType::Timestamp, Value::Int(raw)) => {
                TaosValue::Timestamp(Timestamp::new(raw, self.precision))
            }
            (SqlType::Bool, Value::Bool(b)) => TaosValue::Bool(b),
            (SqlType::TinyInt, v) => TaosValue::TinyInt(as_i64(&v) as i8),
            (SqlType::SmallInt, v) => TaosValue::SmallInt(as_i64(&v) as i16),
            (SqlType::Int, v) => TaosValue::Int(as_i64(&v) as i32),
            (SqlType::BigInt, v) => TaosValue::BigInt(as_i64(&v)),
            (SqlType::UTinyInt, v) => TaosValue::UTinyInt(as_i64(&v) as u8),
            (SqlType::USmallInt, v) => TaosValue::USmallInt(as_i64(&v) as u16),
            (SqlType::UInt, v) => TaosValue::UInt(as_i64(&v) as u32),
            (SqlType::UBigInt, Value::UInt(u)) => TaosValue::UBigInt(u),
            (SqlType::UBigInt, v) => TaosValue::UBigInt(as_i64(&v) as u64),
            (SqlType::Float, Value::Float(f)) => TaosValue::Float(f),
            (SqlType::Float, Value::Double(f)) => TaosValue::Float(f as f32),
            (SqlType::Float, v) => TaosValue::Float(as_i64(&v) as f32),
            (SqlType::Double, Value::Double(f)) => TaosValue::Double(f),
            (SqlType::Double, Value::Float(f)) => TaosValue::Double(f64::from(f)),
            (SqlType::Double, v) => TaosValue::Double(as_i64(&v) as f64),
            (SqlType::VarChar, Value::Str(s)) => TaosValue::VarChar(s.to_owned()),
            (SqlType::NChar, Value::Str(s)) => TaosValue::NChar(s.to_owned()),
            (SqlType::Json, Value::Json(j)) => TaosValue::Json(j.into_owned()),
            (ty, _) => TaosValue::Null(ty_of(ty)),
        };
        self.out.push(v);
    }
}

fn as_i64(v: &Value<'_>) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::UInt(u) => *u as i64,
        _ => 0,
    }
}

fn ty_of(ty: SqlType) -> Ty {
    match ty {
        SqlType::Timestamp => Ty::Timestamp,
        SqlType::Bool => Ty::Bool,
        SqlType::TinyInt => Ty::TinyInt,
        SqlType::SmallInt => Ty::SmallInt,
        SqlType::Int => Ty::Int,
        SqlType::BigInt => Ty::BigInt,
        SqlType::UTinyInt => Ty::UTinyInt,
        SqlType::USmallInt => Ty::USmallInt,
        SqlType::UInt => Ty::UInt,
        SqlType::UBigInt => Ty::UBigInt,
        SqlType::Float => Ty::Float,
        SqlType::Double => Ty::Double,
        SqlType::VarChar => Ty::VarChar,
        SqlType::NChar => Ty::NChar,
        SqlType::VarBinary => Ty::VarBinary,
        SqlType::Json => Ty::Json,
    }
}
