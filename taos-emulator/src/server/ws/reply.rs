//! Every frame the WebSocket endpoint can send.
//!
//! The 0.12.3 client panics on a text reply that lacks `code` or `message`,
//! and on any action it did not ask for. So there is exactly one way to build
//! a text frame: [`Reply::into_message`] always starts from [`envelope`],
//! which writes `code`, `message`, `action`, `req_id` and `timing`, and a
//! `Reply` only exists as the answer to a parsed request.

use axum::extract::ws::Message;
use bytes::{BufMut, Bytes, BytesMut};
use serde_json::{json, Map, Value};
use taos_query::common::Precision;

use crate::api::{FieldInfo, TdError};

/// Code the adapter uses for its own (non-TDengine) errors.
pub(crate) const ADAPTER_ERROR: u32 = 0xffff;

/// Marks the binary fetch reply format that carries `req_id` (§3.1 of the
/// protocol notes); the older `fetch_block` reply starts with a timing
/// instead, which can never be all ones.
const NEW_BLOCK_MARK: u64 = u64::MAX;
const FETCH_RAW_BLOCK: u64 = 7;
const BLOCK_VERSION: u16 = 1;

/// What a successful query produced, as announced in its JSON reply.
#[derive(Debug)]
pub(crate) enum QueryOutcome {
    /// A statement without a result set.
    Affected(usize),
    /// A result set registered under `id`.
    Rows {
        id: u64,
        fields: Vec<FieldInfo>,
        precision: Precision,
    },
}

/// One step of the JSON (`fetch` / `fetch_block`) protocol.
#[derive(Debug)]
pub(crate) enum FetchStep {
    /// A block is ready for `fetch_block`.
    Block { rows: u32, lengths: Vec<u32> },
    /// The result is exhausted (and already freed).
    Completed,
}

/// One step of the binary fetch protocol.
#[derive(Debug)]
pub(crate) enum RawFetch {
    /// The next raw block.
    Block(Bytes),
    /// No more data; the result is freed.
    Finished,
    /// The fetch failed.
    Failed(TdError),
}

/// What a successful stmt action reports besides `stmt_id`.
#[derive(Debug)]
pub(crate) enum StmtExtra {
    None,
    /// `prepare`.
    IsInsert(bool),
    /// `exec`.
    Affected(usize),
}

/// A reply to exactly one request.
#[derive(Debug)]
pub(crate) enum Reply {
    /// `version`.
    Version { req_id: u64, version: String },
    /// A successful `conn`.
    Connected { req_id: u64, version: String },
    /// `query` (JSON) or `binary_query` (binary action 6).
    Query {
        action: &'static str,
        req_id: u64,
        outcome: QueryOutcome,
    },
    /// JSON `fetch`.
    Fetch {
        req_id: u64,
        id: u64,
        step: FetchStep,
    },
    /// Successful JSON `fetch_block`: the old binary format, routed by result id.
    FetchBlock { id: u64, block: Bytes },
    /// Binary fetch (action 7), routed by `req_id`.
    RawBlock {
        req_id: u64,
        id: u64,
        fetch: RawFetch,
    },
    /// A request that succeeded with nothing to report (`options_connection`).
    Done { action: &'static str, req_id: u64 },
    /// `check_server_status`.
    ServerStatus { req_id: u64 },
    /// `get_current_db`.
    CurrentDb { req_id: u64, db: String },
    /// `get_server_info`.
    ServerInfo { req_id: u64, info: String },
    /// A successful stmt action.
    Stmt {
        action: &'static str,
        req_id: u64,
        stmt_id: u64,
        extra: StmtExtra,
    },
    /// A failed stmt action. The client routes it by `stmt_id`, and parses
    /// a `prepare` reply only when it has `is_insert`.
    StmtError {
        action: String,
        req_id: u64,
        stmt_id: u64,
        error: TdError,
    },
    /// Any failure, answered under the request's own action name.
    Error {
        action: String,
        req_id: u64,
        error: TdError,
    },
}

impl Reply {
    /// An error reply for `action`.
    pub(crate) fn error(action: impl Into<String>, req_id: u64, error: TdError) -> Self {
        Reply::Error {
            action: action.into(),
            req_id,
            error,
        }
    }

    /// An adapter-level (0xffff) error reply.
    pub(crate) fn adapter_error(
        action: impl Into<String>,
        req_id: u64,
        message: impl Into<String>,
    ) -> Self {
        Reply::error(action, req_id, TdError::new(ADAPTER_ERROR, message))
    }

    /// Serializes the reply; `timing_ns` is the time spent handling it.
    pub(crate) fn into_message(self, timing_ns: u64) -> Message {
        match self {
            Reply::Version { req_id, version } => {
                let mut obj = envelope(0, "", "version", req_id, timing_ns);
                obj.insert("version".into(), version.into());
                text(obj)
            }
            Reply::Connected { req_id, version } => {
                let mut obj = envelope(0, "", "conn", req_id, timing_ns);
                obj.insert("version".into(), version.into());
                text(obj)
            }
            Reply::Query {
                action,
                req_id,
                outcome,
            } => {
                let mut obj = envelope(0, "", action, req_id, timing_ns);
                write_query_outcome(&mut obj, outcome);
                text(obj)
            }
            Reply::Fetch { req_id, id, step } => {
                let mut obj = envelope(0, "", "fetch", req_id, timing_ns);
                obj.insert("id".into(), id.into());
                match step {
                    FetchStep::Block { rows, lengths } => {
                        obj.insert("completed".into(), false.into());
                        obj.insert("lengths".into(), json!(lengths));
                        obj.insert("rows".into(), rows.into());
                    }
                    FetchStep::Completed => {
                        obj.insert("completed".into(), true.into());
                        obj.insert("lengths".into(), Value::Null);
                        obj.insert("rows".into(), 0.into());
                    }
                }
                text(obj)
            }
            Reply::FetchBlock { id, block } => {
                let mut buf = BytesMut::with_capacity(16 + block.len());
                // A timing of all ones would be mistaken for the new format.
                buf.put_u64_le(timing_ns.min(u64::MAX - 1));
                buf.put_u64_le(id);
                buf.put_slice(&block);
                Message::Binary(buf.freeze())
            }
            Reply::RawBlock { req_id, id, fetch } => {
                Message::Binary(raw_block_frame(req_id, id, fetch, timing_ns))
            }
            Reply::Done { action, req_id } => text(envelope(0, "", action, req_id, timing_ns)),
            Reply::ServerStatus { req_id } => {
                let mut obj = envelope(0, "", "check_server_status", req_id, timing_ns);
                obj.insert("status".into(), 2.into());
                obj.insert("details".into(), "".into());
                text(obj)
            }
            Reply::CurrentDb { req_id, db } => {
                let mut obj = envelope(0, "", "get_current_db", req_id, timing_ns);
                obj.insert("db".into(), db.into());
                text(obj)
            }
            Reply::ServerInfo { req_id, info } => {
                let mut obj = envelope(0, "", "get_server_info", req_id, timing_ns);
                obj.insert("info".into(), info.into());
                text(obj)
            }
            Reply::Stmt {
                action,
                req_id,
                stmt_id,
                extra,
            } => {
                let mut obj = envelope(0, "", action, req_id, timing_ns);
                obj.insert("stmt_id".into(), stmt_id.into());
                match extra {
                    StmtExtra::None => {}
                    StmtExtra::IsInsert(is_insert) => {
                        obj.insert("is_insert".into(), is_insert.into());
                    }
                    StmtExtra::Affected(rows) => {
                        obj.insert("affected".into(), rows.into());
                    }
                }
                text(obj)
            }
            Reply::StmtError {
                action,
                req_id,
                stmt_id,
                error,
            } => {
                let mut obj = envelope(
                    error.code & 0xffff,
                    &error.message,
                    &action,
                    req_id,
                    timing_ns,
                );
                obj.insert("stmt_id".into(), stmt_id.into());
                obj.insert("is_insert".into(), false.into());
                text(obj)
            }
            Reply::Error {
                action,
                req_id,
                error,
            } => text(envelope(
                error.code & 0xffff,
                &error.message,
                &action,
                req_id,
                timing_ns,
            )),
        }
    }
}

/// The keys every text reply carries.
pub(crate) fn envelope(
    code: u32,
    message: &str,
    action: &str,
    req_id: u64,
    timing_ns: u64,
) -> Map<String, Value> {
    let mut obj = Map::new();
    obj.insert("code".into(), code.into());
    obj.insert("message".into(), message.into());
    obj.insert("action".into(), action.into());
    obj.insert("req_id".into(), req_id.into());
    obj.insert("timing".into(), timing_ns.into());
    obj
}

pub(crate) fn text(obj: Map<String, Value>) -> Message {
    Message::Text(Value::Object(obj).to_string().into())
}

fn write_query_outcome(obj: &mut Map<String, Value>, outcome: QueryOutcome) {
    match outcome {
        QueryOutcome::Affected(rows) => {
            obj.insert("id".into(), 0.into());
            obj.insert("is_update".into(), true.into());
            obj.insert("affected_rows".into(), rows.into());
            obj.insert("fields_count".into(), 0.into());
            obj.insert("fields_names".into(), Value::Null);
            obj.insert("fields_types".into(), Value::Null);
            obj.insert("fields_lengths".into(), Value::Null);
            obj.insert("precision".into(), 0.into());
        }
        QueryOutcome::Rows {
            id,
            fields,
            precision,
        } => {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            let types: Vec<u8> = fields.iter().map(|f| f.ty as u8).collect();
            let lengths: Vec<u32> = fields.iter().map(|f| f.bytes).collect();
            obj.insert("id".into(), id.into());
            obj.insert("is_update".into(), false.into());
            obj.insert("affected_rows".into(), 0.into());
            obj.insert("fields_count".into(), fields.len().into());
            obj.insert("fields_names".into(), json!(names));
            obj.insert("fields_types".into(), json!(types));
            obj.insert("fields_lengths".into(), json!(lengths));
            obj.insert("precision".into(), (precision as i32).into());
        }
    }
}

/// The §3.1 binary fetch reply: header, then either a block or `finished = 1`.
fn raw_block_frame(req_id: u64, id: u64, fetch: RawFetch, timing_ns: u64) -> Bytes {
    let (code, message, block) = match fetch {
        RawFetch::Block(block) => (0, String::new(), Some(block)),
        RawFetch::Finished => (0, String::new(), None),
        RawFetch::Failed(e) => (e.code & 0xffff, e.message, None),
    };
    let block_len = block.as_ref().map_or(0, |b| 4 + b.len());
    let mut buf = BytesMut::with_capacity(51 + message.len() + block_len);
    buf.put_u64_le(NEW_BLOCK_MARK);
    buf.put_u64_le(FETCH_RAW_BLOCK);
    buf.put_u16_le(BLOCK_VERSION);
    buf.put_u64_le(timing_ns);
    buf.put_u64_le(req_id);
    buf.put_u32_le(code);
    buf.put_u32_le(message.len() as u32);
    buf.put_slice(message.as_bytes());
    buf.put_u64_le(id);
    match block {
        Some(block) => {
            buf.put_u8(0);
            buf.put_u32_le(block.len() as u32);
            buf.put_slice(&block);
        }
        None => buf.put_u8(1),
    }
    buf.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(reply: Reply) -> Value {
        match reply.into_message(7) {
            Message::Text(t) => serde_json::from_str(t.as_str()).unwrap(),
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn every_text_reply_has_the_envelope() {
        let replies = vec![
            Reply::Version {
                req_id: 1,
                version: "3.3.6.0".into(),
            },
            Reply::Done {
                action: "options_connection",
                req_id: 1,
            },
            Reply::ServerStatus { req_id: 1 },
            Reply::adapter_error("", 1, "x"),
            Reply::Query {
                action: "binary_query",
                req_id: 1,
                outcome: QueryOutcome::Affected(3),
            },
        ];
        for reply in replies {
            let v = json_of(reply);
            for key in ["code", "message", "action", "req_id", "timing"] {
                assert!(v.get(key).is_some(), "{key} missing in {v}");
            }
            assert_eq!(v["req_id"], 1);
        }
    }

    #[test]
    fn error_codes_keep_only_the_low_bits() {
        let v = json_of(Reply::error(
            "binary_query",
            4,
            TdError::new(0x8000_2603, "Table does not exist"),
        ));
        assert_eq!(v["code"], 0x2603);
        assert_eq!(v["message"], "Table does not exist");
        assert_eq!(v["action"], "binary_query");
    }

    #[test]
    fn finished_frame_layout() {
        let frame = raw_block_frame(9, 3, RawFetch::Finished, 5);
        assert_eq!(frame.len(), 51);
        assert_eq!(&frame[0..8], &[0xff; 8]);
        assert_eq!(u64::from_le_bytes(frame[26..34].try_into().unwrap()), 9);
        assert_eq!(u64::from_le_bytes(frame[42..50].try_into().unwrap()), 3);
        assert_eq!(frame[50], 1);
    }

    #[test]
    fn error_frame_carries_message() {
        let frame = raw_block_frame(
            2,
            8,
            RawFetch::Failed(TdError::new(0xffff, "result is nil")),
            0,
        );
        assert_eq!(
            u32::from_le_bytes(frame[34..38].try_into().unwrap()),
            0xffff
        );
        assert_eq!(u32::from_le_bytes(frame[38..42].try_into().unwrap()), 13);
        assert_eq!(&frame[42..55], b"result is nil");
        assert_eq!(frame[63], 1);
    }
}
