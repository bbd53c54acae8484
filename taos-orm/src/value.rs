//! Mapping between Rust values and TDengine values.

use std::borrow::Cow;

use crate::schema::SqlType;
pub use taos::taos_query::common::BorrowedValue;

/// A timestamp value before it is scaled to the database precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampValue {
    /// An integer already in the database precision (the `i64` mapping).
    Raw(i64),
    /// An instant: seconds since the Unix epoch plus nanoseconds (chrono types).
    Instant {
        /// Whole seconds since 1970-01-01T00:00:00Z (may be negative).
        secs: i64,
        /// Nanoseconds within the second, `0..1_000_000_000`.
        nanos: u32,
    },
    /// A `taos::taos_query::common::Timestamp`, which carries its own precision.
    Precise(taos::taos_query::common::Timestamp),
}

/// A borrowed value ready to be written as a SQL literal or bound to a statement.
///
/// The column's [`SqlType`] decides the encoding: a [`Value::Str`] is written as
/// VARCHAR or NCHAR text depending on the column, for instance.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// SQL `NULL`.
    Null,
    /// `BOOL`.
    Bool(bool),
    /// Any signed integer type.
    Int(i64),
    /// Any unsigned integer type.
    UInt(u64),
    /// `FLOAT` (kept as f32 so its shortest text is the f32 one).
    Float(f32),
    /// `DOUBLE`.
    Double(f64),
    /// `TIMESTAMP`.
    Timestamp(TimestampValue),
    /// VARCHAR/NCHAR text.
    Str(&'a str),
    /// VARBINARY bytes.
    Bytes(&'a [u8]),
    /// A JSON tag.
    Json(Cow<'a, serde_json::Value>),
}

/// Why a result value could not become the field's Rust type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FromValueError {
    /// The column was NULL and the field is not an `Option`.
    #[error("NULL into a non-Option field")]
    UnexpectedNull,
    /// The column's TDengine type cannot become the field's type.
    #[error("cannot read a {found} value as {expected}")]
    TypeMismatch {
        /// What the field accepts.
        expected: &'static str,
        /// The TDengine type found in the result.
        found: String,
    },
    /// The value is of the right kind but out of the field's range, or invalid.
    #[error("{0}")]
    Invalid(String),
}

/// A Rust type that maps to a TDengine column or tag type.
///
/// The crate implements it for `bool`, the integers, `f32`/`f64`, `String`,
/// `Vec<u8>`, chrono's `DateTime<Utc>` and `NaiveDateTime`, `taos::taos_query::common::Timestamp`,
/// `serde_json::Value` and `Option<T>`. Implement it for your own types to
/// store them in a column of an existing type.
///
/// # Examples
///
/// An enum stored as `VARCHAR`:
///
/// ```
/// use taos_orm::{BorrowedValue, FromValueError, SqlType, TdType, Value};
///
/// #[derive(Debug, PartialEq)]
/// enum State { On, Off }
///
/// impl TdType for State {
///     const SQL_TYPE: SqlType = SqlType::VarChar;
///
///     fn to_value(&self) -> Value<'_> {
///         Value::Str(match self { State::On => "on", State::Off => "off" })
///     }
///
///     fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
///         match String::from_value(value)?.as_str() {
///             "on" => Ok(State::On),
///             "off" => Ok(State::Off),
///             other => Err(FromValueError::Invalid(format!("unknown state {other:?}"))),
///         }
///     }
/// }
///
/// assert_eq!(State::On.to_value(), Value::Str("on"));
/// ```
pub trait TdType: Sized {
    /// The column type this Rust type maps to by default.
    const SQL_TYPE: SqlType;
    /// Whether the type can hold NULL (only `Option<T>` in this crate).
    const NULLABLE: bool = false;

    /// The value to write.
    fn to_value(&self) -> Value<'_>;

    /// Reads a value from a query result.
    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError>;
}
