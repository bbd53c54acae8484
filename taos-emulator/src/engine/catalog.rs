//! Databases, super tables and tables.

use super::storage::TableData;
use super::value::Value;
use crate::sql::ast::DataType;
use std::collections::{BTreeSet, HashMap};
use taos_query::common::{Precision, Ty};

/// A column or tag as stored in the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Name.
    pub name: String,
    /// Type.
    pub dt: DataType,
    /// Composite (primary) key column.
    pub primary_key: bool,
    /// Encoding (DESCRIBE `encode`).
    pub encode: String,
    /// Compression (DESCRIBE `compress`).
    pub compress: String,
    /// Compression level (DESCRIBE `level`).
    pub level: String,
}

impl ColumnDef {
    /// A column with TDengine's default compression for its type.
    pub fn new(name: impl Into<String>, dt: DataType) -> Self {
        let (encode, compress) = default_compression(dt.ty);
        ColumnDef {
            name: name.into(),
            dt,
            primary_key: false,
            encode: encode.into(),
            compress: compress.into(),
            level: "medium".into(),
        }
    }

    /// A tag: tags carry no compression settings.
    pub fn tag(name: impl Into<String>, dt: DataType) -> Self {
        ColumnDef {
            name: name.into(),
            dt,
            primary_key: false,
            encode: "disabled".into(),
            compress: "disabled".into(),
            level: "disabled".into(),
        }
    }
}

/// Default (encode, compress) per type (12-compress.md).
pub fn default_compression(ty: Ty) -> (&'static str, &'static str) {
    match ty {
        Ty::Timestamp => ("delta-i", "lz4"),
        Ty::Int | Ty::BigInt | Ty::UInt | Ty::UBigInt => ("simple8b", "lz4"),
        Ty::TinyInt | Ty::SmallInt | Ty::UTinyInt | Ty::USmallInt => ("simple8b", "zlib"),
        Ty::Float | Ty::Double => ("delta-d", "lz4"),
        Ty::Bool => ("bit-packing", "zstd"),
        _ => ("disabled", "zstd"),
    }
}

/// Database options shown by `ins_databases`.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// VGROUPS.
    pub vgroups: i64,
    /// REPLICA.
    pub replica: i64,
    /// DURATION in minutes.
    pub duration: i64,
    /// KEEP values in minutes.
    pub keep: [i64; 3],
    /// BUFFER MB.
    pub buffer: i64,
    /// PAGESIZE KB.
    pub pagesize: i64,
    /// PAGES.
    pub pages: i64,
    /// MINROWS.
    pub minrows: i64,
    /// MAXROWS.
    pub maxrows: i64,
    /// COMP.
    pub comp: i64,
    /// CACHEMODEL.
    pub cachemodel: String,
    /// CACHESIZE MB.
    pub cachesize: i64,
    /// WAL_LEVEL.
    pub wal_level: i64,
    /// WAL_FSYNC_PERIOD ms.
    pub wal_fsync_period: i64,
    /// WAL_RETENTION_PERIOD s.
    pub wal_retention_period: i64,
    /// WAL_RETENTION_SIZE.
    pub wal_retention_size: i64,
    /// STT_TRIGGER.
    pub stt_trigger: i64,
    /// SINGLE_STABLE.
    pub single_stable: bool,
    /// TABLE_PREFIX.
    pub table_prefix: i64,
    /// TABLE_SUFFIX.
    pub table_suffix: i64,
    /// TSDB_PAGESIZE KB.
    pub tsdb_pagesize: i64,
    /// KEEP_TIME_OFFSET hours.
    pub keep_time_offset: i64,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            vgroups: 2,
            replica: 1,
            duration: 14_400,
            keep: [5_256_000; 3],
            buffer: 256,
            pagesize: 4,
            pages: 256,
            minrows: 100,
            maxrows: 4096,
            comp: 2,
            cachemodel: "none".into(),
            cachesize: 1,
            wal_level: 1,
            wal_fsync_period: 3000,
            wal_retention_period: 3600,
            wal_retention_size: 0,
            stt_trigger: 2,
            single_stable: false,
            table_prefix: 0,
            table_suffix: 0,
            tsdb_pagesize: 4,
            keep_time_offset: 0,
        }
    }
}

/// A super table.
#[derive(Debug, Clone)]
pub struct STable {
    /// Name.
    pub name: String,
    /// Columns (first is the timestamp).
    pub columns: Vec<ColumnDef>,
    /// Tags.
    pub tags: Vec<ColumnDef>,
    /// COMMENT.
    pub comment: Option<String>,
    /// Creation time (ms).
    pub create_time: i64,
    /// Names of its child tables.
    pub children: BTreeSet<String>,
}

/// What kind of table a [`Table`] is.
#[derive(Debug, Clone)]
pub enum TableKind {
    /// A normal table with its own schema.
    Normal {
        /// Columns.
        columns: Vec<ColumnDef>,
    },
    /// A child of a super table.
    Child {
        /// Its super table.
        stable: String,
        /// Tag values in the super table's tag order.
        tags: Vec<Value>,
    },
}

/// A normal or child table with its rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: TableKind,
    /// Rows.
    /// Shared with the snapshots readers hold; a write copies it only
    /// while one does (`Arc::make_mut`).
    pub data: std::sync::Arc<TableData>,
    /// Creation time (ms).
    pub create_time: i64,
    /// Unique id.
    pub uid: i64,
    /// COMMENT.
    pub comment: Option<String>,
}

/// A database.
#[derive(Debug, Clone)]
pub struct Database {
    /// Name.
    pub name: String,
    /// Timestamp precision.
    pub precision: Precision,
    /// Options.
    pub options: DbOptions,
    /// Creation time (ms).
    pub create_time: i64,
    /// Super tables.
    pub stables: HashMap<String, STable>,
    /// Normal and child tables.
    pub tables: HashMap<String, Table>,
}

impl Database {
    /// The columns of a normal or child table.
    pub fn columns_of<'a>(&'a self, t: &'a Table) -> &'a [ColumnDef] {
        match &t.kind {
            TableKind::Normal { columns } => columns,
            TableKind::Child { stable, .. } => self
                .stables
                .get(stable)
                .map(|s| s.columns.as_slice())
                .unwrap_or_default(),
        }
    }

    /// KEEP in precision units (the largest tier).
    pub fn keep_units(&self) -> i64 {
        let minutes = self.options.keep.iter().copied().max().unwrap_or(0);
        minutes.saturating_mul(60 * super::time::per_second(self.precision))
    }
}

/// All databases.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    /// By name.
    pub dbs: HashMap<String, Database>,
    /// Next table uid.
    pub next_uid: i64,
    /// Topics by name.
    pub topics: std::collections::BTreeMap<String, super::tmq::Topic>,
    /// The writes of the statement running: (database, table, timestamps),
    /// moved to the TMQ log when it ends.
    pub journal: Vec<(String, String, Vec<i64>)>,
}

impl Catalog {
    /// A fresh uid.
    pub fn uid(&mut self) -> i64 {
        self.next_uid += 1;
        0x1000_0000_0000 + self.next_uid
    }
}
