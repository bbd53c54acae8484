//! The full cycle through the real `taos` client: create a database and a
//! super table, insert across child tables, read back, count, drop.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use taos::AsyncTBuilder;
use taos_orm::{Database, Precision, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "meters", child = "d{group_id}_{device}")]
struct Meter {
    #[taos(ts)]
    ts: DateTime<Utc>,
    current: f32,
    voltage: i32,
    phase: Option<f64>,
    #[taos(tag, varchar(32))]
    location: String,
    #[taos(tag)]
    group_id: i32,
    #[taos(tag)]
    device: u16,
}

fn meters(devices: u16, per_device: i64) -> Vec<Meter> {
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    (0..devices)
        .flat_map(|d| {
            (0..per_device).map(move |i| Meter {
                ts: start + chrono::Duration::seconds(i),
                current: 10.0 + i as f32 / 8.0,
                voltage: 200 + i as i32,
                phase: (i % 3 != 0).then_some(0.25 * i as f64),
                location: format!("Room {}'s \"corner\"", d % 3),
                group_id: (d % 2) as i32,
                device: d,
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_insert_read_count_drop() -> taos_orm::Result<()> {
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build().await?;
    let name = common::TestDb::new("lifecycle");
    let db = Database::create(&taos, &name.options()).await?;
    assert_eq!(db.precision(), Precision::Millisecond);
    db.create_table::<Meter>().await?;
    // Idempotent: a second run of start-up code must not fail.
    db.create_table::<Meter>().await?;

    let rows = meters(10, 300);
    let report = db.insert(&rows).await?;
    assert_eq!(report.rows, 3000);
    assert_eq!(report.affected, 3000);
    assert_eq!(db.count::<Meter>().await?, 3000);

    let sql = format!("SELECT * FROM `{name}`.`meters` WHERE device = 7 ORDER BY ts");
    let back: Vec<Meter> = db.fetch_all(&sql).await?;
    let expected: Vec<Meter> = rows.iter().filter(|m| m.device == 7).cloned().collect();
    assert_eq!(back, expected);

    // `*` on a child table has no tags: the error names the field and column.
    let err = db
        .fetch_one::<Meter>(&format!(
            "SELECT * FROM `{name}`.`d1_3` ORDER BY ts LIMIT 1"
        ))
        .await
        .unwrap_err();
    match &err {
        taos_orm::Error::Decode {
            struct_name,
            field,
            column,
            reason,
            ..
        } => {
            assert_eq!(
                (*struct_name, *field, column.as_str()),
                ("Meter", "location", "location")
            );
            assert_eq!(*reason, taos_orm::DecodeReason::MissingColumn);
        }
        other => panic!("expected a decode error, got {other}"),
    }
    let sql =
        format!("SELECT *, location, group_id, device FROM `{name}`.`d1_3` ORDER BY ts LIMIT 1");
    assert_eq!(db.fetch_one::<Meter>(&sql).await?, rows[900]);

    db.drop_database().await?;
    let gone = Database::open(&taos, name.name()).await.unwrap_err();
    assert!(gone.is_database_not_exist(), "{gone}");
    Ok(())
}
