//! A soak run: many background inserters and readers at once for a while,
//! with connections dropped at random, then an account of every row.
//!
//! ```text
//! cargo run --release --example soak            # 60 s on the embedded emulator
//! SOAK_SECS=300 SOAK_WRITERS=16 cargo run --release --example soak
//! ```
//!
//! Each writer sends rows with unique timestamps to its own child tables
//! through an `Inserter` running in the background; readers count and
//! aggregate meanwhile. On the emulator a dropped connection is injected
//! every `SOAK_DROP_MS` (default 500) ms. At the end every inserter is
//! ended, and the run prints rows written, rows the inserters confirmed,
//! rows read back, rows handed back unwritten, rows lost (must be 0) and
//! the process's peak memory (the emulator runs in it). It exits non-zero
//! if a row was lost or read back twice. With `TAOS_DSN` set it runs
//! against that server instead, without injected drops.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use taos_emulator::{Emulator, Fault};
use taos_orm::{Database, DatabaseOptions, InsertMode, Inserter, InserterOptions, Retry, TdTable};

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "soak", child = "w{writer}_{table}")]
struct Sample {
    #[taos(ts)]
    ts: i64,
    seq: i64,
    value: f64,
    #[taos(tag)]
    writer: i32,
    #[taos(tag)]
    table: i32,
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident memory of this process, from `/proc` (Linux), in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let secs = env("SOAK_SECS", 60);
    let writers = env("SOAK_WRITERS", 8) as i32;
    let readers = env("SOAK_READERS", 4);
    let tables = env("SOAK_TABLES", 10) as i32;
    let drop_every = Duration::from_millis(env("SOAK_DROP_MS", 500));

    let real = std::env::var("TAOS_DSN").ok().filter(|d| !d.is_empty());
    let emulator = match real {
        Some(_) => None,
        None => Some(Emulator::start().await?),
    };
    let dsn = real.unwrap_or_else(|| emulator.as_ref().map(Emulator::dsn).unwrap_or_default());
    let name = format!("soak_{}", std::process::id());
    let admin = Arc::new(taos_orm::connect(&dsn).await?);
    let db = Database::create(admin, &DatabaseOptions::new(&name).vgroups(1)).await?;
    db.create_table::<Sample>().await?;

    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let base = chrono::Utc::now().timestamp_millis() - 86_400_000;

    let mut producers = Vec::new();
    for writer in 0..writers {
        // Each writer has its own pool: the client does not reconnect a
        // dropped connection, the pool replaces it.
        let db = Database::new(taos_orm::pool(&dsn)?, &name, db.precision());
        let mode = if writer % 2 == 0 {
            InsertMode::Bound
        } else {
            InsertMode::Sql
        };
        let options = InserterOptions::default()
            .mode(mode)
            .max_rows(5_000)
            .period(Some(Duration::from_millis(200)))
            .flush_timeout(Duration::from_secs(5))
            .retry(Retry {
                attempts: 20,
                initial: Duration::from_millis(20),
                max: Duration::from_millis(500),
            });
        let handle = Inserter::new(db, options).spawn(4_096);
        let (stop, written) = (Arc::clone(&stop), Arc::clone(&written));
        producers.push(tokio::spawn(async move {
            let mut seq = 0i64;
            while !stop.load(Ordering::Relaxed) {
                let row = Sample {
                    ts: base + seq / i64::from(tables),
                    seq,
                    value: seq as f64 * 0.5,
                    writer,
                    table: (seq % i64::from(tables)) as i32,
                };
                if handle.write(row).await.is_err() {
                    break;
                }
                written.fetch_add(1, Ordering::Relaxed);
                seq += 1;
                if seq % 256 == 0 {
                    tokio::task::yield_now().await;
                }
            }
            handle.end().await
        }));
    }

    let reads = Arc::new(AtomicU64::new(0));
    let mut queries = Vec::new();
    for _ in 0..readers {
        let db = Database::new(taos_orm::pool(&dsn)?, &name, db.precision());
        let (stop, reads) = (Arc::clone(&stop), Arc::clone(&reads));
        let sql =
            format!("SELECT writer, COUNT(*), AVG(value) FROM `{name}`.`soak` PARTITION BY writer");
        queries.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let _: Result<Vec<(i32, i64, f64)>, _> = db.fetch_all(&sql).await;
                reads.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }));
    }

    let mut drops = 0u64;
    while started.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(drop_every).await;
        if let Some(emulator) = &emulator {
            emulator.inject(Fault::matching("insert").times(1).drop_connection());
            drops += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    eprintln!(
        "soak: stopping after {:.1?}, {} rows written so far",
        started.elapsed(),
        written.load(Ordering::Relaxed)
    );
    let mut confirmed = 0u64;
    let mut handed_back = 0u64;
    let mut in_doubt = 0u64;
    for (k, producer) in producers.into_iter().enumerate() {
        let ended = producer.await?;
        eprintln!("soak: writer {k} ended after {:.1?}", started.elapsed());
        match ended {
            Ok(stats) => {
                confirmed += stats.rows_flushed;
                in_doubt += stats.rows_in_doubt;
            }
            Err(end) => {
                eprintln!("an inserter ended with rows unwritten: {}", end.error);
                confirmed += end.stats.rows_flushed;
                in_doubt += end.stats.rows_in_doubt;
                handed_back += end.unwritten.len() as u64;
            }
        }
    }
    for query in queries {
        query.await?;
    }
    let elapsed = started.elapsed();
    let written = written.load(Ordering::Relaxed);
    let stored = db.count::<Sample>().await?;
    let lost = written.saturating_sub(stored + handed_back);
    let duplicated = stored.saturating_sub(written);
    println!("soak: {writers} writers, {readers} readers, {tables} tables each, {elapsed:.1?}");
    println!("  rows written      {written}");
    println!("  rows confirmed    {confirmed}");
    println!("  rows read back    {stored}");
    println!("  rows handed back  {handed_back}");
    println!("  rows in doubt     {in_doubt} (replayed)");
    println!("  rows lost         {lost}");
    println!("  rows duplicated   {duplicated}");
    println!(
        "  connections dropped {drops}, queries run {}",
        reads.load(Ordering::Relaxed)
    );
    println!(
        "  rate              {:.0} rows/s",
        stored as f64 / elapsed.as_secs_f64()
    );
    if let Some(peak) = peak_memory_mib() {
        println!("  peak memory       {peak:.0} MiB (client and emulator)");
    }
    db.drop_database().await?;
    if lost > 0 || duplicated > 0 || confirmed != stored {
        return Err(format!(
            "{lost} rows lost, {duplicated} duplicated, {confirmed} confirmed vs {stored} stored"
        )
        .into());
    }
    Ok(())
}
