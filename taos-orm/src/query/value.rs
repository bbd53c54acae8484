//! Owned values bound into query text.

use std::borrow::Cow;

use crate::value::{TimestampValue, Value};

/// A value bound into a query, owned so the query can outlive its inputs.
/// It is rendered with [`crate::sql::write_value`] against the column it
/// is compared with, so it is range-checked and escaped like an insert.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Bound {
    /// `NULL`.
    Null,
    /// A bool.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// An f32.
    Float(f32),
    /// An f64.
    Double(f64),
    /// A timestamp.
    Timestamp(TimestampValue),
    /// Text.
    Str(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// JSON.
    Json(serde_json::Value),
}

impl Bound {
    /// An owned copy of `value`.
    pub fn from_value(value: &Value<'_>) -> Self {
        match value {
            Value::Null => Bound::Null,
            Value::Bool(b) => Bound::Bool(*b),
            Value::Int(i) => Bound::Int(*i),
            Value::UInt(u) => Bound::UInt(*u),
            Value::Float(f) => Bound::Float(*f),
            Value::Double(d) => Bound::Double(*d),
            Value::Timestamp(ts) => Bound::Timestamp(*ts),
            Value::Str(s) => Bound::Str((*s).to_owned()),
            Value::Bytes(b) => Bound::Bytes(b.to_vec()),
            Value::Json(j) => Bound::Json(j.clone().into_owned()),
        }
    }

    /// The value borrowed, for the literal writer.
    pub fn as_value(&self) -> Value<'_> {
        match self {
            Bound::Null => Value::Null,
            Bound::Bool(b) => Value::Bool(*b),
            Bound::Int(i) => Value::Int(*i),
            Bound::UInt(u) => Value::UInt(*u),
            Bound::Float(f) => Value::Float(*f),
            Bound::Double(d) => Value::Double(*d),
            Bound::Timestamp(ts) => Value::Timestamp(*ts),
            Bound::Str(s) => Value::Str(s),
            Bound::Bytes(b) => Value::Bytes(b),
            Bound::Json(j) => Value::Json(Cow::Borrowed(j)),
        }
    }
}

impl<T: crate::TdType> From<T> for Bound {
    fn from(value: T) -> Self {
        Bound::from_value(&value.to_value())
    }
}

impl From<&str> for Bound {
    fn from(value: &str) -> Self {
        Bound::Str(value.to_owned())
    }
}
