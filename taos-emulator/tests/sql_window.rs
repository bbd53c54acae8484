//! Window queries: INTERVAL (+SLIDING, FILL), SESSION, STATE_WINDOW, PARTITION BY.

mod sql_support;
use sql_support::*;
use taos_query::common::Ty;

/// Minute-spaced data: d1 at minutes 0,1,2,5 and d2 at minutes 0,6.
fn data() -> (taos_emulator::Engine, taos_emulator::api::Session) {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES ('2024-01-01 00:00:00', 1, 1, 0) ('2024-01-01 00:01:00', 2, 1, 0) ('2024-01-01 00:02:30', 3, 2, 0) ('2024-01-01 00:05:00', 4, 2, 0) \
         d2 USING meters TAGS ('sh', 2) VALUES ('2024-01-01 00:00:10', 10, 5, 0) ('2024-01-01 00:06:00', 20, 5, 0)",
    );
    (e, s)
}

const T0: i64 = 1_704_067_200_000;

fn ts(min: i64) -> String {
    (T0 + min * 60_000).to_string()
}

#[test]
fn interval_over_a_stable_merges_children() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, _wend, _wduration, count(*), sum(current) FROM meters INTERVAL(2m)",
    );
    assert_eq!(
        r.names,
        vec!["_wstart", "_wend", "_wduration", "count(*)", "sum(current)"]
    );
    assert_eq!(
        r.types,
        vec![
            Ty::Timestamp,
            Ty::Timestamp,
            Ty::BigInt,
            Ty::BigInt,
            Ty::Double
        ]
    );
    assert_eq!(
        r.text(),
        vec![
            vec![ts(0), ts(2), "120000".into(), "3".into(), "13".into()],
            vec![ts(2), ts(4), "120000".into(), "1".into(), "3".into()],
            vec![ts(4), ts(6), "120000".into(), "1".into(), "4".into()],
            vec![ts(6), ts(8), "120000".into(), "1".into(), "20".into()],
        ]
    );
}

#[test]
fn interval_with_offset_and_sliding() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, count(*) FROM d1 INTERVAL(2m, 1m)",
    );
    assert_eq!(r.col(0), vec![ts(-1), ts(1), ts(5)]);
    assert_eq!(r.col(1), vec!["1", "2", "1"]);
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, count(*) FROM d1 INTERVAL(2m) SLIDING(1m)",
    );
    assert_eq!(r.col(0), vec![ts(-1), ts(0), ts(1), ts(2), ts(4), ts(5)]);
    assert_eq!(r.col(1), vec!["1", "2", "2", "1", "1", "1"]);
}

#[test]
fn partition_by_tbname_with_limit_per_partition() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, _wstart, max(current) FROM meters PARTITION BY tbname INTERVAL(1m) LIMIT 2",
    );
    let mut got = r.text();
    got.sort();
    assert_eq!(
        got,
        vec![
            vec!["d1".to_string(), ts(0), "1".into()],
            vec!["d1".to_string(), ts(1), "2".into()],
            vec!["d2".to_string(), ts(0), "10".into()],
            vec!["d2".to_string(), ts(6), "20".into()],
        ]
    );
    let r = query(&e, &mut s, "SELECT tbname, _wstart, max(current) FROM meters PARTITION BY tbname INTERVAL(1m) ORDER BY _wstart DESC LIMIT 2");
    assert_eq!(r.col(1), vec![ts(6), ts(5)]);
}

#[test]
fn fill_modes() {
    let (e, mut s) = data();
    let range = "WHERE ts >= '2024-01-01 00:00:00' AND ts < '2024-01-01 00:06:00'";
    let q = |s: &mut taos_emulator::api::Session, fill: &str| {
        query(
            &e,
            s,
            &format!(
                "SELECT _wstart, avg(current), count(*) FROM d1 {range} INTERVAL(1m) FILL({fill})"
            ),
        )
        .text()
    };
    let none = q(&mut s, "NONE");
    assert_eq!(none.len(), 4);
    let null = q(&mut s, "NULL");
    assert_eq!(null.len(), 6);
    assert_eq!(null[3], vec![ts(3), "NULL".into(), "NULL".into()]);
    let value = q(&mut s, "VALUE, 9, 0");
    assert_eq!(value[3], vec![ts(3), "9".into(), "0".into()]);
    let prev = q(&mut s, "PREV");
    assert_eq!(prev[3], vec![ts(3), "3".into(), "1".into()]);
    let next = q(&mut s, "NEXT");
    assert_eq!(next[3], vec![ts(3), "4".into(), "1".into()]);
    let linear = q(&mut s, "LINEAR");
    assert_eq!(
        linear[3],
        vec![ts(3), "3.3333333333333335".into(), "1".into()]
    );
    // No data in range: FILL(NULL) yields nothing, NULL_F forces windows.
    let empty = "WHERE ts >= '2025-01-01 00:00:00' AND ts < '2025-01-01 00:03:00'";
    let r = query(
        &e,
        &mut s,
        &format!("SELECT _wstart, count(*) FROM d1 {empty} INTERVAL(1m) FILL(NULL)"),
    );
    assert_eq!(r.rows.len(), 0);
    let r = query(
        &e,
        &mut s,
        &format!("SELECT _wstart, count(*) FROM d1 {empty} INTERVAL(1m) FILL(NULL_F)"),
    );
    assert_eq!(r.rows.len(), 3);
    assert_eq!(
        err(
            &e,
            &mut s,
            "SELECT count(*) FROM d1 INTERVAL(1m) FILL(PREV)"
        )
        .code,
        0x263B
    );
}

#[test]
fn session_and_state_windows() {
    let (e, mut s) = data();
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, _wend, _wduration, count(*) FROM d1 SESSION(ts, 90s)",
    );
    assert_eq!(
        r.text(),
        vec![
            vec![
                ts(0),
                (T0 + 150_000).to_string(),
                "150000".into(),
                "3".into()
            ],
            vec![ts(5), ts(5), "0".into(), "1".into()],
        ]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, count(*), first(current) FROM d1 STATE_WINDOW(voltage)",
    );
    assert_eq!(
        r.text(),
        vec![
            vec![ts(0), "2".into(), "1".into()],
            vec![(T0 + 150_000).to_string(), "2".into(), "3".into()]
        ]
    );
    assert_eq!(
        err(&e, &mut s, "SELECT count(*) FROM d1 STATE_WINDOW(current)").code,
        0x2628
    );
}

#[test]
fn window_errors() {
    let (e, mut s) = data();
    assert_eq!(
        err(&e, &mut s, "SELECT * FROM d1 INTERVAL(1m)").code,
        0x2667
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "SELECT count(*) FROM d1 INTERVAL(1m) GROUP BY voltage"
        )
        .code,
        0x2600
    );
    assert_eq!(
        err(&e, &mut s, "SELECT count(*) FROM d1 INTERVAL(1m, 2m)").code,
        0x262F
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "SELECT count(*) FROM d1 INTERVAL(1m) SLIDING(2m)"
        )
        .code,
        0x2631
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "SELECT count(*) FROM d1 INTERVAL(100s) SLIDING(10a)"
        )
        .code,
        0x2632
    );
    assert_eq!(err(&e, &mut s, "SELECT _wstart FROM d1").code, 0x2658);
}

#[test]
fn now_relative_ranges_fold_to_constants() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v INT)",
    ]);
    exec(
        &e,
        &mut s,
        "INSERT INTO t VALUES (NOW - 90s, 1) (NOW - 30s, 2) (NOW - 2h, 3)",
    );
    let r = query(&e, &mut s, "SELECT count(*) FROM t WHERE ts > NOW - 1h");
    assert_eq!(r.text(), vec![vec!["2"]]);
    let r = query(&e, &mut s, "SELECT _wstart, count(*) FROM t WHERE ts >= NOW - 5m AND ts < NOW INTERVAL(1m) FILL(VALUE, 0)");
    assert!((5..=6).contains(&r.rows.len()), "{} windows", r.rows.len());
    let counts: i64 = r.col(1).iter().map(|c| c.parse::<i64>().unwrap()).sum();
    assert_eq!(counts, 2);
    let r = query(&e, &mut s, "SELECT 1 + 1, 'a' LIKE concat('%', '')");
    assert_eq!(r.text(), vec![vec!["2", "true"]]);
}

#[test]
fn event_and_count_windows() {
    let (e, mut s) = data();
    // d1 currents: 1, 2, 3, 4 at minutes 0, 1, 2.5, 5.
    let r = query(&e, &mut s, "SELECT _wstart, count(*), sum(current) FROM d1 EVENT_WINDOW START WITH current >= 2 END WITH current >= 3");
    assert_eq!(
        r.text(),
        vec![
            vec![ts(1), "2".into(), "5".into()],
            vec![ts(5), "1".into(), "4".into()]
        ]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, _wend, count(*) FROM d1 COUNT_WINDOW(3)",
    );
    assert_eq!(
        r.text(),
        vec![
            vec![ts(0), (T0 + 150_000).to_string(), "3".into()],
            vec![ts(5), ts(5), "1".into()],
        ]
    );
    let r = query(&e, &mut s, "SELECT count(*) FROM d1 COUNT_WINDOW(2, 1)");
    assert_eq!(r.col(0), vec!["2", "2", "2"]);
    assert_eq!(
        err(&e, &mut s, "SELECT count(*) FROM d1 COUNT_WINDOW(1)").code,
        0x2645
    );
}

#[test]
fn interp_over_a_range() {
    let (e, mut s) = data();
    // d1 currents: 1, 2, 3, 4 at minutes 0, 1, 2.5, 5.
    let q = |s: &mut taos_emulator::api::Session, fill: &str| {
        query(&e, s, &format!("SELECT _irowts, interp(current) FROM d1 RANGE('2024-01-01 00:00:00', '2024-01-01 00:03:00') EVERY(1m) {fill}")).text()
    };
    // INTERP needs RANGE, EVERY and FILL, and FILL(NONE) is not one.
    let missing = "SELECT _irowts, interp(current) FROM d1 RANGE('2024-01-01 00:00:00', '2024-01-01 00:03:00') EVERY(1m)";
    assert_eq!(err(&e, &mut s, missing).code, 0x265D);
    assert_eq!(
        err(&e, &mut s, &format!("{missing} FILL(NONE)")).code,
        0x2605
    );
    assert_eq!(
        err(&e, &mut s, "SELECT interp(current) FROM d1").code,
        0x265D
    );
    let linear = q(&mut s, "FILL(LINEAR)");
    assert_eq!(
        linear,
        vec![
            vec![ts(0), "1".into()],
            vec![ts(1), "2".into()],
            vec![ts(2), "2.6666667".into()],
            vec![ts(3), "3.2".into()],
        ]
    );
    let prev = q(&mut s, "FILL(PREV)");
    assert_eq!(prev[3], vec![ts(3), "3".to_string()]);
    let value = q(&mut s, "FILL(VALUE, 9)");
    assert_eq!(value[2], vec![ts(2), "9".to_string()]);
    let r = query(&e, &mut s, "SELECT _irowts, interp(current) FROM d1 RANGE('2024-01-01 00:00:00', '2024-01-01 00:03:00') EVERY(1m) FILL(NULL)");
    assert_eq!(r.names, vec!["_irowts", "interp(current)"]);
    assert_eq!(r.types, vec![Ty::Timestamp, Ty::Float]);
    assert_eq!(r.col(1), vec!["1", "2", "NULL", "NULL"]);
    assert_eq!(err(&e, &mut s, "SELECT interp(current), count(*) FROM d1 RANGE('2024-01-01 00:00:00', '2024-01-01 00:03:00') EVERY(1m) FILL(NULL)").code, 0x2600);
}

/// A counter that resets: 10, 20, then 5, ten seconds apart.
fn counter(e: &taos_emulator::Engine, s: &mut taos_emulator::api::Session) {
    exec(
        e,
        s,
        "INSERT INTO c USING meters TAGS ('gz', 3) VALUES (1704067200000, 10, 1, 0) (1704067210000, 20, 1, 0) (1704067220000, 5, 1, 0)",
    );
}

#[test]
fn irate_uses_the_last_two_points() {
    let (e, mut s) = data();
    // d1: 3 at 150 s, 4 at 300 s; d2: 10 at 10 s, 20 at 360 s.
    let r = query(&e, &mut s, "SELECT irate(current) FROM d1");
    assert_eq!(r.names, vec!["irate(current)"]);
    assert_eq!(r.types, vec![Ty::Double]);
    assert_eq!(r.col(0), vec![(1.0f64 / 150.0).to_string()]);
    let r = query(
        &e,
        &mut s,
        "SELECT tbname, irate(current) FROM meters PARTITION BY tbname ORDER BY tbname",
    );
    assert_eq!(
        r.text(),
        vec![
            vec!["d1".to_string(), (1.0f64 / 150.0).to_string()],
            vec!["d2".to_string(), (10.0f64 / 350.0).to_string()],
        ]
    );
    // [0, 3m): 2 at 60 s, 3 at 150 s; [3m, 6m): a single point has no rate.
    let r = query(&e, &mut s, "SELECT irate(current) FROM d1 INTERVAL(3m)");
    assert_eq!(r.col(0), vec![(1.0f64 / 90.0).to_string(), "0".into()]);
    // A drop is a counter reset: the last value alone is the increase.
    counter(&e, &mut s);
    let r = query(&e, &mut s, "SELECT irate(current) FROM c");
    assert_eq!(r.col(0), vec!["0.5"]);
}

#[test]
fn derivative_per_unit_of_time() {
    let (e, mut s) = data();
    let r = query(&e, &mut s, "SELECT ts, derivative(current, 1m, 0) FROM d1");
    assert_eq!(r.names, vec!["ts", "derivative(current, 1m, 0)"]);
    assert_eq!(r.types[1], Ty::Double);
    // +1 over 60 s, +1 over 90 s, +1 over 150 s.
    assert_eq!(
        r.text(),
        vec![
            vec![ts(1), "1".into()],
            vec![(T0 + 150_000).to_string(), (1.0f64 / 1.5).to_string()],
            vec![ts(5), "0.4".into()],
        ]
    );
    counter(&e, &mut s);
    assert_eq!(
        query(&e, &mut s, "SELECT derivative(current, 1s, 0) FROM c").col(0),
        vec!["1", "-1.5"]
    );
    assert_eq!(
        query(&e, &mut s, "SELECT derivative(current, 10s, 1) FROM c").col(0),
        vec!["10"]
    );
    // A real server takes units below a second, down to one tick.
    query(&e, &mut s, "SELECT derivative(current, 10a, 0) FROM c");
    for bad in [
        "SELECT derivative(current, 1b, 0) FROM c",
        "SELECT derivative(current, 1s, 2) FROM c",
        "SELECT derivative(current, 1s) FROM c",
    ] {
        assert!(err(&e, &mut s, bad).code >= 0x2600, "{bad}");
    }
}

#[test]
fn true_for_drops_short_state_and_event_windows() {
    let (e, mut s) = data();
    // d1 voltage states: [0 s, 60 s] and [150 s, 300 s].
    let r = query(
        &e,
        &mut s,
        "SELECT _wstart, _wduration, count(*) FROM d1 STATE_WINDOW(voltage) TRUE_FOR(90s)",
    );
    assert_eq!(
        r.text(),
        vec![vec![
            (T0 + 150_000).to_string(),
            "150000".into(),
            "2".into()
        ]]
    );
    // The bound is inclusive.
    let r = query(
        &e,
        &mut s,
        "SELECT count(*) FROM d1 STATE_WINDOW(voltage) TRUE_FOR(1m)",
    );
    assert_eq!(r.col(0), vec!["2", "2"]);
    // Events: [60 s, 150 s] and the one-row window at 300 s.
    let r = query(&e, &mut s, "SELECT _wstart, count(*) FROM d1 EVENT_WINDOW START WITH current >= 2 END WITH current >= 3 TRUE_FOR(1s)");
    assert_eq!(r.text(), vec![vec![ts(1), "2".into()]]);
}

/// Tumbling windows over tables merged window by window must answer as the
/// sorted timeline does: a WHERE filter that every row passes sends the
/// same query down the row-at-a-time path, and both must agree on every
/// cell, with children interleaved at irregular times, NULLs, equal
/// timestamps across children, partitions, offsets and FILL.
#[test]
fn tumbling_windows_agree_with_the_sorted_timeline() {
    let (e, mut s) = meters();
    let mut next = 7u64;
    let mut rand = |m: u64| {
        next = next.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (next >> 33) % m
    };
    for child in 0..6 {
        let mut sql = format!(
            "INSERT INTO c{child} USING meters TAGS ('{}', {child}) VALUES",
            ["bj", "sh", "gz"][child % 3]
        );
        let mut t = T0 + rand(90_000) as i64;
        for _ in 0..200 {
            t += 1 + rand(40_000) as i64;
            // Quarters add up exactly, so sums and averages do not depend on
            // the order rows are added in.
            let current = match rand(7) {
                0 => "NULL".to_string(),
                _ => format!("{}", rand(400) as f64 / 4.0),
            };
            let voltage = rand(30) as i64 - 5;
            sql.push_str(&format!(" ({t}, {current}, {voltage}, 0)"));
        }
        exec(&e, &mut s, &sql);
    }
    // Some timestamps shared across children.
    exec(
        &e,
        &mut s,
        &format!("INSERT INTO c0 VALUES ({T0}, 1.5, 3, 0) c1 VALUES ({T0}, 1.5, 4, 0) c2 VALUES ({T0}, 2.5, 3, 0)"),
    );
    let selects = "_wstart, _wend, count(*), count(current), sum(voltage), avg(current), \
                   min(current), max(voltage), first(current), last(voltage), last_row(current), \
                   spread(voltage), elapsed(ts), hyperloglog(voltage)";
    for (partition, window) in [
        ("", "INTERVAL(1m)"),
        ("", "INTERVAL(7s)"),
        ("", "INTERVAL(2m, 30s)"),
        ("PARTITION BY tbname", "INTERVAL(3m)"),
        ("PARTITION BY location", "INTERVAL(1m) FILL(PREV)"),
        ("PARTITION BY groupid", "INTERVAL(10m)"),
    ] {
        let range = format!("ts >= {T0} AND ts < {}", T0 + 3_600_000);
        let fast = format!("SELECT {selects} FROM meters WHERE {range} {partition} {window}");
        let slow = format!(
            "SELECT {selects} FROM meters WHERE {range} AND voltage > -1000 {partition} {window}"
        );
        let (a, b) = (query(&e, &mut s, &fast), query(&e, &mut s, &slow));
        assert!(a.rows.len() > 10, "{fast}: {} windows", a.rows.len());
        assert_eq!(a.text(), b.text(), "{fast}");
    }
}
