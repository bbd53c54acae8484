//! INSERT forms, merging, conversion and error rules.

mod sql_support;
use sql_support::*;
use taos_emulator::engine::time;
use taos_query::common::{Precision, Ty};

#[test]
fn multi_row_multi_table_and_auto_create() {
    let (e, mut s) = meters();
    let n = exec(
        &e,
        &mut s,
        "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES (1700000000000, 1.5, 220, 0.1) (1700000001000, 2.5, 221, 0.2) \
         d2 USING meters (groupid) TAGS (2) (ts, current) VALUES (1700000000000, 9.5) \
         power.d1 VALUES (1700000002000, 3.5, 222, 0.3)",
    );
    assert_eq!(n, 4);
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, ts, current, voltage, location, groupid FROM meters ORDER BY tbname, ts",
    );
    assert_eq!(
        r.text(),
        vec![
            vec!["d1", "1700000000000", "1.5", "220", "bj", "1"],
            vec!["d1", "1700000001000", "2.5", "221", "bj", "1"],
            vec!["d1", "1700000002000", "3.5", "222", "bj", "1"],
            vec!["d2", "1700000000000", "9.5", "NULL", "NULL", "2"],
        ]
    );
}

#[test]
fn existing_child_keeps_old_tags() {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES (1700000000000, 1, 1, 1)",
    );
    exec(
        &e,
        &mut s,
        "INSERT INTO d1 USING meters TAGS ('sh', 9) VALUES (1700000001000, 1, 1, 1)",
    );
    let r = query(&e, &mut s, "SELECT DISTINCT location, groupid FROM meters");
    assert_eq!(r.text(), vec![vec!["bj", "1"]]);
    exec(
        &e,
        &mut s,
        "CREATE STABLE other (ts TIMESTAMP, v INT) TAGS (t INT)",
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO d1 USING other TAGS (1) VALUES (1700000000000, 1)"
        )
        .code,
        0x061D
    );
}

#[test]
fn supertable_syntax_with_tbname() {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "INSERT INTO meters (tbname, location, groupid, ts, current) VALUES ('x1', 'bj', 1, 1700000000000, 1.0) ('x2', 'sh', 2, 1700000000000, 2.0) ('x1', 'zz', 5, 1700000001000, 3.0)",
    );
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, current, location, groupid FROM meters ORDER BY tbname, ts",
    );
    assert_eq!(
        r.text(),
        vec![
            vec!["x1", "1", "bj", "1"],
            vec!["x1", "3", "bj", "1"],
            vec!["x2", "2", "sh", "2"],
        ]
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO meters (ts, current) VALUES (1700000000000, 1.0)"
        )
        .code,
        0x0200
    );
}

#[test]
fn same_timestamp_merges_per_column_and_out_of_order_sorts() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, a INT, b INT, c VARCHAR(8))",
    ]);
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES (1700000003000, 3, 30, 'c') (1700000001000, 1, 10, 'a')",
    );
    exec(
        &e,
        &mut s,
        "INSERT INTO t (ts, a) VALUES (1700000001000, 100)",
    );
    exec(
        &e,
        &mut s,
        "INSERT INTO t (ts, b) VALUES (1700000003000, NULL)",
    );
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES (1700000002000, 2, 20, 'b') (1700000002000, 22, 220, 'bb')",
    );
    let r = query(&e, &mut s, "SELECT * FROM t");
    assert_eq!(
        r.text(),
        vec![
            vec!["1700000001000", "100", "10", "a"],
            vec!["1700000002000", "22", "220", "bb"],
            vec!["1700000003000", "3", "NULL", "c"],
        ]
    );
}

#[test]
fn strings_escapes_and_null_rules() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v VARCHAR(20), n NCHAR(4), i INT, f DOUBLE, b BOOL)",
    ]);
    exec(
        &e,
        &mut s,
        r#"INSERT INTO t VALUES (1700000000000, 'it''s', '中文字符', 'null', 'NULL', 'true')"#,
    );
    exec(
        &e,
        &mut s,
        r#"INSERT INTO t VALUES (1700000001000, 'a\'b\\c\n', "x\"y", NULL, 1.5e2, 0)"#,
    );
    exec(
        &e,
        &mut s,
        r"INSERT INTO t VALUES (1700000002000, 'NULL', '', 0x1f, -2, 'FALSE')",
    );
    exec(
        &e,
        &mut s,
        r"INSERT INTO t VALUES (1700000003000, '\%\_\q', null, '12', '3.5', 5)",
    );
    let r = query(&e, &mut s, "SELECT v, n, i, f, b FROM t");
    assert_eq!(
        r.text(),
        vec![
            vec!["it's", "中文字符", "NULL", "NULL", "true"],
            vec!["a'b\\c\n", "x\"y", "NULL", "150", "false"],
            vec!["NULL", "", "31", "-2", "false"],
            vec!["\\%\\_q", "NULL", "12", "3.5", "true"],
        ]
    );
    assert_eq!(
        r.types,
        vec![Ty::VarChar, Ty::NChar, Ty::Int, Ty::Double, Ty::Bool]
    );
}

#[test]
fn length_and_range_checks() {
    let (e, mut s) = engine(&["CREATE DATABASE d", "USE d", "CREATE TABLE t (ts TIMESTAMP, v VARCHAR(3), n NCHAR(2), ti TINYINT, u TINYINT UNSIGNED, i INT, b BOOL)"]);
    let long = err(
        &e,
        &mut s,
        "INSERT INTO t (ts, v) VALUES (1700000000000, 'abcd')",
    );
    assert_eq!(
        (long.code, long.message.as_str()),
        (0x2653, "Value too long for column/tag: v")
    );
    // Escapes count after unescaping; NCHAR counts characters.
    exec(
        &e,
        &mut s,
        r"INSERT INTO t (ts, v, n) VALUES (1700000000000, 'a\nb', '中文')",
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO t (ts, n) VALUES (1700000000000, '中文字')"
        )
        .code,
        0x2653
    );
    let bad = err(
        &e,
        &mut s,
        "INSERT INTO t (ts, i) VALUES (1700000000000, 'abc')",
    );
    assert_eq!(
        (bad.code, bad.message.as_str()),
        (0x0216, "syntax error near 'abc' (invalid int data)")
    );
    let ovf = err(
        &e,
        &mut s,
        "INSERT INTO t (ts, ti) VALUES (1700000000000, 128)",
    );
    assert_eq!(
        (ovf.code, ovf.message.as_str()),
        (0x0216, "syntax error near '128' (tinyint data overflow)")
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO t (ts, u) VALUES (1700000000000, -1)"
        )
        .code,
        0x0216
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO t (ts, i) VALUES (1700000000000, '')"
        )
        .code,
        0x0216
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO t (ts, b) VALUES (1700000000000, 'maybe')"
        )
        .code,
        0x0216
    );
    let nullts = err(&e, &mut s, "INSERT INTO t (ts, i) VALUES (NULL, 1)");
    assert_eq!(
        (nullts.code, nullts.message.as_str()),
        (0x0216, "Primary timestamp column should not be null")
    );
    assert_eq!(
        err(&e, &mut s, "INSERT INTO t (ts, i) VALUES ('yesterday', 1)").code,
        0x0216
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO t (ts, nope) VALUES (1700000000000, 1)"
        )
        .code,
        0x2602
    );
    assert_eq!(
        err(&e, &mut s, "INSERT INTO nope VALUES (1700000000000, 1)").code,
        0x2603
    );
}

#[test]
fn failing_statement_writes_nothing() {
    let (e, mut s) = meters();
    let bad = "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES (1700000000000, 1, 1, 1) d2 USING meters TAGS ('sh', 2) VALUES (1700000000000, 1, 'x', 1)";
    assert_eq!(err(&e, &mut s, bad).code, 0x0216);
    assert_eq!(query(&e, &mut s, "SHOW TABLES").rows.len(), 0);
    exec(&e, &mut s, "CREATE TABLE d1 USING meters TAGS ('bj', 1)");
    let bad = "INSERT INTO d1 VALUES (1700000000000, 1, 1, 1) (1700000001000, 1, 99999999999, 1)";
    assert_eq!(err(&e, &mut s, bad).code, 0x0216);
    assert_eq!(query(&e, &mut s, "SELECT * FROM d1").rows.len(), 0);
}

#[test]
fn timestamp_forms_and_arithmetic() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d PRECISION 'us'",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v INT)",
    ]);
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES ('2024-01-01 00:00:00.5', 1) ('2024-01-01T00:00:01Z', 2) ('2024-01-01T08:00:02+08:00', 3) (1704067203000000 + 1s, 4) ('2024-01-01 00:00:00' + 1d, 5)",
    );
    let r = query(&e, &mut s, "SELECT ts, v FROM t");
    assert_eq!(
        r.text(),
        vec![
            vec!["1704067200500000", "1"],
            vec!["1704067201000000", "2"],
            vec!["1704067202000000", "3"],
            vec!["1704067204000000", "4"],
            vec!["1704153600000000", "5"],
        ]
    );
    let before = time::now(Precision::Microsecond);
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES (NOW, 10) (now() - 1h, 11) (NOW + 10s, 12)",
    );
    let r = query(&e, &mut s, "SELECT ts, v FROM t WHERE v >= 10 ORDER BY v");
    let ts: Vec<i64> = r.col(0).iter().map(|t| t.parse().unwrap()).collect();
    assert!(ts[0] >= before);
    assert_eq!(ts[0] - ts[1], 3_600_000_000);
    assert_eq!(ts[2] - ts[0], 10_000_000);
}

#[test]
fn keep_and_upper_bound() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d KEEP 1d DURATION 60m",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v INT)",
    ]);
    let old = err(&e, &mut s, "INSERT INTO t VALUES (NOW - 2d, 1)");
    assert_eq!(
        (old.code, old.message.as_str()),
        (0x060B, "Timestamp data out of range")
    );
    exec(&e, &mut s, "INSERT INTO t VALUES (NOW - 1h, 1)");
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO t VALUES ('2971-01-01 00:00:00', 1)"
        )
        .code,
        0x060B
    );
}

#[test]
fn composite_key_rows_unique_on_ts_and_key() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, k INT PRIMARY KEY, v INT)",
    ]);
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES (1700000000000, 2, 20) (1700000000000, 1, 10) (1700000000000, 2, 21)",
    );
    let r = query(&e, &mut s, "SELECT k, v FROM t");
    assert_eq!(r.text(), vec![vec!["1", "10"], vec!["2", "21"]]);
}

#[test]
fn json_tag_and_varbinary() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE STABLE js (ts TIMESTAMP, b VARBINARY(8)) TAGS (info JSON)",
    ]);
    exec(
        &e,
        &mut s,
        r#"INSERT INTO j1 USING js TAGS ('{"k1":"v1","k2":5}') VALUES (1700000000000, '\x0102')"#,
    );
    exec(
        &e,
        &mut s,
        "INSERT INTO j2 USING js TAGS ('{}') VALUES (1700000000000, 'ab')",
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO j3 USING js TAGS ('[1,true]') VALUES (1700000000000, 'ab')"
        )
        .code,
        0x0216
    );
    let r = query(&e, &mut s, "SELECT tbname, b, info FROM js ORDER BY tbname");
    assert_eq!(r.types, vec![Ty::VarChar, Ty::VarBinary, Ty::Json]);
    assert_eq!(r.col(1), vec!["[1, 2]", "[97, 98]"]);
    assert_eq!(r.col(2)[1], "NULL");
}

#[test]
fn geometry_values() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE g (ts TIMESTAMP, p GEOMETRY(32))",
    ]);
    exec(
        &e,
        &mut s,
        "INSERT INTO g VALUES (1700000000000, 'POINT(1.0 2.0)')",
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO g VALUES (1700000000001, 'POINT(1.0)')"
        )
        .code,
        0x0216
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO g VALUES (1700000000001, 'LINESTRING(1 1, 2 2, 3 3)')"
        )
        .code,
        0x2653
    );
    let r = query(&e, &mut s, "SELECT p FROM g");
    assert_eq!(r.types, vec![Ty::Geometry]);
}

#[test]
fn float_literals_are_checked_as_doubles() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, f FLOAT, d DOUBLE, i INT)",
    ]);
    // FLT_MAX's exact double is accepted; its shortest f32 text is just
    // above FLT_MAX as a double and is refused, as on a real server.
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES (1700000000000, 3.4028234663852886e38, 1.7976931348623157e308, 1)",
    );
    for bad in [
        "3.4028235e38, 1",
        "-3.4028235e38, 1",
        "1e39, 1",
        "1, 6.5e-309",
        "1, 1e-400",
        "true, 1",
        "'  2.5  ', 1",
    ] {
        let sql = format!("INSERT INTO t (ts, f, d) VALUES (1700000000001, {bad})");
        let error = err(&e, &mut s, &sql);
        assert_eq!(error.code, 0x0216, "{sql}: {error:?}");
        assert!(error.message.contains("illegal"), "{sql}: {error:?}");
    }
    // Below FLT_MIN a FLOAT may be subnormal or zero; only the double parse counts.
    exec(
        &e,
        &mut s,
        "INSERT INTO t (ts, f, d) VALUES (1700000000002, 1e-45, 2.2250738585072014e-308) (1700000000003, 1e-50, 0e-500)",
    );
    // Decimals into integers round half away from zero.
    exec(
        &e,
        &mut s,
        "INSERT INTO t (ts, i) VALUES (1700000000004, 2.5) (1700000000005, -2.5) (1700000000006, '3.49')",
    );
    let r = query(&e, &mut s, "SELECT f FROM t WHERE ts <= 1700000000003");
    assert_eq!(
        r.col(0),
        vec![f32::MAX.to_string(), 1e-45f32.to_string(), "0".to_owned()]
    );
    let r = query(&e, &mut s, "SELECT i FROM t WHERE ts >= 1700000000004");
    assert_eq!(r.col(0), vec!["3", "-3", "3"]);
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO t (ts, i) VALUES (1700000000007, true)"
        )
        .code,
        0x0216
    );
}

#[test]
fn delete_by_time_range_and_tags() {
    let (e, mut s) = meters();
    exec(&e, &mut s, "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES (1700000000000, 1, 1, 1) (1700000001000, 2, 2, 2) (1700000002000, 3, 3, 3) d2 USING meters TAGS ('sh', 2) VALUES (1700000000000, 4, 4, 4)");
    assert_eq!(
        exec(
            &e,
            &mut s,
            "DELETE FROM d1 WHERE ts >= 1700000001000 AND ts <= 1700000001000"
        ),
        1
    );
    assert_eq!(exec(&e, &mut s, "DELETE FROM meters WHERE groupid = 2"), 1);
    let r = query(&e, &mut s, "SELECT tbname, current FROM meters");
    assert_eq!(r.text(), vec![vec!["d1", "1"], vec!["d1", "3"]]);
    assert_eq!(exec(&e, &mut s, "DELETE FROM d1"), 2);
    assert_eq!(
        query(&e, &mut s, "SELECT count(*) FROM meters").text(),
        vec![vec!["0"]]
    );
    assert_eq!(err(&e, &mut s, "DELETE FROM nope").code, 0x2603);
}

#[test]
fn concurrent_connections_interleave_statements() {
    use std::sync::Arc;
    use taos_emulator::api::{Executor, Session};
    let (e, _) = meters();
    let e = Arc::new(e);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let e = Arc::clone(&e);
            std::thread::spawn(move || {
                let mut s = Session {
                    database: Some("power".into()),
                };
                for k in 0..50i64 {
                    let sql = format!(
                        "INSERT INTO c{t} USING meters TAGS ('x', {t}) VALUES ({}, 1, 1, 1)",
                        1_700_000_000_000i64 + k
                    );
                    e.execute(&mut s, &sql).expect("insert");
                    e.execute(&mut s, "SELECT count(*) FROM meters")
                        .expect("select");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let mut s = taos_emulator::api::Session {
        database: Some("power".into()),
    };
    assert_eq!(
        query(&e, &mut s, "SELECT count(*) FROM meters").text(),
        vec![vec!["400"]]
    );
}

#[test]
fn insert_select_copies_and_converts() {
    let (e, mut s) = meters();
    exec(&e, &mut s, "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES (1700000000000, 1.5, 220, 0.1) (1700000001000, 2.5, 221, 0.2)");
    exec(&e, &mut s, "CREATE DATABASE us PRECISION 'us'");
    exec(
        &e,
        &mut s,
        "CREATE TABLE us.copy (ts TIMESTAMP, v BIGINT, loc VARCHAR(2))",
    );
    assert_eq!(
        exec(
            &e,
            &mut s,
            "INSERT INTO us.copy SELECT ts, voltage, 'ab' FROM d1"
        ),
        2
    );
    let r = query(&e, &mut s, "SELECT * FROM us.copy");
    assert_eq!(
        r.text(),
        vec![
            vec!["1700000000000000", "220", "ab"],
            vec!["1700000001000000", "221", "ab"]
        ]
    );
    assert_eq!(
        exec(
            &e,
            &mut s,
            "INSERT INTO us.copy (ts, v) SELECT ts + 1d, voltage * 2 FROM d1 WHERE voltage > 220"
        ),
        1
    );
    assert_eq!(
        query(&e, &mut s, "SELECT v FROM us.copy WHERE v > 400").col(0),
        vec!["442"]
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "INSERT INTO us.copy SELECT ts, voltage, concat(location, 'xyz') FROM d1"
        )
        .code,
        0x2653
    );
    assert_eq!(
        err(&e, &mut s, "INSERT INTO us.copy SELECT ts, voltage FROM d1").code,
        0x2640
    );
}

#[test]
fn one_statement_creating_many_tables() {
    let (e, mut s) = meters();
    let mut sql = String::from("INSERT INTO ");
    for t in 0..5_000 {
        sql.push_str(&format!(
            "t{t} USING meters TAGS ('l{t}', {t}) VALUES (1700000000000, 1, 1, 1) (1700000001000, 2, 2, 2) "
        ));
    }
    let start = std::time::Instant::now();
    assert_eq!(exec(&e, &mut s, &sql), 10_000);
    assert!(
        start.elapsed().as_secs_f64() < 5.0,
        "took {:?}",
        start.elapsed()
    );
    let r = query(&e, &mut s, "SELECT count(*) FROM meters");
    assert_eq!(cell(&r.rows[0][0]), "10000");
    assert_eq!(query(&e, &mut s, "SHOW TABLES").rows.len(), 5_000);
}

/// Typed columnar storage: a meters row (TIMESTAMP, FLOAT, INT, FLOAT)
/// takes 20 bytes of values plus validity bits, within the storage's
/// growth by half; 100k rows in 10 children, 1,000 rows per INSERT.
#[test]
fn a_meters_row_takes_at_most_32_bytes() {
    let (e, mut s) = meters();
    let base = 1_700_000_000_000i64;
    for d in 0..10 {
        exec(
            &e,
            &mut s,
            &format!("CREATE TABLE c{d} USING meters TAGS ('x', {d})"),
        );
        for chunk in 0..10 {
            let mut sql = format!("INSERT INTO c{d} VALUES ");
            for i in chunk * 1000..(chunk + 1) * 1000 {
                let phase = if i % 10 == 0 {
                    "NULL".into()
                } else {
                    format!("0.{}", i % 9)
                };
                sql.push_str(&format!(
                    "({}, {}.5, {}, {phase}) ",
                    base + i,
                    i % 7,
                    200 + i
                ));
            }
            exec(&e, &mut s, &sql);
        }
    }
    let (rows, bytes) = e.storage_footprint();
    assert_eq!(rows, 100_000);
    let per_row = bytes as f64 / rows as f64;
    assert!(per_row <= 32.0, "{per_row:.1} bytes a row");
    let r = query(
        &e,
        &mut s,
        "SELECT count(phase), sum(voltage), max(current) FROM meters",
    );
    assert_eq!(r.text(), vec![vec!["90000", "519950000", "6.5"]]);
}
