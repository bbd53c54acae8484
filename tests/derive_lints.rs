//! Expansions stay warning-free under strict lints, including clippy's
//! pedantic group when the suite runs under `cargo clippy`.

#![deny(
    warnings,
    unused_qualifications,
    unused_results,
    trivial_casts,
    trivial_numeric_casts,
    unreachable_pub,
    rust_2018_idioms,
    missing_debug_implementations
)]
#![deny(clippy::all, clippy::pedantic, clippy::nursery)]

use chrono::{DateTime, Utc};
use taos_orm::TdTable;

/// A super table with a template, options, a skip field and user types.
#[derive(Debug, TdTable)]
#[taos(stable = "meters", child = "d_{group_id}", comment = "lint check")]
pub struct Meter {
    #[taos(ts, compress = "lz4")]
    pub ts: DateTime<Utc>,
    #[taos(primary_key)]
    pub seq: i32,
    pub current: Option<f32>,
    #[taos(nchar(8))]
    pub note: String,
    #[taos(skip)]
    pub cache: Vec<u8>,
    #[taos(tag)]
    pub group_id: i32,
}

/// A normal table.
#[derive(Debug, TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(varbinary(4))]
    raw: Vec<u8>,
}

/// A super table named by a `tbname` field, with a JSON tag.
#[derive(Debug, TdTable)]
struct Doc {
    #[taos(ts)]
    ts: i64,
    value: f64,
    #[taos(json)]
    info: serde_json::Value,
    #[taos(tbname)]
    name: String,
}

#[test]
fn strict_lints_accept_the_expansions() {
    assert_eq!(Meter::SCHEMA.columns.len(), 4);
    assert_eq!(Log::SCHEMA.columns.len(), 2);
    assert_eq!(Doc::SCHEMA.tags.len(), 1);
}
