//! A background [`Inserter`]: a tokio task owns it, producers send rows
//! through a bounded channel (back-pressure), and a timer flushes by period.

use tokio::sync::{mpsc, oneshot};

use super::{EndError, FlushReport, Inserter, InserterStats};
use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::table::TdTable;

/// Requests that must get through while rows wait: they travel beside
/// the bounded row channel, so `end` or `stats` is answered even when the
/// buffer is full and flushes keep failing.
enum Control<T> {
    Flush(oneshot::Sender<Result<FlushReport>>),
    Stats(oneshot::Sender<InserterStats>),
    End(oneshot::Sender<Ended<T>>),
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
/// [`InserterHandle::end`] on any handle stops the inserter at once (the
/// other handles' writes then hand their rows back), flushes everything
/// and hands back any row not written. When every handle is dropped
/// without `end`, or the task panics, the task still flushes what it can,
/// and every row it holds (the channel's included) goes to the inserter's
/// `on_drop` hook, or to [`take_orphaned`](super::take_orphaned), with an
/// error in the log.
pub struct InserterHandle<T> {
    rows: mpsc::Sender<T>,
    control: mpsc::UnboundedSender<Control<T>>,
}

type Ended<T> = Result<InserterStats, EndError<T>>;

impl<T> Clone for InserterHandle<T> {
    fn clone(&self) -> Self {
        InserterHandle {
            rows: self.rows.clone(),
            control: self.control.clone(),
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
        let (rows, rows_rx) = mpsc::channel(channel.max(1));
        let (control, control_rx) = mpsc::unbounded_channel();
        tokio::spawn(run(Task {
            inserter: self,
            rows: rows_rx,
            control: control_rx,
        }));
        InserterHandle { rows, control }
    }
}

/// The task's state. Dropping it, at the end or while a panic unwinds,
/// moves the rows still in the channel into the inserter, whose own drop
/// hands every row it holds over (`on_drop` or the orphan store).
struct Task<T: TdTable + Send + 'static, C: Connection> {
    inserter: Inserter<T, C>,
    rows: mpsc::Receiver<T>,
    control: mpsc::UnboundedReceiver<Control<T>>,
}

impl<T: TdTable + Send + 'static, C: Connection> Task<T, C> {
    /// Moves every row waiting in the channel into the buffer, past its
    /// cap if need be: they were accepted by `write` already.
    fn take_waiting_rows(&mut self) {
        while let Ok(row) = self.rows.try_recv() {
            self.inserter.push(row);
        }
    }
}

impl<T: TdTable + Send + 'static, C: Connection> Drop for Task<T, C> {
    fn drop(&mut self) {
        self.rows.close();
        self.take_waiting_rows();
    }
}

async fn run<T, C>(mut task: Task<T, C>)
where
    T: TdTable + Send + Sync + 'static,
    C: Connection + 'static,
{
    let end = loop {
        let inserter = &mut task.inserter;
        let full = inserter.pending.len() >= inserter.options.max_buffered_rows;
        let wait = inserter.time_left();
        let timer = async {
            match wait {
                Some(left) => tokio::time::sleep(left).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            control = task.control.recv() => match control {
                Some(Control::Flush(reply)) => {
                    // Everything written before the flush was asked for.
                    task.take_waiting_rows();
                    let _ = reply.send(task.inserter.flush().await);
                }
                Some(Control::Stats(reply)) => {
                    let _ = reply.send(task.inserter.stats());
                }
                Some(Control::End(reply)) => break Some(reply),
                // Every handle is gone (they hold both channels).
                None => break None,
            },
            row = task.rows.recv(), if !full => match row {
                Some(row) => {
                    inserter.push(row);
                    if inserter.flush_due() {
                        let _ = inserter.flush().await;
                    }
                }
                None => break None,
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
    };
    // Stop taking rows; those already sent are the inserter's.
    task.rows.close();
    task.take_waiting_rows();
    task.control.close();
    let result = task.inserter.flush().await;
    while let Ok(control) = task.control.try_recv() {
        match control {
            Control::Flush(reply) => {
                let _ = reply.send(Err(Error::InserterClosed));
            }
            Control::Stats(reply) => {
                let _ = reply.send(task.inserter.stats());
            }
            Control::End(reply) => {
                let _ = reply.send(Err(closed(Error::InserterClosed)));
            }
        }
    }
    let inserter = &mut task.inserter;
    match end {
        Some(reply) => {
            let ended = inserter.conclude(result);
            if let Err(Err(EndError { unwritten, .. })) = reply.send(ended) {
                // The caller of `end` is gone: the rows are not.
                inserter.pending = unwritten;
            }
        }
        None => {
            // Every handle was dropped without `end`: whatever could not be
            // written goes to the drop hook or the orphan store (with an
            // error logged) as the task's inserter drops.
            if let Err(error) = result {
                tracing::error!(target: "taos_orm::inserter", error = %error, "background inserter stopped without end()");
            }
        }
    }
}

fn closed<T>(error: Error) -> EndError<T> {
    EndError {
        error,
        unwritten: Vec::new(),
        stats: InserterStats::default(),
    }
}

impl<T: Send + 'static> InserterHandle<T> {
    /// Sends a row to the inserter, waiting while the channel is full.
    ///
    /// # Errors
    ///
    /// The row back when the inserter has stopped.
    pub async fn write(&self, row: T) -> Result<(), T> {
        self.rows
            .send(row)
            .await
            .map_err(|mpsc::error::SendError(row)| row)
    }

    /// Flushes everything the inserter holds now.
    pub async fn flush(&self) -> Result<FlushReport> {
        let (reply, answer) = oneshot::channel();
        self.control
            .send(Control::Flush(reply))
            .map_err(|_| Error::InserterClosed)?;
        answer.await.map_err(|_| Error::InserterClosed)?
    }

    /// The inserter's counters.
    pub async fn stats(&self) -> Result<InserterStats> {
        let (reply, answer) = oneshot::channel();
        self.control
            .send(Control::Stats(reply))
            .map_err(|_| Error::InserterClosed)?;
        answer.await.map_err(|_| Error::InserterClosed)
    }

    /// Stops the inserter (other handles' writes then hand their rows
    /// back), flushes everything, and returns the final counters. It does
    /// not wait for the other handles to be dropped.
    ///
    /// # Errors
    ///
    /// [`EndError`] with the rows not written; [`Error::InserterClosed`] in
    /// it when the inserter had already stopped (another handle's `end`, or
    /// a panic: its rows went to `on_drop` or the orphan store).
    pub async fn end(self) -> Result<InserterStats, EndError<T>> {
        let (reply, answer) = oneshot::channel();
        if self.control.send(Control::End(reply)).is_err() {
            return Err(closed(Error::InserterClosed));
        }
        match answer.await {
            Ok(ended) => ended,
            Err(_) => Err(closed(Error::InserterClosed)),
        }
    }
}
