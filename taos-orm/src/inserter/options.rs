//! How an [`Inserter`](super::Inserter) buffers, flushes and retries.

use std::time::Duration;

pub use crate::retry::Retry;

/// Which write path a flush takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InsertMode {
    /// Parameter binding ([`Database::insert_bound`](crate::Database::insert_bound)): the fastest.
    #[default]
    Bound,
    /// SQL text ([`Database::insert`](crate::Database::insert)).
    Sql,
}

/// The settings of an [`Inserter`](super::Inserter).
///
/// ```
/// use std::time::Duration;
/// use taos_orm::{InserterOptions, Retry};
///
/// let options = InserterOptions::default()
///     .max_rows(50_000)
///     .period(Some(Duration::from_secs(1)))
///     .retry(Retry { attempts: 5, ..Retry::default() });
/// assert_eq!(options.max_rows, 50_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InserterOptions {
    /// Flush once this many rows are buffered (default 1,000,000).
    ///
    /// Large flushes pay off: binding costs a few round trips per child
    /// table per flush whatever its row count. Bound the latency with
    /// [`InserterOptions::period`] instead.
    pub max_rows: usize,
    /// Flush once the buffered rows' values take this many bytes (default
    /// 64 MiB; counted as the bound column sizes, text at its byte length).
    pub max_bytes: usize,
    /// Flush rows that have waited this long (default none). Checked on
    /// every write, and by a timer in a background inserter.
    pub period: Option<Duration>,
    /// The most rows held, failed ones included (default 4 × `max_rows`):
    /// past it, writes wait for a successful flush (back-pressure) and fail
    /// with [`Error::InserterFull`](crate::Error::InserterFull) if none succeeds.
    pub max_buffered_rows: usize,
    /// Retries of transient failures.
    pub retry: Retry,
    /// How long one flush attempt may take (default 60 s) before it counts
    /// as a transient [`Error::Timeout`](crate::Error::Timeout).
    pub flush_timeout: Duration,
    /// The write path.
    pub mode: InsertMode,
}

impl Default for InserterOptions {
    fn default() -> Self {
        InserterOptions {
            max_rows: 1_000_000,
            max_bytes: 64 << 20,
            period: None,
            max_buffered_rows: 4_000_000,
            retry: Retry::default(),
            flush_timeout: Duration::from_secs(60),
            mode: InsertMode::default(),
        }
    }
}

impl InserterOptions {
    /// Sets [`InserterOptions::max_rows`] (at least 1), and
    /// [`InserterOptions::max_buffered_rows`] to at least 4 times it.
    pub fn max_rows(mut self, rows: usize) -> Self {
        self.max_rows = rows.max(1);
        self.max_buffered_rows = self.max_buffered_rows.max(self.max_rows.saturating_mul(4));
        self
    }

    /// Sets [`InserterOptions::max_bytes`].
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes.max(1);
        self
    }

    /// Sets [`InserterOptions::period`].
    pub fn period(mut self, period: Option<Duration>) -> Self {
        self.period = period;
        self
    }

    /// Sets [`InserterOptions::max_buffered_rows`] (at least `max_rows`).
    pub fn max_buffered_rows(mut self, rows: usize) -> Self {
        self.max_buffered_rows = rows.max(self.max_rows);
        self
    }

    /// Sets [`InserterOptions::retry`].
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// Sets [`InserterOptions::flush_timeout`].
    pub fn flush_timeout(mut self, timeout: Duration) -> Self {
        self.flush_timeout = timeout;
        self
    }

    /// Sets [`InserterOptions::mode`].
    pub fn mode(mut self, mode: InsertMode) -> Self {
        self.mode = mode;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_cap_follows_the_flush_size() {
        let o = InserterOptions::default().max_rows(2_000_000);
        assert_eq!(o.max_buffered_rows, 8_000_000);
        assert_eq!(o.clone().max_buffered_rows(10).max_buffered_rows, 2_000_000);
        assert_eq!(InserterOptions::default().max_rows(0).max_rows, 1);
    }
}
