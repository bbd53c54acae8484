//! Per-device 10-minute averages over a day of meter readings, with the
//! windows of an outage filled from the previous window (`FILL(PREV)`).
//!
//! Runs against `TAOS_DSN` when it is set (e.g. `ws://localhost:6041`), and
//! otherwise against the in-process TDengine emulator.
//!
//! ```text
//! cargo run --example windows
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use taos_orm::query::{avg, count, wstart, Fill, TimeSpan};
use taos_orm::{Database, DatabaseOptions, TdRow, TdTable};

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: DateTime<Utc>,
    current: f32,
    #[taos(tag)]
    device: i32,
}

/// One 10-minute window of one device.
#[derive(Debug, TdRow)]
struct Window {
    tbname: String,
    #[taos(rename = "_wstart")]
    start: DateTime<Utc>,
    avg_current: Option<f64>,
    readings: Option<i64>,
}

/// The average and reading count of one device in one window.
type Cell = (Option<f64>, Option<i64>);

/// Devices stop reporting for a while: d1 from 06:00 to 08:00, d2 from
/// 13:00 to 13:40.
fn offline(device: i32, minute: i64) -> bool {
    match device {
        1 => (360..480).contains(&minute),
        2 => (780..820).contains(&minute),
        _ => false,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Holds the emulator, when one is started, for the whole run.
    let target = taos_emulator::TestTarget::from_env().await?;
    println!("{}", target.describe());
    let dsn = target.dsn.clone();

    let taos = taos_orm::connect(&dsn).await?;
    let db = Database::create(&taos, &DatabaseOptions::new("windows_example")).await?;
    db.create_table::<Meter>().await?;

    // A reading every 30 seconds for a day, per device.
    let day = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let rows: Vec<Meter> = (0..3)
        .flat_map(|device| {
            (0..2880).filter_map(move |i: i64| {
                let minute = i / 2;
                (!offline(device, minute)).then(|| Meter {
                    ts: day + Duration::seconds(30 * i),
                    current: 10.0 + device as f32 + (minute % 60) as f32 / 20.0,
                    device,
                })
            })
        })
        .collect();
    let report = db.insert(&rows).await?;
    println!("Inserted {} readings.", report.rows);

    let query = Meter::query()
        .select(|m| {
            (
                m.tbname,
                wstart(),
                avg(m.current).alias("avg_current"),
                count(m.current).alias("readings"),
            )
        })
        .filter(|m| m.ts.range(day..day + Duration::days(1)))
        .partition_by(|m| m.tbname)
        .interval(TimeSpan::minutes(10))
        .fill(Fill::Prev);
    println!("{}", query.sql_for(&db)?);
    let windows: Vec<Window> = query.fetch_all(&db).await?;

    // Partitions come back in no particular order: lay them out as a grid.
    let mut grid: BTreeMap<DateTime<Utc>, BTreeMap<String, Cell>> = BTreeMap::new();
    for w in &windows {
        grid.entry(w.start)
            .or_default()
            .insert(w.tbname.clone(), (w.avg_current, w.readings));
    }
    let devices: Vec<String> = (0..3).map(|d| format!("d{d}")).collect();
    println!();
    print!("{:>5}", "start");
    for d in &devices {
        print!(" | {d:>13}");
    }
    println!();
    for (start, cells) in &grid {
        print!("{}", start.format("%H:%M"));
        for d in &devices {
            match cells.get(d) {
                Some((Some(avg), Some(n))) => print!(" | {avg:>8.3} ({n:>2})"),
                _ => print!(" | {:>13}", "-"),
            }
        }
        println!();
    }
    println!();
    println!(
        "{} windows; during an outage a device repeats its last window (FILL(PREV)), reading count included.",
        windows.len()
    );
    Ok(())
}
