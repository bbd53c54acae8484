//! SELECT: projection, filters, ordering, limits, names and types.

mod sql_support;
use sql_support::*;
use taos_query::common::Ty;

fn data() -> (taos_emulator::Engine, taos_emulator::api::Session) {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "INSERT INTO d1 USING meters TAGS ('beijing', 1) VALUES (1700000000000, 10.5, 220, 0.5) (1700000001000, NULL, 221, 0.6) (1700000002000, 12.5, 222, NULL) \
         d2 USING meters TAGS ('shanghai', 2) VALUES (1700000000000, 20.5, 230, 0.7) (1700000003000, 21.5, NULL, 0.8) \
         d3 USING meters TAGS ('b_x%', 3) VALUES (1700000004000, 30.5, 240, 0.9)",
    );
    (e, s)
}

#[test]
fn star_on_stable_appends_tags_not_tbname() {
    let (e, mut s) = data();
    let r = query(&e, &mut s, "SELECT * FROM meters WHERE tbname = 'd3'");
    assert_eq!(
        r.names,
        vec!["ts", "current", "voltage", "phase", "location", "groupid"]
    );
    assert_eq!(
        r.types,
        vec![
            Ty::Timestamp,
            Ty::Float,
            Ty::Int,
            Ty::Float,
            Ty::VarChar,
            Ty::Int
        ]
    );
    assert_eq!(
        r.text(),
        vec![vec!["1700000004000", "30.5", "240", "0.9", "b_x%", "3"]]
    );
    let r = query(&e, &mut s, "SELECT * FROM d1");
    assert_eq!(r.names, vec!["ts", "current", "voltage", "phase"]);
    assert_eq!(r.rows.len(), 3);
    let r = query(&e, &mut s, "SELECT d1.*, location FROM d1 LIMIT 1");
    assert_eq!(
        r.names,
        vec!["ts", "current", "voltage", "phase", "location"]
    );
    assert_eq!(r.col(4), vec!["beijing"]);
}

#[test]
fn names_follow_lowered_text_and_aliases() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT Current * 2, VOLTAGE AS V, `voltage` + 1 vv, 'AbC', NULL, TBNAME FROM d1 LIMIT 1",
    );
    assert_eq!(
        r.names,
        vec!["current * 2", "v", "vv", "'AbC'", "null", "tbname"]
    );
    assert_eq!(r.types[0], Ty::Double);
    assert_eq!(r.types[3], Ty::VarChar);
    assert_eq!(r.text()[0], vec!["21", "220", "221", "AbC", "NULL", "d1"]);
}

#[test]
fn where_on_ts_columns_tags_and_tbname() {
    let (e, mut s) = data();
    let q = |s: &mut taos_emulator::api::Session, w: &str| {
        query(
            &e,
            s,
            &format!("SELECT tbname, ts FROM meters WHERE {w} ORDER BY ts, tbname"),
        )
        .rows
        .len()
    };
    assert_eq!(q(&mut s, "ts >= 1700000001000 AND ts < 1700000004000"), 3);
    assert_eq!(
        q(
            &mut s,
            "ts BETWEEN '2023-11-14 22:13:20' AND '2023-11-14 22:13:21'"
        ),
        3
    );
    assert_eq!(q(&mut s, "ts = '2023-11-14T22:13:20Z'"), 2);
    assert_eq!(q(&mut s, "current > 20"), 3);
    assert_eq!(q(&mut s, "current IS NULL"), 1);
    assert_eq!(q(&mut s, "voltage IS NOT NULL AND phase IS NOT NULL"), 4);
    assert_eq!(q(&mut s, "location LIKE 'b%'"), 4);
    assert_eq!(q(&mut s, "location LIKE 'b\\_x\\%'"), 1);
    assert_eq!(q(&mut s, "location LIKE '%ng%' AND NOT groupid = 1"), 2);
    assert_eq!(q(&mut s, "tbname IN ('d1', 'd3')"), 4);
    assert_eq!(q(&mut s, "tbname NOT IN ('d1', 'd3')"), 2);
    assert_eq!(q(&mut s, "groupid = 2 OR voltage = 240"), 3);
    assert_eq!(q(&mut s, "voltage NOT BETWEEN 221 AND 239"), 2);
    assert_eq!(q(&mut s, "(current + 1) * 2 > 40"), 3);
}

#[test]
fn order_by_nulls_smallest_limit_offset() {
    let (e, mut s) = data();
    let r = query(&e, &mut s, "SELECT current FROM meters ORDER BY current");
    assert_eq!(
        r.col(0),
        vec!["NULL", "10.5", "12.5", "20.5", "21.5", "30.5"]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT current FROM meters ORDER BY current DESC",
    );
    assert_eq!(
        r.col(0),
        vec!["30.5", "21.5", "20.5", "12.5", "10.5", "NULL"]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT current FROM meters ORDER BY current ASC NULLS LAST LIMIT 2",
    );
    assert_eq!(r.col(0), vec!["10.5", "12.5"]);
    let r = query(
        &e,
        &mut s,
        "SELECT voltage FROM meters ORDER BY 1 DESC LIMIT 2 OFFSET 1",
    );
    assert_eq!(r.col(0), vec!["230", "222"]);
    let r = query(
        &e,
        &mut s,
        "SELECT voltage v FROM meters ORDER BY v LIMIT 1, 2",
    );
    assert_eq!(r.col(0), vec!["220", "221"]);
    let r = query(
        &e,
        &mut s,
        "SELECT ts FROM meters ORDER BY groupid DESC, ts DESC LIMIT 2",
    );
    assert_eq!(r.col(0), vec!["1700000004000", "1700000003000"]);
    let r = query(&e, &mut s, "SELECT * FROM d1 LIMIT 10 OFFSET 10");
    assert_eq!(r.rows.len(), 0);
    assert_eq!(r.blocks, 0);
}

#[test]
fn distinct_values() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT DISTINCT location FROM meters ORDER BY location",
    );
    assert_eq!(r.col(0), vec!["b_x%", "beijing", "shanghai"]);
    let r = query(
        &e,
        &mut s,
        "SELECT DISTINCT tbname, groupid FROM meters ORDER BY tbname",
    );
    assert_eq!(
        r.text(),
        vec![vec!["d1", "1"], vec!["d2", "2"], vec!["d3", "3"]]
    );
}

#[test]
fn precision_of_results() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE n PRECISION 'ns'",
        "USE n",
        "CREATE TABLE t (ts TIMESTAMP, v INT)",
    ]);
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES ('2024-01-01 00:00:00.123456789', 1)",
    );
    let r = query(&e, &mut s, "SELECT ts FROM t");
    assert_eq!(r.col(0), vec!["1704067200123456789"]);
}

#[test]
fn large_results_split_into_blocks() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v INT)",
    ]);
    let mut sql = String::from("INSERT INTO t VALUES ");
    for i in 0..10_000 {
        sql.push_str(&format!("({}, {i}) ", 1_700_000_000_000i64 + i));
    }
    assert_eq!(exec(&e, &mut s, &sql), 10_000);
    let r = query(&e, &mut s, "SELECT * FROM t");
    assert_eq!(r.blocks, 3);
    assert_eq!(r.rows.len(), 10_000);
    assert_eq!(cell(&r.rows[9_999][1]), "9999");
}

#[test]
fn information_schema_with_use() {
    let (e, mut s) = data();
    exec(&e, &mut s, "USE information_schema");
    let r = query(&e, &mut s, "SELECT table_name FROM ins_tables WHERE db_name = 'power' AND table_name LIKE 'd%' ORDER BY table_name DESC");
    assert_eq!(r.col(0), vec!["d3", "d2", "d1"]);
    let r = query(
        &e,
        &mut s,
        "SELECT col_name, col_type, col_length FROM ins_columns WHERE table_name = 'meters'",
    );
    assert_eq!(r.text()[1], vec!["current", "FLOAT", "4"]);
}

#[test]
fn scalar_functions_and_cast() {
    let (e, mut s) = data();
    let r = query(&e, &mut s, "SELECT abs(-2), length(location), upper(location), concat(location, '-', tbname), cast(voltage AS VARCHAR(10)), cast(current AS INT) FROM d1 LIMIT 1");
    assert_eq!(
        r.text(),
        vec![vec!["2", "7", "BEIJING", "beijing-d1", "220", "10"]]
    );
    assert_eq!(r.names[4], "cast(voltage as varchar(10))");
}

#[test]
fn json_tag_access() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE STABLE js (ts TIMESTAMP, v INT) TAGS (info JSON)",
        r#"INSERT INTO j1 USING js TAGS ('{"k1":"v1","k2":5}') VALUES (1700000000000, 1)"#,
        r#"INSERT INTO j2 USING js TAGS ('{"k1":"v2"}') VALUES (1700000000000, 2)"#,
    ]);
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, info->'k1', info->'k2', info CONTAINS 'k2' FROM js ORDER BY tbname",
    );
    assert_eq!(
        r.names,
        vec!["tbname", "info->'k1'", "info->'k2'", "info contains 'k2'"]
    );
    assert_eq!(r.types[1], Ty::Json);
    assert_eq!(
        r.text(),
        vec![
            vec!["j1", "\"v1\"", "5.0", "true"], // sent as 5.000000000, decoded as JSON
            vec!["j2", "\"v2\"", "NULL", "false"],
        ]
    );
    let r = query(&e, &mut s, "SELECT v FROM js WHERE info->'k1' = 'v2'");
    assert_eq!(r.col(0), vec!["2"]);
    let r = query(&e, &mut s, "SELECT v FROM js WHERE info->'k2' > 4");
    assert_eq!(r.col(0), vec!["1"]);
    assert_eq!(
        err(&e, &mut s, "SELECT v FROM js WHERE info = 'x'").code,
        0x072D
    );
}

#[test]
fn plain_partition_by_limits_each_partition() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, ts FROM meters PARTITION BY tbname LIMIT 1",
    );
    assert_eq!(
        r.text(),
        vec![
            vec!["d1", "1700000000000"],
            vec!["d2", "1700000000000"],
            vec!["d3", "1700000004000"],
        ]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, ts FROM meters PARTITION BY tbname ORDER BY ts DESC LIMIT 1",
    );
    assert_eq!(r.text(), vec![vec!["d3", "1700000004000"]]);
}

#[test]
fn select_tags_lists_children() {
    let (e, mut s) = data();
    exec(&e, &mut s, "CREATE TABLE d4 USING meters TAGS ('empty', 4)");
    let r = query(
        &e,
        &mut s,
        "SELECT TAGS tbname, location FROM meters WHERE groupid > 1 ORDER BY tbname",
    );
    assert_eq!(r.names, vec!["tbname", "location"]);
    assert_eq!(
        r.text(),
        vec![
            vec!["d2", "shanghai"],
            vec!["d3", "b_x%"],
            vec!["d4", "empty"]
        ]
    );
    assert_eq!(
        err(&e, &mut s, "SELECT TAGS current FROM meters").code,
        0x2602
    );
}

#[test]
fn time_and_math_functions() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT to_iso8601(ts), to_iso8601(ts, '+08:00'), timetruncate(ts, 1h), timediff(ts, '2023-11-14 22:00:00', 1m), to_unixtimestamp('2024-01-01T00:00:00Z'), substr(location, 2, 3), log(100, 10), cos(0) FROM d1 LIMIT 1",
    );
    assert_eq!(r.types[2], Ty::Timestamp);
    assert_eq!(
        r.text(),
        vec![vec![
            "2023-11-14T22:13:20.000+0000",
            "2023-11-15T06:13:20.000+08:00",
            "1699999200000",
            "13",
            "1704067200000",
            "eij",
            "2",
            "1"
        ]]
    );
}

#[test]
fn subqueries_in_from() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT avg(c) FROM (SELECT current * 2 AS c FROM meters WHERE current IS NOT NULL)",
    );
    assert_eq!(r.names, vec!["avg(c)"]);
    assert_eq!(r.text(), vec![vec!["38.2"]]);
    let r = query(&e, &mut s, "SELECT t.tbname, n FROM (SELECT tbname, count(*) n FROM meters GROUP BY tbname) t WHERE n > 1 ORDER BY n DESC");
    assert_eq!(r.text(), vec![vec!["d1", "3"], vec!["d2", "2"]]);
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, sum(v) FROM (SELECT ts, voltage v FROM d1) INTERVAL(2s)",
    );
    assert_eq!(
        r.text(),
        vec![vec!["1700000000000", "441"], vec!["1700000002000", "222"]]
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "SELECT count(*) FROM (SELECT ts FROM d1 ORDER BY ts DESC) INTERVAL(1s)"
        )
        .code,
        0x2600
    );
}

#[test]
fn diff_and_csum_follow_each_timeline() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE STABLE st (ts TIMESTAMP, v INT, f DOUBLE) TAGS (t INT)",
        "INSERT INTO a USING st TAGS (1) VALUES (1700000001000, 1, 1.5) (1700000002000, 4, NULL) (1700000003000, 2, 2.5) \
         b USING st TAGS (2) VALUES (1700000001500, 10, 1.0) (1700000002500, 30, 2.0)",
    ]);
    let r = query(&e, &mut s, "SELECT ts, diff(v) FROM a");
    assert_eq!(r.names, vec!["ts", "diff(v)"]);
    assert_eq!(r.types[1], Ty::BigInt);
    assert_eq!(
        r.text(),
        vec![vec!["1700000002000", "3"], vec!["1700000003000", "-2"]]
    );
    // A negative change: 1 makes it NULL, 3 drops the row, 2 keeps it.
    assert_eq!(
        query(&e, &mut s, "SELECT diff(v, 1) FROM a").col(0),
        vec!["3", "NULL"]
    );
    assert_eq!(
        query(&e, &mut s, "SELECT diff(v, 3) FROM a").col(0),
        vec!["3"]
    );
    assert_eq!(
        query(&e, &mut s, "SELECT diff(v, 2) FROM a").col(0),
        vec!["3", "-2"]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, csum(f) FROM st PARTITION BY tbname ORDER BY tbname, ts",
    );
    assert_eq!(
        r.text(),
        vec![
            vec!["a", "1.5"],
            vec!["a", "4"],
            vec!["b", "1"],
            vec!["b", "3"]
        ]
    );
    let r = query(&e, &mut s, "SELECT csum(v) FROM st");
    assert_eq!(r.col(0), vec!["1", "11", "15", "45", "47"]);
    exec(&e, &mut s, "INSERT INTO b VALUES (1700000001000, 5, 5.0)");
    assert_eq!(err(&e, &mut s, "SELECT diff(v) FROM st").code, 0x2805);
    assert_eq!(
        err(&e, &mut s, "SELECT diff(v), count(*) FROM a").code,
        0x264F
    );
}
