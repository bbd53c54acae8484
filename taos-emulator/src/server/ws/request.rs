//! Parsing client frames into typed requests.
//!
//! Parsing never fails: a frame that cannot be understood becomes
//! [`Request::Invalid`], which carries what is needed to answer it under the
//! right action name and `req_id`, the way taosAdapter does.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

/// A parsed client frame.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Request {
    /// `version`.
    Version { req_id: u64 },
    /// `conn`.
    Conn(ConnArgs),
    /// SQL to run: JSON `query` or binary action 6.
    Query {
        action: &'static str,
        req_id: u64,
        sql: String,
    },
    /// JSON `fetch`.
    Fetch { req_id: u64, id: u64 },
    /// JSON `fetch_block`.
    FetchBlock { req_id: u64, id: u64 },
    /// Binary action 7.
    FetchRaw { req_id: u64, id: u64 },
    /// A binary action 7 that is malformed; answered in the binary format
    /// because that is where the client waits for it.
    FetchRawInvalid {
        req_id: u64,
        id: u64,
        message: String,
    },
    /// `free_result`: never answered.
    FreeResult { id: u64 },
    /// `options_connection`: accepted and ignored.
    OptionsConnection { req_id: u64 },
    /// `check_server_status`.
    CheckServerStatus { req_id: u64 },
    /// `get_current_db`.
    CurrentDb { req_id: u64 },
    /// `get_server_info`.
    ServerInfo { req_id: u64 },
    /// Schemaless `insert` (`taos.put`), sent on its own socket.
    Schemaless {
        req_id: u64,
        protocol: u32,
        precision: String,
        data: String,
    },
    /// A prepared-statement (stmt v1) action.
    Stmt {
        req_id: u64,
        stmt_id: u64,
        op: StmtOp,
    },
    /// Anything else: answered with an 0xffff error under `action` (and
    /// `stmt_id`, for statement actions, which the client routes by it).
    Invalid {
        action: String,
        req_id: u64,
        stmt_id: Option<u64>,
        message: String,
    },
}

/// A stmt v1 action.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum StmtOp {
    Init,
    Prepare(String),
    SetTableName(String),
    SetTags(Vec<Value>),
    /// Binary action 2: a raw block.
    BindBlock(Bytes),
    /// JSON `bind`: `columns[c][r]`.
    BindJson(Vec<Vec<Value>>),
    AddBatch,
    Exec,
    Close,
}

impl StmtOp {
    /// The action name replies carry.
    pub(crate) fn action(&self) -> &'static str {
        match self {
            StmtOp::Init => "init",
            StmtOp::Prepare(_) => "prepare",
            StmtOp::SetTableName(_) => "set_table_name",
            StmtOp::SetTags(_) => "set_tags",
            StmtOp::BindBlock(_) | StmtOp::BindJson(_) => "bind",
            StmtOp::AddBatch => "add_batch",
            StmtOp::Exec => "exec",
            StmtOp::Close => "close",
        }
    }
}

impl Request {
    /// The request's action name and `req_id`, for "server not connected" replies.
    pub(crate) fn action_and_req_id(&self) -> (&str, u64) {
        match self {
            Request::Version { req_id } => ("version", *req_id),
            Request::Conn(args) => ("conn", args.req_id),
            Request::Query { action, req_id, .. } => (action, *req_id),
            Request::Fetch { req_id, .. } => ("fetch", *req_id),
            Request::FetchBlock { req_id, .. } => ("fetch_block", *req_id),
            Request::FetchRaw { req_id, .. } | Request::FetchRawInvalid { req_id, .. } => {
                ("fetch_raw_block", *req_id)
            }
            Request::FreeResult { .. } => ("free_result", 0),
            Request::OptionsConnection { req_id } => ("options_connection", *req_id),
            Request::CheckServerStatus { req_id } => ("check_server_status", *req_id),
            Request::CurrentDb { req_id } => ("get_current_db", *req_id),
            Request::ServerInfo { req_id } => ("get_server_info", *req_id),
            Request::Schemaless { req_id, .. } => ("insert", *req_id),
            Request::Stmt { req_id, op, .. } => (op.action(), *req_id),
            Request::Invalid { action, req_id, .. } => (action, *req_id),
        }
    }
}

/// Arguments of `conn`. Newer clients send more fields (`tz`, `app`,
/// `connector`, ...); they are accepted and ignored.
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct ConnArgs {
    #[serde(default)]
    pub req_id: u64,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub db: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    action: String,
    #[serde(default)]
    args: Option<Value>,
}

#[derive(Deserialize)]
struct QueryArgs {
    #[serde(default)]
    req_id: u64,
    sql: String,
}

#[derive(Deserialize)]
struct ResultArgs {
    #[serde(default)]
    req_id: u64,
    #[serde(default)]
    id: u64,
}

#[derive(Deserialize)]
struct StmtArgs {
    #[serde(default)]
    req_id: u64,
    #[serde(default)]
    stmt_id: u64,
    #[serde(default)]
    sql: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    tags: Option<Vec<Value>>,
    #[serde(default)]
    columns: Option<Vec<Vec<Value>>>,
}

#[derive(Deserialize)]
struct SchemalessArgs {
    #[serde(default)]
    req_id: Option<u64>,
    protocol: u32,
    #[serde(default)]
    precision: Option<String>,
    data: String,
}

#[derive(Deserialize)]
struct ReqIdArgs {
    #[serde(default)]
    req_id: u64,
}

/// Parses a text frame.
pub(crate) fn parse_text(text: &str) -> Request {
    let Ok(envelope) = serde_json::from_str::<Envelope>(text) else {
        return invalid("", 0, "unmarshal request error");
    };
    let args = envelope.args.unwrap_or(Value::Null);
    let req_id = args.get("req_id").and_then(Value::as_u64).unwrap_or(0);
    let action = envelope.action;
    let parsed = match action.as_str() {
        "" => return invalid("", req_id, "request no action"),
        // `version` is sent without args.
        "version" => Some(Request::Version { req_id }),
        "conn" => from_args(&args).map(Request::Conn),
        "query" => from_args::<QueryArgs>(&args).map(|a| Request::Query {
            action: "query",
            req_id: a.req_id,
            sql: a.sql,
        }),
        "fetch" => from_args::<ResultArgs>(&args).map(|a| Request::Fetch {
            req_id: a.req_id,
            id: a.id,
        }),
        "fetch_block" => from_args::<ResultArgs>(&args).map(|a| Request::FetchBlock {
            req_id: a.req_id,
            id: a.id,
        }),
        "free_result" => from_args::<ResultArgs>(&args).map(|a| Request::FreeResult { id: a.id }),
        "options_connection" => {
            from_args::<ReqIdArgs>(&args).map(|a| Request::OptionsConnection { req_id: a.req_id })
        }
        "check_server_status" => {
            from_args::<ReqIdArgs>(&args).map(|a| Request::CheckServerStatus { req_id: a.req_id })
        }
        "get_current_db" => {
            from_args::<ReqIdArgs>(&args).map(|a| Request::CurrentDb { req_id: a.req_id })
        }
        "get_server_info" => {
            from_args::<ReqIdArgs>(&args).map(|a| Request::ServerInfo { req_id: a.req_id })
        }
        "insert" => from_args::<SchemalessArgs>(&args).map(|a| Request::Schemaless {
            req_id: a.req_id.unwrap_or(0),
            protocol: a.protocol,
            precision: a.precision.unwrap_or_default(),
            data: a.data,
        }),
        "init" | "prepare" | "set_table_name" | "set_tags" | "bind" | "add_batch" | "exec"
        | "close" => return parse_stmt(&action, &args, req_id),
        _ => {
            let message = format!("unknown action {action}");
            return invalid(&action, req_id, &message);
        }
    };
    parsed.unwrap_or_else(|| {
        let message = format!("unmarshal {} request error", action.replace('_', " "));
        invalid(&action, req_id, &message)
    })
}

fn parse_stmt(action: &str, args: &Value, req_id: u64) -> Request {
    let stmt_id = args.get("stmt_id").and_then(Value::as_u64);
    let op = from_args::<StmtArgs>(args).and_then(|a| {
        let op = match action {
            "init" => StmtOp::Init,
            "prepare" => StmtOp::Prepare(a.sql?),
            "set_table_name" => StmtOp::SetTableName(a.name?),
            "set_tags" => StmtOp::SetTags(a.tags?),
            "bind" => StmtOp::BindJson(a.columns?),
            "add_batch" => StmtOp::AddBatch,
            "exec" => StmtOp::Exec,
            _ => StmtOp::Close,
        };
        Some((a.req_id, a.stmt_id, op))
    });
    match op {
        Some((req_id, stmt_id, op)) => Request::Stmt {
            req_id,
            stmt_id,
            op,
        },
        None => Request::Invalid {
            action: action.to_owned(),
            req_id,
            stmt_id,
            message: format!("unmarshal stmt {} request error", action.replace('_', " ")),
        },
    }
}

fn from_args<T: for<'de> Deserialize<'de>>(args: &Value) -> Option<T> {
    T::deserialize(args).ok()
}

fn invalid(action: &str, req_id: u64, message: &str) -> Request {
    Request::Invalid {
        action: action.to_owned(),
        req_id,
        stmt_id: None,
        message: message.to_owned(),
    }
}

const BINARY_HEADER: usize = 24;
const STMT_BIND: u64 = 2;
const BINARY_QUERY: u64 = 6;
const FETCH_RAW_BLOCK: u64 = 7;
const PROTOCOL_VERSION: u16 = 1;

/// Parses a binary frame: `u64 req_id | u64 resource id | u64 action | ...`.
pub(crate) fn parse_binary(frame: Bytes) -> Request {
    if frame.len() < BINARY_HEADER {
        return invalid("", 0, "message length is too short");
    }
    let req_id = le_u64(&frame, 0);
    let resource_id = le_u64(&frame, 8);
    let action = le_u64(&frame, 16);
    match action {
        STMT_BIND => Request::Stmt {
            req_id,
            stmt_id: resource_id,
            op: StmtOp::BindBlock(frame.slice(BINARY_HEADER..)),
        },
        BINARY_QUERY => parse_binary_query(&frame, req_id),
        FETCH_RAW_BLOCK => parse_fetch_raw(&frame, req_id, resource_id),
        _ => {
            let message = format!("unknown binary action {action}");
            invalid(binary_action_name(action), req_id, &message)
        }
    }
}

/// taosAdapter's names for binary actions; unsupported ones still get their
/// proper name in the error reply.
fn binary_action_name(action: u64) -> &'static str {
    match action {
        1 => "set_tags",
        3 => "write_raw",
        4 => "write_raw_block",
        5 => "write_raw_block_with_fields",
        9 => "stmt2_bind",
        10 => "validate_sql",
        11 => "stmt2_bind_exec",
        _ => "unknown",
    }
}

/// `... | u16 version | u32 sql_len | sql`.
fn parse_binary_query(frame: &[u8], req_id: u64) -> Request {
    const ACTION: &str = "binary_query";
    if frame.len() < 31 {
        return invalid(ACTION, req_id, "message length is too short");
    }
    let version = le_u16(frame, 24);
    if version != PROTOCOL_VERSION {
        let message = format!("unknown binary query version:{version}");
        return invalid(ACTION, req_id, &message);
    }
    let sql_len = le_u32(frame, 26) as usize;
    let remaining = frame.len() - 30;
    if remaining < sql_len {
        let message =
            format!("uncompleted message, sql length:{sql_len}, remainMessageLength:{remaining}");
        return invalid(ACTION, req_id, &message);
    }
    match std::str::from_utf8(&frame[30..30 + sql_len]) {
        Ok(sql) => Request::Query {
            action: ACTION,
            req_id,
            sql: sql.to_owned(),
        },
        Err(_) => invalid(ACTION, req_id, "sql is not valid UTF-8"),
    }
}

/// `... | u16 version`.
fn parse_fetch_raw(frame: &[u8], req_id: u64, id: u64) -> Request {
    let message = if frame.len() < 26 {
        "message length is too short"
    } else if le_u16(frame, 24) != PROTOCOL_VERSION {
        "unknown fetch raw block version"
    } else {
        return Request::FetchRaw { req_id, id };
    };
    Request::FetchRawInvalid {
        req_id,
        id,
        message: message.to_owned(),
    }
}

fn le_u64(frame: &[u8], at: usize) -> u64 {
    let mut b = [0; 8];
    b.copy_from_slice(&frame[at..at + 8]);
    u64::from_le_bytes(b)
}

fn le_u32(frame: &[u8], at: usize) -> u32 {
    let mut b = [0; 4];
    b.copy_from_slice(&frame[at..at + 4]);
    u32::from_le_bytes(b)
}

fn le_u16(frame: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([frame[at], frame[at + 1]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(req_id: u64, id: u64, action: u64) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(&req_id.to_le_bytes());
        f.extend_from_slice(&id.to_le_bytes());
        f.extend_from_slice(&action.to_le_bytes());
        f
    }

    fn binary_query(req_id: u64, sql: &str) -> Vec<u8> {
        let mut f = header(req_id, 0, 6);
        f.extend_from_slice(&1u16.to_le_bytes());
        f.extend_from_slice(&(sql.len() as u32).to_le_bytes());
        f.extend_from_slice(sql.as_bytes());
        f
    }

    #[test]
    fn conn_ignores_extra_fields() {
        let r = parse_text(
            r#"{"action":"conn","args":{"req_id":3,"user":"root","password":"taosdata","db":"","tz":"UTC","connector":"x"}}"#,
        );
        assert_eq!(
            r,
            Request::Conn(ConnArgs {
                req_id: 3,
                user: "root".into(),
                password: "taosdata".into(),
                db: Some(String::new()),
            })
        );
    }

    #[test]
    fn version_without_args() {
        assert_eq!(
            parse_text(r#"{"action":"version"}"#),
            Request::Version { req_id: 0 }
        );
    }

    #[test]
    fn unknown_action_keeps_name_and_req_id() {
        assert_eq!(
            parse_text(r#"{"action":"frobnicate","args":{"req_id":12}}"#),
            invalid("frobnicate", 12, "unknown action frobnicate")
        );
    }

    #[test]
    fn bad_json_and_missing_action() {
        assert_eq!(
            parse_text("{nope"),
            invalid("", 0, "unmarshal request error")
        );
        assert_eq!(
            parse_text(r#"{"args":{"req_id":5}}"#),
            invalid("", 5, "request no action")
        );
    }

    #[test]
    fn query_without_sql_is_invalid() {
        assert_eq!(
            parse_text(r#"{"action":"query","args":{"req_id":2}}"#),
            invalid("query", 2, "unmarshal query request error")
        );
    }

    #[test]
    fn binary_query_round_trip() {
        assert_eq!(
            parse_binary(binary_query(7, "select 1").into()),
            Request::Query {
                action: "binary_query",
                req_id: 7,
                sql: "select 1".into()
            }
        );
    }

    #[test]
    fn binary_query_truncated_sql() {
        let mut f = binary_query(7, "select 1");
        f.truncate(f.len() - 2);
        assert_eq!(
            parse_binary(f.into()),
            invalid(
                "binary_query",
                7,
                "uncompleted message, sql length:8, remainMessageLength:6"
            )
        );
    }

    #[test]
    fn short_and_unknown_binary_frames() {
        assert_eq!(
            parse_binary(Bytes::from_static(&[1, 2, 3])),
            invalid("", 0, "message length is too short")
        );
        assert_eq!(
            parse_binary(header(4, 0, 99).into()),
            invalid("unknown", 4, "unknown binary action 99")
        );
        assert_eq!(
            parse_binary(header(4, 0, 6).into()),
            invalid("binary_query", 4, "message length is too short")
        );
    }

    #[test]
    fn stmt_actions() {
        assert_eq!(
            parse_text(r#"{"action":"prepare","args":{"req_id":1,"stmt_id":2,"sql":"INSERT"}}"#),
            Request::Stmt {
                req_id: 1,
                stmt_id: 2,
                op: StmtOp::Prepare("INSERT".into())
            }
        );
        assert_eq!(
            parse_text(r#"{"action":"set_tags","args":{"req_id":1,"stmt_id":2}}"#),
            Request::Invalid {
                action: "set_tags".into(),
                req_id: 1,
                stmt_id: Some(2),
                message: "unmarshal stmt set tags request error".into()
            }
        );
        let mut f = header(3, 2, 2);
        f.extend_from_slice(&[9, 9]);
        assert_eq!(
            parse_binary(f.into()),
            Request::Stmt {
                req_id: 3,
                stmt_id: 2,
                op: StmtOp::BindBlock(Bytes::from_static(&[9, 9]))
            }
        );
    }

    #[test]
    fn fetch_raw_needs_version() {
        assert_eq!(
            parse_binary(header(4, 2, 7).into()),
            Request::FetchRawInvalid {
                req_id: 4,
                id: 2,
                message: "message length is too short".into()
            }
        );
        let mut f = header(4, 2, 7);
        f.extend_from_slice(&1u16.to_le_bytes());
        assert_eq!(
            parse_binary(f.into()),
            Request::FetchRaw { req_id: 4, id: 2 }
        );
    }

    /// Any bytes, and any text, decode to some request (an error one at
    /// worst) without panicking: a hostile client cannot take the
    /// emulator down with a frame. Bounded; `PROPTEST_CASES` runs more.
    mod fuzz {
        use proptest::prelude::*;

        use super::*;

        fn frames() -> impl Strategy<Value = Vec<u8>> {
            // Real headers with random bodies hit the decoders past the
            // header checks; fully random bytes hit the checks themselves.
            let action = prop::sample::select(vec![1u64, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xFFFF]);
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..64),
                (
                    any::<u64>(),
                    any::<u64>(),
                    action,
                    prop::collection::vec(any::<u8>(), 0..96)
                )
                    .prop_map(|(req, id, action, body)| {
                        let mut f = header(req, id, action);
                        f.extend_from_slice(&body);
                        f
                    }),
            ]
        }

        fn texts() -> impl Strategy<Value = String> {
            let action = prop::sample::select(vec![
                "conn",
                "query",
                "fetch",
                "fetch_block",
                "free_result",
                "version",
                "insert",
                "init",
                "prepare",
                "set_table_name",
                "set_tags",
                "bind",
                "add_batch",
                "exec",
                "close",
                "stmt2_init",
                "nope",
            ]);
            prop_oneof![
                any::<String>(),
                (action, any::<u64>(), ".{0,24}", any::<i64>()).prop_map(|(a, id, text, n)| {
                    format!(
                        r#"{{"action":"{a}","args":{{"req_id":{id},"sql":{text:?},"id":{n},"stmt_id":{n},"name":{text:?},"tags":[{n}],"columns":[[{n}]]}}}}"#
                    )
                }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512),
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            #[test]
            fn binary_frames_never_panic(frame in frames()) {
                let _ = parse_binary(frame.into());
            }

            #[test]
            fn text_frames_never_panic(text in texts()) {
                let request = parse_text(&text);
                let _ = request.action_and_req_id();
            }
        }
    }
}
