//! The engine through the real `taos` client: every column type survives
//! the raw-block round trip, and errors arrive with TDengine's codes.

use futures::TryStreamExt;
use taos::{AsyncFetchable, AsyncQueryable, AsyncTBuilder, Ty, Value};
use taos_emulator::Emulator;

async fn connect(emulator: &Emulator) -> taos::Taos {
    taos::TaosBuilder::from_dsn(emulator.dsn())
        .expect("dsn parses")
        .build()
        .await
        .expect("connects")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_type_round_trips_through_the_client() {
    let emulator = Emulator::start().await.expect("starts");
    let taos = connect(&emulator).await;
    for sql in [
        "CREATE DATABASE lab PRECISION 'us'",
        "USE lab",
        "CREATE STABLE everything (ts TIMESTAMP, b BOOL, i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, \
         u8 TINYINT UNSIGNED, u16 SMALLINT UNSIGNED, u32 INT UNSIGNED, u64 BIGINT UNSIGNED, f FLOAT, d DOUBLE, \
         s VARCHAR(16), n NCHAR(8), vb VARBINARY(8), g GEOMETRY(32)) TAGS (info JSON)",
    ] {
        taos.exec(sql).await.expect(sql);
    }
    let n = taos
        .exec(
            r#"INSERT INTO e1 USING everything TAGS ('{"k":"v"}') VALUES
               ('2024-01-01 00:00:00.000001', true, -8, -16, -32, -64, 8, 16, 32, 18446744073709551615, 1.5, 2.25, 'héllo', '中文', '\x0aff', 'POINT(1 2)')
               ('2024-01-01 00:00:00.000002', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"#,
        )
        .await
        .expect("insert");
    assert_eq!(n, 2);
    let mut rs = taos.query("SELECT * FROM everything").await.expect("query");
    let fields: Vec<(String, Ty)> = rs
        .fields()
        .iter()
        .map(|f| (f.name().to_string(), f.ty()))
        .collect();
    assert_eq!(fields.len(), 17);
    assert_eq!(fields[16], ("info".to_string(), Ty::Json));
    assert_eq!(fields[9].1, Ty::UBigInt);
    let rows: Vec<Vec<Value>> = rs
        .rows()
        .map_ok(|r| r.into_values())
        .try_collect()
        .await
        .expect("rows");
    assert_eq!(rows.len(), 2);
    let r = &rows[0];
    match &r[0] {
        Value::Timestamp(t) => assert_eq!(t.as_raw_i64(), 1_704_067_200_000_001),
        v => panic!("ts: {v:?}"),
    }
    assert_eq!(r[1], Value::Bool(true));
    assert_eq!(r[2], Value::TinyInt(-8));
    assert_eq!(r[5], Value::BigInt(-64));
    assert_eq!(r[9], Value::UBigInt(u64::MAX));
    assert_eq!(r[10], Value::Float(1.5));
    assert_eq!(r[11], Value::Double(2.25));
    assert_eq!(r[12], Value::VarChar("héllo".into()));
    assert_eq!(r[13], Value::NChar("中文".into()));
    match &r[14] {
        Value::VarBinary(b) => assert_eq!(b.to_vec(), vec![0x0a, 0xff]),
        v => panic!("varbinary: {v:?}"),
    }
    match &r[15] {
        Value::Geometry(b) => assert_eq!(b.len(), 21),
        v => panic!("geometry: {v:?}"),
    }
    assert_eq!(r[16], Value::Json(serde_json::json!({"k": "v"})));
    assert!(rows[1][1..16].iter().all(Value::is_null));
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn aggregates_windows_and_errors_through_the_client() {
    let emulator = Emulator::start().await.expect("starts");
    let taos = connect(&emulator).await;
    for sql in [
        "CREATE DATABASE power",
        "USE power",
        "CREATE STABLE meters (ts TIMESTAMP, current FLOAT, voltage INT) TAGS (location VARCHAR(16), groupid INT)",
        "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES ('2024-01-01 00:00:00', 1, 220) ('2024-01-01 00:00:30', 3, 222) \
         d2 USING meters TAGS ('sh', 2) VALUES ('2024-01-01 00:01:00', 5, 230)",
    ] {
        taos.exec(sql).await.expect(sql);
    }
    let mut rs = taos
        .query("SELECT _wstart, count(*), AVG(current) FROM meters INTERVAL(1m)")
        .await
        .expect("query");
    let names: Vec<String> = rs.fields().iter().map(|f| f.name().to_string()).collect();
    assert_eq!(names, vec!["_wstart", "count(*)", "avg(current)"]);
    let rows: Vec<Vec<Value>> = rs
        .rows()
        .map_ok(|r| r.into_values())
        .try_collect()
        .await
        .expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][1], Value::BigInt(2));
    assert_eq!(rows[0][2], Value::Double(2.0));
    let err = taos
        .exec("INSERT INTO d1 VALUES (NOW, 'abc', 1)")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 0x0216);
    let Err(err) = taos.query("SELECT nope FROM meters").await else {
        panic!("expected an error");
    };
    assert_eq!(err.code(), 0x2602);
    drop(taos);
    emulator.shutdown().await;
}
