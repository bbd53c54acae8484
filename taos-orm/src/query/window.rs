//! Durations, window clauses and FILL modes.

use crate::error::{Error, Result};

use crate::schema::ColumnDef;
use crate::sql::write_value;

use super::cond::CondNode;
use super::expr::Node;
use super::value::Bound;

/// A time span as TDengine writes it in windows and units: a count and a unit (`10m`).
///
/// Months and years are calendar units with no fixed length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSpan {
    count: u64,
    unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Nanos,
    Micros,
    Millis,
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    fn suffix(self) -> &'static str {
        match self {
            Unit::Nanos => "b",
            Unit::Micros => "u",
            Unit::Millis => "a",
            Unit::Seconds => "s",
            Unit::Minutes => "m",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::Months => "n",
            Unit::Years => "y",
        }
    }

    fn nanos(self) -> Option<u128> {
        Some(match self {
            Unit::Nanos => 1,
            Unit::Micros => 1_000,
            Unit::Millis => 1_000_000,
            Unit::Seconds => 1_000_000_000,
            Unit::Minutes => 60_000_000_000,
            Unit::Hours => 3_600_000_000_000,
            Unit::Days => 86_400_000_000_000,
            Unit::Weeks => 604_800_000_000_000,
            Unit::Months | Unit::Years => return None,
        })
    }
}

macro_rules! ctors {
    ($($(#[$doc:meta])* $name:ident => $unit:ident),+ $(,)?) => {
        impl TimeSpan {
            $($(#[$doc])* pub const fn $name(count: u64) -> TimeSpan {
                TimeSpan { count, unit: Unit::$unit }
            })+
        }
    };
}

ctors! {
    /// `n` nanoseconds (`b`; ns databases only).
    nanos => Nanos,
    /// `n` microseconds (`u`; us and ns databases).
    micros => Micros,
    /// `n` milliseconds (`a`).
    millis => Millis,
    /// `n` seconds.
    seconds => Seconds,
    /// `n` minutes.
    minutes => Minutes,
    /// `n` hours.
    hours => Hours,
    /// `n` days.
    days => Days,
    /// `n` weeks.
    weeks => Weeks,
    /// `n` calendar months.
    months => Months,
    /// `n` calendar years.
    years => Years,
}

impl TimeSpan {
    /// The length in nanoseconds, `None` for months and years.
    pub fn len_nanos(&self) -> Option<u128> {
        self.unit.nanos().map(|n| n * u128::from(self.count))
    }

    pub(crate) fn render(&self, out: &mut String) {
        out.push_str(itoa::Buffer::new().format(self.count));
        out.push_str(self.unit.suffix());
    }

    /// The SQL text, e.g. `10m`.
    pub fn sql(&self) -> String {
        let mut out = String::new();
        self.render(&mut out);
        out
    }
}

/// A constant of `FILL(VALUE, …)`; TDengine casts it to each column's type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FillValue {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl From<i64> for FillValue {
    fn from(v: i64) -> Self {
        FillValue::Int(v)
    }
}

impl From<i32> for FillValue {
    fn from(v: i32) -> Self {
        FillValue::Int(v.into())
    }
}

impl From<f64> for FillValue {
    fn from(v: f64) -> Self {
        FillValue::Float(v)
    }
}

/// How INTERVAL fills windows without rows. Any mode but [`Fill::None`]
/// needs a time range on the primary timestamp (`ts.range(a..b)`).
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// Empty windows are left out (the default).
    None,
    /// NULL in every aggregate.
    Null,
    /// NULL, even when the range holds no data at all.
    NullF,
    /// One constant per aggregate of the select list.
    Value(Vec<FillValue>),
    /// Like `Value`, even when the range holds no data at all.
    ValueF(Vec<FillValue>),
    /// The previous window's values.
    Prev,
    /// The next window's values.
    Next,
    /// Linear interpolation between the neighbouring windows.
    Linear,
    /// The nearest row's values (INTERP only).
    Near,
}

impl Fill {
    /// `FILL(VALUE, v1, v2, …)`.
    pub fn value<V: Into<FillValue>>(values: impl IntoIterator<Item = V>) -> Fill {
        Fill::Value(values.into_iter().map(Into::into).collect())
    }

    /// `FILL(VALUE_F, v1, v2, …)`.
    pub fn value_f<V: Into<FillValue>>(values: impl IntoIterator<Item = V>) -> Fill {
        Fill::ValueF(values.into_iter().map(Into::into).collect())
    }

    pub(crate) fn render(&self, out: &mut String) -> Result<()> {
        let (mode, values) = match self {
            Fill::None => ("NONE", None),
            Fill::Null => ("NULL", None),
            Fill::NullF => ("NULL_F", None),
            Fill::Value(v) => ("VALUE", Some(v)),
            Fill::ValueF(v) => ("VALUE_F", Some(v)),
            Fill::Prev => ("PREV", None),
            Fill::Next => ("NEXT", None),
            Fill::Linear => ("LINEAR", None),
            Fill::Near => ("NEAR", None),
        };
        out.push_str(" FILL(");
        out.push_str(mode);
        for value in values.into_iter().flatten() {
            out.push_str(", ");
            match value {
                FillValue::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
                FillValue::Float(f) if f.is_finite() => {
                    out.push_str(zmij::Buffer::new().format_finite(*f))
                }
                FillValue::Float(f) => {
                    return Err(Error::InvalidArgument(format!(
                        "FILL value {f} is not a finite number"
                    )))
                }
            }
        }
        out.push(')');
        Ok(())
    }

    pub(crate) fn values(&self) -> Option<usize> {
        match self {
            Fill::Value(v) | Fill::ValueF(v) => Some(v.len()),
            _ => None,
        }
    }

    pub(crate) fn is_none(&self) -> bool {
        matches!(self, Fill::None)
    }
}

/// A window clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Window {
    Interval {
        length: TimeSpan,
        offset: Option<TimeSpan>,
        sliding: Option<TimeSpan>,
        fill: Option<Fill>,
    },
    Session {
        ts: Node,
        gap: TimeSpan,
    },
    State {
        key: Node,
        true_for: Option<TimeSpan>,
    },
    Event {
        start: CondNode,
        end: CondNode,
        true_for: Option<TimeSpan>,
    },
    Count {
        count: u64,
        slide: Option<u64>,
    },
    /// INTERP's `RANGE(start[, end]) [EVERY(step)] FILL(mode)`.
    Interp {
        ts: &'static ColumnDef,
        start: Bound,
        end: Option<Bound>,
        every: Option<TimeSpan>,
        fill: Fill,
    },
}

/// A marker of [`super::Query`]: no window clause yet.
#[derive(Debug, Clone, Copy)]
pub enum NoWindow {}
/// A marker of [`super::Query`]: an INTERVAL window, which may take
/// SLIDING, an offset and FILL.
#[derive(Debug, Clone, Copy)]
pub enum IntervalWindow {}
/// A marker of [`super::Query`]: a SESSION or COUNT window.
#[derive(Debug, Clone, Copy)]
pub enum OtherWindow {}
/// A marker of [`super::Query`]: a STATE or EVENT window, which may take TRUE_FOR.
#[derive(Debug, Clone, Copy)]
pub enum StateEventWindow {}
/// A marker of [`super::Query`]: an INTERP query (`RANGE`, `EVERY`, `FILL`).
#[derive(Debug, Clone, Copy)]
pub enum InterpWindow {}

impl Window {
    /// Checks TDengine's rules for the clause itself.
    pub(crate) fn check(&self) -> Result<()> {
        let err = |m: String| Err(Error::InvalidArgument(m));
        match self {
            Window::Interval {
                length,
                offset,
                sliding,
                fill,
            } => {
                if fill == &Some(Fill::Near) {
                    return err("FILL(NEAR) exists only in INTERP queries".into());
                }
                if length.count == 0 {
                    return err("INTERVAL length must be positive".into());
                }
                if let Some(offset) = offset {
                    let shorter = match (offset.len_nanos(), length.len_nanos()) {
                        (Some(o), Some(l)) => o < l,
                        _ => offset.unit == length.unit && offset.count < length.count,
                    };
                    if !shorter {
                        return err(format!(
                            "INTERVAL offset {} must be shorter than the interval {}",
                            offset.sql(),
                            length.sql()
                        ));
                    }
                }
                if let Some(sliding) = sliding {
                    let (Some(s), Some(l)) = (sliding.len_nanos(), length.len_nanos()) else {
                        return err(format!(
                            "SLIDING {} cannot go with calendar units (INTERVAL {})",
                            sliding.sql(),
                            length.sql()
                        ));
                    };
                    if s == 0 || s > l {
                        return err(format!(
                            "SLIDING {} must be positive and no longer than the interval {}",
                            sliding.sql(),
                            length.sql()
                        ));
                    }
                    if s * 100 < l {
                        return err(format!(
                            "SLIDING {} must be at least 1% of the interval {}",
                            sliding.sql(),
                            length.sql()
                        ));
                    }
                }
            }
            Window::Interp { fill, every, .. } => {
                if matches!(fill, Fill::None | Fill::NullF | Fill::ValueF(_)) {
                    return err("INTERP takes FILL(NULL), VALUE, PREV, NEXT, LINEAR or NEAR".into());
                }
                if every.is_some_and(|e| e.count == 0) {
                    return err("INTERP's EVERY must be positive".into());
                }
            }
            Window::Session { gap, .. } if gap.count == 0 => {
                return err("SESSION tolerance must be positive".into())
            }
            Window::Count { count, slide } => {
                if !(2..=i32::MAX as u64).contains(count) {
                    return err(format!(
                        "COUNT_WINDOW count must be in 2..=2^31-1, got {count}"
                    ));
                }
                if let Some(slide) = slide {
                    if *slide == 0 || slide > count {
                        return err(format!(
                            "COUNT_WINDOW slide must be in 1..={count}, got {slide}"
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn render(
        &self,
        out: &mut String,
        precision: taos::taos_query::common::Precision,
    ) -> Result<()> {
        let true_for = |out: &mut String, d: &Option<TimeSpan>| {
            if let Some(d) = d {
                out.push_str(" TRUE_FOR(");
                d.render(out);
                out.push(')');
            }
        };
        match self {
            Window::Interval {
                length,
                offset,
                sliding,
                fill,
            } => {
                out.push_str(" INTERVAL(");
                length.render(out);
                if let Some(offset) = offset {
                    out.push_str(", ");
                    offset.render(out);
                }
                out.push(')');
                if let Some(sliding) = sliding {
                    out.push_str(" SLIDING(");
                    sliding.render(out);
                    out.push(')');
                }
                if let Some(fill) = fill {
                    fill.render(out)?;
                }
            }
            Window::Session { ts, gap } => {
                out.push_str(" SESSION(");
                ts.render(out)?;
                out.push_str(", ");
                gap.render(out);
                out.push(')');
            }
            Window::State { key, true_for: t } => {
                out.push_str(" STATE_WINDOW(");
                key.render(out)?;
                out.push(')');
                true_for(out, t);
            }
            Window::Event {
                start,
                end,
                true_for: t,
            } => {
                out.push_str(" EVENT_WINDOW START WITH ");
                start.render(out, precision)?;
                out.push_str(" END WITH ");
                end.render(out, precision)?;
                true_for(out, t);
            }
            Window::Interp {
                ts,
                start,
                end,
                every,
                fill,
            } => {
                let bound = |out: &mut String, b: &Bound| {
                    write_value(out, ts, &b.as_value(), precision).map_err(|e| {
                        Error::InvalidArgument(format!("INTERP RANGE bound: {}", e.reason))
                    })
                };
                out.push_str(" RANGE(");
                bound(out, start)?;
                if let Some(end) = end {
                    out.push_str(", ");
                    bound(out, end)?;
                }
                out.push(')');
                if let Some(every) = every {
                    out.push_str(" EVERY(");
                    every.render(out);
                    out.push(')');
                }
                fill.render(out)?;
            }
            Window::Count { count, slide } => {
                out.push_str(" COUNT_WINDOW(");
                out.push_str(itoa::Buffer::new().format(*count));
                if let Some(slide) = slide {
                    out.push_str(", ");
                    out.push_str(itoa::Buffer::new().format(*slide));
                }
                out.push(')');
            }
        }
        Ok(())
    }
}
