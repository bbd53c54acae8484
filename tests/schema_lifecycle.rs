//! A struct against its live table: verify, create-or-verify, additive
//! migration with its dry run and its refusals, and writes right after a
//! migration, on the emulator and on a real server.

mod common;

use common::everything::Everything;
use taos::AsyncTBuilder;
use taos_orm::lifecycle::{ColumnShape, ColumnType, Difference, Place, TableKind};
use taos_orm::{Database, Error, SqlType, TdTable};

async fn open(name: &common::TestDb) -> taos_orm::Result<Database<taos::Taos>> {
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build().await?;
    Database::create(taos, &name.options()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_table_agrees_with_its_struct() -> taos_orm::Result<()> {
    let name = common::TestDb::new("verify_same");
    let db = open(&name).await?;
    let diff = db.verify::<Everything>().await?;
    assert_eq!(diff.differences, [Difference::TableMissing]);
    assert_eq!(
        diff.to_string(),
        format!(
            "struct `Everything` and table `{name}`.`everything` differ in 1 place:\n  the table does not exist"
        )
    );
    db.create_or_verify::<Everything>().await?;
    let diff = db.verify::<Everything>().await?;
    assert!(diff.is_empty(), "{diff}");
    assert_eq!(
        diff.to_string(),
        format!("struct `Everything` and table `{name}`.`everything` agree")
    );
    // Idempotent, as start-up code needs.
    db.create_or_verify::<Everything>().await?;
    Ok(())
}

/// The struct of a drifted table: what the code expects.
#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "meters", child = "d{group_id}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    voltage: i32,
    phase: f32,
    #[taos(varchar(32))]
    note: Option<String>,
    #[taos(tag, varchar(64))]
    location: String,
    #[taos(tag)]
    group_id: i32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_every_difference_and_migrate_refuses_them() -> taos_orm::Result<()> {
    let name = common::TestDb::new("verify_drift");
    let db = open(&name).await?;
    // Missing `phase`, `voltage` as BIGINT, `note` wider, `location`
    // narrower, `group_id` a column, an extra column and an extra tag.
    db.exec(&format!(
        "CREATE STABLE `{name}`.meters (ts TIMESTAMP, current FLOAT, voltage BIGINT, \
         note VARCHAR(64), group_id INT, extra DOUBLE) TAGS (location VARCHAR(16), site NCHAR(8))"
    ))
    .await?;
    let diff = db.verify::<Meter>().await?;
    let shape = |name: &str, ty: SqlType, length: Option<u32>| ColumnShape {
        length,
        ..ColumnShape::new(name, ColumnType::Known(ty))
    };
    assert_eq!(
        diff.differences,
        [
            Difference::Type {
                place: Place::Column,
                expected: ColumnShape {
                    nullable: false,
                    ..shape("voltage", SqlType::Int, None)
                },
                found: shape("voltage", SqlType::BigInt, None),
            },
            Difference::Missing {
                place: Place::Column,
                expected: ColumnShape {
                    nullable: false,
                    ..shape("phase", SqlType::Float, None)
                },
            },
            Difference::Length {
                place: Place::Column,
                name: "note".into(),
                ty: ColumnType::Known(SqlType::VarChar),
                expected: 32,
                found: 64,
            },
            Difference::Length {
                place: Place::Tag,
                name: "location".into(),
                ty: ColumnType::Known(SqlType::VarChar),
                expected: 64,
                found: 16,
            },
            Difference::Place {
                name: "group_id".into(),
                expected: Place::Tag,
            },
            Difference::Extra {
                place: Place::Column,
                found: shape("extra", SqlType::Double, None),
            },
            Difference::Extra {
                place: Place::Tag,
                found: shape("site", SqlType::NChar, Some(8)),
            },
        ]
    );
    assert_eq!(
        diff.to_string(),
        format!(
            "struct `Meter` and table `{name}`.`meters` differ in 7 places:
  column `voltage`: the struct has INT, the database has BIGINT
  column `phase` FLOAT: missing in the database (added, it holds NULL for existing rows; the field is not an `Option`)
  column `note`: the struct has VARCHAR(32), the database has VARCHAR(64) (wider)
  tag `location`: the struct has VARCHAR(64), the database has VARCHAR(16) (narrower: longer values are refused)
  `group_id`: a tag in the struct, a column in the database
  column `extra` DOUBLE: in the database, not in the struct
  tag `site` NCHAR(8): in the database, not in the struct"
        )
    );

    match db.create_or_verify::<Meter>().await {
        Err(Error::SchemaMismatch(d)) => assert_eq!(*d, diff),
        other => panic!("expected a schema mismatch, got {other:?}"),
    }
    // The migratable ones (phase, location) are not applied either: a
    // migration runs whole or not at all.
    let refused = db.migrate::<Meter>().await.unwrap_err();
    let Error::MigrationRefused { refused: list, .. } = &refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(list.len(), 5);
    assert_eq!(
        refused.to_string(),
        format!(
            "cannot migrate `{name}`.`meters` to struct `Meter` additively:
  column `voltage`: the struct has INT, the database has BIGINT: needs a type change (a DROP and an ADD)
  column `note`: the struct has VARCHAR(32), the database has VARCHAR(64) (wider): needs a narrower length, which TDengine cannot do
  `group_id`: a tag in the struct, a column in the database: needs a column turned into a tag or back (a DROP and an ADD)
  column `extra` DOUBLE: in the database, not in the struct: needs a DROP
  tag `site` NCHAR(8): in the database, not in the struct: needs a DROP"
        )
    );
    assert_eq!(db.verify::<Meter>().await?, diff, "nothing changed");
    Ok(())
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(primary_key)]
    seq: i32,
    level: u8,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kind_key_and_timestamp_differences() -> taos_orm::Result<()> {
    let name = common::TestDb::new("verify_kind");
    let db = open(&name).await?;
    db.exec(&format!(
        "CREATE STABLE `{name}`.log (t TIMESTAMP, seq INT, level TINYINT UNSIGNED) TAGS (g INT)"
    ))
    .await?;
    let diff = db.verify::<Log>().await?;
    assert_eq!(
        diff.differences[..3],
        [
            Difference::Kind {
                expected: TableKind::Normal,
                found: TableKind::Super
            },
            Difference::Timestamp {
                expected: "ts".into(),
                found: "t".into()
            },
            Difference::PrimaryKey {
                expected: Some("seq".into()),
                found: None
            },
        ]
    );
    assert!(matches!(
        db.migrate::<Log>().await,
        Err(Error::MigrationRefused { .. })
    ));

    // A child table is never what a struct maps.
    db.exec(&format!(
        "CREATE TABLE `{name}`.c1 USING `{name}`.log TAGS (1)"
    ))
    .await?;
    #[derive(TdTable)]
    #[taos(table = "c1")]
    struct Child {
        #[taos(ts)]
        t: i64,
        seq: i32,
        level: u8,
    }
    let diff = db.verify::<Child>().await?;
    assert_eq!(
        diff.differences,
        [
            Difference::Kind {
                expected: TableKind::Normal,
                found: TableKind::Child
            },
            Difference::Extra {
                place: Place::Tag,
                found: ColumnShape::new("g", ColumnType::Known(SqlType::Int)),
            },
        ]
    );
    Ok(())
}

mod v1 {
    use taos_orm::TdTable;

    #[derive(Debug, Clone, PartialEq, TdTable)]
    #[taos(stable = "sensors", child = "s{id}")]
    pub struct Sensor {
        #[taos(ts)]
        pub ts: i64,
        pub temp: f32,
        #[taos(varchar(8))]
        pub label: String,
        #[taos(tag)]
        pub id: i32,
        #[taos(tag, nchar(4))]
        pub site: String,
    }
}

mod v2 {
    use taos_orm::TdTable;

    /// Version 2: a new column, a new tag, a longer column and a longer tag.
    #[derive(Debug, Clone, PartialEq, TdTable)]
    #[taos(stable = "sensors", child = "s{id}")]
    pub struct Sensor {
        #[taos(ts)]
        pub ts: i64,
        pub temp: f32,
        pub humidity: Option<f64>,
        #[taos(varchar(40))]
        pub label: String,
        #[taos(tag)]
        pub id: i32,
        #[taos(tag, nchar(20))]
        pub site: String,
        #[taos(tag, varchar(16))]
        pub owner: Option<String>,
    }
}

fn v1_rows() -> Vec<v1::Sensor> {
    (0..4)
        .map(|i| v1::Sensor {
            ts: 1_700_000_000_000 + i,
            temp: 20.5 + i as f32,
            label: format!("old{i}"),
            id: (i % 2) as i32,
            site: "lab".into(),
        })
        .collect()
}

fn v2_rows(from: i64) -> Vec<v2::Sensor> {
    (0..4)
        .map(|i| v2::Sensor {
            ts: 1_700_000_001_000 + from + i,
            temp: 30.25,
            humidity: Some(0.5 * i as f64),
            label: "a label longer than eight bytes".into(),
            id: (i % 3) as i32,
            site: "a longer site name".into(),
            owner: (i % 3 > 0).then(|| format!("owner{}", i % 3)),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_adds_and_widens_then_old_and_new_rows_read_back() -> taos_orm::Result<()> {
    let name = common::TestDb::new("migrate");
    let db = open(&name).await?;
    let plan = db.migration_plan::<v1::Sensor>().await?;
    assert_eq!(plan.before.differences, [Difference::TableMissing]);
    assert!(plan.statements[0].starts_with("CREATE STABLE IF NOT EXISTS"));
    db.migrate::<v1::Sensor>().await?;
    assert!(db.verify::<v1::Sensor>().await?.is_empty());
    // Bound inserts keep a prepared statement on this handle: the
    // migration must not leave it writing the old schema.
    db.insert_bound(&v1_rows()).await?;

    let plan = db.migration_plan::<v2::Sensor>().await?;
    let t = format!("`{name}`.`sensors`");
    assert_eq!(
        plan.statements,
        [
            format!("ALTER STABLE {t} MODIFY COLUMN `label` VARCHAR(40)"),
            format!("ALTER STABLE {t} ADD COLUMN `humidity` DOUBLE"),
            format!("ALTER STABLE {t} MODIFY TAG `site` NCHAR(20)"),
            format!("ALTER STABLE {t} ADD TAG `owner` VARCHAR(16)"),
        ]
    );
    // A dry run changes nothing.
    assert_eq!(db.migration_plan::<v2::Sensor>().await?, plan);
    let done = db.migrate::<v2::Sensor>().await?;
    assert_eq!(done, plan);
    assert!(db.verify::<v2::Sensor>().await?.is_empty());
    assert!(db.migrate::<v2::Sensor>().await?.is_empty(), "idempotent");

    // Writes right after the migration, through every path.
    db.insert(&v2_rows(0)).await?;
    db.insert_bound(&v2_rows(10)).await?;
    let sql = format!("SELECT *, tbname FROM {t} ORDER BY ts");
    let back: Vec<v2::Sensor> = db.fetch_all(&sql).await?;
    assert_eq!(back.len(), 12);
    let old: Vec<v2::Sensor> = v1_rows()
        .into_iter()
        .map(|r| v2::Sensor {
            ts: r.ts,
            temp: r.temp,
            humidity: None,
            label: r.label,
            id: r.id,
            site: r.site,
            owner: None,
        })
        .collect();
    // Child tables s0 and s1 existed before: they keep their tags, the
    // added one NULL; only the new s2 has the new rows' tags.
    let existing = |r: v2::Sensor| match r.id {
        2 => r,
        _ => v2::Sensor {
            site: "lab".into(),
            owner: None,
            ..r
        },
    };
    let mut expected = old;
    expected.extend(v2_rows(0).into_iter().map(existing));
    expected.extend(v2_rows(10).into_iter().map(existing));
    assert_eq!(back, expected);
    // The old struct still reads every row: the new columns are extra.
    let as_v1: Vec<v1::Sensor> = db.fetch_all(&sql).await?;
    assert_eq!(as_v1.len(), 12);
    assert_eq!(as_v1[..4], v1_rows());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_from_another_handle_after_a_migration() -> taos_orm::Result<()> {
    let name = common::TestDb::new("migrate_other");
    let db = open(&name).await?;
    db.migrate::<v1::Sensor>().await?;
    // A second connection whose handle keeps a statement prepared on the
    // old schema, as a running service would.
    let other = open(&name).await?;
    other.insert_bound(&v1_rows()).await?;
    assert_eq!(other.idle_statements(), 1);
    db.migrate::<v2::Sensor>().await?;
    other.insert_bound(&v1_rows()).await?;
    other.insert(&v1_rows()).await?;
    other.insert_bound(&v2_rows(0)).await?;
    other.insert(&v2_rows(10)).await?;
    assert_eq!(other.count::<v2::Sensor>().await?, 12);
    Ok(())
}

#[test]
fn the_blocking_twins_verify_and_migrate() -> taos_orm::Result<()> {
    let name = common::TestDb::new("migrate_sync");
    let taos = <taos::TaosBuilder as taos::sync::TBuilder>::from_dsn(common::dsn())?;
    let taos = taos::sync::TBuilder::build(&taos)?;
    let db = taos_orm::blocking::Database::create(&taos, &name.options())?;
    db.create_or_verify::<v1::Sensor>()?;
    assert_eq!(db.migration_plan::<v2::Sensor>()?.statements.len(), 4);
    assert_eq!(db.migrate::<v2::Sensor>()?.statements.len(), 4);
    assert!(db.verify::<v2::Sensor>()?.is_empty());
    assert!(matches!(
        db.create_or_verify::<v1::Sensor>(),
        Err(Error::SchemaMismatch(_))
    ));
    db.insert(&v2_rows(0))?;
    assert_eq!(db.count::<v2::Sensor>()?, 4);
    Ok(())
}

/// An emulator whose first statement matching `pattern` fails with "Table
/// schema is old", as a server does for a statement built before an ALTER
/// that another client ran (a real server cannot be told to).
async fn schema_old_once(pattern: &str) -> taos_emulator::Emulator {
    taos_emulator::Emulator::builder()
        .fault(
            taos_emulator::Fault::matching(pattern)
                .nth(1)
                .fail(0x061B, "Table schema is old"),
        )
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_built_on_an_old_schema_is_sent_again_once() -> taos_orm::Result<()> {
    for (pattern, bound) in [("insert into `", false), ("insert into ?", true)] {
        let emulator = schema_old_once(pattern).await;
        let taos = taos_orm::connect(&emulator.dsn()).await?;
        let db = Database::create(taos, &taos_orm::DatabaseOptions::new("old")).await?;
        db.migrate::<v2::Sensor>().await?;
        let report = if bound {
            db.insert_bound(&v2_rows(0)).await?
        } else {
            db.insert(&v2_rows(0)).await?
        };
        assert_eq!(report.rows, 4, "{pattern}");
        assert_eq!(db.count::<v2::Sensor>().await?, 4, "{pattern}");
    }
    // Twice in a row is not a stale statement: the error stands.
    let emulator = taos_emulator::Emulator::builder()
        .fault(
            taos_emulator::Fault::matching("insert into `")
                .times(2)
                .fail(0x061B, "Table schema is old"),
        )
        .start()
        .await
        .unwrap();
    let taos = taos_orm::connect(&emulator.dsn()).await?;
    let db = Database::create(taos, &taos_orm::DatabaseOptions::new("old")).await?;
    db.migrate::<v2::Sensor>().await?;
    let err = db.insert(&v2_rows(0)).await.unwrap_err();
    assert_eq!(err.code(), Some(taos_orm::error::codes::TABLE_SCHEMA_OLD));
    assert!(matches!(err, Error::Insert { written: 0, .. }), "{err}");
    Ok(())
}

#[test]
fn the_blocking_paths_send_an_old_schema_statement_again() -> taos_orm::Result<()> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (pattern, bound) in [("insert into `", false), ("insert into ?", true)] {
        let emulator = rt.block_on(schema_old_once(pattern));
        let builder = <taos::TaosBuilder as taos::sync::TBuilder>::from_dsn(emulator.dsn())?;
        let taos = taos::sync::TBuilder::build(&builder)?;
        let db =
            taos_orm::blocking::Database::create(&taos, &taos_orm::DatabaseOptions::new("old"))?;
        db.migrate::<v2::Sensor>()?;
        if bound {
            db.insert_bound(&v2_rows(0))?;
        } else {
            db.insert(&v2_rows(0))?;
        }
        assert_eq!(db.count::<v2::Sensor>()?, 4, "{pattern}");
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(table = "events")]
struct EventV2 {
    #[taos(ts)]
    ts: i64,
    #[taos(nchar(24))]
    what: String,
    severity: Option<u8>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_normal_table_migrates_too() -> taos_orm::Result<()> {
    let name = common::TestDb::new("migrate_normal");
    let db = open(&name).await?;
    db.exec(&format!(
        "CREATE TABLE `{name}`.events (ts TIMESTAMP, what NCHAR(8))"
    ))
    .await?;
    db.exec(&format!(
        "INSERT INTO `{name}`.events VALUES (1700000000000, 'boot')"
    ))
    .await?;
    let done = db.migrate::<EventV2>().await?;
    let t = format!("`{name}`.`events`");
    assert_eq!(
        done.statements,
        [
            format!("ALTER TABLE {t} MODIFY COLUMN `what` NCHAR(24)"),
            format!("ALTER TABLE {t} ADD COLUMN `severity` TINYINT UNSIGNED"),
        ]
    );
    let row = EventV2 {
        ts: 1_700_000_000_001,
        what: "a longer event name".into(),
        severity: Some(3),
    };
    db.insert(std::slice::from_ref(&row)).await?;
    let back: Vec<EventV2> = db
        .fetch_all(&format!("SELECT * FROM {t} ORDER BY ts"))
        .await?;
    assert_eq!(
        back,
        [
            EventV2 {
                ts: 1_700_000_000_000,
                what: "boot".into(),
                severity: None
            },
            row
        ]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_migration_names_what_ran_and_resumes() -> taos_orm::Result<()> {
    // The second ALTER fails (a real server cannot be told to).
    let emulator = taos_emulator::Emulator::builder()
        .fault(
            taos_emulator::Fault::matching("alter stable")
                .nth(2)
                .fail(0x0529, "Vnode stopped"),
        )
        .start()
        .await
        .unwrap();
    let taos = taos_orm::connect(&emulator.dsn()).await?;
    let db = Database::create(taos, &taos_orm::DatabaseOptions::new("m")).await?;
    db.migrate::<v1::Sensor>().await?;
    let err = db.migrate::<v2::Sensor>().await.unwrap_err();
    let Error::Migration {
        applied, failed, ..
    } = &err
    else {
        panic!("expected a failed migration, got {err:?}");
    };
    assert_eq!(applied.len(), 1);
    assert!(applied[0].contains("MODIFY COLUMN `label`"));
    assert!(failed.contains("ADD COLUMN `humidity`"));
    assert_eq!(err.code(), Some(0x0529));
    assert!(err.is_retriable());
    // Running it again does what is left.
    let rest = db.migrate::<v2::Sensor>().await?;
    assert_eq!(rest.statements.len(), 3);
    assert!(db.verify::<v2::Sensor>().await?.is_empty());
    Ok(())
}
