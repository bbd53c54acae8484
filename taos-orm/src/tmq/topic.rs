//! Topics: what a consumer subscribes to, created from the typed layer,
//! and the server's lists of topics, consumers and subscriptions.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use taos::taos_query::common::Precision;

use crate::error::{Error, Result};
use crate::query::{Query, TdColumns};
use crate::schema::TableKind;
use crate::sql::{write_ident, write_table_ref, NameKind};
use crate::{TdRow, TdTable};

type RenderQuery = dyn Fn(&str, Precision) -> Result<String> + Send + Sync;

/// A topic to create with [`Database::create_topic`](crate::Database::create_topic):
/// a typed query, a super table or a whole database.
///
/// Topic names are global (not per database) and never qualified.
///
/// ```
/// use taos_orm::tmq::Topic;
/// # use taos_orm::TdTable;
/// # #[derive(TdTable)]
/// # #[taos(stable = "meters", child = "d{device}")]
/// # struct Meter { #[taos(ts)] ts: i64, voltage: i32, #[taos(tag)] device: i32 }
///
/// let high = Topic::query("high_voltage", Meter::query().filter(|m| m.voltage.gt(230)));
/// assert_eq!(
///     high.create_sql("power", taos_orm::Precision::Millisecond)?,
///     "CREATE TOPIC IF NOT EXISTS `high_voltage` AS SELECT `ts`, `voltage`, `device`, tbname \
///      FROM `power`.`meters` WHERE `voltage` > 230"
/// );
/// let all = Topic::stable::<Meter>("meters_all");
/// assert_eq!(
///     all.create_sql("power", taos_orm::Precision::Millisecond)?,
///     "CREATE TOPIC IF NOT EXISTS `meters_all` AS STABLE `power`.`meters`"
/// );
/// # Ok::<(), taos_orm::Error>(())
/// ```
#[derive(Clone)]
pub struct Topic {
    name: String,
    source: Source,
}

#[derive(Clone)]
enum Source {
    Query(Arc<RenderQuery>),
    Stable(&'static str, TableKind),
    Database,
}

impl std::fmt::Debug for Topic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::Query(_) => "query".to_owned(),
            Source::Stable(table, _) => format!("stable {table}"),
            Source::Database => "database".to_owned(),
        };
        f.debug_struct("Topic")
            .field("name", &self.name)
            .field("source", &source)
            .finish()
    }
}

impl Topic {
    /// A topic of the rows `query` selects (`CREATE TOPIC … AS SELECT`):
    /// its columns, tags and `tbname` as `T` reads them, only the rows its
    /// filter passes.
    ///
    /// Windows and GROUP BY do not fit a topic and do not compile here;
    /// aggregates, PARTITION BY, ORDER BY and LIMIT are refused by
    /// [`Topic::create_sql`] (as TDengine refuses them, 0x2639).
    pub fn query(name: impl Into<String>, query: impl TopicQuery) -> Self {
        Topic {
            name: name.into(),
            source: Source::Query(query.into_render()),
        }
    }

    /// A topic of every row of `T`'s super table (`CREATE TOPIC … AS
    /// STABLE`), following the table's schema changes.
    ///
    /// Its messages carry the data columns only, without tags or `tbname`
    /// (as TDengine sends them): read them into a struct of the columns
    /// (`#[derive(TdRow)]`). For `T` itself, with its tags, use
    /// `Topic::query(name, T::query())`.
    pub fn stable<T: TdTable>(name: impl Into<String>) -> Self {
        Topic {
            name: name.into(),
            source: Source::Stable(T::SCHEMA.name, T::SCHEMA.kind),
        }
    }

    /// A topic of every table of the database (`CREATE TOPIC … AS DATABASE`).
    pub fn database(name: impl Into<String>) -> Self {
        Topic {
            name: name.into(),
            source: Source::Database,
        }
    }

    /// The topic's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `CREATE TOPIC IF NOT EXISTS` statement over database `database`
    /// at `precision`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a bad name, a query a topic cannot
    /// have, or an `AS STABLE` topic of a normal table.
    pub fn create_sql(&self, database: &str, precision: Precision) -> Result<String> {
        let mut sql = String::from("CREATE TOPIC IF NOT EXISTS ");
        write_ident(&mut sql, &self.name, NameKind::Topic)?;
        sql.push_str(" AS ");
        match &self.source {
            Source::Query(render) => sql.push_str(&render(database, precision)?),
            Source::Stable(table, TableKind::Normal) => {
                return Err(Error::InvalidArgument(format!(
                    "`{table}` is a normal table: an AS STABLE topic needs a super table \
                     (a topic of a normal table is a Topic::query)"
                )))
            }
            Source::Stable(table, TableKind::Super) => {
                sql.push_str("STABLE ");
                write_table_ref(&mut sql, Some(database), table)?;
            }
            Source::Database => {
                sql.push_str("DATABASE ");
                write_ident(&mut sql, database, NameKind::Database)?;
            }
        }
        Ok(sql)
    }
}

/// A typed query a topic can stream: a [`Query`] without a window or
/// GROUP BY (`T::query().filter(...)`, `.select(...)`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a topic's query: a topic delivers rows as they are written",
    label = "a windowed or grouped query",
    note = "a topic takes `T::query()` with `filter` and `select` only; aggregate on the consumer's side"
)]
pub trait TopicQuery: sealed::Sealed {
    #[doc(hidden)]
    fn into_render(self) -> Arc<RenderQuery>;
}

impl<T: TdColumns + 'static> TopicQuery for Query<T> {
    fn into_render(self) -> Arc<RenderQuery> {
        Arc::new(move |db, precision| {
            if let Some(problem) = self.topic_problem() {
                return Err(Error::InvalidArgument(problem));
            }
            self.to_sql(Some(db), precision)
        })
    }
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for crate::query::Query<T> {}
}

/// `DROP TOPIC IF EXISTS`, with FORCE (before the name) when `force`.
pub(crate) fn drop_sql(name: &str, force: bool) -> Result<String> {
    let mut sql = String::from("DROP TOPIC IF EXISTS ");
    if force {
        sql.push_str("FORCE ");
    }
    write_ident(&mut sql, name, NameKind::Topic)?;
    Ok(sql)
}

/// The topics of database `database`.
pub(crate) fn topics_sql(database: &str) -> Result<String> {
    crate::sql::check_ident(database, NameKind::Database)?;
    let mut sql = String::from(
        "SELECT topic_name, db_name, create_time, `sql`, `type` \
         FROM information_schema.ins_topics WHERE db_name = ",
    );
    crate::sql::write_quoted(&mut sql, &database.to_ascii_lowercase())
        .map_err(|e| Error::InvalidArgument(format!("database name {database:?}: {e}")))?;
    Ok(sql)
}

/// `SHOW CONSUMERS`.
pub(crate) const CONSUMERS_SQL: &str = "SHOW CONSUMERS";
/// `SHOW SUBSCRIPTIONS`.
pub(crate) const SUBSCRIPTIONS_SQL: &str = "SHOW SUBSCRIPTIONS";

/// A topic, as `information_schema.ins_topics` lists it.
#[derive(Debug, Clone, PartialEq, Eq, TdRow)]
pub struct TopicInfo {
    /// The topic's name.
    #[taos(rename = "topic_name")]
    pub name: String,
    /// The database it reads.
    #[taos(rename = "db_name")]
    pub database: String,
    /// When it was created.
    pub create_time: DateTime<Utc>,
    /// The statement it was created with.
    pub sql: String,
    /// `column` (a query), `stable` or `db`.
    #[taos(rename = "type")]
    pub kind: String,
}

/// A consumer of the cluster, as `SHOW CONSUMERS` lists it (a row per
/// consumer and topic).
#[derive(Debug, Clone, PartialEq, Eq, TdRow)]
pub struct ConsumerInfo {
    /// The consumer's id.
    pub consumer_id: String,
    /// Its group.
    #[taos(rename = "consumer_group")]
    pub group: String,
    /// Its client id.
    pub client_id: String,
    /// `ready`, `rebalancing`, `lost`, …
    pub status: String,
    /// The topic it subscribes to.
    #[taos(rename = "topics")]
    pub topic: String,
}

/// A vgroup of a topic as a group consumes it, as `SHOW SUBSCRIPTIONS`
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq, TdRow)]
pub struct SubscriptionInfo {
    /// The topic.
    #[taos(rename = "topic_name")]
    pub topic: String,
    /// The group.
    #[taos(rename = "consumer_group")]
    pub group: String,
    /// The vgroup.
    pub vgroup_id: i32,
    /// The consumer it is assigned to; `None` when none is.
    pub consumer_id: Option<String>,
    /// The committed offset as the server shows it (`wal:5/5`, empty
    /// before the first commit).
    pub offset: Option<String>,
    /// Rows consumed; `None` before the server has counted any.
    pub rows: Option<i64>,
}
