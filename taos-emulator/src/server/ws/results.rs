//! Open result sets of one WebSocket connection.
//!
//! Ids come from a per-connection counter starting at 1 and are never reused:
//! the client frees results from a blocking thread, so a `free_result` for an
//! old id can arrive after a newer result was opened.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use parking_lot::Mutex;

use crate::api::QueryResult;

/// What is left of one result set.
#[derive(Debug)]
struct Cursor {
    pending: VecDeque<Bytes>,
    /// The block the last JSON `fetch` announced, kept for `fetch_block`.
    current: Option<Bytes>,
}

/// The next step for a binary fetch.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    Block(Bytes),
    /// The result had no more blocks and has been dropped.
    Finished,
}

/// The block a JSON `fetch_block` asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Current {
    Block(Bytes),
    /// The result is open but no `fetch` has announced a block yet.
    NotFetched,
    /// No such result.
    Unknown,
}

/// The result sets one connection has open.
#[derive(Debug, Default)]
pub(crate) struct ResultStore {
    last_id: AtomicU64,
    open: Mutex<HashMap<u64, Cursor>>,
}

impl ResultStore {
    /// Registers a result and returns its fresh id.
    pub(crate) fn insert(&self, result: QueryResult) -> u64 {
        let id = self.last_id.fetch_add(1, Ordering::Relaxed) + 1;
        let cursor = Cursor {
            pending: result.blocks.into_iter().map(Bytes::from).collect(),
            current: None,
        };
        self.open.lock().insert(id, cursor);
        id
    }

    /// Takes the next block; `None` when `id` is not open.
    pub(crate) fn next(&self, id: u64) -> Option<Next> {
        let mut open = self.open.lock();
        let cursor = open.get_mut(&id)?;
        match cursor.pending.pop_front() {
            Some(block) => {
                cursor.current = Some(block.clone());
                Some(Next::Block(block))
            }
            None => {
                open.remove(&id);
                Some(Next::Finished)
            }
        }
    }

    /// The block the last [`next`](Self::next) returned (JSON `fetch_block`).
    pub(crate) fn current(&self, id: u64) -> Current {
        match self.open.lock().get(&id) {
            Some(Cursor {
                current: Some(block),
                ..
            }) => Current::Block(block.clone()),
            Some(_) => Current::NotFetched,
            None => Current::Unknown,
        }
    }

    /// Drops a result; unknown ids are ignored.
    pub(crate) fn free(&self, id: u64) {
        self.open.lock().remove(&id);
    }

    /// How many results are open.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.open.lock().len()
    }
}

/// Row count and per-column data lengths from a raw block's header, for the
/// JSON `fetch` reply. Malformed blocks read as empty.
pub(crate) fn block_summary(block: &[u8]) -> (u32, Vec<u32>) {
    const HEADER: usize = 28;
    const SCHEMA: usize = 5;
    let read = |at: usize| -> Option<u32> {
        let bytes = block.get(at..at + 4)?;
        Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    };
    let (Some(rows), Some(cols)) = (read(8), read(12)) else {
        return (0, Vec::new());
    };
    let lengths_at = HEADER + SCHEMA * cols as usize;
    let lengths = (0..cols as usize)
        .map_while(|i| read(lengths_at + 4 * i))
        .collect();
    (rows, lengths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use taos_query::common::Precision;

    fn result(blocks: Vec<Vec<u8>>) -> QueryResult {
        QueryResult {
            fields: vec![],
            precision: Precision::Millisecond,
            blocks,
            rows: 0,
        }
    }

    #[test]
    fn ids_are_fresh_and_results_drain() {
        let store = ResultStore::default();
        let a = store.insert(result(vec![vec![1], vec![2]]));
        let b = store.insert(result(vec![]));
        assert_eq!((a, b), (1, 2));
        assert_eq!(store.next(a), Some(Next::Block(Bytes::from_static(&[1]))));
        assert_eq!(store.current(a), Current::Block(Bytes::from_static(&[1])));
        assert_eq!(store.next(a), Some(Next::Block(Bytes::from_static(&[2]))));
        assert_eq!(store.next(a), Some(Next::Finished));
        assert_eq!(store.next(a), None);
        store.free(b);
        store.free(b);
        assert_eq!(store.len(), 0);
        assert_eq!(store.insert(result(vec![])), 3);
    }

    #[test]
    fn summary_of_a_real_block() {
        use taos_query::common::views::{views_to_raw_block, ColumnView};
        let block = views_to_raw_block(&[
            ColumnView::from_ints(vec![1, 2, 3]),
            ColumnView::from_varchar::<&str, _, _, _>(vec![Some("ab"), None, Some("c")]),
        ]);
        assert_eq!(block_summary(&block), (3, vec![12, 7]));
        assert_eq!(block_summary(&block[..10]), (0, vec![]));
    }

    #[test]
    fn current_before_fetch() {
        let store = ResultStore::default();
        let id = store.insert(result(vec![vec![1]]));
        assert_eq!(store.current(id), Current::NotFetched);
        assert_eq!(store.current(99), Current::Unknown);
    }
}
