//! Bound statements go straight into storage (all or nothing per `exec`),
//! and injected faults fail or cut chosen statements, through the official
//! client.

use std::time::Duration;

use taos::{AsyncBindable, AsyncQueryable, AsyncTBuilder, ColumnView, Stmt, Value};
use taos_emulator::{Emulator, Fault};

async fn connect(dsn: &str) -> taos::Taos {
    taos::TaosBuilder::from_dsn(dsn)
        .unwrap()
        .build()
        .await
        .unwrap()
}

async fn setup(taos: &taos::Taos) {
    taos.exec_many([
        "CREATE DATABASE power PRECISION 'ms' KEEP 3650",
        "CREATE STABLE power.meters (ts TIMESTAMP, current FLOAT, phase INT, note NCHAR(4)) TAGS (location VARCHAR(8))",
    ])
    .await
    .unwrap();
}

async fn count(taos: &taos::Taos, sql: &str) -> i64 {
    taos.query_one::<_, i64>(sql).await.unwrap().unwrap_or(0)
}

fn columns(ts: Vec<i64>, notes: Vec<Option<&str>>) -> Vec<ColumnView> {
    let n = ts.len();
    vec![
        ColumnView::from_millis_timestamp(ts),
        ColumnView::from_floats((0..n).map(|i| Some(i as f32)).collect::<Vec<_>>()),
        ColumnView::from_ints(vec![None::<i32>; n]),
        ColumnView::from_nchar::<&str, _, _, _>(notes),
    ]
}

async fn bind_table(
    stmt: &mut Stmt,
    table: &str,
    location: &str,
    cols: &[ColumnView],
) -> taos::RawResult<()> {
    stmt.set_tbname(table).await?;
    stmt.set_tags(&[Value::VarChar(location.into())]).await?;
    stmt.bind(cols).await?;
    stmt.add_batch().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exec_is_all_or_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let taos = connect(&emulator.dsn()).await;
    setup(&taos).await;
    let now = chrono::Utc::now().timestamp_millis();
    let mut stmt = Stmt::init(&taos).await.unwrap();
    stmt.prepare("INSERT INTO ? USING power.meters TAGS(?) VALUES(?,?,?,?)")
        .await
        .unwrap();

    bind_table(
        &mut stmt,
        "power.d1",
        "sf",
        &columns(vec![now, now + 1], vec![Some("ok"), None]),
    )
    .await
    .unwrap();
    // NCHAR(4) holds 4 characters: the second table's row is too long.
    bind_table(
        &mut stmt,
        "power.d2",
        "la",
        &columns(vec![now], vec![Some("ñandú")]),
    )
    .await
    .unwrap();
    let err = stmt.execute().await.unwrap_err();
    assert_eq!(err.code(), 0x2653, "{err}");
    assert_eq!(count(&taos, "SELECT COUNT(*) FROM power.meters").await, 0);
    let tables = count(
        &taos,
        "SELECT COUNT(*) FROM information_schema.ins_tables WHERE db_name = 'power'",
    )
    .await;
    assert_eq!(tables, 0, "no child table is created by a failed exec");

    bind_table(
        &mut stmt,
        "power.d1",
        "sf",
        &columns(vec![now, now + 1], vec![Some("ok"), None]),
    )
    .await
    .unwrap();
    bind_table(
        &mut stmt,
        "power.d2",
        "la",
        &columns(vec![now], vec![Some("ñand")]),
    )
    .await
    .unwrap();
    assert_eq!(stmt.execute().await.unwrap(), 3);
    assert_eq!(count(&taos, "SELECT COUNT(*) FROM power.meters").await, 3);
    assert_eq!(
        count(
            &taos,
            "SELECT COUNT(*) FROM power.meters WHERE note IS NULL"
        )
        .await,
        1
    );

    // Out of order and over existing rows: merged like an INSERT.
    bind_table(
        &mut stmt,
        "power.d1",
        "sf",
        &columns(vec![now + 1, now - 5], vec![Some("new"), Some("old")]),
    )
    .await
    .unwrap();
    assert_eq!(stmt.execute().await.unwrap(), 2);
    assert_eq!(count(&taos, "SELECT COUNT(*) FROM power.d1").await, 3);
    let note: Option<String> = taos
        .query_one(format!("SELECT note FROM power.d1 WHERE ts = {}", now + 1))
        .await
        .unwrap();
    assert_eq!(note.as_deref(), Some("new"));

    // Outside KEEP, like an INSERT.
    bind_table(&mut stmt, "power.d1", "sf", &columns(vec![0], vec![None]))
        .await
        .unwrap();
    assert_eq!(stmt.execute().await.unwrap_err().code(), 0x060B);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_fail_the_nth_matching_statement_with_its_code() {
    let emulator = Emulator::builder()
        .fault(
            Fault::matching("insert into ?")
                .nth(2)
                .fail(0x0513, "Database not ready"),
        )
        .fault(Fault::matching("select 42").fail(0x000B, "Unable to establish connection"))
        .start()
        .await
        .unwrap();
    let taos = connect(&emulator.dsn()).await;
    setup(&taos).await;
    let now = chrono::Utc::now().timestamp_millis();
    let mut stmt = Stmt::init(&taos).await.unwrap();
    stmt.prepare("INSERT INTO ? USING power.meters TAGS(?) VALUES(?,?,?,?)")
        .await
        .unwrap();
    for (i, expect_ok) in [(0, true), (1, false), (2, true)] {
        bind_table(
            &mut stmt,
            "power.d1",
            "sf",
            &columns(vec![now + i], vec![None]),
        )
        .await
        .unwrap();
        let result = stmt.execute().await;
        assert_eq!(result.is_ok(), expect_ok, "exec {i}: {result:?}");
        if let Err(e) = result {
            assert_eq!(e.code(), 0x0513);
        }
    }
    assert_eq!(count(&taos, "SELECT COUNT(*) FROM power.meters").await, 2);
    let err = taos
        .query("SELECT 42")
        .await
        .err()
        .expect("an injected error");
    assert_eq!(err.code(), 0x000B);
    assert!(
        taos.query("SELECT 42").await.is_err(),
        "pattern faults fire every time"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_writes_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let taos = connect(&emulator.dsn()).await;
    setup(&taos).await;
    let now = chrono::Utc::now().timestamp_millis();
    let mut stmt = Stmt::init(&taos).await.unwrap();
    stmt.prepare("INSERT INTO ? USING power.meters TAGS(?) VALUES(?,?,?,?)")
        .await
        .unwrap();
    bind_table(&mut stmt, "power.d1", "sf", &columns(vec![now], vec![None]))
        .await
        .unwrap();
    emulator.inject(Fault::matching("using power.meters").drop_connection());
    // The 0.12.3 client never hears back from a dropped socket.
    let outcome = tokio::time::timeout(Duration::from_millis(500), stmt.execute()).await;
    assert!(!matches!(outcome, Ok(Ok(_))), "{outcome:?}");
    assert_eq!(count(&taos, "SELECT COUNT(*) FROM power.meters").await, 0);
}
