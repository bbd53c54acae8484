//! Fault injection: make chosen statements fail with a TDengine error, or
//! drop the connection they arrived on, so clients' error paths can be
//! tested end to end.

use parking_lot::Mutex;

use crate::api::TdError;

/// A fault the emulator injects into the statements it matches.
///
/// A fault matches statements whose text contains a pattern (ignoring
/// case; every statement when there is none), and fires on the `nth` match
/// (counting from 1; every match when unset), at most `times` times
/// (unlimited by default, once with `nth`). A bound statement (stmt) counts
/// once per `exec`; its text is the prepared SQL.
///
/// ```
/// use taos_emulator::{Emulator, Fault};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// // The third INSERT fails as if a vnode were not ready.
/// let emulator = Emulator::builder()
///     .fault(Fault::matching("insert").nth(3).fail(0x0513, "Database not ready"))
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pattern: Option<String>,
    nth: Option<u64>,
    times: Option<u64>,
    lasting: Option<std::time::Duration>,
    action: FaultAction,
}

/// What a fault does to the statement it hits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAction {
    /// The statement fails with this error and does nothing.
    Fail(TdError),
    /// The connection is dropped (no Close frame) before the statement
    /// runs; the statement does nothing and gets no reply.
    DropConnection,
    /// The statement runs, and its reply waits this long: a slow server,
    /// or a reply lost past a client's timeout while the write stands.
    Delay(std::time::Duration),
}

impl Fault {
    /// A fault on every statement; narrow it with [`Fault::nth`] and [`Fault::times`].
    pub fn any() -> Self {
        Fault {
            pattern: None,
            nth: None,
            times: None,
            lasting: None,
            action: FaultAction::Fail(TdError::new(0xFFFF, "injected fault")),
        }
    }

    /// A fault on statements containing `pattern` (ASCII case-insensitive).
    pub fn matching(pattern: impl Into<String>) -> Self {
        Fault {
            pattern: Some(pattern.into().to_ascii_lowercase()),
            ..Fault::any()
        }
    }

    /// Fires on the `n`th matching statement only (from 1).
    pub fn nth(mut self, n: u64) -> Self {
        self.nth = Some(n.max(1));
        self
    }

    /// Fires at most `n` times.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Fires only for `duration` from when it is armed (at start, or at
    /// [`Emulator::inject`](crate::Emulator::inject)): an outage of that
    /// length, such as a leader election.
    pub fn lasting(mut self, duration: std::time::Duration) -> Self {
        self.lasting = Some(duration);
        self
    }

    /// Fails the statement with TDengine error `code` (low 16 bits) and `message`.
    pub fn fail(mut self, code: u32, message: impl Into<String>) -> Self {
        self.action = FaultAction::Fail(TdError::new(code, message));
        self
    }

    /// Runs the statement but holds its reply back for `delay`.
    pub fn delay(mut self, delay: std::time::Duration) -> Self {
        self.action = FaultAction::Delay(delay);
        self
    }

    /// Drops the connection instead of running the statement.
    pub fn drop_connection(mut self) -> Self {
        self.action = FaultAction::DropConnection;
        self
    }
}

/// The faults of one emulator, with their match and fire counts.
#[derive(Debug, Default)]
pub(crate) struct Faults(Mutex<Vec<Armed>>);

#[derive(Debug)]
struct Armed {
    fault: Fault,
    matched: u64,
    fired: u64,
    /// The end of a [`Fault::lasting`] fault.
    until: Option<std::time::Instant>,
}

impl Armed {
    fn new(fault: Fault) -> Self {
        Armed {
            until: fault.lasting.map(|d| std::time::Instant::now() + d),
            fault,
            matched: 0,
            fired: 0,
        }
    }
}

impl Faults {
    pub(crate) fn new(faults: Vec<Fault>) -> Self {
        Faults(Mutex::new(faults.into_iter().map(Armed::new).collect()))
    }

    /// Adds a fault at run time.
    pub(crate) fn add(&self, fault: Fault) {
        self.0.lock().push(Armed::new(fault));
    }

    /// The action of the first fault `sql` fires, counting the match in every fault.
    pub(crate) fn check(&self, sql: &str) -> Option<FaultAction> {
        let mut armed = self.0.lock();
        if armed.is_empty() {
            return None;
        }
        let lower = sql.to_ascii_lowercase();
        let mut hit = None;
        for a in armed.iter_mut() {
            if a.fault.pattern.as_ref().is_some_and(|p| !lower.contains(p)) {
                continue;
            }
            a.matched += 1;
            let due = match a.fault.nth {
                Some(n) => n == a.matched,
                None => true,
            };
            let limit = a.fault.times.or(a.fault.nth.map(|_| 1));
            let left = match limit {
                Some(l) => a.fired < l,
                None => true,
            } && a.until.map_or(true, |end| std::time::Instant::now() < end);
            if hit.is_none() && due && left {
                a.fired += 1;
                hit = Some(a.fault.action.clone());
            }
        }
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_match_fires_once() {
        let faults = Faults::new(vec![Fault::matching("INSERT").nth(2).fail(0x0513, "x")]);
        assert_eq!(faults.check("select 1"), None);
        assert_eq!(faults.check("insert into t"), None);
        assert!(
            matches!(faults.check("INSERT into t"), Some(FaultAction::Fail(e)) if e.code == 0x0513)
        );
        assert_eq!(faults.check("insert into t"), None);
    }

    #[test]
    fn a_lasting_fault_ends() {
        let faults = Faults::new(vec![
            Fault::any().lasting(std::time::Duration::from_millis(30))
        ]);
        assert!(faults.check("a").is_some());
        std::thread::sleep(std::time::Duration::from_millis(40));
        assert_eq!(faults.check("b"), None);
    }

    #[test]
    fn times_limits_an_open_fault() {
        let faults = Faults::new(vec![Fault::any().times(2).drop_connection()]);
        assert_eq!(faults.check("a"), Some(FaultAction::DropConnection));
        assert_eq!(faults.check("b"), Some(FaultAction::DropConnection));
        assert_eq!(faults.check("c"), None);
        faults.add(Fault::matching("c"));
        assert!(faults.check("c").is_some());
    }
}
