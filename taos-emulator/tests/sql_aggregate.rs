//! Aggregates, selection functions and GROUP BY.

mod sql_support;
use sql_support::*;
use taos_query::common::Ty;

fn data() -> (taos_emulator::Engine, taos_emulator::api::Session) {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "INSERT INTO d1 USING meters TAGS ('beijing', 1) VALUES (1700000000000, 1, 220, NULL) (1700000001000, 2, 221, NULL) (1700000002000, NULL, 222, NULL) \
         d2 USING meters TAGS ('shanghai', 2) VALUES (1700000000500, 3, 230, 0.5) (1700000003000, 4, NULL, 0.8) (1700000004000, 5, 250, NULL)",
    );
    (e, s)
}

#[test]
fn names_types_and_values() {
    let (e, mut s) = data();
    let r = query(&e, &mut s, "SELECT count(*), COUNT(current), sum(voltage), AVG(Current), min(current), max(voltage), spread(current), stddev(current), sum(current) FROM meters");
    assert_eq!(
        r.names,
        vec![
            "count(*)",
            "count(current)",
            "sum(voltage)",
            "avg(current)",
            "min(current)",
            "max(voltage)",
            "spread(current)",
            "stddev(current)",
            "sum(current)"
        ]
    );
    assert_eq!(
        r.types,
        vec![
            Ty::BigInt,
            Ty::BigInt,
            Ty::BigInt,
            Ty::Double,
            Ty::Float,
            Ty::Int,
            Ty::Double,
            Ty::Double,
            Ty::Double
        ]
    );
    assert_eq!(
        r.text(),
        vec![vec![
            "6",
            "5",
            "1143",
            "3",
            "1",
            "250",
            "4",
            "1.4142135623730951",
            "15"
        ]]
    );
}

#[test]
fn first_last_last_row() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT first(current), last(current), last_row(current), last(phase), first(ts) FROM d1",
    );
    assert_eq!(
        r.text(),
        vec![vec!["1", "2", "NULL", "NULL", "1700000000000"]]
    );
    let r = query(&e, &mut s, "SELECT last(*) FROM meters");
    assert_eq!(
        r.names,
        vec!["last(ts)", "last(current)", "last(voltage)", "last(phase)"]
    );
    assert_eq!(r.text(), vec![vec!["1700000004000", "5", "250", "0.8"]]);
    let r = query(&e, &mut s, "SELECT last(phase) FROM d1");
    assert_eq!(r.rows.len(), 0, "all-NULL FIRST/LAST yields no row");
}

#[test]
fn selection_functions_carry_plain_columns() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT max(voltage), ts, tbname, location FROM meters",
    );
    assert_eq!(
        r.text(),
        vec![vec!["250", "1700000004000", "d2", "shanghai"]]
    );
    let r = query(&e, &mut s, "SELECT last(current), voltage FROM d1");
    assert_eq!(r.text(), vec![vec!["2", "221"]]);
}

#[test]
fn group_by_tags_and_tbname() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT location, count(*), avg(voltage) FROM meters GROUP BY location ORDER BY location",
    );
    assert_eq!(
        r.text(),
        vec![vec!["beijing", "3", "221"], vec!["shanghai", "3", "240"]]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, max(current) m FROM meters GROUP BY tbname ORDER BY m DESC",
    );
    assert_eq!(r.text(), vec![vec!["d2", "5"], vec!["d1", "2"]]);
    let r = query(
        &e,
        &mut s,
        "SELECT count(*) FROM meters GROUP BY groupid HAVING count(*) > 100",
    );
    assert_eq!(r.rows.len(), 0);
    let r = query(&e, &mut s, "SELECT groupid, sum(current) FROM meters WHERE ts > 1700000000000 GROUP BY groupid ORDER BY 2");
    assert_eq!(r.text(), vec![vec!["1", "2"], vec!["2", "12"]]);
}

#[test]
fn empty_inputs() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT count(*), sum(current) FROM meters WHERE ts > 1800000000000",
    );
    assert_eq!(r.text(), vec![vec!["0", "NULL"]]);
    let r = query(
        &e,
        &mut s,
        "SELECT count(*) FROM meters WHERE ts > 1800000000000 GROUP BY tbname",
    );
    assert_eq!(r.rows.len(), 0);
    let r = query(
        &e,
        &mut s,
        "SELECT first(current) FROM meters WHERE ts > 1800000000000",
    );
    assert_eq!(r.rows.len(), 0);
}

#[test]
fn grouping_errors() {
    let (e, mut s) = data();
    let single = err(&e, &mut s, "SELECT count(*), voltage FROM meters");
    assert_eq!(
        (single.code, single.message.as_str()),
        (0x260C, "Not a single-group group function")
    );
    let group = err(
        &e,
        &mut s,
        "SELECT voltage, count(*) FROM meters GROUP BY location",
    );
    assert_eq!(
        (group.code, group.message.as_str()),
        (0x260A, "Not a GROUP BY expression")
    );
    assert_eq!(
        err(&e, &mut s, "SELECT sum(location) FROM meters").code,
        0x2802
    );
}

#[test]
fn aggregate_over_a_million_rows_is_fast() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v DOUBLE)",
    ]);
    for chunk in 0..100 {
        let mut sql = String::with_capacity(300_000);
        sql.push_str("INSERT INTO t VALUES ");
        for i in 0..10_000i64 {
            let n = chunk * 10_000 + i;
            sql.push_str(&format!("({}, {}.5) ", 1_700_000_000_000 + n, n % 100));
        }
        exec(&e, &mut s, &sql);
    }
    let start = std::time::Instant::now();
    let r = query(&e, &mut s, "SELECT count(*), avg(v), max(v) FROM t");
    let took = start.elapsed();
    assert_eq!(r.text(), vec![vec!["1000000", "50", "99.5"]]);
    // Generous bound: debug builds are ~10x slower than release.
    assert!(took.as_secs_f64() < 5.0, "full scan took {took:?}");
}

#[test]
fn statistical_aggregates() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v INT, k VARCHAR(4))",
    ]);
    exec(&e, &mut s, "INSERT INTO t VALUES (1700000000000, 1, 'a') (1700000001000, 2, 'b') (1700000002000, 3, 'b') (1700000003000, 4, NULL) (1700000004000, 5, 'a') (1700000005000, NULL, 'b')");
    let r = query(&e, &mut s, "SELECT percentile(v, 50), apercentile(v, 25), hyperloglog(k), mode(k), elapsed(ts), elapsed(ts, 1s), twa(v), var_pop(v) FROM t");
    assert_eq!(
        r.names,
        vec![
            "percentile(v, 50)",
            "apercentile(v, 25)",
            "hyperloglog(k)",
            "mode(k)",
            "elapsed(ts)",
            "elapsed(ts, 1s)",
            "twa(v)",
            "var_pop(v)"
        ]
    );
    assert_eq!(
        r.types,
        vec![
            Ty::Double,
            Ty::Double,
            Ty::BigInt,
            Ty::VarChar,
            Ty::Double,
            Ty::Double,
            Ty::Double,
            Ty::Double
        ]
    );
    assert_eq!(
        r.text(),
        // APERCENTILE's histogram answers 1.25 here, as a real server does.
        vec![vec!["3", "1.25", "2", "b", "5000", "5", "3", "2"]]
    );
    // Out of range is 0x2811; a fractional percent is fine for PERCENTILE
    // only; APERCENTILE's algorithm is 'default' or 't-digest' (0x2803).
    for (sql, code) in [
        ("SELECT percentile(v, 101) FROM t", 0x2811),
        ("SELECT apercentile(v, -1) FROM t", 0x2811),
        ("SELECT apercentile(v, 50.0) FROM t", 0x2802),
        ("SELECT apercentile(v, 50, 'x') FROM t", 0x2803),
    ] {
        assert_eq!(err(&e, &mut s, sql).code, code, "{sql}");
    }
    query(
        &e,
        &mut s,
        "SELECT percentile(v, 50.5), apercentile(v, 50, 't-digest') FROM t",
    );
    assert_eq!(err(&e, &mut s, "SELECT elapsed(v) FROM t").code, 0x2802);
}

#[test]
fn top_and_bottom_return_rows_in_time_order() {
    let (e, mut s) = data();
    let r = query(&e, &mut s, "SELECT top(current, 2), ts, tbname FROM meters");
    assert_eq!(r.names, vec!["top(current, 2)", "ts", "tbname"]);
    assert_eq!(r.types[0], Ty::Float);
    assert_eq!(
        r.text(),
        vec![
            vec!["4", "1700000003000", "d2"],
            vec!["5", "1700000004000", "d2"]
        ]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, bottom(voltage, 1) FROM meters GROUP BY tbname ORDER BY tbname",
    );
    assert_eq!(r.text(), vec![vec!["d1", "220"], vec!["d2", "230"]]);
    assert_eq!(
        err(&e, &mut s, "SELECT top(current, 0) FROM meters").code,
        0x2802
    );
    assert_eq!(
        err(&e, &mut s, "SELECT top(current, 2), count(*) FROM meters").code,
        0x2600
    );
}

#[test]
fn limit_applies_per_group_and_slimit_limits_groups() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, count(*) FROM meters GROUP BY tbname LIMIT 1",
    );
    assert_eq!(r.rows.len(), 2, "LIMIT is per group without ORDER BY");
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, count(*) FROM meters GROUP BY tbname ORDER BY tbname LIMIT 1",
    );
    assert_eq!(r.text(), vec![vec!["d1", "3"]]);
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, count(*) FROM meters GROUP BY tbname SLIMIT 1 SOFFSET 1",
    );
    assert_eq!(r.rows.len(), 1);
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, ts FROM meters PARTITION BY tbname SLIMIT 1 LIMIT 2",
    );
    assert_eq!(r.rows.len(), 2);
    assert_eq!(
        err(&e, &mut s, "SELECT ts FROM meters SLIMIT 1").code,
        0x2638
    );
}
