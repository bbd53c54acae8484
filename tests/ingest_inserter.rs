//! The buffered `Inserter`: every type through it, exact accounting when a
//! server error hits the middle of a flush, retries, period flushes,
//! concurrent producers, and no row lost on drop.
//!
//! Tests that inject faults run against their own in-process emulator
//! (a real server cannot be told to fail), the others against `TAOS_DSN`
//! when it is set.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use taos_emulator::{Emulator, Fault};
use taos_orm::{
    Database, DatabaseOptions, Error, InsertMode, Inserter, InserterOptions, Retry, TdTable,
};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "kinds", child = "k_{id}")]
struct Kinds {
    #[taos(ts)]
    ts: i64,
    b: Option<bool>,
    ti: Option<i8>,
    si: i16,
    i: Option<i32>,
    bi: i64,
    uti: u8,
    usi: Option<u16>,
    ui: u32,
    ubi: Option<u64>,
    f: Option<f32>,
    d: f64,
    #[taos(varchar(16))]
    vc: Option<String>,
    #[taos(nchar(8))]
    nc: Option<String>,
    #[taos(varbinary(8))]
    vb: Option<Vec<u8>>,
    #[taos(tag)]
    id: i32,
    #[taos(tag, nchar(8))]
    label: Option<String>,
}

fn kinds(n: i64, now: i64) -> Vec<Kinds> {
    (0..n)
        .map(|k| {
            let full = k % 2 == 0;
            Kinds {
                ts: now + k,
                b: full.then_some(k % 4 == 0),
                ti: full.then_some(-(k as i8)),
                si: i16::MIN + k as i16,
                i: full.then_some(i32::MAX),
                bi: i64::MIN + k,
                uti: u8::MAX,
                usi: full.then_some(7),
                ui: u32::MAX,
                ubi: full.then_some(u64::MAX),
                f: full.then_some(1.5),
                d: -2.25,
                vc: full.then(|| format!("v'{k}")),
                nc: full.then(|| "温度ü".to_owned()),
                vb: full.then(|| vec![0, 0xff]),
                id: (k % 3) as i32,
                label: (k % 3 != 0).then(|| "ラベル".to_owned()),
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_and_null_through_the_inserter() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("ins_types");
    let db = Database::create(Arc::new(taos), &name.options()).await?;
    db.create_table::<Kinds>().await?;
    for mode in [InsertMode::Bound, InsertMode::Sql] {
        db.exec(&format!("DELETE FROM `{name}`.`kinds`")).await?;
        let rows = kinds(40, Utc::now().timestamp_millis());
        let options = InserterOptions::default().max_rows(16).mode(mode);
        let mut inserter = Inserter::new(db.clone(), options);
        for row in rows.iter().cloned() {
            inserter.write(row).await?;
        }
        let stats = inserter.end().await?;
        assert_eq!(stats.rows_flushed, 40);
        assert_eq!(stats.flushes, 3, "16 + 16 + the 8 left at end");
        let back: Vec<Kinds> = db
            .fetch_all(&format!("SELECT * FROM `{name}`.`kinds` ORDER BY ts"))
            .await?;
        assert_eq!(back, rows, "{mode:?}");
    }
    db.drop_database().await
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device: i32,
}

fn meters(n: usize, tables: usize, now: i64) -> Vec<Meter> {
    (0..n)
        .map(|k| Meter {
            ts: now + (k / tables) as i64,
            current: k as f32,
            device: (k % tables) as i32,
        })
        .collect()
}

async fn faulty(fault: Fault) -> (Emulator, Database<Arc<taos::Taos>>) {
    let emulator = Emulator::builder().fault(fault).start().await.unwrap();
    let taos = taos_orm::connect(&emulator.dsn()).await.unwrap();
    let db = Database::create(Arc::new(taos), &DatabaseOptions::new("faulty"))
        .await
        .unwrap();
    db.create_table::<Meter>().await.unwrap();
    (emulator, db)
}

/// The unwritten indices of a failed flush, checked against the database.
async fn assert_partial(
    db: &Database<Arc<taos::Taos>>,
    inserter: &Inserter<Meter, Arc<taos::Taos>>,
    err: &Error,
    rows: &[Meter],
) -> Vec<usize> {
    let Error::Insert {
        written,
        total,
        unwritten,
        ..
    } = err
    else {
        panic!("expected Error::Insert, got {err}");
    };
    assert_eq!(*total, rows.len());
    assert!(*written > 0 && !unwritten.is_empty(), "{err}");
    assert_eq!(written + unwritten.len(), rows.len());
    assert_eq!(db.count::<Meter>().await.unwrap() as usize, *written);
    let kept: Vec<Meter> = unwritten.iter().map(|&i| rows[i].clone()).collect();
    assert_eq!(inserter.pending(), kept.as_slice());
    unwritten.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_mid_flush_loses_no_row_bound_path() {
    // Each exec carries 100,000 rows of whole tables: 250,000 rows take
    // three (100k, 100k, 50k), each on its own concurrent statement; the
    // second to arrive fails, the others are written. The error is one
    // no row can escape (the table went away), so no row is set aside.
    let (_emulator, db) = faulty(
        Fault::matching("insert into ?")
            .nth(2)
            .fail(0x2603, "Table does not exist"),
    )
    .await;
    let rows = meters(250_000, 1_000, Utc::now().timestamp_millis());
    let options = InserterOptions::default()
        .max_rows(usize::MAX / 8)
        .retry(Retry::NONE);
    let mut inserter = Inserter::new(db.clone(), options);
    for row in rows.iter().cloned() {
        inserter.push(row);
    }
    let err = inserter.flush().await.unwrap_err();
    let unwritten = assert_partial(&db, &inserter, &err, &rows).await;
    assert_eq!(err.code(), Some(0x2603), "seen through Error::Insert");
    assert!(err.is_table_not_exist());
    assert!(!err.is_retriable());
    assert!(
        [50_000, 100_000].contains(&unwritten.len()),
        "one whole exec is unwritten: {}",
        unwritten.len()
    );
    let left = unwritten.len();
    assert_eq!(inserter.stats().failures, 1);

    // The fault fired once: the retry of the kept rows completes the set.
    let report = inserter.flush().await.unwrap();
    assert_eq!(report.rows, left);
    assert!(inserter.pending().is_empty());
    assert_eq!(db.count::<Meter>().await.unwrap(), 250_000);
    let stats = inserter.end().await.unwrap();
    assert_eq!(stats.rows_flushed, 250_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_mid_flush_loses_no_row_sql_path() {
    let (_emulator, db) = faulty(
        Fault::matching("insert into")
            .nth(3)
            .fail(0x0388, "Database not exist"),
    )
    .await;
    // A small statement cap spreads one flush over many statements.
    let db = db.with_max_sql_len(2_000);
    let rows = meters(3_000, 30, Utc::now().timestamp_millis());
    let options = InserterOptions::default()
        .max_rows(10_000)
        .mode(InsertMode::Sql)
        .retry(Retry::NONE);
    let mut inserter = Inserter::new(db.clone(), options);
    for row in rows.iter().cloned() {
        assert!(inserter.write(row).await.unwrap().is_none());
    }
    let err = inserter.flush().await.unwrap_err();
    assert_partial(&db, &inserter, &err, &rows).await;
    inserter.end().await.unwrap();
    assert_eq!(db.count::<Meter>().await.unwrap(), 3_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_errors_are_retried_with_backoff() {
    let (_emulator, db) = faulty(
        Fault::matching("insert into ?")
            .times(2)
            .fail(0x000B, "Unable to establish connection"),
    )
    .await;
    let rows = meters(500, 5, Utc::now().timestamp_millis());
    let retry = Retry {
        attempts: 3,
        initial: Duration::from_millis(5),
        max: Duration::from_millis(20),
    };
    let mut inserter = Inserter::new(db.clone(), InserterOptions::default().retry(retry));
    for row in rows {
        inserter.push(row);
    }
    let report = inserter.flush().await.unwrap();
    assert_eq!((report.rows, report.retries), (500, 2));
    assert_eq!(inserter.stats().retries, 2);
    assert_eq!(db.count::<Meter>().await.unwrap(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_times_out_and_is_retried() {
    let (_emulator, db) = faulty(Fault::matching("insert into ?").nth(1).drop_connection()).await;
    let options = InserterOptions::default()
        .flush_timeout(Duration::from_millis(300))
        .retry(Retry {
            attempts: 1,
            initial: Duration::from_millis(1),
            max: Duration::from_millis(1),
        });
    let mut inserter = Inserter::new(db.clone(), options);
    for row in meters(100, 4, Utc::now().timestamp_millis()) {
        inserter.push(row);
    }
    let report = inserter.flush().await.unwrap();
    assert_eq!((report.rows, report.retries), (100, 1));
    assert_eq!(db.count::<Meter>().await.unwrap(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_rows_are_set_aside_and_handed_back() {
    #[derive(Debug, Clone, TdTable)]
    #[taos(stable = "notes", child = "n{id}")]
    struct Note {
        #[taos(ts)]
        ts: i64,
        #[taos(varchar(4))]
        text: String,
        #[taos(tag)]
        id: i32,
    }
    let taos = taos_orm::connect(&common::dsn()).await.unwrap();
    let name = common::TestDb::new("ins_bad");
    let db = Database::create(Arc::new(taos), &name.options())
        .await
        .unwrap();
    db.create_table::<Note>().await.unwrap();
    let now = Utc::now().timestamp_millis();
    let mut inserter = Inserter::new(db.clone(), InserterOptions::default());
    for (k, text) in ["ok", "too long", "fine"].into_iter().enumerate() {
        inserter.push(Note {
            ts: now + k as i64,
            text: text.into(),
            id: 1,
        });
    }
    assert_eq!(inserter.flush().await.unwrap().rows, 2);
    assert_eq!(inserter.stats().rows_rejected, 1);
    let err = inserter.end().await.unwrap_err();
    assert!(
        matches!(err.error, Error::InvalidValue { field: "text", .. }),
        "{err}"
    );
    assert_eq!(err.unwritten.len(), 1);
    assert_eq!(err.unwritten[0].text, "too long");
    assert_eq!(db.count::<Note>().await.unwrap(), 2);
    db.drop_database().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_period_flushes_in_the_background() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("ins_period");
    let db = Database::create(Arc::new(taos), &name.options()).await?;
    db.create_table::<Meter>().await?;
    let options = InserterOptions::default().period(Some(Duration::from_millis(100)));
    let handle = Inserter::new(db.clone(), options).spawn(64);
    for row in meters(10, 2, Utc::now().timestamp_millis()) {
        handle.write(row).await.expect("running");
    }
    assert_eq!(db.count::<Meter>().await?, 0, "below every threshold");
    let mut waited = Duration::ZERO;
    while db.count::<Meter>().await? < 10 && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += Duration::from_millis(50);
    }
    assert_eq!(db.count::<Meter>().await?, 10, "flushed by the timer");
    assert!(waited >= Duration::from_millis(50));
    let stats = handle.stats().await?;
    assert_eq!((stats.rows_flushed, stats.flushes), (10, 1));
    handle.end().await?;
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_producers_through_one_handle() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("ins_producers");
    let db = Database::create(Arc::new(taos), &name.options()).await?;
    db.create_table::<Meter>().await?;
    let options = InserterOptions::default().max_rows(1_000);
    let handle = Inserter::new(db.clone(), options).spawn(256);
    let now = Utc::now().timestamp_millis();
    let producers: Vec<_> = (0..4)
        .map(|p| {
            let handle = handle.clone();
            tokio::spawn(async move {
                for k in 0..5_000 {
                    let row = Meter {
                        ts: now + k,
                        current: p as f32,
                        device: p * 10 + (k % 10) as i32,
                    };
                    handle.write(row).await.expect("running");
                }
            })
        })
        .collect();
    for p in producers {
        p.await.expect("producer");
    }
    let stats = handle.end().await?;
    assert_eq!(stats.rows_written, 20_000);
    assert_eq!(stats.rows_flushed, 20_000);
    assert_eq!(stats.flushes, 20);
    assert_eq!(db.count::<Meter>().await?, 20_000);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_an_inserter_hands_its_rows_over() {
    let taos = taos_orm::connect(&common::dsn()).await.unwrap();
    let db = Database::new(
        Arc::new(taos),
        "never_written",
        taos_orm::Precision::Millisecond,
    );
    let orphans = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&orphans);
    let mut inserter = Inserter::new(db, InserterOptions::default())
        .on_drop(move |rows| sink.lock().unwrap().extend(rows));
    let rows = meters(3, 1, 1);
    for row in rows.iter().cloned() {
        inserter.push(row);
    }
    drop(inserter);
    assert_eq!(*orphans.lock().unwrap(), rows);
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "orphans", child = "o{id}")]
struct Orphan {
    #[taos(ts)]
    ts: i64,
    v: i32,
    #[taos(tag)]
    id: i32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_of_a_dropped_inserter_without_hook_stay_reachable() {
    let taos = taos_orm::connect(&common::dsn()).await.unwrap();
    let db = Database::new(
        Arc::new(taos),
        "never_written",
        taos_orm::Precision::Millisecond,
    );
    let rows: Vec<Orphan> = (0..3).map(|i| Orphan { ts: i, v: 0, id: 1 }).collect();
    for batch in [&rows[..2], &rows[2..]] {
        let mut inserter = Inserter::new(db.clone(), InserterOptions::default());
        for row in batch.iter().cloned() {
            inserter.push(row);
        }
    }
    assert_eq!(taos_orm::inserter::take_orphaned::<Orphan>(), rows);
    assert!(taos_orm::inserter::take_orphaned::<Orphan>().is_empty());
}
