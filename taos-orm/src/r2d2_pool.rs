//! An r2d2 pool of `taos` connections for synchronous code.
//!
//! `taos` 0.12's own `r2d2` feature cannot be enabled next to its default
//! `deadpool` feature (the crate refuses to compile with both), so the manager
//! lives here.

use taos::sync::TBuilder;
use taos::{Taos, TaosBuilder};

use crate::error::{Error, Result};

/// An r2d2 [`ManageConnection`](r2d2::ManageConnection) for the `taos` client.
///
/// Connections are checked with `SELECT SERVER_STATUS()` when r2d2 tests them
/// (`test_on_check_out`, on by default).
///
/// # Examples
///
/// ```no_run
/// use taos_orm::TaosManager;
///
/// let pool = r2d2::Pool::builder()
///     .max_size(8)
///     .build(TaosManager::from_dsn("ws://localhost:6041")?)?;
/// let taos = pool.get()?;
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
pub struct TaosManager {
    builder: TaosBuilder,
}

/// Leaves the builder out: its `Debug` shows the password and token.
impl std::fmt::Debug for TaosManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaosManager").finish_non_exhaustive()
    }
}

impl TaosManager {
    /// A manager building connections from `dsn` (`ws://`, `wss://...?token=`, `taos://`).
    pub fn from_dsn(dsn: &str) -> Result<Self> {
        Ok(TaosManager {
            builder: TaosBuilder::from_dsn(dsn)?,
        })
    }

    /// A manager using an existing builder.
    pub fn new(builder: TaosBuilder) -> Self {
        TaosManager { builder }
    }
}

impl r2d2::ManageConnection for TaosManager {
    type Connection = Taos;
    type Error = Error;

    fn connect(&self) -> Result<Taos> {
        Ok(self.builder.build()?)
    }

    fn is_valid(&self, conn: &mut Taos) -> Result<()> {
        Ok(self.builder.ping(conn)?)
    }

    fn has_broken(&self, _conn: &mut Taos) -> bool {
        // The client exposes no cheap liveness flag; `is_valid` catches a dead
        // connection at the next check-out.
        false
    }
}

/// An r2d2 pool of `taos` connections.
pub type R2d2Pool = r2d2::Pool<TaosManager>;
