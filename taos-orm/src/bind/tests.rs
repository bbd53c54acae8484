use taos::taos_query::common::{BorrowedValue, Precision, Value as TaosValue};

use super::*;
use crate::sql::test_tables::{Event, Everything, Log, Meter};
use crate::InsertSql;

const MS: Precision = Precision::Millisecond;

fn everything(state: &str, id: i64) -> Everything {
    Everything {
        ts: chrono::DateTime::from_timestamp(1_700_000_000, 5_000_000).unwrap(),
        id,
        flag: true,
        tiny: -8,
        small: -16,
        int: -32,
        utiny: 8,
        usmall: 16,
        uint: 32,
        ubig: u64::MAX,
        float: 1.5,
        double: -2.25,
        value: None,
        text: "ñandú".chars().take(4).collect(),
        bytes: vec![0, 1, 2],
        state: state.into(),
        level: 3,
    }
}

#[test]
fn groups_rows_per_table_in_first_seen_order() {
    let rows = [
        Meter::new("d2", 1),
        Meter::new("D1", 2),
        Meter::new("d2", 3),
    ];
    let tables = bind_tables(&rows, MS).unwrap();
    let names: Vec<_> = tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(names, ["d2", "d1"]);
    assert_eq!(tables[0].rows, [0, 2]);
    assert_eq!(tables[1].rows, [1]);
    assert_eq!(
        tables[0].tags,
        [
            TaosValue::VarChar("California.SanFrancisco".into()),
            TaosValue::Int(2)
        ]
    );
    let ts = &tables[0].columns[0];
    assert_eq!(ts.len(), 2);
    assert_eq!(ts.get(1).unwrap().to_value().to_json_value(), 3);
}

#[test]
fn every_type_becomes_its_column_view_with_nulls() {
    let rows = [everything("a", 1), everything("a", 2)];
    let tables = bind_tables(&rows, Precision::Microsecond).unwrap();
    let cols = &tables[0].columns;
    assert_eq!(cols.len(), Everything::SCHEMA.columns.len());
    let first: Vec<String> = cols
        .iter()
        .map(|c| format!("{:?}", c.get(0).unwrap()))
        .collect();
    assert!(
        matches!(cols[0].get(0), Some(BorrowedValue::Timestamp(t))
            if t.as_raw_i64() == 1_700_000_000_005_000 && t.precision() == Precision::Microsecond),
        "{first:?}"
    );
    assert!(matches!(cols[12].get(0), Some(BorrowedValue::Null(_))));
    assert_eq!(
        cols[13].get(0).unwrap().to_value().to_json_value(),
        "ñand",
        "{:?}",
        cols[13]
    );
    assert!(
        matches!(cols[14].get(0), Some(BorrowedValue::VarBinary(b)) if b.as_ref() == [0, 1, 2])
    );
    assert!(matches!(
        cols[9].get(1),
        Some(BorrowedValue::UBigInt(u64::MAX))
    ));
}

#[test]
fn invalid_values_fail_like_the_sql_path() {
    let mut bad = everything("a", 1);
    bad.float = f32::NAN;
    let rows = [everything("a", 0), bad.clone()];
    let bound = bind_tables(&rows, MS).unwrap_err().to_string();
    let sql = InsertSql::<Everything>::new(MS)
        .build(&rows)
        .unwrap_err()
        .to_string();
    assert_eq!(bound, sql);
    assert!(bound.starts_with("row 1: field `float`"), "{bound}");

    let mut long = everything("a", 1);
    long.text = "abcde".into();
    let bound = bind_tables(&[long.clone()], MS).unwrap_err().to_string();
    let sql = InsertSql::<Everything>::new(MS)
        .build(&[long])
        .unwrap_err()
        .to_string();
    assert_eq!(bound, sql);

    let mut tag = everything("a_name_too_long", 1);
    tag.state = "123456789".into();
    assert!(bind_tables(&[tag], MS).is_err());
}

#[test]
fn too_late_timestamps_and_bad_names_are_errors() {
    let late = Log {
        ts: i64::MAX,
        msg: "x".into(),
    };
    let err = bind_tables(&[late], MS).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidValue {
                column: "ts",
                row: 0,
                ..
            }
        ),
        "{err}"
    );
    let err = bind_tables(&[Meter::new("bad`name", 1)], MS).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
}

#[test]
fn json_tags_and_normal_tables() {
    let rows = [Event {
        ts: 1,
        v: 2.0,
        info: serde_json::json!({"k": "v"}),
        table: "e1".into(),
    }];
    let tables = bind_tables(&rows, MS).unwrap();
    assert_eq!(
        tables[0].tags,
        [TaosValue::Json(serde_json::json!({"k": "v"}))]
    );
    let logs = [Log {
        ts: 1,
        msg: "m".into(),
    }];
    let tables = bind_tables(&logs, MS).unwrap();
    assert!(tables[0].tags.is_empty());
    assert_eq!(tables[0].table, "log");
}

#[test]
fn prepared_sql_names_columns_and_tags() {
    assert_eq!(
        prepare_sql(Meter::SCHEMA, "power", true).unwrap(),
        "INSERT INTO ? USING `power`.`meters` TAGS(?,?) (`ts`,`current`,`voltage`,`phase`) VALUES(?,?,?,?)"
    );
    assert_eq!(
        prepare_sql(Log::SCHEMA, "p", true).unwrap(),
        "INSERT INTO ? (`ts`,`msg`) VALUES(?,?)"
    );
    assert_eq!(
        prepare_sql(Meter::SCHEMA, "p", false).unwrap(),
        "INSERT INTO ? (`ts`,`current`,`voltage`,`phase`) VALUES(?,?,?,?)"
    );
}
