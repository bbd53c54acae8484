//! Where rows go, stated once and checked: two tag sets under one child
//! table name, a database that exists with another precision, and a
//! struct's declared database against the handle's are errors, never a
//! silent choice.

mod common;

use std::sync::Arc;

use chrono::Utc;
use taos_orm::{Database, Error, InsertMode, Inserter, InserterOptions, Precision, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "pairs", child = "p_{a}_{b}")]
struct Pair {
    #[taos(ts)]
    ts: i64,
    v: i32,
    #[taos(tag, varchar(16))]
    a: String,
    #[taos(tag, varchar(16))]
    b: String,
}

fn pair(ts: i64, a: &str, b: &str) -> Pair {
    Pair {
        ts,
        v: 1,
        a: a.into(),
        b: b.into(),
    }
}

async fn open(prefix: &str) -> taos_orm::Result<(common::TestDb, Database<Arc<taos::Taos>>)> {
    let name = common::TestDb::new(prefix);
    let taos = taos_orm::connect(&common::dsn()).await?;
    let db = Database::create(Arc::new(taos), &name.options()).await?;
    db.create_table::<Pair>().await?;
    Ok((name, db))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tag_sets_under_one_name_are_refused_on_every_path() -> taos_orm::Result<()> {
    let (_name, db) = open("collide").await?;
    let now = Utc::now().timestamp_millis();
    let cases = [
        // `p_x_y_z` both ways.
        [pair(now, "x_y", "z"), pair(now + 1, "x", "y_z")],
        // TDengine folds table names to lower case.
        [pair(now, "K", "1"), pair(now + 1, "k", "1")],
    ];
    for rows in &cases {
        for result in [
            db.insert(rows).await,
            db.insert_bound(rows).await,
            db.create_child_tables(rows)
                .await
                .map(|_| Default::default()),
        ] {
            let err = result.unwrap_err();
            assert!(
                matches!(
                    &err,
                    Error::ChildTableConflict {
                        first_row: 0,
                        row: 1,
                        ..
                    }
                ),
                "{rows:?}: {err}"
            );
        }
    }
    assert_eq!(db.count::<Pair>().await?, 0, "nothing was sent");
    // Same tags under one name are one table, whatever the case of the name.
    let same = [pair(now, "Q", "r"), pair(now + 1, "Q", "r")];
    assert_eq!(db.insert(&same).await?.rows, 2);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inserter_sets_a_conflicting_row_aside() -> taos_orm::Result<()> {
    let (_name, db) = open("collide_ins").await?;
    let now = Utc::now().timestamp_millis();
    for mode in [InsertMode::Sql, InsertMode::Bound] {
        let rows = [
            pair(now, "x_y", "z"),
            pair(now + 1, "other", "w"),
            pair(now + 2, "x", "y_z"),
        ];
        let mut inserter = Inserter::new(db.clone(), InserterOptions::default().mode(mode));
        for row in rows.iter().cloned() {
            inserter.push(row);
        }
        assert_eq!(inserter.flush().await?.rows, 2, "{mode:?}");
        let rejected = inserter.take_rejected();
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].0, rows[2]);
        assert!(matches!(
            rejected[0].1,
            Error::ChildTableConflict { row: 2, .. }
        ));
        inserter.end().await.unwrap();
    }
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_checks_the_precision_of_an_existing_database() -> taos_orm::Result<()> {
    let name = common::TestDb::new("prec");
    let taos = Arc::new(taos_orm::connect(&common::dsn()).await?);
    let us = name.options().precision(Precision::Microsecond);
    let db = Database::create(Arc::clone(&taos), &us).await?;
    assert_eq!(db.precision(), Precision::Microsecond);
    let ms = name.options().precision(Precision::Millisecond);
    let err = Database::create(Arc::clone(&taos), &ms).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::PrecisionConflict {
                requested: "ms",
                found: "us",
                ..
            }
        ),
        "{err}"
    );
    // Without a precision asked for, the handle takes the database's.
    let db = Database::create(Arc::clone(&taos), &name.options()).await?;
    assert_eq!(db.precision(), Precision::Microsecond);
    let blocking = {
        use taos::sync::TBuilder;
        taos::sync::TaosBuilder::from_dsn(common::dsn())?.build()?
    };
    let err = tokio::task::spawn_blocking(move || {
        taos_orm::blocking::Database::create(&blocking, &ms).map(|_| ())
    })
    .await
    .unwrap()
    .unwrap_err();
    assert!(matches!(err, Error::PrecisionConflict { .. }), "{err}");
    db.drop_database().await
}

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "pinned", database = "elsewhere", child = "n{id}")]
struct Pinned {
    #[taos(ts)]
    ts: i64,
    v: i32,
    #[taos(tag)]
    id: i32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_database_is_not_overridden_by_the_handle() -> taos_orm::Result<()> {
    let name = common::TestDb::new("pinned");
    let taos = taos_orm::connect(&common::dsn()).await?;
    let db = Database::create(Arc::new(taos), &name.options()).await?;
    let rows = [Pinned { ts: 1, v: 1, id: 1 }];
    let conflict = |r: taos_orm::Result<()>| {
        let err = r.unwrap_err();
        assert!(
            matches!(
                &err,
                Error::DatabaseConflict {
                    declared: "elsewhere",
                    ..
                }
            ),
            "{err}"
        );
    };
    conflict(db.create_table::<Pinned>().await);
    conflict(db.insert(&rows).await.map(|_| ()));
    conflict(db.insert_bound(&rows).await.map(|_| ()));
    conflict(db.count::<Pinned>().await.map(|_| ()));
    db.drop_database().await
}
