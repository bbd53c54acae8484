//! The deadpool manager of [`crate::pool`]: new connections go to the
//! first endpoint that answers, and a connection that fails its check or
//! is found lost leaves the pool.

use std::time::Duration;

use taos::Taos;

use super::Failover;
use crate::error::{Error, Result};

/// Makes the connections of a [`Pool`](crate::Pool) through the endpoints
/// of its DSN (see [`Failover`]), checking each with a ping when it is
/// taken from the pool.
#[derive(Debug)]
pub struct FailoverManager {
    endpoints: Failover,
}

impl FailoverManager {
    /// A manager over the endpoints of `dsn`.
    pub fn new(dsn: &str) -> Result<Self> {
        Ok(FailoverManager {
            endpoints: Failover::new(dsn)?,
        })
    }

    /// How long each endpoint may take to accept a TCP connection (see
    /// [`Failover::with_probe_timeout`]).
    pub fn with_probe_timeout(mut self, timeout: Duration) -> Self {
        self.endpoints = self.endpoints.with_probe_timeout(timeout);
        self
    }
}

#[deadpool::async_trait]
impl deadpool::managed::Manager for FailoverManager {
    type Type = Taos;
    type Error = Error;

    async fn create(&self) -> Result<Taos> {
        let (i, taos) = self.endpoints.make().await?;
        // The endpoints before this one did not answer: the next
        // connections start here.
        self.endpoints.prefer(i);
        Ok(taos)
    }

    async fn recycle(
        &self,
        taos: &mut Taos,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<Error> {
        use taos::AsyncQueryable;
        let alive: Result<Option<i32>> = taos
            .query_one("SELECT SERVER_STATUS()")
            .await
            .map_err(Error::from);
        alive
            .map(drop)
            .map_err(deadpool::managed::RecycleError::Backend)
    }
}
