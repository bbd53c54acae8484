//! Reading a table's live shape: which kind it is (`information_schema`)
//! and its columns and tags (`DESCRIBE`). The queries and the reading of
//! their rows live here; the async and blocking handles only run them.

use taos_rules::shape::{ColumnShape, ColumnType, TableKind, TableShape};

use crate::error::{Error, Result};
use crate::sql::write_quoted;

/// One `DESCRIBE` row: field, type, length, note.
pub(crate) type DescribeRow = (String, String, i32, Option<String>);

/// The two kind queries, in order: the table as a super table, then as a
/// normal or child table. Each returns at most one row of one string.
pub(crate) fn kind_queries(database: &str, table: &str) -> Result<[String; 2]> {
    let (db, t) = (quoted(database)?, quoted(table)?);
    Ok([
        format!(
            "SELECT stable_name FROM information_schema.ins_stables WHERE db_name = {db} AND stable_name = {t}"
        ),
        format!(
            "SELECT `type` FROM information_schema.ins_tables WHERE db_name = {db} AND table_name = {t}"
        ),
    ])
}

/// The names of a database's super tables, then of its normal tables: one
/// string column each.
pub(crate) fn tables_queries(database: &str) -> Result<[String; 2]> {
    let db = quoted(database)?;
    Ok([
        format!("SELECT stable_name FROM information_schema.ins_stables WHERE db_name = {db}"),
        format!(
            "SELECT table_name FROM information_schema.ins_tables \
             WHERE db_name = {db} AND `type` = 'NORMAL_TABLE'"
        ),
    ])
}

fn quoted(name: &str) -> Result<String> {
    let mut out = String::new();
    write_quoted(&mut out, &name.to_ascii_lowercase())
        .map_err(|e| Error::InvalidArgument(format!("name {name:?}: {e}")))?;
    Ok(out)
}

/// `DESCRIBE` of the table.
pub(crate) fn describe_query(database: &str, table: &str) -> Result<String> {
    let mut sql = String::from("DESCRIBE ");
    crate::sql::write_table_ref(&mut sql, Some(database), table)?;
    Ok(sql)
}

/// What the queries returned, turned into a shape.
pub(crate) struct LiveRows {
    /// The table name.
    pub table: String,
    /// The first kind query's rows (super table).
    pub stable: Vec<(String,)>,
    /// The second kind query's rows (`NORMAL_TABLE` / `CHILD_TABLE`).
    pub table_type: Vec<(String,)>,
}

impl LiveRows {
    /// The kind, or `None` when the table does not exist (then `DESCRIBE`
    /// is not sent).
    pub(crate) fn kind(&self) -> Option<TableKind> {
        if !self.stable.is_empty() {
            return Some(TableKind::Super);
        }
        match self.table_type.first().map(|(t,)| t.as_str()) {
            Some("CHILD_TABLE") => Some(TableKind::Child),
            Some(_) => Some(TableKind::Normal),
            None => None,
        }
    }

    /// The shape from the `DESCRIBE` rows of a table of kind `kind`.
    pub(crate) fn shape(self, kind: TableKind, rows: Vec<DescribeRow>) -> TableShape {
        let mut shape = TableShape {
            name: self.table.to_ascii_lowercase(),
            kind,
            columns: Vec::new(),
            tags: Vec::new(),
        };
        for (field, ty, length, note) in rows {
            let note = note.unwrap_or_default();
            let ty = ColumnType::from_name(&ty);
            let column = ColumnShape {
                length: u32::try_from(length).ok().filter(|_| ty.has_length()),
                primary_key: note.eq_ignore_ascii_case("COMPOSITE KEY"),
                ..ColumnShape::new(field, ty)
            };
            if note.eq_ignore_ascii_case("TAG") {
                shape.tags.push(column);
            } else {
                shape.columns.push(column);
            }
        }
        shape
    }
}
