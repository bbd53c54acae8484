//! `taos-orm generate` end to end: a database with every type the derive
//! maps (and one it does not), awkward names, a composite key and a JSON
//! tag; the generated code is the committed `generated/schema.rs`, which
//! this test compiles and round-trips rows through.
//!
//! Set `TAOS_ORM_BLESS=1` to rewrite the committed file after a deliberate
//! change to the generator.

mod common;

#[path = "generated/schema.rs"]
mod generated;

use chrono::{TimeZone, Utc};
use taos::AsyncTBuilder;
use taos_orm::lifecycle::{Difference, Place};
use taos_orm::{Database, TdTable};

const DDL: &[&str] = &[
    "CREATE STABLE `every` (ts TIMESTAMP, id INT PRIMARY KEY, b BOOL, ti TINYINT, si SMALLINT, \
     i INT, bi BIGINT, uti TINYINT UNSIGNED, usi SMALLINT UNSIGNED, ui INT UNSIGNED, \
     ubi BIGINT UNSIGNED, f FLOAT, d DOUBLE, vc VARCHAR(20), nc NCHAR(10), vb VARBINARY(16), \
     `at` TIMESTAMP, `type` INT, `phase-a` FLOAT, g GEOMETRY(64)) \
     TAGS (site NCHAR(8), `group` INT, flag BOOL, code VARBINARY(4))",
    "CREATE STABLE docs (ts TIMESTAMP, v DOUBLE) TAGS (info JSON)",
    "CREATE TABLE log (ts TIMESTAMP, msg VARCHAR(64), `self` INT)",
];

async fn with_every_type(name: &common::TestDb) -> taos_orm::Result<Database<taos::Taos>> {
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build().await?;
    let db = Database::create(taos, &name.options()).await?;
    for sql in DDL {
        db.exec(&sql.replacen("TABLE ", &format!("TABLE `{name}`."), 1))
            .await?;
    }
    Ok(db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_code_is_the_committed_file() -> taos_orm::Result<()> {
    let name = common::TestDb::new("generate");
    let db = with_every_type(&name).await?;
    let shapes = db.table_shapes().await?;
    let names: Vec<&str> = shapes.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["docs", "every", "log"]);
    let code = taos_orm_cli::generate::render("power", &shapes);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/generated/schema.rs");
    if std::env::var_os("TAOS_ORM_BLESS").is_some() {
        std::fs::write(path, &code).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap();
    assert_eq!(code, committed, "run with TAOS_ORM_BLESS=1 to accept");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_structs_round_trip_and_verify() -> taos_orm::Result<()> {
    use generated::{Docs, Every, Log};
    let name = common::TestDb::new("generate_rt");
    let db = with_every_type(&name).await?;
    let at = |s: i64| Utc.timestamp_millis_opt(1_700_000_000_000 + s).unwrap();
    let full = Every {
        ts: at(0),
        id: 7,
        b: Some(true),
        ti: Some(-8),
        si: Some(-16),
        i: Some(-32),
        bi: Some(i64::MIN + 1),
        uti: Some(u8::MAX),
        usi: Some(u16::MAX),
        ui: Some(u32::MAX),
        ubi: Some(u64::MAX),
        f: Some(1.5),
        d: Some(-2.25),
        vc: Some("it's".into()),
        nc: Some("温度".into()),
        vb: Some(vec![0, 1, 255]),
        at: Some(at(5)),
        r#type: Some(3),
        phase_a: Some(0.5),
        site: Some("lab".into()),
        group: Some(2),
        flag: Some(false),
        code: Some(vec![9]),
        tbname: "e1".into(),
    };
    let empty = Every {
        ts: at(1),
        id: 8,
        b: None,
        ti: None,
        si: None,
        i: None,
        bi: None,
        uti: None,
        usi: None,
        ui: None,
        ubi: None,
        f: None,
        d: None,
        vc: None,
        nc: None,
        vb: None,
        at: None,
        r#type: None,
        phase_a: None,
        site: None,
        group: None,
        flag: None,
        code: None,
        tbname: "e2".into(),
    };
    let rows = vec![full, empty];
    db.insert(&rows).await?;
    let back: Vec<Every> = Every::query()
        .order_by(|e| e.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(back, rows);

    let docs = vec![Docs {
        ts: at(0),
        v: Some(1.0),
        info: serde_json::json!({"room": "a", "floor": 3}),
        tbname: "d1".into(),
    }];
    db.insert_bound(&docs).await?;
    let back: Vec<Docs> = Docs::query().fetch_all(&db).await?;
    assert_eq!(back, docs);

    let log = vec![Log {
        ts: at(0),
        msg: Some("started".into()),
        self_: Some(1),
    }];
    db.insert(&log).await?;
    let back: Vec<Log> = Log::query().fetch_all(&db).await?;
    assert_eq!(back, log);

    // The generated structs agree with their tables, but for the column
    // no Rust type maps.
    assert!(db.verify::<Docs>().await?.is_empty());
    assert!(db.verify::<Log>().await?.is_empty());
    let diff = db.verify::<Every>().await?;
    assert!(
        matches!(&diff.differences[..], [Difference::Extra { place: Place::Column, found }] if found.name == "g"),
        "{diff}"
    );
    Ok(())
}

/// The ui tests' snapshot file is what `taos-orm snapshot` writes for
/// those tables, on either target: the compile-time check reads the
/// server's own description.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ui_snapshot_is_what_a_server_describes() -> taos_orm::Result<()> {
    let name = common::TestDb::new("snapshot");
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build().await?;
    let db = Database::create(taos, &name.options()).await?;
    db.exec(&format!(
        "CREATE STABLE `{name}`.meters (ts TIMESTAMP, current FLOAT, voltage INT, phase FLOAT, \
         note VARCHAR(32)) TAGS (location VARCHAR(64), group_id INT)"
    ))
    .await?;
    db.exec(&format!(
        "CREATE TABLE `{name}`.log (ts TIMESTAMP, seq INT PRIMARY KEY, msg NCHAR(32))"
    ))
    .await?;
    let mut tables = db.table_shapes().await?;
    // The file lists the super table first.
    tables.reverse();
    let rendered = taos_orm::lifecycle::Snapshot {
        database: "power".into(),
        tables,
    }
    .render();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/ui/snapshot/taos-schema.txt"
    );
    let committed: String = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(rendered, committed);
    Ok(())
}
