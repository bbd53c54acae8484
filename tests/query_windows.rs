//! Window queries through the real client: INTERVAL with every FILL mode,
//! PARTITION BY with per-partition LIMIT, SESSION, STATE, EVENT and COUNT
//! windows, in ms, us and ns databases.

mod common;
#[path = "query/fixture.rs"]
mod fixture;

use fixture::{at, per_sec, setup, Meter};
use taos_orm::query::{avg, count_all, sum, wduration, wend, wstart, Fill, TimeSpan};
use taos_orm::{Precision, TdRow, TdTable};

#[derive(Debug, PartialEq, TdRow)]
struct Avg {
    #[taos(rename = "_wstart")]
    start: i64,
    avg: Option<f64>,
}

/// Ten-second averages of d1 over [T0, T0 + 80s) with `fill`, as
/// (seconds after T0, average).
async fn tens(
    db: &taos_orm::Database<taos::Taos>,
    p: Precision,
    fill: Fill,
) -> taos_orm::Result<Vec<(i64, Option<f64>)>> {
    let rows: Vec<Avg> = Meter::query()
        .from_child("d1")
        .select(|m| (wstart(), avg(m.current).alias("avg")))
        .filter(|m| m.ts.range(at(p, 0)..at(p, 80)))
        .interval(TimeSpan::seconds(10))
        .fill(fill)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ((r.start - at(p, 0)) / per_sec(p), r.avg))
        .collect())
}

async fn fill_modes(p: Precision) -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_fill", p).await?;
    // The window at +10s has a row whose current is NULL, so its AVG is NULL:
    // VALUE, PREV and NEXT fill that cell too, NULL and LINEAR leave it.
    let with = |at_10: Option<f64>, gap: [Option<f64>; 3]| -> Vec<(i64, Option<f64>)> {
        vec![
            (0, Some(1.0)),
            (10, at_10),
            (20, Some(3.0)),
            (30, gap[0]),
            (40, gap[1]),
            (50, gap[2]),
            (60, Some(5.0)),
            (70, Some(7.0)),
        ]
    };
    let none = vec![
        (0, Some(1.0)),
        (10, None),
        (20, Some(3.0)),
        (60, Some(5.0)),
        (70, Some(7.0)),
    ];
    assert_eq!(tens(&db, p, Fill::None).await?, none);
    assert_eq!(tens(&db, p, Fill::Null).await?, with(None, [None; 3]));
    assert_eq!(tens(&db, p, Fill::NullF).await?, with(None, [None; 3]));
    assert_eq!(
        tens(&db, p, Fill::value([0])).await?,
        with(Some(0.0), [Some(0.0); 3])
    );
    assert_eq!(
        tens(&db, p, Fill::value_f([0.5])).await?,
        with(Some(0.5), [Some(0.5); 3])
    );
    assert_eq!(
        tens(&db, p, Fill::Prev).await?,
        with(Some(1.0), [Some(3.0); 3])
    );
    assert_eq!(
        tens(&db, p, Fill::Next).await?,
        with(Some(3.0), [Some(5.0); 3])
    );
    assert_eq!(
        tens(&db, p, Fill::Linear).await?,
        with(None, [Some(3.5), Some(4.0), Some(4.5)])
    );
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fill_mode_in_ms() -> taos_orm::Result<()> {
    fill_modes(Precision::Millisecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fill_mode_in_us() -> taos_orm::Result<()> {
    fill_modes(Precision::Microsecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fill_mode_in_ns() -> taos_orm::Result<()> {
    fill_modes(Precision::Nanosecond).await
}

#[derive(Debug, PartialEq, PartialOrd, TdRow)]
struct PerTable {
    tbname: String,
    #[taos(rename = "_wstart")]
    start: i64,
    #[taos(rename = "_wend")]
    end: i64,
    #[taos(rename = "_wduration")]
    duration: i64,
    n: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partition_by_tbname_with_per_partition_limit() -> taos_orm::Result<()> {
    let p = Precision::Millisecond;
    let (_guard, db) = setup("query_partition", p).await?;
    let query = Meter::query()
        .select(|m| {
            (
                m.tbname,
                wstart(),
                wend(),
                wduration(),
                count_all().alias("n"),
            )
        })
        .filter(|m| m.ts.range(at(p, 0)..at(p, 180)))
        .partition_by(|m| m.tbname)
        .interval(TimeSpan::minutes(1));
    let w = |tb: &str, start: i64, n: i64| PerTable {
        tbname: tb.to_owned(),
        start: at(p, start),
        end: at(p, start + 60),
        duration: 60_000,
        n,
    };
    let mut all: Vec<PerTable> = query.fetch_all(&db).await?;
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        all,
        [
            w("d1", 0, 3),
            w("d1", 60, 2),
            w("d2", 0, 1),
            w("d2", 120, 1)
        ]
    );
    let mut firsts: Vec<PerTable> = query.clone().limit(1).fetch_all(&db).await?;
    firsts.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(firsts, [w("d1", 0, 3), w("d2", 0, 1)]);
    let one: Vec<PerTable> = query.slimit(1).fetch_all(&db).await?;
    assert!(one.iter().all(|r| r.tbname == one[0].tbname), "{one:?}");
    db.drop_database().await
}

#[derive(Debug, PartialEq, TdRow)]
struct Span {
    #[taos(rename = "_wstart")]
    start: i64,
    #[taos(rename = "_wend")]
    end: i64,
    #[taos(rename = "_wduration")]
    duration: i64,
    n: i64,
    volts: i64,
}

fn span(p: Precision, from: i64, to: i64, n: i64, volts: i64) -> Span {
    Span {
        start: at(p, from),
        end: at(p, to),
        duration: (to - from) * per_sec(p),
        n,
        volts,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_state_event_and_count_windows() -> taos_orm::Result<()> {
    let p = Precision::Millisecond;
    let (_guard, db) = setup("query_windows", p).await?;
    let base = || {
        Meter::query().from_child("d1").select(|m| {
            (
                wstart(),
                wend(),
                wduration(),
                count_all().alias("n"),
                sum(m.voltage).alias("volts"),
            )
        })
    };
    // Gaps of 10, 10, 45 and 5 seconds: the 45 s one splits.
    let session: Vec<Span> = base().session(TimeSpan::seconds(30)).fetch_all(&db).await?;
    assert_eq!(session, [span(p, 0, 20, 3, 60), span(p, 65, 70, 2, 90)]);

    // on, on, off, off, on.
    let state: Vec<Span> = base().state_window(|m| m.status).fetch_all(&db).await?;
    assert_eq!(
        state,
        [
            span(p, 0, 10, 2, 30),
            span(p, 20, 65, 2, 70),
            span(p, 70, 70, 1, 50)
        ]
    );

    // Opens at voltage 20, closes at 40; the 50 row opens and closes its own.
    let event: Vec<Span> = base()
        .event_window(|m| (m.voltage.ge(20), m.voltage.ge(40)))
        .fetch_all(&db)
        .await?;
    assert_eq!(event, [span(p, 10, 65, 3, 90), span(p, 70, 70, 1, 50)]);

    let count: Vec<Span> = base().count_window(2).fetch_all(&db).await?;
    assert_eq!(
        count,
        [
            span(p, 0, 10, 2, 30),
            span(p, 20, 65, 2, 70),
            span(p, 70, 70, 1, 50)
        ]
    );
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forced_fills_cover_a_range_without_data() -> taos_orm::Result<()> {
    let p = Precision::Millisecond;
    let (_guard, db) = setup("query_force_fill", p).await?;
    let empty = |fill| {
        Meter::query()
            .select(|m| (wstart(), avg(m.current).alias("avg")))
            .filter(|m| m.ts.range(at(p, 200)..at(p, 230)))
            .interval(TimeSpan::seconds(10))
            .fill(fill)
    };
    let null: Vec<Avg> = empty(Fill::Null).fetch_all(&db).await?;
    assert_eq!(null, []);
    let forced: Vec<Avg> = empty(Fill::NullF).fetch_all(&db).await?;
    let starts: Vec<_> = forced.iter().map(|r| (r.start, r.avg)).collect();
    assert_eq!(
        starts,
        [(at(p, 200), None), (at(p, 210), None), (at(p, 220), None)]
    );
    let forced: Vec<Avg> = empty(Fill::value_f([9])).fetch_all(&db).await?;
    assert!(
        forced.iter().all(|r| r.avg == Some(9.0)) && forced.len() == 3,
        "{forced:?}"
    );
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn true_for_keeps_only_long_state_and_event_windows() -> taos_orm::Result<()> {
    let p = Precision::Microsecond;
    let (_guard, db) = setup("query_true_for", p).await?;
    let base = || {
        Meter::query().from_child("d1").select(|m| {
            (
                wstart(),
                wend(),
                wduration(),
                count_all().alias("n"),
                sum(m.voltage).alias("volts"),
            )
        })
    };
    // States last 10 s, 45 s and 0 s; the bound is inclusive.
    let state: Vec<Span> = base()
        .state_window(|m| m.status)
        .true_for(TimeSpan::seconds(10))
        .fetch_all(&db)
        .await?;
    assert_eq!(state, [span(p, 0, 10, 2, 30), span(p, 20, 65, 2, 70)]);
    let state: Vec<Span> = base()
        .state_window(|m| m.status)
        .true_for(TimeSpan::seconds(11))
        .fetch_all(&db)
        .await?;
    assert_eq!(state, [span(p, 20, 65, 2, 70)]);

    // Events last 55 s and 0 s.
    let event: Vec<Span> = base()
        .event_window(|m| (m.voltage.ge(20), m.voltage.ge(40)))
        .true_for(TimeSpan::seconds(1))
        .fetch_all(&db)
        .await?;
    assert_eq!(event, [span(p, 10, 65, 3, 90)]);
    db.drop_database().await
}
