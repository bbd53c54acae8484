use std::collections::HashSet;

use taos::taos_query::common::Precision;

use super::*;
use crate::error::Error;
use crate::sql::test_tables::{Event, Everything, Log, Meter};

const MS: Precision = Precision::Millisecond;

const D1: &str = " `d1` USING `meters` (`location`,`groupid`) TAGS ('California.SanFrancisco',2) \
                  (`ts`,`current`,`voltage`,`phase`) VALUES ";

#[test]
fn one_table() {
    let rows = [Meter::new("d1", 1), Meter::new("d1", 2)];
    let batches = InsertSql::<Meter>::new(MS).build(&rows).unwrap();
    assert_eq!(
        batches,
        [InsertBatch {
            sql: format!("INSERT INTO{D1}(1,10.3,219,0.31)(2,10.3,219,0.31)"),
            rows: vec![0, 1],
        }]
    );
}

#[test]
fn rows_are_grouped_by_lowercased_table_in_first_seen_order() {
    let mut d2 = Meter::new("d2", 5);
    d2.location = "LA".into();
    d2.group_id = 3;
    d2.voltage = None;
    let rows = vec![Meter::new("d1", 1), d2, Meter::new("D1", 1)];
    let batches = InsertSql::<Meter>::new(MS)
        .database(Some("Power"))
        .build(rows.iter())
        .unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(
        batches[0].sql,
        "INSERT INTO `power`.`d1` USING `power`.`meters` (`location`,`groupid`) \
         TAGS ('California.SanFrancisco',2) (`ts`,`current`,`voltage`,`phase`) VALUES \
         (1,10.3,219,0.31)(1,10.3,219,0.31) `power`.`d2` USING `power`.`meters` \
         (`location`,`groupid`) TAGS ('LA',3) (`ts`,`current`,`voltage`,`phase`) VALUES \
         (5,10.3,NULL,0.31)"
    );
    // Same-timestamp rows of d1 stay in input order.
    assert_eq!(batches[0].rows, [0, 2, 1]);
    // Owned rows work too.
    assert_eq!(
        InsertSql::<Meter>::new(MS)
            .database(Some("power"))
            .build(rows)
            .unwrap(),
        batches
    );
}

#[test]
fn normal_table_has_no_using() {
    let rows = [
        Log {
            ts: 1,
            msg: "it's \\ a\nline".into(),
        },
        Log {
            ts: 2,
            msg: "温度 🌡".into(),
        },
    ];
    let batches = InsertSql::<Log>::new(MS)
        .database(Some("db"))
        .build(&rows)
        .unwrap();
    assert_eq!(
        batches[0].sql,
        "INSERT INTO `db`.`log` (`ts`,`msg`) VALUES (1,'it\\'s \\\\ a\\nline')(2,'温度 🌡')"
    );
}

fn everything(state: &str) -> Everything {
    Everything {
        ts: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap(),
        id: -9,
        flag: true,
        tiny: -128,
        small: 32767,
        int: -1,
        utiny: 255,
        usmall: 65535,
        uint: u32::MAX,
        ubig: u64::MAX,
        float: 1.5e-7,
        double: -0.1,
        value: None,
        text: "🌡é'x".into(),
        bytes: vec![0, 16, 255],
        state: state.into(),
        level: 3,
    }
}

#[test]
fn every_type_at_every_precision() {
    let expect = |ts: &str| {
        format!(
            "INSERT INTO `lab`.`e_on` USING `lab`.`everything` (`state`,`level`) TAGS ('on',3) \
             (`ts`,`id`,`flag`,`tiny`,`small`,`int`,`utiny`,`usmall`,`uint`,`ubig`,`float`,\
             `double`,`value`,`text`,`bytes`) VALUES ({ts},-9,true,-128,32767,-1,255,65535,\
             4294967295,18446744073709551615,1.5e-7,-0.1,NULL,'🌡é\\'x','\\x0010ff')"
        )
    };
    for (p, ts) in [
        (Precision::Millisecond, "1700000000123"),
        (Precision::Microsecond, "1700000000123456"),
        (Precision::Nanosecond, "1700000000123456789"),
    ] {
        let batches = InsertSql::<Everything>::new(p)
            .build([everything("on")])
            .unwrap();
        assert_eq!(batches[0].sql, expect(ts));
    }
}

#[test]
fn nchar_length_counts_chars_and_errors_name_the_row() {
    let mut long = everything("on");
    long.text = "🌡🌡🌡🌡".into();
    assert!(InsertSql::<Everything>::new(MS)
        .build([long.clone()])
        .is_ok());
    long.text.push('x');
    let err = InsertSql::<Everything>::new(MS)
        .build([everything("on"), long])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 1: field `text` (column `text` of `everything`): 5 characters is longer than NCHAR(4)"
    );
}

#[test]
fn bad_tags_and_table_names_are_errors() {
    let mut bad = Meter::new("d1", 1);
    bad.location = "x".repeat(25);
    let err = InsertSql::<Meter>::new(MS).build([bad]).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InvalidValue {
                row: 0,
                column: "location",
                ..
            }
        ),
        "{err}"
    );

    let err = InsertSql::<Meter>::new(MS)
        .build([Meter::new("ok", 1), Meter::new("", 2)])
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("row 1: invalid table name \"\""),
        "{err}"
    );
    let err = InsertSql::<Meter>::new(MS)
        .build([Meter::new("a`b", 2)])
        .unwrap_err();
    assert!(err.to_string().contains("backtick"), "{err}");
    let err = InsertSql::<Meter>::new(MS)
        .database(Some("x.y"))
        .build([Meter::new("a", 2)])
        .unwrap_err();
    assert!(err.to_string().contains("\"x.y\""), "{err}");
}

#[test]
fn nan_is_an_error_and_the_writer_goes_on() {
    let mut w = InsertSql::<Meter>::new(MS).writer().unwrap();
    assert_eq!(w.push(&Meter::new("d1", 1)).unwrap(), None);
    let mut nan = Meter::new("d1", 2);
    nan.current = f32::NAN;
    let err = w.push(&nan).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InvalidValue {
                row: 1,
                field: "current",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(w.push(&Meter::new("d1", 3)).unwrap(), None);
    assert_eq!(w.pending_rows(), 2);
    assert_eq!(w.rows_pushed(), 3);
    let batch = w.take().unwrap();
    assert_eq!(batch.rows, [0, 2]);
    assert_eq!(batch.sql.len(), w.pending_sql_len() + batch.sql.len());
    assert_eq!(w.take(), None);
}

#[test]
fn json_tag_rows() {
    let e = |table: &str, ts| Event {
        ts,
        v: 2.5,
        info: serde_json::json!({"site": "it's"}),
        table: table.into(),
    };
    let batches = InsertSql::<Event>::new(MS)
        .build([e("e1", 1), e("e1", 2)])
        .unwrap();
    assert_eq!(
        batches[0].sql,
        "INSERT INTO `e1` USING `events` (`info`) TAGS ('{\"site\":\"it\\'s\"}') (`ts`,`v`) VALUES (1,2.5)(2,2.5)"
    );
}

fn body_len(rows: &[Meter]) -> usize {
    let sql = &InsertSql::<Meter>::new(MS).build(rows).unwrap()[0].sql;
    sql.len()
}

#[test]
fn batches_split_exactly_at_the_limit() {
    let rows: Vec<Meter> = (0..6).map(|i| Meter::new("d1", 1000 + i)).collect();
    let three = body_len(&rows[..3]);
    // Exactly three rows fit.
    let batches = InsertSql::<Meter>::new(MS)
        .max_sql_len(three)
        .build(&rows)
        .unwrap();
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0].sql.len(), three);
    assert_eq!(batches[0].rows, [0, 1, 2]);
    assert_eq!(batches[1].rows, [3, 4, 5]);
    assert_eq!(batches[1].sql.len(), three);
    // One byte less and only two fit.
    let batches = InsertSql::<Meter>::new(MS)
        .max_sql_len(three - 1)
        .build(&rows)
        .unwrap();
    assert_eq!(
        batches.iter().map(|b| b.rows.len()).collect::<Vec<_>>(),
        [2, 2, 2]
    );
    // A new table's header counts against the limit too.
    let two_tables = [Meter::new("d1", 1), Meter::new("d2", 1)];
    let both = body_len(&two_tables);
    let batches = InsertSql::<Meter>::new(MS)
        .max_sql_len(both - 1)
        .build(&two_tables)
        .unwrap();
    assert_eq!(batches.len(), 2);
    assert!(batches[1].sql.starts_with("INSERT INTO `d2` USING"));
}

#[test]
fn a_row_too_large_for_any_statement() {
    let one = body_len(&[Meter::new("d1", 1)]);
    let err = InsertSql::<Meter>::new(MS)
        .max_sql_len(one - 1)
        .build([Meter::new("d1", 1)])
        .unwrap_err();
    match err {
        Error::RowTooLarge {
            row,
            table,
            needed,
            max,
        } => {
            assert_eq!((row, table, needed, max), (0, "meters", one, one - 1));
        }
        other => panic!("{other}"),
    }
    // In a stream the pending statement survives the oversized row.
    let mut w = InsertSql::<Log>::new(MS).max_sql_len(60).writer().unwrap();
    w.push(&Log {
        ts: 1,
        msg: "a".into(),
    })
    .unwrap();
    assert!(w
        .push(&Log {
            ts: 2,
            msg: "b".repeat(40)
        })
        .is_err());
    assert_eq!(w.take().unwrap().rows, [0]);
}

#[test]
fn the_default_limit_is_one_mebibyte() {
    assert_eq!(InsertSql::<Meter>::new(MS).max_len(), 1_048_576);
    let rows: Vec<Meter> = (0..60_000)
        .map(|i| Meter::new(&format!("d{}", i % 7), i))
        .collect();
    let batches = InsertSql::<Meter>::new(MS).build(&rows).unwrap();
    assert!(batches.len() > 1);
    assert!(batches.iter().all(|b| b.sql.len() <= MAX_SQL_LEN));
    assert!(batches[0].sql.len() > MAX_SQL_LEN - 100);
}

#[test]
fn forgetting_idle_tables_keeps_pending_rows() {
    let mut w = InsertSql::<Meter>::new(MS).writer().unwrap();
    w.push(&Meter::new("a", 1)).unwrap();
    w.push(&Meter::new("b", 1)).unwrap();
    w.forget_idle_tables();
    w.push(&Meter::new("a", 2)).unwrap();
    w.push(&Meter::new("c", 2)).unwrap();
    let batch = w.take().unwrap();
    assert_eq!(batch.rows, [0, 2, 1, 3]);
    assert_eq!(batch.sql.matches(" USING ").count(), 3);
    w.forget_idle_tables();
    w.push(&Meter::new("b", 3)).unwrap();
    assert_eq!(w.take().unwrap().rows, [4]);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_row_in_exactly_one_batch_under_the_limit(
            tables in proptest::collection::vec(0u8..12, 1..200),
            texts in proptest::collection::vec("[a-z'\\\\\n🌡]{0,12}", 1..200),
            max in 230usize..3000,
        ) {
            let rows: Vec<Log> = tables
                .iter()
                .zip(texts.iter().cycle())
                .enumerate()
                .map(|(i, (_, t))| Log { ts: i as i64, msg: t.clone() })
                .collect();
            let batches = InsertSql::<Log>::new(MS).max_sql_len(max).build(&rows).unwrap();
            let mut seen = HashSet::new();
            for b in &batches {
                prop_assert!(b.sql.len() <= max);
                prop_assert!(!b.rows.is_empty());
                for &r in &b.rows {
                    prop_assert!(seen.insert(r));
                }
            }
            prop_assert_eq!(seen.len(), rows.len());

            let meters: Vec<Meter> = tables
                .iter()
                .enumerate()
                .map(|(i, t)| Meter::new(&format!("D{t}"), i as i64 / 3))
                .collect();
            let batches = InsertSql::<Meter>::new(MS).max_sql_len(max.max(400)).build(&meters).unwrap();
            let mut order: Vec<Vec<usize>> = vec![Vec::new(); 12];
            let mut seen = HashSet::new();
            for b in &batches {
                prop_assert!(b.sql.len() <= max.max(400));
                for &r in &b.rows {
                    prop_assert!(seen.insert(r));
                    order[usize::from(tables[r])].push(r);
                }
            }
            prop_assert_eq!(seen.len(), meters.len());
            // Within a table, rows keep their input order across batches.
            for rows in order {
                prop_assert!(rows.windows(2).all(|w| w[0] < w[1]));
            }
        }

        #[test]
        fn the_writer_keeps_the_same_promises(
            tables in proptest::collection::vec(0u8..12, 1..300),
            max in 400usize..4000,
            take_every in 0usize..50,
        ) {
            let mut w = InsertSql::<Meter>::new(MS).max_sql_len(max).writer().unwrap();
            let mut batches = Vec::new();
            for (i, t) in tables.iter().enumerate() {
                batches.extend(w.push(&Meter::new(&format!("t{t}"), i as i64)).unwrap());
                if take_every > 0 && i % take_every == 0 {
                    batches.extend(w.take());
                }
                prop_assert!(w.pending_sql_len() <= max);
            }
            batches.extend(w.take());
            let mut order: Vec<Vec<usize>> = vec![Vec::new(); 12];
            let mut seen = HashSet::new();
            for b in &batches {
                prop_assert!(b.sql.len() <= max);
                prop_assert_eq!(b.sql.matches(" VALUES ").count(), {
                    let distinct: HashSet<u8> = b.rows.iter().map(|&r| tables[r]).collect();
                    distinct.len()
                });
                for &r in &b.rows {
                    prop_assert!(seen.insert(r));
                    order[usize::from(tables[r])].push(r);
                }
            }
            prop_assert_eq!(seen.len(), tables.len());
            for rows in order {
                prop_assert!(rows.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }
}

#[test]
fn build_groups_the_whole_input_the_writer_each_statement() {
    let rows = [
        Meter::new("d1", 1),
        Meter::new("d2", 1),
        Meter::new("d1", 2),
        Meter::new("d2", 2),
    ];
    let batches = InsertSql::<Meter>::new(MS).build(&rows).unwrap();
    assert_eq!(batches[0].rows, [0, 2, 1, 3]);
    assert_eq!(batches[0].sql.matches(" USING ").count(), 2);

    // A writer that had to cut after the second row starts d1 again in the next statement.
    let two = body_len(&rows[..2]);
    let mut w = InsertSql::<Meter>::new(MS)
        .max_sql_len(two)
        .writer()
        .unwrap();
    let mut batches = Vec::new();
    for row in &rows {
        batches.extend(w.push(row).unwrap());
    }
    batches.extend(w.take());
    assert_eq!(
        batches.iter().map(|b| b.rows.clone()).collect::<Vec<_>>(),
        [vec![0, 1], vec![2, 3]]
    );
    assert!(batches[1].sql.starts_with("INSERT INTO `d1` USING"));
}
