//! Very long operator chains, which a real server answers in milliseconds:
//! a 10,000-term OR and a 5,000-term `+` chain.

mod common;

use taos_orm::{Database, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(table = "deep")]
struct Deep {
    #[taos(ts)]
    ts: i64,
    v: i32,
}

/// The native client (`taos://`) parses SQL on the calling thread,
/// recursing once per operator: a 10,000-term chain needs more than the
/// 2 MiB a test thread has, so the queries run on a thread with 64 MiB, as
/// a program sending such statements natively must.
#[test]
fn long_or_and_plus_chains_are_answered() -> taos_orm::Result<()> {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime")
                .block_on(chains())
        })
        .expect("a thread")
        .join()
        .expect("the queries do not panic")
}

async fn chains() -> taos_orm::Result<()> {
    let taos = taos_orm::connect(&common::dsn()).await?;
    let name = common::TestDb::new("deep");
    let db = Database::create(&taos, &name.options()).await?;
    db.create_table::<Deep>().await?;
    let t0 = 1_700_000_000_000;
    let rows: Vec<Deep> = (0..100)
        .map(|i| Deep {
            ts: t0 + i,
            v: i as i32,
        })
        .collect();
    db.insert(&rows).await?;

    // Every even v among 0..20,000: 50 of the 100 rows match.
    let terms: Vec<String> = (0..10_000).map(|k| format!("v = {}", 2 * k)).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM `{name}`.`deep` WHERE {}",
        terms.join(" OR ")
    );
    let (count,): (i64,) = db.fetch_one(&sql).await?;
    assert_eq!(count, 50);

    let sum = vec!["v"; 5_000].join(" + ");
    let sql = format!("SELECT {sum} AS s FROM `{name}`.`deep` WHERE v = 3");
    let (s,): (f64,) = db.fetch_one(&sql).await?;
    assert_eq!(s, 15_000.0);
    db.drop_database().await
}
