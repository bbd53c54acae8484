//! An in-process TDengine 3.x emulator that speaks the taosAdapter WebSocket
//! and REST protocols, so the official `taos` client connects to it over
//! loopback exactly as to a real server.

pub mod api;
mod cluster;
mod emulator;
pub mod engine;
mod server;
pub mod sql;

pub use cluster::{Cluster, LEADER_CHANGING};
pub use emulator::{Emulator, EmulatorBuilder, TestTarget, SERVER_VERSION};
pub use engine::Engine;
pub use server::{Fault, FaultAction};
