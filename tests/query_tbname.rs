//! A struct whose `#[taos(tbname)]` field holds its child table's name reads
//! back through the typed query (which selects `tbname`), and `SELECT *`
//! (which never returns it) fails with an error saying to select it.

mod common;

use futures::TryStreamExt;
use taos::AsyncTBuilder;
use taos_orm::{Database, DecodeReason, Error, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "sites")]
struct Reading {
    #[taos(ts)]
    ts: i64,
    level: i32,
    #[taos(tag)]
    site: i32,
    #[taos(tbname)]
    table: String,
}

const T0: i64 = 1_700_000_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tbname_fields_read_back_through_the_typed_query() -> taos_orm::Result<()> {
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build().await?;
    let name = common::TestDb::new("query_tbname");
    let db = Database::create(taos, &name.options()).await?;
    db.create_table::<Reading>().await?;
    let row = |i: i64, site: i32, table: &str| Reading {
        ts: T0 + i,
        level: i as i32 * 10,
        site,
        table: table.to_owned(),
    };
    let rows = vec![
        row(0, 1, "north_a"),
        row(1, 2, "south_b"),
        row(2, 1, "north_a"),
    ];
    db.insert(&rows).await?;

    let back: Vec<Reading> = Reading::query()
        .order_by(|r| r.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(back, rows);
    let south: Vec<Reading> = Reading::query()
        .filter(|r| r.tbname.eq("south_b"))
        .stream(&db)
        .try_collect()
        .await?;
    assert_eq!(south, [rows[1].clone()]);

    // `SELECT *` has the columns and tags, never `tbname`.
    let star = format!("SELECT * FROM `{name}`.`sites` ORDER BY ts");
    let err = db.fetch_all::<Reading>(&star).await.unwrap_err();
    match &err {
        Error::Decode {
            row: None,
            field: "table",
            column,
            reason: DecodeReason::MissingTbname,
            ..
        } if column == "tbname" => {}
        other => panic!("expected a missing tbname decode error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("select it by name"), "{text}");
    assert!(text.contains("SELECT *, tbname"), "{text}");

    // Selected by name, it reads back.
    let named = format!("SELECT *, tbname FROM `{name}`.`sites` ORDER BY ts");
    assert_eq!(db.fetch_all::<Reading>(&named).await?, rows);
    db.drop_database().await
}
