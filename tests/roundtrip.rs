//! Every supported column type, NULL and awkward value makes the round trip
//! through the real `taos` client unchanged, in each database precision.

mod common;

use common::everything::{rows, Everything};

use taos_orm::{Database, Precision, TdTable};

async fn round_trip(precision: Precision) -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("types");
    let db = Database::create(&taos, &name.options().precision(precision)).await?;
    db.create_table::<Everything>().await?;
    let rows = rows(precision);
    assert_eq!(db.insert(&rows).await?.rows, rows.len());

    let sql = format!("SELECT * FROM `{name}`.`everything` ORDER BY ts");
    let back: Vec<Everything> = db.fetch_all(&sql).await?;
    let mut expected = rows.clone();
    expected.sort_by_key(|r| r.ts);
    assert_eq!(back, expected, "precision {precision:?}");

    // Reopening reads the precision back from the server.
    assert_eq!(
        Database::open(&taos, name.name()).await?.precision(),
        precision
    );
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips_in_milliseconds() -> taos_orm::Result<()> {
    round_trip(Precision::Millisecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips_in_microseconds() -> taos_orm::Result<()> {
    round_trip(Precision::Microsecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips_in_nanoseconds() -> taos_orm::Result<()> {
    round_trip(Precision::Nanosecond).await
}

/// Reserved words as column and tag names, and a JSON tag.
#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "reserved", child = "r_{key}")]
struct Reserved {
    #[taos(ts)]
    ts: i64,
    value: f64,
    level: i32,
    #[taos(varchar(8))]
    state: Option<String>,
    #[taos(rename = "first")]
    first_seen: Option<i64>,
    #[taos(tag)]
    key: i32,
    #[taos(tag, varchar(16))]
    comment: String,
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "docs")]
struct Doc {
    #[taos(ts)]
    ts: i64,
    size: i32,
    #[taos(tag, json)]
    info: serde_json::Value,
    #[taos(tbname)]
    table: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reserved_words_and_json_tags_round_trip() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("reserved");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Reserved>().await?;
    db.create_table::<Doc>().await?;

    let ts = 1_704_067_200_000;
    let reserved = vec![
        Reserved {
            ts,
            value: 1.5,
            level: 3,
            state: Some("on".into()),
            first_seen: Some(ts),
            key: 7,
            comment: "c'1".into(),
        },
        Reserved {
            ts: ts + 1,
            value: -2.0,
            level: 0,
            state: None,
            first_seen: None,
            key: 7,
            comment: "c'1".into(),
        },
    ];
    db.insert(&reserved).await?;
    let back: Vec<Reserved> = db
        .fetch_all(&format!("SELECT * FROM `{name}`.`reserved` ORDER BY ts"))
        .await?;
    assert_eq!(back, reserved);

    let docs = vec![
        Doc {
            ts,
            size: 1,
            info: serde_json::json!({"k1": "v'1", "n": 5, "t": true}),
            table: "doc_a".into(),
        },
        Doc {
            ts,
            size: 2,
            info: serde_json::json!({"k1": "Ω"}),
            table: "doc_b".into(),
        },
    ];
    db.insert(&docs).await?;
    let back: Vec<Doc> = db
        .fetch_all(&format!(
            "SELECT *, tbname FROM `{name}`.`docs` ORDER BY size"
        ))
        .await?;
    assert_eq!(back, docs);
    db.drop_database().await
}
