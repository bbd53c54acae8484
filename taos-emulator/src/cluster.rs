//! Several emulators over one engine, standing in for the dnodes (and
//! their taosAdapters) of a cluster: a client given all their addresses
//! can lose one and carry on with another, as with a real cluster.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::engine::Engine;
use crate::server::{Fault, Faults};
use crate::Emulator;

/// What a write to a vgroup without a leader fails with: TDengine's
/// `Sync leader is unreachable`.
pub const LEADER_CHANGING: (u32, &str) =
    (taos_rules::errors::NOT_LEADER, "Sync leader is unreachable");

/// A cluster of emulator nodes sharing one [`Engine`]: every node sees
/// every database, as every dnode of a TDengine cluster answers for all of
/// them. Nodes can be stopped (their connections drop, their port
/// refuses) and restarted on the same port, and a leader election can be
/// played, during which writes fail as TDengine's do.
///
/// ```
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() -> std::io::Result<()> {
/// use taos::{AsyncQueryable, AsyncTBuilder};
///
/// let mut cluster = taos_emulator::Cluster::start(3).await?;
/// assert_eq!(cluster.dsn().matches(',').count(), 2);
/// cluster.stop(0).await;
/// // The second node serves the same engine.
/// let taos = taos::TaosBuilder::from_dsn(cluster.node_dsn(1)).unwrap().build().await.unwrap();
/// taos.exec("CREATE DATABASE c").await.unwrap();
/// cluster.restart(0).await?;
/// # Ok(()) }
/// ```
pub struct Cluster {
    engine: Arc<Engine>,
    faults: Arc<Faults>,
    nodes: Vec<Node>,
}

struct Node {
    addr: SocketAddr,
    running: Option<Emulator>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let nodes: Vec<(SocketAddr, bool)> = self
            .nodes
            .iter()
            .map(|n| (n.addr, n.running.is_some()))
            .collect();
        f.debug_struct("Cluster").field("nodes", &nodes).finish()
    }
}

impl Cluster {
    /// Starts `nodes` emulators (at least one) on ephemeral loopback ports
    /// of the current tokio runtime.
    pub async fn start(nodes: usize) -> io::Result<Cluster> {
        let engine = Arc::new(Engine::default());
        let faults = Arc::new(Faults::default());
        let mut cluster = Cluster {
            engine,
            faults,
            nodes: Vec::new(),
        };
        for _ in 0..nodes.max(1) {
            let emulator = cluster.node(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
            cluster.nodes.push(Node {
                addr: emulator.addr(),
                running: Some(emulator),
            });
        }
        Ok(cluster)
    }

    async fn node(&self, addr: SocketAddr) -> io::Result<Emulator> {
        Emulator::builder()
            .engine(Arc::clone(&self.engine))
            .shared_faults(Arc::clone(&self.faults))
            .listen(addr)
            .start()
            .await
    }

    /// A DSN naming every node, `ws://a:p1,b:p2,...`, in node order.
    pub fn dsn(&self) -> String {
        let addrs: Vec<String> = self.nodes.iter().map(|n| n.addr.to_string()).collect();
        format!("ws://{}", addrs.join(","))
    }

    /// A DSN naming node `i` only.
    pub fn node_dsn(&self, i: usize) -> String {
        format!("ws://{}", self.nodes[i].addr)
    }

    /// The address of node `i`.
    pub fn addr(&self, i: usize) -> SocketAddr {
        self.nodes[i].addr
    }

    /// How many nodes there are, running or not.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false: a cluster has at least one node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The engine all nodes serve.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Stops node `i` as a dnode that dies: its connections drop without a
    /// reply and its port refuses new ones. Nothing happens if it is
    /// stopped already.
    pub async fn stop(&mut self, i: usize) {
        if let Some(emulator) = self.nodes[i].running.take() {
            emulator.shutdown().await;
        }
    }

    /// Starts node `i` again on its port, if it is stopped.
    pub async fn restart(&mut self, i: usize) -> io::Result<()> {
        if self.nodes[i].running.is_none() {
            let emulator = self.node(self.nodes[i].addr).await?;
            self.nodes[i].running = Some(emulator);
        }
        Ok(())
    }

    /// Plays a leader election: for `duration`, every write (SQL `INSERT`
    /// or bound statement) on any node fails with [`LEADER_CHANGING`], as
    /// TDengine's writes do while a vgroup has no leader.
    pub fn elect_leader(&self, duration: Duration) {
        let (code, message) = LEADER_CHANGING;
        self.faults.add(
            Fault::matching("insert")
                .lasting(duration)
                .fail(code, message),
        );
    }

    /// Injects `fault` on every node (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        self.faults.add(fault);
    }
}
