//! Prepared statements kept between bound inserts.
//!
//! Preparing costs round trips (over WebSocket a connection of its own and a
//! `select database()` first), which dominate small batches. A handle keeps
//! its statements idle between calls, per prepared SQL, and the next call
//! takes them back: one prepare per super table and lane, not per call.
//!
//! A WebSocket statement holds a connection of its own, so any handle keeps
//! those. A native statement lives on the connection that made it, so only
//! a handle over a single connection, which outlives the handle, keeps them
//! ([`Connection::KEEPS_STATEMENTS`](crate::Connection::KEEPS_STATEMENTS)):
//! a pool may close its connections while a statement waits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use taos::Stmt;

use super::BIND_LANES;

/// Prepared SQL texts a handle keeps statements for: one per struct type
/// written through it, usually.
const MAX_SQLS: usize = 16;

/// Idle statements per prepared SQL, shared by the clones of a handle.
#[derive(Clone)]
pub(crate) struct Statements {
    /// Whether native statements may be kept: the handle's connections
    /// outlive it.
    keeps_native: bool,
    idle: Arc<Mutex<HashMap<String, Vec<Stmt>>>>,
}

impl Statements {
    /// The set of a handle whose connections outlive it when `keeps_native`.
    pub(crate) fn new(keeps_native: bool) -> Self {
        Statements {
            keeps_native,
            idle: Arc::default(),
        }
    }

    /// Whether statements made on `taos` may be kept.
    pub(crate) fn keeps(&self, taos: &taos::Taos) -> bool {
        self.keeps_native || !taos.is_native()
    }

    /// An idle statement prepared with `sql` on a connection like `taos`,
    /// if one is kept.
    pub(crate) fn take(&self, taos: &taos::Taos, sql: &str) -> Option<Stmt> {
        if !self.keeps(taos) {
            return None;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        idle.get_mut(sql)?.pop()
    }

    /// Keeps `stmt`, made on `taos` and run without error, for the next call
    /// with `sql` (or closes it, when it may not be kept or enough are).
    pub(crate) fn give_back(&self, taos: &taos::Taos, sql: &str, stmt: Stmt) {
        if !self.keeps(taos) {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if !idle.contains_key(sql) && idle.len() >= MAX_SQLS {
            // A handle writing many kinds of rows: forget one kind rather
            // than grow without bound.
            if let Some(any) = idle.keys().next().cloned() {
                idle.remove(&any);
            }
        }
        let kept = idle.entry(sql.to_owned()).or_default();
        if kept.len() < BIND_LANES {
            kept.push(stmt);
        }
    }

    /// Closes every idle statement: after DDL through the handle, so that no
    /// statement prepared against an old table is used again.
    pub(crate) fn clear(&self) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// How many statements are idle.
    pub(crate) fn idle(&self) -> usize {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(Vec::len)
            .sum()
    }
}
