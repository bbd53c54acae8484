//! The parameter-binding path (`Database::insert_bound`): every column type
//! and NULL, in each precision, through the real client's stmt protocol.

mod common;

use common::everything::{rows, Everything};

use chrono::Utc;
use taos_orm::{Database, Error, Precision, TdTable};

async fn round_trip(precision: Precision) -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("bind");
    let db = Database::create(&taos, &name.options().precision(precision)).await?;
    db.create_table::<Everything>().await?;
    let rows = rows(precision);
    let report = db.insert_bound(&rows).await?;
    assert_eq!(report.rows, rows.len());
    assert_eq!(report.affected, rows.len());

    let sql = format!("SELECT * FROM `{name}`.`everything` ORDER BY ts");
    let back: Vec<Everything> = db.fetch_all(&sql).await?;
    let mut expected = rows.clone();
    expected.sort_by_key(|r| r.ts);
    assert_eq!(back, expected, "precision {precision:?}");
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_binds_in_milliseconds() -> taos_orm::Result<()> {
    round_trip(Precision::Millisecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_binds_in_microseconds() -> taos_orm::Result<()> {
    round_trip(Precision::Microsecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_binds_in_nanoseconds() -> taos_orm::Result<()> {
    round_trip(Precision::Nanosecond).await
}

/// A JSON tag, and a VARBINARY tag (which the client cannot send in
/// `set_tags`, so its tables are created in SQL first).
#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "docs")]
struct Doc {
    #[taos(ts)]
    ts: i64,
    v: Option<i32>,
    #[taos(tag, json)]
    info: serde_json::Value,
    #[taos(tbname)]
    table: String,
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "blobs", child = "b{id}")]
struct Blob {
    #[taos(ts)]
    ts: i64,
    v: f64,
    #[taos(tag)]
    id: i32,
    #[taos(tag, varbinary(8))]
    key: Vec<u8>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_varbinary_tags_bind() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("bindtags");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Doc>().await?;
    db.create_table::<Blob>().await?;
    let now = Utc::now().timestamp_millis();
    let docs = vec![
        Doc {
            ts: now,
            v: Some(1),
            info: serde_json::json!({"site": "a", "n": 1}),
            table: "doc_a".into(),
        },
        Doc {
            ts: now + 1,
            v: None,
            info: serde_json::json!({"site": "a", "n": 1}),
            table: "doc_a".into(),
        },
        Doc {
            ts: now,
            v: Some(3),
            info: serde_json::json!({"site": "b"}),
            table: "doc_b".into(),
        },
    ];
    assert_eq!(db.insert_bound(&docs).await?.rows, 3);
    let back: Vec<Doc> = db
        .fetch_all(&format!(
            "SELECT *, tbname FROM `{name}`.`docs` ORDER BY tbname, ts"
        ))
        .await?;
    assert_eq!(back, docs);

    let blobs: Vec<Blob> = (0..4)
        .map(|i| Blob {
            ts: now + i,
            v: i as f64,
            id: (i % 2) as i32,
            // One tag set per child: the key follows the id.
            key: vec![0xff, (i % 2) as u8],
        })
        .collect();
    assert_eq!(db.insert_bound(&blobs).await?.rows, 4);
    let back: Vec<Blob> = db
        .fetch_all(&format!("SELECT * FROM `{name}`.`blobs` ORDER BY ts"))
        .await?;
    assert_eq!(back.len(), 4);
    assert_eq!(back[0].key, vec![0xff, 0]);
    assert_eq!(back[3].key, vec![0xff, 1]);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_value_writes_nothing_and_names_the_row() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("bindbad");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Everything>().await?;
    let mut rows = rows(Precision::Millisecond);
    rows[2].vc = "x".repeat(65);
    let err = db.insert_bound(&rows).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidValue {
                row: 2,
                field: "vc",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(db.count::<Everything>().await?, 0);
    assert_eq!(db.insert_bound(&[] as &[Everything]).await?.rows, 0);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_child_tables_in_one_call() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("bindmany");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Blob>().await?;
    let now = Utc::now().timestamp_millis();
    let rows: Vec<Blob> = (0..5_000)
        .map(|i| Blob {
            ts: now + i / 100,
            v: i as f64,
            id: (i % 100) as i32,
            key: vec![1],
        })
        .collect();
    let report = db.insert_bound(&rows).await?;
    assert_eq!(report.rows, 5_000);
    assert_eq!(db.count::<Blob>().await?, 5_000);
    db.drop_database().await
}

/// One prepare per handle and lane: a bound insert's statement is kept for
/// the next call and forgotten after DDL through the handle. Over a pool,
/// only WebSocket statements (which hold their own connection) are kept: a
/// native one needs the pooled connection that made it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bound_inserts_reuse_their_statements() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("bindreuse");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Blob>().await?;
    let now = Utc::now().timestamp_millis();
    let batch = |k: i64| -> Vec<Blob> {
        (0..10)
            .map(|i| Blob {
                ts: now + k * 10 + i,
                v: i as f64,
                id: (i % 2) as i32,
                key: vec![(i % 2) as u8],
            })
            .collect()
    };
    assert_eq!(db.idle_statements(), 0);
    for k in 0..5 {
        assert_eq!(db.insert_bound(&batch(k)).await?.rows, 10);
        assert_eq!(db.idle_statements(), 1, "call {k}: one lane, one statement");
    }
    assert_eq!(db.count::<Blob>().await?, 50);

    db.drop_table::<Blob>().await?;
    assert_eq!(db.idle_statements(), 0, "DDL forgets them");
    db.create_table::<Blob>().await?;
    assert_eq!(db.insert_bound(&batch(0)).await?.rows, 10);
    assert_eq!(db.count::<Blob>().await?, 10);
    db.exec(&format!(
        "ALTER STABLE `{name}`.`blobs` ADD COLUMN extra INT"
    ))
    .await?;
    assert_eq!(db.idle_statements(), 0, "so does DDL run through exec");
    assert_eq!(db.insert_bound(&batch(1)).await?.rows, 10);
    assert_eq!(db.count::<Blob>().await?, 20);

    let pooled = Database::new(
        taos_orm::pool(&common::dsn())?,
        name.to_string(),
        db.precision(),
    );
    assert_eq!(pooled.insert_bound(&batch(2)).await?.rows, 10);
    let kept_over_pool = usize::from(!taos.is_native());
    assert_eq!(pooled.idle_statements(), kept_over_pool);
    assert_eq!(db.count::<Blob>().await?, 30);
    db.drop_database().await
}
