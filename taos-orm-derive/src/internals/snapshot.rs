//! `#[taos(check_schema)]`: the struct against a schema snapshot file
//! (written by `taos-orm snapshot`), at compile time, with each difference
//! reported at the field it concerns.
//!
//! The comparison is `taos_rules::shape::compare`, the same one
//! `Database::verify` runs against the live table, so the compiler and the
//! runtime report a drifted table in the same words.

use std::path::PathBuf;

use taos_rules::shape::{ColumnShape, ColumnType, Difference, TableKind, TableShape};
use taos_rules::snapshot::{Snapshot, FILE_NAME, PATH_VAR};
use taos_rules::types::SqlType;

use super::ast::{Field, Table};
use super::ctxt::Ctxt;

/// Where the snapshot is: the attribute's path (relative to the crate
/// root), else `TAOS_ORM_SNAPSHOT`, else `taos-schema.txt` in the crate
/// root. Also how messages name it (as written, not absolute).
pub(crate) fn location(table: &Table<'_>) -> Option<(PathBuf, String)> {
    let explicit = table.attrs.check_schema.get()?;
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let (path, shown) = match (explicit, std::env::var_os(PATH_VAR)) {
        (Some(lit), _) => (PathBuf::from(lit.value()), lit.value()),
        (None, Some(var)) => {
            let shown = var.to_string_lossy().into_owned();
            (PathBuf::from(var), shown)
        }
        (None, None) => (PathBuf::from(FILE_NAME), FILE_NAME.to_owned()),
    };
    Some((root.join(path), shown))
}

pub(crate) fn check(cx: &Ctxt, table: &Table<'_>) {
    let Some((path, shown)) = location(table) else {
        return;
    };
    let key = table.attrs.check_schema.key();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            cx.error_spanned_by(
                key,
                format!(
                    "no schema snapshot at `{shown}` (relative to the crate root): {e}; \
                     create it with `taos-orm snapshot --dsn <dsn> --database <db> --out {shown}`"
                ),
            );
            return;
        }
    };
    let snapshot = match Snapshot::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            cx.error_spanned_by(key, format!("schema snapshot `{shown}`, {e}"));
            return;
        }
    };
    if let Some(db) = table.attrs.database.get() {
        if !db.value().eq_ignore_ascii_case(&snapshot.database) {
            cx.error_spanned_by(
                db,
                format!(
                    "the struct's database is `{}`, the schema snapshot `{shown}` is of `{}`",
                    db.value(),
                    snapshot.database
                ),
            );
            return;
        }
    }
    let name = table.name();
    let Some(found) = snapshot.table(&name) else {
        cx.error_spanned_by(
            key,
            format!(
                "table `{name}` is not in the schema snapshot `{shown}` of database `{}`; \
                 if it is new, create it and run `taos-orm snapshot` again",
                snapshot.database
            ),
        );
        return;
    };
    let (expected, unknown) = shape(table, &name);
    for difference in taos_rules::shape::compare(&expected, Some(found)) {
        // A type the derive cannot see through (a user `TdType`) is
        // compared by the runtime's verify, not here.
        if let Difference::Type { expected, .. } = &difference {
            if unknown.contains(&expected.name) {
                continue;
            }
        }
        let message = format!("{difference} (schema snapshot `{shown}`)");
        match at(table, &difference) {
            Some(field) => cx.error_spanned_by(field.member, message),
            None => match &difference {
                Difference::Kind { .. } => match table.attrs.table.key() {
                    Some(k) => cx.error_spanned_by(k, message),
                    None => match table.attrs.stable.key() {
                        Some(k) => cx.error_spanned_by(k, message),
                        None => cx.error_spanned_by(table.ident, message),
                    },
                },
                _ => cx.error_spanned_by(key, message),
            },
        }
    }
}

/// The field a difference is about, if it is about one.
fn at<'t, 'a>(table: &'t Table<'a>, difference: &Difference) -> Option<&'t Field<'a>> {
    let named = |name: &str| {
        table
            .columns()
            .chain(table.tags())
            .find(|f| f.column_name().eq_ignore_ascii_case(name))
    };
    match difference {
        Difference::Missing { expected, .. } | Difference::Type { expected, .. } => {
            named(&expected.name)
        }
        Difference::Length { name, .. } | Difference::Place { name, .. } => named(name),
        Difference::PrimaryKey { expected, found } => expected
            .as_deref()
            .or(found.as_deref())
            .and_then(named)
            .or_else(|| table.columns().find(|f| f.attrs.primary_key.is_set())),
        Difference::Timestamp { expected, .. } => named(expected),
        Difference::TableMissing | Difference::Kind { .. } | Difference::Extra { .. } => None,
    }
}

/// The shape the struct's DDL creates, and the columns whose type the
/// derive cannot know.
fn shape(table: &Table<'_>, name: &str) -> (TableShape, Vec<String>) {
    let mut unknown = Vec::new();
    let mut column = |field: &Field<'_>| {
        let ty = if field.is_ts() {
            Some(SqlType::Timestamp)
        } else if field.attrs.json.is_set() {
            Some(SqlType::Json)
        } else if let Some(length) = field.attrs.length.get() {
            Some(length.sql)
        } else {
            field.ty.known.map(|k| k.natural())
        };
        let name = field.column_name();
        if ty.is_none() {
            unknown.push(name.clone());
        }
        ColumnShape {
            length: field
                .attrs
                .length
                .get()
                .map(|l| l.n)
                .filter(|_| ty.is_some_and(SqlType::has_length)),
            primary_key: field.attrs.primary_key.is_set(),
            nullable: field.ty.optional,
            ..ColumnShape::new(
                name,
                ty.map_or(ColumnType::Other("?".into()), ColumnType::Known),
            )
        }
    };
    let columns = table.columns().map(&mut column).collect();
    let tags = table.tags().map(&mut column).collect();
    let shape = TableShape {
        name: name.to_owned(),
        kind: if table.is_normal() {
            TableKind::Normal
        } else {
            TableKind::Super
        },
        columns,
        tags,
    };
    (shape, unknown)
}
