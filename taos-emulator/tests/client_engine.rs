//! The official `taos` client against the emulator's real SQL engine:
//! WebSocket, parameter binding and REST over one state.

use futures::TryStreamExt;
use serde::Deserialize;
use taos::{AsyncBindable, AsyncFetchable, AsyncQueryable, AsyncTBuilder, ColumnView, Stmt, Value};
use taos_emulator::api::{Executor, Output, Session};
use taos_emulator::Emulator;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn connect(dsn: &str) -> taos::Taos {
    taos::TaosBuilder::from_dsn(dsn)
        .unwrap()
        .build()
        .await
        .unwrap()
}

#[derive(Debug, PartialEq, Deserialize)]
struct Reading {
    ts: i64,
    current: f32,
    phase: Option<i32>,
    location: String,
}

#[tokio::test(flavor = "multi_thread")]
async fn sql_stmt_and_rest_share_one_engine() {
    let emulator = Emulator::builder()
        .record_statements(true)
        .start()
        .await
        .unwrap();
    let taos = connect(&emulator.dsn()).await;

    taos.exec_many([
        "CREATE DATABASE power PRECISION 'ms'",
        "USE power",
        "CREATE STABLE meters (ts TIMESTAMP, current FLOAT, phase INT) TAGS (location VARCHAR(32))",
    ])
    .await
    .unwrap();
    let inserted = taos
        .exec(
            "INSERT INTO d1 USING meters TAGS ('beijing') VALUES (1700000000000, 10.5, 1) (1700000001000, 11.0, NULL)",
        )
        .await
        .unwrap();
    assert_eq!(inserted, 2);

    // Parameter binding on its own socket reaches the same engine.
    let mut stmt = Stmt::init(&taos).await.unwrap();
    stmt.prepare("INSERT INTO ? USING meters TAGS (?) VALUES (?, ?, ?)")
        .await
        .unwrap();
    stmt.set_tbname("d2").await.unwrap();
    stmt.set_tags(&[Value::VarChar("shanghai".into())])
        .await
        .unwrap();
    stmt.bind(&[
        ColumnView::from_millis_timestamp(vec![1_700_000_000_500i64]),
        ColumnView::from_floats(vec![9.25f32]),
        ColumnView::from_ints(vec![3]),
    ])
    .await
    .unwrap();
    stmt.add_batch().await.unwrap();
    assert_eq!(stmt.execute().await.unwrap(), 1);
    drop(stmt);

    let readings: Vec<Reading> = taos
        .query("SELECT ts, current, phase, location FROM meters ORDER BY ts")
        .await
        .unwrap()
        .deserialize()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        readings,
        [
            Reading {
                ts: 1_700_000_000_000,
                current: 10.5,
                phase: Some(1),
                location: "beijing".into()
            },
            Reading {
                ts: 1_700_000_000_500,
                current: 9.25,
                phase: Some(3),
                location: "shanghai".into()
            },
            Reading {
                ts: 1_700_000_001_000,
                current: 11.0,
                phase: None,
                location: "beijing".into()
            },
        ]
    );

    assert_eq!(taos.server_version().await.unwrap(), "3.3.6.0");
    let db: Option<String> = taos.query_one("SELECT DATABASE()").await.unwrap();
    assert_eq!(db.as_deref(), Some("power"));
    let err = taos.exec("SELECT * FROM power.nope").await.unwrap_err();
    assert_eq!(err.code(), 0x2603);

    // REST sees the same data.
    let (status, body) = rest(
        &emulator,
        "/rest/sql/power",
        "SELECT ts, phase FROM d1 ORDER BY ts",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({
            "code": 0,
            "column_meta": [["ts", "TIMESTAMP", 8], ["phase", "INT", 4]],
            "data": [["2023-11-14T22:13:20.000Z", 1], ["2023-11-14T22:13:21.000Z", null]],
            "rows": 2
        })
    );

    // The engine is reachable directly, e.g. to seed or inspect state.
    let engine = emulator.engine().expect("default engine");
    let Ok(Output::Rows(count)) =
        engine.execute(&mut Session::default(), "SELECT COUNT(*) FROM power.meters")
    else {
        panic!("count runs");
    };
    assert_eq!(count.rows, 1);

    let statements = emulator.statements();
    assert!(statements.contains(
        &"INSERT INTO d2 USING meters TAGS ('shanghai') VALUES (1700000000500, 9.25, 3)".to_owned()
    ));
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bound_batches_larger_than_one_statement() {
    let emulator = Emulator::start().await.unwrap();
    let taos = connect(&emulator.dsn()).await;
    taos.exec_many([
        "CREATE DATABASE big",
        "CREATE TABLE big.t (ts TIMESTAMP, v BIGINT)",
    ])
    .await
    .unwrap();
    let mut stmt = Stmt::init(&taos).await.unwrap();
    stmt.prepare("INSERT INTO big.t VALUES (?, ?)")
        .await
        .unwrap();
    // Rendered as SQL this is several MiB, over TDengine's 1 MiB statement limit.
    let ts: Vec<i64> = (0..100_000).map(|i| 1_700_000_000_000 + i).collect();
    let v: Vec<i64> = (0..100_000).collect();
    stmt.bind(&[
        ColumnView::from_millis_timestamp(ts),
        ColumnView::from_big_ints(v),
    ])
    .await
    .unwrap();
    stmt.add_batch().await.unwrap();
    assert_eq!(stmt.execute().await.unwrap(), 100_000);
    let count: Option<i64> = taos.query_one("SELECT COUNT(*) FROM big.t").await.unwrap();
    assert_eq!(count, Some(100_000));
    drop(stmt);
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connecting_to_a_missing_database_fails() {
    let emulator = Emulator::start().await.unwrap();
    let taos = connect(&format!("{}/nowhere", emulator.dsn())).await;
    let err = taos.exec("SELECT SERVER_STATUS()").await.unwrap_err();
    assert_eq!(err.code(), 0x0388);
    drop(taos);

    let setup = connect(&emulator.dsn()).await;
    setup.exec("CREATE DATABASE somewhere").await.unwrap();
    let taos = connect(&format!("{}/somewhere", emulator.dsn())).await;
    let db: Option<String> = taos.query_one("SELECT DATABASE()").await.unwrap();
    assert_eq!(db.as_deref(), Some("somewhere"));
    drop((setup, taos));
    emulator.shutdown().await;
}

/// One `POST` as root, returning the status and the JSON body.
async fn rest(emulator: &Emulator, path: &str, sql: &str) -> (u16, serde_json::Value) {
    let mut stream = tokio::net::TcpStream::connect(emulator.addr())
        .await
        .unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic cm9vdDp0YW9zZGF0YQ==\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{sql}",
        sql.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn emulators_can_share_a_prepared_engine() {
    let engine = std::sync::Arc::new(taos_emulator::Engine::new());
    engine
        .execute(&mut Session::default(), "CREATE DATABASE seeded")
        .unwrap();
    let first = Emulator::builder()
        .engine(engine.clone())
        .start()
        .await
        .unwrap();
    let second = Emulator::builder()
        .engine(engine.clone())
        .start()
        .await
        .unwrap();
    let a = connect(&format!("{}/seeded", first.dsn())).await;
    a.exec("CREATE TABLE t (ts TIMESTAMP, v INT)")
        .await
        .unwrap();
    a.exec("INSERT INTO t VALUES (1700000000000, 5)")
        .await
        .unwrap();
    let b = connect(&format!("{}/seeded", second.dsn())).await;
    let v: Option<i32> = b.query_one("SELECT v FROM t").await.unwrap();
    assert_eq!(v, Some(5));
    assert!(std::sync::Arc::ptr_eq(first.engine().unwrap(), &engine));
    drop((a, b));
    first.shutdown().await;
    second.shutdown().await;
}
