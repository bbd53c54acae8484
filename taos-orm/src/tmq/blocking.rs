//! The blocking consumer: the async [`Consumer`](super::Consumer) driven to
//! completion on the `taos` client's own runtime, as its sync API is.

use std::time::Duration;

use taos::taos_query::block_in_place_or_global as block_on;

use super::consumer::{self, Assignment};
use super::message::Message;
use super::options::ConsumerOptions;
use crate::error::Result;
use crate::table::TdRow;

/// The blocking twin of [`crate::tmq::Consumer`], for plain threads: the
/// same delivery, offsets and errors.
///
/// ```
/// use taos_orm::tmq::{ConsumerOptions, Topic};
/// use taos_orm::{blocking, DatabaseOptions, TdTable};
///
/// #[derive(Debug, TdTable)]
/// #[taos(stable = "meters", child = "d{device}")]
/// struct Meter { #[taos(ts)] ts: i64, voltage: i32, #[taos(tag)] device: i32 }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = taos_emulator::Emulator::start_blocking()?;
/// # let dsn = emulator.dsn();
/// use taos::sync::TBuilder;
/// let taos = taos::sync::TaosBuilder::from_dsn(&dsn)?.build()?;
/// let db = blocking::Database::create(&taos, &DatabaseOptions::new("tmq_sync_doc"))?;
/// db.create_table::<Meter>()?;
/// db.create_topic(&Topic::query("tmq_sync_doc", Meter::query()))?;
/// db.insert([Meter { ts: 1_700_000_000_000, voltage: 240, device: 1 }].iter())?;
///
/// let consumer = blocking::Consumer::<Meter>::subscribe(&dsn, &ConsumerOptions::new("g"), ["tmq_sync_doc"])?;
/// for message in consumer.iter() {
///     let message = message?;
///     assert_eq!(message.rows()[0].voltage, 240);
///     consumer.commit(&message)?;
///     break;
/// }
/// consumer.unsubscribe();
/// db.drop_topic("tmq_sync_doc")?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Consumer<T>(consumer::Consumer<T>);

impl<T: TdRow> Consumer<T> {
    /// See [`crate::tmq::Consumer::subscribe`].
    pub fn subscribe<S: AsRef<str>>(
        dsn: &str,
        options: &ConsumerOptions,
        topics: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        block_on(consumer::Consumer::subscribe(dsn, options, topics)).map(Consumer)
    }

    /// The topics subscribed to.
    pub fn topics(&self) -> &[String] {
        self.0.topics()
    }

    /// See [`crate::tmq::Consumer::recv_timeout`].
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<Message<T>>> {
        block_on(self.0.recv_timeout(timeout))
    }

    /// See [`crate::tmq::Consumer::recv`].
    pub fn recv(&self) -> Result<Message<T>> {
        block_on(self.0.recv())
    }

    /// The messages as they arrive, without end (see
    /// [`crate::tmq::Consumer::stream`]).
    pub fn iter(&self) -> impl Iterator<Item = Result<Message<T>>> + '_ {
        std::iter::repeat_with(|| self.recv())
    }

    /// See [`crate::tmq::Consumer::commit`].
    pub fn commit(&self, message: &Message<T>) -> Result<()> {
        block_on(self.0.commit(message))
    }

    /// See [`crate::tmq::Consumer::commit_all`].
    pub fn commit_all(&self) -> Result<()> {
        block_on(self.0.commit_all())
    }

    /// See [`crate::tmq::Consumer::assignments`].
    pub fn assignments(&self) -> Vec<Assignment> {
        block_on(self.0.assignments())
    }

    /// See [`crate::tmq::Consumer::seek`].
    pub fn seek(&mut self, topic: &str, vgroup_id: i32, offset: i64) -> Result<()> {
        block_on(self.0.seek(topic, vgroup_id, offset))
    }

    /// See [`crate::tmq::Consumer::committed`].
    pub fn committed(&self, topic: &str, vgroup_id: i32) -> Result<Option<i64>> {
        block_on(self.0.committed(topic, vgroup_id))
    }

    /// See [`crate::tmq::Consumer::position`].
    pub fn position(&self, topic: &str, vgroup_id: i32) -> Result<Option<i64>> {
        block_on(self.0.position(topic, vgroup_id))
    }

    /// See [`crate::tmq::Consumer::unsubscribe`].
    pub fn unsubscribe(self) {
        block_on(self.0.unsubscribe());
    }
}
