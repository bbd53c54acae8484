//! The SQL front end and the engine behind it answer any text with a
//! result or a TDengine error, never a panic: random token soups from
//! TDengine's vocabulary (which reach deep into the parser and, when they
//! parse, into the engine) and arbitrary Unicode. Bounded for CI;
//! `PROPTEST_CASES` runs more.

use proptest::prelude::*;
use taos_emulator::api::{Executor, Session};
use taos_emulator::engine::Engine;

const WORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "BETWEEN",
    "LIKE",
    "MATCH",
    "IS",
    "NULL",
    "AS",
    "GROUP",
    "BY",
    "PARTITION",
    "ORDER",
    "DESC",
    "LIMIT",
    "OFFSET",
    "SLIMIT",
    "INTERVAL",
    "SLIDING",
    "FILL",
    "PREV",
    "LINEAR",
    "VALUE",
    "SESSION",
    "STATE_WINDOW",
    "EVENT_WINDOW",
    "START",
    "WITH",
    "END",
    "COUNT_WINDOW",
    "INSERT",
    "INTO",
    "USING",
    "TAGS",
    "VALUES",
    "CREATE",
    "DROP",
    "TABLE",
    "STABLE",
    "DATABASE",
    "IF",
    "EXISTS",
    "ALTER",
    "ADD",
    "COLUMN",
    "TAG",
    "SET",
    "DELETE",
    "SHOW",
    "DESCRIBE",
    "USE",
    "CAST",
    "COUNT",
    "SUM",
    "AVG",
    "LAST",
    "LAST_ROW",
    "FIRST",
    "DIFF",
    "DERIVATIVE",
    "INTERP",
    "RANGE",
    "EVERY",
    "TWA",
    "PERCENTILE",
    "APERCENTILE",
    "CONCAT",
    "SUBSTR",
    "NOW",
    "TODAY",
    "TIMETRUNCATE",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "_wstart",
    "_wend",
    "tbname",
    "ts",
    "v",
    "t",
    "f.meters",
    "f.d1",
    "meters",
    "d1",
    "*",
    "(",
    ")",
    ",",
    ".",
    ";",
    "+",
    "-",
    "/",
    "%",
    "=",
    "<>",
    "<",
    ">=",
    "&",
    "|",
    "0",
    "1",
    "-1",
    "1.5e308",
    "1e400",
    "9223372036854775808",
    "'x'",
    "'",
    "\"q\"",
    "`v`",
    "`",
    "1s",
    "10a",
    "1n",
    "INT",
    "BIGINT",
    "FLOAT",
    "DOUBLE",
    "BINARY(4)",
    "NCHAR(2)",
    "VARCHAR(8)",
    "TIMESTAMP",
    "BOOL",
    "JSON",
    "GEOMETRY(20)",
    "VARBINARY(3)",
    "?",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..40).prop_map(|w| w.join(" "))
}

/// An engine with a database `f` holding a super table, a child and rows.
fn engine() -> (Engine, Session) {
    let engine = Engine::default();
    let mut session = Session::default();
    for sql in [
        "CREATE DATABASE f",
        "CREATE STABLE f.meters (ts TIMESTAMP, v INT, s VARCHAR(8)) TAGS (t INT)",
        "INSERT INTO f.d1 USING f.meters TAGS (1) VALUES (1700000000000, 1, 'a') (1700000001000, NULL, 'b')",
        "USE f",
    ] {
        engine.execute(&mut session, sql).expect("set-up");
    }
    (engine, session)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(1_000),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn token_soups_get_an_answer(sql in soup()) {
        let (engine, mut session) = engine();
        let _ = engine.execute(&mut session, &sql);
        // The engine still answers afterwards: no lock was left poisoned.
        prop_assert!(engine.execute(&mut session, "SELECT COUNT(*) FROM f.meters").is_ok());
    }

    #[test]
    fn any_text_gets_an_answer(sql in any::<String>()) {
        let _ = taos_emulator::sql::parse(&sql);
        let (engine, mut session) = engine();
        let _ = engine.execute(&mut session, &sql);
    }

    #[test]
    fn a_valid_query_with_garbage_appended_gets_an_answer(tail in soup()) {
        let (engine, mut session) = engine();
        let sql = format!("SELECT v, s FROM f.meters WHERE {tail}");
        let _ = engine.execute(&mut session, &sql);
    }
}
