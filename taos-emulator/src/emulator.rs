//! Starting and stopping an emulator.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::Executor;
use crate::engine::Engine;
use crate::server::{self, Fault, Faults, ServerState, StatementLog};

/// The version the emulator announces. It is at least 3.3.0.8, so the
/// `taos` client picks the binary query protocol.
pub const SERVER_VERSION: &str = "3.3.6.0";

/// How long a shutdown waits for open HTTP requests before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running emulator: a taosAdapter-compatible server on a local port,
/// backed by an in-memory [`Engine`].
///
/// Dropping it stops the server; connected clients see their sockets close.
///
/// ```
/// use taos::sync::{Queryable, TBuilder};
///
/// let emulator = taos_emulator::Emulator::start_blocking()?;
/// let taos = taos::TaosBuilder::from_dsn(emulator.dsn())?.build()?;
/// taos.exec("CREATE DATABASE power")?;
/// taos.exec("CREATE TABLE power.t (ts TIMESTAMP, v INT)")?;
/// assert_eq!(taos.exec("INSERT INTO power.t VALUES (NOW, 1)")?, 1);
/// let count: Option<i64> = taos.query_one("SELECT COUNT(*) FROM power.t")?;
/// assert_eq!(count, Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// In async code, start it on the current runtime with [`Emulator::start`]
/// and stop it with [`Emulator::shutdown`].
pub struct Emulator {
    addr: SocketAddr,
    engine: Option<Arc<Engine>>,
    executor: Arc<dyn Executor>,
    log: Option<Arc<StatementLog>>,
    faults: Arc<Faults>,
    token: Option<String>,
    stop: watch::Sender<bool>,
    runner: Option<Runner>,
}

/// Where the server runs.
enum Runner {
    /// A task on the caller's tokio runtime.
    Task(JoinHandle<()>),
    /// A thread with its own runtime (`start_blocking`).
    Thread(std::thread::JoinHandle<()>),
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("records_statements", &self.log.is_some())
            .finish_non_exhaustive()
    }
}

/// Where code under test should connect: the server named by `TAOS_DSN`, or
/// an emulator started because that variable is unset or empty.
///
/// Keep it alive as long as connections are in use: dropping it stops the
/// emulator it started.
#[derive(Debug)]
pub struct TestTarget {
    /// The DSN to connect to.
    pub dsn: String,
    /// The emulator started for it, if `TAOS_DSN` was unset.
    pub emulator: Option<Emulator>,
}

impl TestTarget {
    /// `TAOS_DSN` if set and non-empty, else a new emulator on the current
    /// tokio runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let target = taos_emulator::TestTarget::from_env().await?;
    /// // An emulator speaks WebSocket; a `TAOS_DSN` may name any protocol.
    /// match &target.emulator {
    ///     Some(emulator) => assert_eq!(target.dsn, emulator.dsn()),
    ///     None => assert_eq!(Some(target.dsn.as_str()), std::env::var("TAOS_DSN").ok().as_deref()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn from_env() -> io::Result<TestTarget> {
        match dsn_from_env() {
            Some(dsn) => Ok(TestTarget {
                dsn,
                emulator: None,
            }),
            None => Emulator::start().await.map(TestTarget::emulated),
        }
    }

    /// Like [`TestTarget::from_env`], for code without a tokio runtime.
    pub fn from_env_blocking() -> io::Result<TestTarget> {
        match dsn_from_env() {
            Some(dsn) => Ok(TestTarget {
                dsn,
                emulator: None,
            }),
            None => Emulator::start_blocking().map(TestTarget::emulated),
        }
    }

    /// A sentence saying where this target is, with any password or token
    /// of `TAOS_DSN` left out.
    pub fn describe(&self) -> String {
        match &self.emulator {
            Some(e) => format!(
                "TAOS_DSN is not set: started the in-process TDengine emulator at {}",
                e.dsn()
            ),
            None => {
                let host = self.dsn.split('?').next().unwrap_or_default();
                let host = host.rsplit('@').next().unwrap_or_default();
                format!("Using TDengine at {host} (from TAOS_DSN)")
            }
        }
    }

    fn emulated(emulator: Emulator) -> TestTarget {
        TestTarget {
            dsn: emulator.dsn(),
            emulator: Some(emulator),
        }
    }
}

fn dsn_from_env() -> Option<String> {
    std::env::var("TAOS_DSN")
        .ok()
        .filter(|dsn| !dsn.trim().is_empty())
}

impl Emulator {
    /// Starts an emulator on an ephemeral port of 127.0.0.1 on the current
    /// tokio runtime.
    pub async fn start() -> io::Result<Emulator> {
        Emulator::builder().start().await
    }

    /// Starts an emulator listening on `addr` (e.g. `127.0.0.1:6041`).
    pub async fn start_on(addr: SocketAddr) -> io::Result<Emulator> {
        Emulator::builder().listen(addr).start().await
    }

    /// Starts an emulator on an ephemeral port with its own runtime thread,
    /// for code that has no tokio runtime (the `taos` sync API).
    pub fn start_blocking() -> io::Result<Emulator> {
        Emulator::builder().start_blocking()
    }

    /// Configures an emulator before starting it.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The DSN for the `taos` client, e.g. `ws://127.0.0.1:41234`, with
    /// `?token=` when the emulator requires one.
    pub fn dsn(&self) -> String {
        match &self.token {
            Some(token) => format!("ws://{}?token={token}", self.addr),
            None => format!("ws://{}", self.addr),
        }
    }

    /// The engine holding the emulated databases; `None` when the emulator
    /// was built with a custom [`EmulatorBuilder::executor`].
    ///
    /// ```
    /// use taos_emulator::api::{Executor, Session};
    ///
    /// let emulator = taos_emulator::Emulator::start_blocking()?;
    /// let engine = emulator.engine().expect("the default engine");
    /// engine
    ///     .execute(&mut Session::default(), "CREATE DATABASE seeded")
    ///     .expect("DDL runs without a client");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn engine(&self) -> Option<&Arc<Engine>> {
        self.engine.as_ref()
    }

    /// The executor that runs the SQL (the engine unless replaced).
    pub fn executor(&self) -> &Arc<dyn Executor> {
        &self.executor
    }

    /// The SQL statements received over WebSocket and REST so far, in order.
    /// Empty unless enabled with [`EmulatorBuilder::record_statements`].
    pub fn statements(&self) -> Vec<String> {
        self.log.as_ref().map(|l| l.snapshot()).unwrap_or_default()
    }

    /// Injects `fault` from now on (see [`Fault`]); it counts matches from
    /// the next statement.
    pub fn inject(&self, fault: Fault) {
        self.faults.add(fault);
    }

    /// Forgets the statements recorded so far.
    pub fn clear_statements(&self) {
        if let Some(log) = &self.log {
            log.clear();
        }
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        match self.runner.take() {
            Some(Runner::Task(task)) => {
                let abort = task.abort_handle();
                if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                    abort.abort();
                }
            }
            Some(Runner::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        match self.runner.take() {
            // The graceful stop finishes on the caller's runtime by itself.
            Some(Runner::Task(task)) => drop(task),
            Some(Runner::Thread(thread)) => {
                let _ = thread.join();
            }
            None => {}
        }
    }
}

/// Options for an [`Emulator`].
///
/// ```
/// # #[tokio::main(flavor = "multi_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use taos::{AsyncQueryable, AsyncTBuilder};
///
/// let emulator = taos_emulator::Emulator::builder()
///     .record_statements(true)
///     .start()
///     .await?;
/// let taos = taos::TaosBuilder::from_dsn(emulator.dsn())?.build().await?;
/// taos.exec("CREATE DATABASE IF NOT EXISTS demo").await?;
/// assert_eq!(emulator.statements(), ["CREATE DATABASE IF NOT EXISTS demo"]);
/// drop(taos);
/// emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct EmulatorBuilder {
    engine: Option<Arc<Engine>>,
    executor: Option<Arc<dyn Executor>>,
    listen: Option<SocketAddr>,
    record: bool,
    version: Option<String>,
    faults: Vec<Fault>,
    token: Option<String>,
    allow_remote: bool,
    /// The faults of a [`crate::Cluster`], armed on all its nodes at once.
    shared_faults: Option<Arc<Faults>>,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("custom_engine", &self.engine.is_some())
            .field("custom_executor", &self.executor.is_some())
            .field("listen", &self.listen)
            .field("record", &self.record)
            .field("version", &self.version)
            .field("faults", &self.faults)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("allow_remote", &self.allow_remote)
            .finish()
    }
}

impl EmulatorBuilder {
    /// Serves `engine` instead of a fresh one, e.g. one prepared beforehand
    /// or shared with another emulator.
    pub fn engine(mut self, engine: Arc<Engine>) -> Self {
        self.engine = Some(engine);
        self.executor = None;
        self
    }

    /// Runs SQL with `executor` instead of an engine (protocol tests, fault
    /// injection). [`Emulator::engine`] is then `None`.
    pub fn executor(mut self, executor: Arc<dyn Executor>) -> Self {
        self.executor = Some(executor);
        self.engine = None;
        self
    }

    /// Listens on `addr` instead of an ephemeral port of 127.0.0.1.
    ///
    /// A non-loopback address is refused at start unless
    /// [`EmulatorBuilder::allow_remote`] says so: the emulator's login is
    /// the well-known `root` / `taosdata`.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// Allows a non-loopback [`listen`](EmulatorBuilder::listen) address,
    /// which exposes the emulator (and its default password) to the network.
    pub fn allow_remote(mut self, allow: bool) -> Self {
        self.allow_remote = allow;
        self
    }

    /// Requires `?token=` with this value on WebSocket connections, as a
    /// TDengine cloud gateway does; others get `401 Unauthorized`.
    /// [`Emulator::dsn`] then carries the token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Records every SQL statement received (see [`Emulator::statements`]).
    /// Bound statements (stmt) appear as the INSERTs they are run as.
    pub fn record_statements(mut self, record: bool) -> Self {
        self.record = record;
        self
    }

    /// Announces another server version. Versions below 3.3.0.8 make the
    /// `taos` client use the older JSON query protocol. The version must be
    /// four or fewer numeric parts starting with 3: the client panics on
    /// anything else.
    pub fn server_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Injects `fault` into the statements the emulator runs (see [`Fault`]).
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Shares `faults` with other emulators (the nodes of a cluster).
    pub(crate) fn shared_faults(mut self, faults: Arc<Faults>) -> Self {
        self.shared_faults = Some(faults);
        self
    }

    /// Starts the emulator on the current tokio runtime.
    pub async fn start(self) -> io::Result<Emulator> {
        let setup = self.prepare()?;
        let listener = TcpListener::bind(setup.addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let app = setup.app(stopped.clone());
        let task = tokio::spawn(serve(listener, app, stopped));
        Ok(setup.into_emulator(addr, stop, Runner::Task(task)))
    }

    /// Starts the emulator on a thread with its own tokio runtime.
    pub fn start_blocking(self) -> io::Result<Emulator> {
        let setup = self.prepare()?;
        // Everything async happens on the new thread, so this also works
        // when called from inside another runtime.
        let listener = std::net::TcpListener::bind(setup.addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let app = setup.app(stopped.clone());
        let (started, outcome) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("taos-emulator".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("taos-emulator")
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => return drop(started.send(Err(e))),
                };
                let listener = match runtime.block_on(async { TcpListener::from_std(listener) }) {
                    Ok(listener) => listener,
                    Err(e) => return drop(started.send(Err(e))),
                };
                let _ = started.send(Ok(()));
                runtime.block_on(serve(listener, app, stopped));
                runtime.shutdown_timeout(SHUTDOWN_GRACE);
            })?;
        match outcome.recv() {
            Ok(Ok(())) => Ok(setup.into_emulator(addr, stop, Runner::Thread(thread))),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(io::Error::other(
                "the emulator thread stopped while starting",
            )),
        }
    }

    fn prepare(self) -> io::Result<Setup> {
        let version = self.version.unwrap_or_else(|| SERVER_VERSION.to_owned());
        validate_version(&version)?;
        let (engine, executor): (_, Arc<dyn Executor>) = match (self.executor, self.engine) {
            (Some(executor), _) => (None, executor),
            (None, engine) => {
                let engine = engine.unwrap_or_default();
                (Some(Arc::clone(&engine)), engine)
            }
        };
        let log = self.record.then(Arc::default);
        let addr = self
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        if !addr.ip().is_loopback() && !self.allow_remote {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "refusing to listen on {addr}: not a loopback address, and the emulator's \
                     login is the default root/taosdata; allow it explicitly \
                     (EmulatorBuilder::allow_remote, or --allow-remote)"
                ),
            ));
        }
        Ok(Setup {
            addr,
            version,
            engine,
            executor,
            log,
            faults: match self.shared_faults {
                Some(shared) => {
                    self.faults.into_iter().for_each(|f| shared.add(f));
                    shared
                }
                None => Arc::new(Faults::new(self.faults)),
            },
            token: self.token,
        })
    }
}

/// A validated configuration.
struct Setup {
    addr: SocketAddr,
    version: String,
    engine: Option<Arc<Engine>>,
    executor: Arc<dyn Executor>,
    log: Option<Arc<StatementLog>>,
    faults: Arc<Faults>,
    token: Option<String>,
}

impl Setup {
    fn app(&self, stopped: watch::Receiver<bool>) -> axum::Router {
        let state = ServerState::new(
            Arc::clone(&self.executor),
            self.version.clone(),
            self.log.clone(),
            stopped,
        )
        .with_engine(self.engine.clone())
        .with_faults(Arc::clone(&self.faults))
        .with_token(self.token.clone());
        server::router(Arc::new(state))
    }

    fn into_emulator(
        self,
        addr: SocketAddr,
        stop: watch::Sender<bool>,
        runner: Runner,
    ) -> Emulator {
        Emulator {
            addr,
            engine: self.engine,
            executor: self.executor,
            log: self.log,
            faults: self.faults,
            token: self.token,
            stop,
            runner: Some(runner),
        }
    }
}

async fn serve(listener: TcpListener, app: axum::Router, mut stopped: watch::Receiver<bool>) {
    let signal = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let listener = server::QuickListener(listener);
    // Accept errors are retried inside axum; an error here means the
    // listener itself is gone, which only happens on shutdown.
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .await;
}

/// The client parses the version as up to four numeric parts and panics on
/// anything else, or on a major version other than 3.
fn validate_version(version: &str) -> io::Result<()> {
    let parts: Vec<&str> = version.split('.').collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if numeric && parts.len() <= 4 && parts[0] == "3" {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("server version {version:?} must look like 3.x.y.z"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emulators_can_live_in_statics() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Emulator>();
    }

    #[test]
    fn versions() {
        assert!(validate_version("3.3.6.0").is_ok());
        assert!(validate_version("3.1").is_ok());
        assert!(validate_version("3.3.6.0-alpha").is_err());
        assert!(validate_version("2.6.0.0").is_err());
        assert!(validate_version("3.3.6.0.1").is_err());
        assert!(validate_version("").is_err());
    }
}
