//! The static description of a table that `#[derive(TdTable)]` emits.
//!
//! Everything here is plain data: the derive fills it in as `const`s and the
//! runtime builds SQL from it, so the SQL rules live in one place (the runtime)
//! and the generated code stays small.

pub use taos_rules::types::SqlType;

/// Whether a table is a super table (with tags) or a normal table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// `CREATE STABLE`: rows go to child tables created `USING` it.
    Super,
    /// `CREATE TABLE` with no tags.
    Normal,
}

/// One column or tag of a derived table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    /// The column name exactly as TDengine stores it (after `rename`).
    pub name: &'static str,
    /// The Rust field it comes from, for error messages.
    pub field: &'static str,
    /// The SQL type.
    pub ty: SqlType,
    /// The declared length for VARCHAR/NCHAR/VARBINARY.
    pub length: Option<u32>,
    /// Whether the field is an `Option` (may hold NULL).
    pub nullable: bool,
    /// The composite primary key (the second column), TDengine 3.3+.
    pub primary_key: bool,
    /// `ENCODE '…'` option.
    pub encode: Option<&'static str>,
    /// `COMPRESS '…'` option.
    pub compress: Option<&'static str>,
    /// `LEVEL '…'` option.
    pub level: Option<&'static str>,
}

impl ColumnDef {
    /// A column with no options, for building schemas by hand in tests.
    pub const fn new(name: &'static str, ty: SqlType) -> Self {
        ColumnDef {
            name,
            field: name,
            ty,
            length: None,
            nullable: false,
            primary_key: false,
            encode: None,
            compress: None,
            level: None,
        }
    }
}

/// Where a query-result column lands in the struct when reading rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadField {
    /// The result column name it maps from (case-insensitive match).
    pub column: &'static str,
    /// The Rust field name, for error messages.
    pub field: &'static str,
    /// The Rust type as written, for error messages.
    pub rust_type: &'static str,
}

/// The whole static description of a derived table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSchema {
    /// The Rust struct name, for error messages.
    pub struct_name: &'static str,
    /// The super table (or normal table) name.
    pub name: &'static str,
    /// A database the table always lives in, if the struct names one.
    pub database: Option<&'static str>,
    /// `COMMENT '…'` of the table.
    pub comment: Option<&'static str>,
    /// Super or normal table.
    pub kind: TableKind,
    /// Data columns in DDL order; the first is the primary timestamp.
    pub columns: &'static [ColumnDef],
    /// Tags in DDL order; empty for a normal table.
    pub tags: &'static [ColumnDef],
    /// The fields filled when reading rows, in the order `TdTable::read_row`
    /// asks for them: columns, then tags, then the `tbname` field if any.
    pub read_fields: &'static [ReadField],
}
