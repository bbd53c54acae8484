//! Error codes and messages, and robustness against malformed input.

mod sql_support;
use proptest::prelude::*;
use sql_support::*;
use taos_emulator::api::{Executor, Session};
use taos_emulator::Engine;

#[test]
fn grammar_errors() {
    let (e, mut s) = engine(&[]);
    let near = err(&e, &mut s, "SELEC 1");
    assert_eq!(
        (near.code, near.message.as_str()),
        (0x2600, "syntax error near \"selec 1\"")
    );
    assert_eq!(err(&e, &mut s, "SELECT * FROM").code, 0x2601);
    assert_eq!(err(&e, &mut s, "").code, 0x2601);
    assert_eq!(err(&e, &mut s, "SELECT 'unterminated").code, 0x2600);
    let deep = format!(
        "SELECT * FROM {}t{}",
        "(SELECT * FROM ".repeat(50_000),
        ")".repeat(50_000)
    );
    assert_eq!(err(&e, &mut s, &deep).code, 0x2600);
    let big = format!("SELECT {}", "1+".repeat(600_000));
    assert_eq!(err(&e, &mut s, &big).code, 0x2600);
}

#[test]
fn missing_objects() {
    let (e, mut s) = meters();
    assert_eq!(err(&e, &mut s, "SELECT * FROM nope").code, 0x2603);
    assert_eq!(err(&e, &mut s, "DESCRIBE nope").code, 0x2603);
    assert_eq!(err(&e, &mut s, "SELECT nope FROM meters").code, 0x2602);
    assert_eq!(err(&e, &mut s, "SELECT * FROM nodb.meters").code, 0x0388);
    let mut fresh = Session::default();
    assert_eq!(err(&e, &mut fresh, "SELECT * FROM meters").code, 0x2616);
    assert_eq!(
        err(&e, &mut s, "SELECT nofunc(current) FROM meters").code,
        0x0374
    );
}

#[test]
fn reserved_words_need_backticks() {
    let (e, mut s) = engine(&["CREATE DATABASE d", "USE d"]);
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE t (ts TIMESTAMP, value INT)").code,
        0x2600
    );
    exec(
        &e,
        &mut s,
        "CREATE TABLE t (ts TIMESTAMP, `value` INT, `Level` INT)",
    );
    exec(
        &e,
        &mut s,
        "INSERT INTO t (ts, `value`, `Level`) VALUES (1700000000000, 1, 2)",
    );
    let r = query(&e, &mut s, "SELECT `value`, `Level` FROM t");
    assert_eq!(r.names, vec!["value", "Level"]);
    assert_eq!(err(&e, &mut s, "SELECT `level` FROM t").code, 0x2602);
}

fn check(engine: &Engine, sql: &str) {
    let mut s = Session {
        database: Some("d".into()),
    };
    // Ok or Err are both fine; a panic fails the property.
    let _ = engine.execute(&mut s, sql);
    // And the engine still answers: no lock was left poisoned.
    assert!(
        engine.execute(&mut s, "SELECT COUNT(*) FROM d.st").is_ok(),
        "{sql}"
    );
}

fn fuzz_engine() -> Engine {
    let (e, _) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE STABLE st (ts TIMESTAMP, v INT, s VARCHAR(8)) TAGS (t INT)",
        "INSERT INTO c1 USING st TAGS (1) VALUES (1700000000000, 1, 'a') (1700000001000, NULL, 'b')",
    ]);
    e
}

const TOKENS: &[&str] = &[
    "select",
    "insert",
    "into",
    "values",
    "from",
    "where",
    "create",
    "table",
    "stable",
    "tags",
    "using",
    "drop",
    "alter",
    "add",
    "column",
    "tag",
    "group",
    "by",
    "order",
    "limit",
    "offset",
    "and",
    "or",
    "not",
    "in",
    "like",
    "between",
    "is",
    "null",
    "(",
    ")",
    ",",
    ".",
    ";",
    "*",
    "+",
    "-",
    "/",
    "%",
    "=",
    "<>",
    "<",
    ">=",
    "'x'",
    "\"y\"",
    "`z`",
    "1",
    "1.5",
    "0x1f",
    "10s",
    "now",
    "st",
    "c1",
    "v",
    "s",
    "t",
    "ts",
    "tbname",
    "count",
    "avg",
    "last",
    "first",
    "distinct",
    "describe",
    "show",
    "tables",
    "database",
    "if",
    "exists",
    "timestamp",
    "int",
    "varchar(4)",
    "'2024-01-01 00:00:00'",
    "-9223372036854775808",
    "99999999999999999999",
    "as",
    "desc",
    "asc",
    "interval(1s)",
    "interval(1a, 0)",
    "sliding(1s)",
    "fill(prev)",
    "fill(linear)",
    "fill(value, 1)",
    "fill(null_f)",
    "partition",
    "session(ts, 1s)",
    "state_window(v)",
    "->",
    "contains",
    "delete",
    "_wstart",
    "_wend",
    "having",
    "cast",
    "json",
    "'{\"k\":1}'",
    "ts >= 0",
    "ts <= 9223372036854775807",
    "9223372036854775807",
    "-1d",
    "1n",
    "spread(ts)",
    "diff(v)",
    "csum(v)",
    "top(v, 2)",
    "(select * from st)",
    "(select ts, v from c1)",
    "slimit",
    "soffset",
    "tags",
    "percentile(v, 50)",
    "event_window start with v > 0 end with v < 0",
    "count_window(2)",
    "interp(v)",
    "range(0, 1)",
    "every(1s)",
    "match",
    "1e400",
    "9223372036854775808",
    "double",
    "nchar(2)",
    "varbinary(3)",
    "geometry(20)",
    "?",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_never_panic(sql in "\\PC{0,200}") {
        check(&fuzz_engine(), &sql);
    }

    #[test]
    fn token_soup_never_panics(toks in prop::collection::vec(prop::sample::select(TOKENS), 0..40)) {
        check(&fuzz_engine(), &toks.join(" "));
    }

    #[test]
    fn statement_prefixes_never_panic(
        head in prop::sample::select(&[
            "select * from st where", "insert into c1 values", "insert into c9 using st tags",
            "create table x (ts timestamp,", "select count(*) from st group by", "alter stable st",
            "select v from c1 order by", "create database q", "select last(*) from",
            "select _wstart, count(*) from st where ts >= 0 and ts <= 9223372036854775807 interval(1a) fill(",
            "select count(*) from st partition by tbname", "delete from st where",
        ][..]),
        toks in prop::collection::vec(prop::sample::select(TOKENS), 0..20),
    ) {
        check(&fuzz_engine(), &format!("{head} {}", toks.join(" ")));
    }
}
