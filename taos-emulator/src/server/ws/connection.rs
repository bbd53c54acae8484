//! The state of one WebSocket connection and the handling of its requests.
//!
//! Login state is only touched by the socket's reader task, in frame order,
//! so `version` is always answered first and `conn` before anything it
//! enables. Queries run on the blocking pool and answer whenever they finish
//! (the client matches replies by `req_id`); fetches are answered inline
//! because their blocks are already built.

use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use tokio::sync::{mpsc, Notify};

use super::reply::{FetchStep, QueryOutcome, RawFetch, Reply, StmtExtra};
use super::request::{ConnArgs, Request, StmtOp};
use super::results::{block_summary, Current, Next, ResultStore};
use super::stmt::{Exec, Statements};
use crate::api::{Output, Session, TdError};
use crate::server::{Refused, ServerState};

/// A reply on its way to the writer, with the time its request arrived.
pub(crate) type Outgoing = (Reply, Instant);

/// TDengine's code for a wrong user or password.
const AUTH_FAILURE: u32 = 0x0357;

/// One client connection.
pub(crate) struct Connection {
    state: Arc<ServerState>,
    logged_in: bool,
    session: Arc<Mutex<Session>>,
    results: Arc<ResultStore>,
    statements: Statements,
    out: mpsc::Sender<Outgoing>,
    /// Notified when an injected fault drops this connection.
    kill: Arc<Notify>,
}

/// The socket's writer has gone: the connection is over.
#[derive(Debug)]
pub(crate) struct Disconnected;

impl Connection {
    pub(crate) fn new(
        state: Arc<ServerState>,
        out: mpsc::Sender<Outgoing>,
        kill: Arc<Notify>,
    ) -> Self {
        Connection {
            state,
            logged_in: false,
            session: Arc::default(),
            results: Arc::default(),
            statements: Statements::default(),
            out,
            kill,
        }
    }

    /// Handles one request, answering it unless it is `free_result`.
    pub(crate) async fn handle(&mut self, request: Request) -> Result<(), Disconnected> {
        let started = Instant::now();
        let reply = match request {
            Request::Version { req_id } => Some(Reply::Version {
                req_id,
                version: self.state.version.clone(),
            }),
            Request::Conn(args) => Some(self.connect(args).await),
            Request::CheckServerStatus { req_id } => Some(Reply::ServerStatus { req_id }),
            // Never answered, logged in or not: the client has no reply type
            // for these and would fail on one.
            Request::FreeResult { id } => {
                self.results.free(id);
                None
            }
            Request::Stmt {
                stmt_id,
                op: StmtOp::Close,
                ..
            } => {
                self.statements.close(stmt_id);
                None
            }
            Request::Invalid {
                action,
                req_id,
                stmt_id: None,
                message,
            } => Some(Reply::adapter_error(action, req_id, message)),
            Request::Invalid {
                action,
                req_id,
                stmt_id: Some(stmt_id),
                message,
            } => Some(Reply::StmtError {
                action,
                req_id,
                stmt_id,
                error: TdError::new(super::reply::ADAPTER_ERROR, message),
            }),
            Request::Stmt {
                req_id,
                stmt_id,
                ref op,
            } if !self.logged_in => Some(Reply::StmtError {
                action: op.action().to_owned(),
                req_id,
                stmt_id,
                error: TdError::new(super::reply::ADAPTER_ERROR, "server not connected"),
            }),
            other if !self.logged_in => {
                let (action, req_id) = other.action_and_req_id();
                Some(Reply::adapter_error(action, req_id, "server not connected"))
            }
            Request::Stmt {
                req_id,
                stmt_id,
                op,
            } => self.statement(req_id, stmt_id, op).await,
            Request::Query {
                action,
                req_id,
                sql,
            } => {
                self.spawn_query(action, req_id, sql, started);
                None
            }
            Request::Schemaless {
                req_id,
                protocol,
                precision,
                data,
            } => {
                self.spawn_schemaless(req_id, protocol, precision, data, started);
                None
            }
            Request::FetchRaw { req_id, id } => Some(Reply::RawBlock {
                req_id,
                id,
                fetch: match self.results.next(id) {
                    Some(Next::Block(block)) => RawFetch::Block(block),
                    Some(Next::Finished) => RawFetch::Finished,
                    None => RawFetch::Failed(result_is_nil()),
                },
            }),
            Request::FetchRawInvalid {
                req_id,
                id,
                message,
            } => Some(Reply::RawBlock {
                req_id,
                id,
                fetch: RawFetch::Failed(TdError::new(super::reply::ADAPTER_ERROR, message)),
            }),
            Request::Fetch { req_id, id } => Some(self.fetch(req_id, id)),
            Request::FetchBlock { req_id, id } => Some(match self.results.current(id) {
                Current::Block(block) => Reply::FetchBlock { id, block },
                Current::NotFetched => Reply::adapter_error("fetch_block", req_id, "block is nil"),
                Current::Unknown => Reply::error("fetch_block", req_id, result_is_nil()),
            }),
            Request::OptionsConnection { req_id } => Some(Reply::Done {
                action: "options_connection",
                req_id,
            }),
            Request::CurrentDb { req_id } => Some(Reply::CurrentDb {
                req_id,
                db: self.session.lock().database.clone().unwrap_or_default(),
            }),
            Request::ServerInfo { req_id } => Some(Reply::ServerInfo {
                req_id,
                info: self.state.version.clone(),
            }),
        };
        match reply {
            Some(reply) => self
                .out
                .send((reply, started))
                .await
                .map_err(|_| Disconnected),
            // Queries answer from their own task; free_result and stmt
            // close are never answered.
            None => Ok(()),
        }
    }

    async fn connect(&mut self, args: ConnArgs) -> Reply {
        let req_id = args.req_id;
        if self.logged_in {
            return Reply::adapter_error("conn", req_id, "duplicate connections");
        }
        if !self.state.credentials_match(&args.user, &args.password) {
            return Reply::error(
                "conn",
                req_id,
                TdError::new(AUTH_FAILURE, "Authentication failure"),
            );
        }
        if let Some(db) = args.db.filter(|db| !db.is_empty()) {
            // The real connect fails for a missing database; let the engine
            // decide with its own error.
            let mut session = Session::default();
            let sql = format!("USE {db}");
            match self.state.run_unlogged(&mut session, sql).await {
                Ok(_) => *self.session.lock() = session,
                Err(error) => return Reply::error("conn", req_id, error),
            }
        }
        self.logged_in = true;
        Reply::Connected {
            req_id,
            version: self.state.version.clone(),
        }
    }

    /// Runs a stmt action; `close` is never answered (the client has no
    /// reply type for it).
    async fn statement(&mut self, req_id: u64, stmt_id: u64, op: StmtOp) -> Option<Reply> {
        let action = op.action();
        let result = match op {
            StmtOp::Init => Ok((self.statements.init(), StmtExtra::None)),
            StmtOp::Prepare(sql) => self
                .statements
                .prepare(stmt_id, &sql)
                .map(|is_insert| (stmt_id, StmtExtra::IsInsert(is_insert))),
            StmtOp::SetTableName(name) => self
                .statements
                .set_table_name(stmt_id, &name)
                .map(|()| (stmt_id, StmtExtra::None)),
            StmtOp::SetTags(tags) => self
                .statements
                .set_tags(stmt_id, &tags)
                .map(|()| (stmt_id, StmtExtra::None)),
            StmtOp::BindBlock(block) => self
                .statements
                .bind_block(stmt_id, block)
                .map(|()| (stmt_id, StmtExtra::None)),
            StmtOp::BindJson(columns) => self
                .statements
                .bind_json(stmt_id, &columns)
                .map(|()| (stmt_id, StmtExtra::None)),
            StmtOp::AddBatch => self
                .statements
                .add_batch(stmt_id)
                .map(|()| (stmt_id, StmtExtra::None)),
            StmtOp::Exec => match self.exec_statement(stmt_id).await {
                Ok(affected) => Ok((stmt_id, StmtExtra::Affected(affected))),
                Err(Refused::Error(e)) => Err(e),
                Err(Refused::Drop) => {
                    self.kill.notify_one();
                    return None;
                }
            },
            StmtOp::Close => {
                self.statements.close(stmt_id);
                return None;
            }
        };
        Some(match result {
            Ok((stmt_id, extra)) => Reply::Stmt {
                action,
                req_id,
                stmt_id,
                extra,
            },
            Err(error) => Reply::StmtError {
                action: action.to_owned(),
                req_id,
                stmt_id,
                error,
            },
        })
    }

    /// Writes everything bound since the last exec: natively through the
    /// engine's columnar insert (all or nothing), or as INSERT statements.
    async fn exec_statement(&mut self, stmt_id: u64) -> Result<usize, Refused> {
        match self.statements.take_exec(
            stmt_id,
            self.state.native_bind(),
            self.state.recording(),
        )? {
            Exec::Bound(batches, rows, rendered) => {
                let label = self.statements.sql(stmt_id).to_owned();
                self.state
                    .run_bound(Arc::clone(&self.session), &label, rows, batches, rendered)
                    .await
            }
            Exec::Sql(inserts) => {
                let mut affected = 0;
                for sql in inserts {
                    if let Output::Affected(rows) = self
                        .state
                        .run_checked(Arc::clone(&self.session), sql)
                        .await?
                    {
                        affected += rows;
                    }
                }
                Ok(affected)
            }
        }
    }

    fn spawn_query(&self, action: &'static str, req_id: u64, sql: String, started: Instant) {
        let state = Arc::clone(&self.state);
        let session = Arc::clone(&self.session);
        let results = Arc::clone(&self.results);
        let out = self.out.clone();
        let kill = Arc::clone(&self.kill);
        tokio::spawn(async move {
            let reply = match state.run_checked(session, sql).await {
                Ok(output) => Reply::Query {
                    action,
                    req_id,
                    outcome: register(&results, output),
                },
                Err(Refused::Error(error)) => Reply::error(action, req_id, error),
                Err(Refused::Drop) => return kill.notify_one(),
            };
            // A closed socket just drops the reply.
            let _ = out.send((reply, started)).await;
        });
    }

    /// Runs schemaless lines on the blocking pool; the reply is always under
    /// action `insert`, because the client's schemaless reader panics on
    /// any other action.
    fn spawn_schemaless(
        &self,
        req_id: u64,
        protocol: u32,
        precision: String,
        data: String,
        started: Instant,
    ) {
        let state = Arc::clone(&self.state);
        let session = self.session.lock().clone();
        let out = self.out.clone();
        let kill = Arc::clone(&self.kill);
        tokio::spawn(async move {
            let outcome = match state.fault(&data) {
                Err(Refused::Drop) => return kill.notify_one(),
                Err(Refused::Error(error)) => Err(error),
                Ok(delay) => {
                    let outcome = match state.engine.clone() {
                        None => Err(TdError::new(
                            super::reply::ADAPTER_ERROR,
                            "schemaless needs the emulator's engine",
                        )),
                        Some(engine) => tokio::task::spawn_blocking(move || {
                            engine.insert_schemaless(&session, protocol, &precision, &data)
                        })
                        .await
                        .unwrap_or_else(|_| {
                            Err(TdError::new(0x3005, "Internal error in schemaless"))
                        }),
                    };
                    crate::server::hold(delay).await;
                    outcome
                }
            };
            let reply = match outcome {
                Ok(_) => Reply::Done {
                    action: "insert",
                    req_id,
                },
                Err(error) => Reply::error("insert", req_id, error),
            };
            let _ = out.send((reply, started)).await;
        });
    }

    fn fetch(&self, req_id: u64, id: u64) -> Reply {
        let step = match self.results.next(id) {
            Some(Next::Block(block)) => {
                let (rows, lengths) = block_summary(&block);
                FetchStep::Block { rows, lengths }
            }
            Some(Next::Finished) => FetchStep::Completed,
            None => return Reply::error("fetch", req_id, result_is_nil()),
        };
        Reply::Fetch { req_id, id, step }
    }
}

/// Turns engine output into what the query reply announces, opening a result
/// set when there is something to fetch.
fn register(results: &ResultStore, output: Output) -> QueryOutcome {
    match output {
        Output::Affected(rows) => QueryOutcome::Affected(rows),
        // A result without columns must never be fetched: the client would
        // panic on the first block. Report it as a statement instead.
        Output::Rows(result) if result.fields.is_empty() => QueryOutcome::Affected(0),
        Output::Rows(result) => {
            let fields = result.fields.clone();
            let precision = result.precision;
            let id = results.insert(result);
            QueryOutcome::Rows {
                id,
                fields,
                precision,
            }
        }
    }
}

fn result_is_nil() -> TdError {
    TdError::new(super::reply::ADAPTER_ERROR, "result is nil")
}
