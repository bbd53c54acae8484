//! Topic DDL and the subscription lists, on the async and the blocking
//! `Database`: both run the same statements from [`super::topic`].

use super::topic::{self, ConsumerInfo, SubscriptionInfo, Topic, TopicInfo};
use crate::blocking::{self, SyncConnection};
use crate::connection::Connection;
use crate::database::Database;
use crate::error::Result;

impl<C: Connection> Database<C> {
    /// Creates `topic` over this database unless a topic of that name
    /// exists (`CREATE TOPIC IF NOT EXISTS`).
    ///
    /// ```
    /// use taos_orm::tmq::Topic;
    /// use taos_orm::{Database, DatabaseOptions, TdTable};
    ///
    /// #[derive(TdTable)]
    /// #[taos(stable = "meters", child = "d{device}")]
    /// struct Meter { #[taos(ts)] ts: i64, voltage: i32, #[taos(tag)] device: i32 }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = taos_emulator::Emulator::start().await?;
    /// let taos = taos_orm::connect(&emulator.dsn()).await?;
    /// let db = Database::create(&taos, &DatabaseOptions::new("topics_doc")).await?;
    /// db.create_table::<Meter>().await?;
    /// db.create_topic(&Topic::query("topics_doc_high", Meter::query().filter(|m| m.voltage.gt(230)))).await?;
    /// db.create_topic(&Topic::database("topics_doc_all")).await?;
    ///
    /// let mut kinds: Vec<(String, String)> =
    ///     db.topics().await?.into_iter().map(|t| (t.name, t.kind)).collect();
    /// kinds.sort();
    /// assert_eq!(kinds, [("topics_doc_all".into(), "db".into()), ("topics_doc_high".into(), "column".into())]);
    ///
    /// // A database cannot be dropped while it has topics.
    /// db.drop_topic("topics_doc_high").await?;
    /// db.drop_topic("topics_doc_all").await?;
    /// db.drop_database().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for what
    /// [`Topic::create_sql`] refuses; the server's error otherwise (a
    /// missing table, `0x2639` for a query it will not stream).
    pub async fn create_topic(&self, topic: &Topic) -> Result<()> {
        self.exec(&topic.create_sql(self.name(), self.precision())?)
            .await
            .map(drop)
    }

    /// Drops topic `name` if it exists. The server refuses while a
    /// consumer subscribes to it (`0x03EB`); see [`Database::drop_topic_force`].
    pub async fn drop_topic(&self, name: &str) -> Result<()> {
        self.exec(&topic::drop_sql(name, false)?).await.map(drop)
    }

    /// Drops topic `name` if it exists, unsubscribing its consumers
    /// (`DROP TOPIC … FORCE`).
    pub async fn drop_topic_force(&self, name: &str) -> Result<()> {
        self.exec(&topic::drop_sql(name, true)?).await.map(drop)
    }

    /// The topics over this database.
    pub async fn topics(&self) -> Result<Vec<TopicInfo>> {
        self.fetch_all(&topic::topics_sql(self.name())?).await
    }

    /// Every consumer of the cluster, a row per consumer and topic.
    pub async fn consumers(&self) -> Result<Vec<ConsumerInfo>> {
        self.fetch_all(topic::CONSUMERS_SQL).await
    }

    /// Every subscription of the cluster: a row per topic, group and vgroup.
    pub async fn subscriptions(&self) -> Result<Vec<SubscriptionInfo>> {
        self.fetch_all(topic::SUBSCRIPTIONS_SQL).await
    }
}

impl<C: SyncConnection> blocking::Database<C> {
    /// Creates `topic` over this database; see [`Database::create_topic`].
    pub fn create_topic(&self, topic: &Topic) -> Result<()> {
        self.exec(&topic.create_sql(self.name(), self.precision())?)
            .map(drop)
    }

    /// Drops topic `name` if it exists; see [`Database::drop_topic`].
    pub fn drop_topic(&self, name: &str) -> Result<()> {
        self.exec(&topic::drop_sql(name, false)?).map(drop)
    }

    /// Drops topic `name` if it exists, unsubscribing its consumers.
    pub fn drop_topic_force(&self, name: &str) -> Result<()> {
        self.exec(&topic::drop_sql(name, true)?).map(drop)
    }

    /// The topics over this database.
    pub fn topics(&self) -> Result<Vec<TopicInfo>> {
        self.fetch_all(&topic::topics_sql(self.name())?)
    }

    /// Every consumer of the cluster, a row per consumer and topic.
    pub fn consumers(&self) -> Result<Vec<ConsumerInfo>> {
        self.fetch_all(topic::CONSUMERS_SQL)
    }

    /// Every subscription of the cluster: a row per topic, group and vgroup.
    pub fn subscriptions(&self) -> Result<Vec<SubscriptionInfo>> {
        self.fetch_all(topic::SUBSCRIPTIONS_SQL)
    }
}
