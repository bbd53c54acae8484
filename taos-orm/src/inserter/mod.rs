//! [`Inserter`]: buffered, retried, accounted-for ingest of a derived struct.
//!
//! Rows are buffered and flushed in batches (grouped per child table by the
//! write path) when a row count, a byte size or a period is reached. A
//! flush that fails keeps exactly the rows it did not write, for the next
//! flush; transient failures are retried with backoff first. No row is
//! ever dropped without being handed back or logged: see [`Inserter`]'s
//! "Rows are never lost" section.

mod background;
mod flush;
mod options;
mod stats;

use std::time::{Duration, Instant};

pub use background::InserterHandle;
pub use options::{InsertMode, InserterOptions, Retry};
pub use stats::{FlushReport, InserterStats};

use crate::connection::Connection;
use crate::database::Database;
use crate::error::{Error, Result};
use crate::table::TdTable;
use flush::Flush;

/// The callback that receives rows an [`Inserter`] still holds when dropped.
type DropHook<T> = Box<dyn FnOnce(Vec<T>) + Send + Sync>;

/// Buffers rows of `T` and writes them in batches.
///
/// ```
/// use std::time::Duration;
/// use taos_orm::{Database, DatabaseOptions, Inserter, InserterOptions, TdTable};
///
/// #[derive(Debug, Clone, TdTable)]
/// #[taos(stable = "meters", child = "d{device}")]
/// struct Meter {
///     #[taos(ts)]
///     ts: i64,
///     current: f32,
///     #[taos(tag)]
///     device: i32,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = taos_emulator::Emulator::start().await?;
/// let taos = taos_orm::connect(&emulator.dsn()).await?;
/// let db = Database::create(std::sync::Arc::new(taos), &DatabaseOptions::new("ingest")).await?;
/// db.create_table::<Meter>().await?;
/// let mut inserter = Inserter::new(db.clone(), InserterOptions::default().max_rows(1_000));
/// let start = 1_700_000_000_000;
/// for i in 0..2_500 {
///     inserter.write(Meter { ts: start + i, current: 1.0, device: (i % 10) as i32 }).await?;
/// }
/// let stats = inserter.end().await?;
/// assert_eq!(stats.rows_flushed, 2_500);
/// assert_eq!(stats.flushes, 3);
/// assert_eq!(db.count::<Meter>().await?, 2_500);
/// # Ok(()) }
/// ```
///
/// # Failures
///
/// A flush sends every buffered row. When the server rejects part of them,
/// the written rows leave the buffer and the others stay, in order; a
/// transient error ([`Error::is_retriable`]) is retried per
/// [`InserterOptions::retry`] before the flush gives up with
/// [`Error::Insert`], whose `unwritten` lists the flushed batch's indices
/// not written ([`Inserter::pending`] holds those rows).
///
/// A row that can never be written is moved aside (see
/// [`Inserter::take_rejected`]) and the flush goes on with the others:
/// a row with an invalid value, caught before sending, and a row the
/// server refuses (say a timestamp older than the database keeps). The
/// flush finds the latter by splitting the refused rows in halves until
/// the rows that fail alone are left; a refusal that no row escapes (the
/// table was dropped) sets no row aside, and the rows stay buffered.
///
/// # Timeouts and cancellation
///
/// Rows stay in the buffer until the server confirms them, so every
/// `flush`, `write` and `end` future may be dropped at any await point.
/// When an attempt times out ([`InserterOptions::flush_timeout`]) or its
/// future is dropped, the statements already confirmed count as written
/// and are never sent again; the rows of the statement on the wire are
/// in doubt ([`InserterStats::rows_in_doubt`]) and go out again with the
/// next attempt. If the first copy landed as well, TDengine holds one row
/// per timestamp (and composite key) per table, so the replay leaves the
/// same data, unless a write of other values to the same key landed in
/// between (a late copy then overwrites it).
///
/// # Rows are never lost
///
/// * [`Inserter::end`] flushes everything and, when rows remain
///   unwritten, returns them in the error ([`EndError::unwritten`]).
/// * [`Inserter::take_pending`] / [`Inserter::take_rejected`] hand rows back at any time.
/// * Dropping an inserter that still holds rows (a bug, or a panic
///   unwinding) cannot write them (`Drop` cannot wait), so it logs an
///   error (target `taos_orm::inserter`) with their count and hands them
///   to the [`Inserter::on_drop`] hook; without a hook they are kept in a
///   process-wide store that [`take_orphaned`] empties. Nothing is
///   discarded: call `end()`, or collect orphans, e.g. before exiting.
pub struct Inserter<T: Send + 'static, C> {
    db: Database<C>,
    options: InserterOptions,
    pending: Vec<T>,
    pending_bytes: usize,
    /// When the oldest buffered row arrived.
    oldest: Option<Instant>,
    rejected: Vec<(T, Error)>,
    stats: InserterStats,
    on_drop: Option<DropHook<T>>,
}

/// [`Inserter::end`] could not write every row: the rows are handed back.
pub struct EndError<T> {
    /// Why the last flush failed (or why a row was rejected).
    pub error: Error,
    /// The rows not written (invalid rows first), in write order.
    pub unwritten: Vec<T>,
    /// The final counters.
    pub stats: InserterStats,
}

impl<T: TdTable + Send + 'static, C: Connection> Inserter<T, C> {
    /// An inserter writing to `db`.
    pub fn new(db: Database<C>, options: InserterOptions) -> Self {
        Inserter {
            db,
            options,
            pending: Vec::new(),
            pending_bytes: 0,
            oldest: None,
            rejected: Vec::new(),
            stats: InserterStats::default(),
            on_drop: None,
        }
    }

    /// Hands the rows still buffered when the inserter is dropped to `hook`
    /// (instead of logging their loss).
    pub fn on_drop(mut self, hook: impl FnOnce(Vec<T>) + Send + Sync + 'static) -> Self {
        self.on_drop = Some(Box::new(hook));
        self
    }

    /// Buffers `row`, and flushes when a threshold is reached.
    ///
    /// When [`InserterOptions::max_buffered_rows`] rows are already held,
    /// first flushes (waiting: back-pressure); if that fails without
    /// freeing room the row is not taken and comes back in
    /// [`WriteError::row`]. Cancellation-safe: once the future is polled
    /// the row belongs to the inserter, even if the future is dropped.
    ///
    /// # Errors
    ///
    /// A failed flush ([`Error::Insert`] …), the back-pressure one included:
    /// the row itself is buffered (`WriteError::row` is `None`) and will be
    /// retried with the others. [`Error::InserterFull`] with the row back
    /// when no room could be made.
    pub async fn write(&mut self, row: T) -> Result<Option<FlushReport>, WriteError<T>> {
        // The row is buffered before any await: a dropped `write` future
        // leaves it with the inserter rather than losing it.
        let full = self.pending.len() >= self.options.max_buffered_rows;
        self.push(row);
        if full {
            if let Err(error) = self.flush().await {
                if self.pending.len() > self.options.max_buffered_rows {
                    let row = self.unpush();
                    return Err(WriteError {
                        row,
                        error: Error::InserterFull {
                            buffered: self.pending.len(),
                            source: Box::new(error),
                        },
                    });
                }
                // It freed room for the row, which stays buffered; the
                // failure is still the caller's to know.
                return Err(WriteError { row: None, error });
            }
        }
        if self.flush_due() {
            return self
                .flush()
                .await
                .map(Some)
                .map_err(|error| WriteError { row: None, error });
        }
        Ok(None)
    }

    /// Takes back the row `write` just buffered.
    fn unpush(&mut self) -> Option<T> {
        let row = self.pending.pop()?;
        self.pending_bytes = self.pending_bytes.saturating_sub(stats::row_bytes(&row));
        self.stats.rows_written -= 1;
        if self.pending.is_empty() {
            self.oldest = None;
        }
        Some(row)
    }

    /// Buffers `row` without flushing (for callers that flush on their own
    /// schedule). Memory is theirs to bound.
    pub fn push(&mut self, row: T) {
        self.pending_bytes += stats::row_bytes(&row);
        self.pending.push(row);
        self.stats.rows_written += 1;
        self.oldest.get_or_insert_with(Instant::now);
    }

    /// Whether a row count, byte size or period threshold is reached.
    pub fn flush_due(&self) -> bool {
        self.pending.len() >= self.options.max_rows
            || self.pending_bytes >= self.options.max_bytes
            || self.time_left() == Some(Duration::ZERO)
    }

    /// Time until the period flush is due (`None`: no period, or nothing buffered).
    pub fn time_left(&self) -> Option<Duration> {
        let period = self.options.period?;
        let oldest = self.oldest?;
        Some(period.saturating_sub(oldest.elapsed()))
    }

    /// Writes every buffered row now.
    ///
    /// Cancellation-safe: the rows stay in the buffer until the server
    /// confirms them, so dropping the future (a `select!`, a timeout) loses
    /// nothing; rows already confirmed leave the buffer, the others stay.
    ///
    /// # Errors
    ///
    /// [`Error::Insert`] (or the cause itself when nothing was written)
    /// once retries are exhausted; the unwritten rows stay buffered.
    pub async fn flush(&mut self) -> Result<FlushReport> {
        if self.pending.is_empty() {
            return Ok(FlushReport::default());
        }
        let mut flush = Flush::new(self);
        let outcome = flush.run().await;
        let settled = flush.finish();
        match outcome {
            Ok(()) => {
                self.stats.flushes += 1;
                Ok(settled.report)
            }
            Err(cause) => {
                self.stats.failures += 1;
                // The period timer waits a whole period before the retry.
                self.oldest = Some(Instant::now());
                let (written, left) = (settled.report.rows, settled.unwritten.len());
                tracing::warn!(target: "taos_orm::inserter", error = %cause, written, left, "flush failed");
                Err(Error::Insert {
                    table: T::SCHEMA.name,
                    written,
                    total: settled.total,
                    unwritten: settled.unwritten,
                    source: Box::new(cause),
                })
            }
        }
    }

    /// Flushes everything (with retries) and returns the final counters.
    ///
    /// # Errors
    ///
    /// [`EndError`] with every row not written (including rejected rows).
    pub async fn end(mut self) -> Result<InserterStats, EndError<T>> {
        let flushed = self.flush().await;
        self.conclude(flushed)
    }

    /// The outcome of `end` after its last flush: every row still held
    /// moves into the error.
    #[allow(clippy::result_large_err)] // as large as `end`'s own result
    fn conclude(&mut self, flushed: Result<FlushReport>) -> Result<InserterStats, EndError<T>> {
        let (mut unwritten, mut reasons): (Vec<T>, Vec<Error>) = self.rejected.drain(..).unzip();
        unwritten.append(&mut self.take_pending());
        let stats = self.stats;
        let error = match flushed {
            Err(error) => error,
            Ok(_) if reasons.is_empty() => return Ok(stats),
            Ok(_) => reasons.swap_remove(0),
        };
        Err(EndError {
            error,
            unwritten,
            stats,
        })
    }

    /// The rows waiting to be written, in write order.
    pub fn pending(&self) -> &[T] {
        &self.pending
    }

    /// Takes the waiting rows out (they will not be written).
    pub fn take_pending(&mut self) -> Vec<T> {
        self.pending_bytes = 0;
        self.oldest = None;
        std::mem::take(&mut self.pending)
    }

    /// Takes the rows set aside for invalid values, with why.
    pub fn take_rejected(&mut self) -> Vec<(T, Error)> {
        std::mem::take(&mut self.rejected)
    }

    /// The counters so far.
    pub fn stats(&self) -> InserterStats {
        self.stats
    }

    /// The options.
    pub fn options(&self) -> &InserterOptions {
        &self.options
    }

    /// The database written to.
    pub fn database(&self) -> &Database<C> {
        &self.db
    }
}

impl<T: Send + 'static, C> Drop for Inserter<T, C> {
    fn drop(&mut self) {
        let mut rows = std::mem::take(&mut self.pending);
        rows.extend(self.rejected.drain(..).map(|(row, _)| row));
        if rows.is_empty() {
            return;
        }
        let hooked = self.on_drop.is_some();
        tracing::error!(
            target: "taos_orm::inserter",
            rows = rows.len(),
            "an Inserter was dropped holding {} unwritten rows; they went to {}",
            rows.len(),
            if hooked { "its on_drop hook" } else { "taos_orm::inserter::take_orphaned" }
        );
        match self.on_drop.take() {
            Some(hook) => hook(rows),
            None => orphan(rows),
        }
    }
}

/// Rows of dropped inserters that had no `on_drop` hook, by row type.
static ORPHANS: std::sync::Mutex<Vec<Box<dyn std::any::Any + Send>>> =
    std::sync::Mutex::new(Vec::new());

fn orphan<T: Send + 'static>(rows: Vec<T>) {
    let mut store = ORPHANS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    store.push(Box::new(rows));
}

/// Takes the rows of type `T` that dropped [`Inserter`]s (without an
/// `on_drop` hook) could not write, oldest first.
///
/// ```
/// # #[derive(Debug, Clone, PartialEq, taos_orm::TdTable)]
/// # #[taos(table = "log")]
/// # struct Log { #[taos(ts)] ts: i64, v: i32 }
/// // After a drop that lost rows of `Log`:
/// let rows: Vec<Log> = taos_orm::inserter::take_orphaned();
/// assert!(rows.is_empty());
/// ```
pub fn take_orphaned<T: Send + 'static>() -> Vec<T> {
    let mut store = ORPHANS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = Vec::new();
    store.retain_mut(|batch| match batch.downcast_mut::<Vec<T>>() {
        Some(rows) => {
            out.append(rows);
            false
        }
        None => true,
    });
    out
}

impl<T: Send + 'static, C> std::fmt::Debug for Inserter<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inserter")
            .field("pending", &self.pending.len())
            .field("rejected", &self.rejected.len())
            .field("stats", &self.stats)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A row [`Inserter::write`] could not take, or a flush it triggered that failed.
pub struct WriteError<T> {
    /// The row, when it was not buffered.
    pub row: Option<T>,
    /// What went wrong.
    pub error: Error,
}

impl<T> From<WriteError<T>> for Error {
    fn from(e: WriteError<T>) -> Self {
        e.error
    }
}

impl<T> std::fmt::Debug for WriteError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteError")
            .field("row_returned", &self.row.is_some())
            .field("error", &self.error)
            .finish()
    }
}

impl<T> std::fmt::Display for WriteError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl<T> std::error::Error for WriteError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<T> std::fmt::Debug for EndError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndError")
            .field("error", &self.error)
            .field("unwritten", &self.unwritten.len())
            .field("stats", &self.stats)
            .finish()
    }
}

impl<T> std::fmt::Display for EndError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} rows left unwritten: {}",
            self.unwritten.len(),
            self.error
        )
    }
}

impl<T> std::error::Error for EndError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<T> From<EndError<T>> for Error {
    fn from(e: EndError<T>) -> Self {
        e.error
    }
}

#[cfg(test)]
mod tests;
