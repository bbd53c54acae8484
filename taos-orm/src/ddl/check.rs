//! Schema rules TDengine enforces at `CREATE` time, checked up front so a bad
//! struct fails with a message naming the field instead of a server code.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::schema::{ColumnDef, SqlType, TableKind, TableSchema};
use crate::sql::{check_ident, NameKind};

use taos_rules::column_options::{self, COMPRESSIONS, ENCODINGS, LEVELS};
use taos_rules::names::is_pseudo_column;
use taos_rules::types::limits::{MAX_COLUMNS, MAX_COMMENT_BYTES, MAX_TAGS};
use taos_rules::types::Place;

fn invalid(schema: &TableSchema, msg: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!(
        "`{}` (table `{}`): {msg}",
        schema.struct_name, schema.name
    ))
}

/// Checks everything about `schema` that DDL generation relies on.
pub(crate) fn check_schema(schema: &TableSchema) -> Result<()> {
    check_ident(schema.name, NameKind::Table)?;
    if let Some(db) = schema.database {
        check_ident(db, NameKind::Database)?;
    }
    check_shape(schema)?;
    let mut seen = HashSet::new();
    for (i, col) in schema.columns.iter().enumerate() {
        check_def(schema, col, false)?;
        check_column_options(schema, i, col)?;
        if !seen.insert(col.name.to_ascii_lowercase()) {
            return Err(invalid(
                schema,
                format_args!("duplicate column name `{}`", col.name),
            ));
        }
    }
    for tag in schema.tags {
        check_def(schema, tag, true)?;
        if tag.primary_key || tag.encode.is_some() || tag.compress.is_some() || tag.level.is_some()
        {
            return Err(invalid(
                schema,
                format_args!(
                    "tag `{}` cannot take PRIMARY KEY, ENCODE, COMPRESS or LEVEL",
                    tag.name
                ),
            ));
        }
        if !seen.insert(tag.name.to_ascii_lowercase()) {
            return Err(invalid(
                schema,
                format_args!("tag `{}` repeats a column or tag name", tag.name),
            ));
        }
    }
    if let Some(comment) = schema.comment {
        if comment.len() > MAX_COMMENT_BYTES {
            return Err(invalid(
                schema,
                format_args!("the comment is over {MAX_COMMENT_BYTES} bytes"),
            ));
        }
    }
    Ok(())
}

fn check_shape(schema: &TableSchema) -> Result<()> {
    let first = schema.columns.first().ok_or_else(|| {
        invalid(
            schema,
            "a table needs at least a timestamp and one more column",
        )
    })?;
    if first.ty != SqlType::Timestamp {
        return Err(invalid(
            schema,
            format_args!(
                "the first column `{}` must be a TIMESTAMP, not {}",
                first.name,
                first.ty.name()
            ),
        ));
    }
    if first.nullable {
        return Err(invalid(
            schema,
            format_args!(
                "the primary timestamp `{}` cannot be an Option",
                first.field
            ),
        ));
    }
    if schema.columns.len() < 2 {
        return Err(invalid(
            schema,
            "a table needs at least a timestamp and one more column",
        ));
    }
    match schema.kind {
        TableKind::Super if schema.tags.is_empty() => {
            return Err(invalid(schema, "a super table needs at least one tag"));
        }
        TableKind::Normal if !schema.tags.is_empty() => {
            return Err(invalid(schema, "a normal table cannot have tags"));
        }
        _ => {}
    }
    if schema.tags.len() > MAX_TAGS {
        return Err(invalid(schema, format_args!("more than {MAX_TAGS} tags")));
    }
    if schema.columns.len() + schema.tags.len() > MAX_COLUMNS {
        return Err(invalid(
            schema,
            format_args!("more than {MAX_COLUMNS} columns and tags"),
        ));
    }
    if schema.tags.iter().any(|t| t.ty == SqlType::Json) && schema.tags.len() > 1 {
        return Err(invalid(schema, "a JSON tag must be the only tag"));
    }
    Ok(())
}

fn check_def(schema: &TableSchema, def: &ColumnDef, tag: bool) -> Result<()> {
    check_ident(def.name, NameKind::Column)?;
    let what = if tag { "tag" } else { "column" };
    if is_pseudo_column(def.name) {
        return Err(invalid(
            schema,
            format_args!(
                "{what} `{}` has the name of a pseudo-column, which queries would read instead",
                def.name
            ),
        ));
    }
    if def.ty == SqlType::Json && !tag {
        return Err(invalid(
            schema,
            format_args!("JSON is only allowed as a tag, not column `{}`", def.name),
        ));
    }
    if def.ty.has_length() {
        let place = if tag { Place::Tag } else { Place::Column };
        let max = def.ty.max_length(place).unwrap_or(0);
        match def.length {
            None => {
                return Err(invalid(
                    schema,
                    format_args!(
                        "{what} `{}` of type {} needs a length",
                        def.name,
                        def.ty.name()
                    ),
                ))
            }
            Some(n) if n == 0 || n > max => {
                return Err(invalid(
                    schema,
                    format_args!(
                        "{what} `{}`: {}({n}) is outside 1..={max}",
                        def.name,
                        def.ty.name()
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn check_column_options(schema: &TableSchema, index: usize, col: &ColumnDef) -> Result<()> {
    if col.primary_key && (index != 1 || !col.ty.can_be_composite_key()) {
        return Err(invalid(
            schema,
            format_args!(
                "PRIMARY KEY `{}` must be the second column and INT, BIGINT, INT UNSIGNED, BIGINT UNSIGNED or VARCHAR",
                col.name
            ),
        ));
    }
    let options = [
        ("ENCODE", col.encode, ENCODINGS),
        ("COMPRESS", col.compress, COMPRESSIONS),
        ("LEVEL", col.level, LEVELS),
    ];
    for (option, value, allowed) in options {
        if let Some(v) = value {
            if !column_options::allows(allowed, v) {
                return Err(invalid(
                    schema,
                    format_args!(
                        "column `{}`: {option} '{v}' is not one of {}",
                        col.name,
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
    let ty = col.ty.name();
    let by_type = [
        ("ENCODE", col.encode, column_options::encodings_for(ty)),
        (
            "COMPRESS",
            col.compress,
            column_options::compressions_for(ty),
        ),
    ];
    for (option, value, allowed) in by_type {
        if let Some(v) = value {
            if !column_options::allows(allowed, v) {
                return Err(invalid(
                    schema,
                    format_args!(
                        "column `{}`: a {ty} column takes {option} {}, not '{v}'",
                        col.name,
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}
