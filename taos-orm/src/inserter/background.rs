//! A background [`Inserter`]: a tokio task owns it, producers send rows
//! through a bounded channel (back-pressure), and a timer flushes by period.

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::{EndError, FlushReport, Inserter, InserterStats};
use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::table::TdTable;

enum Message<T> {
    Row(T),
    Flush(oneshot::Sender<Result<FlushReport>>),
    Stats(oneshot::Sender<InserterStats>),
}

/// A cloneable handle on an [`Inserter`] running in a background task
/// ([`Inserter::spawn`]); any number of producers may write through it.
///
/// Writes wait while the channel is full (back-pressure). The task flushes
/// on the inserter's thresholds and on its period timer; a background flush
/// that fails keeps its rows and is retried at the next threshold or tick
/// (failures show in [`InserterHandle::stats`] and the log). While the
/// buffer is at [`max_buffered_rows`](super::InserterOptions::max_buffered_rows)
/// the task stops taking rows until a flush succeeds.
///
/// [`InserterHandle::end`] flushes everything and hands back any row not
/// written. When every handle is dropped without `end`, the task still
/// flushes what it holds, and the rows it cannot write go to the
/// inserter's `on_drop` hook (or are logged as lost).
pub struct InserterHandle<T> {
    tx: mpsc::Sender<Message<T>>,
    task: std::sync::Arc<tokio::sync::Mutex<Option<JoinHandle<Ended<T>>>>>,
}

type Ended<T> = Result<InserterStats, EndError<T>>;

impl<T> Clone for InserterHandle<T> {
    fn clone(&self) -> Self {
        InserterHandle {
            tx: self.tx.clone(),
            task: self.task.clone(),
        }
    }
}

impl<T, C> Inserter<T, C>
where
    T: TdTable + Send + Sync + 'static,
    C: Connection + 'static,
{
    /// Moves the inserter into a background task on the current tokio
    /// runtime; `channel` rows may wait in the channel before writers wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// use taos_orm::{Database, DatabaseOptions, Inserter, InserterOptions, TdTable};
    ///
    /// #[derive(Debug, TdTable)]
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
    /// let db = Database::create(std::sync::Arc::new(taos), &DatabaseOptions::new("bg")).await?;
    /// db.create_table::<Meter>().await?;
    /// let options = InserterOptions::default().period(Some(Duration::from_millis(50)));
    /// let handle = Inserter::new(db.clone(), options).spawn(1_024);
    /// let producers: Vec<_> = (0..4)
    ///     .map(|device| {
    ///         let handle = handle.clone();
    ///         tokio::spawn(async move {
    ///             for i in 0..100 {
    ///                 let row = Meter { ts: 1_700_000_000_000 + i, current: 1.0, device };
    ///                 handle.write(row).await.map_err(|_| "stopped")?;
    ///             }
    ///             Ok::<_, &str>(())
    ///         })
    ///     })
    ///     .collect();
    /// for p in producers {
    ///     p.await??;
    /// }
    /// let stats = handle.end().await?;
    /// assert_eq!(stats.rows_flushed, 400);
    /// # Ok(()) }
    /// ```
    pub fn spawn(self, channel: usize) -> InserterHandle<T> {
        let (tx, rx) = mpsc::channel(channel.max(1));
        let task = tokio::spawn(run(self, rx));
        InserterHandle {
            tx,
            task: std::sync::Arc::new(tokio::sync::Mutex::new(Some(task))),
        }
    }
}

async fn run<T, C>(mut inserter: Inserter<T, C>, mut rx: mpsc::Receiver<Message<T>>) -> Ended<T>
where
    T: TdTable + Send + Sync + 'static,
    C: Connection + 'static,
{
    loop {
        let full = inserter.pending.len() >= inserter.options.max_buffered_rows;
        let wait = inserter.time_left();
        let timer = async {
            match wait {
                Some(left) => tokio::time::sleep(left).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            message = rx.recv(), if !full => match message {
                Some(Message::Row(row)) => {
                    inserter.push(row);
                    if inserter.flush_due() {
                        let _ = inserter.flush().await;
                    }
                }
                Some(Message::Flush(reply)) => {
                    let _ = reply.send(inserter.flush().await);
                }
                Some(Message::Stats(reply)) => {
                    let _ = reply.send(inserter.stats());
                }
                None => break,
            },
            () = timer => {
                if inserter.flush().await.is_err() && full {
                    // Nothing can be taken in until a flush succeeds: pause
                    // like a retry rather than spin.
                    let retry = inserter.options.retry;
                    tokio::time::sleep(retry.backoff(retry.attempts)).await;
                }
            }
            () = tokio::time::sleep(std::time::Duration::from_millis(100)), if full && wait.is_none() => {
                let _ = inserter.flush().await;
            }
        }
    }
    inserter.end().await
}

impl<T: Send + 'static> InserterHandle<T> {
    /// Sends a row to the inserter, waiting while the channel is full.
    ///
    /// # Errors
    ///
    /// The row back when the inserter has stopped.
    pub async fn write(&self, row: T) -> Result<(), T> {
        match self.tx.send(Message::Row(row)).await {
            Err(mpsc::error::SendError(Message::Row(row))) => Err(row),
            _ => Ok(()),
        }
    }

    /// Flushes everything the inserter holds now.
    pub async fn flush(&self) -> Result<FlushReport> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Message::Flush(reply))
            .await
            .map_err(|_| Error::InserterClosed)?;
        answer.await.map_err(|_| Error::InserterClosed)?
    }

    /// The inserter's counters.
    pub async fn stats(&self) -> Result<InserterStats> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Message::Stats(reply))
            .await
            .map_err(|_| Error::InserterClosed)?;
        answer.await.map_err(|_| Error::InserterClosed)
    }

    /// Stops taking rows, flushes everything and returns the final counters
    /// once every other handle is dropped too.
    ///
    /// # Errors
    ///
    /// [`EndError`] with the rows not written; [`Error::InserterClosed`] in
    /// it when another handle's `end` already took the result.
    pub async fn end(self) -> Result<InserterStats, EndError<T>> {
        let InserterHandle { tx, task } = self;
        drop(tx);
        let handle = task.lock().await.take();
        let closed = |error| EndError {
            error,
            unwritten: Vec::new(),
            stats: InserterStats::default(),
        };
        match handle {
            Some(handle) => handle.await.map_err(|_| closed(Error::InserterClosed))?,
            None => Err(closed(Error::InserterClosed)),
        }
    }
}
