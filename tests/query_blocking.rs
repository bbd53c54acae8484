//! Typed queries through the synchronous API.

mod common;

use taos::sync::TBuilder;
use taos_orm::blocking::Database;
use taos_orm::query::{count_all, max};
use taos_orm::{Precision, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    level: u8,
    #[taos(varchar(16))]
    message: String,
}

#[test]
fn queries_run_through_the_blocking_database() -> taos_orm::Result<()> {
    let dsn = common::dsn();
    let taos = taos::TaosBuilder::from_dsn(&dsn)?.build()?;
    let name = common::TestDb::new("query_sync");
    let options = name.options().precision(Precision::Microsecond);
    let db = Database::create(&taos, &options)?;
    db.create_table::<Log>()?;
    let t0 = 1_700_000_000_000_000;
    let rows: Vec<Log> = (0..5)
        .map(|i| Log {
            ts: t0 + i,
            level: (i % 3) as u8,
            message: format!("m{i}"),
        })
        .collect();
    db.insert(&rows)?;

    let warn: Vec<Log> = Log::query()
        .filter(|l| l.level.ge(1) & l.message.like("m%"))
        .order_by(|l| l.ts.asc())
        .fetch_all_blocking(&db)?;
    assert_eq!(warn, [rows[1].clone(), rows[2].clone(), rows[4].clone()]);

    let totals: Vec<(i64, u8)> = Log::query()
        .select(|l| (count_all(), max(l.level)))
        .filter(|l| l.ts.range(t0..t0 + 4))
        .fetch_all_blocking(&db)?;
    assert_eq!(totals, [(4, 2)]);
    db.drop_database()
}
