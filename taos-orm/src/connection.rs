//! Where operations get their connection from: one `Taos`, or a pool.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use taos::{Taos, TaosBuilder};

use crate::error::{Error, Result};
use crate::failover::FailoverManager;
use crate::redact::redact_dsn;

/// A source of async connections: a [`Taos`], a reference or `Arc` to one, or
/// the deadpool pool that `TaosBuilder::pool()` returns.
///
/// Each operation of a [`Database`](crate::Database) acquires a connection for
/// its duration, so a pool spreads concurrent operations over its connections.
pub trait Connection: Send + Sync {
    /// The acquired connection.
    type Guard<'a>: Deref<Target = Taos> + Send
    where
        Self: 'a;

    /// Acquires a connection (a pool may wait for a free one).
    fn acquire(&self) -> impl Future<Output = Result<Self::Guard<'_>>> + Send;

    /// Gives back a connection an operation found lost
    /// ([`Failure::Connection`](crate::error::Failure::Connection)), so that
    /// it is not handed out again: a pool drops it, a [`Failover`](crate::Failover)
    /// connects anew. By default it is simply released.
    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        drop(guard);
    }

    /// An operation on this source's connection got no answer in time: the
    /// connection may be dead (a WebSocket whose server died can leave a
    /// request unanswered). A [`Failover`](crate::Failover) makes its next
    /// connection anew; others do nothing (a pool checks each connection
    /// it hands out).
    fn suspect(&self) {}

    /// Whether the source's connections outlive a handle over it, so that
    /// the handle may keep native prepared statements (which need the
    /// connection that made them) between calls: true for a single
    /// connection, false (the default) for pools, whose connections come
    /// and go. WebSocket statements hold their own connection and are kept
    /// either way.
    const KEEPS_STATEMENTS: bool = false;
}

impl Connection for Taos {
    type Guard<'a> = &'a Taos;

    const KEEPS_STATEMENTS: bool = true;

    async fn acquire(&self) -> Result<&Taos> {
        Ok(self)
    }
}

/// Shares one source between handles and tasks (an `Arc<Taos>`, an
/// `Arc<Failover>`).
impl<C: Connection> Connection for Arc<C> {
    type Guard<'a>
        = C::Guard<'a>
    where
        Self: 'a;

    const KEEPS_STATEMENTS: bool = C::KEEPS_STATEMENTS;

    fn acquire(&self) -> impl Future<Output = Result<Self::Guard<'_>>> + Send {
        (**self).acquire()
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        (**self).discard(guard)
    }

    fn suspect(&self) {
        (**self).suspect()
    }
}

impl<C: Connection> Connection for &C {
    type Guard<'a>
        = C::Guard<'a>
    where
        Self: 'a;

    fn acquire(&self) -> impl Future<Output = Result<Self::Guard<'_>>> + Send {
        (**self).acquire()
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        (**self).discard(guard)
    }

    fn suspect(&self) {
        (**self).suspect()
    }

    const KEEPS_STATEMENTS: bool = C::KEEPS_STATEMENTS;
}

/// Opens one connection from a DSN (`ws://host:6041`, `wss://host?token=…`,
/// `taos://host:6030`).
///
/// A DSN may list several endpoints of one cluster
/// (`taos://h1:6030,h2:6030`, `ws://h1:6041,h2:6041`): the first that
/// accepts a connection is used (each gets [`PROBE_TIMEOUT`](crate::failover::PROBE_TIMEOUT)
/// to accept TCP). The connection stays on that endpoint; for one that is
/// made again elsewhere when lost, use a [`Failover`](crate::Failover) or a [`pool`].
///
/// The WebSocket client connects lazily; this sends `SELECT SERVER_VERSION()`
/// so that a wrong address or password fails here rather than at the first
/// statement.
///
/// ```no_run
/// # async fn demo() -> taos_orm::Result<()> {
/// let taos = taos_orm::connect("ws://localhost:6041").await?;
/// let any = taos_orm::connect("taos://db1:6030,db2:6030,db3:6030").await?;
/// # Ok(()) }
/// ```
pub async fn connect(dsn: &str) -> Result<Taos> {
    use tracing::Instrument;
    let span = tracing::debug_span!("taos_orm.connect", dsn = %redact_dsn(dsn));
    crate::failover::connect_first(dsn).instrument(span).await
}

/// A deadpool pool of connections to `dsn`, made through its endpoints as
/// [`connect`] does (the first that answers). A connection that fails its
/// check when taken from the pool, or that an operation found lost, is
/// dropped and the next one made, to another endpoint if need be.
///
/// ```no_run
/// # async fn demo() -> taos_orm::Result<()> {
/// let pool = taos_orm::pool("ws://localhost:6041")?;
/// let db = taos_orm::Database::open(pool, "power").await?;
/// # Ok(()) }
/// ```
pub fn pool(dsn: &str) -> Result<Pool> {
    Pool::builder(FailoverManager::new(dsn)?)
        .max_size(POOL_SIZE)
        // A check on a connection whose server died may never be answered.
        .recycle_timeout(Some(RECYCLE_TIMEOUT))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Pool(e.to_string()))
}

/// The most connections a [`pool`] opens: `taos`'s own default.
const POOL_SIZE: usize = 500;

/// How long the check of a pooled connection may take before the
/// connection is dropped.
const RECYCLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The pool [`pool`] builds.
pub type Pool = deadpool::managed::Pool<FailoverManager>;

impl Connection for Pool {
    type Guard<'a> = deadpool::managed::Object<FailoverManager>;

    async fn acquire(&self) -> Result<Self::Guard<'_>> {
        self.get().await.map_err(pool_error)
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        drop(deadpool::managed::Object::take(guard));
    }
}

/// `taos`'s own deadpool pool, as `TaosBuilder::from_dsn(dsn)?.pool()?`
/// builds it: one endpoint.
impl Connection for taos::Pool<TaosBuilder> {
    type Guard<'a> = deadpool::managed::Object<taos::taos_query::Manager<TaosBuilder>>;

    async fn acquire(&self) -> Result<Self::Guard<'_>> {
        self.get().await.map_err(pool_error)
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        drop(deadpool::managed::Object::take(guard));
    }
}

fn pool_error<E: Into<Error> + std::fmt::Display>(e: deadpool::managed::PoolError<E>) -> Error {
    match e {
        deadpool::managed::PoolError::Backend(e) => e.into(),
        other => Error::Pool(other.to_string()),
    }
}
