//! The `taos-orm` binary against `TAOS_DSN` (or an emulator when unset):
//! `generate` prints the structs, `snapshot` writes the file the derive's
//! `check_schema` reads, and bad input is a clear error with a failing exit.

use std::process::Command;

use taos::AsyncQueryable;
use taos::AsyncTBuilder;

const BIN: &str = env!("CARGO_BIN_EXE_taos-orm");

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().expect("run taos-orm");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_and_snapshot_a_database() {
    let target = taos_emulator::TestTarget::from_env().await.unwrap();
    let dsn = target.dsn.clone();
    let db = format!("t_cli_{}", std::process::id());
    let taos = taos::TaosBuilder::from_dsn(&dsn)
        .unwrap()
        .build()
        .await
        .unwrap();
    for sql in [
        format!("CREATE DATABASE `{db}` VGROUPS 1"),
        format!(
            "CREATE STABLE `{db}`.meters (ts TIMESTAMP, current FLOAT) TAGS (location VARCHAR(64))"
        ),
        format!("CREATE TABLE `{db}`.log (ts TIMESTAMP, msg NCHAR(16))"),
    ] {
        taos.exec(&sql).await.unwrap();
    }
    // The binary blocks; the emulator (if any) runs on this runtime.
    let (dsn2, db2) = (dsn.clone(), db.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let generated = run(&[
            "generate",
            "--dsn",
            &dsn2,
            "--database",
            &db2,
            "--table",
            "meters",
        ]);
        let missing = run(&[
            "generate",
            "--dsn",
            &dsn2,
            "--database",
            &db2,
            "--table",
            "nope",
        ]);
        let file = std::env::temp_dir().join(format!("{db2}-schema.txt"));
        let snapshot = run(&[
            "snapshot",
            "--dsn",
            &dsn2,
            "--database",
            &db2,
            "--out",
            file.to_str().unwrap(),
        ]);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let _ = std::fs::remove_file(&file);
        (generated, missing, snapshot, text)
    })
    .await
    .unwrap();
    taos.exec(format!("DROP DATABASE `{db}`")).await.unwrap();
    let (generated, missing, snapshot, text) = outcome;

    assert!(generated.0, "{}", generated.2);
    assert!(generated
        .1
        .contains("#[taos(stable = \"meters\")]\npub struct Meters {"));
    assert!(
        !generated.1.contains("pub struct Log"),
        "only the table asked for"
    );
    assert!(!missing.0);
    assert_eq!(
        missing.2.trim(),
        format!("error: database `{db}` has no super or normal table `nope`")
    );
    assert!(snapshot.0, "{}", snapshot.2);
    assert_eq!(
        text,
        format!(
            "database `{db}`\ntable `log`\n  column `ts` TIMESTAMP\n  column `msg` NCHAR(16)\n\
             stable `meters`\n  column `ts` TIMESTAMP\n  column `current` FLOAT\n  tag `location` VARCHAR(64)\n"
        )
    );
}

#[test]
fn a_missing_database_is_a_clear_error() {
    let (ok, _, err) = run(&["generate", "--dsn", "ws://127.0.0.1:1", "--database", "x"]);
    assert!(!ok);
    assert!(err.starts_with("error: "), "{err}");
}
