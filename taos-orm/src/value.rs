//! Mapping between Rust values and TDengine values.

use std::borrow::Cow;

use crate::schema::SqlType;
use crate::table::{ColumnSource, ReadFieldError, RowSource};
pub use taos::taos_query::common::BorrowedValue;
use taos::taos_query::common::{ColumnView, Ty};

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
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a TDengine column or tag: it does not implement `TdType`",
    label = "not a TDengine type",
    note = "implement `taos_orm::TdType` for it to store it as an existing TDengine type, or mark the field `#[taos(skip)]`"
)]
pub trait TdType: Sized {
    /// The column type this Rust type maps to by default.
    const SQL_TYPE: SqlType;
    /// Whether the type can hold NULL (only `Option<T>` in this crate).
    const NULLABLE: bool = false;

    /// The value to write.
    fn to_value(&self) -> Value<'_>;

    /// Reads a value from a query result.
    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError>;

    /// Appends the value of every row of a result column; on failure, the row
    /// at fault and why.
    ///
    /// This is the whole-block path of typed decoding. The default reads row
    /// by row through [`TdType::from_value`]; the built-in types override it
    /// to walk the column's arrays directly, which is several times faster.
    fn extend_from_column(
        column: &ColumnView,
        out: &mut Vec<Self>,
    ) -> Result<(), (usize, FromValueError)> {
        extend_by_rows(column, out, Self::from_value)
    }

    /// Like [`TdType::extend_from_column`] into `Option<Self>`, NULL as `None`
    /// (what `Option<T>`'s own `extend_from_column` calls).
    fn extend_nullable_from_column(
        column: &ColumnView,
        out: &mut Vec<Option<Self>>,
    ) -> Result<(), (usize, FromValueError)> {
        nullable_by_rows(column, out)
    }

    // The derive reads fields through these two rather than through
    // `RowSource::get::<T>` and `ColumnSource::column::<T>`, so that a field
    // type without a `TdType` impl fails every use with one identical error
    // (which the compiler reports once) instead of one per bound.
    #[doc(hidden)]
    fn __read<R: RowSource>(row: &R, index: usize) -> Result<Self, ReadFieldError> {
        row.get::<Self>(index)
    }

    #[doc(hidden)]
    fn __read_column<S: ColumnSource>(
        block: &S,
        index: usize,
    ) -> Result<Vec<Self>, ReadFieldError> {
        block.column::<Self>(index)
    }
}

/// The row-by-row reading of a nullable column, NULL as `None`.
pub(crate) fn nullable_by_rows<T: TdType>(
    column: &ColumnView,
    out: &mut Vec<Option<T>>,
) -> Result<(), (usize, FromValueError)> {
    extend_by_rows(column, out, |value| match value {
        BorrowedValue::Null(_) => Ok(None),
        value => T::from_value(value).map(Some),
    })
}

/// Reads a column row by row with `read`, the fallback of the column paths.
pub(crate) fn extend_by_rows<T>(
    column: &ColumnView,
    out: &mut Vec<T>,
    mut read: impl FnMut(BorrowedValue<'_>) -> Result<T, FromValueError>,
) -> Result<(), (usize, FromValueError)> {
    out.reserve(column.len());
    for row in 0..column.len() {
        let value = column.get(row).unwrap_or(BorrowedValue::Null(Ty::Null));
        out.push(read(value).map_err(|e| (row, e))?);
    }
    Ok(())
}
