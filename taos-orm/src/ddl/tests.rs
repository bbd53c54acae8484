use taos::taos_query::common::Precision;

use super::*;
use crate::schema::SqlType;
use crate::sql::test_tables::{Event, Everything, Log, Meter};

const MS: Precision = Precision::Millisecond;

#[test]
fn create_meters_stable() {
    assert_eq!(
        create_table::<Meter>(None).unwrap(),
        "CREATE STABLE IF NOT EXISTS `meters` (`ts` TIMESTAMP, `current` FLOAT, `voltage` INT, \
         `phase` FLOAT) TAGS (`location` VARCHAR(24), `groupid` INT)"
    );
}

#[test]
fn create_with_every_option() {
    assert_eq!(
        create_table::<Everything>(None).unwrap(),
        "CREATE STABLE IF NOT EXISTS `lab`.`everything` (`ts` TIMESTAMP, `id` BIGINT PRIMARY KEY, \
         `flag` BOOL, `tiny` TINYINT ENCODE 'simple8b' COMPRESS 'zstd' LEVEL 'high', \
         `small` SMALLINT, `int` INT, `utiny` TINYINT UNSIGNED, `usmall` SMALLINT UNSIGNED, \
         `uint` INT UNSIGNED, `ubig` BIGINT UNSIGNED, `float` FLOAT COMPRESS 'lz4', \
         `double` DOUBLE, `value` VARCHAR(8), `text` NCHAR(4), `bytes` VARBINARY(3)) \
         TAGS (`state` NCHAR(8), `level` TINYINT) COMMENT 'all types, it\\'s fine'"
    );
}

#[test]
fn a_declared_database_conflicts_with_another_explicit_one() {
    let err = create_table::<Everything>(Some("other")).unwrap_err();
    assert!(
        matches!(err, Error::DatabaseConflict { declared: "lab", ref handle, .. } if handle == "other"),
        "{err}"
    );
    assert!(matches!(
        drop_table::<Everything>(Some("x")),
        Err(Error::DatabaseConflict { .. })
    ));
    // The same database, in any case, is no conflict.
    let sql = create_table::<Everything>(Some("LAB")).unwrap();
    assert!(
        sql.starts_with("CREATE STABLE IF NOT EXISTS `lab`.`everything` ("),
        "{sql}"
    );
    assert_eq!(
        drop_table::<Everything>(None).unwrap(),
        "DROP STABLE IF EXISTS `lab`.`everything`"
    );
}

#[test]
fn normal_table() {
    assert_eq!(
        create_table::<Log>(Some("db")).unwrap(),
        "CREATE TABLE IF NOT EXISTS `db`.`log` (`ts` TIMESTAMP, `msg` VARCHAR(64))"
    );
    assert_eq!(
        drop_table::<Log>(None).unwrap(),
        "DROP TABLE IF EXISTS `log`"
    );
    let err = create_child_tables::<Log, _>(
        None,
        [Log {
            ts: 1,
            msg: String::new(),
        }],
        MS,
        1 << 20,
    )
    .unwrap_err();
    assert!(err.to_string().contains("normal table"), "{err}");
}

#[test]
fn json_tag_table() {
    assert_eq!(
        create_table::<Event>(None).unwrap(),
        "CREATE STABLE IF NOT EXISTS `events` (`ts` TIMESTAMP, `v` DOUBLE) TAGS (`info` JSON)"
    );
}

fn bad_schema(f: impl FnOnce(&mut TableSchema)) -> String {
    let mut schema = *Meter::SCHEMA;
    f(&mut schema);
    create_table_for(&schema, None).unwrap_err().to_string()
}

#[test]
fn bad_schemas_are_rejected() {
    static NOT_TS: [ColumnDef; 2] = [
        ColumnDef::new("a", SqlType::Int),
        ColumnDef::new("b", SqlType::Int),
    ];
    static ONLY_TS: [ColumnDef; 1] = [ColumnDef::new("ts", SqlType::Timestamp)];
    static NO_LEN: [ColumnDef; 1] = [ColumnDef::new("s", SqlType::VarChar)];
    static NCHAR_TAG_TOO_LONG: [ColumnDef; 1] = [ColumnDef {
        length: Some(4096),
        ..ColumnDef::new("s", SqlType::NChar)
    }];
    static JSON_AND_MORE: [ColumnDef; 2] = [
        ColumnDef::new("j", SqlType::Json),
        ColumnDef::new("k", SqlType::Int),
    ];
    static JSON_COLUMN: [ColumnDef; 2] = [
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef::new("j", SqlType::Json),
    ];
    static DUP: [ColumnDef; 1] = [ColumnDef::new("Current", SqlType::Int)];
    static BAD_PK: [ColumnDef; 2] = [
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef {
            primary_key: true,
            ..ColumnDef::new("d", SqlType::Double)
        },
    ];
    static BAD_ENCODE: [ColumnDef; 2] = [
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef {
            encode: Some("gzip"),
            ..ColumnDef::new("d", SqlType::Double)
        },
    ];
    // Known values that the column's type does not take (the server's
    // 0x80000231 and 0x80000233).
    static UNFIT_ENCODE: [ColumnDef; 2] = [
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef {
            encode: Some("simple8b"),
            ..ColumnDef::new("d", SqlType::Double)
        },
    ];
    static UNFIT_COMPRESS: [ColumnDef; 2] = [
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef {
            compress: Some("TSZ"),
            ..ColumnDef::new("n", SqlType::BigInt)
        },
    ];
    static NULL_TS: [ColumnDef; 2] = [
        ColumnDef {
            nullable: true,
            ..ColumnDef::new("ts", SqlType::Timestamp)
        },
        ColumnDef::new("d", SqlType::Double),
    ];
    static DOTTED: [ColumnDef; 1] = [ColumnDef::new("a.b", SqlType::Int)];
    static PSEUDO: [ColumnDef; 1] = [ColumnDef::new("_WStart", SqlType::Int)];
    // The server takes only INT, BIGINT, their unsigned twins and VARCHAR.
    static NARROW_PK: [ColumnDef; 2] = [
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef {
            primary_key: true,
            ..ColumnDef::new("k", SqlType::SmallInt)
        },
    ];

    assert!(bad_schema(|s| s.columns = &NOT_TS).contains("must be a TIMESTAMP"));
    assert!(bad_schema(|s| s.columns = &ONLY_TS).contains("one more column"));
    assert!(bad_schema(|s| s.columns = &NULL_TS).contains("cannot be an Option"));
    assert!(bad_schema(|s| s.tags = &[]).contains("at least one tag"));
    assert!(bad_schema(|s| s.kind = TableKind::Normal).contains("cannot have tags"));
    assert!(bad_schema(|s| s.tags = &NO_LEN).contains("needs a length"));
    assert!(
        bad_schema(|s| s.tags = &NCHAR_TAG_TOO_LONG).contains("NCHAR(4096) is outside 1..=4095")
    );
    assert!(bad_schema(|s| s.tags = &JSON_AND_MORE).contains("only tag"));
    assert!(bad_schema(|s| s.columns = &JSON_COLUMN).contains("only allowed as a tag"));
    assert!(bad_schema(|s| s.tags = &DUP).contains("repeats"));
    assert!(bad_schema(|s| s.columns = &BAD_PK).contains("PRIMARY KEY"));
    assert!(bad_schema(|s| s.columns = &BAD_ENCODE).contains("ENCODE 'gzip'"));
    assert!(bad_schema(|s| s.columns = &UNFIT_ENCODE)
        .contains("a DOUBLE column takes ENCODE delta-d, disabled, not 'simple8b'"));
    assert!(bad_schema(|s| s.columns = &UNFIT_COMPRESS).contains("BIGINT column takes COMPRESS"));
    assert!(bad_schema(|s| s.tags = &DOTTED).contains("\"a.b\""));
    assert!(
        bad_schema(|s| s.tags = &PSEUDO).contains("tag `_WStart` has the name of a pseudo-column")
    );
    assert!(bad_schema(|s| s.columns = &NARROW_PK).contains("PRIMARY KEY `k` must be"));
    assert!(bad_schema(|s| s.name = "").contains("empty"));
    assert!(bad_schema(|s| s.comment = Some("a\0b")).contains("NUL"));
}

#[test]
fn child_tables_in_one_batch() {
    let rows = [
        Meter::new("d1", 1),
        Meter::new("D1", 2),
        Meter::new("d2", 3),
    ];
    let mut second = rows[2].clone();
    second.location = "it's".into();
    let rows = [rows[0].clone(), rows[1].clone(), second];
    let sql = create_child_tables::<Meter, _>(Some("power"), &rows, MS, 1 << 20).unwrap();
    assert_eq!(
        sql,
        ["CREATE TABLE IF NOT EXISTS `power`.`d1` USING `power`.`meters` (`location`,`groupid`) \
          TAGS ('California.SanFrancisco',2) IF NOT EXISTS `power`.`d2` USING `power`.`meters` \
          (`location`,`groupid`) TAGS ('it\\'s',2)"]
    );
}

#[test]
fn child_tables_split_at_the_length_limit() {
    let rows: Vec<Meter> = (0..10).map(|i| Meter::new(&format!("d{i}"), i)).collect();
    let one = create_child_tables::<Meter, _>(None, &rows[..1], MS, 1 << 20).unwrap();
    let clause_len = one[0].len() - "CREATE TABLE".len();
    // Room for exactly three clauses per statement.
    let max = "CREATE TABLE".len() + 3 * clause_len;
    let sql = create_child_tables::<Meter, _>(None, &rows, MS, max).unwrap();
    assert_eq!(sql.len(), 4);
    assert!(sql
        .iter()
        .all(|s| s.len() <= max && s.starts_with("CREATE TABLE IF NOT EXISTS `d")));
    assert_eq!(sql[0].len(), max);
    assert_eq!(
        sql.iter()
            .map(|s| s.matches(" USING ").count())
            .sum::<usize>(),
        10
    );

    let err = create_child_tables::<Meter, _>(None, &rows, MS, max / 4).unwrap_err();
    assert!(
        matches!(
            err,
            Error::RowTooLarge {
                row: 0,
                table: "meters",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn child_table_tag_errors_name_the_row() {
    let mut bad = Meter::new("d2", 1);
    bad.location = "x".repeat(25);
    let err =
        create_child_tables::<Meter, _>(None, [Meter::new("d1", 0), bad], MS, 1 << 20).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 1: field `location` (column `location` of `meters`): 25 bytes is longer than VARCHAR(24)"
    );
    let err =
        create_child_tables::<Meter, _>(None, [Meter::new("a.b", 0)], MS, 1 << 20).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("row 0: invalid table name \"a.b\""),
        "{err}"
    );
}

#[test]
fn json_tag_children() {
    let e = Event {
        ts: 1,
        v: 1.0,
        info: serde_json::json!({"k": "v"}),
        table: "e1".into(),
    };
    assert_eq!(
        create_child_tables::<Event, _>(None, [&e], MS, 1 << 20).unwrap(),
        ["CREATE TABLE IF NOT EXISTS `e1` USING `events` (`info`) TAGS ('{\"k\":\"v\"}')"]
    );
    assert!(
        create_child_tables::<Event, _>(None, Vec::<Event>::new(), MS, 1 << 20)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn drop_tables_by_name() {
    assert_eq!(
        drop_tables(None, ["a"]).unwrap(),
        "DROP TABLE IF EXISTS `a`"
    );
    assert!(drop_tables(None, []).is_err());
    assert!(drop_tables(None, ["a`b"]).is_err());
}

#[test]
fn database_options_render_every_option() {
    let sql = DatabaseOptions::new("Power")
        .vgroups(8)
        .precision(Precision::Nanosecond)
        .keep(Span::Days(3650))
        .duration(Span::Hours(240))
        .replica(3)
        .buffer(256)
        .cache_model(CacheModel::LastRow)
        .cache_size(16)
        .comp(2)
        .wal_level(2)
        .wal_retention_period(3600)
        .stt_trigger(2)
        .single_stable(true)
        .minrows(100)
        .maxrows(4096)
        .pages(256)
        .pagesize(4)
        .create_sql()
        .unwrap();
    assert_eq!(
        sql,
        "CREATE DATABASE IF NOT EXISTS `power` VGROUPS 8 PRECISION 'ns' KEEP 3650d DURATION 240h \
         REPLICA 3 BUFFER 256 CACHEMODEL 'last_row' CACHESIZE 16 COMP 2 WAL_LEVEL 2 \
         WAL_RETENTION_PERIOD 3600 STT_TRIGGER 2 SINGLE_STABLE 1 MINROWS 100 MAXROWS 4096 \
         PAGES 256 PAGESIZE 4"
    );
    assert_eq!(
        DatabaseOptions::new("p").create_sql().unwrap(),
        "CREATE DATABASE IF NOT EXISTS `p`"
    );
    assert_eq!(
        DatabaseOptions::new("p").drop_sql().unwrap(),
        "DROP DATABASE IF EXISTS `p`"
    );
    assert_eq!(
        DatabaseOptions::new("p").effective_precision(),
        Precision::Millisecond
    );
    assert_eq!(DatabaseOptions::new("p").name(), "p");
}

#[test]
fn database_options_are_range_checked() {
    let err = |o: DatabaseOptions| o.create_sql().unwrap_err().to_string();
    assert!(err(DatabaseOptions::new("p").vgroups(0)).contains("VGROUPS"));
    assert!(err(DatabaseOptions::new("p").vgroups(1025)).contains("VGROUPS"));
    assert!(err(DatabaseOptions::new("p").replica(2)).contains("REPLICA"));
    assert!(err(DatabaseOptions::new("p").comp(3)).contains("COMP"));
    assert!(err(DatabaseOptions::new("p").wal_level(0)).contains("WAL_LEVEL"));
    assert!(err(DatabaseOptions::new("p").keep(Span::Hours(23))).contains("KEEP"));
    assert!(err(DatabaseOptions::new("p").keep(Span::Days(365_001))).contains("KEEP"));
    assert!(err(DatabaseOptions::new("p").keep(Span::Days(29))).contains("3 times"));
    assert!(DatabaseOptions::new("p")
        .keep(Span::Days(3))
        .duration(Span::Days(1))
        .create_sql()
        .is_ok());
    assert!(err(DatabaseOptions::new("p").duration(Span::Minutes(0))).contains("DURATION"));
    assert!(err(DatabaseOptions::new("a.b")).contains("a.b"));
    assert!(drop_database("").is_err());
}

#[test]
fn everything_schema_is_valid() {
    assert!(check_schema(Everything::SCHEMA).is_ok());
}
