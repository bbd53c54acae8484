//! A typed, compile-time checked layer for TDengine on top of the official
//! [`taos`] client.
//!
//! Annotate a struct with `#[derive(TdTable)]` and get the super table DDL,
//! child-table creation, batched inserts and typed reads of query results.

// Lets `#[derive(TdTable)]` expand to `::taos_orm::...` inside this crate too (its own tests).
extern crate self as taos_orm;

pub mod blocking;
mod connection;
pub mod ddl;
mod decode;
pub mod error;
mod insert;
#[cfg(feature = "r2d2")]
mod r2d2_pool;
mod schema;
pub mod sql;
mod table;
mod types;
mod value;

pub use connection::{redact_dsn, Connection, Pool};
pub use error::{DecodeReason, Error, Result};
pub use insert::{InsertBatch, InsertSql, InsertWriter, MAX_SQL_LEN};
#[cfg(feature = "r2d2")]
pub use r2d2_pool::{R2d2Pool, TaosManager};
/// Timestamp precision of a database (`ms`, `us`, `ns`).
pub use taos::taos_query::common::Precision;
pub use schema::{ColumnDef, ReadField, SqlType, TableKind, TableSchema};
pub use table::{ReadFieldError, ReadFieldErrorKind, RowSource, TdTable, ValueSink};
pub use value::{BorrowedValue, FromValueError, TdType, TimestampValue, Value};

/// Derives [`TdTable`] for a struct with named fields.
pub use taos_orm_derive::TdTable;

/// Items used by the code `#[derive(TdTable)]` generates. Not public API: no
/// semver guarantees.
#[doc(hidden)]
pub mod __private;
