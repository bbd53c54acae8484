//! The network side of the emulator: taosAdapter's `/ws` WebSocket endpoint
//! and its `/rest/sql` HTTP endpoint, both over one listener.

mod rest;
mod tcp;
mod ws;

pub(crate) use tcp::QuickListener;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, post};
use axum::Router;
use parking_lot::Mutex;
use tokio::sync::watch;

use crate::api::{Executor, Output, Session, TdError};

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
        }
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
    pub(crate) async fn run_in(
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
        .route("/rest/sql", post(rest::sql))
        .route("/rest/sql/{db}", post(rest::sql_in_db))
        // Like taosAdapter, accept large statements (axum's default is 2 MiB).
        .layer(DefaultBodyLimit::max(1 << 30))
        .with_state(state)
}
