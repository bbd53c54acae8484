//! Streaming a large result holds one block at a time: memory stays bounded.
// A counting global allocator is the only way to observe peak heap use.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::TryStreamExt;
use taos_orm::{Database, Precision, RowStream, TdTable};

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

/// Reads a stream of ticks to the end: (rows, sum of values, heap growth
/// beyond what was live once the first row arrived).
fn drain(
    mut next: impl FnMut() -> Option<taos_orm::Result<Tick>>,
) -> taos_orm::Result<(i64, i64, usize)> {
    let first = next().expect("a first row")?;
    // From here on the result is in flight (and, on the emulator, fully built
    // server-side): what grows beyond this point is what the client holds.
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let (mut count, mut sum) = (1i64, first.value);
    while let Some(tick) = next().transpose()? {
        count += 1;
        sum += tick.value;
    }
    Ok((
        count,
        sum,
        PEAK.load(Ordering::Relaxed).saturating_sub(baseline),
    ))
}

/// The whole table as a typed query's stream, built (SQL included) inside
/// a function that returns it.
fn every_tick(db: &Database<taos::Taos>) -> RowStream<'_, Tick> {
    Tick::query().stream(db)
}

/// The same rows through a hand-written statement with a bound value.
fn ticks_from(db: &Database<taos::Taos>, from: i64) -> RowStream<'_, Tick> {
    let sql = format!(
        "SELECT ts, `value`, sensor FROM `{}`.`ticks` WHERE ts >= ?",
        db.name()
    );
    db.query(sql).bind(from).stream()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_rows_stream_in_bounded_memory() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("stream");
    let db = Database::create(taos, &name.options()).await?;
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
    // Collecting the rows would take ROWS * 24 bytes = 24 MB; a stream holds
    // a block or two (a few hundred KiB).
    let all_rows = ROWS as usize * std::mem::size_of::<Tick>();
    let check = |how: &str, (count, sum, growth): (i64, i64, usize)| {
        assert_eq!(count, ROWS, "{how}");
        assert_eq!(sum, (0..ROWS).sum::<i64>(), "{how}");
        assert!(
            growth < all_rows / 4,
            "{how}: peak grew by {growth} bytes while streaming (all rows: {all_rows})"
        );
    };

    let sql = format!("SELECT ts, `value`, sensor FROM `{name}`.`ticks`");
    for (how, stream) in [
        ("Database::stream", db.stream::<Tick>(&sql)),
        ("Query::stream", every_tick(&db)),
        ("RawQuery::stream", ticks_from(&db, BASE_TS)),
    ] {
        let mut stream = stream;
        let handle = tokio::runtime::Handle::current();
        let drained = tokio::task::block_in_place(|| {
            drain(|| handle.block_on(stream.try_next()).transpose())
        })?;
        check(how, drained);
    }

    // The blocking twins, on a thread of their own (the sync client must
    // not run inside an async task).
    let (dsn, database) = (common::dsn(), name.name().to_owned());
    let blocking = std::thread::spawn(move || -> taos_orm::Result<_> {
        use taos::sync::TBuilder;
        let taos = taos::TaosBuilder::from_dsn(&dsn)?.build()?;
        let db = taos_orm::blocking::Database::new(&taos, database, Precision::Millisecond);
        let mut rows = Tick::query().iter_blocking::<Tick, _>(&db)?;
        let typed = drain(|| rows.next())?;
        drop(rows);
        let q = db.query(format!(
            "SELECT ts, `value`, sensor FROM `{}`.`ticks` WHERE ts >= ?",
            db.name()
        ));
        let mut rows = q.bind(BASE_TS).iter::<Tick>()?;
        let raw = drain(|| rows.next())?;
        Ok((typed, raw))
    })
    .join()
    .expect("the blocking reader panicked")?;
    check("Query::iter_blocking", blocking.0);
    check("RawQuery::iter", blocking.1);
    db.drop_database().await
}
