//! Passwords and tokens never reach an error message, a log line or a
//! `Debug` output: each case sets a secret, provokes errors and logging,
//! and searches everything shown for it.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use taos_emulator::Emulator;
use taos_orm::{Database, InsertMode, Inserter, InserterOptions, Retry, TdTable};

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device: i32,
}

/// Every log line of this crate's targets on the current thread, at every
/// level, into a buffer. (The `taos` client's own TRACE lines show the URL
/// it connects to, token included: that is its output, not ours.)
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("taos_orm=trace")
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Panics naming the place where any of `secrets` shows in `shown`.
fn assert_hidden(what: &str, shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "{what} shows {secret:?}: {shown}");
    }
}

/// The error, its `Debug`, and every source below it.
fn everything_shown(error: &(dyn std::error::Error + 'static)) -> String {
    let mut shown = format!("{error} {error:?}");
    let mut source = error.source();
    while let Some(e) = source {
        shown.push_str(&format!(" | {e} {e:?}"));
        source = e.source();
    }
    shown
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_token_is_not_shown() {
    const TOKEN: &str = "T0ken-right-4b1d";
    const WRONG: &str = "T0ken-wrong-9e2c";
    let logs = Captured::default();
    let _guard = logs.install();
    // The client retries a refused `/ws` on the legacy `/rest/ws` (a 404
    // that drops the URL from the error) whenever the refusal's text holds
    // "400", as a port such as 40012 does: keep to ports without it so that
    // the refusal shown is the one naming the URL.
    let mut emulator = Emulator::builder().token(TOKEN).start().await.unwrap();
    while emulator.dsn().contains("400") {
        emulator = Emulator::builder().token(TOKEN).start().await.unwrap();
    }
    let good = emulator.dsn();
    assert!(good.contains(TOKEN));
    let bad = good.replace(TOKEN, WRONG);
    let error = taos_orm::connect(&bad).await.unwrap_err();
    let shown = everything_shown(&error);
    assert!(
        shown.contains("token=***"),
        "the refusal names the URL, redacted: {shown}"
    );
    assert_hidden("connect error", &shown, &[WRONG]);

    let taos = taos_orm::connect(&good).await.unwrap();
    let db = Database::new(Arc::new(taos), "absent", taos_orm::Precision::Millisecond);
    assert_hidden("Database", &format!("{db:?}"), &[TOKEN]);
    let inserter: Inserter<Meter, _> = Inserter::new(db.clone(), InserterOptions::default());
    assert_hidden("Inserter", &format!("{inserter:?}"), &[TOKEN]);
    drop(inserter);
    let manager = taos_orm::TaosManager::from_dsn(&good).unwrap();
    assert_hidden("TaosManager", &format!("{manager:?}"), &[TOKEN]);
    assert_hidden("logs", &logs.text(), &[TOKEN, WRONG]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_password_is_not_shown_on_either_target() {
    let logs = Captured::default();
    let _guard = logs.install();
    let dsn = with_credentials(&common::dsn());
    let (user, password) = credentials(&dsn);
    let wrong = "Passw0rd-wrong-71fa";
    let bad = dsn.replacen(
        &format!("{user}:{password}@"),
        &format!("{user}:{wrong}@"),
        1,
    );
    assert_ne!(bad, dsn);
    let error = taos_orm::connect(&bad).await.unwrap_err();
    assert_hidden("connect error", &everything_shown(&error), &[wrong]);

    let taos = taos_orm::connect(&dsn).await.unwrap();
    let db = Database::new(
        Arc::new(taos),
        common::unique_db("absent"),
        taos_orm::Precision::Millisecond,
    );
    assert_hidden("Database", &format!("{db:?}"), &[password]);
    // Failing writes log warnings; none names the password.
    let rows = [Meter {
        ts: 1_700_000_000_000,
        current: 1.0,
        device: 1,
    }];
    let error = db.insert(&rows).await.unwrap_err();
    assert_hidden("insert error", &everything_shown(&error), &[password]);
    let options = InserterOptions::default()
        .mode(InsertMode::Sql)
        .retry(Retry::NONE);
    let mut inserter = Inserter::new(db.clone(), options);
    inserter.push(rows[0].clone());
    let error = inserter.flush().await.unwrap_err();
    assert_hidden("flush error", &everything_shown(&error), &[password]);
    inserter.take_pending();
    let manager = taos_orm::TaosManager::from_dsn(&dsn).unwrap();
    assert_hidden("TaosManager", &format!("{manager:?}"), &[password]);
    let shown = logs.text();
    assert!(
        shown.contains("flush failed"),
        "the logs were captured: {shown}"
    );
    assert_hidden("logs", &shown, &[password, wrong]);
}

#[test]
fn a_blocking_database_does_not_show_its_connection() {
    use taos::sync::TBuilder;
    let dsn = with_credentials(&common::dsn());
    let (_, password) = credentials(&dsn);
    let taos = taos::sync::TaosBuilder::from_dsn(&dsn)
        .unwrap()
        .build()
        .unwrap();
    let db = taos_orm::blocking::Database::new(taos, "absent", taos_orm::Precision::Millisecond);
    assert_hidden("blocking::Database", &format!("{db:?}"), &[password]);
}

/// The DSN with a user and password: its own, or the defaults that the
/// emulator (and a stock server) accepts.
fn with_credentials(dsn: &str) -> String {
    let (scheme, rest) = dsn.split_once("://").expect("a DSN");
    if rest.contains('@') {
        dsn.to_owned()
    } else {
        format!("{scheme}://root:taosdata@{rest}")
    }
}

/// The DSN's user and password.
fn credentials(dsn: &str) -> (&str, &str) {
    let rest = dsn.split_once("://").map_or(dsn, |(_, r)| r);
    let (userinfo, _) = rest.rsplit_once('@').expect("credentials");
    userinfo.split_once(':').expect("a password")
}
