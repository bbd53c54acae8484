//! The binding path of the synchronous API, from a plain thread.

mod common;

use taos::sync::TBuilder;
use taos_orm::blocking::Database;
use taos_orm::{Error, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: Option<f32>,
    #[taos(nchar(8))]
    note: Option<String>,
    #[taos(tag)]
    device: i32,
}

#[test]
fn rows_bind_through_the_blocking_database() -> taos_orm::Result<()> {
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build()?;
    let name = common::TestDb::new("bind_sync");
    let db = Database::create(&taos, &name.options())?;
    db.create_table::<Meter>()?;
    let now = chrono::Utc::now().timestamp_millis();
    let rows: Vec<Meter> = (0..1_000)
        .map(|i| Meter {
            ts: now + i / 10,
            current: (i % 3 != 0).then_some(i as f32),
            note: (i % 2 == 0).then(|| "ü".repeat(8)),
            device: (i % 10) as i32,
        })
        .collect();
    let report = db.insert_bound(&rows)?;
    assert_eq!((report.rows, report.affected), (1_000, 1_000));
    let mut back: Vec<Meter> = db.fetch_all(&format!(
        "SELECT * FROM `{}`.`meters` ORDER BY device, ts",
        db.name()
    ))?;
    let mut expected = rows.clone();
    expected.sort_by_key(|m| (m.device, m.ts));
    back.sort_by_key(|m| (m.device, m.ts));
    assert_eq!(back, expected);

    let mut bad = rows[0].clone();
    bad.note = Some("ü".repeat(9));
    let err = db.insert_bound(&[bad]).unwrap_err();
    assert!(
        matches!(err, Error::InvalidValue { field: "note", .. }),
        "{err}"
    );
    db.drop_database()
}

/// The blocking handle keeps its bound insert's statement too, and forgets
/// it after DDL.
#[test]
fn the_blocking_database_reuses_its_statements() -> taos_orm::Result<()> {
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build()?;
    let name = common::TestDb::new("bind_sync_reuse");
    let db = Database::create(&taos, &name.options())?;
    db.create_table::<Meter>()?;
    let now = chrono::Utc::now().timestamp_millis();
    for k in 0..3 {
        let rows: Vec<Meter> = (0..20)
            .map(|i| Meter {
                ts: now + k * 20 + i,
                current: Some(i as f32),
                note: None,
                device: (i % 4) as i32,
            })
            .collect();
        assert_eq!(db.insert_bound(&rows)?.rows, 20);
        assert_eq!(db.idle_statements(), 1, "call {k}");
    }
    assert_eq!(db.count::<Meter>()?, 60);
    db.drop_table::<Meter>()?;
    assert_eq!(db.idle_statements(), 0);
    db.drop_database()
}
