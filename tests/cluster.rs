//! Failover: a writer and an Inserter keep writing while the nodes of a
//! cluster die and come back, and at the end every row is there exactly
//! once and no call hung.
//!
//! `TAOS_DSN` unset: a three-node emulator cluster ([`taos_emulator::Cluster`]),
//! whose nodes are stopped and restarted and whose leader elections are
//! played. Set: a real three-dnode TDengine cluster started from the kit
//! (`../shared/tdengine/server cluster 3`, or `TAOS_TDENGINE_KIT`), a
//! database with `REPLICA 3`, and dnodes killed and restarted.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use taos_orm::{Database, Failover, Inserter, InserterOptions, Retry, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "readings", child = "r{device}")]
struct Reading {
    #[taos(ts)]
    ts: i64,
    value: i64,
    #[taos(tag)]
    device: i32,
}

/// Patient enough for a leader election on a loaded 2-core machine.
const RETRY: Retry = Retry {
    attempts: 60,
    initial: Duration::from_millis(100),
    max: Duration::from_secs(1),
};

/// How long one attempt may wait: a request on a connection whose node
/// died may never be answered.
const ATTEMPT: Duration = Duration::from_secs(5);

/// Past this, a call counts as hung and the test fails.
const HUNG: Duration = Duration::from_secs(90);

/// The cluster under test.
enum Target {
    Emulated(taos_emulator::Cluster),
    Real(RealCluster),
}

impl Target {
    async fn start() -> Target {
        match std::env::var("TAOS_DSN")
            .ok()
            .filter(|d| !d.trim().is_empty())
        {
            None => Target::Emulated(
                taos_emulator::Cluster::start(3)
                    .await
                    .expect("start the emulator cluster"),
            ),
            Some(_) => Target::Real(RealCluster::start()),
        }
    }

    fn dsn(&self) -> String {
        match self {
            Target::Emulated(c) => c.dsn(),
            Target::Real(c) => c.dsn.clone(),
        }
    }

    /// Stops node `i` (1-based, as the kit counts dnodes); on the
    /// emulator the survivors then play a leader election.
    async fn kill(&mut self, i: usize) {
        match self {
            Target::Emulated(c) => {
                c.stop(i - 1).await;
                c.elect_leader(Duration::from_millis(1500));
            }
            Target::Real(c) => c.kit(&["kill", &i.to_string()]),
        }
    }

    async fn restart(&mut self, i: usize) {
        match self {
            Target::Emulated(c) => c.restart(i - 1).await.expect("restart a node"),
            Target::Real(c) => c.kit(&["restart", &i.to_string()]),
        }
    }
}

/// A real three-dnode cluster in a folder of its own, stopped on drop.
struct RealCluster {
    kit: PathBuf,
    dir: PathBuf,
    dsn: String,
}

impl RealCluster {
    fn start() -> RealCluster {
        let kit = std::env::var_os("TAOS_TDENGINE_KIT")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tdengine/server")
            });
        assert!(
            kit.exists(),
            "TAOS_DSN names a real server, and the cluster tests need a real cluster: no \
             TDengine kit at {} (set TAOS_TDENGINE_KIT to its `server` script)",
            kit.display()
        );
        let dir = std::env::temp_dir().join(common::unique_db("cluster"));
        let out = std::process::Command::new(&kit)
            .args(["cluster", "3"])
            .arg(&dir)
            .output()
            .expect("run the kit");
        assert!(
            out.status.success(),
            "the kit did not start a cluster: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = std::fs::read_to_string(dir.join("env")).expect("the cluster's env file");
        let endpoints = env
            .lines()
            .find_map(|l| l.strip_prefix("export TAOS_ENDPOINTS="))
            .expect("TAOS_ENDPOINTS in the env file")
            .trim_matches('"')
            .to_owned();
        RealCluster {
            kit,
            dir,
            dsn: format!("taos://root:taosdata@{endpoints}"),
        }
    }

    fn kit(&self, args: &[&str]) {
        let status = std::process::Command::new(&self.kit)
            .arg(args[0])
            .arg(&self.dir)
            .args(&args[1..])
            .status()
            .expect("run the kit");
        assert!(status.success(), "kit {args:?} failed");
    }
}

impl Drop for RealCluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new(&self.kit)
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

/// The dnode (1-based) leading the one vgroup of database `name`.
async fn vgroup_leader(db: &Database<Arc<Failover>>, name: &str) -> usize {
    let row: (i32, String, i32, String, i32, String) = db
        .query(
            "SELECT CAST(v1_dnode AS INT), v1_status, CAST(v2_dnode AS INT), v2_status, \
             CAST(v3_dnode AS INT), v3_status FROM information_schema.ins_vgroups \
             WHERE db_name = ?",
        )
        .bind(name)
        .fetch_one()
        .await
        .expect("read the vgroup's replicas");
    let replicas = [(row.0, row.1), (row.2, row.3), (row.4, row.5)];
    let leader = replicas
        .iter()
        .find(|(_, status)| status.trim() == "leader")
        .unwrap_or_else(|| panic!("no leader among {replicas:?}"));
    leader.0 as usize
}

/// What one writer saw.
#[derive(Debug, Default)]
struct Tally {
    written: BTreeSet<(i32, i64)>,
    calls: usize,
    retries: usize,
    longest: Duration,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_survive_nodes_dying_and_coming_back() {
    let mut target = Target::start().await;
    let source = Arc::new(
        Failover::connect(&target.dsn())
            .await
            .expect("connect to the cluster"),
    );
    let name = common::unique_db("failover");
    let db = Database::create(
        Arc::clone(&source),
        &taos_orm::DatabaseOptions::new(&name).vgroups(1).replica(3),
    )
    .await
    .expect("create a replica-3 database")
    .with_retry(RETRY)
    .with_timeout(ATTEMPT);
    db.create_table::<Reading>().await.unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let base = chrono::Utc::now().timestamp_millis() - 86_400_000;

    // The writer: batches of 50 rows over devices 0..5, SQL and bound in turn.
    let writer = {
        let (db, stop) = (db.clone(), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut k = 0i64;
            while !stop.load(Ordering::Relaxed) {
                let rows: Vec<Reading> = (0..50)
                    .map(|j| Reading {
                        ts: base + k * 50 + j,
                        value: k * 50 + j,
                        device: (j % 5) as i32,
                    })
                    .collect();
                let started = Instant::now();
                let sent = if k % 2 == 0 {
                    tokio::time::timeout(HUNG, db.insert(&rows)).await
                } else {
                    tokio::time::timeout(HUNG, db.insert_bound(&rows)).await
                };
                let took = started.elapsed();
                let report = sent
                    .unwrap_or_else(|_| panic!("an insert hung for {HUNG:?}"))
                    .unwrap_or_else(|e| panic!("an insert failed past its retries: {e}"));
                assert_eq!(report.rows, 50);
                tally.calls += 1;
                tally.retries += report.retries;
                tally.longest = tally.longest.max(took);
                tally.written.extend(rows.iter().map(|r| (r.device, r.ts)));
                k += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tally
        })
    };

    // The Inserter: devices 100..103, flushed every 40 rows.
    let inserter = {
        let (db, stop) = (db.clone(), Arc::clone(&stop));
        tokio::spawn(async move {
            let options = InserterOptions::default()
                .retry(RETRY)
                .flush_timeout(ATTEMPT);
            let mut ins = Inserter::new(db, options);
            let mut tally = Tally::default();
            let mut k = 0i64;
            while !stop.load(Ordering::Relaxed) {
                for j in 0..40 {
                    let row = Reading {
                        ts: base + k * 40 + j,
                        value: -(k * 40 + j),
                        device: 100 + (j % 3) as i32,
                    };
                    tally.written.insert((row.device, row.ts));
                    ins.push(row);
                }
                let started = Instant::now();
                let report = tokio::time::timeout(HUNG, ins.flush())
                    .await
                    .unwrap_or_else(|_| panic!("a flush hung for {HUNG:?}"))
                    .unwrap_or_else(|e| panic!("a flush failed past its retries: {e}"));
                tally.calls += 1;
                tally.retries += report.retries as usize;
                tally.longest = tally.longest.max(started.elapsed());
                k += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let stats = ins.end().await.expect("nothing left unwritten");
            assert_eq!(stats.rows_rejected, 0);
            tally
        })
    };

    let pause = |secs| tokio::time::sleep(Duration::from_secs(secs));
    let log = Mutex::new(Vec::new());
    let step = |what: &str| log.lock().unwrap().push(what.to_owned());
    pause(2).await;
    target.kill(2).await;
    step("killed node 2");
    pause(5).await;
    target.restart(2).await;
    step("restarted node 2");
    pause(4).await;
    // The node the connection (and the DSN's first endpoint) is on.
    target.kill(1).await;
    step("killed node 1");
    pause(6).await;
    target.restart(1).await;
    step("restarted node 1");
    pause(4).await;
    if let Target::Real(_) = target {
        // Whichever dnode leads the vgroup now: its death forces an election.
        let leader = vgroup_leader(&db, &name).await;
        target.kill(leader).await;
        step(&format!("killed the leader, node {leader}"));
        pause(6).await;
        target.restart(leader).await;
        step(&format!("restarted node {leader}"));
        pause(4).await;
    }
    stop.store(true, Ordering::Relaxed);
    let writer = writer.await.expect("the writer task");
    let inserter = inserter.await.expect("the inserter task");

    let back: Vec<Reading> = tokio::time::timeout(
        HUNG,
        db.fetch_all(&format!("SELECT * FROM `{name}`.readings")),
    )
    .await
    .expect("the read-back hung")
    .expect("read everything back");
    let read: BTreeSet<(i32, i64)> = back.iter().map(|r| (r.device, r.ts)).collect();
    let written: BTreeSet<(i32, i64)> = writer.written.union(&inserter.written).copied().collect();
    let duplicates = back.len() - read.len();
    eprintln!(
        "failover on {}: {:?}; writer {} calls, {} retries, longest {:?}; inserter {} flushes, \
         {} retries, longest {:?}; rows written {}, read back {}, duplicates {}, reconnects {}",
        match &target {
            Target::Emulated(_) => "the emulator cluster",
            Target::Real(_) => "a real 3-dnode cluster",
        },
        log.lock().unwrap(),
        writer.calls,
        writer.retries,
        writer.longest,
        inserter.calls,
        inserter.retries,
        inserter.longest,
        written.len(),
        back.len(),
        duplicates,
        source.reconnects(),
    );
    assert_eq!(duplicates, 0);
    assert_eq!(read.len(), written.len(), "rows lost or extra");
    assert!(
        read == written,
        "the rows read back are not the rows written"
    );
    assert!(
        writer.calls > 10 && inserter.calls > 10,
        "too few writes to prove anything"
    );
    if let Target::Emulated(_) = target {
        // The emulator drops every connection of a stopped node: the
        // connection on node 1 was lost and made again elsewhere.
        assert!(source.reconnects() >= 1, "no reconnect after node 1 died");
        assert!(
            writer.retries + inserter.retries > 0,
            "no write met the outage"
        );
    }
    tokio::time::timeout(HUNG, db.drop_database())
        .await
        .expect("drop hung")
        .expect("drop the database");
}

// The tests below play the cluster on the emulator whatever `TAOS_DSN`
// says: a real cluster cannot be told when to elect a leader.

async fn emulated(db: &str) -> (taos_emulator::Cluster, taos_orm::DatabaseOptions) {
    let cluster = taos_emulator::Cluster::start(3)
        .await
        .expect("start the emulator cluster");
    (cluster, taos_orm::DatabaseOptions::new(db).vgroups(1))
}

fn readings(n: i64, from: i64) -> Vec<Reading> {
    (0..n)
        .map(|k| Reading {
            ts: 1_700_000_000_000 + from + k,
            value: k,
            device: (k % 4) as i32,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_uses_the_first_endpoint_that_answers() {
    let (mut cluster, _) = emulated("first").await;
    cluster.stop(0).await;
    let started = Instant::now();
    let source = Failover::connect(&cluster.dsn())
        .await
        .expect("node 2 answers");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(source.endpoint(), Some(cluster.addr(1).to_string()));
    let taos = taos_orm::connect(&cluster.dsn())
        .await
        .expect("node 2 answers");
    drop(taos);

    cluster.stop(1).await;
    cluster.stop(2).await;
    let err = taos_orm::connect(&cluster.dsn()).await.unwrap_err();
    assert_eq!(err.failure(), taos_orm::error::Failure::Connection);
    assert!(err.is_retriable());
    let text = err.to_string();
    for i in 0..3 {
        assert!(text.contains(&cluster.addr(i).to_string()), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_replaces_connections_lost_with_their_node() {
    let (mut cluster, options) = emulated("pooled").await;
    let pool = taos_orm::pool(&cluster.dsn()).unwrap();
    let db = Database::create(pool, &options)
        .await
        .unwrap()
        .with_timeout(ATTEMPT);
    db.create_table::<Reading>().await.unwrap();
    db.insert(&readings(100, 0)).await.unwrap();
    // The pooled connection went down with node 1: the check-out ping
    // drops it and the pool connects to node 2.
    cluster.stop(0).await;
    let report = db.insert_bound(&readings(100, 100)).await.unwrap();
    assert_eq!(report.rows, 100);
    db.insert(&readings(100, 200)).await.unwrap();
    assert_eq!(db.count::<Reading>().await.unwrap(), 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_election_is_retried_or_reported_with_every_row() {
    let (cluster, options) = emulated("election").await;
    let source = Failover::connect(&cluster.dsn()).await.unwrap();
    let db = Database::create(source, &options).await.unwrap();
    db.create_table::<Reading>().await.unwrap();

    cluster.elect_leader(Duration::from_millis(250));
    let report = db
        .insert(&readings(50, 0))
        .await
        .expect("retried past the election");
    assert_eq!(report.rows, 50);
    assert!(report.retries >= 1);

    let db = db.with_retry(Retry::NONE);
    cluster.elect_leader(Duration::from_secs(5));
    let err = db.insert_bound(&readings(50, 50)).await.unwrap_err();
    let taos_orm::Error::Insert {
        written, unwritten, ..
    } = &err
    else {
        panic!("expected the insert's error, got {err:?}");
    };
    assert_eq!((*written, unwritten.len()), (0, 50));
    assert_eq!(err.code(), Some(taos_emulator::LEADER_CHANGING.0));
    assert_eq!(err.failure(), taos_orm::error::Failure::Unavailable);
    assert_eq!(db.count::<Reading>().await.unwrap(), 50);
}
