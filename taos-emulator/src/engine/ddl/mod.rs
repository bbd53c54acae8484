//! CREATE / DROP / ALTER / USE.

mod alter;
mod database;
mod table;

pub use alter::alter;
pub use database::{alter_database, create_database, drop_database};
pub use table::{
    create_children, create_stable, create_table, drop_stable, drop_tables, insert_child,
    tag_values,
};

use super::catalog::{Catalog, Database};
use super::error::{db_not_exist, db_not_specified, invalid_identifier};
use super::time;
use crate::api::{Session, TdError};
use crate::sql::ast::TableName;
use taos_query::common::Precision;

/// Creation time stamps are milliseconds.
pub(super) fn now_ms() -> i64 {
    time::now(Precision::Millisecond)
}

/// The database a name refers to: its own prefix or the session's.
pub fn db_of(session: &Session, t: &TableName) -> Result<String, TdError> {
    t.db.clone()
        .or_else(|| session.database.clone())
        .ok_or_else(db_not_specified)
}

/// Looks a database up.
pub fn db_mut<'a>(cat: &'a mut Catalog, name: &str) -> Result<&'a mut Database, TdError> {
    cat.dbs.get_mut(name).ok_or_else(db_not_exist)
}

pub(super) fn check_name(name: &str, max: usize) -> Result<(), TdError> {
    if name.is_empty() || name.len() > max || name.contains('.') {
        return Err(invalid_identifier(name));
    }
    Ok(())
}
