//! ALTER STABLE / ALTER TABLE.

use super::super::catalog::{Catalog, ColumnDef, Database, STable, Table, TableKind};
use super::super::convert::Ctx;
use super::super::error::*;
use super::super::time;
use super::super::value::Value;
use super::table::{check_len, column_def, tag_value};
use super::{check_name, db_mut, db_of};
use crate::api::{Session, TdError};
use crate::sql::ast::{AlterAction, DataType, TableName};
use taos_query::common::Ty;
use taos_rules::names::NameKind;

fn modify_len(
    cols: &mut [ColumnDef],
    name: &str,
    dt: DataType,
    missing: TdError,
) -> Result<(), TdError> {
    let c = cols.iter_mut().find(|c| c.name == name).ok_or(missing)?;
    if !matches!(
        c.dt.ty,
        Ty::VarChar | Ty::NChar | Ty::VarBinary | Ty::Geometry
    ) || c.dt.ty != dt.ty
        || dt.len <= c.dt.len
    {
        return Err(TdError::new(
            0x264B,
            "Only varbinary/binary/nchar/geometry column length could be modified, and the length can only be increased, not decreased",
        ));
    }
    c.dt = dt;
    Ok(())
}

/// `ALTER STABLE|TABLE`.
pub fn alter(
    cat: &mut Catalog,
    session: &Session,
    src: &str,
    stable_kw: bool,
    name: &TableName,
    action: &AlterAction,
) -> Result<(), TdError> {
    let dbn = db_of(session, name)?;
    let db = db_mut(cat, &dbn)?;
    if db.stables.contains_key(&name.name) {
        return alter_stable(db, &name.name, action);
    }
    if stable_kw {
        return Err(table_not_exist());
    }
    let precision = db.precision;
    let t = db.tables.get(&name.name).ok_or_else(table_not_exist)?;
    match (&t.kind, action) {
        (TableKind::Child { stable, .. }, AlterAction::SetTags(sets)) => {
            let s = db.stables.get(stable).ok_or_else(stable_not_exist)?;
            let cx = Ctx {
                src,
                precision,
                now: time::now(precision),
            };
            let mut updates = Vec::new();
            for (tag, v) in sets {
                let i = s
                    .tags
                    .iter()
                    .position(|t| &t.name == tag)
                    .ok_or_else(|| TdError::new(0x2649, format!("Invalid tag name: {tag}")))?;
                updates.push((i, tag_value(v, &s.tags[i], &cx)?));
            }
            if let Some(Table {
                kind: TableKind::Child { tags, .. },
                ..
            }) = db.tables.get_mut(&name.name)
            {
                for (i, v) in updates {
                    tags[i] = v;
                }
            }
            Ok(())
        }
        (_, AlterAction::Options(c)) => {
            if let (Some(c), Some(t)) = (c, db.tables.get_mut(&name.name)) {
                t.comment = Some(c.clone());
            }
            Ok(())
        }
        (TableKind::Normal { .. }, AlterAction::SetTags(sets)) => Err(TdError::new(
            0x2649,
            format!(
                "Invalid tag name: {}",
                sets.first().map_or("", |(t, _)| t.as_str())
            ),
        )),
        (TableKind::Normal { .. }, action) => alter_normal(db, &name.name, action),
        (TableKind::Child { .. }, _) => Err(TdError::new(0x2649, "Invalid alter table statement")),
    }
}

fn alter_normal(db: &mut Database, name: &str, action: &AlterAction) -> Result<(), TdError> {
    let Some(Table {
        kind: TableKind::Normal { columns },
        data,
        ..
    }) = db.tables.get_mut(name)
    else {
        return Err(table_not_exist());
    };
    match action {
        AlterAction::AddColumn(spec) => {
            if columns.iter().any(|c| c.name == spec.name) {
                return Err(TdError::new(0x263C, "Duplicated column names"));
            }
            check_name(&spec.name, NameKind::Column.max_len())?;
            check_len(spec.dt, false)?;
            if spec.dt.ty == Ty::Json {
                return Err(TdError::new(0x2652, "Only tag can be json type"));
            }
            columns.push(column_def(spec)?);
            std::sync::Arc::make_mut(data).add_column(spec.dt.ty);
        }
        AlterAction::DropColumn(c) => {
            let i = columns
                .iter()
                .position(|x| &x.name == c)
                .ok_or_else(|| invalid_column(c))?;
            if i == 0 {
                return Err(TdError::new(
                    0x264A,
                    "Primary timestamp column cannot be dropped",
                ));
            }
            columns.remove(i);
            std::sync::Arc::make_mut(data).cols.remove(i - 1);
        }
        AlterAction::ModifyColumn(c, dt) => modify_len(columns, c, *dt, invalid_column(c))?,
        AlterAction::RenameColumn(a, b) => {
            if columns.iter().any(|c| &c.name == b) {
                return Err(TdError::new(0x036B, "Column already exists"));
            }
            let c = columns
                .iter_mut()
                .find(|x| &x.name == a)
                .ok_or_else(|| invalid_column(a))?;
            c.name = b.clone();
        }
        _ => {
            return Err(TdError::new(
                0x2600,
                "syntax error near \"tag\" (normal tables have no tags)",
            ))
        }
    }
    Ok(())
}

fn alter_stable(db: &mut Database, name: &str, action: &AlterAction) -> Result<(), TdError> {
    let children: Vec<String> = db.stables[name].children.iter().cloned().collect();
    let s = db.stables.get_mut(name).ok_or_else(stable_not_exist)?;
    // A missing column or tag is a parser error (0x2602 / 0x260E), except
    // for RENAME TAG, which the mnode answers (0x036A).
    let tag_missing = |t: &str| TdError::new(0x260E, format!("Invalid tag name: {t}"));
    let exists = |s: &STable, n: &str| -> Option<TdError> {
        if s.columns.iter().any(|c| c.name == n) {
            Some(TdError::new(0x036B, "Column already exists"))
        } else if s.tags.iter().any(|c| c.name == n) {
            Some(TdError::new(0x0369, "Tag already exists"))
        } else {
            None
        }
    };
    // Data-shape changes applied to every child after the schema change.
    enum Reshape {
        None,
        AddCol(Ty),
        DropCol(usize),
        AddTag,
        DropTag(usize),
    }
    let reshape = match action {
        AlterAction::AddColumn(spec) => {
            if let Some(e) = exists(s, &spec.name) {
                return Err(e);
            }
            check_name(&spec.name, NameKind::Column.max_len())?;
            check_len(spec.dt, false)?;
            if spec.dt.ty == Ty::Json {
                return Err(TdError::new(0x2652, "Only tag can be json type"));
            }
            s.columns.push(column_def(spec)?);
            Reshape::AddCol(spec.dt.ty)
        }
        AlterAction::DropColumn(c) => {
            let i = s
                .columns
                .iter()
                .position(|x| &x.name == c)
                .ok_or_else(|| invalid_column(c))?;
            if i == 0 || s.columns[i].primary_key {
                return Err(TdError::new(0x03C2, "Invalid stable alter options"));
            }
            s.columns.remove(i);
            Reshape::DropCol(i - 1)
        }
        AlterAction::ModifyColumn(c, dt) => {
            modify_len(&mut s.columns, c, *dt, invalid_column(c))?;
            Reshape::None
        }
        AlterAction::AddTag(spec) => {
            if let Some(e) = exists(s, &spec.name) {
                return Err(e);
            }
            check_name(&spec.name, NameKind::Column.max_len())?;
            check_len(spec.dt, true)?;
            if spec.dt.ty == Ty::Json || s.tags.iter().any(|t| t.dt.ty == Ty::Json) {
                return Err(TdError::new(0x2633, "Only one tag if there is a json tag"));
            }
            s.tags.push(ColumnDef::tag(spec.name.clone(), spec.dt));
            Reshape::AddTag
        }
        AlterAction::DropTag(t) => {
            let i = s
                .tags
                .iter()
                .position(|x| &x.name == t)
                .ok_or_else(|| tag_missing(t))?;
            if s.tags[i].dt.ty == Ty::Json {
                return Err(TdError::new(0x2633, "Only one tag if there is a json tag"));
            }
            if s.tags.len() == 1 {
                return Err(TdError::new(0x03C2, "Invalid stable alter options"));
            }
            s.tags.remove(i);
            Reshape::DropTag(i)
        }
        AlterAction::ModifyTag(t, dt) => {
            modify_len(&mut s.tags, t, *dt, tag_missing(t))?;
            Reshape::None
        }
        AlterAction::RenameTag(a, b) => {
            if let Some(e) = exists(s, b) {
                return Err(e);
            }
            let t = s
                .tags
                .iter_mut()
                .find(|x| &x.name == a)
                .ok_or_else(|| TdError::new(0x036A, "Tag does not exist"))?;
            t.name = b.clone();
            Reshape::None
        }
        AlterAction::RenameColumn(..) => {
            return Err(TdError::new(0x03C2, "Invalid stable alter options"))
        }
        AlterAction::SetTags(_) => {
            return Err(TdError::new(
                0x2600,
                "syntax error near \"set tag\" (only child tables have tag values)",
            ))
        }
        AlterAction::Options(c) => {
            if let Some(c) = c {
                s.comment = Some(c.clone());
            }
            Reshape::None
        }
    };
    for c in children {
        let Some(t) = db.tables.get_mut(&c) else {
            continue;
        };
        match (&reshape, &mut t.kind) {
            (Reshape::AddCol(ty), _) => std::sync::Arc::make_mut(&mut t.data).add_column(*ty),
            (Reshape::DropCol(i), _) => {
                std::sync::Arc::make_mut(&mut t.data).cols.remove(*i);
            }
            (Reshape::AddTag, TableKind::Child { tags, .. }) => tags.push(Value::Null),
            (Reshape::DropTag(i), TableKind::Child { tags, .. }) => {
                tags.remove(*i);
            }
            _ => {}
        }
    }
    Ok(())
}
