//! The endpoints of a DSN that names several (`taos://h1:6030,h2:6030`,
//! `ws://h1:6041,h2:6041`), each as a DSN of its own: the `taos` client
//! parses such a DSN but only ever uses its first address.

use std::time::Duration;

use taos::taos_query::{Dsn, IntoDsn};

use crate::error::{Error, Result};

/// One endpoint of a DSN: its address and the DSN naming only it.
#[derive(Clone)]
pub(crate) struct Endpoint {
    /// `host:port`, with the protocol's default port filled in.
    pub(crate) addr: String,
    pub(crate) dsn: Dsn,
}

/// Leaves the DSN out: it holds the password.
impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.addr)
    }
}

/// The endpoints of `dsn`, in its order; one for a DSN with one address
/// (or none, which the client reads as `localhost`).
pub(crate) fn endpoints(dsn: &str) -> Result<Vec<Endpoint>> {
    let parsed = dsn
        .into_dsn()
        .map_err(|e| Error::InvalidArgument(format!("invalid DSN: {e}")))?;
    let port = default_port(&parsed);
    let addresses = if parsed.addresses.is_empty() {
        vec![Default::default()]
    } else {
        parsed.addresses.clone()
    };
    Ok(addresses
        .into_iter()
        .map(|address: taos::taos_query::Address| {
            let host = address.host.clone().unwrap_or_else(|| "localhost".into());
            let port = address.port.unwrap_or(port(&host));
            let mut dsn = parsed.clone();
            dsn.addresses = vec![address];
            Endpoint {
                addr: format!("{host}:{port}"),
                dsn,
            }
        })
        .collect())
}

/// The port the client connects to when an address has none: 6030 native,
/// 6041 on a WebSocket to `localhost`, else the scheme's web port.
fn default_port(dsn: &Dsn) -> impl Fn(&str) -> u16 {
    let native = matches!(dsn.driver.as_str(), "taos" | "tmq")
        && dsn.protocol.is_none()
        && !dsn.params.contains_key("token");
    // As the client reads it: `wss://`, or `taos+wss://`, or `taos://` with
    // a token.
    let secure = matches!(dsn.driver.as_str(), "wss" | "https" | "taoswss")
        || matches!(dsn.protocol.as_deref(), Some("wss" | "https"))
        || (dsn.driver == "taos" && dsn.params.contains_key("token"));
    move |host| match (native, secure, host) {
        (true, _, _) => 6030,
        (false, _, "localhost") => 6041,
        (false, true, _) => 443,
        (false, false, _) => 80,
    }
}

/// Whether `addr` accepts a TCP connection within `timeout`.
///
/// Checked before the client connects: the native client takes about 40 s
/// to give up on a dead endpoint, a refused port answers at once.
pub(crate) async fn probe(addr: &str, timeout: Duration) -> std::io::Result<()> {
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
        Ok(connected) => connected.map(drop),
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no answer within {timeout:?}"),
        )),
    }
}

/// [`probe`] for code without a runtime.
pub(crate) fn probe_blocking(addr: &str, timeout: Duration) -> std::io::Result<()> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for socket in addr.to_socket_addrs()? {
        match std::net::TcpStream::connect_timeout(&socket, timeout) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other(format!("{addr} resolves to no address"))))
}

/// The error when no endpoint could be connected to: a connection failure
/// (retriable), naming each endpoint and why.
pub(crate) fn unreachable(tried: &[(String, String)]) -> Error {
    let detail: Vec<String> = tried.iter().map(|(a, why)| format!("{a}: {why}")).collect();
    Error::from(taos::Error::new(
        (0x8000_0000u32 | taos_rules::errors::NETWORK_UNAVAIL) as i32,
        format!(
            "Unable to establish connection to any of {} endpoint(s) ({})",
            tried.len(),
            detail.join("; ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_dsn_per_address() {
        let all = endpoints("taos://root:secret@h1:6030,h2,localhost:7030/power?x=1").unwrap();
        let addrs: Vec<&str> = all.iter().map(|e| e.addr.as_str()).collect();
        assert_eq!(addrs, ["h1:6030", "h2:6030", "localhost:7030"]);
        let second = all[1].dsn.to_string();
        assert!(
            second.starts_with("taos://root:secret@h2/power"),
            "{second}"
        );
        assert!(second.ends_with("?x=1"), "{second}");
        assert_eq!(format!("{:?}", all[0]), "h1:6030");

        let ws: Vec<String> = endpoints("ws://localhost,h2:6041,h3")
            .unwrap()
            .into_iter()
            .map(|e| e.addr)
            .collect();
        assert_eq!(ws, ["localhost:6041", "h2:6041", "h3:80"]);
        let cloud = endpoints("wss://gw.example.com?token=abc").unwrap();
        assert_eq!(cloud[0].addr, "gw.example.com:443");
        assert_eq!(endpoints("taos://").unwrap()[0].addr, "localhost:6030");
    }

    #[test]
    fn bad_dsns_are_invalid_arguments() {
        assert!(matches!(
            endpoints("not a dsn"),
            Err(Error::InvalidArgument(_))
        ));
    }
}
