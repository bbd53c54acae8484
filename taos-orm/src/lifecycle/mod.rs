//! A struct against the live database: verify that they agree, and migrate
//! a table additively up to its struct.
//!
//! [`Database::verify`](crate::Database::verify) reads the table with
//! `DESCRIBE` and `information_schema` and returns a [`SchemaDiff`];
//! [`Database::create_or_verify`](crate::Database::create_or_verify) creates
//! the table or fails on a difference; [`Database::migrate`](crate::Database::migrate)
//! brings a table up to its struct with `ALTER ... ADD COLUMN / ADD TAG /
//! MODIFY COLUMN / MODIFY TAG` and refuses anything that would drop,
//! rename, retype or narrow, and
//! [`Database::migration_plan`](crate::Database::migration_plan) returns the
//! statements without running them.
//!
//! ```
//! use taos_orm::TdTable;
//! use taos_orm::lifecycle::{plan, ColumnShape, ColumnType, Difference};
//! use taos_orm::SqlType;
//!
//! #[derive(TdTable)]
//! #[taos(stable = "meters", child = "d_{location}")]
//! struct Meter {
//!     #[taos(ts)]
//!     ts: i64,
//!     current: Option<f32>,
//!     #[taos(tag, varchar(64))]
//!     location: String,
//! }
//!
//! // What verify reports when the live table has no `current` and a
//! // shorter `location`:
//! let diff = [
//!     Difference::Missing {
//!         place: taos_orm::lifecycle::Place::Column,
//!         expected: ColumnShape::new("current", ColumnType::Known(SqlType::Float)),
//!     },
//!     Difference::Length {
//!         place: taos_orm::lifecycle::Place::Tag,
//!         name: "location".into(),
//!         ty: ColumnType::Known(SqlType::VarChar),
//!         expected: 64,
//!         found: 32,
//!     },
//! ];
//! assert_eq!(
//!     plan(Meter::SCHEMA, "power", &diff)?,
//!     [
//!         "ALTER STABLE `power`.`meters` ADD COLUMN `current` FLOAT",
//!         "ALTER STABLE `power`.`meters` MODIFY TAG `location` VARCHAR(64)",
//!     ]
//! );
//! # Ok::<_, taos_orm::Error>(())
//! ```

mod diff;
mod live;
mod migrate;
mod shape;

pub use diff::SchemaDiff;
pub use migrate::{plan, Migration};
pub use shape::shape_of;
pub use taos_rules::shape::{ColumnShape, ColumnType, Difference, TableKind, TableShape};
pub use taos_rules::snapshot::Snapshot;
pub use taos_rules::types::Place;

pub(crate) use live::{describe_query, kind_queries, tables_queries, DescribeRow, LiveRows};
pub(crate) use migrate::refusal_reason;

use crate::error::Result;
use crate::schema::TableSchema;

/// The diff between `schema`'s struct and `found`, the live table of
/// `database` (`None`: it does not exist).
pub(crate) fn diff_of(
    schema: &TableSchema,
    database: &str,
    found: Option<&TableShape>,
) -> SchemaDiff {
    SchemaDiff {
        struct_name: schema.struct_name,
        database: database.to_ascii_lowercase(),
        table: schema.name.to_ascii_lowercase(),
        differences: taos_rules::shape::compare(&shape_of(schema), found),
    }
}

/// The migration that resolves `before`, not yet run.
pub(crate) fn migration_for(schema: &TableSchema, before: SchemaDiff) -> Result<Migration> {
    let statements = plan(schema, &before.database, &before.differences)?;
    Ok(Migration { before, statements })
}

/// The error of a migration whose statement number `failed` failed.
pub(crate) fn migration_failed(
    migration: Migration,
    failed: usize,
    source: crate::Error,
) -> crate::Error {
    let mut statements = migration.statements;
    let rest = statements.split_off(failed);
    crate::Error::Migration {
        applied: statements,
        failed: rest.into_iter().next().unwrap_or_default(),
        source: Box::new(source),
    }
}
