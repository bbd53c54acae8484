//! The `/ws` endpoint driven frame by frame, including input the official
//! client never sends.

mod protocol_support;

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use protocol_support::start;
use serde_json::{json, Value};
use taos_query::common::{Precision, RawBlock};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const WAIT: Duration = Duration::from_secs(5);

struct Ws(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Ws {
    async fn open(dsn: &str) -> Ws {
        let (socket, _) = tokio_tungstenite::connect_async(format!("{dsn}/ws"))
            .await
            .expect("websocket upgrade");
        Ws(socket)
    }

    /// A socket past `version` and `conn`.
    async fn login(dsn: &str) -> Ws {
        let mut ws = Ws::open(dsn).await;
        ws.text(json!({"action": "version"})).await;
        assert_eq!(ws.json().await["action"], "version");
        ws.text(conn_args(1, "taosdata")).await;
        assert_eq!(ws.json().await["code"], 0);
        ws
    }

    async fn text(&mut self, v: Value) {
        self.raw_text(&v.to_string()).await;
    }

    async fn raw_text(&mut self, s: &str) {
        self.0.send(Message::Text(s.into())).await.unwrap();
    }

    async fn binary(&mut self, frame: Vec<u8>) {
        self.0.send(Message::Binary(frame.into())).await.unwrap();
    }

    async fn next(&mut self) -> Message {
        tokio::time::timeout(WAIT, self.0.next())
            .await
            .expect("a reply in time")
            .expect("socket open")
            .expect("valid frame")
    }

    async fn json(&mut self) -> Value {
        match self.next().await {
            Message::Text(t) => serde_json::from_str(t.as_str()).unwrap(),
            other => panic!("expected a text frame, got {other:?}"),
        }
    }

    async fn bytes(&mut self) -> Vec<u8> {
        match self.next().await {
            Message::Binary(b) => b.to_vec(),
            other => panic!("expected a binary frame, got {other:?}"),
        }
    }
}

fn conn_args(req_id: u64, password: &str) -> Value {
    json!({"action": "conn", "args": {"req_id": req_id, "user": "root", "password": password, "db": ""}})
}

fn header(req_id: u64, id: u64, action: u64) -> Vec<u8> {
    [req_id, id, action]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

fn binary_query(req_id: u64, sql: &str) -> Vec<u8> {
    let mut f = header(req_id, 0, 6);
    f.extend_from_slice(&1u16.to_le_bytes());
    f.extend_from_slice(&(sql.len() as u32).to_le_bytes());
    f.extend_from_slice(sql.as_bytes());
    f
}

fn fetch_raw(req_id: u64, id: u64) -> Vec<u8> {
    let mut f = header(req_id, id, 7);
    f.extend_from_slice(&1u16.to_le_bytes());
    f
}

/// A decoded §3.1 fetch reply.
#[derive(Debug, PartialEq)]
struct RawReply {
    req_id: u64,
    code: u32,
    message: String,
    id: u64,
    block: Option<Vec<u8>>,
}

fn decode_raw(frame: &[u8]) -> RawReply {
    let u64_at = |at: usize| u64::from_le_bytes(frame[at..at + 8].try_into().unwrap());
    let u32_at = |at: usize| u32::from_le_bytes(frame[at..at + 4].try_into().unwrap());
    assert_eq!(u64_at(0), u64::MAX);
    assert_eq!(u64_at(8), 7);
    assert_eq!(u16::from_le_bytes([frame[16], frame[17]]), 1);
    let msg_len = u32_at(38) as usize;
    let after = 42 + msg_len;
    let finished = frame[after + 8];
    let block = (finished == 0).then(|| {
        let len = u32_at(after + 9) as usize;
        assert_eq!(frame.len(), after + 13 + len);
        frame[after + 13..].to_vec()
    });
    if finished == 1 {
        assert_eq!(frame.len(), after + 9);
    }
    RawReply {
        req_id: u64_at(26),
        code: u32_at(34),
        message: String::from_utf8(frame[42..after].to_vec()).unwrap(),
        id: u64_at(after),
        block,
    }
}

/// Strips `timing`, which varies.
fn untimed(mut v: Value) -> Value {
    v.as_object_mut()
        .expect("an object")
        .remove("timing")
        .expect("timing present");
    v
}

#[tokio::test]
async fn handshake_replies() {
    let emulator = start().await;
    let mut ws = Ws::open(&emulator.dsn()).await;
    ws.text(json!({"action": "version"})).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "version", "req_id": 0, "version": "3.3.6.0"})
    );
    ws.text(conn_args(0, "taosdata")).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "conn", "req_id": 0, "version": "3.3.6.0"})
    );
    ws.text(conn_args(1, "taosdata")).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "duplicate connections", "action": "conn", "req_id": 1})
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn login_failures() {
    let emulator = start().await;
    let mut ws = Ws::open(&emulator.dsn()).await;
    ws.text(conn_args(3, "nope")).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 855, "message": "Authentication failure", "action": "conn", "req_id": 3})
    );
    ws.text(json!({"action": "conn", "args": {"req_id": 4, "user": "root", "password": "taosdata", "db": "nowhere"}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0x0388, "message": "Database not exist", "action": "conn", "req_id": 4})
    );
    // Still not logged in after failures; then a good login works.
    ws.binary(binary_query(5, "select server_status()")).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "server not connected", "action": "binary_query", "req_id": 5})
    );
    ws.text(json!({"action": "conn", "args": {"req_id": 6, "user": "root", "password": "taosdata", "db": "power", "tz": "UTC", "app": "x", "connector": "rust"}}))
        .await;
    assert_eq!(ws.json().await["code"], 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn requests_before_conn_are_refused_under_their_own_action() {
    let emulator = start().await;
    let mut ws = Ws::open(&emulator.dsn()).await;
    // free_result is silent even before login.
    ws.text(json!({"action": "free_result", "args": {"req_id": 7, "id": 1}}))
        .await;
    ws.text(json!({"action": "query", "args": {"req_id": 8, "sql": "select 1"}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "server not connected", "action": "query", "req_id": 8})
    );
    ws.text(json!({"action": "fetch", "args": {"req_id": 9, "id": 1}}))
        .await;
    assert_eq!(ws.json().await["action"], "fetch");
    // check_server_status needs no login.
    ws.text(json!({"action": "check_server_status", "args": {"req_id": 10}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "check_server_status", "req_id": 10, "status": 2, "details": ""})
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn binary_query_and_fetch() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;

    ws.binary(binary_query(11, "insert into t values (1) (2)"))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "binary_query", "req_id": 11, "id": 0,
               "is_update": true, "affected_rows": 2, "fields_count": 0, "fields_names": null,
               "fields_types": null, "fields_lengths": null, "precision": 0})
    );

    ws.binary(binary_query(12, "select * from meters")).await;
    let reply = untimed(ws.json().await);
    assert_eq!(
        reply,
        json!({"code": 0, "message": "", "action": "binary_query", "req_id": 12, "id": 1,
               "is_update": false, "affected_rows": 0, "fields_count": 3,
               "fields_names": ["ts", "current", "location"], "fields_types": [9, 6, 8],
               "fields_lengths": [8, 4, 16], "precision": 0})
    );

    let mut rows = 0;
    for (req_id, expected_rows) in [(13, 2), (14, 1)] {
        ws.binary(fetch_raw(req_id, 1)).await;
        let raw = decode_raw(&ws.bytes().await);
        assert_eq!((raw.req_id, raw.code, raw.id), (req_id, 0, 1));
        let block = RawBlock::parse_from_raw_block(raw.block.unwrap(), Precision::Millisecond);
        assert_eq!(block.nrows(), expected_rows);
        rows += block.nrows();
    }
    assert_eq!(rows, 3);
    ws.binary(fetch_raw(15, 1)).await;
    assert_eq!(
        decode_raw(&ws.bytes().await),
        RawReply {
            req_id: 15,
            code: 0,
            message: String::new(),
            id: 1,
            block: None
        }
    );
    // Finished results are gone.
    ws.binary(fetch_raw(16, 1)).await;
    assert_eq!(
        decode_raw(&ws.bytes().await),
        RawReply {
            req_id: 16,
            code: 65535,
            message: "result is nil".into(),
            id: 1,
            block: None
        }
    );
    // Ids are never reused.
    ws.binary(binary_query(17, "select * from meters")).await;
    assert_eq!(ws.json().await["id"], 2);

    ws.binary(binary_query(18, "select * from missing")).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0x2603, "message": "Table does not exist", "action": "binary_query", "req_id": 18})
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn json_query_fetch_and_fetch_block() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;

    ws.text(json!({"action": "query", "args": {"req_id": 2, "sql": "select * from meters"}}))
        .await;
    let reply = ws.json().await;
    assert_eq!(
        (reply["action"].clone(), reply["id"].clone()),
        (json!("query"), json!(1))
    );

    ws.text(json!({"action": "fetch_block", "args": {"req_id": 3, "id": 1}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "block is nil", "action": "fetch_block", "req_id": 3})
    );

    ws.text(json!({"action": "fetch", "args": {"req_id": 4, "id": 1}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "fetch", "req_id": 4, "id": 1,
               "completed": false, "lengths": [16, 8, 9], "rows": 2})
    );
    for req_id in [5, 6] {
        // fetch_block may be repeated; it answers the current block each time.
        ws.text(json!({"action": "fetch_block", "args": {"req_id": req_id, "id": 1}}))
            .await;
        let frame = ws.bytes().await;
        assert_ne!(&frame[0..8], &[0xff; 8]);
        assert_eq!(u64::from_le_bytes(frame[8..16].try_into().unwrap()), 1);
        let block = RawBlock::parse_from_raw_block(frame[16..].to_vec(), Precision::Millisecond);
        assert_eq!(block.nrows(), 2);
    }
    ws.text(json!({"action": "fetch", "args": {"req_id": 7, "id": 1}}))
        .await;
    assert_eq!(ws.json().await["rows"], 1);
    ws.text(json!({"action": "fetch", "args": {"req_id": 8, "id": 1}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "fetch", "req_id": 8, "id": 1,
               "completed": true, "lengths": null, "rows": 0})
    );
    ws.text(json!({"action": "fetch", "args": {"req_id": 9, "id": 1}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "result is nil", "action": "fetch", "req_id": 9})
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn malformed_input_gets_error_replies() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;

    ws.text(json!({"action": "frobnicate", "args": {"req_id": 21}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "unknown action frobnicate", "action": "frobnicate", "req_id": 21})
    );
    ws.raw_text("{not json").await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "unmarshal request error", "action": "", "req_id": 0})
    );
    ws.text(json!({"args": {"req_id": 22}})).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "request no action", "action": "", "req_id": 22})
    );
    ws.text(json!({"action": "query", "args": {"req_id": 23, "sql": 5}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "unmarshal query request error", "action": "query", "req_id": 23})
    );
    ws.binary(vec![1, 2, 3]).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "message length is too short", "action": "", "req_id": 0})
    );
    ws.binary(header(24, 0, 99)).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "unknown binary action 99", "action": "unknown", "req_id": 24})
    );
    let mut truncated = binary_query(25, "select * from meters");
    truncated.truncate(35);
    ws.binary(truncated).await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "uncompleted message, sql length:20, remainMessageLength:5",
               "action": "binary_query", "req_id": 25})
    );
    let mut bad_utf8 = header(26, 0, 6);
    bad_utf8.extend_from_slice(&1u16.to_le_bytes());
    bad_utf8.extend_from_slice(&2u32.to_le_bytes());
    bad_utf8.extend_from_slice(&[0xff, 0xfe]);
    ws.binary(bad_utf8).await;
    assert_eq!(ws.json().await["code"], 65535);
    ws.binary(header(27, 4, 7)).await;
    assert_eq!(
        decode_raw(&ws.bytes().await),
        RawReply {
            req_id: 27,
            code: 65535,
            message: "message length is too short".into(),
            id: 4,
            block: None
        }
    );

    // The connection still works.
    ws.binary(binary_query(28, "select server_status()")).await;
    assert_eq!(ws.json().await["id"], 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn free_result_is_silent_and_idempotent() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;
    ws.binary(binary_query(2, "select * from meters")).await;
    assert_eq!(ws.json().await["id"], 1);
    for id in [1, 1, 0, 999] {
        ws.text(json!({"action": "free_result", "args": {"req_id": 3, "id": id}}))
            .await;
    }
    // The next frame answers the next request: free_result produced nothing.
    ws.text(json!({"action": "options_connection", "args": {"req_id": 4, "options": [{"option": 1, "value": "UTC"}]}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "options_connection", "req_id": 4})
    );
    ws.binary(fetch_raw(5, 1)).await;
    assert_eq!(decode_raw(&ws.bytes().await).message, "result is nil");
    emulator.shutdown().await;
}

#[tokio::test]
async fn current_db_follows_use() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;
    ws.text(json!({"action": "get_current_db", "args": {"req_id": 2}}))
        .await;
    assert_eq!(ws.json().await["db"], "");
    ws.binary(binary_query(3, "use power")).await;
    assert_eq!(ws.json().await["is_update"], true);
    ws.text(json!({"action": "get_current_db", "args": {"req_id": 4}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "get_current_db", "req_id": 4, "db": "power"})
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn slow_query_does_not_block_fetches() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;
    ws.binary(binary_query(2, "select * from meters")).await;
    assert_eq!(ws.json().await["id"], 1);
    ws.binary(binary_query(3, "select sleep(1)")).await;
    ws.binary(fetch_raw(4, 1)).await;
    // The fetch is answered while the slow query still runs.
    assert_eq!(decode_raw(&ws.bytes().await).req_id, 4);
    let slow = ws.json().await;
    assert_eq!(
        (slow["req_id"].clone(), slow["id"].clone()),
        (json!(3), json!(2))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn pings_are_answered() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;
    ws.0.send(Message::Ping(b"TAOS".to_vec().into()))
        .await
        .unwrap();
    assert_eq!(ws.next().await, Message::Pong(b"TAOS".to_vec().into()));
    emulator.shutdown().await;
}

#[tokio::test]
async fn clients_may_vanish_mid_result() {
    let emulator = start().await;
    for _ in 0..5 {
        let mut ws = Ws::login(&emulator.dsn()).await;
        ws.binary(binary_query(2, "select * from big")).await;
        assert_eq!(ws.json().await["id"], 1);
        ws.binary(fetch_raw(3, 1)).await;
        // Dropped without reading the block or closing.
        drop(ws);
    }
    let mut ws = Ws::login(&emulator.dsn()).await;
    ws.text(json!({"action": "close"})).await;
    ws.0.close(None).await.unwrap();
    let mut ws = Ws::login(&emulator.dsn()).await;
    ws.binary(binary_query(2, "select server_status()")).await;
    assert_eq!(ws.json().await["code"], 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn many_sockets_at_once() {
    let emulator = start().await;
    let dsn = emulator.dsn();
    let tasks: Vec<_> = (0..64u64)
        .map(|i| {
            let dsn = dsn.clone();
            tokio::spawn(async move {
                let mut ws = Ws::login(&dsn).await;
                ws.binary(binary_query(i, "select * from meters")).await;
                let reply = ws.json().await;
                assert_eq!(reply["req_id"], i);
                reply["id"].as_u64().unwrap()
            })
        })
        .collect();
    for task in tasks {
        // Result ids are per connection.
        assert_eq!(task.await.unwrap(), 1);
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn shutdown_ends_open_sockets() {
    let emulator = start().await;
    let mut ws = Ws::login(&emulator.dsn()).await;
    emulator.shutdown().await;
    let end = tokio::time::timeout(WAIT, ws.0.next())
        .await
        .expect("socket ends");
    assert!(!matches!(
        end,
        Some(Ok(Message::Text(_) | Message::Binary(_)))
    ));
}

#[tokio::test]
async fn other_paths_are_not_found() {
    let emulator = start().await;
    let err = tokio_tungstenite::connect_async(format!("{}/rest/ws", emulator.dsn()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn stmt_socket_without_version() {
    let emulator = start().await;
    let mut ws = Ws::open(&emulator.dsn()).await;
    ws.text(json!({"action": "init", "args": {"req_id": 1}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "server not connected", "action": "init", "req_id": 1,
               "stmt_id": 0, "is_insert": false})
    );
    ws.text(conn_args(1, "taosdata")).await;
    assert_eq!(ws.json().await["action"], "conn");
    ws.text(json!({"action": "init", "args": {"req_id": 2}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "init", "req_id": 2, "stmt_id": 1})
    );
    ws.text(json!({"action": "set_table_name", "args": {"req_id": 2, "stmt_id": 9, "name": "d1"}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 65535, "message": "stmt is nil", "action": "set_table_name", "req_id": 2,
               "stmt_id": 9, "is_insert": false})
    );
    ws.text(json!({"action": "prepare", "args": {"req_id": 2, "stmt_id": 1, "sql": "INSERT INTO ? VALUES(?)"}}))
        .await;
    assert_eq!(
        untimed(ws.json().await),
        json!({"code": 0, "message": "", "action": "prepare", "req_id": 2, "stmt_id": 1, "is_insert": true})
    );
    // A garbage bind block is an error, not a crash.
    let mut bind = header(2, 1, 2);
    bind.extend_from_slice(&[0xff; 40]);
    ws.binary(bind).await;
    let reply = ws.json().await;
    assert_eq!(
        (
            reply["action"].clone(),
            reply["stmt_id"].clone(),
            reply["code"].clone()
        ),
        (json!("bind"), json!(1), json!(65535))
    );
    // close is never answered; the next reply is for the next request.
    ws.text(json!({"action": "close", "args": {"req_id": 2, "stmt_id": 1}}))
        .await;
    ws.text(json!({"action": "exec", "args": {"req_id": 3, "stmt_id": 1}}))
        .await;
    assert_eq!(ws.json().await["message"], "stmt is nil");
    emulator.shutdown().await;
}

#[tokio::test]
async fn dropping_the_emulator_stops_it() {
    let emulator = start().await;
    let addr = emulator.addr();
    drop(emulator);
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "still accepting after drop");
}
