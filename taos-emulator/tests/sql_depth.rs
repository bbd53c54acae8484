//! Statements nested or chained far deeper than anyone writes by hand are
//! answered as the real server answers them, never with a stack overflow
//! (which would take the whole emulator down). Each runs on a default
//! 2 MiB test thread.

use taos_emulator::api::{Executor, Output, Session};
use taos_emulator::engine::Engine;

/// The row count of a query, or its error code.
fn rows(sql: &str) -> Result<usize, u32> {
    let engine = Engine::default();
    let mut session = Session::default();
    match engine.execute(&mut session, sql) {
        Ok(Output::Rows(result)) => Ok(result.rows),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e.code),
    }
}

#[test]
fn twenty_thousand_nested_parentheses() {
    let n = 20_000;
    let sql = format!("SELECT {}1{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(rows(&sql), Ok(1));
}

#[test]
fn deep_function_nesting_and_unary_minus() {
    let n = 5_000;
    let sql = format!("SELECT {}1{}", "ABS(".repeat(n), ")".repeat(n));
    assert_eq!(rows(&sql), Ok(1));
    let sql = format!("SELECT {}1", "- ".repeat(n));
    assert_eq!(rows(&sql), Ok(1));
}
