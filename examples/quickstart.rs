//! The README's main example: a super table of meters, a few thousand rows
//! across ten devices, read back and summarised.
//!
//! Runs against `TAOS_DSN` when it is set (e.g. `ws://localhost:6041`), and
//! otherwise against the in-process TDengine emulator.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use taos_orm::{Database, DatabaseOptions, TdTable};

/// One reading of a smart meter; `location` and `group_id` are tags, and each
/// device gets its own child table `d<device>`.
#[derive(Debug, Clone, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: DateTime<Utc>,
    current: f32,
    voltage: i32,
    phase: f32,
    #[taos(tag, varchar(24))]
    location: String,
    #[taos(tag)]
    group_id: i32,
    #[taos(tag)]
    device: i32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Holds the emulator, when one is started, for the whole run.
    let target = taos_emulator::TestTarget::from_env().await?;
    println!("{}", target.describe());
    let dsn = target.dsn.clone();

    let taos = taos_orm::connect(&dsn).await?;
    let db = Database::create(&taos, &DatabaseOptions::new("quickstart")).await?;
    db.create_table::<Meter>().await?;

    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let rows: Vec<Meter> = (0..10)
        .flat_map(|device| {
            (0..300).map(move |i| Meter {
                ts: start + Duration::seconds(10 * i),
                current: 10.0 + (device as f32) * 0.5 + (i % 7) as f32 * 0.125,
                voltage: 218 + (i % 5) as i32,
                phase: 0.3 + (i % 3) as f32 * 0.01,
                location: ["California.SanFrancisco", "California.LosAngeles"][device as usize % 2]
                    .into(),
                group_id: device % 3,
                device,
            })
        })
        .collect();
    let report = db.insert(&rows).await?;
    println!(
        "Inserted {} rows in {} statement(s).",
        report.rows, report.statements
    );

    let sql = format!(
        "SELECT * FROM `{}`.`meters` WHERE ts >= '2024-01-01T00:00:00Z'",
        db.name()
    );
    let back: Vec<Meter> = db.fetch_all(&sql).await?;

    let mut per_device: BTreeMap<i32, (usize, f64, i32, &str)> = BTreeMap::new();
    for m in &back {
        let entry = per_device.entry(m.device).or_insert((0, 0.0, i32::MIN, ""));
        entry.0 += 1;
        entry.1 += f64::from(m.current);
        entry.2 = entry.2.max(m.voltage);
        entry.3 = &m.location;
    }
    println!();
    println!(
        "{:>6} | {:>5} | {:>11} | {:>11} | location",
        "device", "rows", "avg current", "max voltage"
    );
    println!(
        "{:-<6}-+-{:-<5}-+-{:-<11}-+-{:-<11}-+-{:-<24}",
        "", "", "", "", ""
    );
    for (device, (n, sum, max_v, location)) in &per_device {
        println!(
            "{device:>6} | {n:>5} | {:>11.3} | {max_v:>11} | {location}",
            sum / *n as f64
        );
    }
    println!();
    // Rows are keyed by timestamp per device, so running this again rewrites
    // the same rows instead of adding more.
    println!(
        "{} rows in `{}`.`meters`.",
        db.count::<Meter>().await?,
        db.name()
    );
    Ok(())
}
