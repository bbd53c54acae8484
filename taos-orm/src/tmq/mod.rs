//! Typed subscriptions: TMQ topics, and consumers that read their rows as
//! `#[derive(TdTable)]` (or `TdRow`) structs.
//!
//! A [`Topic`] is created over a typed query, a super table or a database
//! with [`Database::create_topic`](crate::Database::create_topic). A
//! [`Consumer`] joins a group ([`ConsumerOptions`]), subscribes to topics and
//! yields [`Message`]s: the decoded rows of one vgroup, with the topic,
//! vgroup and offset to commit. Delivery is at least once: see
//! [`Consumer`]. [`crate::blocking::Consumer`] is the
//! same for plain threads.

mod admin;
pub(crate) mod blocking;
mod consumer;
mod message;
mod options;
mod topic;

pub use consumer::{Assignment, Consumer};
pub use message::Message;
pub use options::{ConsumerOptions, OffsetReset};
pub use topic::{ConsumerInfo, SubscriptionInfo, Topic, TopicInfo, TopicQuery};
