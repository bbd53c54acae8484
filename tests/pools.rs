//! Concurrent inserts through connection pools: every row is accounted for.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use taos_orm::{blocking, Database, Precision, TaosManager, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "readings", child = "w{worker}")]
struct Reading {
    #[taos(ts)]
    ts: i64,
    seq: i64,
    #[taos(tag)]
    worker: i32,
}

const ROWS_PER_WORKER: i64 = 500;
const BASE_TS: i64 = 1_704_067_200_000;

fn worker_rows(worker: i32) -> Vec<Reading> {
    (0..ROWS_PER_WORKER)
        .map(|i| Reading {
            ts: BASE_TS + i,
            seq: i64::from(worker) * 1_000_000 + i,
            worker,
        })
        .collect()
}

/// Every (worker, seq) pair written, read back from the server.
fn assert_all_rows(back: &[Reading], workers: i32) {
    let seen: BTreeSet<i64> = back.iter().map(|r| r.seq).collect();
    let expected: BTreeSet<i64> = (0..workers).flat_map(worker_rows).map(|r| r.seq).collect();
    assert_eq!(back.len(), expected.len(), "row count");
    assert_eq!(seen, expected, "every row exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_tasks_insert_through_deadpool() -> taos_orm::Result<()> {
    let pool = taos_orm::pool(&common::dsn())?;
    let name = common::TestDb::new("deadpool");
    let db = Arc::new(Database::create(pool, &name.options()).await?);
    db.create_table::<Reading>().await?;

    let tasks: Vec<_> = (0..16)
        .map(|worker| {
            let db = Arc::clone(&db);
            tokio::spawn(async move {
                // Small slices so that tasks interleave on the pool.
                let rows = worker_rows(worker);
                let mut written = 0usize;
                for chunk in rows.chunks(50) {
                    written += db.insert(chunk).await?.rows;
                }
                Ok::<usize, taos_orm::Error>(written)
            })
        })
        .collect();
    let mut written = 0usize;
    for task in tasks {
        written += task.await.expect("task panicked")?;
    }
    assert_eq!(written, 16 * ROWS_PER_WORKER as usize);
    assert_eq!(db.count::<Reading>().await?, 16 * ROWS_PER_WORKER as u64);
    let back: Vec<Reading> = db
        .fetch_all(&format!("SELECT * FROM `{name}`.`readings`"))
        .await?;
    assert_all_rows(&back, 16);
    db.drop_table::<Reading>().await?;
    Arc::try_unwrap(db)
        .unwrap_or_else(|_| panic!("tasks done"))
        .drop_database()
        .await
}

#[test]
fn eight_threads_insert_through_r2d2() -> taos_orm::Result<()> {
    let manager = TaosManager::from_dsn(&common::dsn())?;
    let pool = r2d2::Pool::builder()
        .max_size(4)
        .build(manager)
        .map_err(|e| taos_orm::Error::Pool(e.to_string()))?;
    let name = common::TestDb::new("r2d2");
    let db = Arc::new(blocking::Database::create(pool, &name.options())?);
    assert_eq!(db.precision(), Precision::Millisecond);
    db.create_table::<Reading>()?;

    let threads: Vec<_> = (0..8)
        .map(|worker| {
            let db = Arc::clone(&db);
            std::thread::spawn(move || {
                let rows = worker_rows(worker);
                let mut written = 0usize;
                for chunk in rows.chunks(100) {
                    written += db.insert(chunk)?.rows;
                }
                Ok::<usize, taos_orm::Error>(written)
            })
        })
        .collect();
    let mut written = 0usize;
    for thread in threads {
        written += thread.join().expect("thread panicked")?;
    }
    assert_eq!(written, 8 * ROWS_PER_WORKER as usize);
    let back: Vec<Reading> = db.fetch_all(&format!("SELECT * FROM `{name}`.`readings`"))?;
    assert_all_rows(&back, 8);
    Arc::try_unwrap(db)
        .unwrap_or_else(|_| panic!("threads done"))
        .drop_database()
}
