//! GROUP BY (data columns, tags, tbname) with HAVING, and HAVING on window
//! queries, through the real client; the statements the builder refuses
//! are refused by the server too, with its codes.

mod common;
#[path = "query/fixture.rs"]
mod fixture;

use fixture::{at, setup, Meter};
use taos_orm::query::{avg, count_all, max, wstart, TimeSpan};
use taos_orm::{Precision, TdRow, TdTable};

#[derive(Debug, PartialEq, TdRow)]
struct PerLocation {
    location: String,
    avg: Option<f64>,
    n: i64,
}

#[derive(Debug, PartialEq, TdRow)]
struct PerTable {
    tbname: String,
    location: String,
    n: i64,
}

#[derive(Debug, PartialEq, TdRow)]
struct PerStatus {
    status: Option<String>,
    n: i64,
    peak: i32,
}

async fn group_by(p: Precision) -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_group", p).await?;
    let per_location = |location: &str, avg: f64, n: i64| PerLocation {
        location: location.into(),
        avg: Some(avg),
        n,
    };

    // A tag as the key; AVG skips d1's NULL current.
    let by_location = Meter::query()
        .select(|m| {
            (
                m.location,
                avg(m.current).alias("avg"),
                count_all().alias("n"),
            )
        })
        .group_by(|m| m.location)
        .order_by(|m| m.location.asc());
    let rows: Vec<PerLocation> = by_location.clone().fetch_all(&db).await?;
    assert_eq!(
        rows,
        [per_location("bj", 4.0, 5), per_location("sh", 3.0, 2)]
    );
    let rows: Vec<PerLocation> = by_location
        .clone()
        .having(|m| avg(m.current).gt(3.5))
        .fetch_all(&db)
        .await?;
    assert_eq!(rows, [per_location("bj", 4.0, 5)]);
    // HAVING on a key, OR an aggregate; WHERE filters rows before grouping.
    let rows: Vec<PerLocation> = by_location
        .filter(|m| m.voltage.gt(10))
        .having(|m| m.location.eq("sh") | count_all().ge(4))
        .fetch_all(&db)
        .await?;
    assert_eq!(
        rows,
        [per_location("bj", 5.0, 4), per_location("sh", 3.0, 2)]
    );

    // tbname as the key: tags are constant per group.
    let per_table = |tbname: &str, location: &str, n: i64| PerTable {
        tbname: tbname.into(),
        location: location.into(),
        n,
    };
    let rows: Vec<PerTable> = Meter::query()
        .select(|m| (m.tbname, m.location, count_all().alias("n")))
        .group_by(|m| m.tbname)
        .order_by(|m| m.tbname.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(rows, [per_table("d1", "bj", 5), per_table("d2", "sh", 2)]);
    let rows: Vec<PerTable> = Meter::query()
        .select(|m| (m.tbname, m.location, count_all().alias("n")))
        .group_by(|m| m.tbname)
        .having(|m| m.location.eq("sh"))
        .fetch_all(&db)
        .await?;
    assert_eq!(rows, [per_table("d2", "sh", 2)]);

    // A data column as the key, ordered by an aggregate.
    let per_status = |status: &str, n: i64, peak: i32| PerStatus {
        status: Some(status.into()),
        n,
        peak,
    };
    let status = Meter::query()
        .select(|m| {
            (
                m.status,
                count_all().alias("n"),
                max(m.voltage).alias("peak"),
            )
        })
        .group_by(|m| m.status)
        .order_by(|_| count_all().desc());
    let rows: Vec<PerStatus> = status.clone().fetch_all(&db).await?;
    assert_eq!(rows, [per_status("on", 5, 200), per_status("off", 2, 40)]);
    let rows: Vec<PerStatus> = status
        .having(|m| max(m.voltage).lt(100))
        .fetch_all(&db)
        .await?;
    assert_eq!(rows, [per_status("off", 2, 40)]);

    // Two keys, read as tuples.
    let rows: Vec<(String, Option<String>, i64)> = Meter::query()
        .select(|m| (m.location, m.status, count_all()))
        .group_by(|m| (m.location, m.status))
        .order_by(|m| (m.location.asc(), m.status.asc()))
        .fetch_all(&db)
        .await?;
    let key = |l: &str, s: &str, n| (l.to_owned(), Some(s.to_owned()), n);
    assert_eq!(
        rows,
        [key("bj", "off", 2), key("bj", "on", 3), key("sh", "on", 2)]
    );

    // A plain column rides along with one selection function: its row's value.
    let rows: Vec<(Option<f32>, i32)> = Meter::query()
        .select(|m| (max(m.current), m.voltage))
        .group_by(|m| m.location)
        .order_by(|m| m.location.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(rows, [(Some(7.0), 50), (Some(4.0), 200)]);

    // HAVING on partitions without a window.
    let rows: Vec<(String, i64)> = Meter::query()
        .select(|m| (m.tbname, count_all()))
        .partition_by(|m| m.tbname)
        .having(|_| count_all().gt(2))
        .fetch_all(&db)
        .await?;
    assert_eq!(rows, [("d1".to_owned(), 5)]);

    // HAVING on windows: per-table minutes holding more than one row.
    let rows: Vec<(String, i64, i64)> = Meter::query()
        .select(|m| (m.tbname, wstart(), count_all()))
        .filter(|m| m.ts.range(at(p, 0)..at(p, 180)))
        .partition_by(|m| m.tbname)
        .interval(TimeSpan::minutes(1))
        .having(|_| count_all().gt(1))
        .order_by(|_| wstart().asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(
        rows,
        [
            ("d1".to_owned(), at(p, 0), 3),
            ("d1".to_owned(), at(p, 60), 2)
        ]
    );
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_by_and_having_in_ms() -> taos_orm::Result<()> {
    group_by(Precision::Millisecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_by_and_having_in_ns() -> taos_orm::Result<()> {
    group_by(Precision::Nanosecond).await
}

/// What the builder refuses before sending, the server refuses too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_enforces_the_group_by_rules() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_group_rules", Precision::Millisecond).await?;
    let m = format!("`{}`.`meters`", db.name());
    let refused = [
        // Neither a key nor an aggregate, in the select list, HAVING, ORDER BY.
        (
            format!("SELECT voltage, COUNT(*) FROM {m} GROUP BY location"),
            0x260A,
        ),
        (format!("SELECT voltage FROM {m} GROUP BY location"), 0x260A),
        (
            format!("SELECT MAX(current), voltage, COUNT(*) FROM {m} GROUP BY location"),
            0x260A,
        ),
        (
            format!("SELECT tbname, COUNT(*) FROM {m} GROUP BY location"),
            0x260A,
        ),
        (format!("SELECT * FROM {m} GROUP BY location"), 0x260A),
        (
            format!("SELECT location, COUNT(*) FROM {m} GROUP BY location HAVING voltage > 1"),
            0x260A,
        ),
        (
            format!("SELECT location FROM {m} GROUP BY location ORDER BY voltage"),
            0x260A,
        ),
        // HAVING needs GROUP BY or a window.
        (
            format!("SELECT COUNT(*) FROM {m} HAVING COUNT(*) > 1"),
            0x260A,
        ),
        // Aggregates belong in HAVING, not WHERE or GROUP BY.
        (
            format!("SELECT COUNT(*) FROM {m} WHERE AVG(current) > 1"),
            0x2608,
        ),
        (
            format!("SELECT COUNT(*) FROM {m} GROUP BY MAX(voltage)"),
            0x2608,
        ),
        // Row functions and window pseudo-columns have no place in groups.
        (
            format!("SELECT DIFF(current) FROM {m} GROUP BY location"),
            0x264F,
        ),
        (
            format!("SELECT _wstart, COUNT(*) FROM {m} GROUP BY location"),
            0x2658,
        ),
        // No GROUP BY beside a window.
        (
            format!("SELECT location, COUNT(*) FROM {m} GROUP BY location INTERVAL(1m)"),
            0x2600,
        ),
    ];
    let mut wrong = Vec::new();
    for (sql, code) in refused {
        match db.exec(&sql).await {
            Err(e) if e.code() == Some(code) => {}
            other => wrong.push(format!("{sql}: expected {code:#06X}, got {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // And what it takes: a tag under GROUP BY tbname, HAVING on a key.
    let sql = format!("SELECT location, COUNT(*) FROM {m} GROUP BY tbname HAVING location = 'bj'");
    let rows: Vec<(String, i64)> = db.fetch_all(&sql).await?;
    assert_eq!(rows, [("bj".to_owned(), 5)]);
    db.drop_database().await
}
