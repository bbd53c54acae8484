//! The write log topics read: per database and vgroup, one versioned entry
//! per table written by a statement.
//!
//! An entry keeps the table, the timestamps written and, while the
//! database has a topic, the rows as written: each write of a row is then
//! delivered with its own values, as from TDengine's log, even after the
//! row is overwritten or deleted. Writes from before the first topic keep
//! timestamps only and are delivered as the rows are stored when read.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::engine::storage::TableData;

/// One table's rows written by one statement.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The table written.
    pub table: String,
    /// The rows' timestamps.
    pub ts: Vec<i64>,
    /// The rows as written, when the database had a topic to read them.
    pub rows: Option<TableData>,
    at: Instant,
}

/// One vgroup's log: versions `first..first + entries.len()`.
#[derive(Debug, Default)]
pub(crate) struct VgroupLog {
    first: i64,
    entries: VecDeque<Entry>,
}

impl VgroupLog {
    /// The first version kept.
    pub fn begin(&self) -> i64 {
        self.first
    }

    /// The version the next write gets.
    pub fn end(&self) -> i64 {
        self.first + self.entries.len() as i64
    }

    /// The entry of `version`, if still kept.
    pub fn get(&self, version: i64) -> Option<&Entry> {
        let i = usize::try_from(version - self.first).ok()?;
        self.entries.get(i)
    }
}

/// The logs of every database.
#[derive(Debug, Default)]
pub(crate) struct Wal {
    dbs: HashMap<String, Vec<VgroupLog>>,
}

impl Wal {
    /// Appends a write of `table` in `db` (of `vgroups` vgroups), first
    /// dropping entries older than `retention`.
    pub fn append(
        &mut self,
        db: &str,
        vgroups: usize,
        table: String,
        ts: Vec<i64>,
        rows: Option<TableData>,
        retention: Duration,
    ) {
        let logs = self.dbs.entry(db.to_string()).or_default();
        if logs.len() < vgroups {
            logs.resize_with(vgroups, VgroupLog::default);
        }
        let log = &mut logs[vgroup_index(&table, vgroups)];
        let now = Instant::now();
        while log
            .entries
            .front()
            .is_some_and(|e| now.duration_since(e.at) > retention)
        {
            log.entries.pop_front();
            log.first += 1;
        }
        log.entries.push_back(Entry {
            table,
            ts,
            rows,
            at: now,
        });
    }

    /// The log of vgroup `index` of `db` (empty when nothing was written).
    pub fn vgroup(&self, db: &str, index: usize) -> Option<&VgroupLog> {
        self.dbs.get(db)?.get(index)
    }

    /// Forgets a dropped database.
    pub fn drop_database(&mut self, db: &str) {
        self.dbs.remove(db);
    }
}

/// The vgroup (0-based) a table's rows live in: a stable hash of its name,
/// as TDengine places tables by a hash of theirs.
pub(crate) fn vgroup_index(table: &str, vgroups: usize) -> usize {
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let mut h: u32 = 0x811c_9dc5;
    for b in table.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize % vgroups.max(1)
}

/// The id a database's vgroup `index` is shown with.
pub(crate) fn vgroup_id(index: usize) -> i32 {
    // TDengine numbers vgroups from 2 (1 is the mnode's).
    index as i32 + 2
}

/// The index of a vgroup id, if the database has it.
pub(crate) fn vgroup_index_of(id: i32, vgroups: usize) -> Option<usize> {
    let i = usize::try_from(id.checked_sub(2)?).ok()?;
    (i < vgroups).then_some(i)
}
