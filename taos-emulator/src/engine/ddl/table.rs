//! CREATE / DROP of super, normal and child tables.

use super::super::catalog::{
    default_compression, Catalog, ColumnDef, Database, STable, Table, TableKind,
};
use super::super::convert::{convert, Ctx};
use super::super::error::*;
use super::super::storage::TableData;
use super::super::time;
use super::super::value::{rules_type, schema_bytes, type_name, Value};
use super::{check_name, db_mut, db_of, now_ms};
use crate::api::{Session, TdError};
use crate::sql::ast::{ColumnSpec, CreateChild, DataType, TableName, ValueExpr};
use std::collections::BTreeSet;
use taos_query::common::Ty;
use taos_rules::column_options::{allows, compressions_for, encodings_for};
use taos_rules::names::NameKind;
use taos_rules::types::limits::{MAX_COLUMNS, MAX_ROW_BYTES, MAX_TAGS, MAX_TAGS_BYTES};
use taos_rules::types::{Place, SqlType};

pub(super) fn column_def(spec: &ColumnSpec) -> Result<ColumnDef, TdError> {
    let mut c = ColumnDef::new(spec.name.clone(), spec.dt);
    c.primary_key = spec.primary_key;
    let (enc, _) = default_compression(spec.dt.ty);
    if let Some(e) = &spec.encode {
        if !allows(encodings_for(type_name(spec.dt.ty)), e) {
            return Err(TdError::new(0x0231, "Invalid encode param"));
        }
        c.encode = e.clone();
    } else {
        c.encode = enc.into();
    }
    if let Some(e) = &spec.compress {
        if !allows(compressions_for(type_name(spec.dt.ty)), e) {
            return Err(TdError::new(0x0233, "Invalid compress param"));
        }
        c.compress = e.clone();
    }
    if let Some(l) = &spec.level {
        c.level = match l.as_str() {
            "high" | "h" => "high",
            "medium" | "m" => "medium",
            "low" | "l" => "low",
            _ => return Err(TdError::new(0x0234, "Invalid compress level param")),
        }
        .into();
    }
    Ok(c)
}

pub(super) fn check_len(dt: DataType, tag: bool) -> Result<(), TdError> {
    let place = if tag { Place::Tag } else { Place::Column };
    let Some(max) = rules_type(dt.ty).and_then(|ty| ty.max_length(place)) else {
        return Ok(());
    };
    if dt.len == 0 || dt.len > max {
        return Err(TdError::new(
            0x2642,
            "Invalid varbinary/binary/nchar column/tag length",
        ));
    }
    Ok(())
}

/// Validates a column list (and tags) as CREATE does.
fn validate_schema(columns: &[ColumnSpec], tags: &[ColumnSpec]) -> Result<(), TdError> {
    if columns.first().map(|c| c.dt.ty) != Some(Ty::Timestamp) {
        return Err(TdError::new(0x2641, "First column must be timestamp"));
    }
    if columns.len() < 2 {
        return Err(TdError::new(0x2640, "Invalid columns number"));
    }
    if columns.len() + tags.len() > MAX_COLUMNS || tags.len() > MAX_TAGS {
        return Err(TdError::new(0x2640, "Invalid columns number"));
    }
    let mut seen = BTreeSet::new();
    for c in columns.iter().chain(tags) {
        check_name(&c.name, NameKind::Column.max_len())?;
        if !seen.insert(c.name.as_str()) {
            return Err(TdError::new(0x263C, "Duplicated column names"));
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.dt.ty == Ty::Json {
            return Err(TdError::new(0x2652, "Only tag can be json type"));
        }
        check_len(c.dt, false)?;
        if c.primary_key && i != 1 {
            return Err(TdError::new(
                0x2678,
                "composite primary key column must be second column",
            ));
        }
        if c.primary_key && !rules_type(c.dt.ty).is_some_and(SqlType::can_be_composite_key) {
            return Err(TdError::new(
                0x2679,
                "composite primary key column must be of type int, uint, bigint, ubigint, and varchar",
            ));
        }
    }
    for t in tags {
        check_len(t.dt, true)?;
    }
    if tags.iter().any(|t| t.dt.ty == Ty::Json) && tags.len() > 1 {
        return Err(TdError::new(0x2633, "Only one tag if there is a json tag"));
    }
    let row: u32 = columns.iter().map(|c| schema_bytes(c.dt)).sum();
    if row > MAX_ROW_BYTES {
        return Err(TdError::new(0x263E, "Row length exceeds max length"));
    }
    let tag_len: u32 = tags
        .iter()
        .filter(|t| t.dt.ty != Ty::Json)
        .map(|t| schema_bytes(t.dt))
        .sum();
    if tag_len > MAX_TAGS_BYTES {
        return Err(TdError::new(0x263D, "Tags length exceeds max length"));
    }
    Ok(())
}

/// `CREATE STABLE`.
pub fn create_stable(
    cat: &mut Catalog,
    session: &Session,
    if_not_exists: bool,
    name: &TableName,
    columns: &[ColumnSpec],
    tags: &[ColumnSpec],
    comment: &Option<String>,
) -> Result<(), TdError> {
    let dbn = db_of(session, name)?;
    check_name(&name.name, NameKind::Table.max_len())?;
    if tags.is_empty() {
        return Err(TdError::new(0x2640, "Invalid columns number"));
    }
    validate_schema(columns, tags)?;
    let db = db_mut(cat, &dbn)?;
    if db.stables.contains_key(&name.name) || db.tables.contains_key(&name.name) {
        return if if_not_exists {
            Ok(())
        } else {
            Err(TdError::new(0x0360, "STable already exists"))
        };
    }
    let stable = STable {
        name: name.name.clone(),
        columns: columns.iter().map(column_def).collect::<Result<_, _>>()?,
        tags: tags
            .iter()
            .map(|t| ColumnDef::tag(t.name.clone(), t.dt))
            .collect(),
        comment: comment.clone(),
        create_time: now_ms(),
        children: BTreeSet::new(),
    };
    db.stables.insert(name.name.clone(), stable);
    Ok(())
}

/// `CREATE TABLE` (normal).
pub fn create_table(
    cat: &mut Catalog,
    session: &Session,
    if_not_exists: bool,
    name: &TableName,
    columns: &[ColumnSpec],
    comment: &Option<String>,
) -> Result<(), TdError> {
    let dbn = db_of(session, name)?;
    check_name(&name.name, NameKind::Table.max_len())?;
    validate_schema(columns, &[])?;
    let defs: Vec<ColumnDef> = columns.iter().map(column_def).collect::<Result<_, _>>()?;
    let uid = cat.uid();
    let db = db_mut(cat, &dbn)?;
    if db.tables.contains_key(&name.name) || db.stables.contains_key(&name.name) {
        return if if_not_exists {
            Ok(())
        } else {
            Err(TdError::new(0x0603, "Table already exists"))
        };
    }
    let data = TableData::new(defs[1..].iter().map(|c| c.dt.ty));
    db.tables.insert(
        name.name.clone(),
        Table {
            name: name.name.clone(),
            kind: TableKind::Normal { columns: defs },
            data: data.into(),
            create_time: now_ms(),
            uid,
            comment: comment.clone(),
        },
    );
    Ok(())
}

/// Tag values in stable order for `USING stb [(names)] TAGS (values)`.
pub fn tag_values(
    stable: &STable,
    names: &Option<Vec<String>>,
    values: &[ValueExpr],
    cx: &Ctx,
) -> Result<Vec<Value>, TdError> {
    let mut out = vec![Value::Null; stable.tags.len()];
    match names {
        Some(names) => {
            if names.len() != values.len() {
                return Err(tags_mismatch());
            }
            for (n, v) in names.iter().zip(values) {
                let i = stable
                    .tags
                    .iter()
                    .position(|t| &t.name == n)
                    .ok_or_else(|| TdError::new(0x260E, format!("Invalid tag name: {n}")))?;
                out[i] = tag_value(v, &stable.tags[i], cx)?;
            }
        }
        None => {
            if values.len() != stable.tags.len() {
                return Err(tags_mismatch());
            }
            for (i, v) in values.iter().enumerate() {
                out[i] = tag_value(v, &stable.tags[i], cx)?;
            }
        }
    }
    Ok(out)
}

/// Timestamp tags accept literal arithmetic but not `NOW ± d`.
pub(super) fn tag_value(v: &ValueExpr, def: &ColumnDef, cx: &Ctx) -> Result<Value, TdError> {
    if def.dt.ty == Ty::Timestamp
        && !v.offsets.is_empty()
        && matches!(v.lit, crate::sql::ast::Literal::Now)
    {
        return Err(bad_value(
            cx.src
                .get(v.span.0 as usize..v.span.1 as usize)
                .unwrap_or(""),
            "invalid timestamp",
        ));
    }
    convert(v, def, cx)
}

/// Creates child `name` of `stable` in `db` (the caller checked it is absent).
pub fn insert_child(db: &mut Database, uid: i64, name: &str, stable: &str, tags: Vec<Value>) {
    let data = db.stables.get(stable).map_or_else(TableData::default, |s| {
        TableData::new(s.columns[1..].iter().map(|c| c.dt.ty))
    });
    if let Some(s) = db.stables.get_mut(stable) {
        s.children.insert(name.to_string());
    }
    db.tables.insert(
        name.to_string(),
        Table {
            name: name.to_string(),
            kind: TableKind::Child {
                stable: stable.to_string(),
                tags,
            },
            data: data.into(),
            create_time: now_ms(),
            uid,
            comment: None,
        },
    );
}

/// `CREATE TABLE … USING …` (batch).
pub fn create_children(
    cat: &mut Catalog,
    session: &Session,
    src: &str,
    children: &[CreateChild],
) -> Result<(), TdError> {
    // Validate every child first so a bad one creates none.
    let mut planned: Vec<(String, String, String, Vec<Value>)> = Vec::new();
    for c in children {
        let dbn = db_of(session, &c.name)?;
        let sdb = db_of(session, &c.stable)?;
        check_name(&c.name.name, NameKind::Table.max_len())?;
        let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
        if sdb != dbn {
            return Err(TdError::new(
                0x2619,
                "Corresponding super table not in this db",
            ));
        }
        let stable = db.stables.get(&c.stable.name).ok_or_else(table_not_exist)?;
        let cx = Ctx {
            src,
            precision: db.precision,
            now: time::now(db.precision),
        };
        let tags = tag_values(stable, &c.tag_names, &c.tags, &cx)?;
        let exists = db.tables.contains_key(&c.name.name)
            || db.stables.contains_key(&c.name.name)
            || planned.iter().any(|p| p.0 == dbn && p.1 == c.name.name);
        if exists {
            if c.if_not_exists {
                continue;
            }
            return Err(TdError::new(0x0603, "Table already exists"));
        }
        planned.push((dbn, c.name.name.clone(), c.stable.name.clone(), tags));
    }
    for (dbn, name, stable, tags) in planned {
        let uid = cat.uid();
        if let Some(db) = cat.dbs.get_mut(&dbn) {
            insert_child(db, uid, &name, &stable, tags);
        }
    }
    Ok(())
}

/// `DROP TABLE a, b`.
pub fn drop_tables(
    cat: &mut Catalog,
    session: &Session,
    items: &[(bool, TableName)],
) -> Result<(), TdError> {
    for (if_exists, name) in items {
        let dbn = db_of(session, name)?;
        let db = db_mut(cat, &dbn)?;
        if let Some(s) = db.stables.remove(&name.name) {
            // DROP TABLE on a super table drops it like DROP STABLE.
            for c in &s.children {
                db.tables.remove(c);
            }
            continue;
        }
        match db.tables.remove(&name.name) {
            Some(t) => {
                if let TableKind::Child { stable, .. } = &t.kind {
                    if let Some(s) = db.stables.get_mut(stable) {
                        s.children.remove(&t.name);
                    }
                }
            }
            None if *if_exists => {}
            None => return Err(table_not_exist()),
        }
    }
    Ok(())
}

/// `DROP STABLE`.
pub fn drop_stable(
    cat: &mut Catalog,
    session: &Session,
    if_exists: bool,
    name: &TableName,
) -> Result<(), TdError> {
    let dbn = db_of(session, name)?;
    let db = db_mut(cat, &dbn)?;
    match db.stables.remove(&name.name) {
        Some(s) => {
            for c in &s.children {
                db.tables.remove(c);
            }
            Ok(())
        }
        None if if_exists => Ok(()),
        None => Err(stable_not_exist()),
    }
}
