//! Turning result rows into raw blocks for the wire.

use super::value::{field_bytes, Value};
use crate::api::{FieldInfo, QueryResult};
use crate::sql::ast::DataType;
use taos_query::common::views::{views_to_raw_block, ColumnView};
use taos_query::common::{Precision, Ty};

/// Rows per block, as TDengine sends them.
pub const BLOCK_ROWS: usize = 4096;

/// Builds a result from column names, types and rows.
///
/// A NULL-typed column (a bare `NULL` literal) is sent as VARCHAR, since the
/// client cannot decode type 0; VARCHAR/NCHAR widths grow to fit the values.
pub fn build(
    names: Vec<String>,
    mut types: Vec<DataType>,
    rows: &[Vec<Value>],
    precision: Precision,
) -> QueryResult {
    for (c, t) in types.iter_mut().enumerate() {
        if t.ty == Ty::Null {
            *t = DataType {
                ty: Ty::VarChar,
                len: 0,
            };
        }
        if matches!(t.ty, Ty::VarChar | Ty::NChar | Ty::VarBinary) {
            let widest = rows
                .iter()
                .map(|r| match &r[c] {
                    Value::Str(s) if t.ty == Ty::NChar => s.chars().count(),
                    Value::Str(s) => s.len(),
                    Value::Bytes(b) => b.len(),
                    _ => 0,
                })
                .max()
                .unwrap_or(0) as u32;
            t.len = t.len.max(widest);
        }
    }
    let fields = names
        .into_iter()
        .zip(&types)
        .map(|(name, t)| FieldInfo {
            name,
            ty: t.ty,
            bytes: field_bytes(*t),
        })
        .collect();
    let blocks = rows
        .chunks(BLOCK_ROWS)
        .map(|chunk| {
            let views: Vec<ColumnView> = types
                .iter()
                .enumerate()
                .map(|(c, t)| column_view(t.ty, chunk.iter().map(|r| &r[c]), precision))
                .collect();
            views_to_raw_block(&views)
        })
        .collect();
    QueryResult {
        fields,
        precision,
        blocks,
        rows: rows.len(),
    }
}

fn ints<'v>(vals: impl Iterator<Item = &'v Value>) -> Vec<Option<i64>> {
    vals.map(|v| match v {
        Value::Int(i) => Some(*i),
        Value::UInt(u) => Some(*u as i64),
        Value::Bool(b) => Some(*b as i64),
        Value::Float(f) => Some(*f as i64),
        _ => None,
    })
    .collect()
}

fn texts<'v>(vals: impl Iterator<Item = &'v Value>) -> Vec<Option<String>> {
    vals.map(|v| match v {
        Value::Null => None,
        Value::Str(s) => Some(s.to_string()),
        v => v.to_text(),
    })
    .collect()
}

/// One column of a block.
fn column_view<'v>(ty: Ty, vals: impl Iterator<Item = &'v Value>, p: Precision) -> ColumnView {
    match ty {
        Ty::Timestamp => {
            let v = ints(vals);
            match p {
                Precision::Millisecond => ColumnView::from_millis_timestamp(v),
                Precision::Microsecond => ColumnView::from_micros_timestamp(v),
                Precision::Nanosecond => ColumnView::from_nanos_timestamp(v),
            }
        }
        Ty::Bool => ColumnView::from_bools(
            vals.map(|v| match v {
                Value::Null => None,
                v => Some(v.truthy()),
            })
            .collect::<Vec<_>>(),
        ),
        Ty::TinyInt => ColumnView::from_tiny_ints(map(ints(vals), |i| i as i8)),
        Ty::SmallInt => ColumnView::from_small_ints(map(ints(vals), |i| i as i16)),
        Ty::Int => ColumnView::from_ints(map(ints(vals), |i| i as i32)),
        Ty::BigInt => ColumnView::from_big_ints(ints(vals)),
        Ty::UTinyInt => ColumnView::from_unsigned_tiny_ints(map(ints(vals), |i| i as u8)),
        Ty::USmallInt => ColumnView::from_unsigned_small_ints(map(ints(vals), |i| i as u16)),
        Ty::UInt => ColumnView::from_unsigned_ints(map(ints(vals), |i| i as u32)),
        Ty::UBigInt => ColumnView::from_unsigned_big_ints(map(ints(vals), |i| i as u64)),
        Ty::Float => ColumnView::from_floats(
            vals.map(|v| v.as_f64().filter(|_| !v.is_null()).map(|f| f as f32))
                .collect::<Vec<_>>(),
        ),
        Ty::Double => ColumnView::from_doubles(
            vals.map(|v| if v.is_null() { None } else { v.as_f64() })
                .collect::<Vec<_>>(),
        ),
        Ty::NChar => ColumnView::from_nchar::<String, _, _, _>(texts(vals)),
        Ty::Json => ColumnView::from_json::<String, _, _, _>(texts(vals)),
        Ty::VarBinary | Ty::Geometry => {
            let b: Vec<Option<Vec<u8>>> = vals
                .map(|v| match v {
                    Value::Null => None,
                    Value::Bytes(b) => Some(b.to_vec()),
                    v => v.to_text().map(String::into_bytes),
                })
                .collect();
            if ty == Ty::VarBinary {
                ColumnView::from_bytes::<Vec<u8>, _, _, _>(b)
            } else {
                ColumnView::from_geobytes::<Vec<u8>, _, _, _>(b)
            }
        }
        _ => ColumnView::from_varchar::<String, _, _, _>(texts(vals)),
    }
}

fn map<T>(v: Vec<Option<i64>>, f: impl Fn(i64) -> T) -> Vec<Option<T>> {
    v.into_iter().map(|x| x.map(&f)).collect()
}
