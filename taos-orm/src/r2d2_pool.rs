//! An r2d2 pool of `taos` connections for synchronous code.
//!
//! `taos` 0.12's own `r2d2` feature cannot be enabled next to its default
//! `deadpool` feature (the crate refuses to compile with both), so the manager
//! lives here.

use taos::sync::Queryable;
use taos::Taos;

use crate::error::{Error, Result};
use crate::failover::Failover;

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
    endpoints: Failover,
}

/// Leaves the DSN out: it shows the password and token.
impl std::fmt::Debug for TaosManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaosManager").finish_non_exhaustive()
    }
}

impl TaosManager {
    /// A manager building connections from `dsn` (`ws://`, `wss://...?token=`,
    /// `taos://`), through the first of its endpoints that answers when it
    /// names several (see [`crate::connect`]).
    pub fn from_dsn(dsn: &str) -> Result<Self> {
        Ok(TaosManager {
            endpoints: Failover::new(dsn)?,
        })
    }
}

impl r2d2::ManageConnection for TaosManager {
    type Connection = Taos;
    type Error = Error;

    fn connect(&self) -> Result<Taos> {
        let (i, taos) = self.endpoints.make_blocking()?;
        self.endpoints.prefer(i);
        Ok(taos)
    }

    fn is_valid(&self, conn: &mut Taos) -> Result<()> {
        let _: Option<i32> = conn.query_one("SELECT SERVER_STATUS()")?;
        Ok(())
    }

    fn has_broken(&self, _conn: &mut Taos) -> bool {
        // The client exposes no cheap liveness flag; `is_valid` catches a dead
        // connection at the next check-out.
        false
    }
}

/// An r2d2 pool of `taos` connections.
pub type R2d2Pool = r2d2::Pool<TaosManager>;
