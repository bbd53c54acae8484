//! The synchronous API, for programs without an async runtime.
//!
//! ```text
//! cargo run --example sync
//! ```

use taos::sync::TBuilder;
use taos_orm::blocking::Database;
use taos_orm::{DatabaseOptions, Precision, TdTable};

#[derive(Debug, Clone, TdTable)]
#[taos(table = "logbook")]
struct Entry {
    #[taos(ts)]
    ts: i64,
    #[taos(nchar(64))]
    message: String,
    level: u8,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Holds the emulator, when one is started, for the whole run.
    let target = taos_emulator::TestTarget::from_env_blocking()?;
    println!("{}", target.describe());
    let dsn = target.dsn.clone();
    let taos = taos::TaosBuilder::from_dsn(&dsn)?.build()?;
    let options = DatabaseOptions::new("sync_example").precision(Precision::Microsecond);
    let db = Database::create(&taos, &options)?;
    db.create_table::<Entry>()?;

    let base = 1_704_067_200_000_000; // microseconds
    let entries: Vec<Entry> = ["boot", "ready", "überhitzt ⚠", "cooling down"]
        .iter()
        .enumerate()
        .map(|(i, m)| Entry {
            ts: base + i as i64 * 1_500,
            message: m.to_string(),
            level: i as u8 % 3,
        })
        .collect();
    db.insert(&entries)?;

    for entry in db.iter::<Entry>("SELECT * FROM sync_example.logbook ORDER BY ts")? {
        let entry = entry?;
        println!("{:>20} [{}] {}", entry.ts, entry.level, entry.message);
    }
    db.drop_database()?;
    Ok(())
}
