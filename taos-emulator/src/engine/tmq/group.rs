//! Consumers and consumer groups: who reads which vgroup of a topic, from
//! where, and what each group has committed.

use std::collections::{BTreeMap, HashMap};

use super::super::catalog::Catalog;
use super::super::time;
use super::wal::{vgroup_id, Wal};
use super::{Polled, Reset, SubscribeConf};
use crate::api::TdError;
use taos_query::common::Precision;

/// Rows after which a message is closed: the rest of a vgroup's log goes
/// in the next one.
const MESSAGE_ROWS: usize = 4096;

/// A topic's vgroup: the topic's name and the vgroup's index.
pub(crate) type Slot = (String, usize);

/// One subscribed consumer.
#[derive(Debug)]
pub(crate) struct Consumer {
    pub group: String,
    pub client_id: String,
    pub topics: Vec<String>,
    reset: Reset,
    pub auto_commit: bool,
    /// The vgroups it owns, each with the next version it reads.
    pub positions: BTreeMap<Slot, i64>,
    /// Where each owned vgroup started (committed offset, reset or seek).
    starts: HashMap<Slot, i64>,
    /// Rows delivered per owned vgroup.
    pub rows: HashMap<Slot, u64>,
    /// The slot after the one polled last, so vgroups take turns.
    cursor: usize,
    pub up_time: i64,
    pub rebalance_time: i64,
    pub poll_time: i64,
}

/// Every consumer and group of an engine.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    pub consumers: BTreeMap<u64, Consumer>,
    /// Committed versions per group.
    pub committed: HashMap<String, HashMap<Slot, i64>>,
    next_id: u64,
}

fn no_consumer() -> TdError {
    TdError::new(0x4000, "Invalid consumer")
}

impl Groups {
    /// Adds a consumer for `conf` and rebalances its topics.
    pub fn subscribe(&mut self, cat: &Catalog, wal: &Wal, conf: SubscribeConf) -> u64 {
        self.next_id += 1;
        let id = 0x7b58_2525_81f0_0000 + self.next_id;
        let now = time::now(Precision::Millisecond);
        let topics = conf.topics.clone();
        self.consumers.insert(
            id,
            Consumer {
                group: conf.group.clone(),
                client_id: conf.client_id,
                topics: conf.topics,
                reset: conf.offset_reset,
                auto_commit: conf.auto_commit,
                positions: BTreeMap::new(),
                starts: HashMap::new(),
                rows: HashMap::new(),
                cursor: 0,
                up_time: now,
                rebalance_time: now,
                poll_time: 0,
            },
        );
        for topic in topics {
            self.rebalance(cat, wal, &conf.group, &topic);
        }
        id
    }

    /// Removes a consumer (committing first with auto commit) and hands its
    /// vgroups to the rest of its group.
    pub fn leave(&mut self, cat: &Catalog, wal: &Wal, id: u64) {
        let Some(c) = self.consumers.get(&id) else {
            return;
        };
        if c.auto_commit {
            self.commit_all(id);
        }
        let Some(c) = self.consumers.remove(&id) else {
            return;
        };
        for topic in &c.topics {
            self.rebalance(cat, wal, &c.group, topic);
        }
    }

    /// Shares the topic's vgroups among the group's consumers of it, in
    /// turn by consumer id; a consumer keeps its position on a vgroup it
    /// still owns and starts a new one where the group committed, else
    /// where its reset policy says.
    fn rebalance(&mut self, cat: &Catalog, wal: &Wal, group: &str, topic: &str) {
        let Some(t) = cat.topics.get(topic) else {
            return;
        };
        let vgroups = cat.dbs.get(&t.db).map_or(0, |d| d.options.vgroups as usize);
        let members: Vec<u64> = self
            .consumers
            .iter()
            .filter(|(_, c)| c.group == group && c.topics.iter().any(|x| x == topic))
            .map(|(id, _)| *id)
            .collect();
        let committed = self.committed.get(group);
        let now = time::now(Precision::Millisecond);
        for (k, id) in members.iter().enumerate() {
            let c = self.consumers.get_mut(id).expect("a member");
            let owned: Vec<usize> = (0..vgroups).filter(|v| v % members.len() == k).collect();
            c.positions
                .retain(|(tp, v), _| tp != topic || owned.contains(v));
            for v in owned {
                let slot = (topic.to_string(), v);
                if c.positions.contains_key(&slot) {
                    continue;
                }
                let log = wal.vgroup(&t.db, v);
                let (begin, end) = log.map_or((0, 0), |l| (l.begin(), l.end()));
                let start = match committed.and_then(|m| m.get(&slot)) {
                    Some(&at) => at,
                    None if c.reset == Reset::Earliest => begin,
                    None => end,
                };
                c.positions.insert(slot.clone(), start);
                c.starts.insert(slot, start);
            }
            c.rebalance_time = now;
        }
    }

    /// The next message for consumer `id`: the unread rows of the first
    /// vgroup, in turn, that has some the topic delivers.
    pub fn poll(&mut self, cat: &Catalog, wal: &Wal, id: u64) -> Result<Option<Polled>, TdError> {
        let auto_commit = self.consumers.get(&id).ok_or_else(no_consumer)?.auto_commit;
        if auto_commit {
            self.commit_all(id);
        }
        let c = self.consumers.get_mut(&id).ok_or_else(no_consumer)?;
        c.poll_time = time::now(Precision::Millisecond);
        let slots: Vec<Slot> = c.positions.keys().cloned().collect();
        for k in 0..slots.len() {
            let i = (c.cursor + k) % slots.len();
            let slot = &slots[i];
            let (topic_name, v) = (&slot.0, slot.1);
            let Some(topic) = cat.topics.get(topic_name) else {
                continue;
            };
            let Some(db) = cat.dbs.get(&topic.db) else {
                continue;
            };
            let Some(log) = wal.vgroup(&topic.db, v) else {
                continue;
            };
            let mut at = c.positions[slot].max(log.begin());
            let mut blocks = Vec::new();
            let mut rows = 0;
            while at < log.end() && rows < MESSAGE_ROWS {
                let entry = log.get(at).expect("within the log");
                at += 1;
                let Some(table) = db.tables.get(&entry.table) else {
                    continue;
                };
                let stored;
                let written = match &entry.rows {
                    Some(rows) if rows.same_shape(&table.data) => rows,
                    _ => {
                        stored = table.data.rows_at(&entry.ts);
                        &stored
                    }
                };
                if let Some(block) = topic.deliver(db, table, written)? {
                    rows += block.rows;
                    blocks.push((table.name.clone(), block));
                }
            }
            c.positions.insert(slot.clone(), at);
            if !blocks.is_empty() {
                *c.rows.entry(slot.clone()).or_default() += rows as u64;
                c.cursor = i + 1;
                return Ok(Some(Polled {
                    topic: topic_name.clone(),
                    database: topic.db.clone(),
                    vgroup_id: vgroup_id(v),
                    precision: db.precision,
                    blocks,
                    offset: at,
                }));
            }
        }
        Ok(None)
    }

    /// Commits every position of consumer `id` for its group.
    pub fn commit_all(&mut self, id: u64) {
        let Some(c) = self.consumers.get(&id) else {
            return;
        };
        let group = self.committed.entry(c.group.clone()).or_default();
        for (slot, &at) in &c.positions {
            group.insert(slot.clone(), at);
        }
    }

    /// Commits `offset` for a vgroup of a topic, for consumer `id`'s group.
    pub fn commit(&mut self, id: u64, slot: Slot, offset: i64) -> Result<(), TdError> {
        let c = self.consumers.get(&id).ok_or_else(no_consumer)?;
        self.committed
            .entry(c.group.clone())
            .or_default()
            .insert(slot, offset);
        Ok(())
    }

    /// What consumer `id`'s group committed for a vgroup.
    pub fn committed(&self, id: u64, slot: &Slot) -> Result<Option<i64>, TdError> {
        let c = self.consumers.get(&id).ok_or_else(no_consumer)?;
        Ok(self
            .committed
            .get(&c.group)
            .and_then(|m| m.get(slot))
            .copied())
    }

    /// The next version consumer `id` reads of a vgroup it owns.
    pub fn position(&self, id: u64, slot: &Slot) -> Result<Option<i64>, TdError> {
        let c = self.consumers.get(&id).ok_or_else(no_consumer)?;
        Ok(c.positions.get(slot).copied())
    }

    /// Moves consumer `id` to `offset` on a vgroup it owns.
    pub fn seek(&mut self, id: u64, slot: Slot, offset: i64) -> Result<(), TdError> {
        let c = self.consumers.get_mut(&id).ok_or_else(no_consumer)?;
        match c.positions.get_mut(&slot) {
            Some(at) => {
                *at = offset;
                c.starts.insert(slot, offset);
                Ok(())
            }
            None => Err(TdError::new(0x4012, "Vgroup not found in result set")),
        }
    }

    /// Consumer `id`'s vgroups of `topic`: (vgroup index, start, begin, end).
    pub fn assignment(
        &self,
        cat: &Catalog,
        wal: &Wal,
        id: u64,
        topic: &str,
    ) -> Result<Vec<(usize, i64, i64, i64)>, TdError> {
        let c = self.consumers.get(&id).ok_or_else(no_consumer)?;
        let db = cat.topics.get(topic).map(|t| t.db.as_str()).unwrap_or("");
        Ok(c.positions
            .keys()
            .filter(|(t, _)| t == topic)
            .map(|slot| {
                let log = wal.vgroup(db, slot.1);
                let (begin, end) = log.map_or((0, 0), |l| (l.begin(), l.end()));
                (
                    slot.1,
                    c.starts.get(slot).copied().unwrap_or(begin),
                    begin,
                    end,
                )
            })
            .collect())
    }

    /// Whether any consumer subscribes to `topic`.
    pub fn subscribed(&self, topic: &str) -> bool {
        self.consumers
            .values()
            .any(|c| c.topics.iter().any(|t| t == topic))
    }

    /// Forgets a dropped topic's consumers' positions and commits.
    pub fn drop_topic(&mut self, topic: &str) {
        for c in self.consumers.values_mut() {
            c.topics.retain(|t| t != topic);
            c.positions.retain(|(t, _), _| t != topic);
        }
        for m in self.committed.values_mut() {
            m.retain(|(t, _), _| t != topic);
        }
    }
}
