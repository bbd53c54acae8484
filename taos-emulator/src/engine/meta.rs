//! DESCRIBE, SHOW and information_schema tables.

use super::block;
use super::catalog::{Catalog, ColumnDef, Database, Table, TableKind};
use super::ddl::db_of;
use super::error::{db_not_exist, table_not_exist};
use super::query::{Pattern, Virtual};
use super::value::{describe_length, dt, full_type_name, schema_bytes, type_name, varchar, Value};
use crate::api::{QueryResult, Session, TdError};
use crate::sql::ast::{DataType, Show, TableName};
use taos_query::common::{Precision, Ty};

pub(crate) fn s(v: impl Into<String>) -> Value {
    Value::Str(v.into().into_boxed_str())
}

fn opt_s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, s)
}

pub(crate) fn cols(spec: &[(&str, DataType)]) -> Vec<ColumnDef> {
    spec.iter().map(|(n, t)| ColumnDef::tag(*n, *t)).collect()
}

pub(crate) fn result(v: Virtual) -> QueryResult {
    let names = v.columns.iter().map(|c| c.name.clone()).collect();
    let types = v.columns.iter().map(|c| c.dt).collect();
    let rows: Vec<Vec<Value>> = (0..v.data.len())
        .map(|r| v.data.cols.iter().map(|c| c.get(r)).collect())
        .collect();
    block::build(names, types, &rows, Precision::Millisecond)
}

fn sorted_dbs(cat: &Catalog) -> Vec<&Database> {
    let mut dbs: Vec<&Database> = cat.dbs.values().collect();
    dbs.sort_by(|a, b| a.name.cmp(&b.name));
    dbs
}

fn sorted_tables(db: &Database) -> Vec<&Table> {
    let mut t: Vec<&Table> = db.tables.values().collect();
    t.sort_by(|a, b| a.name.cmp(&b.name));
    t
}

fn precision_name(p: Precision) -> &'static str {
    match p {
        Precision::Millisecond => "ms",
        Precision::Microsecond => "us",
        Precision::Nanosecond => "ns",
    }
}

/// An information_schema table by name.
pub fn info_table(cat: &Catalog, _session: &Session, name: &str) -> Result<Virtual, TdError> {
    match name {
        "ins_databases" => Ok(ins_databases(cat)),
        "ins_stables" => Ok(ins_stables(cat)),
        "ins_tables" => Ok(ins_tables(cat)),
        "ins_tags" => Ok(ins_tags(cat)),
        "ins_topics" => Ok(ins_topics(cat)),
        "ins_columns" => Ok(ins_columns(cat)),
        _ => Err(table_not_exist()),
    }
}

fn ins_databases(cat: &Catalog) -> Virtual {
    let i = dt(Ty::Int);
    let columns = cols(&[
        ("name", varchar(64)),
        ("create_time", dt(Ty::Timestamp)),
        ("vgroups", dt(Ty::SmallInt)),
        ("ntables", dt(Ty::BigInt)),
        ("replica", dt(Ty::TinyInt)),
        ("strict", varchar(4)),
        ("duration", varchar(10)),
        ("keep", varchar(32)),
        ("buffer", i),
        ("pagesize", i),
        ("pages", i),
        ("minrows", i),
        ("maxrows", i),
        ("comp", dt(Ty::TinyInt)),
        ("precision", varchar(2)),
        ("status", varchar(10)),
        ("retentions", varchar(60)),
        ("single_stable", dt(Ty::Bool)),
        ("cachemodel", varchar(11)),
        ("cachesize", i),
        ("wal_level", dt(Ty::TinyInt)),
        ("wal_fsync_period", i),
        ("wal_retention_period", i),
        ("wal_retention_size", dt(Ty::BigInt)),
        ("stt_trigger", dt(Ty::SmallInt)),
        ("table_prefix", dt(Ty::SmallInt)),
        ("table_suffix", dt(Ty::SmallInt)),
        ("tsdb_pagesize", i),
        ("keep_time_offset", i),
    ]);
    let mut rows = Vec::new();
    for sys in ["information_schema", "performance_schema"] {
        let mut r = vec![Value::Null; columns.len()];
        r[0] = s(sys);
        r[15] = s("ready");
        rows.push(r);
    }
    for db in sorted_dbs(cat) {
        let o = &db.options;
        let keep = o
            .keep
            .iter()
            .map(|k| format!("{k}m"))
            .collect::<Vec<_>>()
            .join(",");
        rows.push(vec![
            s(&db.name),
            Value::Int(db.create_time),
            Value::Int(o.vgroups),
            Value::Int(db.tables.len() as i64),
            Value::Int(o.replica),
            s("off"),
            s(format!("{}m", o.duration)),
            s(keep),
            Value::Int(o.buffer),
            Value::Int(o.pagesize),
            Value::Int(o.pages),
            Value::Int(o.minrows),
            Value::Int(o.maxrows),
            Value::Int(o.comp),
            s(precision_name(db.precision)),
            s("ready"),
            Value::Null,
            Value::Bool(o.single_stable),
            s(&o.cachemodel),
            Value::Int(o.cachesize),
            Value::Int(o.wal_level),
            Value::Int(o.wal_fsync_period),
            Value::Int(o.wal_retention_period),
            Value::Int(o.wal_retention_size),
            Value::Int(o.stt_trigger),
            Value::Int(o.table_prefix),
            Value::Int(o.table_suffix),
            Value::Int(o.tsdb_pagesize),
            Value::Int(o.keep_time_offset),
        ]);
    }
    Virtual::new(columns, rows)
}

fn ins_stables(cat: &Catalog) -> Virtual {
    let columns = cols(&[
        ("stable_name", varchar(192)),
        ("db_name", varchar(64)),
        ("create_time", dt(Ty::Timestamp)),
        ("columns", dt(Ty::Int)),
        ("tags", dt(Ty::Int)),
        ("last_update", dt(Ty::Timestamp)),
        ("table_comment", varchar(1024)),
        ("watermark", varchar(64)),
        ("max_delay", varchar(64)),
        ("rollup", varchar(128)),
    ]);
    let mut rows = Vec::new();
    for db in sorted_dbs(cat) {
        let mut st: Vec<_> = db.stables.values().collect();
        st.sort_by(|a, b| a.name.cmp(&b.name));
        for t in st {
            rows.push(vec![
                s(&t.name),
                s(&db.name),
                Value::Int(t.create_time),
                Value::Int(t.columns.len() as i64),
                Value::Int(t.tags.len() as i64),
                Value::Int(t.create_time),
                opt_s(t.comment.as_deref()),
                s("5000a,5000a"),
                s("-1a,-1a"),
                s(""),
            ]);
        }
    }
    Virtual::new(columns, rows)
}

fn ins_tables(cat: &Catalog) -> Virtual {
    let columns = cols(&[
        ("table_name", varchar(192)),
        ("db_name", varchar(64)),
        ("create_time", dt(Ty::Timestamp)),
        ("columns", dt(Ty::Int)),
        ("stable_name", varchar(192)),
        ("uid", dt(Ty::BigInt)),
        ("vgroup_id", dt(Ty::Int)),
        ("ttl", dt(Ty::Int)),
        ("table_comment", varchar(1024)),
        ("type", varchar(21)),
    ]);
    let mut rows = Vec::new();
    for db in sorted_dbs(cat) {
        for t in sorted_tables(db) {
            let (stable, kind) = match &t.kind {
                TableKind::Child { stable, .. } => (Some(stable.as_str()), "CHILD_TABLE"),
                TableKind::Normal { .. } => (None, "NORMAL_TABLE"),
            };
            rows.push(vec![
                s(&t.name),
                s(&db.name),
                Value::Int(t.create_time),
                Value::Int(db.columns_of(t).len() as i64),
                opt_s(stable),
                Value::Int(t.uid),
                Value::Int(i64::from(super::tmq::vgroup_id(super::tmq::vgroup_index(
                    &t.name,
                    db.options.vgroups as usize,
                )))),
                Value::Int(0),
                opt_s(t.comment.as_deref()),
                s(kind),
            ]);
        }
    }
    Virtual::new(columns, rows)
}

fn ins_topics(cat: &Catalog) -> Virtual {
    let columns = cols(&[
        ("topic_name", varchar(192)),
        ("db_name", varchar(64)),
        ("create_time", dt(Ty::Timestamp)),
        ("sql", varchar(16384)),
        ("schema", varchar(16384)),
        ("meta", varchar(4)),
        ("type", varchar(8)),
    ]);
    let rows = super::tmq::topics_of(cat)
        .into_iter()
        .map(|t| {
            vec![
                s(&t.name),
                s(&t.db),
                Value::Int(t.create_time),
                s(&t.sql),
                opt_s(t.schema_json().as_deref()),
                s(if t.with_meta { "yes" } else { "no" }),
                s(t.type_name()),
            ]
        })
        .collect();
    Virtual::new(columns, rows)
}

fn tag_rows(db: &Database, t: &Table, rows: &mut Vec<Vec<Value>>) {
    let TableKind::Child { stable, tags } = &t.kind else {
        return;
    };
    let Some(st) = db.stables.get(stable) else {
        return;
    };
    for (def, v) in st.tags.iter().zip(tags) {
        rows.push(vec![
            s(&t.name),
            s(&db.name),
            s(stable),
            s(&def.name),
            s(full_type_name(def.dt)),
            opt_s(v.to_text().as_deref()),
        ]);
    }
}

fn tag_columns() -> Vec<ColumnDef> {
    cols(&[
        ("table_name", varchar(192)),
        ("db_name", varchar(64)),
        ("stable_name", varchar(192)),
        ("tag_name", varchar(64)),
        ("tag_type", varchar(64)),
        ("tag_value", varchar(16384)),
    ])
}

fn ins_tags(cat: &Catalog) -> Virtual {
    let mut rows = Vec::new();
    for db in sorted_dbs(cat) {
        for t in sorted_tables(db) {
            tag_rows(db, t, &mut rows);
        }
    }
    Virtual::new(tag_columns(), rows)
}

fn ins_columns(cat: &Catalog) -> Virtual {
    let columns = cols(&[
        ("table_name", varchar(192)),
        ("db_name", varchar(64)),
        ("table_type", varchar(21)),
        ("col_name", varchar(64)),
        ("col_type", varchar(32)),
        ("col_length", dt(Ty::Int)),
        ("col_precision", dt(Ty::Int)),
        ("col_scale", dt(Ty::Int)),
        ("col_nullable", dt(Ty::Int)),
    ]);
    let mut rows = Vec::new();
    let mut push = |table: &str, db: &str, kind: &str, defs: &[ColumnDef]| {
        for c in defs {
            rows.push(vec![
                s(table),
                s(db),
                s(kind),
                s(&c.name),
                s(full_type_name(c.dt)),
                Value::Int(schema_bytes(c.dt) as i64),
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
            ]);
        }
    };
    for db in sorted_dbs(cat) {
        let mut st: Vec<_> = db.stables.values().collect();
        st.sort_by(|a, b| a.name.cmp(&b.name));
        for t in st {
            push(&t.name, &db.name, "SUPER_TABLE", &t.columns);
        }
        for t in sorted_tables(db) {
            let kind = match t.kind {
                TableKind::Child { .. } => "CHILD_TABLE",
                TableKind::Normal { .. } => "NORMAL_TABLE",
            };
            push(&t.name, &db.name, kind, db.columns_of(t));
        }
    }
    Virtual::new(columns, rows)
}

/// `DESCRIBE [db.]tb`.
pub fn describe(
    cat: &Catalog,
    session: &Session,
    name: &TableName,
) -> Result<QueryResult, TdError> {
    let dbn = db_of(session, name)?;
    let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
    let (columns, tags): (&[ColumnDef], &[ColumnDef]) = if let Some(st) = db.stables.get(&name.name)
    {
        (&st.columns, &st.tags)
    } else {
        let t = db.tables.get(&name.name).ok_or_else(table_not_exist)?;
        let tags = match &t.kind {
            TableKind::Child { stable, .. } => db.stables.get(stable).map_or(&[][..], |s| &s.tags),
            TableKind::Normal { .. } => &[],
        };
        (db.columns_of(t), tags)
    };
    let header = cols(&[
        ("field", varchar(64)),
        ("type", varchar(20)),
        ("length", dt(Ty::Int)),
        ("note", varchar(16)),
        ("encode", varchar(12)),
        ("compress", varchar(12)),
        ("level", varchar(12)),
    ]);
    let mut rows = Vec::new();
    for c in columns {
        rows.push(vec![
            s(&c.name),
            s(type_name(c.dt.ty)),
            Value::Int(describe_length(c.dt) as i64),
            s(if c.primary_key { "COMPOSITE KEY" } else { "" }),
            s(&c.encode),
            s(&c.compress),
            s(&c.level),
        ]);
    }
    for t in tags {
        rows.push(vec![
            s(&t.name),
            s(type_name(t.dt.ty)),
            Value::Int(describe_length(t.dt) as i64),
            s("TAG"),
            s("disabled"),
            s("disabled"),
            s("disabled"),
        ]);
    }
    Ok(result(Virtual::new(header, rows)))
}

fn like(p: &Option<String>) -> impl Fn(&str) -> bool {
    let pat = p.as_deref().map(Pattern::new);
    move |name| pat.as_ref().map_or(true, |p| p.matches(name))
}

fn column_list(defs: &[ColumnDef], compression: bool) -> String {
    defs.iter()
        .map(|c| {
            let mut d = format!("`{}` {}", c.name, full_type_name(c.dt));
            if c.primary_key {
                d.push_str(" COMPOSITE KEY");
            }
            if compression {
                d.push_str(&format!(
                    " ENCODE '{}' COMPRESS '{}' LEVEL '{}'",
                    c.encode, c.compress, c.level
                ));
            }
            d
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn tag_literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Str(t) => format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\"")),
        v => v.to_text().unwrap_or_default(),
    }
}

fn create_database(db: &Database) -> String {
    let o = &db.options;
    format!(
        "CREATE DATABASE `{}` BUFFER {} CACHESIZE {} CACHEMODEL '{}' COMP {} DURATION {}m \
         WAL_FSYNC_PERIOD {} MAXROWS {} MINROWS {} STT_TRIGGER {} KEEP {}m,{}m,{}m PAGES {} \
         PAGESIZE {} PRECISION '{}' REPLICA {} WAL_LEVEL {} VGROUPS {} SINGLE_STABLE {} \
         TABLE_PREFIX {} TABLE_SUFFIX {} TSDB_PAGESIZE {} WAL_RETENTION_PERIOD {} \
         WAL_RETENTION_SIZE {} KEEP_TIME_OFFSET {}",
        db.name,
        o.buffer,
        o.cachesize,
        o.cachemodel,
        o.comp,
        o.duration,
        o.wal_fsync_period,
        o.maxrows,
        o.minrows,
        o.stt_trigger,
        o.keep[0],
        o.keep[1],
        o.keep[2],
        o.pages,
        o.pagesize,
        precision_name(db.precision),
        o.replica,
        o.wal_level,
        o.vgroups,
        o.single_stable as i32,
        o.table_prefix,
        o.table_suffix,
        o.tsdb_pagesize,
        o.wal_retention_period,
        o.wal_retention_size,
        o.keep_time_offset
    )
}

/// SHOW statements.
pub fn show(cat: &Catalog, session: &Session, what: &Show) -> Result<QueryResult, TdError> {
    let db_named = |d: &Option<String>| -> Result<&Database, TdError> {
        let n = d
            .clone()
            .or_else(|| session.database.clone())
            .ok_or_else(super::error::db_not_specified)?;
        cat.dbs.get(&n).ok_or_else(db_not_exist)
    };
    match what {
        Show::Databases => Ok(result(ins_databases(cat))),
        Show::Topics => {
            let rows = super::tmq::topics_of(cat)
                .into_iter()
                .map(|t| vec![s(&t.name)])
                .collect();
            Ok(result(Virtual::new(
                cols(&[("topic_name", varchar(192))]),
                rows,
            )))
        }
        // The engine answers these from its consumer groups.
        Show::Consumers | Show::Subscriptions => Err(super::error::unsupported("SHOW")),
        Show::Stables(d, p) => {
            let db = db_named(d)?;
            let keep = like(p);
            let mut names: Vec<&String> = db.stables.keys().filter(|n| keep(n)).collect();
            names.sort();
            let rows = names.into_iter().map(|n| vec![s(n)]).collect();
            Ok(result(Virtual::new(
                cols(&[("stable_name", varchar(192))]),
                rows,
            )))
        }
        Show::Tables(d, p) => {
            let db = db_named(d)?;
            let keep = like(p);
            let mut names: Vec<&String> = db.tables.keys().filter(|n| keep(n)).collect();
            names.sort();
            let rows = names.into_iter().map(|n| vec![s(n)]).collect();
            Ok(result(Virtual::new(
                cols(&[("table_name", varchar(192))]),
                rows,
            )))
        }
        Show::Tags(name) => {
            let dbn = db_of(session, name)?;
            let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
            let t = db.tables.get(&name.name).ok_or_else(table_not_exist)?;
            let mut rows = Vec::new();
            tag_rows(db, t, &mut rows);
            Ok(result(Virtual::new(tag_columns(), rows)))
        }
        Show::TableTags(name) => {
            let dbn = db_of(session, name)?;
            let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
            let st = db.stables.get(&name.name).ok_or_else(table_not_exist)?;
            let mut header = vec![ColumnDef::tag("tbname", varchar(192))];
            header.extend(st.tags.iter().cloned());
            let mut rows = Vec::new();
            for child in &st.children {
                if let Some(Table {
                    kind: TableKind::Child { tags, .. },
                    ..
                }) = db.tables.get(child)
                {
                    let mut r = vec![s(child)];
                    r.extend(tags.iter().cloned());
                    rows.push(r);
                }
            }
            Ok(result(Virtual::new(header, rows)))
        }
        Show::CreateDatabase(name) => {
            let db = cat.dbs.get(name).ok_or_else(db_not_exist)?;
            let rows = vec![vec![s(name), s(create_database(db))]];
            let header = cols(&[
                ("Database", varchar(64)),
                ("Create Database", varchar(10240)),
            ]);
            Ok(result(Virtual::new(header, rows)))
        }
        Show::CreateTable(name, stable) => {
            let dbn = db_of(session, name)?;
            let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
            let text = match (db.stables.get(&name.name), stable) {
                (Some(st), _) => format!(
                    "CREATE STABLE `{}` ({}) TAGS ({})",
                    st.name,
                    column_list(&st.columns, true),
                    column_list(&st.tags, false)
                ),
                (None, true) => return Err(super::error::stable_not_exist()),
                (None, false) => {
                    let t = db.tables.get(&name.name).ok_or_else(table_not_exist)?;
                    match &t.kind {
                        TableKind::Normal { columns } => {
                            format!("CREATE TABLE `{}` ({})", t.name, column_list(columns, true))
                        }
                        TableKind::Child { stable, tags } => {
                            let defs = db.stables.get(stable).map_or(&[][..], |s| &s.tags);
                            let names: Vec<String> =
                                defs.iter().map(|d| format!("`{}`", d.name)).collect();
                            let vals: Vec<String> = tags.iter().map(tag_literal).collect();
                            format!(
                                "CREATE TABLE `{}` USING `{}` ({}) TAGS ({})",
                                t.name,
                                stable,
                                names.join(", "),
                                vals.join(", ")
                            )
                        }
                    }
                }
            };
            let rows = vec![vec![s(&name.name), s(text)]];
            let header = cols(&[("Table", varchar(192)), ("Create Table", varchar(65535))]);
            Ok(result(Virtual::new(header, rows)))
        }
    }
}
