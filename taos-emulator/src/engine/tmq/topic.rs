//! Topics: what each one delivers of a write, checked at CREATE TOPIC.

use super::super::block;
use super::super::catalog::{Catalog, ColumnDef, Database, Table, TableKind};
use super::super::error::{db_not_exist, db_not_specified, table_not_exist};
use super::super::query::{self, Relation, Segment};
use super::super::storage::TableData;
use crate::api::{QueryResult, Session, TdError};
use crate::sql::ast::{Select, SelectItem, TableName, TopicSource};

/// `Invalid topic query`: aggregates, windows, ordering or limits.
pub(crate) fn invalid_topic_query() -> TdError {
    TdError::new(0x2639, "Invalid topic query")
}

/// `Topic already exists`.
pub(crate) fn topic_exists() -> TdError {
    TdError::new(0x03E0, "Topic already exists")
}

/// `Topic not exist`.
pub(crate) fn topic_not_exist() -> TdError {
    TdError::new(0x03E1, "Topic not exist")
}

/// A topic as the catalog keeps it.
#[derive(Debug, Clone)]
pub struct Topic {
    /// Name (topics are global, not per database).
    pub name: String,
    /// The database it reads.
    pub db: String,
    /// The statement that created it.
    pub sql: String,
    /// Creation time (ms).
    pub create_time: i64,
    /// `WITH META`.
    pub with_meta: bool,
    /// What it reads.
    pub kind: TopicKind,
}

/// What a topic reads of each write.
#[derive(Debug, Clone)]
pub enum TopicKind {
    /// `AS SELECT`: the query over the rows of its table.
    Column {
        /// Super, child or normal table the query reads.
        table: String,
        /// The query.
        select: Box<Select>,
        /// Result column names and types (`ins_topics.schema`).
        schema: Vec<(String, crate::sql::ast::DataType)>,
    },
    /// `AS STABLE`: the columns of the super table's children whose tags
    /// match.
    Stable {
        /// The super table.
        stable: String,
        /// `SELECT *` with the tag condition.
        select: Box<Select>,
        /// Its columns (`ins_topics.schema`).
        schema: Vec<(String, crate::sql::ast::DataType)>,
    },
    /// `AS DATABASE`: the columns of every table.
    Database,
}

impl Topic {
    /// Checks a CREATE TOPIC against the catalog and builds the topic.
    pub(crate) fn create(
        cat: &Catalog,
        session: &Session,
        name: &str,
        with_meta: bool,
        source: &TopicSource,
        sql: &str,
        create_time: i64,
    ) -> Result<Topic, TdError> {
        let db_name = |t: &TableName| {
            t.db.clone()
                .or_else(|| session.database.clone())
                .ok_or_else(db_not_specified)
        };
        let (db, kind) = match source {
            TopicSource::Database(db) => {
                cat.dbs.get(db).ok_or_else(db_not_exist)?;
                (db.clone(), TopicKind::Database)
            }
            TopicSource::Query(select) => {
                let from = match (&select.from, &select.from_query) {
                    (Some(from), None) => from,
                    _ => return Err(invalid_topic_query()),
                };
                if !plain_projection(select) {
                    return Err(invalid_topic_query());
                }
                let dbn = db_name(from)?;
                let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
                let schema = schema_of(db, &from.name, select, session)?;
                let mut select = select.clone();
                // The topic reads one table's rows at a time, by name.
                select.from = Some(TableName {
                    db: Some(dbn.clone()),
                    name: from.name.clone(),
                });
                let kind = TopicKind::Column {
                    table: from.name.clone(),
                    select,
                    schema,
                };
                (dbn, kind)
            }
            TopicSource::Stable { table, filter } => {
                let dbn = db_name(table)?;
                let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
                if !db.stables.contains_key(&table.name) {
                    return Err(table_not_exist());
                }
                let mut select = crate::sql::parse_select("select * from t")?;
                select.filter = filter.clone();
                let schema = schema_of(db, &table.name, &select, session)?;
                let kind = TopicKind::Stable {
                    stable: table.name.clone(),
                    select: Box::new(select),
                    schema,
                };
                (dbn, kind)
            }
        };
        Ok(Topic {
            name: name.to_string(),
            db,
            sql: sql.to_string(),
            create_time,
            with_meta,
            kind,
        })
    }

    /// `ins_topics.type`.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            TopicKind::Column { .. } => "column",
            TopicKind::Stable { .. } => "stable",
            TopicKind::Database => "db",
        }
    }

    /// `ins_topics.schema`: the columns as JSON, NULL for a database topic.
    pub fn schema_json(&self) -> Option<String> {
        let schema = match &self.kind {
            TopicKind::Column { schema, .. } | TopicKind::Stable { schema, .. } => schema,
            TopicKind::Database => return None,
        };
        let cols: Vec<serde_json::Value> = schema
            .iter()
            .map(|(name, dt)| {
                serde_json::json!({
                    "name": name,
                    "type": super::super::value::type_name(dt.ty),
                    "length": super::super::value::schema_bytes(*dt),
                })
            })
            .collect();
        Some(serde_json::Value::Array(cols).to_string())
    }

    /// What the topic delivers of `rows`, just written to `table` of `db`:
    /// `None` when the table is not the topic's or no row matches.
    pub(crate) fn deliver(
        &self,
        db: &Database,
        table: &Table,
        rows: &TableData,
    ) -> Result<Option<QueryResult>, TdError> {
        let stable = match &table.kind {
            TableKind::Child { stable, .. } => Some(stable.as_str()),
            TableKind::Normal { .. } => None,
        };
        let (select, star_tags, from) = match &self.kind {
            TopicKind::Column {
                table: from,
                select,
                ..
            } => {
                let is_stable = db.stables.contains_key(from);
                let reads = if is_stable {
                    stable == Some(from.as_str())
                } else {
                    &table.name == from
                };
                if !reads {
                    return Ok(None);
                }
                (Some(&**select), is_stable, from.as_str())
            }
            TopicKind::Stable {
                stable: from,
                select,
                ..
            } => {
                if stable != Some(from.as_str()) {
                    return Ok(None);
                }
                (Some(&**select), false, from.as_str())
            }
            TopicKind::Database => (None, false, table.name.as_str()),
        };
        let rel = relation(db, table, rows, star_tags, from);
        let session = Session {
            database: Some(db.name.clone()),
        };
        let out = match select {
            Some(select) => query::select_relation(&rel, select, &session)?,
            None => {
                let all = crate::sql::parse_select("select * from t")?;
                query::select_relation(&rel, &all, &session)?
            }
        };
        if out.rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(block::build(
            out.names,
            out.types,
            &out.rows,
            out.precision,
        )))
    }
}

/// A query a topic may be: a projection with a condition, nothing that
/// needs more than one row at a time.
fn plain_projection(s: &Select) -> bool {
    let aggregates = s.items.iter().any(|i| match i {
        SelectItem::Expr { expr, .. } => query::has_aggregate(expr),
        SelectItem::Star | SelectItem::QualifiedStar(_) => false,
    });
    !aggregates
        && !s.distinct
        && s.window.is_none()
        && s.group_by.is_empty()
        && s.having.is_none()
        && s.partition_by.is_empty()
        && s.order_by.is_empty()
        && s.limit.is_none()
        && s.slimit.is_none()
        && s.offset == 0
}

/// The result columns of `select` over table `name` of `db`, found by
/// running it over no rows: an unknown column fails here, at CREATE TOPIC.
fn schema_of(
    db: &Database,
    name: &str,
    select: &Select,
    session: &Session,
) -> Result<Vec<(String, crate::sql::ast::DataType)>, TdError> {
    let (columns, tags, star_tags): (&[ColumnDef], &[ColumnDef], bool) =
        match (db.stables.get(name), db.tables.get(name)) {
            (Some(st), _) => (&st.columns, &st.tags, true),
            (None, Some(t)) => {
                let tags = match &t.kind {
                    TableKind::Child { stable, .. } => {
                        db.stables.get(stable).map_or(&[][..], |s| &s.tags)
                    }
                    TableKind::Normal { .. } => &[],
                };
                (db.columns_of(t), tags, false)
            }
            (None, None) => return Err(table_not_exist()),
        };
    let empty = TableData::new(columns.iter().skip(1).map(|c| c.dt.ty));
    let rel = Relation {
        columns,
        has_ts: true,
        has_tbname: true,
        tags,
        star_tags,
        segments: vec![Segment {
            data: &empty,
            tags: &[],
            tbname: "",
        }],
        precision: db.precision,
        names: vec![name.to_string()],
    };
    let mut session = session.clone();
    session.database = Some(db.name.clone());
    let out = query::select_relation(&rel, select, &session)?;
    Ok(out.names.into_iter().zip(out.types).collect())
}

/// One table's written rows as the relation a topic's query scans.
fn relation<'a>(
    db: &'a Database,
    table: &'a Table,
    rows: &'a TableData,
    star_tags: bool,
    from: &str,
) -> Relation<'a> {
    let (tag_defs, tags): (&[ColumnDef], &[super::super::value::Value]) = match &table.kind {
        TableKind::Child { stable, tags } => {
            (db.stables.get(stable).map_or(&[][..], |s| &s.tags), tags)
        }
        TableKind::Normal { .. } => (&[], &[]),
    };
    Relation {
        columns: db.columns_of(table),
        has_ts: true,
        has_tbname: true,
        tags: tag_defs,
        star_tags,
        segments: vec![Segment {
            data: rows,
            tags,
            tbname: &table.name,
        }],
        precision: db.precision,
        names: vec![from.to_string()],
    }
}
