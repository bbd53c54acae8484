//! End to end: one million meters-shaped rows over 1,000 child tables inserted
//! through the real `taos` client into the in-process emulator, by
//! `Database::insert` and by hand-written `taos` `exec` calls sending
//! equivalent multi-table SQL built with `write!`.
//!
//! Run: `cargo bench -p taos-orm-suite --bench insert_e2e`

use std::fmt::Write as _;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use taos::AsyncQueryable;
use taos_orm::{Database, DatabaseOptions, TdTable, MAX_SQL_LEN};

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

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime.block_on(taos_emulator::Emulator::start()).unwrap();
    let taos = runtime
        .block_on(taos_orm::connect(&emulator.dsn()))
        .unwrap();
    let db = runtime
        .block_on(Database::create(&taos, &DatabaseOptions::new("bench_e2e")))
        .unwrap();
    runtime.block_on(db.create_table::<Meter>()).unwrap();
    let rows = rows();

    let mut group = c.benchmark_group("insert_1m_rows");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("taos_orm Database::insert", |b| {
        b.to_async(&runtime).iter(|| async {
            let report = db.insert(&rows).await.unwrap();
            assert_eq!(report.rows, ROWS);
        })
    });
    group.bench_function("hand-written taos exec", |b| {
        b.to_async(&runtime).iter(|| async {
            let mut affected = 0;
            for sql in hand_written_sql("bench_e2e", &rows) {
                affected += taos.exec(sql).await.unwrap();
            }
            assert_eq!(affected, ROWS);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
