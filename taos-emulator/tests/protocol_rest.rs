//! `POST /rest/sql` with a hand-written HTTP/1.1 client.

mod protocol_support;

use std::net::SocketAddr;

use protocol_support::start;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// base64("root:taosdata").
const ROOT: &str = "Basic cm9vdDp0YW9zZGF0YQ==";

/// Sends one request and returns the status and the raw body.
async fn post(addr: SocketAddr, path: &str, auth: Option<&str>, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("headers end");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

async fn post_json(addr: SocketAddr, path: &str, auth: Option<&str>, body: &str) -> (u16, Value) {
    let (status, body) = post(addr, path, auth, body).await;
    (status, serde_json::from_str(&body).unwrap())
}

/// Checks an error body: `timing` is present and varies.
fn assert_error(body: &Value, code: u32, desc: &str) {
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["desc"], desc, "{body}");
    assert!(body["timing"].is_u64(), "{body}");
    assert_eq!(body.as_object().unwrap().len(), 3, "{body}");
}

#[tokio::test]
async fn authorization_is_required() {
    let emulator = start().await;
    let addr = emulator.addr();
    let sql = "select server_status()";

    let (status, body) = post_json(addr, "/rest/sql", None, sql).await;
    assert_eq!(status, 401);
    assert_error(&body, 0x1105, "no auth info input");

    let (status, body) = post_json(addr, "/rest/sql", Some("Bearer abc"), sql).await;
    assert_eq!(status, 401);
    assert_error(&body, 0x1122, "invalid type of Authorization");

    let (status, body) = post_json(addr, "/rest/sql", Some("Basic %%%"), sql).await;
    assert_eq!(status, 401);
    assert_error(&body, 0x1124, "invalid basic Authorization");

    // base64("root:wrong"): a TDengine login failure, reported with HTTP 200.
    let (status, body) = post_json(addr, "/rest/sql", Some("Basic cm9vdDp3cm9uZw=="), sql).await;
    assert_eq!(status, 200);
    assert_error(&body, 855, "Authentication failure");
    assert!(emulator.statements().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn statements_and_errors() {
    let emulator = start().await;
    let addr = emulator.addr();

    let (status, body) = post(
        addr,
        "/rest/sql",
        Some(ROOT),
        "insert into t values (1) (2)",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[2]],"rows":1}"#
    );

    let (status, body) = post_json(addr, "/rest/sql", Some(ROOT), "select * from missing").await;
    assert_eq!(status, 200);
    assert_error(&body, 0x2603, "Table does not exist");

    let (status, body) = post_json(addr, "/rest/sql", Some(ROOT), "").await;
    assert_eq!(status, 400);
    assert_error(&body, 0x1106, "no msg input");

    let (status, body) = post_json(addr, "/rest/sql", Some(ROOT), "  \n ").await;
    assert_eq!(status, 400);
    assert_error(&body, 0x1107, "no sql input");

    let (status, body) = post_json(addr, "/rest/sql", Some(ROOT), "select boom()").await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 0xffff);

    assert_eq!(
        emulator.statements(),
        [
            "insert into t values (1) (2)",
            "select * from missing",
            "select boom()"
        ]
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn query_results_as_json() {
    let emulator = start().await;
    let addr = emulator.addr();

    let (status, body) = post_json(addr, "/rest/sql", Some(ROOT), "select * from meters").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "code": 0,
            "column_meta": [["ts", "TIMESTAMP", 8], ["current", "FLOAT", 4], ["location", "VARCHAR", 16]],
            "data": [
                ["2023-11-14T22:13:20.000Z", 10.5, "beijing"],
                ["2023-11-14T22:13:21.000Z", 11.25, null],
                ["2023-11-14T22:13:22.000Z", -1.0, "shanghai"]
            ],
            "rows": 3
        })
    );

    let (_, body) = post_json(
        addr,
        "/rest/sql?row_with_meta=true",
        Some(ROOT),
        "select * from meters",
    )
    .await;
    assert_eq!(
        body["data"][1],
        json!({"ts": "2023-11-14T22:13:21.000Z", "current": 11.25, "location": null})
    );

    let (status, body) = post_json(
        addr,
        "/rest/sql?row_with_meta=maybe",
        Some(ROOT),
        "select * from meters",
    )
    .await;
    assert_eq!(status, 400);
    assert_error(
        &body,
        0xffff,
        "illegal param, row_with_meta must be boolean maybe",
    );

    let (_, body) = post_json(addr, "/rest/sql", Some(ROOT), "select * from empty").await;
    assert_eq!(
        body,
        json!({"code": 0, "column_meta": [["v", "INT", 4]], "data": [], "rows": 0})
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn large_bodies_are_accepted() {
    let emulator = start().await;
    let sql = format!("insert into t values {}", "(1) ".repeat(1_000_000));
    let (status, body) = post_json(emulator.addr(), "/rest/sql", Some(ROOT), &sql).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"], json!([[1_000_000]]));
    emulator.shutdown().await;
}

#[tokio::test]
async fn database_in_the_path() {
    let emulator = start().await;
    let addr = emulator.addr();
    let (_, body) = post_json(addr, "/rest/sql/power", Some(ROOT), "select database()").await;
    assert_eq!(body["data"], json!([["power"]]));
    // A missing database is ignored here, as in taosAdapter.
    let (_, body) = post_json(addr, "/rest/sql/nowhere", Some(ROOT), "select database()").await;
    assert_eq!(body["data"], json!([[null]]));
    // Each request has its own session.
    let (_, body) = post_json(addr, "/rest/sql", Some(ROOT), "select database()").await;
    assert_eq!(body["data"], json!([[null]]));
    assert_eq!(emulator.statements(), ["select database()"; 3]);
    emulator.shutdown().await;
}
