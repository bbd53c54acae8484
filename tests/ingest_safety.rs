//! The `Inserter`'s promise under stress: a dropped flush future, a timeout
//! whose write still lands, a background task left without `end()`, a row
//! the server refuses, a back-pressure flush that fails. Each case checks
//! that no row is lost and none is written twice.
//!
//! Cases that need a fault (a slow reply, a one-off error) run on their own
//! in-process emulator; the others against `TAOS_DSN` when it is set.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use taos_emulator::{Emulator, Fault};
use taos_orm::{Database, Error, InsertMode, Inserter, InserterOptions, Retry, TdTable};

/// Each row carries a unique mark, so the statement log shows how often
/// it was sent.
#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "marked", child = "m{device}")]
struct Marked {
    #[taos(ts)]
    ts: i64,
    #[taos(varchar(16))]
    mark: String,
    #[taos(tag)]
    device: i32,
}

fn marked(n: usize, tables: usize, now: i64) -> Vec<Marked> {
    (0..n)
        .map(|k| Marked {
            ts: now + (k / tables) as i64,
            mark: format!("r{k}x"),
            device: (k % tables) as i32,
        })
        .collect()
}

/// An emulator recording statements, with `fault`, and a database on it.
async fn emulated(fault: Fault) -> (Emulator, Database<Arc<taos::Taos>>) {
    let emulator = Emulator::builder()
        .record_statements(true)
        .fault(fault)
        .start()
        .await
        .unwrap();
    let taos = taos_orm::connect(&emulator.dsn()).await.unwrap();
    let db = Database::create(Arc::new(taos), &taos_orm::DatabaseOptions::new("safety"))
        .await
        .unwrap();
    db.create_table::<Marked>().await.unwrap();
    (emulator, db)
}

/// How many INSERTs the emulator saw carrying each row's mark.
fn sends(emulator: &Emulator, rows: &[Marked]) -> Vec<usize> {
    let inserts: Vec<String> = emulator
        .statements()
        .into_iter()
        .filter(|s| s.to_ascii_lowercase().starts_with("insert"))
        .collect();
    rows.iter()
        .map(|r| {
            let quoted = format!("'{}'", r.mark);
            inserts.iter().map(|s| s.matches(&quoted).count()).sum()
        })
        .collect()
}

/// Options for one-row-per-statement-group SQL flushes with quick retries.
fn sql_options() -> InserterOptions {
    InserterOptions::default()
        .max_rows(100_000)
        .mode(InsertMode::Sql)
        .retry(Retry {
            attempts: 2,
            initial: Duration::from_millis(1),
            max: Duration::from_millis(1),
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_flush_future_keeps_the_unconfirmed_rows() {
    // The second statement is applied, but its reply comes late: the flush
    // future is dropped while it waits.
    let (emulator, db) = emulated(
        Fault::matching("insert into")
            .nth(2)
            .delay(Duration::from_millis(600)),
    )
    .await;
    let db = db.with_max_sql_len(2_000);
    let rows = marked(600, 6, Utc::now().timestamp_millis());
    let mut inserter = Inserter::new(db.clone(), sql_options());
    for row in rows.iter().cloned() {
        inserter.push(row);
    }
    let cut = tokio::time::timeout(Duration::from_millis(200), inserter.flush()).await;
    assert!(cut.is_err(), "the flush was still waiting");
    let stats = inserter.stats();
    let confirmed = stats.rows_flushed as usize;
    assert!(confirmed > 0, "the first statement was confirmed");
    assert!(stats.rows_in_doubt > 0, "the second was on the wire");
    let kept = positions(&rows, inserter.pending());
    assert_eq!(
        kept.len(),
        rows.len() - confirmed,
        "every row not confirmed is still buffered"
    );
    assert!(kept.windows(2).all(|w| w[0] < w[1]), "in write order");
    let stats = inserter.end().await.unwrap();
    assert_eq!(stats.rows_flushed, 600, "each row counted once");
    assert_eq!(db.count::<Marked>().await.unwrap(), 600);
    let sent = sends(&emulator, &rows);
    for (k, n) in sent.iter().enumerate() {
        let expected = if kept.contains(&k) { 1..=2 } else { 1..=1 };
        assert!(expected.contains(n), "row {k} sent {n} times");
    }
}

/// Where each of `some` sits in `rows` (matched by mark).
fn positions(rows: &[Marked], some: &[Marked]) -> Vec<usize> {
    some.iter()
        .map(|r| {
            rows.iter()
                .position(|x| x.mark == r.mark)
                .expect("a row of the input")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_replays_only_the_rows_in_doubt() {
    let (emulator, db) = emulated(
        Fault::matching("insert into")
            .nth(2)
            .delay(Duration::from_millis(500)),
    )
    .await;
    let db = db.with_max_sql_len(2_000);
    let rows = marked(600, 6, Utc::now().timestamp_millis());
    let options = sql_options().flush_timeout(Duration::from_millis(150));
    let mut inserter = Inserter::new(db.clone(), options);
    for row in rows.iter().cloned() {
        inserter.push(row);
    }
    let report = inserter.flush().await.unwrap();
    assert_eq!((report.rows, report.retries), (600, 1));
    let stats = inserter.stats();
    assert_eq!(stats.rows_flushed, 600, "no row counted twice");
    let sent = sends(&emulator, &rows);
    let twice = sent.iter().filter(|&&n| n == 2).count();
    assert_eq!(
        twice as u64, stats.rows_in_doubt,
        "only the timed-out statement's rows go out again"
    );
    assert!(twice > 0 && twice < rows.len() / 2, "{twice}");
    assert!(sent.iter().all(|&n| n == 1 || n == 2), "{sent:?}");
    // Its late copy landed too: same rows, same values.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(db.count::<Marked>().await.unwrap(), 600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_write_future_keeps_its_row() {
    let (_emulator, db) = emulated(
        Fault::matching("insert into")
            .nth(1)
            .delay(Duration::from_millis(400)),
    )
    .await;
    let rows = marked(3, 1, Utc::now().timestamp_millis());
    let mut inserter = Inserter::new(db.clone(), sql_options().max_rows(3));
    inserter.write(rows[0].clone()).await.unwrap();
    inserter.write(rows[1].clone()).await.unwrap();
    // The third write reaches the threshold and waits on the slow flush.
    let cut =
        tokio::time::timeout(Duration::from_millis(100), inserter.write(rows[2].clone())).await;
    assert!(cut.is_err());
    assert_eq!(inserter.pending(), rows.as_slice());
    inserter.end().await.unwrap();
    assert_eq!(db.count::<Marked>().await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_back_pressure_flush_is_reported() {
    // The buffer is full; the flush that makes room writes the first
    // statement and then fails: the row is taken, the failure reported.
    let (_emulator, db) = emulated(
        Fault::matching("insert into")
            .nth(2)
            .fail(0x0388, "Database not exist"),
    )
    .await;
    let db = db.with_max_sql_len(2_000);
    let rows = marked(301, 3, Utc::now().timestamp_millis());
    let options = sql_options()
        .max_rows(300)
        .max_buffered_rows(300)
        .retry(Retry::NONE);
    let mut inserter = Inserter::new(db.clone(), options);
    for row in rows[..300].iter().cloned() {
        inserter.push(row);
    }
    let err = inserter.write(rows[300].clone()).await.unwrap_err();
    assert!(err.row.is_none(), "room was made, the row is buffered");
    assert!(
        matches!(err.error, Error::Insert { written, .. } if written > 0),
        "{}",
        err.error
    );
    let written = db.count::<Marked>().await.unwrap() as usize;
    assert_eq!(inserter.pending().len(), 301 - written);
    assert_eq!(inserter.pending().last(), Some(&rows[300]));
    inserter.end().await.unwrap();
    assert_eq!(db.count::<Marked>().await.unwrap(), 301);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_off_server_refusal_is_healed_by_splitting() {
    let (_emulator, db) = emulated(
        Fault::matching("insert into")
            .nth(1)
            .fail(0x2653, "Value too long for column/tag"),
    )
    .await;
    let rows = marked(40, 4, Utc::now().timestamp_millis());
    let mut inserter = Inserter::new(db.clone(), sql_options().retry(Retry::NONE));
    for row in rows.iter().cloned() {
        inserter.push(row);
    }
    assert_eq!(inserter.flush().await.unwrap().rows, 40);
    assert!(inserter.take_rejected().is_empty(), "no row is to blame");
    assert_eq!(db.count::<Marked>().await.unwrap(), 40);
}

/// A row the server refuses (a timestamp older than the database keeps),
/// whatever the path: it is set aside, every other row is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_the_server_refuses_is_set_aside() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("poison");
    let db = Database::create(
        Arc::new(taos),
        &name.options().keep(taos_orm::ddl::Span::Days(30)),
    )
    .await?;
    db.create_table::<Marked>().await?;
    for mode in [InsertMode::Sql, InsertMode::Bound] {
        let now = Utc::now().timestamp_millis();
        let mut rows = marked(64, 4, now);
        // Far past the 30 days kept: refused by the server, not the client.
        rows[37].ts = now - 400 * 86_400_000;
        let options = InserterOptions::default().mode(mode).retry(Retry::NONE);
        let mut inserter = Inserter::new(db.clone(), options);
        for row in rows.iter().cloned() {
            inserter.push(row);
        }
        let report = inserter.flush().await?;
        assert_eq!(report.rows, 63, "{mode:?}");
        let rejected = inserter.take_rejected();
        assert_eq!(rejected.len(), 1, "{mode:?}");
        assert_eq!(rejected[0].0, rows[37]);
        assert!(rejected[0].1.code().is_some(), "{}", rejected[0].1);
        assert_eq!(inserter.stats().rows_rejected, 1);
        // Later flushes are not held up by it.
        inserter.push(Marked {
            ts: now + 1_000,
            mark: "later".into(),
            device: 0,
        });
        assert_eq!(inserter.flush().await?.rows, 1);
        inserter.end().await.unwrap();
        assert_eq!(db.count::<Marked>().await?, 64);
        db.exec(&format!("DELETE FROM `{}`.`marked`", name.name()))
            .await?;
    }
    db.drop_database().await
}

/// A refusal no row escapes (the database is gone) is not pinned on rows:
/// they all stay buffered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_of_every_row_sets_none_aside() {
    let taos = taos_orm::connect(&common::dsn()).await.unwrap();
    let name = common::TestDb::new("gone");
    let db = Database::create(Arc::new(taos), &name.options())
        .await
        .unwrap();
    db.create_table::<Marked>().await.unwrap();
    db.exec(&format!("DROP STABLE `{}`.`marked`", name.name()))
        .await
        .unwrap();
    let rows = marked(32, 4, Utc::now().timestamp_millis());
    let options = InserterOptions::default()
        .mode(InsertMode::Sql)
        .retry(Retry::NONE);
    let mut inserter = Inserter::new(db.clone(), options);
    for row in rows.iter().cloned() {
        inserter.push(row);
    }
    let err = inserter.flush().await.unwrap_err();
    assert!(err.code().is_some(), "{err}");
    assert!(inserter.take_rejected().is_empty());
    assert_eq!(inserter.pending(), rows.as_slice());
    inserter.take_pending();
    db.drop_database().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_inserter_dropped_without_end_hands_its_rows_over() {
    let taos = taos_orm::connect(&common::dsn()).await.unwrap();
    // A database that does not exist: nothing can be written.
    let db = Database::new(
        Arc::new(taos),
        common::unique_db("absent"),
        taos_orm::Precision::Millisecond,
    );
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&got);
    let options = InserterOptions::default().retry(Retry::NONE);
    let handle = Inserter::new(db, options)
        .on_drop(move |rows| sink.lock().unwrap().extend(rows))
        .spawn(16);
    let rows = marked(5, 1, 1_700_000_000_000);
    for row in rows.iter().cloned() {
        handle.write(row).await.expect("running");
    }
    drop(handle);
    let mut waited = Duration::ZERO;
    while got.lock().unwrap().len() < rows.len() && waited < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    assert_eq!(*got.lock().unwrap(), rows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_on_one_handle_does_not_wait_for_the_others() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("end_one");
    let db = Database::create(Arc::new(taos), &name.options()).await?;
    db.create_table::<Marked>().await?;
    let handle = Inserter::new(db.clone(), InserterOptions::default()).spawn(16);
    let other = handle.clone();
    let rows = marked(10, 2, Utc::now().timestamp_millis());
    for row in rows.iter().cloned() {
        other.write(row).await.expect("running");
    }
    let stats = tokio::time::timeout(Duration::from_secs(10), handle.end())
        .await
        .expect("end returns while a clone lives")
        .expect("written");
    assert_eq!(stats.rows_flushed, 10);
    let back = other.write(rows[0].clone()).await.unwrap_err();
    assert_eq!(back, rows[0], "a stopped inserter hands the row back");
    assert!(matches!(
        other.end().await.unwrap_err().error,
        Error::InserterClosed
    ));
    assert_eq!(db.count::<Marked>().await?, 10);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_is_answered_while_the_buffer_is_full_and_flushes_fail() {
    let taos = taos_orm::connect(&common::dsn()).await.unwrap();
    let db = Database::new(
        Arc::new(taos),
        common::unique_db("absent"),
        taos_orm::Precision::Millisecond,
    );
    let options = InserterOptions::default()
        .max_rows(10)
        .max_buffered_rows(10)
        .retry(Retry::NONE);
    let handle = Inserter::new(db, options).spawn(4);
    let rows = marked(30, 3, 1_700_000_000_000);
    let producer = {
        let handle = handle.clone();
        let rows = rows.clone();
        tokio::spawn(async move {
            let mut back = Vec::new();
            for row in rows {
                if let Err(row) = handle.write(row).await {
                    back.push(row);
                }
            }
            back
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ended = tokio::time::timeout(Duration::from_secs(10), handle.end())
        .await
        .expect("end is answered though the buffer is full");
    let err = ended.unwrap_err();
    let back = producer.await.unwrap();
    let mut all: Vec<Marked> = err.unwritten.into_iter().chain(back).collect();
    all.sort_by_key(|r| r.mark[1..r.mark.len() - 1].parse::<usize>().unwrap());
    assert_eq!(all, rows, "every row is handed back, once");
}
