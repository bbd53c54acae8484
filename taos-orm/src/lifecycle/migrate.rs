//! Additive migration: the `ALTER` statements that bring a table up to its
//! struct, and the refusal of every change that would lose or reshape data.

use taos_rules::shape::Difference;
use taos_rules::types::Place;

use super::diff::SchemaDiff;
use crate::ddl::{create_table_for, write_definition};
use crate::error::{Error, Result};
use crate::schema::{ColumnDef, TableKind, TableSchema};
use crate::sql::write_table_ref;

/// What a migration did (or, from a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// How the table differed from the struct before.
    pub before: SchemaDiff,
    /// The statements, in the order they run (or ran).
    pub statements: Vec<String>,
}

impl Migration {
    /// Whether the table already agreed with the struct.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

/// The statements that resolve `differences` between `schema`'s table in
/// `database` and the struct, or [`Error::MigrationRefused`] listing each
/// difference that only a destructive change (drop, rename, retype, narrow,
/// re-create) could resolve. A missing table is created.
///
/// Lengths are widened first, then columns added, then tags, so that each
/// statement sees the table the one before left.
pub fn plan(
    schema: &TableSchema,
    database: &str,
    differences: &[Difference],
) -> Result<Vec<String>> {
    let refused: Vec<Difference> = differences
        .iter()
        .filter(|d| refusal(d).is_some())
        .cloned()
        .collect();
    if !refused.is_empty() {
        return Err(Error::MigrationRefused {
            struct_name: schema.struct_name,
            table: format!("`{database}`.`{}`", schema.name.to_ascii_lowercase()),
            refused,
        });
    }
    if differences.contains(&Difference::TableMissing) {
        return Ok(vec![create_table_for(schema, Some(database))?]);
    }
    let mut head = String::from(match schema.kind {
        TableKind::Super => "ALTER STABLE ",
        TableKind::Normal => "ALTER TABLE ",
    });
    write_table_ref(&mut head, Some(database), schema.name)?;
    let mut statements = Vec::new();
    for place in [Place::Column, Place::Tag] {
        let (noun, defs) = match place {
            Place::Column => ("COLUMN", schema.columns),
            Place::Tag => ("TAG", schema.tags),
        };
        let def = |name: &str| -> Result<&ColumnDef> {
            defs.iter()
                .find(|d| d.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| Error::InvalidArgument(format!("no {noun} `{name}` in the struct")))
        };
        for d in differences {
            if let Difference::Length { place: p, name, .. } = d {
                if *p == place {
                    let mut sql = format!("{head} MODIFY {noun} ");
                    // Only the type can be modified, not the options.
                    write_definition(&mut sql, def(name)?, false)?;
                    statements.push(sql);
                }
            }
        }
        for d in differences {
            if let Difference::Missing { place: p, expected } = d {
                if *p == place {
                    let mut sql = format!("{head} ADD {noun} ");
                    write_definition(&mut sql, def(&expected.name)?, place == Place::Column)?;
                    statements.push(sql);
                }
            }
        }
    }
    Ok(statements)
}

/// Why a difference cannot be migrated additively, if it cannot.
pub(crate) fn refusal(difference: &Difference) -> Option<&'static str> {
    Some(match difference {
        Difference::TableMissing => return None,
        Difference::Missing { expected, .. } if expected.primary_key => {
            "needs the table re-created: a composite key cannot be added"
        }
        Difference::Missing { .. } => return None,
        Difference::Length {
            expected, found, ..
        } if expected > found => return None,
        Difference::Length { .. } => "needs a narrower length, which TDengine cannot do",
        Difference::Kind { .. } => "needs the table re-created as another kind",
        Difference::Extra { .. } => "needs a DROP",
        Difference::Place { .. } => "needs a column turned into a tag or back (a DROP and an ADD)",
        Difference::Type { .. } => "needs a type change (a DROP and an ADD)",
        Difference::PrimaryKey { .. } => "needs the table re-created with another composite key",
        Difference::Timestamp { .. } => "needs the primary timestamp renamed",
    })
}

/// The reason a refused difference names in [`Error::MigrationRefused`].
pub(crate) fn refusal_reason(difference: &Difference) -> &'static str {
    refusal(difference).unwrap_or("can be migrated")
}
