//! [`Inserter`]: buffered, retried, accounted-for ingest of a derived struct.
//!
//! Rows are buffered and flushed in batches (grouped per child table by the
//! write path) when a row count, a byte size or a period is reached. A
//! flush that fails keeps exactly the rows it did not write, for the next
//! flush; transient failures are retried with backoff first. No row is
//! ever dropped without being handed back or logged: see [`Inserter`]'s
//! "Rows are never lost" section.

mod background;
mod options;
mod stats;

use std::time::{Duration, Instant};

pub use background::InserterHandle;
pub use options::{InsertMode, InserterOptions, Retry};
pub use stats::{FlushReport, InserterStats};

use crate::connection::Connection;
use crate::database::{Database, InsertReport};
use crate::error::{Error, Result};
use crate::table::TdTable;

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
/// transient error ([`Error::is_transient`]) is retried per
/// [`InserterOptions::retry`] before the flush gives up with
/// [`Error::Insert`], whose `unwritten` lists the flushed batch's indices
/// not written ([`Inserter::pending`] holds those rows). A row with an
/// invalid value can never be written: it is moved aside (see
/// [`Inserter::take_rejected`]) and the flush goes on with the others.
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
    /// first flushes (waiting: back-pressure); if that fails the row is not
    /// taken and comes back in [`WriteError::row`].
    ///
    /// # Errors
    ///
    /// A failed flush ([`Error::Insert`] …): the row itself is buffered
    /// (`WriteError::row` is `None`) and will be retried with the others.
    pub async fn write(&mut self, row: T) -> Result<Option<FlushReport>, WriteError<T>> {
        if self.pending.len() >= self.options.max_buffered_rows {
            if let Err(error) = self.flush().await {
                if self.pending.len() >= self.options.max_buffered_rows {
                    return Err(WriteError {
                        row: Some(row),
                        error: Error::InserterFull {
                            buffered: self.pending.len(),
                            source: Box::new(error),
                        },
                    });
                }
            }
        }
        self.push(row);
        if self.flush_due() {
            return self
                .flush()
                .await
                .map(Some)
                .map_err(|error| WriteError { row: None, error });
        }
        Ok(None)
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
    /// # Errors
    ///
    /// [`Error::Insert`] (or the cause itself when nothing was written)
    /// once retries are exhausted; the unwritten rows stay buffered.
    pub async fn flush(&mut self) -> Result<FlushReport> {
        if self.pending.is_empty() {
            return Ok(FlushReport::default());
        }
        let started = Instant::now();
        let mut rows = std::mem::take(&mut self.pending);
        // The bytes of `rows`, kept up to date as rows leave it.
        let mut left_bytes = std::mem::take(&mut self.pending_bytes);
        self.oldest = None;
        let total = rows.len();
        let mut origin: Vec<usize> = (0..total).collect();
        let mut report = FlushReport::default();
        let outcome = loop {
            let error = match self.send(&rows).await {
                Ok(sent) => {
                    report.rows += sent.rows;
                    report.bytes += left_bytes;
                    break Ok(());
                }
                Err(e) => e,
            };
            let (unwritten, cause) = match error {
                Error::Insert {
                    unwritten, source, ..
                } => (unwritten, *source),
                Error::InvalidValue { row, .. } if row < rows.len() => {
                    // Not the server's fault and never writable: set it
                    // aside and send the rest at once.
                    let bad = rows.remove(row);
                    origin.remove(row);
                    left_bytes = left_bytes.saturating_sub(stats::row_bytes(&bad));
                    self.stats.rows_rejected += 1;
                    tracing::warn!(target: "taos_orm::inserter", error = %error, "row rejected");
                    self.rejected.push((bad, error));
                    if rows.is_empty() {
                        break Ok(());
                    }
                    continue;
                }
                other => ((0..rows.len()).collect(), other),
            };
            let written: Vec<T>;
            (rows, written) = split_unwritten(rows, &unwritten);
            origin = unwritten.iter().map(|&i| origin[i]).collect();
            report.rows += written.len();
            let written_bytes: usize = written.iter().map(stats::row_bytes).sum();
            left_bytes = left_bytes.saturating_sub(written_bytes);
            report.bytes += written_bytes;
            if cause.is_transient() && report.retries < self.options.retry.attempts {
                let pause = self.options.retry.backoff(report.retries);
                tracing::debug!(target: "taos_orm::inserter", error = %cause, ?pause, left = rows.len(), "retrying");
                report.retries += 1;
                self.stats.retries += 1;
                tokio::time::sleep(pause).await;
                continue;
            }
            break Err(cause);
        };
        self.stats.rows_flushed += report.rows as u64;
        self.stats.bytes_flushed += report.bytes as u64;
        self.stats.flush_time += started.elapsed();
        match outcome {
            Ok(()) => {
                self.stats.flushes += 1;
                Ok(report)
            }
            Err(cause) => {
                self.stats.failures += 1;
                let left = rows.len();
                // Kept ahead of rows written meanwhile, so order is preserved.
                rows.append(&mut self.pending);
                self.pending = rows;
                self.pending_bytes += left_bytes;
                self.oldest = Some(Instant::now());
                tracing::warn!(target: "taos_orm::inserter", error = %cause, written = report.rows, left, "flush failed");
                Err(Error::Insert {
                    table: T::SCHEMA.name,
                    written: report.rows,
                    total,
                    unwritten: origin,
                    source: Box::new(cause),
                })
            }
        }
    }

    async fn send(&self, rows: &[T]) -> Result<InsertReport> {
        let attempt = async {
            match self.options.mode {
                InsertMode::Bound => self.db.insert_bound(rows).await,
                InsertMode::Sql => self.db.insert(rows).await,
            }
        };
        tokio::time::timeout(self.options.flush_timeout, attempt)
            .await
            .unwrap_or(Err(Error::Timeout(self.options.flush_timeout)))
    }

    /// Flushes everything (with retries) and returns the final counters.
    ///
    /// # Errors
    ///
    /// [`EndError`] with every row not written (including rejected rows).
    pub async fn end(mut self) -> Result<InserterStats, EndError<T>> {
        let result = self.flush().await;
        let (mut unwritten, mut reasons): (Vec<T>, Vec<Error>) = self.rejected.drain(..).unzip();
        unwritten.append(&mut self.pending);
        let stats = self.stats;
        let error = match result {
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

/// Splits `rows` into (those at the ascending indices `unwritten`, the rest).
fn split_unwritten<T>(rows: Vec<T>, unwritten: &[usize]) -> (Vec<T>, Vec<T>) {
    let mut keep = Vec::with_capacity(unwritten.len());
    let mut done = Vec::with_capacity(rows.len().saturating_sub(unwritten.len()));
    let mut next = unwritten.iter().copied().peekable();
    for (i, row) in rows.into_iter().enumerate() {
        if next.peek() == Some(&i) {
            next.next();
            keep.push(row);
        } else {
            done.push(row);
        }
    }
    (keep, done)
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
