//! A typed TMQ consumer: a writer task inserts meter readings while an
//! alerting consumer reads the topic of high readings, prints an alert per
//! device and commits; a restart without committing shows the replay.
//!
//! Runs against `TAOS_DSN` when it is set, and otherwise against the
//! in-process TDengine emulator.
//!
//! ```text
//! cargo run --example subscribe
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use taos_orm::tmq::{Consumer, ConsumerOptions, Topic};
use taos_orm::{Database, DatabaseOptions, Precision, TdTable};

#[derive(Debug, Clone, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    voltage: i32,
    #[taos(tag)]
    device: i32,
}

const TOPIC: &str = "subscribe_example_high";
const ROWS: i64 = 200;
const DEVICES: i32 = 5;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = taos_emulator::TestTarget::from_env().await?;
    println!("{}", target.describe());
    let dsn = target.dsn.clone();

    let taos = taos_orm::connect(&dsn).await?;
    let db = Database::create(&taos, &DatabaseOptions::new("subscribe_example")).await?;
    db.drop_topic_force(TOPIC).await?;
    db.create_table::<Meter>().await?;
    // The typed query is checked like any other: a misspelled column or a
    // voltage compared with a string does not compile.
    let high = Meter::query().filter(|m| m.voltage.gt(235) | m.current.gt(14.5));
    db.create_topic(&Topic::query(TOPIC, high)).await?;

    // The writer: one row per device every few milliseconds, on its own
    // connection, while the alerter below consumes.
    let written = AtomicBool::new(false);
    let writer = async {
        let taos = taos_orm::connect(&dsn).await?;
        let db = Database::new(&taos, "subscribe_example", Precision::Millisecond);
        let t0 = chrono::Utc::now().timestamp_millis() - ROWS * 1000;
        for i in 0..ROWS {
            let batch: Vec<Meter> = (0..DEVICES)
                .map(|device| Meter {
                    ts: t0 + i * 1000,
                    current: 10.0 + ((i * 7 + device as i64) % 50) as f32 / 10.0,
                    voltage: 220 + ((i * 13 + device as i64 * 3) % 20) as i32,
                    device,
                })
                .collect();
            db.insert(&batch).await?;
            if i % 20 == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        written.store(true, Ordering::Release);
        Ok::<(), taos_orm::Error>(())
    };

    // The alerter: commits each message once its alerts are out, and
    // stops when the writer is done and nothing more comes.
    let options = ConsumerOptions::new("alerter").client_id("alerter-1");
    let alerter = Consumer::<Meter>::subscribe(&dsn, &options, [TOPIC]).await?;
    let alerting = async {
        let mut alerts: BTreeMap<i32, usize> = BTreeMap::new();
        loop {
            let done = written.load(Ordering::Acquire);
            match alerter.recv_timeout(Duration::from_secs(2)).await? {
                Some(message) => {
                    for m in message.rows() {
                        *alerts.entry(m.device).or_default() += 1;
                    }
                    alerter.commit(&message).await?;
                }
                None if done => return Ok::<_, taos_orm::Error>(alerts),
                None => {}
            }
        }
    };
    let (wrote, alerts) = tokio::join!(writer, alerting);
    wrote?;
    let alerts = alerts?;
    for (device, n) in &alerts {
        println!("device {device}: {n} alerts (voltage > 235 V or current > 14.5 A)");
    }
    let total: usize = alerts.values().sum();
    alerter.unsubscribe().await;

    // More readings arrive; this consumer reads them but stops before
    // committing.
    let late: Vec<Meter> = (0..DEVICES)
        .map(|device| Meter {
            ts: chrono::Utc::now().timestamp_millis(),
            current: 15.0,
            voltage: 240,
            device,
        })
        .collect();
    db.insert(&late).await?;
    let crashed = Consumer::<Meter>::subscribe(&dsn, &options, [TOPIC]).await?;
    let mut unacknowledged = 0;
    while let Some(message) = crashed.recv_timeout(Duration::from_secs(2)).await? {
        unacknowledged += message.rows().len();
    }
    drop(crashed);

    // Its replacement in the same group gets exactly those rows again.
    let restarted = Consumer::<Meter>::subscribe(&dsn, &options, [TOPIC]).await?;
    let mut replayed = 0;
    while let Some(message) = restarted.recv_timeout(Duration::from_secs(2)).await? {
        replayed += message.rows().len();
        restarted.commit(&message).await?;
    }
    restarted.unsubscribe().await;
    println!(
        "{total} alerts committed; {unacknowledged} rows read without a commit, \
         {replayed} delivered again after the restart"
    );

    db.drop_topic(TOPIC).await?;
    db.drop_database().await?;
    if unacknowledged != late.len() || replayed != late.len() {
        return Err(format!(
            "expected {} rows read and replayed, got {unacknowledged} and {replayed}",
            late.len()
        )
        .into());
    }
    Ok(())
}
