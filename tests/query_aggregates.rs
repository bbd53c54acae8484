//! Aggregate and selection functions through the real client, on data with
//! NULLs and on empty ranges, read into `TdRow` structs and tuples.

mod common;
#[path = "query/fixture.rs"]
mod fixture;

use fixture::{at, setup, Meter};
use taos_orm::query::{
    apercentile, avg, bottom, count, count_all, csum, derivative, diff, elapsed, first, irate,
    last, last_row, max, min, percentile, spread, stddev, sum, top, twa, wstart, TimeSpan,
};
use taos_orm::{Precision, TdRow, TdTable};

const MS: Precision = Precision::Millisecond;

#[derive(Debug, TdRow)]
struct Totals {
    rows: i64,
    currents: i64,
    avg: Option<f64>,
    volts: i64,
    low: Option<i32>,
    high: Option<f32>,
    spread: Option<f64>,
    sd: Option<f64>,
    first: Option<f32>,
    last: Option<f32>,
    last_row: Option<f32>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggregates_over_data_with_nulls() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_aggs", MS).await?;
    let t: Totals = Meter::query()
        .select(|m| {
            (
                count_all().alias("rows"),
                count(m.current).alias("currents"),
                avg(m.current).alias("avg"),
                sum(m.voltage).alias("volts"),
                min(m.voltage).alias("low"),
                max(m.current).alias("high"),
                spread(m.voltage).alias("spread"),
                stddev(m.current).alias("sd"),
                first(m.current).alias("first"),
                last(m.current).alias("last"),
                last_row(m.current).alias("last_row"),
            )
        })
        .fetch_one(&db)
        .await?;
    assert_eq!(t.rows, 7);
    // The NULL current of d1 at +10s is not counted.
    assert_eq!(t.currents, 6);
    let mean = 22.0 / 6.0;
    assert!((t.avg.unwrap() - mean).abs() < 1e-9, "{t:?}");
    assert_eq!(t.volts, 450);
    assert_eq!(t.low, Some(10));
    assert_eq!(t.high, Some(7.0));
    assert_eq!(t.spread, Some(190.0));
    let var = 104.0 / 6.0 - mean * mean;
    assert!((t.sd.unwrap() - var.sqrt()).abs() < 1e-9, "{t:?}");
    assert_eq!(t.first, Some(1.0));
    assert_eq!(t.last, Some(4.0));
    assert_eq!(t.last_row, Some(4.0));

    // On one child: LAST skips the trailing NULL, LAST_ROW keeps it.
    let (last, last_row): (Option<f32>, Option<f32>) = Meter::query()
        .from_child("d1")
        .select(|m| (last(m.current), last_row(m.current)))
        .filter(|m| m.ts.range(..=at(MS, 10)))
        .fetch_one(&db)
        .await?;
    assert_eq!((last, last_row), (Some(1.0), None));

    // Per partition, by tag.
    let mut per: Vec<(String, i64, Option<f64>)> = Meter::query()
        .select(|m| (m.location, count_all(), avg(m.voltage)))
        .partition_by(|m| m.location)
        .fetch_all(&db)
        .await?;
    per.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        per,
        [
            ("bj".to_owned(), 5, Some(30.0)),
            ("sh".to_owned(), 2, Some(150.0))
        ]
    );
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggregates_on_an_empty_range() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_empty", MS).await?;
    // COUNT over no rows is one row holding 0.
    let (n,): (i64,) = Meter::query()
        .select(|_| count_all())
        .filter(|m| m.ts.range(at(MS, 1000)..at(MS, 2000)))
        .fetch_one(&db)
        .await?;
    assert_eq!(n, 0);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_row_and_series_functions() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_series", MS).await?;
    let mut top2: Vec<(i32,)> = Meter::query()
        .select(|m| top(m.voltage, 2))
        .fetch_all(&db)
        .await?;
    top2.sort();
    assert_eq!(top2, [(100,), (200,)]);
    let mut bottom2: Vec<(i32,)> = Meter::query()
        .select(|m| bottom(m.voltage, 2))
        .fetch_all(&db)
        .await?;
    bottom2.sort();
    assert_eq!(bottom2, [(10,), (20,)]);

    let diffs: Vec<(i64,)> = Meter::query()
        .from_child("d1")
        .select(|m| diff(m.voltage))
        .fetch_all(&db)
        .await?;
    assert_eq!(diffs, [(10,), (10,), (10,), (10,)]);
    let sums: Vec<(i64,)> = Meter::query()
        .from_child("d1")
        .select(|m| csum(m.voltage))
        .fetch_all(&db)
        .await?;
    assert_eq!(sums, [(10,), (30,), (60,), (100,), (150,)]);
    db.drop_database().await
}

#[derive(Debug, TdRow)]
struct Rates {
    median: f64,
    approx: f64,
    covered: f64,
    twa: f64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn percentiles_elapsed_and_twa_on_one_child() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_rates", MS).await?;
    // d1: voltage 10, 20, 30, 40, 50 at +0s, +10s, +20s, +65s, +70s.
    let r: Rates = Meter::query()
        .from_child("d1")
        .select(|m| {
            (
                percentile(m.voltage, 50.0).alias("median"),
                apercentile(m.voltage, 50).alias("approx"),
                elapsed(m.ts, Some(TimeSpan::seconds(1))).alias("covered"),
                twa(m.voltage).alias("twa"),
            )
        })
        .fetch_one(&db)
        .await?;
    assert_eq!(r.median, 30.0);
    // An approximation, but of five points it cannot leave their middle range.
    assert!((20.0..=40.0).contains(&r.approx), "{r:?}");
    assert_eq!(r.covered, 70.0);
    // Trapezoids: 150 + 250 + 1575 + 225 over 70 s.
    assert!((r.twa - 2200.0 / 70.0).abs() < 1e-9, "{r:?}");
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interval_offset_and_sliding() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_sliding", MS).await?;
    let offset: Vec<(i64, i64)> = Meter::query()
        .from_child("d1")
        .select(|_| (wstart(), count_all()))
        .interval(TimeSpan::minutes(1))
        .offset_by(TimeSpan::seconds(30))
        .fetch_all(&db)
        .await?;
    assert_eq!(offset, [(at(MS, -30), 3), (at(MS, 30), 2)]);

    let sliding: Vec<(i64, i64)> = Meter::query()
        .from_child("d1")
        .select(|_| (wstart(), count_all()))
        .interval(TimeSpan::seconds(20))
        .sliding(TimeSpan::seconds(10))
        .fetch_all(&db)
        .await?;
    let w = |s, n| (at(MS, s), n);
    assert_eq!(
        sliding,
        [
            w(-10, 1),
            w(0, 2),
            w(10, 2),
            w(20, 1),
            w(50, 1),
            w(60, 2),
            w(70, 1)
        ]
    );
    db.drop_database().await
}

/// A d3 whose voltage counter resets: 50, 80, then 20, at +0s, +10s, +30s.
async fn add_counter(db: &taos_orm::Database<taos::Taos>, p: Precision) -> taos_orm::Result<()> {
    let row = |secs, voltage| Meter {
        ts: at(p, secs),
        current: None,
        voltage,
        status: None,
        device: 3,
        location: "gz".to_owned(),
    };
    db.insert(&[row(0, 50), row(10, 80), row(30, 20)]).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn irate_from_the_last_two_points() -> taos_orm::Result<()> {
    for p in [MS, Precision::Microsecond] {
        let (_guard, db) = setup("query_irate", p).await?;
        // d1: voltage 40 then 50, current 5 then 7, five seconds apart.
        let (volts, amps): (f64, f64) = Meter::query()
            .from_child("d1")
            .select(|m| (irate(m.voltage), irate(m.current)))
            .fetch_one(&db)
            .await?;
        assert_eq!((volts, amps), (2.0, 0.4));

        // d2: 100 then 200, 120 s apart.
        let mut per: Vec<(u32, f64)> = Meter::query()
            .select(|m| (m.device, irate(m.voltage)))
            .partition_by(|m| m.device)
            .fetch_all(&db)
            .await?;
        per.sort_by_key(|r| r.0);
        assert_eq!(per, [(1, 2.0), (2, 100.0 / 120.0)]);

        // 80 -> 20 is a reset: 20 over the 20 s, not -60 over them.
        add_counter(&db, p).await?;
        let (reset,): (f64,) = Meter::query()
            .from_child("d3")
            .select(|m| irate(m.voltage))
            .fetch_one(&db)
            .await?;
        assert_eq!(reset, 1.0);
        db.drop_database().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn derivative_per_unit_and_without_drops() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_derivative", MS).await?;
    // d1 voltage rises by 10 over 10 s, 10 s, 45 s and 5 s.
    let rates: Vec<(f64,)> = Meter::query()
        .from_child("d1")
        .select(|m| derivative(m.voltage, TimeSpan::seconds(5), false))
        .fetch_all(&db)
        .await?;
    assert_eq!(rates.len(), 4);
    let expected = [5.0, 5.0, 10.0 / 9.0, 10.0];
    for ((got,), want) in rates.iter().zip(expected) {
        assert!((got - want).abs() < 1e-9, "{rates:?}");
    }
    let per_minute: Vec<(f64,)> = Meter::query()
        .from_child("d1")
        .select(|m| derivative(m.voltage, TimeSpan::minutes(1), false))
        .filter(|m| m.ts.range(..=at(MS, 20)))
        .fetch_all(&db)
        .await?;
    assert_eq!(per_minute, [(60.0,), (60.0,)]);

    // d3: +30 over 10 s, then -60 over 20 s.
    add_counter(&db, MS).await?;
    let d3 = |ignore_negative| {
        Meter::query()
            .from_child("d3")
            .select(move |m| derivative(m.voltage, TimeSpan::seconds(10), ignore_negative))
    };
    let all: Vec<(f64,)> = d3(false).fetch_all(&db).await?;
    assert_eq!(all, [(30.0,), (-30.0,)]);
    let rising: Vec<(f64,)> = d3(true).fetch_all(&db).await?;
    assert_eq!(rising, [(30.0,)]);
    db.drop_database().await
}
