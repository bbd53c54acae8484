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

/// A test's own database: a unique name, `VGROUPS 1` (a stock 2-core server
/// has only 9 vnodes), and a `DROP DATABASE IF EXISTS` when the guard goes
/// out of scope, also when the test panics or returns early with `?`, so one
/// failure never leaves a database behind for the tests after it.
///
/// Declare it before the `Database` it names so it drops last.
pub struct TestDb {
    name: String,
}

impl TestDb {
    /// A guard for a fresh database name starting with `prefix`.
    pub fn new(prefix: &str) -> TestDb {
        TestDb {
            name: unique_db(prefix),
        }
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `CREATE DATABASE` options for it: `VGROUPS 1`, the rest at the
    /// server's defaults.
    pub fn options(&self) -> taos_orm::DatabaseOptions {
        taos_orm::DatabaseOptions::new(&self.name).vgroups(1)
    }
}

impl std::fmt::Display for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop runs inside the test's tokio runtime, where blocking on a new
        // connection would panic: a thread of its own has none.
        let name = self.name.clone();
        let dsn = dsn();
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            use taos::sync::{Fetchable, Queryable, TBuilder};
            let taos = taos::TaosBuilder::from_dsn(&dsn)
                .and_then(|b| b.build())
                .map_err(|e| e.to_string())?;
            // A database with topics cannot be dropped (0x03ED); FORCE
            // also drops those a consumer still subscribes to.
            let topics: Vec<(String,)> = taos
                .query(format!(
                    "SELECT topic_name FROM information_schema.ins_topics WHERE db_name = '{name}'"
                ))
                .and_then(|mut rows| rows.deserialize().collect())
                .map_err(|e| e.to_string())?;
            for (topic,) in topics {
                taos.exec(format!("DROP TOPIC IF EXISTS FORCE `{topic}`"))
                    .map_err(|e| e.to_string())?;
            }
            taos.exec(format!("DROP DATABASE IF EXISTS `{name}`"))
                .map(drop)
                .map_err(|e| e.to_string())
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            // A leak fails the test, unless it is failing already.
            Ok(Err(e)) if !std::thread::panicking() => {
                panic!("test database `{}` not dropped: {e}", self.name)
            }
            Ok(Err(e)) => eprintln!("test database `{}` not dropped: {e}", self.name),
            Err(_) => eprintln!(
                "test database `{}` not dropped: the drop panicked",
                self.name
            ),
        }
    }
}

/// Proptest's settings for a suite test: `cases` cases from the fixed
/// `seed`, so CI runs the same cases every time, unless `PROPTEST_CASES` /
/// `PROPTEST_RNG_SEED` say otherwise; no regression files.
pub fn proptest_config(cases: u32, seed: u64) -> proptest::test_runner::Config {
    let mut config = proptest::test_runner::Config {
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(seed);
    }
    config
}
