//! CREATE / DROP / ALTER / USE.

use super::catalog::{
    default_compression, Catalog, ColumnDef, Database, DbOptions, STable, Table, TableKind,
};
use super::convert::{convert, Ctx};
use super::error::*;
use super::storage::TableData;
use super::time;
use super::value::{schema_bytes, Value};
use crate::api::{Session, TdError};
use crate::sql::ast::{
    AlterAction, ColumnSpec, CreateChild, DataType, OptValue, TableName, ValueExpr,
};
use std::collections::{BTreeSet, HashMap};
use taos_query::common::{Precision, Ty};

/// Creation time stamps are milliseconds.
fn now_ms() -> i64 {
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

fn check_name(name: &str, max: usize) -> Result<(), TdError> {
    if name.is_empty() || name.len() > max || name.contains('.') {
        return Err(invalid_identifier(name));
    }
    Ok(())
}

/// `CREATE DATABASE`.
pub fn create_database(
    cat: &mut Catalog,
    if_not_exists: bool,
    name: &str,
    options: &[(String, OptValue)],
) -> Result<(), TdError> {
    check_name(name, 64)?;
    if name == "information_schema" || name == "performance_schema" || cat.dbs.contains_key(name) {
        return if if_not_exists {
            Ok(())
        } else {
            Err(TdError::new(0x0381, "Database already exists"))
        };
    }
    let mut opts = DbOptions::default();
    let mut precision = Precision::Millisecond;
    for (k, v) in options {
        if k == "precision" {
            precision = match v {
                OptValue::Str(s) if s == "ms" => Precision::Millisecond,
                OptValue::Str(s) if s == "us" => Precision::Microsecond,
                OptValue::Str(s) if s == "ns" => Precision::Nanosecond,
                _ => return Err(db_option(format_args!("precision: {}", opt_text(v)))),
            };
        } else {
            apply_db_option(&mut opts, k, v)?;
        }
    }
    validate_keep(&opts)?;
    cat.dbs.insert(
        name.to_string(),
        Database {
            name: name.to_string(),
            precision,
            options: opts,
            create_time: now_ms(),
            stables: HashMap::new(),
            tables: HashMap::new(),
        },
    );
    Ok(())
}

/// `ALTER DATABASE`.
pub fn alter_database(
    cat: &mut Catalog,
    name: &str,
    options: &[(String, OptValue)],
) -> Result<(), TdError> {
    let db = db_mut(cat, name)?;
    let mut opts = db.options.clone();
    for (k, v) in options {
        if k == "precision" {
            return Err(TdError::new(0x2600, "syntax error near \"precision\""));
        }
        apply_db_option(&mut opts, k, v)?;
    }
    validate_keep(&opts)?;
    db.options = opts;
    Ok(())
}

fn opt_text(v: &OptValue) -> String {
    match v {
        OptValue::Int(i) => i.to_string(),
        OptValue::Str(s) => s.clone(),
        OptValue::Duration(n, u) => format!("{n}{u}"),
        OptValue::List(l) => l.iter().map(opt_text).collect::<Vec<_>>().join(","),
    }
}

/// A KEEP/DURATION value in minutes (bare numbers are days; units m/h/d).
fn minutes(name: &str, v: &OptValue) -> Result<i64, TdError> {
    match v {
        OptValue::Int(n) => Ok(n.saturating_mul(1440)),
        OptValue::Duration(n, 'm') => Ok(*n),
        OptValue::Duration(n, 'h') => Ok(n.saturating_mul(60)),
        OptValue::Duration(n, 'd') => Ok(n.saturating_mul(1440)),
        OptValue::Duration(_, u) => Err(TdError::new(
            0x2618,
            format!("Invalid option {name} unit: {u}, only m, h, d allowed"),
        )),
        _ => Err(db_option(format_args!("{name}: {}", opt_text(v)))),
    }
}

fn int_in(name: &str, v: &OptValue, lo: i64, hi: i64) -> Result<i64, TdError> {
    match v {
        OptValue::Int(n) if (lo..=hi).contains(n) => Ok(*n),
        OptValue::Int(n) => Err(db_option(format_args!(
            "{name}: {n} valid range: [{lo}, {hi}]"
        ))),
        _ => Err(db_option(format_args!("{name}: {}", opt_text(v)))),
    }
}

fn apply_db_option(o: &mut DbOptions, k: &str, v: &OptValue) -> Result<(), TdError> {
    match k {
        "keep" => {
            let vals: Vec<i64> = match v {
                OptValue::List(l) if l.len() <= 3 => {
                    l.iter().map(|x| minutes(k, x)).collect::<Result<_, _>>()?
                }
                OptValue::List(_) => {
                    return Err(TdError::new(0x2618, "Invalid number of keep options"))
                }
                v => vec![minutes(k, v)?],
            };
            if vals.windows(2).any(|w| w[0] > w[1]) {
                return Err(TdError::new(
                    0x2618,
                    "Invalid keep value, should be keep0 <= keep1 <= keep2",
                ));
            }
            for m in &vals {
                if !(1440..=525_600_000).contains(m) {
                    return Err(db_option(format_args!(
                        "keep: {m} valid range: [1440, 525600000]"
                    )));
                }
            }
            let last = *vals.last().unwrap_or(&5_256_000);
            o.keep = [
                vals.first().copied().unwrap_or(last),
                vals.get(1).copied().unwrap_or(last),
                last,
            ];
        }
        "duration" => {
            let m = minutes(k, v)?;
            if !(60..=5_256_000).contains(&m) {
                return Err(db_option(format_args!(
                    "duration: {m} valid range: [60, 5256000]"
                )));
            }
            o.duration = m;
        }
        "vgroups" => o.vgroups = int_in(k, v, 1, 1024)?,
        "replica" => {
            o.replica = int_in(k, v, 1, 3)?;
            if o.replica == 2 {
                return Err(TdError::new(
                    0x2618,
                    "Invalid option replica: 2, only 1, 3 allowed",
                ));
            }
        }
        "buffer" => o.buffer = int_in(k, v, 3, 16384)?,
        "cachemodel" => match v {
            OptValue::Str(s)
                if ["none", "last_row", "last_value", "both"].contains(&s.as_str()) =>
            {
                o.cachemodel = s.clone()
            }
            _ => return Err(db_option(format_args!("cachemodel: {}", opt_text(v)))),
        },
        "cachesize" => o.cachesize = int_in(k, v, 1, 65536)?,
        "comp" => o.comp = int_in(k, v, 0, 2)?,
        "wal_level" => o.wal_level = int_in(k, v, 0, 2)?,
        "wal_fsync_period" => o.wal_fsync_period = int_in(k, v, 0, 180_000)?,
        "wal_retention_period" => o.wal_retention_period = int_in(k, v, -1, i32::MAX as i64)?,
        "wal_retention_size" => o.wal_retention_size = int_in(k, v, -1, i64::MAX)?,
        "wal_roll_period" | "wal_segment_size" => {
            int_in(k, v, 0, i64::MAX)?;
        }
        "stt_trigger" => o.stt_trigger = int_in(k, v, 1, 16)?,
        "single_stable" => o.single_stable = int_in(k, v, 0, 1)? == 1,
        "table_prefix" => o.table_prefix = int_in(k, v, -128, 128)?,
        "table_suffix" => o.table_suffix = int_in(k, v, -128, 128)?,
        "minrows" => o.minrows = int_in(k, v, 10, 1_000_000)?,
        "maxrows" => o.maxrows = int_in(k, v, 200, 10_000)?,
        "pages" => o.pages = int_in(k, v, 64, i32::MAX as i64)?,
        "pagesize" => o.pagesize = int_in(k, v, 1, 16384)?,
        "tsdb_pagesize" => o.tsdb_pagesize = int_in(k, v, 1, 16384)?,
        "keep_time_offset" => o.keep_time_offset = int_in(k, v, 0, 23)?,
        "strict"
        | "dnodes"
        | "s3_chunkpages"
        | "s3_keeplocal"
        | "s3_compact"
        | "schemaless"
        | "compact_interval"
        | "compact_time_range"
        | "compact_time_offset"
        | "encrypt_algorithm" => {}
        _ => return Err(TdError::new(0x2600, format!("syntax error near \"{k}\""))),
    }
    Ok(())
}

fn validate_keep(o: &DbOptions) -> Result<(), TdError> {
    if o.keep[0] < 3 * o.duration {
        return Err(TdError::new(
            0x2618,
            format!(
                "Invalid option keep: {}, {}, {} should larger than 3 times duration {}",
                o.keep[0], o.keep[1], o.keep[2], o.duration
            ),
        ));
    }
    if o.minrows >= o.maxrows {
        return Err(db_option("minrows should less than maxrows"));
    }
    Ok(())
}

/// `DROP DATABASE`.
pub fn drop_database(
    cat: &mut Catalog,
    session: &mut Session,
    if_exists: bool,
    name: &str,
) -> Result<(), TdError> {
    if cat.dbs.remove(name).is_none() && !if_exists {
        return Err(db_not_exist());
    }
    if session.database.as_deref() == Some(name) {
        session.database = None;
    }
    Ok(())
}

const ENCODES: &[&str] = &["simple8b", "bit-packing", "delta-i", "delta-d", "disabled"];
const COMPRESSES: &[&str] = &["lz4", "zlib", "zstd", "tsz", "xz", "disabled"];

fn column_def(spec: &ColumnSpec) -> Result<ColumnDef, TdError> {
    let mut c = ColumnDef::new(spec.name.clone(), spec.dt);
    c.primary_key = spec.primary_key;
    let (enc, _) = default_compression(spec.dt.ty);
    if let Some(e) = &spec.encode {
        if !ENCODES.contains(&e.as_str()) {
            return Err(TdError::new(0x0231, "Invalid encode param"));
        }
        c.encode = e.clone();
    } else {
        c.encode = enc.into();
    }
    if let Some(e) = &spec.compress {
        if !COMPRESSES.contains(&e.as_str()) {
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

fn check_len(dt: DataType, tag: bool) -> Result<(), TdError> {
    let max = match (dt.ty, tag) {
        (Ty::VarChar | Ty::VarBinary | Ty::Geometry, false) => 65517,
        (Ty::VarChar | Ty::VarBinary | Ty::Geometry, true) => 16382,
        (Ty::NChar, false) => 16379,
        (Ty::NChar, true) => 4095,
        _ => return Ok(()),
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
    if columns.len() + tags.len() > 4096 || tags.len() > 128 {
        return Err(TdError::new(0x2640, "Invalid columns number"));
    }
    let mut seen = BTreeSet::new();
    for c in columns.iter().chain(tags) {
        check_name(&c.name, 64)?;
        if !seen.insert(c.name.as_str()) {
            return Err(TdError::new(0x263C, "Duplicated column names"));
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.dt.ty == Ty::Json {
            return Err(TdError::new(0x2652, "Only tag can be json type"));
        }
        check_len(c.dt, false)?;
        if c.primary_key
            && (i != 1
                || !matches!(
                    c.dt.ty,
                    Ty::Int | Ty::BigInt | Ty::UInt | Ty::UBigInt | Ty::VarChar
                ))
        {
            return Err(TdError::new(
                0x2600,
                "primary key column must be second column and of type int, bigint or varchar",
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
    if row > 65531 {
        return Err(TdError::new(0x263E, "Row length exceeds max length"));
    }
    let tag_len: u32 = tags
        .iter()
        .filter(|t| t.dt.ty != Ty::Json)
        .map(|t| schema_bytes(t.dt))
        .sum();
    if tag_len > 16384 {
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
    check_name(&name.name, 192)?;
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
    check_name(&name.name, 192)?;
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
    let n = defs.len() - 1;
    db.tables.insert(
        name.name.clone(),
        Table {
            name: name.name.clone(),
            kind: TableKind::Normal { columns: defs },
            data: TableData::new(n),
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
fn tag_value(v: &ValueExpr, def: &ColumnDef, cx: &Ctx) -> Result<Value, TdError> {
    if def.dt.ty == Ty::Timestamp
        && !v.offsets.is_empty()
        && matches!(v.lit, crate::sql::ast::Literal::Now)
    {
        return Err(super::error::bad_value(
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
    let ncols = db.stables.get(stable).map_or(0, |s| s.columns.len() - 1);
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
            data: TableData::new(ncols),
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
        check_name(&c.name.name, 192)?;
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
            "Only binary/nchar column length could be modified, and the length can only be increased",
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
        return Err(stable_not_exist());
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
                    .ok_or_else(|| TdError::new(0x260E, format!("Invalid tag name: {tag}")))?;
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
        (TableKind::Normal { .. }, action) => alter_normal(db, &name.name, action),
        (TableKind::Child { .. }, _) => Err(TdError::new(
            0x2600,
            "syntax error near \"alter\" (child tables only accept SET TAG)",
        )),
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
    let col_missing = || TdError::new(0x036C, "Column does not exist");
    match action {
        AlterAction::AddColumn(spec) => {
            if columns.iter().any(|c| c.name == spec.name) {
                return Err(TdError::new(0x036B, "Column already exists"));
            }
            check_name(&spec.name, 64)?;
            check_len(spec.dt, false)?;
            if spec.dt.ty == Ty::Json {
                return Err(TdError::new(0x2652, "Only tag can be json type"));
            }
            columns.push(column_def(spec)?);
            data.cols.push(vec![Value::Null; data.len()]);
        }
        AlterAction::DropColumn(c) => {
            let i = columns
                .iter()
                .position(|x| &x.name == c)
                .ok_or_else(col_missing)?;
            if i == 0 {
                return Err(TdError::new(
                    0x264A,
                    "Primary timestamp column cannot be dropped",
                ));
            }
            columns.remove(i);
            data.cols.remove(i - 1);
        }
        AlterAction::ModifyColumn(c, dt) => modify_len(columns, c, *dt, col_missing())?,
        AlterAction::RenameColumn(a, b) => {
            if columns.iter().any(|c| &c.name == b) {
                return Err(TdError::new(0x036B, "Column already exists"));
            }
            let c = columns
                .iter_mut()
                .find(|x| &x.name == a)
                .ok_or_else(col_missing)?;
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
    let tag_missing = || TdError::new(0x036A, "Tag does not exist");
    let col_missing = || TdError::new(0x036C, "Column does not exist");
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
        AddCol,
        DropCol(usize),
        AddTag,
        DropTag(usize),
    }
    let reshape = match action {
        AlterAction::AddColumn(spec) => {
            if let Some(e) = exists(s, &spec.name) {
                return Err(e);
            }
            check_name(&spec.name, 64)?;
            check_len(spec.dt, false)?;
            if spec.dt.ty == Ty::Json {
                return Err(TdError::new(0x2652, "Only tag can be json type"));
            }
            s.columns.push(column_def(spec)?);
            Reshape::AddCol
        }
        AlterAction::DropColumn(c) => {
            let i = s
                .columns
                .iter()
                .position(|x| &x.name == c)
                .ok_or_else(col_missing)?;
            if i == 0 || s.columns[i].primary_key {
                return Err(TdError::new(0x03C2, "Invalid stable alter options"));
            }
            s.columns.remove(i);
            Reshape::DropCol(i - 1)
        }
        AlterAction::ModifyColumn(c, dt) => {
            modify_len(&mut s.columns, c, *dt, col_missing())?;
            Reshape::None
        }
        AlterAction::AddTag(spec) => {
            if let Some(e) = exists(s, &spec.name) {
                return Err(e);
            }
            check_name(&spec.name, 64)?;
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
                .ok_or_else(tag_missing)?;
            if s.tags.len() == 1 || s.tags[i].dt.ty == Ty::Json {
                return Err(TdError::new(0x03C2, "Invalid stable alter options"));
            }
            s.tags.remove(i);
            Reshape::DropTag(i)
        }
        AlterAction::ModifyTag(t, dt) => {
            modify_len(&mut s.tags, t, *dt, tag_missing())?;
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
                .ok_or_else(tag_missing)?;
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
            (Reshape::AddCol, _) => t.data.cols.push(vec![Value::Null; t.data.len()]),
            (Reshape::DropCol(i), _) => {
                t.data.cols.remove(*i);
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
