//! INTERP with RANGE, EVERY and each FILL mode, `_irowts` and `_isfilled`,
//! per child table with PARTITION BY tbname, in ms and ns databases.

mod common;
#[path = "query/fixture.rs"]
mod fixture;

use fixture::{at, setup, Meter};
use taos_orm::query::{interp, irowts, isfilled, Fill, TimeSpan};
use taos_orm::{Precision, TdRow, TdTable};

#[derive(Debug, PartialEq, TdRow)]
struct Point {
    #[taos(rename = "_irowts")]
    at: i64,
    #[taos(rename = "_isfilled")]
    filled: bool,
    voltage: Option<i32>,
}

async fn interp_modes(p: Precision) -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_interp", p).await?;
    let point = |secs, filled, voltage| Point {
        at: at(p, secs),
        filled,
        voltage,
    };
    // d1 has voltage 10, 20, 30 at +0s, +10s, +20s, then 40 at +65s.
    let rows: Vec<Point> = Meter::query()
        .from_child("d1")
        .select(|m| (irowts(), isfilled(), interp(m.voltage).alias("voltage")))
        .interp_range(at(p, 0), at(p, 30), TimeSpan::seconds(10), Fill::Prev)
        .fetch_all(&db)
        .await?;
    assert_eq!(
        rows,
        [
            point(0, false, Some(10)),
            point(10, false, Some(20)),
            point(20, false, Some(30)),
            point(30, true, Some(30)),
        ]
    );
    let one = |fill: Fill, secs: i64| {
        Meter::query()
            .from_child("d1")
            .select(|m| (irowts(), isfilled(), interp(m.voltage).alias("voltage")))
            .interp_at(at(p, secs), fill)
    };
    let near: Point = one(Fill::Near, 60).fetch_one(&db).await?;
    assert_eq!(near, point(60, true, Some(40)));
    let next: Point = one(Fill::Next, 30).fetch_one(&db).await?;
    assert_eq!(next, point(30, true, Some(40)));
    let value: Point = one(Fill::value([-1]), 30).fetch_one(&db).await?;
    assert_eq!(value, point(30, true, Some(-1)));
    let null: Point = one(Fill::Null, 30).fetch_one(&db).await?;
    assert_eq!(null, point(30, true, None));
    let exact: Point = one(Fill::Null, 20).fetch_one(&db).await?;
    assert_eq!(exact, point(20, false, Some(30)));

    // One timeline per child table: d1's previous row at +5s is +0s's, d2 has one there.
    let mut per_table: Vec<(String, String, Option<i32>)> = Meter::query()
        .select(|m| (m.tbname, m.location, interp(m.voltage)))
        .partition_by(|m| m.tbname)
        .interp_at(at(p, 5), Fill::Prev)
        .fetch_all(&db)
        .await?;
    per_table.sort();
    assert_eq!(
        per_table,
        [
            ("d1".to_owned(), "bj".to_owned(), Some(10)),
            ("d2".to_owned(), "sh".to_owned(), Some(100)),
        ]
    );
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interp_in_ms() -> taos_orm::Result<()> {
    interp_modes(Precision::Millisecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interp_in_ns() -> taos_orm::Result<()> {
    interp_modes(Precision::Nanosecond).await
}

/// What the builder refuses before sending, the server refuses too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_enforces_the_interp_rules() -> taos_orm::Result<()> {
    let p = Precision::Millisecond;
    let (_guard, db) = setup("query_interp_rules", p).await?;
    let d1 = format!("`{}`.`d1`", db.name());
    let (a, b) = (at(p, 0), at(p, 20));
    let refused = [
        (
            format!("SELECT INTERP(voltage) FROM {d1} RANGE({a}, {b}) EVERY(10s)"),
            0x265D,
        ),
        (
            format!("SELECT INTERP(voltage) FROM {d1} RANGE({a}, {b}) FILL(PREV)"),
            0x265D,
        ),
        (
            format!("SELECT INTERP(voltage) FROM {d1} RANGE({a})"),
            0x2605,
        ),
        (
            format!("SELECT INTERP(voltage) FROM {d1} RANGE({a}) FILL(NONE)"),
            0x2605,
        ),
        (
            format!("SELECT INTERP(voltage), INTERP(current) FROM {d1} RANGE({a}) FILL(VALUE, 1)"),
            0x2605,
        ),
        (
            format!("SELECT INTERP(voltage), voltage FROM {d1} RANGE({a}) FILL(PREV)"),
            0x260C,
        ),
        (
            format!("SELECT _wstart, INTERP(voltage) FROM {d1} RANGE({a}) FILL(PREV)"),
            0x2658,
        ),
        (
            format!("SELECT _irowts, COUNT(*) FROM {d1} INTERVAL(10s)"),
            0x2602,
        ),
        (
            format!(
                "SELECT INTERP(voltage) FROM {d1} RANGE({a}) FILL(PREV) HAVING INTERP(voltage) > 0"
            ),
            0x260A,
        ),
        (
            format!(
                "SELECT COUNT(*) FROM {d1} WHERE ts >= {a} AND ts < {b} INTERVAL(10s) FILL(NEAR)"
            ),
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
    db.drop_database().await
}
