//! Streaming a large result holds one block at a time: memory stays bounded.
// A counting global allocator is the only way to observe peak heap use.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::TryStreamExt;
use taos_orm::{Database, TdTable};

/// Counts live heap bytes and the peak since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "ticks", child = "s{sensor}")]
struct Tick {
    #[taos(ts)]
    ts: i64,
    value: i64,
    #[taos(tag)]
    sensor: i32,
}

const ROWS: i64 = 1_000_000;
const SENSORS: i64 = 10;
const BASE_TS: i64 = 1_704_067_200_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_rows_stream_in_bounded_memory() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("stream");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Tick>().await?;
    let per_sensor = ROWS / SENSORS;
    for sensor in 0..SENSORS {
        let rows: Vec<Tick> = (0..per_sensor)
            .map(|i| Tick {
                ts: BASE_TS + i,
                value: sensor * per_sensor + i,
                sensor: sensor as i32,
            })
            .collect();
        db.insert(&rows).await?;
    }

    let sql = format!("SELECT ts, `value`, sensor FROM `{name}`.`ticks`");
    let (count, sum, growth) = {
        let mut stream = std::pin::pin!(db.stream::<Tick>(&sql));
        let first = stream.try_next().await?.expect("a first row");
        // From here on the result is in flight (and, on the emulator, fully built
        // server-side): what grows beyond this point is what the client holds.
        let baseline = LIVE.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let (mut count, mut sum) = (1i64, first.value);
        while let Some(tick) = stream.try_next().await? {
            count += 1;
            sum += tick.value;
        }
        (
            count,
            sum,
            PEAK.load(Ordering::Relaxed).saturating_sub(baseline),
        )
    };
    assert_eq!(count, ROWS);
    assert_eq!(sum, (0..ROWS).sum::<i64>());
    // Collecting the rows would take ROWS * 24 bytes = 24 MB; a stream holds
    // a block or two (a few hundred KiB).
    let all_rows = ROWS as usize * std::mem::size_of::<Tick>();
    assert!(
        growth < all_rows / 4,
        "peak grew by {growth} bytes while streaming (all rows: {all_rows})"
    );
    db.drop_database().await
}
