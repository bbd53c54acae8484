//! Helpers shared by the `sql_*` engine tests: run SQL, decode result blocks.
#![allow(dead_code)]

use taos_emulator::api::{Executor, Output, Session, TdError};
use taos_emulator::Engine;
use taos_query::common::{RawBlock, Ty, Value};

/// A decoded result set.
pub struct Rows {
    pub names: Vec<String>,
    pub types: Vec<Ty>,
    pub lengths: Vec<u32>,
    pub rows: Vec<Vec<Value>>,
    pub blocks: usize,
}

impl Rows {
    /// Cells rendered as text (timestamps as raw integers, NULL as "NULL").
    pub fn text(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(cell).collect())
            .collect()
    }

    /// One column as text.
    pub fn col(&self, i: usize) -> Vec<String> {
        self.rows.iter().map(|r| cell(&r[i])).collect()
    }
}

pub fn cell(v: &Value) -> String {
    match v {
        Value::Timestamp(t) => t.as_raw_i64().to_string(),
        v => format!("{v}"),
    }
}

/// An engine with a session, after running `setup`.
pub fn engine(setup: &[&str]) -> (Engine, Session) {
    let e = Engine::new();
    let mut s = Session::default();
    for sql in setup {
        if let Err(err) = e.execute(&mut s, sql) {
            panic!("{sql}: {err}");
        }
    }
    (e, s)
}

/// The usual meters schema in database `power`.
pub fn meters() -> (Engine, Session) {
    engine(&[
        "CREATE DATABASE power",
        "USE power",
        "CREATE STABLE meters (ts TIMESTAMP, current FLOAT, voltage INT, phase FLOAT) TAGS (location VARCHAR(64), groupid INT)",
    ])
}

pub fn exec(e: &Engine, s: &mut Session, sql: &str) -> usize {
    match e.execute(s, sql) {
        Ok(Output::Affected(n)) => n,
        Ok(Output::Rows(r)) => r.rows,
        Err(err) => panic!("{sql}: {err}"),
    }
}

pub fn err(e: &Engine, s: &mut Session, sql: &str) -> TdError {
    match e.execute(s, sql) {
        Ok(_) => panic!("{sql}: expected an error"),
        Err(err) => err,
    }
}

pub fn query(e: &Engine, s: &mut Session, sql: &str) -> Rows {
    let r = match e.execute(s, sql) {
        Ok(Output::Rows(r)) => r,
        Ok(Output::Affected(_)) => panic!("{sql}: no result set"),
        Err(err) => panic!("{sql}: {err}"),
    };
    let names: Vec<String> = r.fields.iter().map(|f| f.name.clone()).collect();
    let mut rows = Vec::new();
    for b in &r.blocks {
        let mut raw = RawBlock::parse_from_raw_block(b.clone(), r.precision);
        raw.with_field_names(&names);
        assert!(raw.nrows() <= 4096);
        assert_eq!(raw.ncols(), names.len());
        rows.extend(raw.to_values());
    }
    assert_eq!(rows.len(), r.rows, "{sql}: row count");
    if r.rows == 0 {
        assert!(
            r.blocks.is_empty(),
            "{sql}: empty result must have no blocks"
        );
    }
    Rows {
        types: r.fields.iter().map(|f| f.ty).collect(),
        lengths: r.fields.iter().map(|f| f.bytes).collect(),
        names,
        blocks: r.blocks.len(),
        rows,
    }
}
