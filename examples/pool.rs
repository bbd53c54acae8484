//! Connection pools: `taos`'s deadpool pool for async code, and an r2d2 pool
//! (taos-orm's `TaosManager`, feature `r2d2`) for threads.
//!
//! ```text
//! cargo run --example pool
//! ```

use std::sync::Arc;

use taos_orm::{blocking, Database, DatabaseOptions, TaosManager, TdTable};

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "jobs", child = "worker_{worker}")]
struct Job {
    #[taos(ts)]
    ts: i64,
    duration_ms: u32,
    #[taos(tag)]
    worker: u16,
}

fn jobs(worker: u16) -> Vec<Job> {
    (0..100)
        .map(|i| Job {
            ts: 1_704_067_200_000 + i,
            duration_ms: (i * 7 % 300) as u32,
            worker,
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Holds the emulator, when one is started, for the whole run.
    let target = taos_emulator::TestTarget::from_env().await?;
    println!("{}", target.describe());
    let dsn = target.dsn.clone();

    // Async: each operation checks a connection out of the deadpool pool.
    let db = Arc::new(
        Database::create(taos_orm::pool(&dsn)?, &DatabaseOptions::new("pool_example")).await?,
    );
    db.create_table::<Job>().await?;
    let tasks: Vec<_> = (0..8u16)
        .map(|worker| {
            let db = Arc::clone(&db);
            tokio::spawn(async move { db.insert(&jobs(worker)).await })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    println!("deadpool: {} jobs from 8 tasks", db.count::<Job>().await?);

    // Sync: plain threads share an r2d2 pool. The `taos` sync API must not be
    // called from an async task, so this part runs on its own threads.
    let dsn_for_threads = dsn.clone();
    let total = tokio::task::spawn_blocking(move || -> taos_orm::Result<u64> {
        let pool = r2d2::Pool::builder()
            .max_size(4)
            .build(TaosManager::from_dsn(&dsn_for_threads)?)
            .map_err(|e| taos_orm::Error::Pool(e.to_string()))?;
        let db = Arc::new(blocking::Database::open(pool, "pool_example")?);
        let threads: Vec<_> = (8..16u16)
            .map(|worker| {
                let db = Arc::clone(&db);
                std::thread::spawn(move || db.insert(&jobs(worker)).map(|r| r.rows))
            })
            .collect();
        for thread in threads {
            thread.join().expect("worker thread")?;
        }
        db.count::<Job>()
    })
    .await??;
    println!("r2d2: {total} jobs after 8 more threads");

    Arc::try_unwrap(db)
        .map_err(|_| "tasks still hold the database")?
        .drop_database()
        .await?;
    Ok(())
}
