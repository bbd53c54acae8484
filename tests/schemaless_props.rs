//! Random text through the line-protocol writer, on the emulator and on a
//! real server alike: tags and string fields full of the characters line
//! protocol escapes (`,` `=` space `\` `"`) and any Unicode either come
//! back exactly, or the row is refused with `Error::InvalidValue` before
//! anything is sent. The same 16 cases run every time; `PROPTEST_CASES`
//! runs more and `PROPTEST_RNG_SEED` other ones.

mod common;

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use taos_orm::{Database, Error, Precision, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "lines", child = "l_{site}")]
struct Line {
    #[taos(ts, rename = "_ts")]
    ts: i64,
    n: i64,
    #[taos(varchar(64))]
    note: String,
    #[taos(nchar(32))]
    label: Option<String>,
    #[taos(tag, nchar(32))]
    site: String,
    #[taos(tag, nchar(32))]
    zone: String,
}

/// Text of `len` characters, a quarter of them ones line protocol escapes.
fn text(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        6 => prop::sample::select(vec![',', '=', ' ', '\\', '"', '\'', 'L', 'ü', '温', '\t']),
        20 => prop::char::range('a', 'z'),
        2 => any::<char>().prop_filter("no NUL", |c| *c != '\0'),
        1 => Just('\n'),
    ];
    prop::collection::vec(ch, len).prop_map(|c| c.into_iter().collect())
}

fn line() -> impl Strategy<Value = Line> {
    (
        text(0..12),
        prop::option::of(text(0..12)),
        text(1..10),
        text(1..10),
        any::<i64>(),
    )
        .prop_map(|(note, label, site, zone, n)| Line {
            ts: 0,
            n,
            note,
            label,
            site,
            zone,
        })
}

fn config() -> Config {
    common::proptest_config(16, 0x51_1e5)
}

#[test]
fn random_text_round_trips_or_is_refused() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let name = common::TestDb::new("sml_props");
    let db = rt.block_on(async {
        let admin = taos_orm::connect(&common::dsn()).await.expect("connect");
        Database::create(&admin, &name.options())
            .await
            .expect("create");
        let taos = taos_orm::connect(&common::dsn_with_database(name.name()))
            .await
            .expect("connect to the database");
        let db = Database::new(taos, name.name(), Precision::Millisecond);
        // Line protocol leaves NULL fields out: a first line with every
        // field creates every column, so later lines read back whole.
        let seed = Line {
            ts: 1_704_000_000_000,
            n: 0,
            note: "seed".into(),
            label: Some("seed".into()),
            site: "seed".into(),
            zone: "seed".into(),
        };
        db.insert_schemaless(&[seed]).await.expect("the seed line");
        db
    });
    let next_ts = AtomicI64::new(1_704_067_200_000);
    let (offered, stored) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(config());
    let outcome = runner.run(&line(), |mut row| {
        row.ts = next_ts.fetch_add(1, Ordering::Relaxed);
        offered.fetch_add(1, Ordering::Relaxed);
        rt.block_on(async {
            match db.insert_schemaless(std::slice::from_ref(&row)).await {
                Err(Error::InvalidValue { row: 0, .. }) => return Ok(()),
                Err(e) => return Err(TestCaseError::fail(format!("{row:?}: {e}"))),
                Ok(n) => prop_assert_eq!(n, 1),
            }
            stored.fetch_add(1, Ordering::Relaxed);
            let sql = format!("SELECT * FROM `{name}`.`lines` WHERE `_ts` = {}", row.ts);
            let back: Vec<Line> = db
                .fetch_all(&sql)
                .await
                .map_err(|e| TestCaseError::fail(format!("{row:?}: {e}")))?;
            prop_assert_eq!(back, vec![row]);
            Ok(())
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    let (offered, stored) = (offered.into_inner(), stored.into_inner());
    eprintln!("{stored} of {offered} lines stored, the rest refused before sending");
    assert!(stored * 4 >= offered, "only {stored} of {offered} stored");
    rt.block_on(async {
        let admin = taos_orm::connect(&common::dsn()).await.expect("connect");
        admin_drop(&admin, name.name()).await;
    });
}

async fn admin_drop(taos: &taos::Taos, name: &str) {
    use taos::AsyncQueryable;
    let _ = taos.exec(format!("DROP DATABASE IF EXISTS `{name}`")).await;
}
