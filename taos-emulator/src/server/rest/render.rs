//! Query results as taosAdapter's REST JSON.
//!
//! Values are decoded from the engine's raw blocks with the client library's
//! own parser, so REST and WebSocket users see the same data.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Number, Value};
use taos_query::common::{BorrowedValue, Precision, RawBlock, Ty};

use crate::api::QueryResult;

/// `{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[n]],"rows":1}`.
pub(crate) fn affected(rows: usize, with_meta: bool) -> Value {
    let row = if with_meta {
        json!({ "affected_rows": rows })
    } else {
        json!([rows])
    };
    json!({
        "code": 0,
        "column_meta": [["affected_rows", "INT", 4]],
        "data": [row],
        "rows": 1,
    })
}

/// `{"code":0,"column_meta":[[name,type,bytes],...],"data":[[...],...],"rows":n}`;
/// with `with_meta` each row is an object keyed by column name.
pub(crate) fn rows(result: &QueryResult, with_meta: bool) -> Value {
    let meta: Vec<Value> = result
        .fields
        .iter()
        .map(|f| json!([f.name, type_name(f.ty), f.bytes]))
        .collect();
    let names: Vec<&str> = result.fields.iter().map(|f| f.name.as_str()).collect();
    let mut data = Vec::with_capacity(result.rows);
    for raw in &result.blocks {
        let mut block = RawBlock::parse_from_raw_block(raw.clone(), result.precision);
        block.with_field_names(&names);
        for row in 0..block.nrows() {
            let values = (0..block.ncols()).map(|col| {
                block
                    .get_ref(row, col)
                    .map_or(Value::Null, |v| value(&v, result.precision))
            });
            data.push(if with_meta {
                Value::Object(
                    names
                        .iter()
                        .map(|n| n.to_string())
                        .zip(values)
                        .collect::<Map<_, _>>(),
                )
            } else {
                Value::Array(values.collect())
            });
        }
    }
    let count = data.len();
    json!({ "code": 0, "column_meta": meta, "data": data, "rows": count })
}

/// taosAdapter's type names (`VARCHAR`, not the client's `BINARY`).
fn type_name(ty: Ty) -> &'static str {
    match ty {
        Ty::VarChar => "VARCHAR",
        other => other.name(),
    }
}

fn value(v: &BorrowedValue<'_>, precision: Precision) -> Value {
    match v {
        BorrowedValue::Null(_) => Value::Null,
        BorrowedValue::Bool(b) => Value::Bool(*b),
        BorrowedValue::TinyInt(n) => json!(n),
        BorrowedValue::SmallInt(n) => json!(n),
        BorrowedValue::Int(n) => json!(n),
        BorrowedValue::BigInt(n) => json!(n),
        BorrowedValue::UTinyInt(n) => json!(n),
        BorrowedValue::USmallInt(n) => json!(n),
        BorrowedValue::UInt(n) => json!(n),
        BorrowedValue::UBigInt(n) => json!(n),
        // The shortest decimal that reads back as the same f32, as Go prints it.
        BorrowedValue::Float(f) => float(f.to_string().parse().unwrap_or(f64::NAN)),
        BorrowedValue::Double(f) => float(*f),
        BorrowedValue::Timestamp(ts) => Value::String(timestamp(ts.as_raw_i64(), precision)),
        BorrowedValue::VarChar(s) => Value::String((*s).to_owned()),
        BorrowedValue::NChar(s) => Value::String(s.to_string()),
        BorrowedValue::Json(bytes) => serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())),
        BorrowedValue::VarBinary(bytes) | BorrowedValue::Geometry(bytes) => {
            Value::String(hex(bytes))
        }
        BorrowedValue::Blob(bytes) | BorrowedValue::MediumBlob(bytes) => Value::String(hex(bytes)),
        // The client library cannot decode DECIMAL blocks, so engines never
        // produce them.
        BorrowedValue::Decimal(_) => Value::Null,
    }
}

/// JSON has no NaN or infinity.
fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// RFC 3339 in UTC with as many fraction digits as the precision has, e.g.
/// `2024-01-01T00:00:00.000Z` for milliseconds.
pub(crate) fn timestamp(raw: i64, precision: Precision) -> String {
    let (secs, nanos, format) = match precision {
        Precision::Millisecond => (
            raw.div_euclid(1_000),
            raw.rem_euclid(1_000) * 1_000_000,
            "%Y-%m-%dT%H:%M:%S%.3fZ",
        ),
        Precision::Microsecond => (
            raw.div_euclid(1_000_000),
            raw.rem_euclid(1_000_000) * 1_000,
            "%Y-%m-%dT%H:%M:%S%.6fZ",
        ),
        Precision::Nanosecond => (
            raw.div_euclid(1_000_000_000),
            raw.rem_euclid(1_000_000_000),
            "%Y-%m-%dT%H:%M:%S%.9fZ",
        ),
    };
    match DateTime::<Utc>::from_timestamp(secs, nanos as u32) {
        Some(t) => t.format(format).to_string(),
        None => raw.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::FieldInfo;
    use taos_query::common::views::{views_to_raw_block, ColumnView};

    fn field(name: &str, ty: Ty, bytes: u32) -> FieldInfo {
        FieldInfo {
            name: name.into(),
            ty,
            bytes,
        }
    }

    #[test]
    fn timestamps_by_precision() {
        assert_eq!(
            timestamp(1_700_000_000_123, Precision::Millisecond),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(
            timestamp(-1, Precision::Millisecond),
            "1969-12-31T23:59:59.999Z"
        );
        assert_eq!(
            timestamp(1_700_000_000_000_001, Precision::Microsecond),
            "2023-11-14T22:13:20.000001Z"
        );
        assert_eq!(
            timestamp(5, Precision::Nanosecond),
            "1970-01-01T00:00:00.000000005Z"
        );
    }

    #[test]
    fn rows_render_every_kind() {
        let block = views_to_raw_block(&[
            ColumnView::from_millis_timestamp(vec![0i64, 1]),
            ColumnView::from_floats(vec![Some(1.1f32), None]),
            ColumnView::from_varchar::<&str, _, _, _>(vec![Some("a\"b"), None]),
            ColumnView::from_nchar::<&str, _, _, _>(vec![Some("中"), Some("")]),
            ColumnView::from_bytes::<&[u8], _, _, _>(vec![Some(&[0xab, 0x01][..]), None]),
            ColumnView::from_bools(vec![true, false]),
        ]);
        let result = QueryResult {
            fields: vec![
                field("ts", Ty::Timestamp, 8),
                field("f", Ty::Float, 4),
                field("s", Ty::VarChar, 10),
                field("n", Ty::NChar, 40),
                field("b", Ty::VarBinary, 10),
                field("ok", Ty::Bool, 1),
            ],
            precision: Precision::Millisecond,
            blocks: vec![block],
            rows: 2,
        };
        assert_eq!(
            rows(&result, false),
            json!({
                "code": 0,
                "column_meta": [["ts","TIMESTAMP",8],["f","FLOAT",4],["s","VARCHAR",10],
                                ["n","NCHAR",40],["b","VARBINARY",10],["ok","BOOL",1]],
                "data": [
                    ["1970-01-01T00:00:00.000Z", 1.1, "a\"b", "中", "ab01", true],
                    ["1970-01-01T00:00:00.001Z", null, null, "", null, false]
                ],
                "rows": 2
            })
        );
        assert_eq!(rows(&result, true)["data"][0]["s"], json!("a\"b"));
    }

    #[test]
    fn affected_shape() {
        assert_eq!(
            affected(3, false).to_string(),
            r#"{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[3]],"rows":1}"#
        );
        assert_eq!(affected(3, true)["data"], json!([{ "affected_rows": 3 }]));
    }
}
