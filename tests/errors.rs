//! Server errors surface with their TDengine codes, and a failed insert says
//! exactly which rows were not written.

mod common;

use chrono::{Duration, Utc};
use taos_orm::ddl::Span;
use taos_orm::error::codes;
use taos_orm::{Database, Error, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "probes", child = "p{probe}")]
struct Probe {
    #[taos(ts)]
    ts: chrono::DateTime<Utc>,
    value: f64,
    #[taos(tag)]
    probe: i32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_keep_their_codes() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("errors");
    let db = Database::create(&taos, &name.options()).await?;

    let err = db
        .fetch_all::<Probe>(&format!("SELECT * FROM `{name}`.`probes`"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(codes::TABLE_NOT_EXIST), "{err}");
    assert!(err.is_table_not_exist());

    let err = db
        .exec(&format!("CREATE DATABASE `{name}`"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(codes::DB_ALREADY_EXIST), "{err}");

    let err = Database::open(&taos, format!("{name}_missing"))
        .await
        .unwrap_err();
    assert!(err.is_database_not_exist(), "{err}");

    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_statement_reports_exactly_the_unwritten_rows() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("partial");
    let options = name
        .options()
        .keep(Span::Days(1))
        .duration(Span::Minutes(60));
    // A small statement cap puts each child table in its own statement.
    let db = Database::create(&taos, &options)
        .await?
        .with_max_sql_len(300);
    db.create_table::<Probe>().await?;

    let now = Utc::now();
    let row = |i: i64, probe: i32, age: Duration| Probe {
        ts: now - age + Duration::milliseconds(i),
        value: i as f64,
        probe,
    };
    // Rows 0..3 (probe 1) are fresh; rows 3..6 (probe 2) are older than KEEP,
    // which the server refuses (0x060B); rows 6..8 (probe 3) are fresh but
    // come after the failing statement.
    let mut rows: Vec<Probe> = (0..3).map(|i| row(i, 1, Duration::minutes(1))).collect();
    rows.extend((3..6).map(|i| row(i, 2, Duration::days(3))));
    rows.extend((6..8).map(|i| row(i, 3, Duration::minutes(1))));

    match db.insert(&rows).await.unwrap_err() {
        Error::Insert {
            table,
            written,
            total,
            unwritten,
            source,
        } => {
            assert_eq!(table, "probes");
            assert_eq!((written, total), (3, 8));
            assert_eq!(unwritten, vec![3, 4, 5, 6, 7]);
            assert_eq!(
                source.code(),
                Some(codes::TIMESTAMP_OUT_OF_RANGE),
                "{source}"
            );
        }
        other => panic!("expected Error::Insert, got {other}"),
    }
    // What the error says was written is exactly what the server holds.
    assert_eq!(db.count::<Probe>().await?, 3);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_values_fail_before_anything_is_written() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("invalid");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Probe>().await?;
    let now = Utc::now();
    let rows = vec![
        Probe {
            ts: now,
            value: 1.0,
            probe: 1,
        },
        Probe {
            ts: now,
            value: f64::NAN,
            probe: 2,
        },
    ];
    match db.insert(&rows).await.unwrap_err() {
        Error::InvalidValue {
            row, field, column, ..
        } => {
            assert_eq!((row, field, column), (1, "value", "value"));
        }
        other => panic!("expected Error::InvalidValue, got {other}"),
    }
    assert_eq!(db.count::<Probe>().await?, 0);
    db.drop_database().await
}

/// A value that cannot become its field names the result row it sits in,
/// whichever way the rows are read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decode_error_names_its_row() -> taos_orm::Result<()> {
    use futures::StreamExt;

    #[derive(Debug, Clone, PartialEq, TdTable)]
    #[taos(stable = "sparse", child = "s{probe}")]
    struct Sparse {
        #[taos(ts)]
        ts: i64,
        value: Option<f64>,
        #[taos(tag)]
        probe: i32,
    }
    /// The same table read into a struct that cannot take a NULL.
    #[derive(Debug, taos_orm::TdRow)]
    struct Dense {
        #[allow(dead_code)]
        value: f64,
    }
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("decode_row");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Sparse>().await?;
    let now = Utc::now().timestamp_millis();
    let rows: Vec<Sparse> = (0..5)
        .map(|k| Sparse {
            ts: now + k,
            value: (k != 3).then_some(k as f64),
            probe: 1,
        })
        .collect();
    db.insert(&rows).await?;
    let sql = format!("SELECT `value` FROM `{name}`.`sparse` ORDER BY ts");
    let err = db.fetch_all::<Dense>(&sql).await.unwrap_err();
    assert!(matches!(err, Error::Decode { row: Some(3), .. }), "{err}");
    assert!(err.to_string().contains("result row 3"), "{err}");
    let streamed: Vec<taos_orm::Result<Dense>> = db.stream::<Dense>(&sql).collect().await;
    assert!(streamed[..3].iter().all(Result::is_ok));
    assert!(
        matches!(streamed[3], Err(Error::Decode { row: Some(3), .. })),
        "{:?}",
        streamed[3]
    );
    let missing = format!("SELECT ts FROM `{name}`.`sparse`");
    let err = db.fetch_all::<Dense>(&missing).await.unwrap_err();
    assert!(matches!(err, Error::Decode { row: None, .. }), "{err}");
    db.drop_database().await
}
