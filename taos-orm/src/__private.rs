//! Items used by the code `#[derive(TdTable)]` generates, so expansions need
//! no imports of their own. Not public API: no semver guarantees.

use std::fmt::Write as _;

pub use crate::query::{Column, ColumnRef, Query, TdColumns, TBNAME};
pub use crate::schema::{ColumnDef, ReadField, SqlType, TableKind, TableSchema};
pub use crate::table::{
    ColumnSource, ReadFieldError, ReadFieldErrorKind, RowSource, TdRow, TdTable, ValueSink,
};
pub use crate::value::{TdType, TimestampValue, Value};
pub use ::core;
pub use ::std::string::String;
pub use ::std::vec::Vec;

/// The value of the primary timestamp field. An `i64` field writes
/// `Value::Int`, which in the timestamp column means a raw timestamp in the
/// database precision.
pub fn timestamp_value<T: TdType>(field: &T) -> Value<'_> {
    match field.to_value() {
        Value::Int(raw) => Value::Timestamp(TimestampValue::Raw(raw)),
        other => other,
    }
}

/// Appends a field's value to a child table name built from a
/// `child = "d_{field}"` template. The runtime validates the finished name.
pub fn push_name_part(out: &mut String, value: Value<'_>) {
    // Run for every row: integers and text, the usual parts, skip the
    // formatter. Writing to a String cannot fail.
    let _ = match value {
        Value::Null => write!(out, "null"),
        Value::Bool(b) => write!(out, "{b}"),
        Value::Int(i) => {
            out.push_str(itoa::Buffer::new().format(i));
            Ok(())
        }
        Value::UInt(u) => {
            out.push_str(itoa::Buffer::new().format(u));
            Ok(())
        }
        Value::Float(f) => write!(out, "{f}"),
        Value::Double(d) => write!(out, "{d}"),
        Value::Timestamp(TimestampValue::Raw(raw)) => write!(out, "{raw}"),
        Value::Timestamp(TimestampValue::Instant { secs, nanos }) => {
            write!(
                out,
                "{}",
                i128::from(secs) * 1_000_000_000 + i128::from(nanos)
            )
        }
        Value::Timestamp(TimestampValue::Precise(ts)) => write!(out, "{}", ts.as_raw_i64()),
        Value::Str(s) => {
            out.push_str(s);
            Ok(())
        }
        Value::Bytes(bytes) => bytes.iter().try_for_each(|b| write!(out, "{b:02x}")),
        Value::Json(json) => write!(out, "{json}"),
    };
}

/// Whether a type can be the primary timestamp: `TIMESTAMP`, or `BIGINT`
/// for an `i64` holding a raw timestamp.
pub const fn is_timestamp_type(ty: SqlType) -> bool {
    matches!(ty, SqlType::Timestamp | SqlType::BigInt)
}

/// Whether a field whose type maps to `natural` may be declared as the
/// var-length type `declared` (`varchar`/`nchar` for text, `varbinary` for bytes).
pub const fn length_fits(declared: SqlType, natural: SqlType) -> bool {
    match natural {
        SqlType::VarChar | SqlType::NChar => {
            matches!(declared, SqlType::VarChar | SqlType::NChar)
        }
        SqlType::VarBinary => matches!(declared, SqlType::VarBinary),
        _ => false,
    }
}

/// Whether a type is `JSON`.
pub const fn is_json(ty: SqlType) -> bool {
    matches!(ty, SqlType::Json)
}

/// Bytes a list of columns or tags takes in a row: fixed widths, and the
/// declared length plus a 2-byte prefix for var-length types (4 bytes per
/// NCHAR character).
pub const fn width(columns: &[ColumnDef]) -> u64 {
    let mut total = 0;
    let mut i = 0;
    while i < columns.len() {
        let column = &columns[i];
        let length = match column.length {
            Some(n) => n,
            None => 0,
        };
        total += column.ty.width(length) as u64;
        i += 1;
    }
    total
}

/// The schema of the stub impl emitted next to derive errors, so one mistake
/// does not also produce "`TdTable` is not implemented" errors elsewhere.
pub const STUB_SCHEMA: &TableSchema = &TableSchema {
    struct_name: "",
    name: "",
    database: None,
    comment: None,
    kind: TableKind::Normal,
    columns: &[],
    tags: &[],
    read_fields: &[],
};

/// The definition every column handle of an invalid struct points at.
pub const STUB_COLUMN: &ColumnDef = &ColumnDef {
    name: "",
    field: "",
    ty: SqlType::Int,
    length: None,
    nullable: true,
    primary_key: false,
    encode: None,
    compress: None,
    level: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i64_timestamps_become_raw_timestamps() {
        struct Raw(i64);
        impl TdType for Raw {
            const SQL_TYPE: SqlType = SqlType::BigInt;
            fn to_value(&self) -> Value<'_> {
                Value::Int(self.0)
            }
            fn from_value(_: crate::BorrowedValue<'_>) -> Result<Self, crate::FromValueError> {
                Ok(Raw(0))
            }
        }
        assert_eq!(
            timestamp_value(&Raw(5)),
            Value::Timestamp(TimestampValue::Raw(5))
        );
    }

    #[test]
    fn name_parts_render_values() {
        let mut out = String::from("d_");
        push_name_part(&mut out, Value::Int(-3));
        push_name_part(&mut out, Value::Str("_x"));
        push_name_part(&mut out, Value::Bytes(&[0xab, 1]));
        push_name_part(&mut out, Value::Bool(true));
        assert_eq!(out, "d_-3_xab01true");
    }

    #[test]
    fn widths_count_length_prefixes() {
        let mut text = ColumnDef::new("s", SqlType::VarChar);
        text.length = Some(10);
        let mut wide = ColumnDef::new("n", SqlType::NChar);
        wide.length = Some(10);
        let ts = ColumnDef::new("ts", SqlType::Timestamp);
        assert_eq!(width(&[ts, text, wide]), 8 + 12 + 42);
    }

    #[test]
    fn type_predicates() {
        assert!(is_timestamp_type(SqlType::BigInt));
        assert!(!is_timestamp_type(SqlType::Int));
        assert!(length_fits(SqlType::NChar, SqlType::VarChar));
        assert!(!length_fits(SqlType::VarBinary, SqlType::VarChar));
        assert!(!length_fits(SqlType::VarChar, SqlType::Int));
        assert!(is_json(SqlType::Json));
    }
}
