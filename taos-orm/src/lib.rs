//! A typed, compile-time checked layer for TDengine on top of the official
//! [`taos`] client.
//!
//! Annotate a struct with `#[derive(TdTable)]` and get the super table DDL,
//! child-table creation, batched inserts and typed reads of query results.

// Lets `#[derive(TdTable)]` expand to `::taos_orm::...` inside this crate too (its own tests).
extern crate self as taos_orm;

pub mod bind;
pub mod blocking;
mod child;
mod connection;
mod database;
pub mod ddl;
mod decode;
pub mod error;
pub mod failover;
mod insert;
pub mod inserter;
pub mod lifecycle;
pub mod query;
#[cfg(feature = "r2d2")]
mod r2d2_pool;
mod redact;
mod retry;
mod schema;
pub mod schemaless;
pub mod sql;
mod table;
pub mod tmq;
mod types;
mod value;

pub use connection::{connect, pool, Connection, Pool};
pub use database::{Database, InsertReport, RowStream, INSERT_TIMEOUT};
pub use ddl::DatabaseOptions;
pub use decode::decode_block;
pub use error::{DecodeReason, Error, Result};
pub use failover::{Failover, FailoverManager};
pub use insert::{InsertBatch, InsertSql, InsertWriter, MAX_SQL_LEN};
pub use inserter::{
    EndError, FlushReport, InsertMode, Inserter, InserterHandle, InserterOptions, InserterStats,
    Retry, WriteError,
};
#[cfg(feature = "r2d2")]
pub use r2d2_pool::{R2d2Pool, TaosManager};
pub use redact::{redact_dsn, redact_text};
pub use schema::{ColumnDef, ReadField, SqlType, TableKind, TableSchema};
pub use table::{
    ColumnSource, ReadFieldError, ReadFieldErrorKind, RowSource, TdRow, TdTable, ValueSink,
};
/// Timestamp precision of a database (`ms`, `us`, `ns`).
pub use taos::taos_query::common::Precision;
pub use value::{BorrowedValue, FromValueError, TdType, TimestampValue, Value};

/// Derives [`TdTable`] for a struct with named fields: the struct becomes a
/// TDengine super table (the default) or normal table, each field a column or
/// tag.
///
/// The derive only emits a static [`TableSchema`] and the code that hands
/// field values to the runtime and reads them back; the runtime builds every
/// SQL statement from that schema. Every mistake below is a compile error
/// pointing at the offending field, attribute or type, and all of a struct's
/// mistakes are reported at once.
///
/// # Examples
///
/// ```
/// use chrono::{DateTime, Utc};
/// use taos_orm::{SqlType, TableKind, TdTable};
///
/// #[derive(TdTable)]
/// #[taos(stable = "meters", child = "d_{device_id}")]
/// struct Meter {
///     #[taos(ts)]
///     ts: DateTime<Utc>,
///     current: f32,
///     voltage: Option<i32>,
///     #[taos(tag)]
///     device_id: u32,
///     #[taos(tag, nchar(24))]
///     location: String,
/// }
///
/// let schema = Meter::SCHEMA;
/// assert_eq!(schema.name, "meters");
/// assert_eq!(schema.kind, TableKind::Super);
/// assert_eq!(schema.columns[2].ty, SqlType::Int);
/// assert!(schema.columns[2].nullable);
/// assert_eq!(schema.tags[1].length, Some(24));
///
/// let row = Meter {
///     ts: Utc::now(),
///     current: 10.2,
///     voltage: None,
///     device_id: 1001,
///     location: "Beijing".into(),
/// };
/// let mut child = String::new();
/// row.write_table_name(&mut child);
/// assert_eq!(child, "d_1001");
/// ```
///
/// # Struct attributes
///
/// | Attribute | Meaning |
/// |---|---|
/// | `#[taos(stable)]`, `#[taos(stable = "meters")]` | A super table (the default). The name defaults to the struct name in snake_case. |
/// | `#[taos(table)]`, `#[taos(table = "log")]` | A normal table: no tags, no child tables. |
/// | `#[taos(database = "power")]` | The database the table always lives in. |
/// | `#[taos(comment = "...")]` | The table comment (at most 1024 bytes). |
/// | `#[taos(child = "d_{device_id}")]` | Names a row's child table from field values (usually tags); `{{`/`}}` are literal braces. |
/// | `#[taos(check_schema)]`, `#[taos(check_schema = "schema/power.txt")]` | Checks the struct at compile time against a schema snapshot written by `taos-orm snapshot` (default `taos-schema.txt` in the crate root, or the file `TAOS_ORM_SNAPSHOT` names): each difference from the snapshot's table is an error at the field it concerns, a missing file an error saying how to create it. |
/// | `#[taos(crate = "path")]` | Where the runtime is when it is not `::taos_orm` (a renamed dependency, a re-export): `crate = "orm"`, `crate = "my_facade::db"`. `TdRow` takes it too. |
///
/// A super table needs a way to name each row's child table: either a
/// `child` template or a `#[taos(tbname)]` field, not both.
///
/// # Field attributes
///
/// | Attribute | Meaning |
/// |---|---|
/// | `ts` | The primary timestamp: exactly one, the first data column, of type `DateTime<Utc>`, `NaiveDateTime`, `taos::Timestamp` or `i64` (raw, in the database precision), never an `Option`. |
/// | `tag` | A tag rather than a data column (super tables only). |
/// | `json` | The JSON tag: a `serde_json::Value` field, and the only tag of its table. |
/// | `tbname` | A `String` field holding the row's child table name: written as the target table, filled from the `tbname` column when reading. |
/// | `skip` | Not a column; read as `Default::default()`. |
/// | `rename = "name"` | The column or tag name (default: the field name without `r#`). |
/// | `varchar(n)`, `binary(n)` | A `VARCHAR(n)` string, `n` bytes: 1 to 65517 for a column, 16382 for a tag. |
/// | `nchar(n)` | An `NCHAR(n)` string, `n` characters: 1 to 16379 for a column, 4095 for a tag. |
/// | `varbinary(n)` | A `VARBINARY(n)` `Vec<u8>`, same limits as `varchar`. |
/// | `primary_key` | The composite key (TDengine 3.3): the second column, an integer or `varchar`. |
/// | `encode = "..."` | `simple8b`, `bit-packing`, `delta-i`, `delta-d` or `disabled` (data columns only). |
/// | `compress = "..."` | `lz4`, `zlib`, `zstd`, `tsz`, `xz` or `disabled` (data columns only). |
/// | `level = "..."` | `high`, `medium` or `low` (or `h`, `m`, `l`; data columns only). |
///
/// Several keys may share one attribute: `#[taos(tag, varchar(32))]`.
///
/// # Types
///
/// A field's column type is the declared one when it has a length attribute,
/// else `<T as TdType>::SQL_TYPE`, so any type implementing [`TdType`] can be
/// a field; `Option<T>` makes the column nullable. `String` and `Vec<u8>`
/// fields need a length attribute.
///
/// # Typed queries
///
/// The derive also implements [`query::TdColumns`]: `T::COLUMNS` holds one
/// typed handle per column and tag, named like the field and as visible as
/// the field, plus `tbname`; and [`TdTable::query`] starts a
/// [`query::Query`] whose closures receive those handles. A misspelled
/// column, or a comparison with a value of another type, does not compile.
/// `query` is a trait method (bring `TdTable` into scope), so a struct may
/// define its own `query`; the derive adds only the handle struct
/// `__<Struct>Columns` to the struct's namespace.
///
/// ```
/// # use taos_orm::TdTable;
/// # #[derive(TdTable)]
/// # #[taos(stable = "meters", child = "d{device}")]
/// # struct Meter { #[taos(ts)] ts: i64, current: f32, #[taos(tag)] device: i32 }
/// let q = Meter::query().filter(|m| m.current.gt(10.0) & m.device.eq(3));
/// let sql = q.to_sql(Some("power"), taos_orm::Precision::Millisecond)?;
/// assert_eq!(
///     sql,
///     "SELECT `ts`, `current`, `device`, tbname FROM `power`.`meters` \
///      WHERE (`current` > 10.0 AND `device` = 3)"
/// );
/// # Ok::<_, taos_orm::Error>(())
/// ```
///
/// # Names and limits
///
/// Table, column and tag names are ASCII-lowercased (TDengine folds unquoted
/// names, so hand-written SQL finds them) and must be unique ignoring case,
/// across columns and tags; a name spelled out in `rename`, `stable`, `table`
/// or `database` must therefore be written in lowercase. The runtime quotes
/// every name, so reserved words such as `value` or `level` are fine as field
/// names, but pseudo-columns (`tbname`, `_wstart`, `_rowts`, ...) are not: an
/// unquoted mention in any query would read the pseudo-column. Names cannot
/// be empty or contain `.`, a backtick or control characters; columns and
/// tags are at most 64 bytes, tables 192.
/// A table has at most 4096 columns and tags, 128 tags, rows of at most 65531
/// bytes and tags of at most 16384 bytes (a `VARCHAR(n)` takes n + 2 bytes,
/// an `NCHAR(n)` 4n + 2).
pub use taos_orm_derive::TdTable;

/// Derives [`TdRow`] for a struct with named fields: each field is read
/// from the result column of the same name (ASCII case ignored), for the
/// rows of aggregate and window queries.
///
/// Field attributes: `#[taos(rename = "_wstart")]` reads another column
/// (an alias, a pseudo-column), `#[taos(skip)]` fills the field with
/// `Default::default()`. Every field type must implement [`TdType`];
/// `Option<T>` takes NULLs.
///
/// ```
/// use taos_orm::TdRow;
///
/// #[derive(TdRow)]
/// struct PerDevice {
///     tbname: String,
///     #[taos(rename = "avg_current")]
///     current: Option<f64>,
///     #[taos(skip)]
///     note: String,
/// }
///
/// assert_eq!(PerDevice::READ_FIELDS.len(), 2);
/// assert_eq!(PerDevice::READ_FIELDS[1].column, "avg_current");
/// ```
pub use taos_orm_derive::TdRow;

/// Items used by the code `#[derive(TdTable)]` generates. Not public API: no
/// semver guarantees.
#[doc(hidden)]
pub mod __private;
