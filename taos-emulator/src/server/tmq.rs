//! The `/rest/tmq` endpoint: taosAdapter's WebSocket protocol for TMQ
//! consumers, as the `taos` client's `TmqBuilder` speaks it.
//!
//! One socket is one consumer. Requests are JSON text frames
//! (`{"action", "args"}`); replies are JSON, except `fetch_block`, whose
//! reply is a binary frame: timing, `req_id` and message id (8 bytes each,
//! little-endian), then the raw block. The consumption state lives in the
//! engine ([`crate::engine::tmq`]); this layer only maps messages.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use bytes::{BufMut, BytesMut};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::ws::reply::{envelope, text};
use super::ws::results::block_summary;
use super::ServerState;
use crate::api::TdError;
use crate::engine::tmq::{Polled, Reset, SubscribeConf};
use crate::engine::Engine;

/// `committed`/`position` of a vgroup with no such offset: the negated
/// "no committed info" error, as the adapter sends it in the array.
const NO_OFFSET: i64 = -2_147_467_247;

/// Upgrades `GET /rest/tmq`.
pub(crate) async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<Arc<ServerState>>,
) -> Response {
    ws.on_upgrade(move |socket| serve(socket, state))
}

async fn serve(mut socket: WebSocket, state: Arc<ServerState>) {
    let mut shutdown = state.shutdown_signal();
    let mut consumer = Consumer {
        engine: state.engine.clone(),
        state: Arc::clone(&state),
        id: None,
        messages: HashMap::new(),
        next_message: 0,
    };
    loop {
        let frame = tokio::select! {
            frame = socket.next() => frame,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let Some(Ok(frame)) = frame else {
            break;
        };
        let Message::Text(request) = frame else {
            continue;
        };
        let started = Instant::now();
        let reply = consumer.handle(request.as_str());
        let timing = u64::try_from(started.elapsed().as_nanos()).unwrap_or(0);
        let message = match reply {
            Reply::Json(mut obj) => {
                obj.insert("timing".into(), timing.into());
                text(obj)
            }
            Reply::Block {
                req_id,
                message_id,
                block,
            } => {
                let mut buf = BytesMut::with_capacity(24 + block.len());
                buf.put_u64_le(timing);
                buf.put_u64_le(req_id);
                buf.put_u64_le(message_id);
                buf.put_slice(&block);
                Message::Binary(buf.freeze())
            }
        };
        if socket.send(message).await.is_err() {
            break;
        }
    }
    consumer.close();
}

enum Reply {
    Json(Map<String, Value>),
    Block {
        req_id: u64,
        message_id: u64,
        block: Vec<u8>,
    },
}

/// A polled message and how many of its blocks were fetched.
struct Delivered {
    polled: Polled,
    /// Each block as (result, block within it), in order.
    parts: Vec<(usize, usize)>,
    fetched: usize,
}

impl Delivered {
    fn new(polled: Polled) -> Self {
        let parts = polled
            .blocks
            .iter()
            .enumerate()
            .flat_map(|(r, (_, result))| (0..result.blocks.len()).map(move |b| (r, b)))
            .collect();
        Delivered {
            polled,
            parts,
            fetched: 0,
        }
    }

    /// The next block to fetch: its table, result and bytes.
    fn next(&self) -> Option<(&str, &crate::api::QueryResult, &[u8])> {
        let &(r, b) = self.parts.get(self.fetched)?;
        let (table, result) = &self.polled.blocks[r];
        Some((table, result, &result.blocks[b]))
    }
}

struct Consumer {
    engine: Option<Arc<Engine>>,
    state: Arc<ServerState>,
    id: Option<u64>,
    messages: HashMap<u64, Delivered>,
    next_message: u64,
}

#[derive(Deserialize)]
struct Envelope {
    action: String,
    #[serde(default)]
    args: Value,
}

#[derive(Deserialize)]
struct SubscribeArgs {
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    password: Option<String>,
    group_id: String,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default, rename = "offset_rest")]
    offset_reset: Option<String>,
    #[serde(default)]
    auto_commit: Option<String>,
    topics: Vec<String>,
}

#[derive(Deserialize)]
struct MessageArgs {
    message_id: u64,
}

#[derive(Deserialize)]
struct TopicArgs {
    topic: String,
}

#[derive(Deserialize)]
struct OffsetArgs {
    topic: String,
    vgroup_id: i32,
    offset: i64,
}

#[derive(Deserialize)]
struct VgroupsArgs {
    topic_vgroup_ids: Vec<TopicVgroup>,
}

#[derive(Deserialize)]
struct TopicVgroup {
    topic: String,
    vgroup_id: i32,
}

fn ok(action: &str, req_id: u64) -> Map<String, Value> {
    envelope(0, "", action, req_id, 0)
}

fn args<T: for<'de> Deserialize<'de>>(v: &Value) -> Result<T, TdError> {
    T::deserialize(v).map_err(|e| TdError::new(0xffff, format!("invalid request: {e}")))
}

impl Consumer {
    fn handle(&mut self, request: &str) -> Reply {
        let Ok(env) = serde_json::from_str::<Envelope>(request) else {
            return Reply::Json(envelope(0xffff, "unmarshal request error", "", 0, 0));
        };
        let req_id = env.args.get("req_id").and_then(Value::as_u64).unwrap_or(0);
        match self.run(&env.action, req_id, &env.args) {
            Ok(reply) => reply,
            Err(e) => Reply::Json(envelope(
                e.code & 0xffff,
                &e.message,
                &env.action,
                req_id,
                0,
            )),
        }
    }

    fn engine(&self) -> Result<&Arc<Engine>, TdError> {
        self.engine
            .as_ref()
            .ok_or_else(|| TdError::new(0xffff, "TMQ needs the emulator's own engine"))
    }

    fn consumer_id(&self) -> Result<u64, TdError> {
        self.id
            .ok_or_else(|| TdError::new(0x4000, "tmq not subscribed: send `subscribe` first"))
    }

    fn run(&mut self, action: &str, req_id: u64, a: &Value) -> Result<Reply, TdError> {
        let engine = Arc::clone(self.engine()?);
        let cat = engine.snapshot();
        let tmq = &engine.tmq;
        let mut obj = ok(action, req_id);
        match action {
            "subscribe" => {
                let s: SubscribeArgs = args(a)?;
                let (user, password) = (s.user.unwrap_or_default(), s.password.unwrap_or_default());
                if !self.state.credentials_match(&user, &password) {
                    return Err(TdError::new(0x0357, "Authentication failure"));
                }
                if let Some(id) = self.id.take() {
                    tmq.leave(&cat, id);
                }
                let conf = SubscribeConf {
                    group: s.group_id,
                    client_id: s.client_id.unwrap_or_default(),
                    offset_reset: match s.offset_reset.as_deref() {
                        Some("earliest") => Reset::Earliest,
                        _ => Reset::Latest,
                    },
                    auto_commit: s.auto_commit.as_deref() == Some("true"),
                    topics: s.topics,
                };
                self.id = Some(tmq.subscribe(&cat, conf)?);
            }
            "unsubscribe" => {
                if let Some(id) = self.id.take() {
                    tmq.leave(&cat, id);
                }
                self.messages.clear();
            }
            "poll" => {
                let id = self.consumer_id()?;
                match tmq.poll(&cat, id)? {
                    Some(polled) => {
                        self.next_message += 1;
                        let message_id = self.next_message;
                        obj.insert("have_message".into(), true.into());
                        obj.insert("topic".into(), polled.topic.clone().into());
                        obj.insert("database".into(), polled.database.clone().into());
                        obj.insert("vgroup_id".into(), polled.vgroup_id.into());
                        obj.insert("message_type".into(), 1.into());
                        obj.insert("message_id".into(), message_id.into());
                        obj.insert("offset".into(), polled.offset.into());
                        self.messages.insert(message_id, Delivered::new(polled));
                    }
                    None => {
                        obj.insert("have_message".into(), false.into());
                    }
                }
            }
            "fetch" => {
                let m: MessageArgs = args(a)?;
                let d = self.message(m.message_id)?;
                let precision = d.polled.precision as u8;
                match d.next() {
                    None => {
                        obj.insert("completed".into(), true.into());
                    }
                    Some((table, result, block)) => {
                        let f = &result.fields;
                        obj.insert("completed".into(), false.into());
                        obj.insert("table_name".into(), table.into());
                        obj.insert("fields_count".into(), f.len().into());
                        obj.insert(
                            "fields_names".into(),
                            f.iter().map(|f| f.name.clone()).collect(),
                        );
                        obj.insert(
                            "fields_types".into(),
                            f.iter().map(|f| f.ty as u8).collect(),
                        );
                        obj.insert("fields_lengths".into(), f.iter().map(|f| f.bytes).collect());
                        obj.insert("precision".into(), precision.into());
                        obj.insert("rows".into(), block_summary(block).0.into());
                    }
                }
            }
            "fetch_block" => {
                let m: MessageArgs = args(a)?;
                let d = self.message(m.message_id)?;
                let block = d
                    .next()
                    .map(|(_, _, block)| block.to_vec())
                    .ok_or_else(|| TdError::new(0xffff, "no block left: send `fetch` first"))?;
                d.fetched += 1;
                return Ok(Reply::Block {
                    req_id,
                    message_id: m.message_id,
                    block,
                });
            }
            "commit" => {
                let id = self.consumer_id()?;
                let m: MessageArgs = args(a)?;
                match self.messages.get(&m.message_id) {
                    Some(d) => {
                        let p = &d.polled;
                        tmq.commit(&cat, id, &p.topic, p.vgroup_id, p.offset)?;
                    }
                    // Message 0 (or one not delivered here): commit all.
                    None => tmq.commit_all(id),
                }
            }
            "commit_offset" => {
                let id = self.consumer_id()?;
                let o: OffsetArgs = args(a)?;
                tmq.commit(&cat, id, &o.topic, o.vgroup_id, o.offset)?;
            }
            "seek" => {
                let id = self.consumer_id()?;
                let o: OffsetArgs = args(a)?;
                tmq.seek(&cat, id, &o.topic, o.vgroup_id, o.offset)?;
            }
            "assignment" => {
                let id = self.consumer_id()?;
                let t: TopicArgs = args(a)?;
                let list: Vec<Value> = tmq
                    .assignment(&cat, id, &t.topic)?
                    .into_iter()
                    .map(|(vgroup_id, offset, begin, end)| {
                        json!({"vgroup_id": vgroup_id, "offset": offset, "begin": begin, "end": end})
                    })
                    .collect();
                obj.insert("assignment".into(), list.into());
            }
            "committed" | "position" => {
                let id = self.consumer_id()?;
                let v: VgroupsArgs = args(a)?;
                let mut out = Vec::with_capacity(v.topic_vgroup_ids.len());
                for tv in v.topic_vgroup_ids {
                    let committed = action == "committed";
                    let at = tmq.offset(&cat, id, &tv.topic, tv.vgroup_id, committed)?;
                    out.push(at.unwrap_or(NO_OFFSET));
                }
                obj.insert(action.into(), out.into());
            }
            "fetch_raw" | "fetch_json_meta" | "fetch_raw_data" => {
                return Err(TdError::new(
                    0xffff,
                    format!("`{action}` is not supported by the emulator"),
                ));
            }
            _ => return Err(TdError::new(0xffff, format!("unknown action `{action}`"))),
        }
        Ok(Reply::Json(obj))
    }

    fn message(&mut self, id: u64) -> Result<&mut Delivered, TdError> {
        self.messages
            .get_mut(&id)
            .ok_or_else(|| TdError::new(0xffff, format!("message {id} not found")))
    }

    /// The socket closed: the consumer leaves its group.
    fn close(&mut self) {
        if let (Some(id), Some(engine)) = (self.id.take(), &self.engine) {
            engine.tmq.leave(&engine.snapshot(), id);
        }
    }
}
