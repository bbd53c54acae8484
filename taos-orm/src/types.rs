//! [`TdType`] for the Rust types the crate maps out of the box.
//!
//! Reading accepts the column's exact type plus every lossless widening
//! (a `TINYINT` column into an `i64`, `FLOAT` into `f64`, `INT UNSIGNED` into
//! `i64`, ...). Anything that could lose or reinterpret data is a
//! [`FromValueError::TypeMismatch`] naming both types, so a schema drift shows
//! up as an error instead of silently wrong numbers.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime, Utc};
use taos::taos_query::common::{ColumnView, Precision, Timestamp, Ty};
use taos::taos_query::util::InlineStr;

mod column;
use column::column_paths;

use crate::schema::SqlType;
use crate::value::{BorrowedValue, FromValueError, TdType, TimestampValue, Value};

/// The TDengine spelling of a result value's type, for error messages.
///
/// The client calls VARCHAR `BINARY`; the docs and `DESCRIBE` say `VARCHAR`.
fn type_name(value: &BorrowedValue<'_>) -> &'static str {
    match value.ty() {
        Ty::VarChar => "VARCHAR",
        ty => ty.name(),
    }
}

fn mismatch(expected: &'static str, value: &BorrowedValue<'_>) -> FromValueError {
    if matches!(value, BorrowedValue::Null(_)) {
        return FromValueError::UnexpectedNull;
    }
    FromValueError::TypeMismatch {
        expected,
        found: type_name(value).to_owned(),
    }
}

macro_rules! int_type {
    ($rust:ty, $sql:ident, $ctor:ident, $cast:ty, [$($variant:ident),*]) => {
        impl TdType for $rust {
            const SQL_TYPE: SqlType = SqlType::$sql;

            fn to_value(&self) -> Value<'_> {
                Value::$ctor(<$cast>::from(*self))
            }

            fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
                match value {
                    BorrowedValue::$sql(v) => Ok(v),
                    $(BorrowedValue::$variant(v) => Ok(<$rust>::from(v)),)*
                    other => Err(mismatch(stringify!($rust), &other)),
                }
            }

            column_paths!(copy $sql, $($variant => |v| Ok(<$rust>::from(v))),*);
        }
    };
}

// Each reads its own column type and, widened, the narrower ones listed.
int_type!(i8, TinyInt, Int, i64, []);
int_type!(i16, SmallInt, Int, i64, [TinyInt, UTinyInt]);
int_type!(i32, Int, Int, i64, [TinyInt, SmallInt, UTinyInt, USmallInt]);
int_type!(u8, UTinyInt, UInt, u64, []);
int_type!(u16, USmallInt, UInt, u64, [UTinyInt]);
int_type!(u32, UInt, UInt, u64, [UTinyInt, USmallInt]);
int_type!(u64, UBigInt, UInt, u64, [UTinyInt, USmallInt, UInt]);

impl TdType for i64 {
    const SQL_TYPE: SqlType = SqlType::BigInt;

    fn to_value(&self) -> Value<'_> {
        Value::Int(*self)
    }

    /// Also reads a `TIMESTAMP` as its raw integer in the column's precision,
    /// which is exactly what an `i64` timestamp field wrote.
    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::TinyInt(v) => Ok(v.into()),
            BorrowedValue::SmallInt(v) => Ok(v.into()),
            BorrowedValue::Int(v) => Ok(v.into()),
            BorrowedValue::BigInt(v) => Ok(v),
            BorrowedValue::UTinyInt(v) => Ok(v.into()),
            BorrowedValue::USmallInt(v) => Ok(v.into()),
            BorrowedValue::UInt(v) => Ok(v.into()),
            BorrowedValue::Timestamp(ts) => Ok(ts.as_raw_i64()),
            other => Err(mismatch("i64", &other)),
        }
    }

    // A raw timestamp is the stored i64: copied as BIGINT is.
    column_paths!(copy BigInt | Timestamp, Int => |v| Ok(i64::from(v)), SmallInt => |v| Ok(i64::from(v)), TinyInt => |v| Ok(i64::from(v)), UInt => |v| Ok(i64::from(v)), USmallInt => |v| Ok(i64::from(v)), UTinyInt => |v| Ok(i64::from(v)));
}

impl TdType for bool {
    const SQL_TYPE: SqlType = SqlType::Bool;

    fn to_value(&self) -> Value<'_> {
        Value::Bool(*self)
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Bool(v) => Ok(v),
            other => Err(mismatch("bool", &other)),
        }
    }

    column_paths!(Bool => Ok);
}

impl TdType for f32 {
    const SQL_TYPE: SqlType = SqlType::Float;

    fn to_value(&self) -> Value<'_> {
        Value::Float(*self)
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Float(v) => Ok(v),
            BorrowedValue::TinyInt(v) => Ok(v.into()),
            BorrowedValue::SmallInt(v) => Ok(v.into()),
            BorrowedValue::UTinyInt(v) => Ok(v.into()),
            BorrowedValue::USmallInt(v) => Ok(v.into()),
            other => Err(mismatch("f32", &other)),
        }
    }

    column_paths!(copy Float);
}

impl TdType for f64 {
    const SQL_TYPE: SqlType = SqlType::Double;

    fn to_value(&self) -> Value<'_> {
        Value::Double(*self)
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Double(v) => Ok(v),
            BorrowedValue::Float(v) => Ok(v.into()),
            BorrowedValue::TinyInt(v) => Ok(v.into()),
            BorrowedValue::SmallInt(v) => Ok(v.into()),
            BorrowedValue::Int(v) => Ok(v.into()),
            BorrowedValue::UTinyInt(v) => Ok(v.into()),
            BorrowedValue::USmallInt(v) => Ok(v.into()),
            BorrowedValue::UInt(v) => Ok(v.into()),
            other => Err(mismatch("f64", &other)),
        }
    }

    column_paths!(copy Double, Float => |v| Ok(f64::from(v)));
}

impl TdType for String {
    const SQL_TYPE: SqlType = SqlType::VarChar;

    fn to_value(&self) -> Value<'_> {
        Value::Str(self)
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::VarChar(s) => Ok(s.to_owned()),
            BorrowedValue::NChar(s) => Ok(s.into_owned()),
            other => Err(mismatch("String", &other)),
        }
    }

    column_paths!(VarChar => |v: &InlineStr| Ok(v.as_str().to_owned()), NChar => |v: &str| Ok(v.to_owned()));
}

impl TdType for Vec<u8> {
    const SQL_TYPE: SqlType = SqlType::VarBinary;

    fn to_value(&self) -> Value<'_> {
        Value::Bytes(self)
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::VarBinary(b) => Ok(b.into_owned()),
            other => Err(mismatch("Vec<u8>", &other)),
        }
    }
}

impl TdType for Timestamp {
    const SQL_TYPE: SqlType = SqlType::Timestamp;

    fn to_value(&self) -> Value<'_> {
        Value::Timestamp(TimestampValue::Precise(*self))
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Timestamp(ts) => Ok(ts),
            other => Err(mismatch("Timestamp", &other)),
        }
    }

    column_paths!(Timestamp => Ok);
}

/// Splits a raw timestamp into whole seconds and nanoseconds, honouring its
/// precision (negative values round towards minus infinity).
fn split_timestamp(ts: Timestamp) -> (i64, u32) {
    let per_sec: i64 = match ts.precision() {
        Precision::Millisecond => 1_000,
        Precision::Microsecond => 1_000_000,
        Precision::Nanosecond => 1_000_000_000,
    };
    let raw = ts.as_raw_i64();
    let secs = raw.div_euclid(per_sec);
    // The remainder is below `per_sec` ≤ 1e9, so it fits u32 once scaled to nanos.
    let nanos = (raw.rem_euclid(per_sec) * (1_000_000_000 / per_sec)) as u32;
    (secs, nanos)
}

fn timestamp_to_datetime(ts: Timestamp) -> Result<DateTime<Utc>, FromValueError> {
    let (secs, nanos) = split_timestamp(ts);
    DateTime::from_timestamp(secs, nanos).ok_or_else(|| {
        FromValueError::Invalid(format!(
            "timestamp {} ({}) is outside chrono's range",
            ts.as_raw_i64(),
            ts.precision().as_str()
        ))
    })
}

impl TdType for DateTime<Utc> {
    const SQL_TYPE: SqlType = SqlType::Timestamp;

    fn to_value(&self) -> Value<'_> {
        Value::Timestamp(TimestampValue::Instant {
            secs: self.timestamp(),
            nanos: self.timestamp_subsec_nanos(),
        })
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Timestamp(ts) => timestamp_to_datetime(ts),
            other => Err(mismatch("DateTime<Utc>", &other)),
        }
    }

    column_paths!(Timestamp => timestamp_to_datetime);
}

/// A `NaiveDateTime` is taken as UTC, like the raw epoch TDengine stores.
impl TdType for NaiveDateTime {
    const SQL_TYPE: SqlType = SqlType::Timestamp;

    fn to_value(&self) -> Value<'_> {
        let utc = self.and_utc();
        Value::Timestamp(TimestampValue::Instant {
            secs: utc.timestamp(),
            nanos: utc.timestamp_subsec_nanos(),
        })
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Timestamp(ts) => timestamp_to_datetime(ts).map(|dt| dt.naive_utc()),
            other => Err(mismatch("NaiveDateTime", &other)),
        }
    }

    column_paths!(Timestamp => |ts| timestamp_to_datetime(ts).map(|dt| dt.naive_utc()));
}

impl TdType for serde_json::Value {
    const SQL_TYPE: SqlType = SqlType::Json;

    fn to_value(&self) -> Value<'_> {
        Value::Json(Cow::Borrowed(self))
    }

    /// A NULL JSON tag reads as JSON `null`, the value that writes one.
    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Null(_) => Ok(serde_json::Value::Null),
            BorrowedValue::Json(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| FromValueError::Invalid(format!("invalid JSON tag value: {e}"))),
            other => Err(mismatch("serde_json::Value", &other)),
        }
    }
}

impl<T: TdType> TdType for Option<T> {
    const SQL_TYPE: SqlType = T::SQL_TYPE;
    const NULLABLE: bool = true;

    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match value {
            BorrowedValue::Null(_) => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }

    fn extend_from_column(
        column: &ColumnView,
        out: &mut Vec<Self>,
    ) -> Result<(), (usize, FromValueError)> {
        T::extend_nullable_from_column(column, out)
    }
}

#[cfg(test)]
mod tests;
