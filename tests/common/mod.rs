//! Shared set-up of the integration tests.
//!
//! `TAOS_DSN` set: the tests run against that server (a real TDengine 3.x).
//! Unset: against one in-process emulator shared by the test binary. Either
//! way each test works in its own uniquely named database and drops it at the
//! end, so tests can run in parallel and against a shared real server.
#![allow(dead_code)]

pub mod everything;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// The DSN to test against: `TAOS_DSN`, or the shared emulator's.
pub fn dsn() -> String {
    static TARGET: OnceLock<taos_emulator::TestTarget> = OnceLock::new();
    TARGET
        .get_or_init(|| taos_emulator::TestTarget::from_env_blocking().expect("start the emulator"))
        .dsn
        .clone()
}

/// The DSN with `database` as its path, keeping any `?token=...` parameters
/// (schemaless writes go to the DSN's database).
pub fn dsn_with_database(database: &str) -> String {
    let dsn = dsn();
    let (head, params) = match dsn.split_once('?') {
        Some((head, params)) => (head.to_owned(), format!("?{params}")),
        None => (dsn.clone(), String::new()),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    format!("{}/{database}{params}", &head[..host_end])
}

/// A database name no other test (or earlier run against a shared real
/// server) uses: prefix, process id, a per-process counter and the time.
pub fn unique_db(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("t_{prefix}_{}_{n}_{nanos}", std::process::id())
}
