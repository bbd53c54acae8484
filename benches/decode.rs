//! Rows per second of typed decoding from raw result blocks: taos-orm's
//! `decode_block` against the `taos` client's own serde `deserialize::<T>()`,
//! on the same blocks, into the same struct: the meters shape, and a wide
//! row of 30 columns with strings and NULLs.
//!
//! Run: `cargo bench -p taos-orm-suite --bench decode`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use taos::taos_query::common::{views::ColumnView, Precision, RawBlock};
use taos_orm::TdTable;

/// Rows per block: what a server sends per fetch (TDengine's default is 4096).
const BLOCK_ROWS: usize = 4_096;
/// Blocks per measured iteration.
const BLOCKS: usize = 25;
const ROWS: usize = BLOCK_ROWS * BLOCKS;

/// The meters shape of TDengine's documentation (ts, three data columns, a
/// location and a group tag), which both decoders can fill.
#[derive(Debug, Clone, PartialEq, TdTable, Deserialize)]
#[taos(stable = "meters", child = "d{group_id}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    voltage: i32,
    phase: Option<f32>,
    #[taos(tag, varchar(24))]
    location: String,
    #[taos(tag)]
    group_id: i32,
}

/// One result block as `SELECT * FROM meters` returns it, its first
/// timestamp `offset` ms after the others'.
fn block(offset: usize) -> RawBlock {
    let cities = [
        "California.SanFrancisco",
        "California.LosAngeles",
        "California.SanDiego",
    ];
    let n = BLOCK_ROWS;
    let views = vec![
        ColumnView::from_millis_timestamp(
            (0..n)
                .map(|i| 1_700_000_000_000 + (offset + i) as i64)
                .collect::<Vec<_>>(),
        ),
        ColumnView::from_floats(
            (0..n)
                .map(|i| 10.0 + (i % 97) as f32 * 0.137)
                .collect::<Vec<_>>(),
        ),
        ColumnView::from_ints((0..n).map(|i| 200 + (i % 31) as i32).collect::<Vec<_>>()),
        ColumnView::from_floats(
            (0..n)
                .map(|i| (i % 5 != 0).then_some(0.25 + (i % 13) as f32 * 0.0173))
                .collect::<Vec<_>>(),
        ),
        ColumnView::from_varchar::<&str, _, _, _>(
            (0..n).map(|i| cities[i % 3]).collect::<Vec<_>>(),
        ),
        ColumnView::from_ints((0..n).map(|i| (i % 10) as i32).collect::<Vec<_>>()),
    ];
    let mut block = RawBlock::from_views(&views, Precision::Millisecond);
    block.with_field_names(["ts", "current", "voltage", "phase", "location", "group_id"]);
    block
}

/// A wide row: the timestamp and 29 columns of seven kinds, strings and
/// NULLs among them.
#[derive(Debug, Clone, PartialEq, TdTable, Deserialize)]
#[taos(table = "wide")]
struct Wide {
    #[taos(ts)]
    ts: i64,
    c0: i32,
    c1: f64,
    c2: Option<f32>,
    #[taos(varchar(16))]
    c3: String,
    c4: Option<i64>,
    c5: bool,
    #[taos(varchar(16))]
    c6: Option<String>,
    c7: u16,
    c8: f32,
    c9: i64,
    c10: i32,
    c11: f64,
    c12: Option<f32>,
    #[taos(varchar(16))]
    c13: String,
    c14: Option<i64>,
    c15: bool,
    #[taos(varchar(16))]
    c16: Option<String>,
    c17: u16,
    c18: f32,
    c19: i64,
    c20: i32,
    c21: f64,
    c22: Option<f32>,
    #[taos(varchar(16))]
    c23: String,
    c24: Option<i64>,
    c25: bool,
    #[taos(varchar(16))]
    c26: Option<String>,
    c27: u16,
    c28: f32,
}

/// One block of `SELECT * FROM wide`: column `c{k}` is of kind `k % 10`,
/// in the order of `Wide`'s fields.
fn wide_block(offset: usize) -> RawBlock {
    let n = BLOCK_ROWS;
    let mut views = vec![ColumnView::from_millis_timestamp(
        (0..n)
            .map(|i| 1_700_000_000_000 + (offset + i) as i64)
            .collect::<Vec<_>>(),
    )];
    for k in 0..29usize {
        views.push(match k % 10 {
            0 => ColumnView::from_ints((0..n).map(|i| (i * (k + 1)) as i32).collect::<Vec<_>>()),
            1 => ColumnView::from_doubles(
                (0..n)
                    .map(|i| i as f64 * 0.5 + k as f64)
                    .collect::<Vec<_>>(),
            ),
            2 => ColumnView::from_floats(
                (0..n)
                    .map(|i| (i % 4 != 0).then_some(i as f32 * 0.25))
                    .collect::<Vec<_>>(),
            ),
            3 => ColumnView::from_varchar::<String, _, _, _>(
                (0..n)
                    .map(|i| format!("dev-{k}-{}", i % 50))
                    .collect::<Vec<_>>(),
            ),
            4 => ColumnView::from_big_ints(
                (0..n)
                    .map(|i| (i % 3 != 0).then_some((i * (k + 7)) as i64))
                    .collect::<Vec<_>>(),
            ),
            5 => ColumnView::from_bools((0..n).map(|i| i % 2 == 0).collect::<Vec<_>>()),
            6 => ColumnView::from_varchar::<String, _, _, _>(
                (0..n)
                    .map(|i| (i % 5 != 0).then(|| format!("s{k}-{}", i % 7)))
                    .collect::<Vec<_>>(),
            ),
            7 => ColumnView::from_unsigned_small_ints(
                (0..n).map(|i| (i % 60_000) as u16).collect::<Vec<_>>(),
            ),
            8 => ColumnView::from_floats((0..n).map(|i| i as f32 * 0.125).collect::<Vec<_>>()),
            _ => ColumnView::from_big_ints((0..n).map(|i| i as i64 - k as i64).collect::<Vec<_>>()),
        });
    }
    let mut block = RawBlock::from_views(&views, Precision::Millisecond);
    block
        .with_field_names(std::iter::once("ts".to_owned()).chain((0..29).map(|k| format!("c{k}"))));
    block
}

fn bench(c: &mut Criterion) {
    let blocks: Vec<RawBlock> = (0..BLOCKS).map(|b| block(b * BLOCK_ROWS)).collect();
    let ours: Vec<Meter> = blocks
        .iter()
        .flat_map(|b| taos_orm::decode_block::<Meter>(b).expect("decode"))
        .collect();
    let theirs: Vec<Meter> = blocks
        .iter()
        .flat_map(|b| b.deserialize().collect::<Vec<Result<Meter, _>>>())
        .collect::<Result<_, _>>()
        .expect("deserialize");
    assert_eq!(ours.len(), ROWS);
    assert_eq!(ours, theirs, "both decoders agree");

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("taos_orm::decode_block", |b| {
        b.iter(|| {
            for block in &blocks {
                black_box(taos_orm::decode_block::<Meter>(black_box(block)).unwrap());
            }
        })
    });
    group.bench_function("taos deserialize::<T>()", |b| {
        b.iter(|| {
            for block in &blocks {
                let rows: Vec<Meter> = black_box(block)
                    .deserialize()
                    .collect::<Result<_, _>>()
                    .unwrap();
                black_box(rows);
            }
        })
    });
    group.finish();

    let wide: Vec<RawBlock> = (0..BLOCKS).map(|b| wide_block(b * BLOCK_ROWS)).collect();
    let ours: Vec<Wide> = wide
        .iter()
        .flat_map(|b| taos_orm::decode_block::<Wide>(b).expect("decode"))
        .collect();
    let theirs: Vec<Wide> = wide
        .iter()
        .flat_map(|b| b.deserialize().collect::<Vec<Result<Wide, _>>>())
        .collect::<Result<_, _>>()
        .expect("deserialize");
    assert_eq!(ours, theirs, "both decoders agree on wide rows");

    let mut group = c.benchmark_group("decode_wide_30_columns");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(20);
    group.bench_function("taos_orm::decode_block", |b| {
        b.iter(|| {
            for block in &wide {
                black_box(taos_orm::decode_block::<Wide>(black_box(block)).unwrap());
            }
        })
    });
    group.bench_function("taos deserialize::<T>()", |b| {
        b.iter(|| {
            for block in &wide {
                let rows: Vec<Wide> = black_box(block)
                    .deserialize()
                    .collect::<Result<_, _>>()
                    .unwrap();
                black_box(rows);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
