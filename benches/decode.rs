//! Rows per second of typed decoding from raw result blocks: taos-orm's
//! `decode_block` against the `taos` client's own serde `deserialize::<T>()`,
//! on the same blocks, into the same struct.
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
