//! Typed filters, ordering, limits and row reads through the real client.

mod common;
#[path = "query/fixture.rs"]
mod fixture;

use fixture::{at, setup, Meter};
use taos_orm::query::Cond;
use taos_orm::{Precision, TdTable};

const MS: Precision = Precision::Millisecond;

fn times(rows: &[Meter]) -> Vec<i64> {
    rows.iter().map(|r| (r.ts - at(MS, 0)) / 1000).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_the_expected_rows() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_filters", MS).await?;

    let rows: Vec<Meter> = Meter::query()
        .filter(|m| m.current.gt(2.0))
        .order_by(|m| m.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [20, 65, 70, 125]);
    assert_eq!(rows[3].location, "sh");

    let rows: Vec<Meter> = Meter::query()
        .filter(|m| m.location.like("b%") & m.current.is_null())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [10]);

    let rows: Vec<Meter> = Meter::query()
        .filter(|m| m.tbname.in_list(["d2"]))
        .order_by(|m| m.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [5, 125]);

    let rows: Vec<Meter> = Meter::query()
        .filter(|m| m.voltage.between(20, 100).not())
        .order_by(|m| m.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [0, 125]);

    let rows: Vec<Meter> = Meter::query()
        .filter(|m| m.ts.range(at(MS, 10)..=at(MS, 65)) & m.device.eq(1))
        .order_by(|m| m.ts.desc())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [65, 20, 10]);

    let rows: Vec<Meter> = Meter::query()
        .filter(|m| m.status.eq("off") | m.voltage.ge(200))
        .order_by(|m| m.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [20, 65, 125]);

    let rows: Vec<Meter> = Meter::query()
        .filter(|m| m.status.is_not_null() & m.device.not_in([2u32]) & m.location.not_like("s%"))
        .fetch_all(&db)
        .await?;
    assert_eq!(rows.len(), 5);

    let rows: Vec<Meter> = Meter::query()
        .filter(|_| {
            Cond::raw("`voltage` * 2 > ? AND `location` = ?")
                .bind(70)
                .bind("bj")
        })
        .order_by(|m| m.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [65, 70]);

    let rows: Vec<Meter> = Meter::query()
        .order_by(|m| m.ts.asc())
        .limit(2)
        .offset(1)
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [5, 10]);

    let rows: Vec<Meter> = Meter::query()
        .from_child("d2")
        .order_by(|m| m.ts.desc())
        .fetch_all(&db)
        .await?;
    assert_eq!(times(&rows), [125, 5]);
    assert_eq!(rows[0].device, 2);

    let none: Option<Meter> = Meter::query()
        .filter(|m| m.voltage.gt(1000))
        .fetch_optional(&db)
        .await?;
    assert_eq!(none, None);

    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_row_per_child_table_reads_back_as_rows() -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_last_row", MS).await?;
    let mut rows: Vec<Meter> = Meter::query()
        .last_row()
        .partition_by(|m| m.tbname)
        .fetch_all(&db)
        .await?;
    rows.sort_by_key(|r| r.device);
    let rows_in: Vec<Meter> = fixture::rows(MS);
    assert_eq!(rows, [rows_in[4].clone(), rows_in[6].clone()]);

    // LAST skips NULLs per column, LAST_ROW does not.
    let mut before_15: Vec<Meter> = Meter::query()
        .last()
        .filter(|m| m.ts.range(..at(MS, 15)))
        .partition_by(|m| m.tbname)
        .fetch_all(&db)
        .await?;
    before_15.sort_by_key(|r| r.device);
    assert_eq!(before_15[0].ts, at(MS, 10));
    assert_eq!(before_15[0].current, Some(1.0));
    // Several LAST_ROWs beside tags over a whole super table are refused
    // by TDengine (0x260C): the builder says so before sending.
    let merged = Meter::query()
        .last_row()
        .filter(|m| m.ts.range(..at(MS, 15)) & m.device.eq(1))
        .fetch_all::<Meter, _>(&db)
        .await;
    assert!(
        matches!(merged, Err(taos_orm::Error::InvalidArgument(ref m)) if m.contains("`device`")),
        "{merged:?}"
    );
    let last_row: Vec<Meter> = Meter::query()
        .last_row()
        .filter(|m| m.ts.range(..at(MS, 15)) & m.device.eq(1))
        .partition_by(|m| m.tbname)
        .fetch_all(&db)
        .await?;
    assert_eq!(last_row.len(), 1);
    assert_eq!(last_row[0].current, None);
    db.drop_database().await
}
