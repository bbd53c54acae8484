//! The official `taos` client (async API) against the emulator.

mod protocol_support;

use std::sync::Arc;

use futures::TryStreamExt;
use protocol_support::{start, Scripted, METER_TS};
use serde::Deserialize;
use taos::taos_query::common::Timestamp;
use taos::{AsyncFetchable, AsyncQueryable, AsyncTBuilder, Ty};
use taos_emulator::Emulator;

async fn connect(dsn: &str) -> taos::Taos {
    taos::TaosBuilder::from_dsn(dsn)
        .expect("dsn parses")
        .build()
        .await
        .expect("builder builds")
}

#[derive(Debug, PartialEq, Deserialize)]
struct Meter {
    ts: String,
    current: f32,
    location: Option<String>,
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_query_and_deserialize() {
    let emulator = start().await;
    let taos = connect(&emulator.dsn()).await;

    assert_eq!(taos.exec("CREATE DATABASE power").await.unwrap(), 0);
    assert_eq!(
        taos.exec("INSERT INTO d1 VALUES (1, 2) (3, 4)")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        taos.exec_many(["INSERT INTO d1 VALUES (1)", "INSERT INTO d2 VALUES (1) (2)"])
            .await
            .unwrap(),
        3
    );

    let mut rs = taos.query("SELECT * FROM meters").await.unwrap();
    let fields: Vec<(String, Ty, u32)> = rs
        .fields()
        .iter()
        .map(|f| (f.name().to_owned(), f.ty(), f.bytes()))
        .collect();
    assert_eq!(
        fields,
        [
            ("ts".to_owned(), Ty::Timestamp, 8),
            ("current".to_owned(), Ty::Float, 4),
            ("location".to_owned(), Ty::VarChar, 16),
        ]
    );
    let rows: Vec<(Timestamp, f32, Option<String>)> = rs.deserialize().try_collect().await.unwrap();
    let ts: Vec<i64> = rows.iter().map(|r| r.0.as_raw_i64()).collect();
    assert_eq!(ts, METER_TS);
    let rest: Vec<(f32, Option<String>)> = rows.into_iter().map(|r| (r.1, r.2)).collect();
    assert_eq!(
        rest,
        [
            (10.5, Some("beijing".to_owned())),
            (11.25, None),
            (-1.0, Some("shanghai".to_owned())),
        ]
    );

    // Untyped access: records, and rows as (name, value) pairs.
    let records = taos
        .query("select * from meters")
        .await
        .unwrap()
        .to_records()
        .await
        .unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[1][2], taos::Value::Null(Ty::VarChar));
    assert_eq!(records[2][1], taos::Value::Float(-1.0));
    let mut rs = taos.query("select * from meters").await.unwrap();
    let mut rows = rs.rows();
    let first = rows.try_next().await.unwrap().expect("a first row");
    let named: Vec<(String, String)> = first
        .map(|(name, value)| (name.to_owned(), value.to_string().unwrap_or_default()))
        .collect();
    assert_eq!(named[0].0, "ts");
    assert_eq!(named[2], ("location".to_owned(), "beijing".to_owned()));
    drop(rows);
    drop(rs);

    // Struct fields map by column name.
    let meters: Vec<Meter> = taos
        .query("select * from meters")
        .await
        .unwrap()
        .deserialize()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(meters.len(), 3);
    assert_eq!(meters[1].current, 11.25);
    assert_eq!(meters[1].location, None);

    assert_eq!(
        emulator.statements(),
        [
            "CREATE DATABASE power",
            "INSERT INTO d1 VALUES (1, 2) (3, 4)",
            "INSERT INTO d1 VALUES (1)",
            "INSERT INTO d2 VALUES (1) (2)",
            "SELECT * FROM meters",
            "select * from meters",
            "select * from meters",
            "select * from meters",
        ]
    );
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_version_query_one_and_empty_results() {
    let emulator = start().await;
    let taos = connect(&emulator.dsn()).await;

    assert_eq!(taos.server_version().await.unwrap(), "3.3.6.0");
    let status: Option<i32> = taos.query_one("select server_status()").await.unwrap();
    assert_eq!(status, Some(1));
    let db: Option<Option<String>> = taos.query_one("select database()").await.unwrap();
    assert_eq!(db, Some(None));

    let rows: Vec<(i32,)> = taos
        .query("select * from empty")
        .await
        .unwrap()
        .deserialize::<(i32,)>()
        .try_collect()
        .await
        .unwrap();
    assert!(rows.is_empty());

    // A result without columns is reported as a statement, never fetched.
    assert_eq!(taos.exec("select no_columns()").await.unwrap(), 0);

    // Many blocks stream in order.
    let numbers: Vec<(i64,)> = taos
        .query("select * from big")
        .await
        .unwrap()
        .deserialize::<(i64,)>()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers.len(), 50_000);
    assert!(numbers.iter().enumerate().all(|(i, n)| n.0 == i as i64));
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_carry_tdengine_codes() {
    let emulator = start().await;
    let taos = connect(&emulator.dsn()).await;

    let err = taos.exec("select * from missing").await.unwrap_err();
    assert_eq!(err.code(), 0x2603);
    assert!(err.to_string().contains("Table does not exist"), "{err}");

    let Err(err) = taos.query("not sql at all").await else {
        panic!("bad SQL must fail");
    };
    assert_eq!(err.code(), 0x0216);

    // An engine panic is an error for that statement only.
    let err = taos.exec("select boom()").await.unwrap_err();
    assert_eq!(err.code(), 0xffff);
    assert_eq!(taos.exec("create table t (ts timestamp)").await.unwrap(), 0);
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn login_is_checked() {
    let emulator = start().await;
    let addr = emulator.addr();

    let bad = connect(&format!("ws://root:wrong@{addr}")).await;
    let err = bad.exec("select server_status()").await.unwrap_err();
    assert_eq!(err.code(), 855);
    assert!(err.to_string().contains("Authentication failure"), "{err}");

    let missing_db = connect(&format!("ws://{addr}/nowhere")).await;
    let err = missing_db.exec("select server_status()").await.unwrap_err();
    assert_eq!(err.code(), 0x0388);

    let with_db = connect(&format!("ws://root:taosdata@{addr}/power")).await;
    let db: Option<String> = with_db.query_one("select database()").await.unwrap();
    assert_eq!(db.as_deref(), Some("power"));
    drop((bad, missing_db, with_db));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deadpool_pool_creates_and_recycles() {
    let emulator = start().await;
    let pool = taos::TaosBuilder::from_dsn(emulator.dsn())
        .unwrap()
        .pool()
        .unwrap();
    for _ in 0..3 {
        let taos = pool.get().await.unwrap();
        assert_eq!(taos.exec("insert into t values (1)").await.unwrap(), 1);
    }
    // Recycling pings with `select server_status()`.
    assert!(emulator
        .statements()
        .iter()
        .any(|s| s == "select server_status()"));
    drop(pool);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn json_protocol_for_older_servers() {
    let emulator = Emulator::builder()
        .executor(Arc::new(Scripted))
        .server_version("3.1.0.0")
        .start()
        .await
        .unwrap();
    let taos = connect(&emulator.dsn()).await;
    assert_eq!(taos.exec("insert into t values (1)").await.unwrap(), 1);
    let rows: Vec<(Timestamp, f32, Option<String>)> = taos
        .query("select * from meters")
        .await
        .unwrap()
        .deserialize()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2].2.as_deref(), Some("shanghai"));
    let err = taos.exec("select * from missing").await.unwrap_err();
    assert_eq!(err.code(), 0x2603);
    assert_eq!(taos.server_version().await.unwrap(), "3.3.6.0");
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_larger_than_a_websocket_frame() {
    let emulator = start().await;
    let taos = connect(&emulator.dsn()).await;
    // ~24 MiB, above the usual 16 MiB frame limit.
    let sql = format!("insert into t values {}", "(1) ".repeat(6_000_000));
    assert_eq!(taos.exec(&sql).await.unwrap(), 6_000_000);
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn many_clients_at_once() {
    let emulator = start().await;
    let dsn = emulator.dsn();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let dsn = dsn.clone();
            tokio::spawn(async move {
                let taos = connect(&dsn).await;
                let mut total = 0;
                for _ in 0..5 {
                    let rows: Vec<(i64,)> = taos
                        .query("select * from big")
                        .await
                        .unwrap()
                        .deserialize::<(i64,)>()
                        .try_collect()
                        .await
                        .unwrap();
                    total += rows.len();
                }
                total
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 250_000);
    }
    emulator.shutdown().await;
}
