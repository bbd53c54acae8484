//! Engine throughput: multi-row INSERT text ingest, in order and out of
//! order, paths that were quadratic, and a full-scan aggregate.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use taos_emulator::api::{Executor, Session};
use taos_emulator::Engine;

const ROWS_PER_INSERT: usize = 10_000;

fn setup() -> (Engine, Session) {
    let e = Engine::new();
    let mut s = Session::default();
    for sql in [
        "CREATE DATABASE bench",
        "USE bench",
        "CREATE STABLE meters (ts TIMESTAMP, current FLOAT, voltage INT, phase FLOAT) TAGS (location VARCHAR(64), groupid INT)",
        "CREATE TABLE d1 USING meters TAGS ('California.SanFrancisco', 2)",
    ] {
        e.execute(&mut s, sql).expect(sql);
    }
    (e, s)
}

fn insert_sql(start: i64, rows: usize) -> String {
    insert_at((0..rows as i64).map(|i| start + i))
}

/// An INSERT of one row per timestamp, in the order given.
fn insert_at(stamps: impl Iterator<Item = i64>) -> String {
    let mut sql = String::from("INSERT INTO d1 VALUES ");
    for (i, ts) in stamps.enumerate() {
        let i = i as i64;
        sql.push_str(&format!(
            "({ts}, {}.{}, {}, 0.{}) ",
            10 + i % 7,
            i % 10,
            210 + i % 20,
            i % 9
        ));
    }
    sql
}

fn ingest(c: &mut Criterion) {
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(ROWS_PER_INSERT as u64));
    g.sample_size(20);
    let base = 1_700_000_000_000i64;
    g.bench_function("multi_row_insert_10k", |b| {
        b.iter_batched(
            || (setup(), insert_sql(base, ROWS_PER_INSERT)),
            |((e, mut s), sql)| e.execute(&mut s, &sql).expect("insert"),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// A 10k-row batch into a table of 50k rows: appended in order (the
/// baseline), and descending between the stored rows, which must be sorted
/// and merged rather than shifted in row by row.
fn out_of_order(c: &mut Criterion) {
    const STORED: i64 = 50_000;
    let base = 1_700_000_000_000i64;
    let stored = || {
        let (e, mut s) = setup();
        for k in 0..5 {
            let sql = insert_at((0..10_000).map(|i| base + 2 * (k * 10_000 + i)));
            e.execute(&mut s, &sql).expect("insert");
        }
        (e, s)
    };
    let mut g = c.benchmark_group("out_of_order");
    g.throughput(Throughput::Elements(ROWS_PER_INSERT as u64));
    g.sample_size(10);
    g.bench_function("append_10k_into_50k", |b| {
        b.iter_batched(
            || (stored(), insert_sql(base + 2 * STORED, ROWS_PER_INSERT)),
            |((e, mut s), sql)| e.execute(&mut s, &sql).expect("insert"),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("descending_10k_into_50k", |b| {
        b.iter_batched(
            || {
                let odd = (0..ROWS_PER_INSERT as i64).rev().map(|i| base + 10 * i + 1);
                (stored(), insert_at(odd))
            },
            |((e, mut s), sql)| e.execute(&mut s, &sql).expect("insert"),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// Paths that were quadratic, each beside a linear query over the same
/// data: MODE over 40k distinct values (baseline COUNT), FILL(LINEAR) over
/// 40k windows, half of them empty (baseline FILL(PREV)).
fn former_quadratics(c: &mut Criterion) {
    let (e, mut s) = setup();
    let base = 1_700_000_000_000i64;
    // Statements stay under TDengine's 1 MB limit: 10k rows each.
    let fill = |s: &mut Session, table: &str, rows: i64, step: i64| {
        for chunk in 0..rows / 10_000 {
            let mut sql = format!("INSERT INTO {table} VALUES ");
            for i in chunk * 10_000..(chunk + 1) * 10_000 {
                sql.push_str(&format!("({}, 1.5, {i}, 0.5) ", base + step * i));
            }
            e.execute(s, &sql).expect("insert");
        }
    };
    fill(&mut s, "d1", 40_000, 1000);
    let sparse = "CREATE TABLE d2 USING meters TAGS ('x', 3)";
    e.execute(&mut s, sparse).expect(sparse);
    fill(&mut s, "d2", 20_000, 2000);
    let window = |fill: &str| {
        format!(
            "SELECT _wstart, avg(voltage) FROM d2 WHERE ts >= {base} AND ts < {} INTERVAL(1s) FILL({fill})",
            base + 40_000_000
        )
    };
    let mut g = c.benchmark_group("former_quadratics");
    g.sample_size(10);
    for (name, sql) in [
        ("count_40k", "SELECT count(voltage) FROM d1".to_owned()),
        (
            "mode_40k_distinct",
            "SELECT mode(voltage) FROM d1".to_owned(),
        ),
        ("fill_prev_40k_windows", window("PREV")),
        ("fill_linear_40k_windows", window("LINEAR")),
    ] {
        g.bench_function(name, |b| b.iter(|| e.execute(&mut s, &sql).expect(name)));
    }
    g.finish();
}

/// 1M meters rows in 100 child tables: the shape for scans, a
/// `tbname` condition against reading the child directly, and windows.
fn children(c: &mut Criterion) {
    let (e, mut s) = setup();
    let base = 1_700_000_000_000i64;
    for d in 0..100 {
        let create = format!("CREATE TABLE c{d} USING meters TAGS ('x', {d})");
        e.execute(&mut s, &create).expect("create");
        let sql =
            insert_at((0..10_000).map(|i| base + 1000 * i)).replacen("d1", &format!("c{d}"), 1);
        e.execute(&mut s, &sql).expect("insert");
    }
    report_memory(&e);
    let mut g = c.benchmark_group("children_100_of_10k_rows");
    g.sample_size(20);
    for (name, sql) in [
        ("avg_all", "SELECT avg(current) FROM meters"),
        ("count_all", "SELECT count(*) FROM meters"),
        (
            "interval_1m",
            "SELECT _wstart, avg(current) FROM meters INTERVAL(1m)",
        ),
        ("from_child", "SELECT avg(current) FROM c7"),
        (
            "where_tbname",
            "SELECT avg(current) FROM meters WHERE tbname = 'c7'",
        ),
        (
            "where_tag",
            "SELECT avg(current) FROM meters WHERE groupid = 7",
        ),
    ] {
        g.bench_function(name, |b| b.iter(|| e.execute(&mut s, sql).expect(name)));
    }
    g.finish();
}

/// Heap bytes per stored row of the 1M rows in 100 children (memory is
/// deterministic: printed once, not sampled), beside what the former
/// layout (`Vec<i64>` plus one 24-byte `Value` per cell, each vector
/// doubling from empty to 16,384 slots for 10k rows) held.
fn report_memory(e: &Engine) {
    let (rows, bytes) = e.storage_footprint();
    let former = 100.0 * 16_384.0 * (8.0 + 3.0 * 24.0) / rows as f64;
    println!(
        "storage: {rows} rows, {:.1} bytes/row (former layout: {former:.1} bytes/row)",
        bytes as f64 / rows as f64
    );
}

fn full_scan(c: &mut Criterion) {
    let (e, mut s) = setup();
    let base = 1_700_000_000_000i64;
    for k in 0..100 {
        let sql = insert_sql(base + (k * ROWS_PER_INSERT) as i64, ROWS_PER_INSERT);
        e.execute(&mut s, &sql).expect("insert");
    }
    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Elements(1_000_000));
    g.sample_size(20);
    g.bench_function("aggregate_1m_rows", |b| {
        b.iter(|| {
            e.execute(
                &mut s,
                "SELECT count(*), avg(current), max(voltage), min(phase) FROM meters",
            )
            .expect("query")
        })
    });
    // The newest rows: read from the end of the table's storage order; the
    // baseline is the same LIMIT without an order (the first rows).
    for (name, sql) in [
        ("limit_10", "SELECT ts, current FROM meters LIMIT 10"),
        (
            "order_by_ts_desc_limit_10",
            "SELECT ts, current FROM meters ORDER BY ts DESC LIMIT 10",
        ),
    ] {
        g.bench_function(name, |b| b.iter(|| e.execute(&mut s, sql).expect(name)));
    }
    g.finish();
}

/// The same INSERT text through the real `taos` client over WebSocket.
fn ingest_end_to_end(c: &mut Criterion) {
    use taos::{AsyncQueryable, AsyncTBuilder};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let emulator = rt
        .block_on(taos_emulator::Emulator::start())
        .expect("emulator starts");
    let taos = rt.block_on(async {
        let taos = taos::TaosBuilder::from_dsn(emulator.dsn())
            .expect("dsn")
            .build()
            .await
            .expect("connects");
        for sql in [
            "CREATE DATABASE bench",
            "USE bench",
            "CREATE STABLE meters (ts TIMESTAMP, current FLOAT, voltage INT, phase FLOAT) TAGS (location VARCHAR(64), groupid INT)",
            "CREATE TABLE d1 USING meters TAGS ('California.SanFrancisco', 2)",
        ] {
            taos.exec(sql).await.expect(sql);
        }
        taos
    });
    let mut g = c.benchmark_group("ingest_ws");
    g.throughput(Throughput::Elements(ROWS_PER_INSERT as u64));
    g.sample_size(20);
    let mut next = 1_700_000_000_000i64;
    g.bench_function("multi_row_insert_10k", |b| {
        b.iter_batched(
            || {
                next += ROWS_PER_INSERT as i64;
                insert_sql(next, ROWS_PER_INSERT)
            },
            |sql| rt.block_on(taos.exec(&sql)).expect("insert"),
            BatchSize::LargeInput,
        )
    });
    g.finish();
    drop(taos);
    rt.block_on(emulator.shutdown());
}

criterion_group!(
    benches,
    ingest,
    out_of_order,
    former_quadratics,
    children,
    full_scan,
    ingest_end_to_end
);
criterion_main!(benches);
