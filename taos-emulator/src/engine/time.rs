//! Timestamps: precision units, durations, and the string forms TDengine accepts.
//!
//! The emulator's client timezone is UTC, so strings without a zone are UTC.

use chrono::NaiveDate;
use taos_query::common::Precision;

/// Units of the precision per second.
pub fn per_second(p: Precision) -> i64 {
    match p {
        Precision::Millisecond => 1_000,
        Precision::Microsecond => 1_000_000,
        Precision::Nanosecond => 1_000_000_000,
    }
}

/// The current time in the precision.
pub fn now(p: Precision) -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    match p {
        Precision::Millisecond => d.as_millis() as i64,
        Precision::Microsecond => d.as_micros() as i64,
        Precision::Nanosecond => d.as_nanos() as i64,
    }
}

/// Midnight UTC today in the precision.
pub fn today(p: Precision) -> i64 {
    let day = 86_400 * per_second(p);
    now(p).div_euclid(day) * day
}

/// A duration (`n` `unit`) in precision units; `None` for n/y or overflow.
pub fn duration(n: i64, unit: char, p: Precision) -> Option<i64> {
    let ns: i128 = match unit {
        'b' => 1,
        'u' => 1_000,
        'a' => 1_000_000,
        's' => 1_000_000_000,
        'm' => 60_000_000_000,
        'h' => 3_600_000_000_000,
        'd' => 86_400_000_000_000,
        'w' => 604_800_000_000_000,
        ' ' => return Some(n),
        _ => return None,
    };
    let per_unit = 1_000_000_000 / per_second(p) as i128;
    i64::try_from(n as i128 * ns / per_unit).ok()
}

/// The largest insertable timestamp: 2970-01-01 (ms/us) or 2262-01-01 (ns).
pub fn max_ts(p: Precision) -> i64 {
    let year = if p == Precision::Nanosecond {
        2262
    } else {
        2970
    };
    let secs = NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp())
        .unwrap_or(i64::MAX / 1_000_000_000);
    secs.saturating_mul(per_second(p))
}

/// Parses `YYYY-MM-DD[ HH:MM:SS[.f]]` or RFC3339 (`T`, `Z`, `±HH:MM`, `±HHMM`).
pub fn parse_timestamp(s: &str, p: Precision) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: i32 = s[0..4].parse().ok()?;
    let month: u32 = s[5..7].parse().ok()?;
    let day: u32 = s[8..10].parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let days = date
        .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1)?)
        .num_days();
    let mut secs = days * 86_400;
    let mut frac_units = 0i64;
    let mut rest = &s[10..];
    if !rest.is_empty() {
        let sep = rest.as_bytes()[0];
        if sep != b' ' && sep != b'T' {
            return None;
        }
        rest = &rest[1..];
        let rb = rest.as_bytes();
        if rb.len() < 8 || rb[2] != b':' || rb[5] != b':' {
            return None;
        }
        let h: i64 = digits(&rest[0..2])?;
        let m: i64 = digits(&rest[3..5])?;
        let sec: i64 = digits(&rest[6..8])?;
        if h > 23 || m > 59 || sec > 59 {
            return None;
        }
        secs += h * 3600 + m * 60 + sec;
        rest = &rest[8..];
        if let Some(f) = rest.strip_prefix('.') {
            let n = f.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            let unit_digits = per_second(p).ilog10() as usize;
            let mut text: String = f[..n.min(unit_digits)].to_string();
            while text.len() < unit_digits {
                text.push('0');
            }
            frac_units = text.parse().ok()?;
            rest = &f[n..];
        }
        secs -= zone_offset(rest)?;
    }
    // Past what i64 holds in this precision is still a timestamp, one the
    // range check then refuses (0x060B), as the server does.
    Some(
        secs.saturating_mul(per_second(p))
            .saturating_add(frac_units),
    )
}

fn digits(s: &str) -> Option<i64> {
    if s.bytes().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Seconds east of UTC for `""`, `Z`, `+08:00`, `+0800`, `+08`.
fn zone_offset(z: &str) -> Option<i64> {
    let z = z.trim();
    if z.is_empty() || z == "Z" || z == "z" {
        return Some(0);
    }
    let sign = match z.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body: String = z[1..].chars().filter(|c| *c != ':').collect();
    if body.len() != 2 && body.len() != 4 {
        return None;
    }
    let h = digits(&body[0..2])?;
    let m = if body.len() == 4 {
        digits(&body[2..4])?
    } else {
        0
    };
    Some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_forms() {
        let ms = Precision::Millisecond;
        assert_eq!(parse_timestamp("1970-01-01 00:00:01.5", ms), Some(1500));
        assert_eq!(
            parse_timestamp("2021-07-13 16:16:48.000", ms),
            Some(1626193008000)
        );
        assert_eq!(
            parse_timestamp("2024-01-01T08:00:00+08:00", ms),
            parse_timestamp("2024-01-01 00:00:00", ms)
        );
        assert_eq!(
            parse_timestamp("2024-01-01T00:00:00Z", Precision::Nanosecond),
            Some(1_704_067_200_000_000_000)
        );
        assert_eq!(
            parse_timestamp("1970-01-01 00:00:00.123456789", Precision::Microsecond),
            Some(123456)
        );
        assert_eq!(parse_timestamp("2024-13-01", ms), None);
        assert_eq!(parse_timestamp("abc", ms), None);
    }

    #[test]
    fn durations_in_precision() {
        assert_eq!(duration(1, 's', Precision::Millisecond), Some(1000));
        assert_eq!(
            duration(1, 'd', Precision::Microsecond),
            Some(86_400_000_000)
        );
        assert_eq!(duration(1, 'n', Precision::Millisecond), None);
    }
}
