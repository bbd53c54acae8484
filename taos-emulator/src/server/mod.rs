//! The network side of the emulator: taosAdapter's `/ws` WebSocket endpoint
//! and its `/rest/sql` HTTP endpoint, both over one listener.

mod faults;
mod rest;
mod tcp;
mod tmq;
mod ws;

pub(crate) use faults::Faults;
pub use faults::{Fault, FaultAction};
pub(crate) use tcp::QuickListener;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, post};
use axum::Router;
use parking_lot::Mutex;
use tokio::sync::watch;

use crate::api::{Executor, Output, Session, TdError};
use crate::engine::bound::BoundBatch;
use crate::engine::Engine;

/// The user and password the emulator accepts, as on a fresh TDengine.
pub(crate) const USER: &str = "root";
pub(crate) const PASSWORD: &str = "taosdata";

/// The SQL statements received, in arrival order.
#[derive(Debug, Default)]
pub(crate) struct StatementLog(Mutex<Vec<String>>);

impl StatementLog {
    fn push(&self, sql: &str) {
        self.0.lock().push(sql.to_owned());
    }

    pub(crate) fn snapshot(&self) -> Vec<String> {
        self.0.lock().clone()
    }

    pub(crate) fn clear(&self) {
        self.0.lock().clear();
    }
}

/// What every connection shares.
pub(crate) struct ServerState {
    executor: Arc<dyn Executor>,
    /// The version announced in `version` and `conn` replies.
    pub(crate) version: String,
    log: Option<Arc<StatementLog>>,
    shutdown: watch::Receiver<bool>,
    /// The engine behind `executor`, when it is one: bound statements then
    /// go to its columnar insert instead of being rendered as SQL.
    engine: Option<Arc<Engine>>,
    faults: Arc<Faults>,
    /// The `?token=` a WebSocket connection must carry, when set.
    token: Option<String>,
}

/// Holds a reply back for an injected delay.
pub(crate) async fn hold(delay: Option<std::time::Duration>) {
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
}

/// Why a statement did not run.
#[derive(Debug)]
pub(crate) enum Refused {
    /// It failed (for real or by an injected fault).
    Error(TdError),
    /// An injected fault drops the connection.
    Drop,
}

impl From<TdError> for Refused {
    fn from(e: TdError) -> Self {
        Refused::Error(e)
    }
}

impl ServerState {
    pub(crate) fn new(
        executor: Arc<dyn Executor>,
        version: String,
        log: Option<Arc<StatementLog>>,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        ServerState {
            executor,
            version,
            log,
            shutdown,
            engine: None,
            faults: Arc::default(),
            token: None,
        }
    }

    /// Requires `token` on WebSocket connections.
    pub(crate) fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token;
        self
    }

    /// Whether a connection's query string carries the required token.
    pub(crate) fn token_matches(&self, given: Option<&str>) -> bool {
        match &self.token {
            None => true,
            Some(token) => given == Some(token.as_str()),
        }
    }

    /// Sends bound statements to `engine`'s columnar insert.
    pub(crate) fn with_engine(mut self, engine: Option<Arc<Engine>>) -> Self {
        self.engine = engine;
        self
    }

    /// Injects `faults` into the statements run.
    pub(crate) fn with_faults(mut self, faults: Arc<Faults>) -> Self {
        self.faults = faults;
        self
    }

    /// Whether bound statements go to the engine's columnar insert.
    pub(crate) fn native_bind(&self) -> bool {
        self.engine.is_some()
    }

    /// The injected fault `sql` hits, if any: a refusal, or how long to
    /// hold back the reply of a statement that runs.
    pub(crate) fn fault(&self, sql: &str) -> Result<Option<std::time::Duration>, Refused> {
        match self.faults.check(sql) {
            None => Ok(None),
            Some(FaultAction::Fail(e)) => Err(Refused::Error(e)),
            Some(FaultAction::Delay(delay)) => Ok(Some(delay)),
            Some(FaultAction::DropConnection) => Err(Refused::Drop),
        }
    }

    /// Client SQL with faults applied: a drop becomes [`Refused::Drop`].
    pub(crate) async fn run_checked(
        self: &Arc<Self>,
        session: Arc<Mutex<Session>>,
        sql: String,
    ) -> Result<Output, Refused> {
        let delay = self.fault(&sql)?;
        let output = self.run_unfaulted(session, sql).await;
        hold(delay).await;
        Ok(output?)
    }

    /// Whether statements are recorded.
    pub(crate) fn recording(&self) -> bool {
        self.log.is_some()
    }

    /// Bound batches through the engine's columnar insert on the blocking
    /// pool; `label` (the prepared SQL) is what faults see, and the log
    /// records the equivalent INSERTs (`rendered`) as it always has.
    pub(crate) async fn run_bound(
        self: &Arc<Self>,
        session: Arc<Mutex<Session>>,
        label: &str,
        rows: usize,
        batches: Vec<BoundBatch>,
        rendered: Option<Vec<String>>,
    ) -> Result<usize, Refused> {
        let delay = self.fault(label)?;
        if let Some(log) = &self.log {
            match rendered {
                Some(statements) => statements.iter().for_each(|s| log.push(s)),
                None => log.push(&format!("{label} /* {rows} rows bound */")),
            }
        }
        let Some(engine) = self.engine.clone() else {
            return Err(Refused::Error(TdError::new(
                0xFFFF,
                "no engine for bound rows",
            )));
        };
        let task = tokio::task::spawn_blocking(move || {
            let session = session.lock().clone();
            engine.insert_bound(&session, &batches)
        });
        let outcome = task.await.unwrap_or_else(|_| Err(engine_failure()));
        hold(delay).await;
        Ok(outcome?)
    }

    pub(crate) fn credentials_match(&self, user: &str, password: &str) -> bool {
        user == USER && password == PASSWORD
    }

    /// Turns `true` when the emulator shuts down.
    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.clone()
    }

    /// Runs client SQL in a connection's session on the blocking pool.
    ///
    /// The session lock is per connection and only held while the engine
    /// runs; the engine returns finished blocks, so nothing is locked while
    /// they are streamed.
    /// An injected fault fails the statement; one that drops connections
    /// fails it with "connection is broken" here, where there is no socket
    /// to drop (REST).
    pub(crate) async fn run_in(
        self: &Arc<Self>,
        session: Arc<Mutex<Session>>,
        sql: String,
    ) -> Result<Output, TdError> {
        match self.run_checked(session, sql).await {
            Ok(output) => Ok(output),
            Err(Refused::Error(e)) => Err(e),
            Err(Refused::Drop) => Err(TdError::new(0x0018, "Conn is broken")),
        }
    }

    async fn run_unfaulted(
        self: &Arc<Self>,
        session: Arc<Mutex<Session>>,
        sql: String,
    ) -> Result<Output, TdError> {
        if let Some(log) = &self.log {
            log.push(&sql);
        }
        let executor = Arc::clone(&self.executor);
        let task = tokio::task::spawn_blocking(move || executor.execute(&mut session.lock(), &sql));
        task.await.unwrap_or_else(|_| Err(engine_failure()))
    }

    /// Runs SQL the server issues on its own behalf (not logged).
    pub(crate) async fn run_unlogged(
        self: &Arc<Self>,
        session: &mut Session,
        sql: String,
    ) -> Result<Output, TdError> {
        let executor = Arc::clone(&self.executor);
        let mut owned = std::mem::take(session);
        let task = tokio::task::spawn_blocking(move || {
            let result = executor.execute(&mut owned, &sql);
            (owned, result)
        });
        match task.await {
            Ok((owned, result)) => {
                *session = owned;
                result
            }
            Err(_) => Err(engine_failure()),
        }
    }
}

/// The engine panicked; the connection survives and reports it.
fn engine_failure() -> TdError {
    tracing::warn!("the SQL engine panicked; the statement fails with 0xffff");
    TdError::new(
        0xffff,
        "internal error: the engine failed on this statement",
    )
}

/// The routes of taosAdapter the emulator serves.
pub(crate) fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/ws", any(ws::upgrade))
        .route("/rest/tmq", any(tmq::upgrade))
        .route("/rest/sql", post(rest::sql))
        .route("/rest/sql/{db}", post(rest::sql_in_db))
        // Like taosAdapter, accept large statements (axum's default is 2 MiB).
        .layer(DefaultBodyLimit::max(1 << 30))
        .with_state(state)
}
