//! TMQ: topics, the write log they read, and consumer groups with their
//! offsets, as TDengine's vnodes and mnode keep them.
//!
//! Every write appends, per table, an entry to its vgroup's log (see
//! [`wal`]); a topic turns an entry into the rows it delivers by running
//! its query over just those rows ([`Topic::deliver`]); a consumer polls
//! the vgroups its group gave it, from its position, and a commit records
//! a position for the group. Offsets are log versions per vgroup, from 0.

mod group;
mod topic;
mod wal;

pub(crate) use topic::{topic_exists, topic_not_exist};
pub use topic::{Topic, TopicKind};
pub(crate) use wal::{vgroup_id, vgroup_index, vgroup_index_of};

use std::time::Duration;

use parking_lot::Mutex;

use super::catalog::Catalog;
use super::query::Virtual;
use super::value::{dt, varchar, Value};
use crate::api::{QueryResult, TdError};
use group::Groups;
use taos_query::common::{Precision, Ty};
use wal::Wal;

/// Where a consumer starts on a vgroup its group has committed nothing
/// for (`auto.offset.reset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reset {
    /// The oldest version kept.
    Earliest,
    /// Only what is written from now on (TDengine's default).
    Latest,
}

/// A consumer's subscription.
#[derive(Debug, Clone)]
pub struct SubscribeConf {
    /// `group.id`.
    pub group: String,
    /// `client.id`.
    pub client_id: String,
    /// `auto.offset.reset`.
    pub offset_reset: Reset,
    /// `enable.auto.commit`: each poll commits what earlier polls delivered.
    pub auto_commit: bool,
    /// The topics.
    pub topics: Vec<String>,
}

/// One message: a vgroup's rows that a topic delivers.
#[derive(Debug)]
pub struct Polled {
    /// The topic.
    pub topic: String,
    /// Its database.
    pub database: String,
    /// The vgroup id.
    pub vgroup_id: i32,
    /// The database's precision.
    pub precision: Precision,
    /// One result per table write, with the table's name.
    pub blocks: Vec<(String, QueryResult)>,
    /// The version after the message: committing it marks the message read.
    pub offset: i64,
}

/// The TMQ state of an engine, beside its catalog.
#[derive(Debug, Default)]
pub(crate) struct Tmq {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    wal: Wal,
    groups: Groups,
}

/// How long the log keeps an entry: the database's WAL_RETENTION_PERIOD,
/// at least an hour, so topics created later still read what was written.
fn retention(seconds: i64) -> Duration {
    Duration::from_secs(seconds.max(3600) as u64)
}

impl Tmq {
    /// Moves the writes a statement recorded in `cat.journal` to the log.
    pub fn log_writes(&self, cat: &mut Catalog) {
        if cat.journal.is_empty() {
            return;
        }
        let mut st = self.state.lock();
        for (db, table, ts) in std::mem::take(&mut cat.journal) {
            let Some(d) = cat.dbs.get(&db) else {
                continue;
            };
            let (vgroups, keep) = (
                d.options.vgroups as usize,
                retention(d.options.wal_retention_period),
            );
            // Values are kept only for a topic to read: a database without
            // one would hold every write twice for the retention period.
            let rows = cat
                .topics
                .values()
                .any(|t| t.db == db)
                .then(|| d.tables.get(&table).map(|t| t.data.rows_at(&ts)))
                .flatten();
            st.wal.append(&db, vgroups, table, ts, rows, keep);
        }
    }

    /// Forgets a dropped database's log.
    pub fn drop_database(&self, db: &str) {
        self.state.lock().wal.drop_database(db);
    }

    /// Whether a consumer subscribes to `topic` (it cannot be dropped).
    pub fn subscribed(&self, topic: &str) -> bool {
        self.state.lock().groups.subscribed(topic)
    }

    /// Forgets a dropped topic's subscriptions.
    pub fn drop_topic(&self, topic: &str) {
        self.state.lock().groups.drop_topic(topic);
    }

    /// Subscribes a new consumer; every topic must exist.
    pub fn subscribe(&self, cat: &Catalog, conf: SubscribeConf) -> Result<u64, TdError> {
        if conf.topics.iter().any(|t| !cat.topics.contains_key(t)) {
            return Err(topic_not_exist());
        }
        let st = &mut *self.state.lock();
        Ok(st.groups.subscribe(cat, &st.wal, conf))
    }

    /// Removes a consumer (unsubscribe, or its connection closing).
    pub fn leave(&self, cat: &Catalog, id: u64) {
        let st = &mut *self.state.lock();
        st.groups.leave(cat, &st.wal, id);
    }

    /// The next message for consumer `id`, if any vgroup has one.
    pub fn poll(&self, cat: &Catalog, id: u64) -> Result<Option<Polled>, TdError> {
        let st = &mut *self.state.lock();
        st.groups.poll(cat, &st.wal, id)
    }

    /// Commits `offset` of a topic's vgroup for consumer `id`'s group.
    pub fn commit(
        &self,
        cat: &Catalog,
        id: u64,
        topic: &str,
        vgroup: i32,
        offset: i64,
    ) -> Result<(), TdError> {
        let slot = slot(cat, topic, vgroup)?;
        self.state.lock().groups.commit(id, slot, offset)
    }

    /// Commits every position of consumer `id`.
    pub fn commit_all(&self, id: u64) {
        self.state.lock().groups.commit_all(id);
    }

    /// What consumer `id`'s group committed for a vgroup (`committed`),
    /// or where the consumer is on it (not `committed`).
    pub fn offset(
        &self,
        cat: &Catalog,
        id: u64,
        topic: &str,
        vgroup: i32,
        committed: bool,
    ) -> Result<Option<i64>, TdError> {
        let slot = slot(cat, topic, vgroup)?;
        let groups = &self.state.lock().groups;
        if committed {
            groups.committed(id, &slot)
        } else {
            groups.position(id, &slot)
        }
    }

    /// Moves consumer `id` on a vgroup.
    pub fn seek(
        &self,
        cat: &Catalog,
        id: u64,
        topic: &str,
        vgroup: i32,
        offset: i64,
    ) -> Result<(), TdError> {
        let slot = slot(cat, topic, vgroup)?;
        self.state.lock().groups.seek(id, slot, offset)
    }

    /// Consumer `id`'s vgroups of `topic`: (vgroup id, start, begin, end).
    pub fn assignment(
        &self,
        cat: &Catalog,
        id: u64,
        topic: &str,
    ) -> Result<Vec<(i32, i64, i64, i64)>, TdError> {
        let st = &*self.state.lock();
        let a = st.groups.assignment(cat, &st.wal, id, topic)?;
        Ok(a.into_iter()
            .map(|(v, start, begin, end)| (vgroup_id(v), start, begin, end))
            .collect())
    }

    /// `SHOW CONSUMERS`.
    pub fn show_consumers(&self) -> Virtual {
        let st = self.state.lock();
        let ts = || dt(Ty::Timestamp);
        let columns = [
            ("consumer_id", varchar(32)),
            ("consumer_group", varchar(192)),
            ("client_id", varchar(256)),
            ("user", varchar(24)),
            ("fqdn", varchar(128)),
            ("status", varchar(20)),
            ("topics", varchar(204)),
            ("up_time", ts()),
            ("subscribe_time", ts()),
            ("rebalance_time", ts()),
            ("parameters", varchar(64)),
            ("poll_time", ts()),
        ];
        let rows = st
            .groups
            .consumers
            .iter()
            .flat_map(|(id, c)| {
                let commit = u8::from(c.auto_commit);
                c.topics.iter().map(move |t| {
                    vec![
                        text(format!("{id:#x}")),
                        text(&c.group),
                        text(&c.client_id),
                        text("root"),
                        text("localhost"),
                        text("ready"),
                        text(t),
                        Value::Int(c.up_time),
                        Value::Int(c.up_time),
                        Value::Int(c.rebalance_time),
                        text(format!("tbname:1,commit:{commit},interval:5000ms")),
                        Value::Int(c.poll_time),
                    ]
                })
            })
            .collect();
        Virtual::new(super::meta::cols(&columns), rows)
    }

    /// `SHOW SUBSCRIPTIONS`: one row per topic, group and vgroup, with the
    /// consumer that owns it (NULL when only a commit is left).
    pub fn show_subscriptions(&self, cat: &Catalog) -> Virtual {
        let st = self.state.lock();
        let columns = [
            ("topic_name", varchar(192)),
            ("consumer_group", varchar(192)),
            ("vgroup_id", dt(Ty::Int)),
            ("consumer_id", varchar(32)),
            ("user", varchar(24)),
            ("fqdn", varchar(128)),
            ("offset", varchar(64)),
            ("rows", dt(Ty::BigInt)),
        ];
        let end = |topic: &str, v: usize| {
            let db = cat.topics.get(topic).map(|t| t.db.as_str()).unwrap_or("");
            st.wal.vgroup(db, v).map_or(0, |l| l.end())
        };
        let mut rows = Vec::new();
        for (id, c) in &st.groups.consumers {
            for ((topic, v), at) in &c.positions {
                rows.push(vec![
                    text(topic),
                    text(&c.group),
                    Value::Int(i64::from(vgroup_id(*v))),
                    text(format!("{id:#x}")),
                    text("root"),
                    text("localhost"),
                    text(format!("wal:{at}/{}", end(topic, *v))),
                    Value::Int(c.rows.get(&(topic.clone(), *v)).copied().unwrap_or(0) as i64),
                ]);
            }
        }
        for (group, committed) in &st.groups.committed {
            for ((topic, v), at) in committed {
                let owned =
                    st.groups.consumers.values().any(|c| {
                        &c.group == group && c.positions.contains_key(&(topic.clone(), *v))
                    });
                if !owned {
                    rows.push(vec![
                        text(topic),
                        text(group),
                        Value::Int(i64::from(vgroup_id(*v))),
                        Value::Null,
                        Value::Null,
                        Value::Null,
                        text(format!("wal:{at}/{}", end(topic, *v))),
                        Value::Int(0),
                    ]);
                }
            }
        }
        Virtual::new(super::meta::cols(&columns), rows)
    }
}

use super::meta::s as text;

/// A topic's vgroup by id.
fn slot(cat: &Catalog, topic: &str, vgroup: i32) -> Result<(String, usize), TdError> {
    let t = cat.topics.get(topic).ok_or_else(topic_not_exist)?;
    let vgroups = cat.dbs.get(&t.db).map_or(0, |d| d.options.vgroups as usize);
    let v = vgroup_index_of(vgroup, vgroups)
        .ok_or_else(|| TdError::new(0x4012, "Vgroup not found in result set"))?;
    Ok((topic.to_string(), v))
}

/// `SHOW TOPICS` / `ins_topics` rows.
pub(crate) fn topics_of(cat: &Catalog) -> Vec<&Topic> {
    let mut t: Vec<&Topic> = cat.topics.values().collect();
    t.sort_by(|a, b| a.name.cmp(&b.name));
    t
}
