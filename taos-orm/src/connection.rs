//! Where operations get their connection from: one `Taos`, or a pool.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use taos::{Taos, TaosBuilder};

use crate::error::{Error, Result};

/// A source of async connections: a [`Taos`], a reference or `Arc` to one, or
/// the deadpool pool that `TaosBuilder::pool()` returns.
///
/// Each operation of a [`Database`](crate::Database) acquires a connection for
/// its duration, so a pool spreads concurrent operations over its connections.
pub trait Connection: Send + Sync {
    /// The acquired connection.
    type Guard<'a>: Deref<Target = Taos> + Send
    where
        Self: 'a;

    /// Acquires a connection (a pool may wait for a free one).
    fn acquire(&self) -> impl Future<Output = Result<Self::Guard<'_>>> + Send;
}

impl Connection for Taos {
    type Guard<'a> = &'a Taos;

    async fn acquire(&self) -> Result<&Taos> {
        Ok(self)
    }
}

impl Connection for Arc<Taos> {
    type Guard<'a> = &'a Taos;

    async fn acquire(&self) -> Result<&Taos> {
        Ok(self)
    }
}

impl<C: Connection> Connection for &C {
    type Guard<'a>
        = C::Guard<'a>
    where
        Self: 'a;

    fn acquire(&self) -> impl Future<Output = Result<Self::Guard<'_>>> + Send {
        (**self).acquire()
    }
}

/// Opens one connection from a DSN (`ws://host:6041`, `wss://host?token=…`,
/// `taos://host:6030`).
///
/// The WebSocket client connects lazily; this sends `SELECT SERVER_VERSION()`
/// so that a wrong address or password fails here rather than at the first
/// statement.
///
/// ```no_run
/// # async fn demo() -> taos_orm::Result<()> {
/// let taos = taos_orm::connect("ws://localhost:6041").await?;
/// # Ok(()) }
/// ```
pub async fn connect(dsn: &str) -> Result<Taos> {
    use taos::{AsyncQueryable, AsyncTBuilder};
    use tracing::Instrument;
    let span = tracing::debug_span!("taos_orm.connect", dsn = %redact_dsn(dsn));
    async {
        let taos = TaosBuilder::from_dsn(dsn)?.build().await?;
        let _: Option<String> = taos.query_one("SELECT SERVER_VERSION()").await?;
        Ok(taos)
    }
    .instrument(span)
    .await
}

/// Builds `taos`'s deadpool pool of connections to `dsn`.
///
/// ```no_run
/// # async fn demo() -> taos_orm::Result<()> {
/// let pool = taos_orm::pool("ws://localhost:6041")?;
/// let db = taos_orm::Database::open(pool, "power").await?;
/// # Ok(()) }
/// ```
pub fn pool(dsn: &str) -> Result<Pool> {
    use taos::AsyncTBuilder;
    Ok(TaosBuilder::from_dsn(dsn)?.pool()?)
}

/// `taos`'s deadpool pool, as built by `TaosBuilder::from_dsn(dsn)?.pool()?`.
pub type Pool = taos::Pool<TaosBuilder>;

impl Connection for Pool {
    type Guard<'a> = deadpool::managed::Object<taos::taos_query::Manager<TaosBuilder>>;

    async fn acquire(&self) -> Result<Self::Guard<'_>> {
        self.get().await.map_err(|e| match e {
            deadpool::managed::PoolError::Backend(e) => Error::from(e),
            other => Error::Pool(other.to_string()),
        })
    }
}

/// Removes the password and any `token` parameter from a DSN, so it can be logged.
///
/// ```
/// assert_eq!(
///     taos_orm::redact_dsn("wss://root:secret@cloud.example.com?token=abc&x=1"),
///     "wss://root:***@cloud.example.com?token=***&x=1",
/// );
/// ```
pub fn redact_dsn(dsn: &str) -> String {
    let (head, query) = match dsn.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (dsn, None),
    };
    let mut out = String::with_capacity(dsn.len());
    match head.split_once("://") {
        Some((scheme, rest)) => {
            out.push_str(scheme);
            out.push_str("://");
            match rest.rsplit_once('@') {
                Some((userinfo, host)) => {
                    match userinfo.split_once(':') {
                        Some((user, _)) => {
                            out.push_str(user);
                            out.push_str(":***");
                        }
                        None => out.push_str(userinfo),
                    }
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(rest),
            }
        }
        None => out.push_str(head),
    }
    if let Some(query) = query {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((k, _)) if is_secret_param(k) => {
                    out.push_str(k);
                    out.push_str("=***");
                }
                _ => out.push_str(pair),
            }
        }
    }
    out
}

fn is_secret_param(key: &str) -> bool {
    ["token", "password", "bearer_token", "totp_code"]
        .iter()
        .any(|s| key.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::redact_dsn;

    #[test]
    fn redacts_passwords_and_tokens_only() {
        assert_eq!(redact_dsn("ws://localhost:6041"), "ws://localhost:6041");
        assert_eq!(
            redact_dsn("ws://root:taosdata@localhost:6041/power"),
            "ws://root:***@localhost:6041/power"
        );
        assert_eq!(redact_dsn("taos://user@h1:6030"), "taos://user@h1:6030");
        assert_eq!(
            redact_dsn("wss://gw.cloud.example?token=s3cr3t"),
            "wss://gw.cloud.example?token=***"
        );
        assert_eq!(
            redact_dsn("ws://u:p@a:1,b:2/db?Password=x&conn_mode=1"),
            "ws://u:***@a:1,b:2/db?Password=***&conn_mode=1"
        );
    }
}
