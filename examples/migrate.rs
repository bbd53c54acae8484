//! A table's life across two versions of its struct: create it from version
//! 1, write, evolve the struct (a new column, a new tag, a longer string),
//! see how the live table differs, migrate, and read old and new rows.
//!
//! Runs against `TAOS_DSN` when it is set, else the in-process emulator.
//!
//! ```text
//! cargo run --example migrate
//! ```

use taos_orm::{Database, DatabaseOptions, TdTable};

mod v1 {
    use taos_orm::TdTable;

    #[derive(Debug, Clone, TdTable)]
    #[taos(stable = "sensors", child = "s{id}")]
    pub struct Sensor {
        #[taos(ts)]
        pub ts: i64,
        pub temp: f32,
        #[taos(varchar(8))]
        pub label: String,
        #[taos(tag)]
        pub id: i32,
    }
}

mod v2 {
    use taos_orm::TdTable;

    /// Version 2: `humidity` and the `site` tag are new (`Option`: old rows
    /// and child tables have NULL there), `label` holds 40 bytes.
    #[derive(Debug, Clone, TdTable)]
    #[taos(stable = "sensors", child = "s{id}")]
    pub struct Sensor {
        #[taos(ts)]
        pub ts: i64,
        pub temp: f32,
        pub humidity: Option<f64>,
        #[taos(varchar(40))]
        pub label: String,
        #[taos(tag)]
        pub id: i32,
        #[taos(tag, varchar(16))]
        pub site: Option<String>,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = taos_emulator::TestTarget::from_env().await?;
    println!("{}", target.describe());
    let taos = taos_orm::connect(&target.dsn).await?;
    let db = Database::create(&taos, &DatabaseOptions::new("migrate_demo").vgroups(1)).await?;
    db.drop_table::<v2::Sensor>().await?;

    // Version 1: created by its first migration, then written.
    db.migrate::<v1::Sensor>().await?;
    let old: Vec<v1::Sensor> = (0..3)
        .map(|i| v1::Sensor {
            ts: 1_700_000_000_000 + i,
            temp: 20.0 + i as f32,
            label: format!("v1-{i}"),
            id: 1,
        })
        .collect();
    db.insert(&old).await?;

    // The code moves to version 2: the table no longer matches it.
    println!("\n{}", db.verify::<v2::Sensor>().await?);

    let plan = db.migration_plan::<v2::Sensor>().await?;
    println!("\nDry run, {} statement(s):", plan.statements.len());
    for sql in &plan.statements {
        println!("  {sql}");
    }
    db.migrate::<v2::Sensor>().await?;
    println!(
        "\nAfter the migration: {}",
        db.verify::<v2::Sensor>().await?
    );

    let new = v2::Sensor {
        ts: 1_700_000_001_000,
        temp: 25.5,
        humidity: Some(0.4),
        label: "a label longer than version 1 allowed".into(),
        id: 2,
        site: Some("north".into()),
    };
    db.insert(&[new]).await?;
    let sql = format!("SELECT * FROM `{}`.`sensors` ORDER BY ts", db.name());
    println!("\nOld and new rows, read as version 2:");
    for row in db.fetch_all::<v2::Sensor>(&sql).await? {
        println!("  {row:?}");
    }

    // A change migrate will not make: the error lists it, nothing changes.
    #[derive(TdTable)]
    #[taos(stable = "sensors", child = "s{id}")]
    struct Retyped {
        #[taos(ts)]
        ts: i64,
        temp: f64,
        #[taos(tag)]
        id: i32,
    }
    if let Err(e) = db.migrate::<Retyped>().await {
        println!("\n{e}");
    }
    db.drop_database().await?;
    Ok(())
}
