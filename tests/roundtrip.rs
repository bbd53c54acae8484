//! Every supported column type, NULL and awkward value makes the round trip
//! through the real `taos` client unchanged, in each database precision.

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use taos_orm::{Database, DatabaseOptions, Precision, TdTable};

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
    let name = common::unique_db("types");
    let db = Database::create(&taos, &DatabaseOptions::new(&name).precision(precision)).await?;
    db.create_table::<Everything>().await?;
    let rows = rows(precision);
    assert_eq!(db.insert(&rows).await?.rows, rows.len());

    let sql = format!("SELECT * FROM `{name}`.`everything` ORDER BY ts");
    let back: Vec<Everything> = db.fetch_all(&sql).await?;
    let mut expected = rows.clone();
    expected.sort_by_key(|r| r.ts);
    assert_eq!(back, expected, "precision {precision:?}");

    // Reopening reads the precision back from the server.
    assert_eq!(Database::open(&taos, &name).await?.precision(), precision);
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
    let name = common::unique_db("reserved");
    let db = Database::create(&taos, &DatabaseOptions::new(&name)).await?;
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
