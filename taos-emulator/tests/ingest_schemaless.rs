//! Schemaless line protocol (`taos.put`) through the official client.

use futures::TryStreamExt;
use serde::Deserialize;
use taos::taos_query::common::{SchemalessPrecision, SchemalessProtocol, SmlDataBuilder};
use taos::{AsyncFetchable, AsyncQueryable, AsyncTBuilder};
use taos_emulator::Emulator;

async fn connect(dsn: &str) -> taos::Taos {
    taos::TaosBuilder::from_dsn(dsn)
        .unwrap()
        .build()
        .await
        .unwrap()
}

async fn put(
    taos: &taos::Taos,
    precision: SchemalessPrecision,
    lines: &[&str],
) -> taos::RawResult<()> {
    let data = SmlDataBuilder::default()
        .protocol(SchemalessProtocol::Line)
        .precision(precision)
        .data(lines.iter().map(|l| l.to_string()).collect::<Vec<_>>())
        .req_id(7u64)
        .build()
        .unwrap();
    taos.put(&data).await
}

#[derive(Debug, PartialEq, Deserialize)]
struct Row {
    ts: i64,
    i: i64,
    u: u64,
    d: f64,
    s: String,
    n: String,
    b: bool,
    site: String,
}

#[tokio::test(flavor = "multi_thread")]
async fn line_protocol_creates_tables_and_reads_back() {
    let emulator = Emulator::builder().start().await.unwrap();
    let admin = connect(&emulator.dsn()).await;
    admin
        .exec("CREATE DATABASE sml PRECISION 'us'")
        .await
        .unwrap();
    let taos = connect(&format!("{}/sml", emulator.dsn())).await;

    put(
        &taos,
        SchemalessPrecision::Millisecond,
        &[
            r#"cpu,site=h\ 1 i=-3i,u=4u,d=1.5,s="a \"b\"",n=L"ü",b=t 1700000000000"#,
            r#"cpu,site=h2 i=5i,u=6u,d=2,s="x",n=L"y",b=false 1700000000001"#,
        ],
    )
    .await
    .unwrap();
    // A new field adds a column; the earlier rows read it as NULL.
    put(
        &taos,
        SchemalessPrecision::Nanosecond,
        &["cpu,site=h2 extra=1i 1700000000002000000"],
    )
    .await
    .unwrap();

    let rows: Vec<Row> = taos
        .query("SELECT CAST(_ts AS BIGINT) AS ts, `i`, `u`, `d`, `s`, `n`, `b`, `site` FROM sml.cpu WHERE `i` IS NOT NULL ORDER BY _ts")
        .await
        .unwrap()
        .deserialize()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            Row {
                ts: 1_700_000_000_000_000,
                i: -3,
                u: 4,
                d: 1.5,
                s: "a \"b\"".into(),
                n: "ü".into(),
                b: true,
                site: "h 1".into()
            },
            Row {
                ts: 1_700_000_000_001_000,
                i: 5,
                u: 6,
                d: 2.0,
                s: "x".into(),
                n: "y".into(),
                b: false,
                site: "h2".into()
            },
        ]
    );

    let names: Vec<(String,)> = taos
        .query("SELECT DISTINCT tbname FROM sml.cpu WHERE site = 'h2'")
        .await
        .unwrap()
        .deserialize()
        .try_collect()
        .await
        .unwrap();
    let expected = format!("t_{:x}", md5::compute("cpu,site=h2"));
    assert_eq!(names, vec![(expected,)]);

    let extra: Vec<(i64, Option<i64>)> = taos
        .query("SELECT CAST(_ts AS BIGINT), extra FROM sml.cpu ORDER BY _ts")
        .await
        .unwrap()
        .deserialize::<(i64, Option<i64>)>()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        extra.iter().map(|r| r.1).collect::<Vec<_>>(),
        vec![None, None, Some(1)]
    );
    assert_eq!(extra[2].0, 1_700_000_000_002_000);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_lines_fail_with_schemaless_codes() {
    let emulator = Emulator::builder().start().await.unwrap();
    let admin = connect(&emulator.dsn()).await;
    admin.exec("CREATE DATABASE sml").await.unwrap();
    let taos = connect(&format!("{}/sml", emulator.dsn())).await;

    let err = put(
        &taos,
        SchemalessPrecision::Millisecond,
        &["cpu v=1x 1700000000000"],
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), 0x3002, "{err}");

    put(
        &taos,
        SchemalessPrecision::Millisecond,
        &["cpu v=1i 1700000000000"],
    )
    .await
    .unwrap();
    let err = put(
        &taos,
        SchemalessPrecision::Millisecond,
        &["cpu v=\"s\" 1700000000001"],
    )
    .await
    .unwrap_err();
    // A real server reports a type clash as invalid data.
    assert_eq!(err.code(), 0x3002, "{err}");
}
