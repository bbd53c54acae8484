//! The typed consumer: polls the `taos` client's TMQ consumer and decodes
//! each message into `T`.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::time::Duration;

use futures::{FutureExt, Stream};
use taos::{AsAsyncConsumer, AsyncTBuilder, IsOffset, MessageSet, Timeout};

use super::message::{self, Message};
use super::options::ConsumerOptions;
use crate::error::{Error, Result};
use crate::table::TdRow;

/// The native client's "no committed offset" (`TSDB_CODE_TMQ_NO_COMMITTED`).
const NO_COMMITTED: u32 = 0x4011;

/// A vgroup of a topic assigned to this consumer, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The topic.
    pub topic: String,
    /// The vgroup.
    pub vgroup_id: i32,
    /// Where the consumer started reading the vgroup, as the server
    /// reports it (not moved by polls: [`Consumer::position`] says where
    /// the next poll starts).
    pub offset: i64,
    /// The oldest offset the write log still holds.
    pub begin: i64,
    /// The offset after the vgroup's newest write.
    pub end: i64,
}

/// A member of a consumer group reading rows of `T` from topics.
///
/// Built on the `taos` client's TMQ consumer (`TmqBuilder`), so it speaks
/// native TMQ to `taos://` and taosAdapter's `/rest/tmq` to `ws://` and
/// `wss://` DSNs.
///
/// # Delivery
///
/// At least once, with auto commit off (the default of
/// [`ConsumerOptions`]):
/// - every row written to a topic's tables after its group's committed
///   offset is delivered to one consumer of the group, in write order per
///   child table;
/// - [`commit`](Consumer::commit) of a message (or
///   [`commit_all`](Consumer::commit_all)) moves the group's offset of
///   that vgroup past it;
/// - whatever a consumer received but did not commit is delivered again
///   to the group's next consumer of that vgroup: after a restart, or
///   when a rebalance hands the vgroup to another member;
/// - the consumers of one group share the topic's vgroups, so each row
///   goes to one of them; consumers of different groups each get every row;
/// - a new group starts where [`OffsetReset`](crate::tmq::OffsetReset)
///   says: `Earliest` replays what the write log holds.
///
/// Handle each message before committing it, and make handling idempotent
/// (a row may come twice after a failure).
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
/// use taos_orm::tmq::{Consumer, ConsumerOptions, Topic};
/// use taos_orm::{Database, DatabaseOptions, TdTable};
///
/// #[derive(Debug, TdTable)]
/// #[taos(stable = "meters", child = "d{device}")]
/// struct Meter {
///     #[taos(ts)]
///     ts: i64,
///     voltage: i32,
///     #[taos(tag)]
///     device: i32,
/// }
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = taos_emulator::Emulator::start().await?;
/// # let dsn = emulator.dsn();
/// let taos = taos_orm::connect(&dsn).await?;
/// let db = Database::create(&taos, &DatabaseOptions::new("tmq_doc")).await?;
/// db.create_table::<Meter>().await?;
/// let high = Topic::query("tmq_doc_high", Meter::query().filter(|m| m.voltage.gt(230)));
/// db.create_topic(&high).await?;
/// db.insert([Meter { ts: 1_700_000_000_000, voltage: 240, device: 1 },
///            Meter { ts: 1_700_000_000_000, voltage: 220, device: 2 }].iter()).await?;
///
/// let consumer = Consumer::<Meter>::subscribe(&dsn, &ConsumerOptions::new("doc"), ["tmq_doc_high"]).await?;
/// let message = consumer.stream().next().await.expect("a message")?;
/// assert_eq!(message.rows().len(), 1);
/// assert_eq!(message.rows()[0].device, 1);
/// consumer.commit(&message).await?;
/// consumer.unsubscribe().await;
/// db.drop_topic("tmq_doc_high").await?;
/// # Ok(())
/// # }
/// ```
pub struct Consumer<T> {
    inner: taos::Consumer,
    topics: Vec<String>,
    /// The offset after the newest message received, per topic and vgroup:
    /// what [`Consumer::commit_all`] commits.
    seen: Mutex<BTreeMap<(String, i32), i64>>,
    _rows: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Consumer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("topics", &self.topics)
            .field("row", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

impl<T: TdRow> Consumer<T> {
    /// Connects to `dsn` as a member of `options`' group and subscribes to
    /// `topics` (names as created, not database-qualified).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for bad options or no topic; the
    /// server's error when it cannot connect or a topic does not exist.
    pub async fn subscribe<S: AsRef<str>>(
        dsn: &str,
        options: &ConsumerOptions,
        topics: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let topics: Vec<String> = topics
            .into_iter()
            .map(|t| t.as_ref().to_ascii_lowercase())
            .collect();
        if topics.is_empty() {
            return Err(Error::InvalidArgument(
                "a consumer needs at least one topic".into(),
            ));
        }
        let mut inner = taos::TmqBuilder::from_dsn(options.dsn(dsn)?)?
            .build()
            .await?;
        inner.subscribe(topics.clone()).await?;
        Ok(Consumer {
            inner,
            topics,
            seen: Mutex::new(BTreeMap::new()),
            _rows: PhantomData,
        })
    }

    /// The topics subscribed to.
    pub fn topics(&self) -> &[String] {
        &self.topics
    }

    /// The next message, waiting at most `timeout`; `None` when nothing
    /// arrived in time. Messages without rows (a database topic's schema
    /// changes) are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::Topic`] when the message cannot be fetched or a row not
    /// decoded (the message is then not delivered: it comes again to the
    /// group unless a later one is committed); the client's error when the
    /// poll fails.
    pub async fn recv_timeout(&self, timeout: Duration) -> Result<Option<Message<T>>> {
        // No deadline for a timeout past the clock's range (`Duration::MAX`).
        let deadline = tokio::time::Instant::now().checked_add(timeout);
        loop {
            let left = deadline.map_or(timeout, |d| {
                d.saturating_duration_since(tokio::time::Instant::now())
            });
            let Some((offset, set)) = self.inner.recv_timeout(Timeout::Duration(left)).await?
            else {
                return Ok(None);
            };
            let data = match &set {
                MessageSet::Data(data) | MessageSet::MetaData(_, data) => Some(data),
                MessageSet::Meta(_) => None,
            };
            let position = self
                .inner
                .position(offset.topic(), offset.vgroup_id())
                .await?;
            let message = message::decode::<T>(&offset, position, data).await?;
            self.seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert((message.topic.clone(), message.vgroup_id), position);
            if data.is_some() {
                return Ok(Some(message));
            }
        }
    }

    /// The next message, waiting as long as it takes.
    ///
    /// # Errors
    ///
    /// As [`Consumer::recv_timeout`].
    pub async fn recv(&self) -> Result<Message<T>> {
        loop {
            if let Some(message) = self.recv_timeout(Duration::from_secs(3600)).await? {
                return Ok(message);
            }
        }
    }

    /// The messages as they arrive, without end: an error is yielded in
    /// place of the message that failed and polling goes on.
    pub fn stream(&self) -> impl Stream<Item = Result<Message<T>>> + Unpin + '_ {
        Box::pin(futures::stream::unfold(self, |c| async move {
            Some((c.recv().await, c))
        }))
    }

    /// Commits `message` for the group: its vgroup's next poll, by this
    /// consumer or the group's next one, starts after it.
    ///
    /// # Errors
    ///
    /// The server's error, e.g. when the vgroup is no longer assigned to
    /// this consumer.
    pub async fn commit(&self, message: &Message<T>) -> Result<()> {
        self.inner
            .commit_offset(&message.topic, message.vgroup_id, message.offset)
            .await?;
        Ok(())
    }

    /// Commits everything received so far, on every topic and vgroup.
    ///
    /// # Errors
    ///
    /// The first commit the server refuses (the others are still tried).
    pub async fn commit_all(&self) -> Result<()> {
        let seen: Vec<((String, i32), i64)> = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let mut first = None;
        for ((topic, vgroup), offset) in seen {
            if let Err(e) = self.inner.commit_offset(&topic, vgroup, offset).await {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), |e| Err(e.into()))
    }

    /// The vgroups assigned to this consumer, with their offsets. Empty
    /// until the group has shared out the vgroups (after the first poll).
    pub async fn assignments(&self) -> Vec<Assignment> {
        let topics = self.inner.assignments().await.unwrap_or_default();
        topics
            .into_iter()
            .flat_map(|(topic, vgroups)| {
                vgroups.into_iter().map(move |a| Assignment {
                    topic: topic.clone(),
                    vgroup_id: a.vgroup_id(),
                    offset: a.current_offset(),
                    begin: a.begin(),
                    end: a.end(),
                })
            })
            .collect()
    }

    /// Moves this consumer's position on a vgroup assigned to it to
    /// `offset` (between the assignment's `begin` and `end`): the next poll
    /// reads from there. Committed offsets do not change.
    ///
    /// # Errors
    ///
    /// The server's error for a vgroup not assigned or an offset out of range.
    pub async fn seek(&mut self, topic: &str, vgroup_id: i32, offset: i64) -> Result<()> {
        self.inner.offset_seek(topic, vgroup_id, offset).await?;
        Ok(())
    }

    /// The group's committed offset of a vgroup; `None` when nothing was
    /// committed.
    ///
    /// # Errors
    ///
    /// The server's error, e.g. for a vgroup not assigned to this consumer.
    pub async fn committed(&self, topic: &str, vgroup_id: i32) -> Result<Option<i64>> {
        no_offset(self.inner.committed(topic, vgroup_id).await)
    }

    /// Where this consumer's next poll of a vgroup starts; `None` when it
    /// has no position there yet.
    ///
    /// # Errors
    ///
    /// The server's error, e.g. for a vgroup not assigned to this consumer.
    pub async fn position(&self, topic: &str, vgroup_id: i32) -> Result<Option<i64>> {
        no_offset(self.inner.position(topic, vgroup_id).await)
    }

    /// Leaves the group, waiting for the server to take note: the group's
    /// other members (or its next one) get this consumer's vgroups.
    /// Dropping a consumer leaves too, without waiting.
    pub async fn unsubscribe(self) {
        // The WebSocket client panics when the server's answer does not
        // come (a socket already closed); leaving is then already done.
        let _ = std::panic::AssertUnwindSafe(self.inner.unsubscribe())
            .catch_unwind()
            .await;
    }
}

/// An offset read, with both protocols' "none" as `None`: the native
/// client's 0x4011 error and taosAdapter's negative sentinel
/// (-2147467247); offsets themselves are never negative.
fn no_offset(read: taos::RawResult<i64>) -> Result<Option<i64>> {
    match read {
        Ok(offset) if offset < 0 => Ok(None),
        Ok(offset) => Ok(Some(offset)),
        Err(e) => {
            let e = Error::from(e);
            if e.code() == Some(NO_COMMITTED) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, crate::TdRow)]
    struct Row {
        #[allow(dead_code)]
        ts: i64,
    }

    // A compile-time check: this test builds only while a consumer, its
    // stream and its futures can move to other tasks (`tokio::spawn`).
    #[test]
    fn consumers_and_their_streams_move_between_tasks() {
        fn send_sync<S: Send + Sync>(_: &S) {}
        fn send<S: Send>(_: &S) {}
        let check = |c: &Consumer<Row>| {
            send_sync(c);
            send(&c.stream());
            send(&c.recv_timeout(Duration::ZERO));
        };
        let _ = check;
    }

    #[test]
    fn no_offset_is_none_on_both_protocols() {
        assert_eq!(no_offset(Ok(-2147467247)).unwrap(), None);
        assert_eq!(no_offset(Ok(0)).unwrap(), Some(0));
        let native = taos::Error::new(0x4011, "no committed offset");
        assert_eq!(no_offset(Err(native)).unwrap(), None);
        let other = taos::Error::new(0x03E1, "Topic not exist");
        assert_eq!(no_offset(Err(other)).unwrap_err().code(), Some(0x03E1));
    }
}
