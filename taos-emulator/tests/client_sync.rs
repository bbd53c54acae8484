//! The official `taos` client's blocking API against an emulator that runs
//! its own runtime: no tokio in the test itself.

mod protocol_support;

use std::sync::Arc;

use protocol_support::{Scripted, METER_TS};
use taos::sync::{Fetchable, Queryable, TBuilder};
use taos_emulator::Emulator;

fn emulator() -> Emulator {
    Emulator::builder()
        .executor(Arc::new(Scripted))
        .record_statements(true)
        .start_blocking()
        .expect("emulator starts")
}

#[test]
fn blocking_client_round_trip() {
    let emulator = emulator();
    let taos = taos::TaosBuilder::from_dsn(emulator.dsn())
        .unwrap()
        .build()
        .unwrap();

    assert_eq!(taos.exec("insert into t values (1) (2) (3)").unwrap(), 3);
    let mut rs = taos.query("select * from meters").unwrap();
    let names: Vec<&str> = rs.fields().iter().map(|f| f.name()).collect();
    assert_eq!(names, ["ts", "current", "location"]);
    let rows: Vec<(i64, f32, Option<String>)> = rs.deserialize().collect::<Result<_, _>>().unwrap();
    let ts: Vec<i64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(ts, METER_TS);
    assert_eq!(rows[0].2.as_deref(), Some("beijing"));

    assert_eq!(taos.server_version().unwrap(), "3.3.6.0");
    let status: Option<i32> = taos.query_one("select server_status()").unwrap();
    assert_eq!(status, Some(1));
    let err = taos.exec("select * from missing").unwrap_err();
    assert_eq!(err.code(), 0x2603);

    assert_eq!(emulator.statements()[0], "insert into t values (1) (2) (3)");
    drop(taos);
    drop(emulator);
}

#[test]
fn blocking_emulator_stops_on_drop() {
    let emulator = emulator();
    let addr = emulator.addr();
    drop(emulator);
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn blocking_client_on_the_engine() {
    let emulator = Emulator::start_blocking().unwrap();
    let taos = taos::TaosBuilder::from_dsn(emulator.dsn())
        .unwrap()
        .build()
        .unwrap();
    taos.exec_many([
        "CREATE DATABASE IF NOT EXISTS sync_db",
        "CREATE TABLE sync_db.t (ts TIMESTAMP, v BIGINT)",
    ])
    .unwrap();
    assert_eq!(
        taos.exec("INSERT INTO sync_db.t VALUES (NOW, 10) (NOW + 1s, 20) (NOW + 2s, 30)")
            .unwrap(),
        3
    );
    let sum: Option<i64> = taos.query_one("SELECT SUM(v) FROM sync_db.t").unwrap();
    assert_eq!(sum, Some(60));
    drop(taos);
}

#[test]
fn blocking_emulator_starts_and_stops_inside_a_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let emulator = Emulator::start_blocking().unwrap();
        let addr = emulator.addr();
        assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
        drop(emulator);
        addr
    });
    assert!(std::net::TcpStream::connect(addr).is_err());
}
