//! Retrying writes that failed for a reason that passes: a connection
//! lost, a vgroup electing its leader, a timeout ([`Error::is_retriable`]).
//!
//! Re-sending rows is safe in TDengine: a row whose timestamp is already
//! stored replaces it, so a retried write never duplicates a row, even when
//! the first attempt was applied and only its answer was lost.

use std::time::Duration;

use crate::database::InsertReport;
use crate::error::{Error, Result};

/// How often, and after which pauses, a write that failed with a retriable
/// error ([`Error::is_retriable`]) is sent again: exponential backoff,
/// `initial`, `2 × initial`, … capped at `max`.
///
/// Used by [`Database::insert`](crate::Database::insert) and
/// [`Database::insert_bound`](crate::Database::insert_bound) (set with
/// [`Database::with_retry`](crate::Database::with_retry)) and by the
/// [`Inserter`](crate::Inserter)'s flushes.
///
/// ```
/// use std::time::Duration;
/// use taos_orm::Retry;
///
/// // Enough to ride out a leader election (a few seconds).
/// let patient = Retry { attempts: 8, initial: Duration::from_millis(200), max: Duration::from_secs(2) };
/// assert_eq!(patient.backoff(0), Duration::from_millis(200));
/// assert_eq!(patient.backoff(5), Duration::from_secs(2));
/// assert_eq!(patient.total_pause(), Duration::from_millis(200 + 400 + 800 + 1600 + 4 * 2000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Retries after the first attempt (0 = none).
    pub attempts: u32,
    /// The first pause.
    pub initial: Duration,
    /// The longest pause.
    pub max: Duration,
}

impl Retry {
    /// No retries: a failed write reports at once.
    pub const NONE: Retry = Retry {
        attempts: 0,
        initial: Duration::ZERO,
        max: Duration::ZERO,
    };

    /// The pause before retry number `n` (from 0).
    pub fn backoff(&self, n: u32) -> Duration {
        self.initial
            .checked_mul(1u32 << n.min(20))
            .unwrap_or(self.max)
            .min(self.max)
    }

    /// The pauses of every retry added up: about the longest outage this
    /// policy rides out.
    pub fn total_pause(&self) -> Duration {
        (0..self.attempts).map(|n| self.backoff(n)).sum()
    }
}

impl Default for Retry {
    /// Three retries after 100 ms, 200 ms and 400 ms.
    fn default() -> Self {
        Retry {
            attempts: 3,
            initial: Duration::from_millis(100),
            max: Duration::from_secs(5),
        }
    }
}

/// One call's rows across its attempts: which are still to be written,
/// what the attempts wrote, and whether to try again. The async and the
/// blocking inserts drive it alike, each with its own sleep.
pub(crate) struct Resend {
    retry: Retry,
    table: &'static str,
    total: usize,
    /// Input indices not yet written, ascending.
    pending: Vec<usize>,
    report: InsertReport,
}

/// What to do after an attempt.
pub(crate) enum Next {
    /// Send [`Resend::pending`] again after this pause.
    Again(Duration),
    /// The call's outcome.
    Done(Result<InsertReport>),
}

impl Resend {
    pub(crate) fn new(retry: Retry, table: &'static str, total: usize) -> Self {
        Resend {
            retry,
            table,
            total,
            pending: (0..total).collect(),
            report: InsertReport::default(),
        }
    }

    /// The input indices the next attempt sends.
    pub(crate) fn pending(&self) -> &[usize] {
        &self.pending
    }

    /// Settles an attempt that sent [`Resend::pending`].
    pub(crate) fn settle(&mut self, outcome: Result<InsertReport>) -> Next {
        let error = match outcome {
            Ok(report) => {
                self.add(report);
                self.pending.clear();
                return Next::Done(Ok(self.report));
            }
            Err(e) => e,
        };
        let first = self.report.statements == 0 && self.report.retries == 0;
        let wrapped = matches!(error, Error::Insert { .. });
        let (source, left) = match error {
            Error::Insert {
                written,
                unwritten,
                source,
                ..
            } => {
                self.report.rows += written;
                (*source, unwritten)
            }
            // Nothing of the attempt was written (no connection, or a
            // refusal before the first statement).
            other => (other, (0..self.pending.len()).collect()),
        };
        self.pending = left.iter().map(|&i| self.pending[i]).collect();
        if source.is_retriable() && self.report.retries < self.retry.attempts as usize {
            let pause = self.retry.backoff(self.report.retries as u32);
            tracing::debug!(
                target: "taos_orm::insert",
                table = self.table,
                error = %source,
                left = self.pending.len(),
                ?pause,
                "retrying"
            );
            self.report.retries += 1;
            return Next::Again(pause);
        }
        if first && !wrapped {
            // Refused before anything was sent (a bad value, no
            // connection, a child table not created): the error as it came.
            return Next::Done(Err(source));
        }
        Next::Done(Err(Error::Insert {
            table: self.table,
            written: self.total - self.pending.len(),
            total: self.total,
            unwritten: std::mem::take(&mut self.pending),
            source: Box::new(source),
        }))
    }

    fn add(&mut self, report: InsertReport) {
        self.report.rows += report.rows;
        self.report.affected += report.affected;
        self.report.statements += report.statements;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost() -> Error {
        Error::from(taos::Error::new(
            0x8000_000Bu32 as i32,
            "Unable to establish connection",
        ))
    }

    fn failed(written: usize, unwritten: Vec<usize>, source: Error) -> Error {
        Error::Insert {
            table: "t",
            written,
            total: written + unwritten.len(),
            unwritten,
            source: Box::new(source),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let r = Retry {
            attempts: 9,
            initial: Duration::from_millis(100),
            max: Duration::from_millis(500),
        };
        let pauses: Vec<u128> = (0..5).map(|n| r.backoff(n).as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 500, 500]);
        assert_eq!(r.backoff(u32::MAX), Duration::from_millis(500));
    }

    #[test]
    fn retries_resend_only_the_unwritten_rows() {
        let mut resend = Resend::new(Retry::default(), "t", 6);
        let next = resend.settle(Err(failed(2, vec![0, 3, 4, 5], lost())));
        assert!(matches!(next, Next::Again(p) if p == Duration::from_millis(100)));
        assert_eq!(resend.pending(), [0, 3, 4, 5]);
        // The second attempt sent rows 0, 3, 4, 5: its unwritten 1 is row 3.
        assert!(matches!(
            resend.settle(Err(failed(3, vec![1], lost()))),
            Next::Again(_)
        ));
        assert_eq!(resend.pending(), [3]);
        let report = InsertReport {
            rows: 1,
            affected: 1,
            statements: 1,
            retries: 0,
        };
        let Next::Done(Ok(done)) = resend.settle(Ok(report)) else {
            panic!("expected success");
        };
        assert_eq!((done.rows, done.retries), (6, 2));
    }

    #[test]
    fn a_terminal_error_or_the_last_attempt_names_what_is_left() {
        let mut resend = Resend::new(Retry::NONE, "t", 4);
        let Next::Done(Err(Error::Insert {
            written, unwritten, ..
        })) = resend.settle(Err(failed(1, vec![1, 2, 3], lost())))
        else {
            panic!("expected the insert's error");
        };
        assert_eq!((written, unwritten), (1, vec![1, 2, 3]));

        // A refusal before anything was sent passes through as it came.
        let mut resend = Resend::new(Retry::default(), "t", 4);
        let Next::Done(Err(Error::NoRows)) = resend.settle(Err(Error::NoRows)) else {
            panic!("expected the error as it came");
        };
    }
}
