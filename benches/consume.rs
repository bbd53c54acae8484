//! Consumer throughput: rows per second read from a topic and decoded into
//! a struct, taos-orm's `Consumer<T>` against the `taos` client's own TMQ
//! consumer with its serde `deserialize::<T>()` of each block, on the same
//! topic in one run. Each iteration is a fresh group replaying the topic
//! from the start, through the in-process emulator and, when `TAOS_DSN`
//! names one, a real server.
//!
//! Run: `cargo bench -p taos-orm-suite --bench consume`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use taos::{AsAsyncConsumer, AsyncTBuilder, IsAsyncData, Timeout};
use taos_orm::tmq::{Consumer, ConsumerOptions, Topic};
use taos_orm::{Database, DatabaseOptions, TdTable};

const TABLES: usize = 10;
const ROWS: usize = 100_000;

#[derive(Debug, Clone, TdTable, Deserialize)]
#[taos(stable = "meters")]
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
    #[taos(tbname)]
    tbname: String,
}

fn rows() -> Vec<Meter> {
    (0..ROWS)
        .map(|i| {
            let device = (i % TABLES) as i32;
            Meter {
                ts: 1_700_000_000_000 + (i / TABLES) as i64,
                current: 10.0 + (i % 97) as f32 * 0.137,
                voltage: 200 + (i % 31) as i32,
                phase: 0.25 + (i % 13) as f32 * 0.0173,
                location: "California.SanFrancisco".into(),
                device,
                tbname: format!("d{device}"),
            }
        })
        .collect()
}

/// A group name no earlier iteration used: each replays from the start.
fn group() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("bench{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Every row of the topic through `Consumer<Meter>`.
async fn ours(dsn: &str, topic: &str) -> usize {
    let c = Consumer::<Meter>::subscribe(dsn, &ConsumerOptions::new(group()), [topic])
        .await
        .unwrap();
    let mut n = 0;
    while n < ROWS {
        if let Some(m) = c.recv_timeout(Duration::from_secs(10)).await.unwrap() {
            n += std::hint::black_box(m.into_rows()).len();
        }
    }
    c.unsubscribe().await;
    n
}

/// Every row of the topic through the client's consumer and serde.
async fn theirs(dsn: &str, topic: &str) -> usize {
    let tmq = format!(
        "{dsn}{}group.id={}&auto.offset.reset=earliest&enable.auto.commit=false\
         &experimental.snapshot.enable=false",
        if dsn.contains('?') { '&' } else { '?' },
        group()
    );
    let mut c = taos::TmqBuilder::from_dsn(tmq)
        .unwrap()
        .build()
        .await
        .unwrap();
    c.subscribe([topic]).await.unwrap();
    let mut n = 0;
    while n < ROWS {
        let Some((_offset, mut set)) = c.recv_timeout(Timeout::from_secs(10)).await.unwrap() else {
            continue;
        };
        if let Some(data) = set.data() {
            while let Some(block) = data.fetch_raw_block().await.unwrap() {
                let rows: Vec<Meter> = block.deserialize().collect::<Result<_, _>>().unwrap();
                n += std::hint::black_box(rows).len();
            }
        }
    }
    c.unsubscribe().await;
    n
}

fn consume(c: &mut Criterion, runtime: &tokio::runtime::Runtime, dsn: &str, target: &str) {
    let taos = runtime.block_on(taos_orm::connect(dsn)).unwrap();
    let name = format!("bench_consume_{}", std::process::id());
    let topic = format!("{name}_all");
    let db = runtime
        .block_on(Database::create(
            &taos,
            &DatabaseOptions::new(&name).vgroups(1),
        ))
        .unwrap();
    runtime.block_on(db.create_table::<Meter>()).unwrap();
    runtime.block_on(db.insert(&rows())).unwrap();
    runtime
        .block_on(db.create_topic(&Topic::query(&topic, Meter::query())))
        .unwrap();

    let mut group = c.benchmark_group(format!("consume_100k_rows_{target}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("taos_orm Consumer<T>", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                assert_eq!(runtime.block_on(ours(dsn, &topic)), ROWS);
            }
            start.elapsed()
        })
    });
    group.bench_function("taos TmqBuilder + deserialize::<T>()", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                assert_eq!(runtime.block_on(theirs(dsn, &topic)), ROWS);
            }
            start.elapsed()
        })
    });
    group.finish();
    runtime.block_on(db.drop_topic(&topic)).unwrap();
    runtime.block_on(db.drop_database()).unwrap();
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime.block_on(taos_emulator::Emulator::start()).unwrap();
    consume(c, &runtime, &emulator.dsn(), "emulator");
    if let Ok(dsn) = std::env::var("TAOS_DSN") {
        consume(c, &runtime, &dsn, "server");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
