//! Several endpoints for one cluster: connect to the first that answers,
//! and when a connection is lost, make the next one to another endpoint.
//!
//! A TDengine cluster answers on every dnode (native `6030`) and every
//! taosAdapter (`6041`). A DSN may list several, `taos://h1:6030,h2:6030`
//! or `ws://h1:6041,h2:6041`; the `taos` client parses that but connects
//! to the first address only, and a connection it made stays dead once its
//! endpoint dies. [`Failover`] is a connection source that knows them all.

mod endpoints;
mod manager;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use taos::{Taos, TaosBuilder};

use crate::error::{Error, Result};
pub(crate) use endpoints::endpoints;
use endpoints::{probe, probe_blocking, unreachable, Endpoint};
pub use manager::FailoverManager;

/// How long an endpoint may take to accept a TCP connection before the
/// next one is tried.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A connection source over several endpoints of one cluster: one
/// connection at a time, made to the first endpoint that answers, and made
/// again to the next one when an operation finds it lost
/// ([`Failure::Connection`](crate::error::Failure::Connection)).
///
/// Give it to a [`Database`](crate::Database) (or a
/// [`blocking::Database`](crate::blocking::Database)) like a `Taos`. The
/// operation that meets the lost connection fails (the inserts retry it,
/// per [`Database::with_retry`](crate::Database::with_retry)); the next one
/// gets the new connection.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = taos_emulator::Emulator::start().await?;
/// # let live = emulator.addr();
/// // The first endpoint is down: the second serves.
/// let dead = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?; // then closed
/// let source = taos_orm::Failover::connect(&format!("ws://{dead},{live}")).await?;
/// assert_eq!(source.endpoint().as_deref(), Some(live.to_string().as_str()));
/// let db = taos_orm::Database::create(source, &taos_orm::DatabaseOptions::new("power")).await?;
/// # Ok(()) }
/// ```
pub struct Failover {
    endpoints: Vec<(Endpoint, TaosBuilder)>,
    state: Mutex<State>,
    probe_timeout: Duration,
}

#[derive(Default)]
struct State {
    /// The connection and the index of its endpoint.
    current: Option<(usize, Arc<Taos>)>,
    /// Where the next connect starts: after the endpoint last lost.
    start: usize,
    /// Connections made after the first.
    reconnects: u64,
    made: u64,
}

/// Leaves the DSNs out: they hold the password.
impl std::fmt::Debug for Failover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let addrs: Vec<&Endpoint> = self.endpoints.iter().map(|(e, _)| e).collect();
        f.debug_struct("Failover")
            .field("endpoints", &addrs)
            .field("current", &self.endpoint())
            .finish_non_exhaustive()
    }
}

impl Failover {
    /// A source over the endpoints of `dsn`; no I/O until the first
    /// operation.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a DSN the client cannot parse, or
    /// whose driver it does not know.
    pub fn new(dsn: &str) -> Result<Self> {
        use taos::AsyncTBuilder;
        let endpoints = endpoints(dsn)?
            .into_iter()
            .map(|e| {
                let builder = TaosBuilder::from_dsn(e.dsn.clone())?;
                Ok((e, builder))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Failover {
            endpoints,
            state: Mutex::default(),
            probe_timeout: PROBE_TIMEOUT,
        })
    }

    /// [`Failover::new`], connected: fails unless some endpoint answers.
    pub async fn connect(dsn: &str) -> Result<Self> {
        let source = Failover::new(dsn)?;
        source.current().await?;
        Ok(source)
    }

    /// [`Failover::connect`] for code without an async runtime.
    pub fn connect_blocking(dsn: &str) -> Result<Self> {
        let source = Failover::new(dsn)?;
        source.current_blocking()?;
        Ok(source)
    }

    /// How long each endpoint may take to accept a TCP connection before
    /// the next is tried (default [`PROBE_TIMEOUT`]).
    pub fn with_probe_timeout(mut self, timeout: Duration) -> Self {
        self.probe_timeout = timeout;
        self
    }

    /// The `host:port` of the endpoint connected to now, if any.
    pub fn endpoint(&self) -> Option<String> {
        let state = self.lock();
        let (i, _) = state.current.as_ref()?;
        Some(self.endpoints[*i].0.addr.clone())
    }

    /// Connections made after the first: how often a lost connection was
    /// replaced.
    pub fn reconnects(&self) -> u64 {
        self.lock().reconnects
    }

    /// Forgets `taos` if it is the current connection, so that the next
    /// operation connects anew, starting at the next endpoint.
    fn forget(&self, taos: &Taos) {
        let mut state = self.lock();
        if let Some((i, current)) = &state.current {
            if std::ptr::eq(Arc::as_ptr(current), taos) {
                let next = (i + 1) % self.endpoints.len();
                tracing::warn!(
                    target: "taos_orm::failover",
                    endpoint = %self.endpoints[*i].0.addr,
                    "connection lost"
                );
                state.current = None;
                state.start = next;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The endpoints in the order to try them now.
    fn order(&self) -> impl Iterator<Item = usize> {
        let n = self.endpoints.len();
        let start = self.lock().start;
        (0..n).map(move |k| (start + k) % n)
    }

    fn adopt(&self, i: usize, taos: Taos) -> Arc<Taos> {
        let mut state = self.lock();
        if let Some((_, raced)) = &state.current {
            // Another task connected meanwhile: share its connection.
            return Arc::clone(raced);
        }
        let taos = Arc::new(taos);
        if state.made > 0 {
            state.reconnects += 1;
        }
        state.made += 1;
        tracing::info!(target: "taos_orm::failover", endpoint = %self.endpoints[i].0.addr, "connected");
        state.current = Some((i, Arc::clone(&taos)));
        taos
    }

    fn existing(&self) -> Option<Arc<Taos>> {
        self.lock().current.as_ref().map(|(_, t)| Arc::clone(t))
    }

    async fn current(&self) -> Result<Arc<Taos>> {
        if let Some(taos) = self.existing() {
            return Ok(taos);
        }
        let (i, taos) = self.make().await?;
        Ok(self.adopt(i, taos))
    }

    fn current_blocking(&self) -> Result<Arc<Taos>> {
        if let Some(taos) = self.existing() {
            return Ok(taos);
        }
        let (i, taos) = self.make_blocking()?;
        Ok(self.adopt(i, taos))
    }

    /// A new connection to the first endpoint, in [`Failover::order`],
    /// that accepts TCP and then the client.
    pub(crate) async fn make(&self) -> Result<(usize, Taos)> {
        use taos::{AsyncQueryable, AsyncTBuilder};
        let mut tried = Vec::new();
        for i in self.order() {
            let (endpoint, builder) = &self.endpoints[i];
            if let Err(e) = probe(&endpoint.addr, self.probe_timeout).await {
                tried.push((endpoint.addr.clone(), e.to_string()));
                continue;
            }
            let made = async {
                let taos = builder.build().await?;
                // The WebSocket client connects lazily: make it answer.
                let _: Option<String> = taos.query_one("SELECT SERVER_VERSION()").await?;
                Ok::<_, Error>(taos)
            };
            match made.await {
                Ok(taos) => return Ok((i, taos)),
                Err(e) if e.is_retriable() => tried.push((endpoint.addr.clone(), e.to_string())),
                // A wrong password is wrong everywhere.
                Err(e) => return Err(e),
            }
        }
        Err(unreachable(&tried))
    }

    /// [`Failover::make`] for code without a runtime.
    pub(crate) fn make_blocking(&self) -> Result<(usize, Taos)> {
        use taos::sync::{Queryable, TBuilder};
        let mut tried = Vec::new();
        for i in self.order() {
            let (endpoint, builder) = &self.endpoints[i];
            if let Err(e) = probe_blocking(&endpoint.addr, self.probe_timeout) {
                tried.push((endpoint.addr.clone(), e.to_string()));
                continue;
            }
            let made = (|| {
                let taos = TBuilder::build(builder)?;
                let _: Option<String> = taos.query_one("SELECT SERVER_VERSION()")?;
                Ok::<_, Error>(taos)
            })();
            match made {
                Ok(taos) => return Ok((i, taos)),
                Err(e) if e.is_retriable() => tried.push((endpoint.addr.clone(), e.to_string())),
                Err(e) => return Err(e),
            }
        }
        Err(unreachable(&tried))
    }

    /// Makes the next connect start at endpoint `i`, which answered.
    pub(crate) fn prefer(&self, i: usize) {
        self.lock().start = i;
    }
}

impl crate::Connection for Failover {
    type Guard<'a> = Arc<Taos>;

    async fn acquire(&self) -> Result<Arc<Taos>> {
        self.current().await
    }

    fn suspect(&self) {
        let current = self.existing();
        if let Some(taos) = current {
            self.forget(&taos);
        }
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        self.forget(&guard);
    }
}

impl crate::blocking::SyncConnection for Failover {
    type Guard<'a> = Arc<Taos>;

    fn acquire(&self) -> Result<Arc<Taos>> {
        self.current_blocking()
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        self.forget(&guard);
    }
}

/// Connects to the first endpoint of `dsn` that answers (see
/// [`crate::connect`]).
pub(crate) async fn connect_first(dsn: &str) -> Result<Taos> {
    Ok(Failover::new(dsn)?.make().await?.1)
}
