//! Schemaless ingest (`Database::insert_schemaless`): line protocol sent
//! with `taos.put`, read back exactly, and typed errors for bad rows.

mod common;

use taos_orm::{Database, Error, Precision, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "sensors", child = "s_{site}")]
struct Sensor {
    #[taos(ts, rename = "_ts")]
    ts: i64,
    count: i64,
    total: u64,
    level: f64,
    ratio: f32,
    small: i16,
    ok: bool,
    #[taos(varchar(32))]
    note: String,
    #[taos(nchar(16))]
    label: Option<String>,
    #[taos(tag, nchar(16))]
    site: String,
}

fn sensor(ts: i64, site: &str, count: i64, label: Option<&str>) -> Sensor {
    Sensor {
        ts,
        count,
        total: u64::MAX - count as u64,
        level: count as f64 / 4.0,
        ratio: count as f32 / 8.0,
        small: count as i16 * 100,
        ok: count % 2 == 0,
        note: format!("n \"{count}\", a\\b"),
        label: label.map(str::to_owned),
        site: site.to_owned(),
    }
}

async fn open(precision: Precision) -> taos_orm::Result<(common::TestDb, Database<taos::Taos>)> {
    let name = common::TestDb::new("sml");
    let admin = taos_orm::connect(&common::dsn()).await?;
    Database::create(&admin, &name.options().precision(precision)).await?;
    // Schemaless data goes to the database of the client's DSN.
    let taos = taos_orm::connect(&common::dsn_with_database(name.name())).await?;
    let db = Database::new(taos, name.name(), precision);
    Ok((name, db))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_round_trip_in_microseconds() -> taos_orm::Result<()> {
    let (name, db) = open(Precision::Microsecond).await?;
    let rows = vec![
        sensor(1_700_000_000_000_001, "north, 1", 3, Some("ü")),
        sensor(1_700_000_000_000_002, "south", 4, None),
        sensor(1_700_000_000_000_003, "north, 1", -5, Some("x")),
    ];
    assert_eq!(db.insert_schemaless(&rows).await?, 3);

    let sql = format!("SELECT * FROM `{name}`.`sensors` ORDER BY `_ts`");
    let back: Vec<Sensor> = db.fetch_all(&sql).await?;
    assert_eq!(back, rows);

    // TDengine names the children: one per tag set, `t_` and an md5.
    let sql = format!("SELECT DISTINCT tbname FROM `{name}`.`sensors`");
    let children: Vec<(String,)> = db.fetch_all(&sql).await?;
    assert_eq!(children.len(), 2, "{children:?}");
    assert!(
        children
            .iter()
            .all(|(c,)| c.len() == 34 && c.starts_with("t_")),
        "{children:?}"
    );
    db.drop_database().await
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "narrow", child = "n_{site}")]
struct Narrow {
    #[taos(ts, rename = "_ts")]
    ts: i64,
    #[taos(varbinary(8))]
    small: Vec<u8>,
    #[taos(tag, nchar(8))]
    site: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_types_and_conflicts_are_typed_errors() -> taos_orm::Result<()> {
    let (_guard, db) = open(Precision::Millisecond).await?;
    let narrow = Narrow {
        ts: 1_700_000_000_000,
        small: vec![1],
        site: "a".into(),
    };
    let err = db.insert_schemaless(&[narrow]).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidValue {
                row: 0,
                column: "small",
                ..
            }
        ),
        "{err}"
    );

    db.insert_schemaless(&[sensor(1_700_000_000_000, "a", 1, None)])
        .await?;
    let clash = Clashing {
        ts: 1_700_000_000_001,
        count: "one".into(),
        site: "a".into(),
    };
    let err = db.insert_schemaless(&[clash]).await.unwrap_err();
    // A real server reports a type clash as invalid data (0x3002).
    assert!(matches!(err, Error::Taos { code: 0x3002, .. }), "{err}");
    db.drop_database().await
}

/// `count` is BIGINT in `sensors`; this struct sends it as a string.
#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "sensors", child = "s_{site}")]
struct Clashing {
    #[taos(ts, rename = "_ts")]
    ts: i64,
    #[taos(varchar(8))]
    count: String,
    #[taos(tag, nchar(16))]
    site: String,
}

/// Characters line protocol must escape come back as written; a line
/// break, which it cannot carry, is refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escapes_round_trip_and_line_breaks_are_refused() -> taos_orm::Result<()> {
    let (name, db) = open(Precision::Millisecond).await?;
    let mut rows = Vec::new();
    for (k, site) in ["end\\", "a\\b", "x,y", "k=v w", "\\\\", "q\"t"]
        .into_iter()
        .enumerate()
    {
        let mut row = sensor(1_700_000_000_000 + k as i64, site, k as i64, Some("\\"));
        row.note = format!("{site}\\");
        rows.push(row);
    }
    assert_eq!(db.insert_schemaless(&rows).await?, rows.len());
    let sql = format!("SELECT * FROM `{name}`.`sensors` ORDER BY `_ts`");
    let back: Vec<Sensor> = db.fetch_all(&sql).await?;
    assert_eq!(back, rows);

    // What the server cannot read back, even escaped.
    for (field, broken, why) in [
        ("site", 0, "line break"),
        ("note", 1, "line break"),
        ("label", 2, "line break"),
        ("site", 3, "backslash right before"),
    ] {
        let mut row = sensor(1_700_000_001_000, "ok", 1, Some("fine"));
        match broken {
            0 => row.site = "two\nlines".into(),
            1 => row.note = "two\nlines".into(),
            2 => row.label = Some("two\nlines".into()),
            _ => row.site = "x\\,y".into(),
        }
        let err = db.insert_schemaless(&[row]).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidValue { row: 0, field: f, reason, .. }
                if *f == field && reason.contains(why)),
            "{err}"
        );
    }
    assert_eq!(db.count::<Sensor>().await?, rows.len() as u64);
    db.drop_database().await
}
