//! Ingest, all paths in one run: one million meters-shaped rows over 1,000
//! child tables, through the real `taos` client into the in-process
//! emulator and, when `TAOS_DSN` names one, a real server. Ours: `Database::insert` (SQL), `Database::insert_bound`
//! (parameter binding), `Inserter`; hand-written: `taos` `exec` of batched
//! SQL and hand-built `Stmt` binding. Also the client-side cost alone of
//! building the bind blocks. And small batches (1,000 calls of 100 rows)
//! through `insert_bound` against a hand-built `Stmt` reused across calls.
//!
//! Run: `cargo bench -p taos-orm-suite --bench ingest`

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use taos::{AsyncBindable, AsyncQueryable, ColumnView, Stmt, Value};
use taos_orm::bind::bind_tables;
use taos_orm::{
    Database, DatabaseOptions, Inserter, InserterOptions, Precision, TdTable, MAX_SQL_LEN,
};

const ROWS: usize = 1_000_000;
const TABLES: usize = 1_000;

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    voltage: i32,
    phase: f32,
    #[taos(tag, varchar(24))]
    location: String,
    #[taos(tag)]
    device: i32,
}

/// Rows interleaved over the devices, as they arrive in real life.
fn rows() -> Vec<Meter> {
    let cities = [
        "California.SanFrancisco",
        "California.LosAngeles",
        "California.SanDiego",
    ];
    (0..ROWS)
        .map(|i| {
            let device = i % TABLES;
            Meter {
                ts: 1_700_000_000_000 + (i / TABLES) as i64,
                current: 10.0 + (i % 97) as f32 * 0.137,
                voltage: 200 + (i % 31) as i32,
                phase: 0.25 + (i % 13) as f32 * 0.0173,
                location: cities[device % 3].to_owned(),
                device: device as i32,
            }
        })
        .collect()
}

/// What a careful user writes by hand: group rows per device, then one
/// multi-table statement after another, each under the SQL length limit.
fn hand_written_sql(db: &str, rows: &[Meter]) -> Vec<String> {
    let mut per_device: Vec<Vec<&Meter>> = vec![Vec::new(); TABLES];
    for row in rows {
        per_device[row.device as usize].push(row);
    }
    let mut statements = Vec::new();
    let mut sql = String::from("INSERT INTO");
    for (device, group) in per_device.iter().enumerate() {
        let Some(first) = group.first() else { continue };
        let mut clause = format!(
            " {db}.d{device} USING {db}.meters TAGS ('{}', {device}) VALUES",
            first.location
        );
        for m in group {
            let mut value = String::new();
            write!(
                value,
                " ({}, {}, {}, {})",
                m.ts, m.current, m.voltage, m.phase
            )
            .unwrap();
            if sql.len() + clause.len() + value.len() > MAX_SQL_LEN - 64 {
                if clause.ends_with("VALUES") {
                    statements.push(std::mem::replace(&mut sql, String::from("INSERT INTO")));
                } else {
                    sql.push_str(&clause);
                    statements.push(std::mem::replace(&mut sql, String::from("INSERT INTO")));
                    clause = format!(
                        " {db}.d{device} USING {db}.meters TAGS ('{}', {device}) VALUES",
                        first.location
                    );
                }
            }
            clause.push_str(&value);
        }
        sql.push_str(&clause);
    }
    if sql.len() > "INSERT INTO".len() {
        statements.push(sql);
    }
    statements
}

/// What a careful user binds by hand: rows grouped per device, one
/// `set_tbname`/`set_tags`/`bind`/`add_batch` per device, an `execute`
/// every 100,000 rows.
async fn hand_built_stmt(taos: &taos::Taos, db: &str, rows: &[Meter]) -> usize {
    let mut stmt = hand_prepared(taos, db).await;
    hand_bound(&mut stmt, db, rows).await
}

async fn hand_prepared(taos: &taos::Taos, db: &str) -> Stmt {
    let mut stmt = Stmt::init(taos).await.unwrap();
    stmt.prepare(&format!(
        "INSERT INTO ? USING {db}.meters TAGS(?, ?) VALUES(?, ?, ?, ?)"
    ))
    .await
    .unwrap();
    stmt
}

async fn hand_bound(stmt: &mut Stmt, db: &str, rows: &[Meter]) -> usize {
    let mut per_device: BTreeMap<i32, Vec<&Meter>> = BTreeMap::new();
    for row in rows {
        per_device.entry(row.device).or_default().push(row);
    }
    let mut affected = 0;
    let mut pending = 0;
    for (device, group) in &per_device {
        stmt.set_tbname(&format!("{db}.d{device}")).await.unwrap();
        stmt.set_tags(&[
            Value::VarChar(group[0].location.clone()),
            Value::Int(*device),
        ])
        .await
        .unwrap();
        let columns = [
            ColumnView::from_millis_timestamp(group.iter().map(|m| m.ts).collect::<Vec<_>>()),
            ColumnView::from_floats(group.iter().map(|m| m.current).collect::<Vec<_>>()),
            ColumnView::from_ints(group.iter().map(|m| m.voltage).collect::<Vec<_>>()),
            ColumnView::from_floats(group.iter().map(|m| m.phase).collect::<Vec<_>>()),
        ];
        stmt.bind(&columns).await.unwrap();
        stmt.add_batch().await.unwrap();
        pending += group.len();
        if pending >= 100_000 {
            affected += stmt.execute().await.unwrap();
            pending = 0;
        }
    }
    if pending > 0 {
        affected += stmt.execute().await.unwrap();
    }
    affected
}

/// Small batches, the latency case: 1,000 calls of 100 rows (10 devices).
/// Ours keeps its prepared statement between calls; the baselines are a
/// hand-built `Stmt` reused across calls and one prepared per call.
fn small_batches(c: &mut Criterion, runtime: &tokio::runtime::Runtime, dsn: &str, target: &str) {
    const CALLS: usize = 1_000;
    // Each call: 10 rows for each of 10 devices, timestamps unique per device.
    let batches: Vec<Vec<Meter>> = (0..CALLS as i64)
        .map(|k| {
            (0..100)
                .map(|j| Meter {
                    ts: 1_700_000_000_000 + k * 10 + j / 10,
                    current: 10.0 + j as f32 * 0.5,
                    voltage: 220,
                    phase: 0.5,
                    location: "California.SanFrancisco".to_owned(),
                    device: (j % 10) as i32,
                })
                .collect()
        })
        .collect();
    let taos = Arc::new(runtime.block_on(taos_orm::connect(dsn)).unwrap());
    let options = DatabaseOptions::new("bench_small");
    let db = runtime
        .block_on(Database::create(Arc::clone(&taos), &options))
        .unwrap();
    runtime.block_on(db.create_table::<Meter>()).unwrap();
    let mut group = c.benchmark_group(format!("small_batches_1000_calls_of_100_rows/{target}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements((CALLS * 100) as u64));
    group.bench_function("taos_orm Database::insert_bound", |b| {
        b.to_async(runtime).iter(|| async {
            for batch in &batches {
                assert_eq!(db.insert_bound(batch).await.unwrap().rows, 100);
            }
        })
    });
    group.bench_function("hand-built taos Stmt, prepared per call", |b| {
        b.to_async(runtime).iter(|| async {
            for batch in &batches {
                assert_eq!(hand_built_stmt(&taos, "bench_small", batch).await, 100);
            }
        })
    });
    group.bench_function("hand-built taos Stmt, reused", |b| {
        b.to_async(runtime).iter(|| async {
            let mut stmt = hand_prepared(&taos, "bench_small").await;
            for batch in &batches {
                assert_eq!(hand_bound(&mut stmt, "bench_small", batch).await, 100);
            }
        })
    });
    group.finish();
    runtime.block_on(db.drop_database()).unwrap();
}

/// The million rows through every path, against the target at `dsn`.
fn ingest_1m(c: &mut Criterion, runtime: &tokio::runtime::Runtime, dsn: &str, target: &str) {
    let taos = Arc::new(runtime.block_on(taos_orm::connect(dsn)).unwrap());
    let database = "bench_ingest";
    let options = DatabaseOptions::new(database);
    let db = runtime
        .block_on(Database::create(Arc::clone(&taos), &options))
        .unwrap();
    runtime.block_on(db.create_table::<Meter>()).unwrap();
    let rows = rows();
    let mut group = c.benchmark_group(format!("ingest_1m_rows/{target}"));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(12));
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("taos_orm Database::insert (SQL)", |b| {
        b.to_async(runtime).iter(|| async {
            assert_eq!(db.insert(&rows).await.unwrap().rows, ROWS);
        })
    });
    group.bench_function("hand-written taos exec (SQL)", |b| {
        b.to_async(runtime).iter(|| async {
            let mut affected = 0;
            for sql in hand_written_sql(database, &rows) {
                affected += taos.exec(sql).await.unwrap();
            }
            assert_eq!(affected, ROWS);
        })
    });
    group.bench_function("taos_orm Database::insert_bound", |b| {
        b.to_async(runtime).iter(|| async {
            assert_eq!(db.insert_bound(&rows).await.unwrap().rows, ROWS);
        })
    });
    group.bench_function("hand-built taos Stmt", |b| {
        b.to_async(runtime).iter(|| async {
            assert_eq!(hand_built_stmt(&taos, database, &rows).await, ROWS);
        })
    });
    group.bench_function("taos_orm Inserter (rows moved in)", |b| {
        b.to_async(runtime).iter_batched(
            || rows.clone(),
            |owned| async {
                let mut inserter = Inserter::new(db.clone(), InserterOptions::default());
                for row in owned {
                    inserter.write(row).await.unwrap();
                }
                assert_eq!(inserter.end().await.unwrap().rows_flushed, ROWS as u64);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    runtime.block_on(db.drop_database()).unwrap();
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime.block_on(taos_emulator::Emulator::start()).unwrap();

    let rows = rows();
    let mut client = c.benchmark_group("bind_block_build_1m_rows");
    client.sample_size(10);
    client.measurement_time(Duration::from_secs(5));
    client.throughput(Throughput::Elements(ROWS as u64));
    client.bench_function("taos_orm bind_tables", |b| {
        b.iter(|| bind_tables(&rows, Precision::Millisecond).unwrap())
    });
    client.finish();

    ingest_1m(c, &runtime, &emulator.dsn(), "emulator");
    small_batches(c, &runtime, &emulator.dsn(), "emulator");
    // And on a real server, when `TAOS_DSN` names one.
    if let Ok(dsn) = std::env::var("TAOS_DSN") {
        ingest_1m(c, &runtime, &dsn, "server");
        small_batches(c, &runtime, &dsn, "server");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
