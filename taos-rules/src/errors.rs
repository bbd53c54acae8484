//! TDengine error codes that say whether the same request can succeed
//! later: the client classifies failures by them, and the emulator answers
//! with them when it plays a cluster whose leader is changing.
//!
//! Codes are the low 16 bits of TDengine's `0x8000xxxx` error numbers.

/// What a failure says about trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Failure {
    /// The connection is gone or never came up: a new connection (to
    /// another endpoint, if one is known) may succeed.
    Connection,
    /// The server is there but cannot take the request now: a vgroup is
    /// electing a leader or catching up, a vnode is busy or stopped, a
    /// request timed out. The same request on the same connection may
    /// succeed a moment later.
    Unavailable,
    /// Retrying fails the same way: syntax, schema, values, permissions,
    /// a missing table or database.
    Terminal,
}

impl Failure {
    /// Whether the same request may succeed if sent again later.
    pub fn is_retriable(self) -> bool {
        !matches!(self, Failure::Terminal)
    }
}

/// `Unable to establish connection`.
pub const NETWORK_UNAVAIL: u32 = 0x000B;
/// `Conn is broken`.
pub const BROKEN_LINK: u32 = 0x0018;
/// `Conn read timeout`.
pub const RPC_TIMEOUT: u32 = 0x0019;
/// `Vgroup could not be connected`: a vgroup with no reachable replica.
pub const SOMENODE_NOT_CONNECTED: u32 = 0x0020;
/// `Sync timeout`: a write the vgroup could not replicate in time.
pub const SYNC_TIMEOUT: u32 = 0x0903;
/// `Sync leader is unreachable`: the vnode asked is not the leader.
pub const NOT_LEADER: u32 = 0x090C;
/// `Sync not ready to propose`.
pub const PROPOSE_NOT_READY: u32 = 0x0911;
/// `Sync leader is restoring`: a new leader replaying its log.
pub const LEADER_RESTORING: u32 = 0x0914;
/// `Vnode stopped`.
pub const VNODE_STOPPED: u32 = 0x0529;

/// The WebSocket client's own errors (`taos-ws`): `0xE000` bad DSN,
/// `0xE001` WebSocket error, `0xE002` connection closed, `0xE003`/`0xE004`
/// send/receive timeout, `0xE005` I/O error, `0xE006` unauthorized.
const WS_DSN: u32 = 0xE000;
const WS_UNAUTHORIZED: u32 = 0xE006;

/// How a failure with TDengine code `code` (low 16 bits) is retried.
///
/// ```
/// use taos_rules::errors::{classify, Failure};
///
/// assert_eq!(classify(0x090C), Failure::Unavailable); // not the leader
/// assert_eq!(classify(0x000B), Failure::Connection);
/// assert_eq!(classify(0x2600), Failure::Terminal); // syntax error
/// ```
pub fn classify(code: u32) -> Failure {
    match code {
        // RPC: the link to the node is down, or no node answered.
        NETWORK_UNAVAIL | BROKEN_LINK | 0x0015 /* FQDN unresolved */
        | 0x0021 /* some node's link broken */ | 0x0023 /* network error */
        | 0x0026 | 0x0027 /* RPC module quit */ | 0x0213 /* disconnected */ => Failure::Connection,
        // The WebSocket client: everything but a bad DSN or a refused login
        // is the socket.
        WS_DSN | WS_UNAUTHORIZED => Failure::Terminal,
        0xE001..=0xE0FF => Failure::Connection,
        // Busy, slow or between leaders.
        0x0005 /* not ready */ | 0x0009 /* too slow */ | 0x000A | 0x0022 /* too many sessions */
        | 0x0014 /* app not ready */ | RPC_TIMEOUT | SOMENODE_NOT_CONNECTED
        | 0x0024 /* network busy */ | 0x0125 /* need retry */ | 0x012C /* timeout */
        | 0x0130 | 0x0131 /* node starting or stopping */ | 0x042A /* mnode stopped */
        | 0x0528 /* no buffer pool */ | VNODE_STOPPED | 0x0531 /* query busy */
        | 0x0532 /* catching up */ | SYNC_TIMEOUT | NOT_LEADER | PROPOSE_NOT_READY
        | LEADER_RESTORING | 0x0916 | 0x0917 /* sync buffer full, write stall */
        | 0x2402 /* catalog not ready */ | 0x2405 /* catalog out of service */
        | 0x2504 /* scheduler timeout */ => Failure::Unavailable,
        _ => Failure::Terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for code in [0x000B, 0x0018, 0xE001, 0xE002, 0xE005, 0x0213] {
            assert_eq!(classify(code), Failure::Connection, "{code:#06X}");
        }
        for code in [0x090C, 0x0914, 0x0903, 0x0529, 0x0019, 0x0020, 0x012C] {
            assert_eq!(classify(code), Failure::Unavailable, "{code:#06X}");
        }
        for code in [
            0x2600, 0x2603, 0x0388, 0x0357, 0xE000, 0xE006, 0x061B, 0xFFFF,
        ] {
            assert_eq!(classify(code), Failure::Terminal, "{code:#06X}");
            assert!(!classify(code).is_retriable());
        }
    }
}
