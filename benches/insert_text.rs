//! Rows per second of INSERT text building for a meters-shaped table, against
//! a naive `format!`-per-value builder producing the same kind of statements.
//!
//! Run: `cargo bench -p taos-orm-suite --bench insert_text -- --warm-up-time 1 --measurement-time 3`

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use taos_orm::{InsertSql, Precision, TdTable, MAX_SQL_LEN};

const ROWS: usize = 100_000;
const TABLES: usize = 1_000;

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "meters", database = "power")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    voltage: i32,
    phase: f32,
    #[taos(tag, varchar(24))]
    location: String,
    #[taos(tag)]
    group_id: i32,
    #[taos(tbname)]
    tbname: String,
}

/// Rows interleaved over the child tables, as they arrive from many devices.
fn rows() -> Vec<Meter> {
    let cities = [
        "California.SanFrancisco",
        "California.LosAngeles",
        "California.SanDiego",
    ];
    (0..ROWS)
        .map(|i| {
            let table = i % TABLES;
            Meter {
                ts: 1_700_000_000_000 + (i / TABLES) as i64 * 1_000,
                current: 10.0 + (i % 97) as f32 * 0.137,
                voltage: 200 + (i % 31) as i32,
                phase: 0.25 + (i % 13) as f32 * 0.0173,
                location: cities[table % cities.len()].to_owned(),
                group_id: (table % 10) as i32,
                tbname: format!("d{table}"),
            }
        })
        .collect()
}

/// What a straightforward hand-written builder does: group by table, then
/// `format!` every value and clause.
fn naive(rows: &[Meter]) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<&Meter>> = HashMap::new();
    for row in rows {
        let name = row.tbname.to_lowercase();
        groups
            .entry(name.clone())
            .or_insert_with(|| {
                order.push(name);
                Vec::new()
            })
            .push(row);
    }
    let mut statements = Vec::new();
    let mut sql = String::from("INSERT INTO");
    for name in &order {
        let group = &groups[name];
        let first = group[0];
        let tags = [
            format!(
                "'{}'",
                first.location.replace('\\', "\\\\").replace('\'', "\\'")
            ),
            format!("{}", first.group_id),
        ];
        let header = format!(
            " `power`.`{name}` USING `power`.`meters` (`location`,`group_id`) TAGS ({}) \
             (`ts`,`current`,`voltage`,`phase`) VALUES ",
            tags.join(",")
        );
        let mut opened = false;
        for row in group {
            let values = [
                format!("{}", row.ts),
                format!("{}", row.current),
                format!("{}", row.voltage),
                format!("{}", row.phase),
            ];
            let tuple = format!("({})", values.join(","));
            let needed = tuple.len() + if opened { 0 } else { header.len() };
            if sql.len() + needed > MAX_SQL_LEN {
                statements.push(std::mem::replace(&mut sql, String::from("INSERT INTO")));
                opened = false;
            }
            if !opened {
                write!(sql, "{header}").unwrap();
                opened = true;
            }
            sql.push_str(&tuple);
        }
    }
    statements.push(sql);
    statements
}

fn bench(c: &mut Criterion) {
    let rows = rows();
    // Fixed work for `perf stat` (instructions and cycles are steadier than
    // wall time on a busy machine): INSERT_TEXT_FIXED=taos_orm:50 or naive:50.
    if let Ok(spec) = std::env::var("INSERT_TEXT_FIXED") {
        let (which, times) = spec.split_once(':').expect("variant:count");
        for _ in 0..times.parse::<usize>().expect("count") {
            match which {
                "taos_orm" => drop(black_box(
                    InsertSql::<Meter>::new(Precision::Millisecond).build(&rows),
                )),
                _ => drop(black_box(naive(&rows))),
            }
        }
        return;
    }
    let builder = InsertSql::<Meter>::new(Precision::Millisecond);
    let ours = builder.build(&rows).unwrap();
    let baseline = naive(&rows);
    let total = |s: &[String]| s.iter().map(String::len).sum::<usize>();
    println!(
        "{} rows over {TABLES} tables: {} statements / {} bytes (taos-orm), {} statements / {} bytes (naive)",
        rows.len(),
        ours.len(),
        total(&ours.iter().map(|b| b.sql.clone()).collect::<Vec<_>>()),
        baseline.len(),
        total(&baseline)
    );
    assert!(ours.iter().all(|b| b.sql.len() <= MAX_SQL_LEN));
    interleaved_summary(&rows, &builder);

    let mut group = c.benchmark_group("insert_text");
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function("taos_orm_build", |b| {
        b.iter(|| builder.build(black_box(&rows)).unwrap())
    });
    group.bench_function("taos_orm_writer_reused", |b| {
        let mut writer = builder.writer().unwrap();
        b.iter(|| {
            let mut out = Vec::new();
            for row in black_box(&rows) {
                out.extend(writer.push(row).unwrap());
            }
            out.extend(writer.take());
            out
        })
    });
    group.bench_function("naive_format", |b| b.iter(|| naive(black_box(&rows))));
    group.finish();
}

/// Runs the variants in turn and keeps each one's fastest run: on a shared
/// machine the minimum is the figure least disturbed by other load, and
/// interleaving exposes all variants to the same conditions.
fn interleaved_summary(rows: &[Meter], builder: &InsertSql<Meter>) {
    const ROUNDS: usize = 15;
    let mut best = [Duration::MAX; 2];
    for _ in 0..ROUNDS {
        let start = Instant::now();
        black_box(builder.build(black_box(rows)).unwrap());
        best[0] = best[0].min(start.elapsed());
        let start = Instant::now();
        black_box(naive(black_box(rows)));
        best[1] = best[1].min(start.elapsed());
    }
    let rate = |d: Duration| rows.len() as f64 / d.as_secs_f64() / 1e6;
    println!(
        "best of {ROUNDS} interleaved: taos-orm {:.2} M rows/s, naive {:.2} M rows/s, ratio {:.2}x",
        rate(best[0]),
        rate(best[1]),
        best[1].as_secs_f64() / best[0].as_secs_f64()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
