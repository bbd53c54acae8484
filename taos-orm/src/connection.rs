//! Where operations get their connection from: one `Taos`, or a pool.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use taos::{Taos, TaosBuilder};

use crate::error::{Error, Result};
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

impl Connection for Arc<Taos> {
    type Guard<'a> = &'a Taos;

    const KEEPS_STATEMENTS: bool = true;

    async fn acquire(&self) -> Result<&Taos> {
        Ok(self)
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

    const KEEPS_STATEMENTS: bool = C::KEEPS_STATEMENTS;
}

/// Opens one connection from a DSN (`ws://host:6041`, `wss://host?token=…`,
/// `taos://host:6030`).
///
/// The WebSocket client connects lazily; this sends `SELECT SERVER_VERSION()`
/// so that a wrong address or password fails here rather than at the first
/// statement.
///
/// ```no_run
/// # async fn demo() -> taos_orm::Result<()> {
/// let taos = taos_orm::connect("ws://localhost:6041").await?;
/// # Ok(()) }
/// ```
pub async fn connect(dsn: &str) -> Result<Taos> {
    use taos::{AsyncQueryable, AsyncTBuilder};
    use tracing::Instrument;
    let span = tracing::debug_span!("taos_orm.connect", dsn = %redact_dsn(dsn));
    async {
        let taos = TaosBuilder::from_dsn(dsn)?.build().await?;
        let _: Option<String> = taos.query_one("SELECT SERVER_VERSION()").await?;
        Ok(taos)
    }
    .instrument(span)
    .await
}

/// Builds `taos`'s deadpool pool of connections to `dsn`.
///
/// ```no_run
/// # async fn demo() -> taos_orm::Result<()> {
/// let pool = taos_orm::pool("ws://localhost:6041")?;
/// let db = taos_orm::Database::open(pool, "power").await?;
/// # Ok(()) }
/// ```
pub fn pool(dsn: &str) -> Result<Pool> {
    use taos::AsyncTBuilder;
    Ok(TaosBuilder::from_dsn(dsn)?.pool()?)
}

/// `taos`'s deadpool pool, as built by `TaosBuilder::from_dsn(dsn)?.pool()?`.
pub type Pool = taos::Pool<TaosBuilder>;

impl Connection for Pool {
    type Guard<'a> = deadpool::managed::Object<taos::taos_query::Manager<TaosBuilder>>;

    async fn acquire(&self) -> Result<Self::Guard<'_>> {
        self.get().await.map_err(|e| match e {
            deadpool::managed::PoolError::Backend(e) => Error::from(e),
            other => Error::Pool(other.to_string()),
        })
    }
}
