//! Re-exports for generated code, so expansions need no imports of their own.

pub use crate::schema::{ColumnDef, ReadField, SqlType, TableKind, TableSchema};
pub use crate::table::{ReadFieldError, ReadFieldErrorKind, RowSource, TdTable, ValueSink};
pub use crate::value::{TdType, Value};
pub use ::core;
