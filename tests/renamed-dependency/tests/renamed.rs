//! `#[taos(crate = "...")]`: the derives work when the runtime is reached
//! under another name, through a renamed dependency or a re-export. No
//! `taos_orm` name exists in this crate, so a derive ignoring the attribute
//! does not compile.

use orm::{Database, DatabaseOptions, TdRow, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(crate = "orm", stable = "renamed", child = "r_{device}")]
struct Renamed {
    #[taos(ts)]
    ts: i64,
    value: Option<f64>,
    #[taos(tag)]
    device: i32,
}

#[derive(Debug, PartialEq, TdTable)]
#[taos(crate = "taos_orm_renamed_dependency::db", table = "through_facade")]
struct ThroughFacade {
    #[taos(ts)]
    ts: i64,
    #[taos(varchar(8))]
    note: String,
}

#[derive(Debug, PartialEq, TdRow)]
#[taos(crate = "::orm")]
struct Total {
    total: Option<f64>,
}

/// Drops the test's database however the test ends.
struct DropDatabase {
    dsn: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let (dsn, name) = (self.dsn.clone(), self.name.clone());
        // Its own thread and runtime: this may run while a runtime unwinds.
        let _ = std::thread::spawn(move || {
            tokio::runtime::Runtime::new()?.block_on(async {
                let taos = orm::connect(&dsn).await?;
                Database::open(&taos, &name).await?.drop_database().await
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn derives_reach_a_renamed_runtime() -> Result<(), Box<dyn std::error::Error>> {
    let target = taos_emulator::TestTarget::from_env().await?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .subsec_nanos();
    let name = format!("t_renamed_{}_{nanos}", std::process::id());
    let taos = orm::connect(&target.dsn).await?;
    let db = Database::create(&taos, &DatabaseOptions::new(&name).vgroups(1)).await?;
    let _guard = DropDatabase {
        dsn: target.dsn.clone(),
        name: name.clone(),
    };
    db.create_table::<Renamed>().await?;
    db.create_table::<ThroughFacade>().await?;

    let rows = [(1, 1.5), (2, 2.5)].map(|(i, v)| Renamed {
        ts: 1_700_000_000_000 + i,
        value: Some(v),
        device: 7,
    });
    assert_eq!(db.insert(&rows).await?.rows, 2);
    let note = ThroughFacade {
        ts: 1_700_000_000_000,
        note: "facade".into(),
    };
    assert_eq!(db.insert([&note]).await?.rows, 1);

    let back: Vec<Renamed> = Renamed::query()
        .filter(|r| r.device.eq(7))
        .order_by(|r| r.ts.asc())
        .fetch_all(&db)
        .await?;
    assert_eq!(back, rows);
    let sql = format!("SELECT SUM(`value`) AS total FROM `{name}`.`renamed`");
    assert_eq!(
        db.fetch_one::<Total>(&sql).await?,
        Total { total: Some(4.0) }
    );
    let notes: Vec<ThroughFacade> = ThroughFacade::query().fetch_all(&db).await?;
    assert_eq!(notes, [note]);
    Ok(())
}
