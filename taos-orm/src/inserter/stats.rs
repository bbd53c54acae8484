//! What an [`Inserter`](super::Inserter) has done so far.

use std::time::Duration;

use crate::table::{TdTable, ValueSink};
use crate::value::Value;

/// Counters of an [`Inserter`](super::Inserter) since it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InserterStats {
    /// Rows accepted by `write`.
    pub rows_written: u64,
    /// Rows the server confirmed.
    pub rows_flushed: u64,
    /// Bytes of the confirmed rows (see [`InserterOptions::max_bytes`](super::InserterOptions::max_bytes)).
    pub bytes_flushed: u64,
    /// Flushes that wrote every row they were given.
    pub flushes: u64,
    /// Flushes that gave up with rows left unwritten.
    pub failures: u64,
    /// Retries after transient errors.
    pub retries: u64,
    /// Rows removed from the buffer because they can never be written (an
    /// invalid value, or a row the server refuses while the rows around it
    /// are written); see `Inserter::take_rejected`.
    pub rows_rejected: u64,
    /// Rows sent whose outcome was unknown when their attempt ended (a
    /// flush timeout, or a dropped flush future). They stay buffered and
    /// are sent again; TDengine keeps one row per timestamp (and primary
    /// key) per table, so a second copy overwrites the first with the same
    /// values.
    pub rows_in_doubt: u64,
    /// Time spent in flushes.
    pub flush_time: Duration,
}

/// What one flush did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlushReport {
    /// Rows written.
    pub rows: usize,
    /// Their bytes.
    pub bytes: usize,
    /// Retries it took.
    pub retries: u32,
}

/// The bytes a row's values take when bound, for the byte-size flush
/// threshold: fixed widths, text and bytes at their length.
pub(crate) fn row_bytes<T: TdTable>(row: &T) -> usize {
    struct Counter(usize);
    impl ValueSink for Counter {
        #[inline]
        fn put(&mut self, _index: usize, value: Value<'_>) {
            self.0 += match value {
                Value::Null => 1,
                Value::Bool(_) => 1,
                Value::Float(_) => 4,
                Value::Int(_) | Value::UInt(_) | Value::Double(_) | Value::Timestamp(_) => 8,
                Value::Str(s) => s.len() + 2,
                Value::Bytes(b) => b.len() + 2,
                Value::Json(_) => 64,
            };
        }
    }
    let mut counter = Counter(0);
    row.write_columns(&mut counter);
    counter.0
}
