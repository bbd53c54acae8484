//! DDL text: super tables, normal tables, child tables and databases.
//!
//! Every statement is idempotent (`IF NOT EXISTS` / `IF EXISTS`) so start-up
//! code can run it on every launch. Names are quoted and lowercased by
//! [`crate::sql::write_ident`]; the database is the explicit one when given,
//! else the struct's `SCHEMA.database`, else none (the connection's default).

mod check;
mod database;

use std::borrow::Borrow;
use std::collections::HashMap;

use taos::taos_query::common::Precision;

pub use database::{drop_database, CacheModel, DatabaseOptions, Span};

use crate::child::TagSet;
use crate::error::{Error, Result};
use crate::schema::{ColumnDef, TableKind, TableSchema};
use crate::sql::{
    push_quoted_lower, write_ident, write_quoted, write_table_ref, LiteralSink, NameKind,
};
use crate::table::TdTable;

pub(crate) use check::check_schema;

/// The database a statement for `schema` targets: the handle's, or the
/// struct's `#[taos(database)]`, which must then agree.
pub(crate) fn resolve_database<'a>(
    explicit: Option<&'a str>,
    schema: &TableSchema,
) -> Result<Option<&'a str>> {
    match (explicit, schema.database) {
        (Some(handle), Some(declared)) if !handle.eq_ignore_ascii_case(declared) => {
            Err(Error::DatabaseConflict {
                table: schema.name,
                declared,
                handle: handle.to_owned(),
            })
        }
        (explicit, declared) => Ok(explicit.or(declared)),
    }
}

/// `CREATE STABLE IF NOT EXISTS …` for a super table, `CREATE TABLE IF NOT
/// EXISTS …` for a normal table, with every column option, the tags and the
/// comment.
///
/// The schema is checked first (timestamp first, lengths in range, a JSON tag
/// alone, valid options, ...), so a bad struct fails here with
/// [`Error::InvalidArgument`] naming the field.
///
/// ```
/// use taos_orm::{ddl, TdTable};
///
/// #[derive(TdTable)]
/// #[taos(stable = "meters")]
/// struct Meter {
///     #[taos(ts)]
///     ts: i64,
///     value: f64,
///     #[taos(tag)]
///     group_id: i32,
///     #[taos(tbname)]
///     device: String,
/// }
///
/// assert_eq!(
///     ddl::create_table::<Meter>(Some("power")).unwrap(),
///     "CREATE STABLE IF NOT EXISTS `power`.`meters` (`ts` TIMESTAMP, `value` DOUBLE) TAGS (`group_id` INT)"
/// );
/// ```
pub fn create_table<T: TdTable>(database: Option<&str>) -> Result<String> {
    create_table_for(T::SCHEMA, database)
}

/// [`create_table`] from a schema value.
pub fn create_table_for(schema: &TableSchema, database: Option<&str>) -> Result<String> {
    check_schema(schema)?;
    let mut sql = String::with_capacity(64 + 48 * (schema.columns.len() + schema.tags.len()));
    sql.push_str(match schema.kind {
        TableKind::Super => "CREATE STABLE IF NOT EXISTS ",
        TableKind::Normal => "CREATE TABLE IF NOT EXISTS ",
    });
    write_table_ref(&mut sql, resolve_database(database, schema)?, schema.name)?;
    write_definitions(&mut sql, schema.columns, true)?;
    if schema.kind == TableKind::Super {
        sql.push_str(" TAGS");
        write_definitions(&mut sql, schema.tags, false)?;
    }
    if let Some(comment) = schema.comment {
        sql.push_str(" COMMENT ");
        write_string(&mut sql, comment)?;
    }
    Ok(sql)
}

fn write_definitions(sql: &mut String, defs: &[ColumnDef], with_options: bool) -> Result<()> {
    sql.push_str(" (");
    for (i, def) in defs.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        write_definition(sql, def, with_options)?;
    }
    sql.push(')');
    Ok(())
}

/// One column or tag as DDL declares it: quoted name, type with length and,
/// for data columns (`with_options`), the key and compression options.
pub(crate) fn write_definition(
    sql: &mut String,
    def: &ColumnDef,
    with_options: bool,
) -> Result<()> {
    push_quoted_lower(sql, def.name);
    sql.push(' ');
    sql.push_str(def.ty.name());
    if let (true, Some(n)) = (def.ty.has_length(), def.length) {
        sql.push('(');
        sql.push_str(itoa::Buffer::new().format(n));
        sql.push(')');
    }
    if with_options {
        if def.primary_key {
            sql.push_str(" PRIMARY KEY");
        }
        for (keyword, value) in [
            (" ENCODE ", def.encode),
            (" COMPRESS ", def.compress),
            (" LEVEL ", def.level),
        ] {
            if let Some(v) = value {
                sql.push_str(keyword);
                write_string(sql, &v.to_ascii_lowercase())?;
            }
        }
    }
    Ok(())
}

/// Appends a string literal for DDL text (comments, options).
fn write_string(sql: &mut String, s: &str) -> Result<()> {
    write_quoted(sql, s).map_err(|e| Error::InvalidArgument(format!("{s:?}: {e}")))
}

/// `DROP STABLE IF EXISTS …` for a super table (dropping every child table
/// with it), `DROP TABLE IF EXISTS …` for a normal table.
///
/// ```
/// # use taos_orm::{ddl, TdTable};
/// #[derive(TdTable)]
/// #[taos(stable = "meters", database = "power")]
/// struct Meter {
///     #[taos(ts)]
///     ts: i64,
///     value: f64,
///     #[taos(tag)]
///     group_id: i32,
///     #[taos(tbname)]
///     device: String,
/// }
///
/// assert_eq!(ddl::drop_table::<Meter>(None).unwrap(), "DROP STABLE IF EXISTS `power`.`meters`");
/// ```
pub fn drop_table<T: TdTable>(database: Option<&str>) -> Result<String> {
    let schema = T::SCHEMA;
    let mut sql = String::from(match schema.kind {
        TableKind::Super => "DROP STABLE IF EXISTS ",
        TableKind::Normal => "DROP TABLE IF EXISTS ",
    });
    write_table_ref(&mut sql, resolve_database(database, schema)?, schema.name)?;
    Ok(sql)
}

/// `DROP TABLE IF EXISTS a, IF EXISTS b, …` for child or normal tables by name.
///
/// ```
/// assert_eq!(
///     taos_orm::ddl::drop_tables(Some("power"), ["d1", "D2"]).unwrap(),
///     "DROP TABLE IF EXISTS `power`.`d1`, IF EXISTS `power`.`d2`"
/// );
/// ```
pub fn drop_tables<'a>(
    database: Option<&str>,
    tables: impl IntoIterator<Item = &'a str>,
) -> Result<String> {
    let mut sql = String::from("DROP TABLE");
    let mut any = false;
    for (i, table) in tables.into_iter().enumerate() {
        sql.push_str(if i == 0 {
            " IF EXISTS "
        } else {
            ", IF EXISTS "
        });
        write_table_ref(&mut sql, database, table)?;
        any = true;
    }
    if !any {
        return Err(Error::InvalidArgument("no table names to drop".to_owned()));
    }
    Ok(sql)
}

/// Batched `CREATE TABLE IF NOT EXISTS a USING s (…) TAGS (…) IF NOT EXISTS b
/// USING s …` creating the child table of every row (once per distinct,
/// lowercased child name, with the tags of its first row), split into
/// statements of at most `max_sql_len` bytes.
///
/// Tag values are written with [`crate::sql::write_value`], timestamps in
/// `precision`. A single child whose clause cannot fit is
/// [`Error::RowTooLarge`]. Only super tables have children; a normal table is
/// [`Error::InvalidArgument`].
pub fn create_child_tables<T, I>(
    database: Option<&str>,
    rows: I,
    precision: Precision,
    max_sql_len: usize,
) -> Result<Vec<String>>
where
    T: TdTable,
    I: IntoIterator,
    I::Item: Borrow<T>,
{
    const HEAD: &str = "CREATE TABLE";
    let schema = T::SCHEMA;
    check_schema(schema)?;
    if schema.kind != TableKind::Super {
        return Err(Error::InvalidArgument(format!(
            "`{}` is a normal table: it has no child tables",
            schema.struct_name
        )));
    }
    let db = resolve_database(database, schema)?;
    let mut using = String::from(" USING ");
    write_table_ref(&mut using, db, schema.name)?;
    using.push_str(" (");
    for (i, tag) in schema.tags.iter().enumerate() {
        if i > 0 {
            using.push(',');
        }
        push_quoted_lower(&mut using, tag.name);
    }
    using.push_str(") TAGS (");

    let mut statements = Vec::new();
    let mut sql = String::from(HEAD);
    let mut seen: HashMap<String, TagSet> = HashMap::new();
    let mut name = String::new();
    let mut clause = String::new();
    for (index, row) in rows.into_iter().enumerate() {
        let row = row.borrow();
        name.clear();
        row.write_table_name(&mut name);
        name.make_ascii_lowercase();
        if let Some(tags) = seen.get(name.as_str()) {
            tags.check(row, index, &name)?;
            continue;
        }
        clause.clear();
        clause.push_str(" IF NOT EXISTS ");
        if let Some(db) = db {
            write_ident(&mut clause, db, NameKind::Database)?;
            clause.push('.');
        }
        write_ident(&mut clause, &name, NameKind::Table)
            .map_err(|e| Error::InvalidArgument(format!("row {index}: {e}")))?;
        clause.push_str(&using);
        let mut sink = LiteralSink::tags(&mut clause, schema, precision);
        row.write_tags(&mut sink);
        sink.finish(index, schema)?;
        clause.push(')');

        if HEAD.len() + clause.len() > max_sql_len {
            return Err(Error::RowTooLarge {
                row: index,
                table: schema.name,
                needed: HEAD.len() + clause.len(),
                max: max_sql_len,
            });
        }
        if sql.len() + clause.len() > max_sql_len {
            statements.push(std::mem::replace(&mut sql, String::from(HEAD)));
        }
        sql.push_str(&clause);
        seen.insert(name.clone(), TagSet::of(row, index));
    }
    if sql.len() > HEAD.len() {
        statements.push(sql);
    }
    Ok(statements)
}

#[cfg(test)]
mod tests;
