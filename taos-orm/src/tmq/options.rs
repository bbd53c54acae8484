//! How a consumer joins its group: the TMQ settings, written into the DSN
//! the `taos` client's `TmqBuilder` reads.

use std::time::Duration;

use crate::error::{Error, Result};

/// Where a consumer starts on a vgroup its group has committed nothing for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OffsetReset {
    /// From the oldest row the write log still holds (the database's
    /// `WAL_RETENTION_PERIOD`): a consumer with a new group replays the
    /// topic from the start.
    #[default]
    Earliest,
    /// From rows written after the consumer joined.
    Latest,
    /// Nowhere: polling such a vgroup fails until an offset is committed
    /// or sought.
    None,
}

impl OffsetReset {
    fn as_str(self) -> &'static str {
        match self {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
            OffsetReset::None => "none",
        }
    }
}

/// The settings of a [`Consumer`](crate::tmq::Consumer): its group, its
/// name, where it starts and whether the client commits for it.
///
/// Auto commit is off by default (the native client's default is on): a
/// message counts as consumed only once [`Consumer::commit`] says so, which
/// is what makes delivery at-least-once rather than at-most-once.
///
/// [`Consumer::commit`]: crate::tmq::Consumer::commit
///
/// ```
/// use std::time::Duration;
/// use taos_orm::tmq::{ConsumerOptions, OffsetReset};
///
/// let options = ConsumerOptions::new("alerts")
///     .client_id("alerter-1")
///     .offset_reset(OffsetReset::Latest)
///     .auto_commit(Some(Duration::from_secs(1)));
/// assert_eq!(
///     options.dsn("ws://localhost:6041")?,
///     "ws://localhost:6041?group.id=alerts&client.id=alerter-1&auto.offset.reset=latest\
///      &experimental.snapshot.enable=false&enable.auto.commit=true&auto.commit.interval.ms=1000"
/// );
/// # Ok::<(), taos_orm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerOptions {
    group: String,
    client_id: Option<String>,
    offset_reset: OffsetReset,
    auto_commit: Option<Duration>,
}

impl ConsumerOptions {
    /// A consumer of group `group`: the group's consumers share the
    /// topic's vgroups and its committed offsets.
    pub fn new(group: impl Into<String>) -> Self {
        ConsumerOptions {
            group: group.into(),
            client_id: None,
            offset_reset: OffsetReset::default(),
            auto_commit: None,
        }
    }

    /// The consumer's name in `SHOW CONSUMERS`.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// Where to start on vgroups the group has no committed offset for
    /// (default [`OffsetReset::Earliest`]).
    pub fn offset_reset(mut self, reset: OffsetReset) -> Self {
        self.offset_reset = reset;
        self
    }

    /// `Some(every)`: the client commits what has been polled, every
    /// `every` (delivery is then at-most-once for rows polled but not yet
    /// handled when the consumer stops). `None` (the default): only
    /// explicit commits.
    pub fn auto_commit(mut self, every: Option<Duration>) -> Self {
        self.auto_commit = every;
        self
    }

    /// The group.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// `dsn` with these settings as the TMQ parameters the `taos` client
    /// reads, after any the DSN already has.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the group or client id is empty or
    /// holds a character that cannot travel in a DSN (`&`, `?`, `=`, `#`,
    /// whitespace or a control character), or the DSN already sets one of
    /// these parameters.
    pub fn dsn(&self, dsn: &str) -> Result<String> {
        const OURS: [&str; 5] = [
            "group.id",
            "client.id",
            "auto.offset.reset",
            "enable.auto.commit",
            "auto.commit.interval.ms",
        ];
        let query = dsn.split_once('?').map_or("", |(_, q)| q);
        if let Some(key) = query
            .split('&')
            .filter_map(|kv| kv.split('=').next())
            .find(|k| OURS.contains(k))
        {
            return Err(Error::InvalidArgument(format!(
                "the DSN already sets `{key}`: give it in ConsumerOptions instead"
            )));
        }
        let mut out = String::from(dsn);
        let mut param = |key: &str, value: &str| {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(key);
            out.push('=');
            out.push_str(value);
        };
        param("group.id", checked("group id", &self.group)?);
        if let Some(id) = &self.client_id {
            param("client.id", checked("client id", id)?);
        }
        param("auto.offset.reset", self.offset_reset.as_str());
        // The consumer reads the write log only: a snapshot would deliver
        // old rows as whole files, with offsets that do not count messages.
        param("experimental.snapshot.enable", "false");
        match self.auto_commit {
            Some(every) => {
                param("enable.auto.commit", "true");
                let ms = every.as_millis().clamp(1, i32::MAX as u128);
                param("auto.commit.interval.ms", itoa::Buffer::new().format(ms));
            }
            None => param("enable.auto.commit", "false"),
        }
        Ok(out)
    }
}

/// `value` when it can be a DSN parameter as it is.
fn checked<'a>(what: &str, value: &'a str) -> Result<&'a str> {
    // TDengine's limit for group and client ids (TSDB_CGROUP_LEN - 1).
    const MAX: usize = 192;
    let bad = value
        .chars()
        .find(|c| matches!(c, '&' | '?' | '=' | '#' | '%') || c.is_whitespace() || c.is_control());
    match bad {
        _ if value.is_empty() => Err(Error::InvalidArgument(format!("the {what} is empty"))),
        _ if value.len() > MAX => Err(Error::InvalidArgument(format!(
            "the {what} {value:?} is {} bytes long, over the {MAX}-byte limit",
            value.len()
        ))),
        Some(c) => Err(Error::InvalidArgument(format!(
            "the {what} {value:?} contains {c:?}, which a DSN cannot carry"
        ))),
        None => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_follow_those_the_dsn_has() {
        let o = ConsumerOptions::new("g");
        assert_eq!(
            o.dsn("wss://h:443?token=abc").unwrap(),
            "wss://h:443?token=abc&group.id=g&auto.offset.reset=earliest\
             &experimental.snapshot.enable=false&enable.auto.commit=false"
        );
    }

    #[test]
    fn bad_ids_and_repeated_parameters_are_refused() {
        for (options, dsn, want) in [
            (ConsumerOptions::new(""), "ws://h", "the group id is empty"),
            (
                ConsumerOptions::new("a&b"),
                "ws://h",
                "the group id \"a&b\" contains '&'",
            ),
            (
                ConsumerOptions::new("g").client_id("c d"),
                "ws://h",
                "the client id \"c d\" contains ' '",
            ),
            (
                ConsumerOptions::new("x".repeat(193)),
                "ws://h",
                "is 193 bytes long, over the 192-byte limit",
            ),
            (
                ConsumerOptions::new("g"),
                "ws://h?group.id=other",
                "the DSN already sets `group.id`",
            ),
        ] {
            let err = options.dsn(dsn).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
    }
}
