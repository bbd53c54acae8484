//! The parameter-binding path (`Database::insert_bound`): every column type
//! and NULL, in each precision, through the real client's stmt protocol.

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use taos_orm::{Database, DatabaseOptions, Error, Precision, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "everything", child = "e_{id}")]
struct Everything {
    #[taos(ts)]
    ts: DateTime<Utc>,
    b: bool,
    ti: i8,
    si: i16,
    i: i32,
    bi: i64,
    uti: u8,
    usi: u16,
    ui: u32,
    ubi: u64,
    f: f32,
    d: f64,
    #[taos(varchar(64))]
    vc: String,
    #[taos(nchar(32))]
    nc: String,
    #[taos(varbinary(32))]
    vb: Vec<u8>,
    naive: NaiveDateTime,
    o_b: Option<bool>,
    o_i: Option<i32>,
    o_ubi: Option<u64>,
    o_d: Option<f64>,
    #[taos(varchar(16))]
    o_vc: Option<String>,
    #[taos(nchar(16))]
    o_nc: Option<String>,
    #[taos(varbinary(8))]
    o_vb: Option<Vec<u8>>,
    #[taos(tag)]
    id: i32,
    #[taos(tag, nchar(16))]
    label: String,
    #[taos(tag)]
    weight: Option<f64>,
}

fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, nanos).unwrap()
}

/// Rows with extremes and awkward text; sub-second parts fit `precision`.
fn rows(precision: Precision) -> Vec<Everything> {
    let frac = match precision {
        Precision::Millisecond => 123_000_000,
        Precision::Microsecond => 123_456_000,
        Precision::Nanosecond => 123_456_789,
    };
    let base = 1_704_067_200; // 2024-01-01T00:00:00Z
    let full = Everything {
        ts: at(base, frac),
        b: true,
        ti: i8::MIN,
        si: i16::MAX,
        i: i32::MIN,
        bi: i64::MIN,
        uti: u8::MAX,
        usi: u16::MAX,
        ui: u32::MAX,
        ubi: u64::MAX,
        f: f32::MAX,
        d: f64::MIN_POSITIVE,
        vc: r#"it's a "quote" \ back\slash"#.into(),
        nc: "温度 🌡️ ünïcödé".into(),
        vb: vec![0, 1, 0x7f, 0x80, 0xff],
        naive: at(base - 86_400, frac).naive_utc(),
        o_b: Some(false),
        o_i: Some(-7),
        o_ubi: Some(0),
        o_d: Some(f64::MAX),
        o_vc: Some("line1\nline2\ttab\r".into()),
        o_nc: Some("NULL".into()),
        o_vb: Some(vec![]),
        id: 1,
        label: "ラベル'1".into(),
        weight: Some(-0.5),
    };
    let nulls = Everything {
        ts: at(base + 1, 0),
        b: false,
        ti: 0,
        si: i16::MIN,
        i: i32::MAX,
        bi: i64::MAX,
        uti: 0,
        usi: 0,
        ui: 0,
        ubi: 1,
        f: -1.5e-30,
        d: -f64::MAX,
        vc: String::new(),
        nc: String::new(),
        vb: vec![0xde, 0xad],
        naive: at(0, 0).naive_utc(),
        o_b: None,
        o_i: None,
        o_ubi: None,
        o_d: None,
        o_vc: None,
        o_nc: None,
        o_vb: None,
        id: 2,
        label: String::new(),
        weight: None,
    };
    let mut third = full.clone();
    third.ts = at(base + 2, frac);
    third.d = 0.1 + 0.2;
    third.f = 1.0 / 3.0;
    vec![full, nulls, third]
}

async fn round_trip(precision: Precision) -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::unique_db("bind");
    let db = Database::create(&taos, &DatabaseOptions::new(&name).precision(precision)).await?;
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
    let name = common::unique_db("bindtags");
    let db = Database::create(&taos, &DatabaseOptions::new(&name)).await?;
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
            key: vec![0xff, i as u8],
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
    let name = common::unique_db("bindbad");
    let db = Database::create(&taos, &DatabaseOptions::new(&name)).await?;
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
    let name = common::unique_db("bindmany");
    let db = Database::create(&taos, &DatabaseOptions::new(&name)).await?;
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
