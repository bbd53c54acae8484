//! Derived schemas through the runtime's SQL builders: the DDL and INSERT
//! text a derived struct produces, reserved words and options included.

use taos_orm::{ddl, InsertSql, Precision, TdTable};

#[derive(TdTable)]
#[taos(stable = "meters", child = "d_{group_id}", comment = "it's metered")]
struct Meter {
    #[taos(ts, encode = "delta-i", compress = "LZ4")]
    ts: i64,
    #[taos(primary_key)]
    seq: i32,
    value: Option<f64>,
    #[taos(nchar(8))]
    level: String,
    #[taos(tag)]
    group_id: u16,
    #[taos(tag, rename = "type", varchar(4))]
    r#type: String,
}

#[test]
fn create_stable_from_a_derived_schema() {
    assert_eq!(
        ddl::create_table::<Meter>(Some("power")).unwrap(),
        "CREATE STABLE IF NOT EXISTS `power`.`meters` (`ts` TIMESTAMP ENCODE 'delta-i' COMPRESS 'lz4', \
         `seq` INT PRIMARY KEY, `value` DOUBLE, `level` NCHAR(8)) \
         TAGS (`group_id` SMALLINT UNSIGNED, `type` VARCHAR(4)) COMMENT 'it\\'s metered'"
    );
}

#[test]
fn insert_uses_the_child_template_and_raw_timestamps() {
    let rows = [
        Meter {
            ts: 1_000,
            seq: 1,
            value: None,
            level: "hi".into(),
            group_id: 7,
            r#type: "a".into(),
        },
        Meter {
            ts: 2_000,
            seq: 2,
            value: Some(1.5),
            level: "lo".into(),
            group_id: 7,
            r#type: "a".into(),
        },
    ];
    let batches = InsertSql::<Meter>::new(Precision::Millisecond)
        .build(&rows)
        .unwrap();
    assert_eq!(batches.len(), 1);
    let sql = &batches[0].sql;
    assert!(
        sql.starts_with("INSERT INTO `d_7` USING `meters` (`group_id`,`type`) TAGS (7,'a')"),
        "{sql}"
    );
    assert!(
        sql.contains("(`ts`,`seq`,`value`,`level`) VALUES (1000,1,NULL,'hi')(2000,2,1.5,'lo')"),
        "{sql}"
    );
}

#[derive(TdTable)]
#[taos(table = "event_log", database = "audit")]
struct Event {
    #[taos(ts)]
    at: i64,
    #[taos(binary(16))]
    message: String,
}

#[test]
fn normal_table_ddl_and_insert() {
    assert_eq!(
        ddl::create_table::<Event>(None).unwrap(),
        "CREATE TABLE IF NOT EXISTS `audit`.`event_log` (`at` TIMESTAMP, `message` VARCHAR(16))"
    );
    let batches = InsertSql::<Event>::new(Precision::Millisecond)
        .build([Event {
            at: 5,
            message: "up".into(),
        }])
        .unwrap();
    assert_eq!(
        batches[0].sql,
        "INSERT INTO `audit`.`event_log` (`at`,`message`) VALUES (5,'up')"
    );
}
