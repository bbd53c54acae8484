//! One flush of an [`Inserter`]: its rows stay in the inserter's buffer
//! until the server confirms them, so the flush future may be dropped at
//! any await point (a `select!`, a timeout, a cancelled task) without
//! losing a row or forgetting one that was written.
//!
//! The flush keeps a fate per buffered row. Every attempt records, through
//! [`Progress`], which of its rows the server confirmed and which were on
//! the wire when it ended; whatever happens next (the next attempt, the
//! end of the flush, or the drop of its future) settles the buffer from
//! those fates: confirmed rows leave, rejected rows are set aside, every
//! other row stays, in order.

use std::time::Instant;

use super::{stats, FlushReport, Inserter};
use crate::connection::Connection;
use crate::database::InsertReport;
use crate::error::{codes, Error, Result};
use crate::insert::progress::{Progress, RowFate};
use crate::table::TdTable;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Pending,
    Written,
    Rejected,
}

/// A flush in progress over the first `fates.len()` buffered rows.
pub(super) struct Flush<'a, T: TdTable + Send + 'static, C: Connection> {
    ins: &'a mut Inserter<T, C>,
    fates: Vec<Fate>,
    rejects: Vec<(usize, Error)>,
    /// The attempt on the wire: the buffer indices it sent, and its progress.
    current: Option<(Vec<usize>, Progress)>,
    pub(super) report: FlushReport,
    started: Instant,
    settled: bool,
}

/// What a finished flush leaves to report.
pub(super) struct Settled {
    pub(super) report: FlushReport,
    /// Rows the flush was given.
    pub(super) total: usize,
    /// Their indices (among those) still buffered, ascending.
    pub(super) unwritten: Vec<usize>,
}

impl<'a, T: TdTable + Send + 'static, C: Connection> Flush<'a, T, C> {
    pub(super) fn new(ins: &'a mut Inserter<T, C>) -> Self {
        let n = ins.pending.len();
        Flush {
            ins,
            fates: vec![Fate::Pending; n],
            rejects: Vec::new(),
            current: None,
            report: FlushReport::default(),
            started: Instant::now(),
            settled: false,
        }
    }

    /// Sends every row, retrying transient failures, setting aside rows
    /// that can never be written; the cause when rows remain.
    pub(super) async fn run(&mut self) -> Result<()> {
        loop {
            let rows = self.unsettled();
            if rows.is_empty() {
                return Ok(());
            }
            let error = match self.attempt(&rows).await {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
            if let Some(row) = never_writable(&error).filter(|&r| r < rows.len()) {
                // Not the server's fault and never writable: set it aside
                // and send the rest at once.
                self.reject(rows[row], error);
                continue;
            }
            let cause = root_cause(error);
            if cause.is_retriable() && self.report.retries < self.ins.options.retry.attempts {
                let pause = self.ins.options.retry.backoff(self.report.retries);
                tracing::debug!(target: "taos_orm::inserter", error = %cause, ?pause, "retrying");
                self.report.retries += 1;
                self.ins.stats.retries += 1;
                tokio::time::sleep(pause).await;
                continue;
            }
            if row_dependent(&cause) {
                return self.isolate(cause).await;
            }
            return Err(cause);
        }
    }

    /// The server refused rows for a reason that may lie in the rows
    /// themselves: split the unwritten rows in halves, in input order, down
    /// to the rows that fail alone, and set those aside while the rest are
    /// written. A failure that no row escapes (a dropped table, a full
    /// disk) is not pinned on rows: after about two failed halves per
    /// level with no success, the rows stay and the cause is returned.
    async fn isolate(&mut self, cause: Error) -> Result<()> {
        let rows = self.unsettled();
        let depth = (usize::BITS - rows.len().leading_zeros()) as usize;
        let budget = 2 * depth + 4;
        let mut failures = 0;
        let mut any_written = false;
        let mut suspects: Vec<(usize, Error)> = Vec::new();
        let mut work: std::collections::VecDeque<Vec<usize>> = halves(rows).into();
        while let Some(set) = work.pop_front() {
            let set: Vec<usize> = set
                .into_iter()
                .filter(|&i| self.fates[i] == Fate::Pending)
                .collect();
            if set.is_empty() {
                continue;
            }
            let written_before = self.report.rows;
            let outcome = self.attempt(&set).await;
            any_written |= self.report.rows > written_before;
            let error = match outcome {
                Ok(()) => continue,
                Err(e) => root_cause(e),
            };
            if error.is_retriable() || !row_dependent(&error) {
                return Err(error);
            }
            failures += 1;
            if !any_written && failures > budget {
                return Err(cause);
            }
            if set.len() == 1 {
                suspects.push((set[0], error));
            } else {
                for half in halves(set).into_iter().rev() {
                    work.push_front(half);
                }
            }
        }
        if !any_written {
            return Err(cause);
        }
        for (row, error) in suspects {
            tracing::warn!(target: "taos_orm::inserter", error = %error, "the server refused a row; set aside");
            self.reject(row, error);
        }
        Ok(())
    }

    /// Sends the buffered rows at `rows` once, within the flush timeout.
    async fn attempt(&mut self, rows: &[usize]) -> Result<()> {
        self.absorb();
        self.current = Some((rows.to_vec(), Progress::default()));
        let Some((sent, progress)) = &self.current else {
            unreachable!("set just above")
        };
        let ins = &*self.ins;
        let result = send(ins, sent, progress).await;
        self.absorb();
        result.map(|_| ())
    }

    /// Folds the finished (or abandoned) attempt's progress into the fates.
    fn absorb(&mut self) {
        let Some((sent, progress)) = self.current.take() else {
            return;
        };
        let fates = progress.fates(sent.len());
        let (mut rows, mut bytes, mut in_doubt) = (0, 0, 0);
        for (&i, fate) in sent.iter().zip(fates) {
            match fate {
                RowFate::Written => {
                    self.fates[i] = Fate::Written;
                    rows += 1;
                    bytes += stats::row_bytes(&self.ins.pending[i]);
                }
                RowFate::InDoubt => in_doubt += 1,
                RowFate::Unsent => {}
            }
        }
        self.report.rows += rows;
        self.report.bytes += bytes;
        self.ins.stats.rows_flushed += rows as u64;
        self.ins.stats.bytes_flushed += bytes as u64;
        if in_doubt > 0 {
            // Written or not, nobody knows: they stay and go out again.
            self.ins.stats.rows_in_doubt += in_doubt as u64;
            tracing::debug!(target: "taos_orm::inserter", rows = in_doubt, "outcome unknown; will be sent again");
        }
    }

    fn reject(&mut self, row: usize, error: Error) {
        self.fates[row] = Fate::Rejected;
        self.ins.stats.rows_rejected += 1;
        tracing::warn!(target: "taos_orm::inserter", error = %error, "row rejected");
        self.rejects.push((row, error));
    }

    fn unsettled(&self) -> Vec<usize> {
        (0..self.fates.len())
            .filter(|&i| self.fates[i] == Fate::Pending)
            .collect()
    }

    /// Applies the fates to the buffer: written rows leave, rejected rows
    /// move to the inserter's rejected list, the rest stay in order.
    fn settle(&mut self) {
        if self.settled {
            return;
        }
        self.absorb();
        self.settled = true;
        let ins = &mut *self.ins;
        let mut rows = std::mem::take(&mut ins.pending).into_iter();
        // One reject per rejected fate: in index order, they pair up.
        let mut rejects = std::mem::take(&mut self.rejects);
        rejects.sort_by_key(|(row, _)| *row);
        let mut rejects = rejects.into_iter().map(|(_, error)| error);
        for fate in &self.fates {
            let Some(row) = rows.next() else { break };
            if *fate == Fate::Pending {
                ins.pending.push(row);
                continue;
            }
            ins.pending_bytes -= stats::row_bytes(&row).min(ins.pending_bytes);
            if *fate == Fate::Rejected {
                let error = rejects.next().unwrap_or(Error::InserterClosed);
                ins.rejected.push((row, error));
            }
        }
        // Rows buffered after the flush began stay behind its own.
        ins.pending.extend(rows);
        if ins.pending.is_empty() {
            ins.oldest = None;
        }
        ins.stats.flush_time += self.started.elapsed();
    }

    /// Settles the buffer and says what is left.
    pub(super) fn finish(mut self) -> Settled {
        let unwritten = self.unsettled();
        self.settle();
        Settled {
            report: self.report,
            total: self.fates.len(),
            unwritten,
        }
    }
}

impl<T: TdTable + Send + 'static, C: Connection> Drop for Flush<'_, T, C> {
    fn drop(&mut self) {
        // The flush future was dropped mid-way: keep what it learned.
        self.settle();
    }
}

/// One attempt through the inserter's write path, bounded by its timeout.
async fn send<T: TdTable + Send + 'static, C: Connection>(
    ins: &Inserter<T, C>,
    rows: &[usize],
    progress: &Progress,
) -> Result<InsertReport> {
    let rows = rows.iter().map(|&i| &ins.pending[i]);
    ins.db
        .attempt(ins.options.mode, rows, progress, ins.options.flush_timeout)
        .await
}

/// The input row of a client-side refusal no retry can cure.
fn never_writable(error: &Error) -> Option<usize> {
    match error {
        Error::InvalidValue { row, .. }
        | Error::RowTooLarge { row, .. }
        | Error::ChildTableConflict { row, .. } => Some(*row),
        _ => None,
    }
}

fn root_cause(error: Error) -> Error {
    match error {
        Error::Insert { source, .. } => *source,
        other => other,
    }
}

/// Whether a server refusal may come from the rows sent, rather than from
/// the database, the table or the session, which no row can escape.
fn row_dependent(error: &Error) -> bool {
    match error.code() {
        Some(code) => !matches!(
            code,
            codes::DB_NOT_EXIST
                | codes::TABLE_NOT_EXIST
                | codes::STABLE_NOT_EXIST
                | codes::AUTH_FAILURE
                | codes::NO_RIGHTS
                | codes::PERMISSION_DENIED
        ),
        None => false,
    }
}

/// `rows` in two halves, the first no longer than the second.
fn halves(mut rows: Vec<usize>) -> Vec<Vec<usize>> {
    let second = rows.split_off(rows.len() / 2);
    [rows, second]
        .into_iter()
        .filter(|h| !h.is_empty())
        .collect()
}
