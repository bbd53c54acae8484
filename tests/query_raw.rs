//! Hand-written SQL with bound values (`db.query(..).bind(..)`), async and
//! blocking, in ms, us and ns databases: values escaped and scaled like
//! inserts, `?` in literals, identifiers and comments left alone, counts
//! checked before sending.

mod common;
#[path = "query/fixture.rs"]
mod fixture;

use chrono::{DateTime, TimeZone, Utc};
use futures::TryStreamExt;
use taos_orm::{Database, Error, Precision, RowStream, TdRow};

use fixture::{at, rows, setup, Meter};

/// `T0 + secs` as an instant, bound where the database wants its own precision.
fn instant(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(fixture::T0_MS / 1000 + secs, 0).unwrap()
}

#[derive(Debug, PartialEq, TdRow)]
struct Loc {
    #[taos(rename = "loc?")]
    location: String,
    voltage: i32,
}

/// A function that builds its statement and returns the stream: the stream
/// owns the SQL.
fn above(db: &Database<taos::Taos>, voltage: i32) -> RowStream<'_, Meter> {
    let sql = format!(
        "SELECT * FROM `{}`.`meters` WHERE voltage > ? ORDER BY ts",
        db.name()
    );
    db.query(sql).bind(voltage).stream()
}

async fn bound_values(p: Precision) -> taos_orm::Result<()> {
    let (_guard, db) = setup("query_raw", p).await?;
    let all = rows(p);
    let name = db.name().to_owned();

    // An instant is scaled to the database precision, as inserts do.
    let sql = format!("SELECT * FROM `{name}`.`meters` WHERE device = ? AND ts > ? ORDER BY ts");
    let q = db.query(sql).bind(1u32).bind(instant(15));
    assert!(q
        .sql()?
        .ends_with(&format!("device = 1 AND ts > {} ORDER BY ts", at(p, 15))));
    let found: Vec<Meter> = q.fetch_all().await?;
    assert_eq!(found, all[2..5]);

    // Text is escaped: the quote cannot end the literal.
    let hostile = "on' OR '1'='1";
    let sql = format!("SELECT * FROM `{name}`.`meters` WHERE status = ?");
    let none: Vec<Meter> = db.query(sql.clone()).bind(hostile).fetch_all().await?;
    assert_eq!(none, []);
    let first: Option<Meter> = db.query(sql.clone()).bind(hostile).fetch_optional().await?;
    assert_eq!(first, None);
    let err = db
        .query(sql.clone())
        .bind(hostile)
        .fetch_one::<Meter>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NoRows), "{err}");
    let off: Vec<Meter> = db.query(sql).bind("off").fetch_all().await?;
    assert_eq!(off, all[2..4]);

    // `?` inside a literal, a backtick identifier and comments is no placeholder.
    let sql = format!(
        "SELECT location AS `loc?`, voltage FROM `{name}`.`meters` /* ? */ \
         WHERE status <> '?' AND voltage >= ? -- ?\n ORDER BY voltage DESC"
    );
    let found: Vec<Loc> = db.query(sql).bind(100).fetch_all().await?;
    let loc = |voltage| Loc {
        location: "sh".into(),
        voltage,
    };
    assert_eq!(found, [loc(200), loc(100)]);

    // A count mismatch and a value no column can hold fail before sending.
    let sql = format!("SELECT * FROM `{name}`.`meters` WHERE voltage > ? AND current > ?");
    let err = db
        .query(sql.clone())
        .bind(1)
        .fetch_all::<Meter>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BindCount {
                placeholders: 2,
                values: 1
            }
        ),
        "{err}"
    );
    let err = db
        .query(sql)
        .bind(1)
        .bind(f64::INFINITY)
        .fetch_all::<Meter>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("value 2 bound") && m.contains("inf")),
        "{err}"
    );

    // Streams own their SQL.
    let high: Vec<Meter> = above(&db, 40).try_collect().await?;
    assert_eq!(high, [all[5].clone(), all[4].clone(), all[6].clone()]);
    let err = db.query("SELECT ?").stream::<(i64,)>().try_next().await;
    assert!(matches!(err, Err(Error::BindCount { .. })), "{err:?}");

    // Statements without a result set take bound values too.
    let sql = format!("DELETE FROM `{name}`.`meters` WHERE ts <= ?");
    db.query(sql).bind(instant(0)).exec().await?;
    assert_eq!(db.count::<Meter>().await?, 6);
    db.drop_database().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bound_values_in_ms() -> taos_orm::Result<()> {
    bound_values(Precision::Millisecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bound_values_in_us() -> taos_orm::Result<()> {
    bound_values(Precision::Microsecond).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bound_values_in_ns() -> taos_orm::Result<()> {
    bound_values(Precision::Nanosecond).await
}

#[test]
fn bound_values_through_the_blocking_database() -> taos_orm::Result<()> {
    use taos::sync::TBuilder;
    let p = Precision::Microsecond;
    let taos = taos::TaosBuilder::from_dsn(common::dsn())?.build()?;
    let name = common::TestDb::new("query_raw_sync");
    let db = taos_orm::blocking::Database::create(&taos, &name.options().precision(p))?;
    db.create_table::<Meter>()?;
    let all = rows(p);
    db.insert(&all)?;

    let sql = format!("SELECT * FROM `{name}`.`meters` WHERE location = ? AND ts >= ? ORDER BY ts");
    let q = db.query(sql).bind("sh").bind(instant(5));
    let found: Vec<Meter> = q.fetch_all()?;
    assert_eq!(found, all[5..]);
    let first: Option<Meter> = q.fetch_optional()?;
    assert_eq!(first.as_ref(), all.get(5));
    let one: Meter = q.fetch_one()?;
    assert_eq!(one, all[5]);
    let iterated: Vec<Meter> = q.iter()?.collect::<taos_orm::Result<_>>()?;
    assert_eq!(iterated, all[5..]);

    let err = db.query("SELECT ? -- ?").fetch_all::<(i64,)>().unwrap_err();
    assert!(
        matches!(
            err,
            Error::BindCount {
                placeholders: 1,
                values: 0
            }
        ),
        "{err}"
    );
    let sql = format!("DELETE FROM `{name}`.`meters` WHERE ts >= ?");
    db.query(sql).bind(instant(100)).exec()?;
    assert_eq!(db.count::<Meter>()?, 6);
    db.drop_database()
}
