//! The data every query test reads, small enough to compute results by hand.
//!
//! `T0` is a whole hour. d1 (`bj`): rows at +0s, +10s, +20s, +65s, +70s with
//! current 1, NULL, 3, 5, 7, voltage 10..50 by tens and status on, on, off,
//! off, on. d2 (`sh`): rows at +5s and +125s, current 2 and 4, voltage 100
//! and 200, status on.
#![allow(dead_code)]

use taos::AsyncTBuilder;
use taos_orm::{Database, Precision, TdTable};

/// 2023-11-14T22:00:00Z in milliseconds: a whole hour.
pub const T0_MS: i64 = 1_699_999_200_000;

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
pub struct Meter {
    #[taos(ts)]
    pub ts: i64,
    pub current: Option<f32>,
    pub voltage: i32,
    #[taos(varchar(8))]
    pub status: Option<String>,
    #[taos(tag)]
    pub device: u32,
    #[taos(tag, nchar(16))]
    pub location: String,
}

/// Ticks per second in `precision`.
pub fn per_sec(precision: Precision) -> i64 {
    match precision {
        Precision::Millisecond => 1_000,
        Precision::Microsecond => 1_000_000,
        Precision::Nanosecond => 1_000_000_000,
    }
}

/// `T0` plus `secs` seconds, in `precision`.
pub fn at(precision: Precision, secs: i64) -> i64 {
    (T0_MS / 1000 + secs) * per_sec(precision)
}

pub fn rows(precision: Precision) -> Vec<Meter> {
    let row = |secs, current, voltage, status: &str, device, location: &str| Meter {
        ts: at(precision, secs),
        current,
        voltage,
        status: Some(status.to_owned()),
        device,
        location: location.to_owned(),
    };
    vec![
        row(0, Some(1.0), 10, "on", 1, "bj"),
        row(10, None, 20, "on", 1, "bj"),
        row(20, Some(3.0), 30, "off", 1, "bj"),
        row(65, Some(5.0), 40, "off", 1, "bj"),
        row(70, Some(7.0), 50, "on", 1, "bj"),
        row(5, Some(2.0), 100, "on", 2, "sh"),
        row(125, Some(4.0), 200, "on", 2, "sh"),
    ]
}

/// A fresh database of `precision` holding the fixture rows, and the guard
/// that drops it.
pub async fn setup(
    prefix: &str,
    precision: Precision,
) -> taos_orm::Result<(crate::common::TestDb, Database<taos::Taos>)> {
    let taos = taos::TaosBuilder::from_dsn(crate::common::dsn())?
        .build()
        .await?;
    let name = crate::common::TestDb::new(prefix);
    let options = name.options().precision(precision);
    let db = Database::create(taos, &options).await?;
    db.create_table::<Meter>().await?;
    db.insert(&rows(precision)).await?;
    Ok((name, db))
}
