//! A typed, compile-time checked layer for TDengine on top of the official
//! [`taos`] client.
//!
//! Annotate a struct with `#[derive(TdTable)]` and get the super table DDL,
//! child-table creation, batched inserts and typed reads of query results.

pub mod error;
mod schema;

// Lets `#[derive(TdTable)]` expand to `::taos_orm::...` inside this crate too (its own tests).
extern crate self as taos_orm;
mod table;
mod value;
mod types;

pub use error::{DecodeReason, Error, Result};
pub use schema::{ColumnDef, ReadField, SqlType, TableKind, TableSchema};
pub use table::{ReadFieldError, ReadFieldErrorKind, RowSource, TdTable, ValueSink};
pub use value::{BorrowedValue, FromValueError, TdType, TimestampValue, Value};

/// Derives [`TdTable`] for a struct with named fields.
pub use taos_orm_derive::TdTable;

/// Items used by the code `#[derive(TdTable)]` generates. Not public API: no
/// semver guarantees.
#[doc(hidden)]
pub mod __private;
