//! The boundary between the protocol server and the SQL engine.
//!
//! The server only moves bytes: it hands SQL text to an engine and streams the
//! engine's result blocks back. Keeping the boundary this small lets the
//! protocol layer be tested on its own and keeps engine locks out of the
//! network path (a result is fully built before the first block is sent).

use taos_query::common::{Precision, Ty};

/// A TDengine error: the low 16 bits of the code (e.g. `0x2603`) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TdError {
    /// Low 16 bits of the TDengine code; clients see it as `0x8000xxxx`.
    pub code: u32,
    /// The message, as TDengine words it (`Table does not exist`).
    pub message: String,
}

impl TdError {
    /// An error with a code and message.
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        TdError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for TdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{:#06x}] {}", self.code, self.message)
    }
}

impl std::error::Error for TdError {}

/// Per-connection state the engine reads and updates (`USE db`).
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The current database, set by the connection's `db` or by `USE`.
    pub database: Option<String>,
}

/// One column of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// The result column name.
    pub name: String,
    /// Its TDengine type.
    pub ty: Ty,
    /// Its display length in bytes (`fields_lengths`).
    pub bytes: u32,
}

/// A finished query result: fields plus raw blocks ready to send.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// The result columns.
    pub fields: Vec<FieldInfo>,
    /// Precision of TIMESTAMP columns in the blocks.
    pub precision: Precision,
    /// Raw blocks as produced by `taos_query`'s `views_to_raw_block`, in order.
    pub blocks: Vec<Vec<u8>>,
    /// Total number of rows over all blocks.
    pub rows: usize,
}

/// What a statement produced.
#[derive(Debug, Clone)]
pub enum Output {
    /// A statement without a result set (DDL, INSERT): the affected row count.
    Affected(usize),
    /// A result set.
    Rows(QueryResult),
}

/// Runs SQL for the protocol server.
pub trait Executor: Send + Sync + 'static {
    /// Runs one statement in `session`.
    fn execute(&self, session: &mut Session, sql: &str) -> Result<Output, TdError>;
}
