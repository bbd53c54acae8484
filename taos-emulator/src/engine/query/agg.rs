//! Aggregate accumulators.

use super::eval::{eval, RowCtx};
use super::plan::{AggFn, AggSpec, CExpr};
use crate::engine::value::{Key, Value};
use std::collections::HashMap;
use taos_query::common::Ty;

/// Where a row lives: (segment, row).
pub type RowRef = (usize, usize);

/// Running state of one aggregate in one group.
#[derive(Debug, Clone)]
pub enum Acc {
    /// COUNT.
    Count(i64),
    /// SUM of integers.
    SumI(Option<i128>),
    /// SUM of floats.
    SumF(Option<f64>),
    /// AVG (sum, n).
    Avg(f64, i64),
    /// MIN / MAX: best value and its row.
    Pick(Option<(Value, RowRef)>),
    /// SPREAD (min, max).
    Spread(Option<(f64, f64)>),
    /// STDDEV / VAR_POP by Welford (n, mean, m2).
    Var(i64, f64, f64),
    /// FIRST / LAST / LAST_ROW: (ts, value, row).
    Timed(Option<(i64, Value, RowRef)>),
    /// PERCENTILE / APERCENTILE: every value.
    Values(Vec<f64>),
    /// TWA / IRATE: (ts, value) points.
    Points(Vec<(i64, f64)>),
    /// HYPERLOGLOG / MODE: counts per distinct value, in first-seen order.
    Counts(HashMap<Key, usize>, Vec<Value>),
    /// ELAPSED: (first, last) timestamp.
    Span(Option<(i64, i64)>),
    /// TOP / BOTTOM: how many to keep, and the best values so far with
    /// their timestamps and rows.
    Best(usize, Vec<(Value, i64, RowRef)>),
}

/// `count(*)`'s argument on every row.
static ONE: Value = Value::Int(1);

/// An aggregate's argument on one row, read or evaluated into `slot`.
pub(super) fn argument<'x>(
    arg: Option<&CExpr>,
    rc: &RowCtx<'x, '_>,
    slot: &'x mut Value,
) -> &'x Value {
    match arg {
        None => &ONE,
        Some(a) => {
            *slot = eval(a, rc);
            slot
        }
    }
}

impl Acc {
    /// A fresh accumulator for `spec`.
    pub fn new(spec: &AggSpec) -> Acc {
        match spec.func {
            AggFn::Count => Acc::Count(0),
            AggFn::Sum if matches!(spec.arg_dt.ty, Ty::Float | Ty::Double) => Acc::SumF(None),
            AggFn::Sum => Acc::SumI(None),
            AggFn::Avg => Acc::Avg(0.0, 0),
            AggFn::Min | AggFn::Max => Acc::Pick(None),
            AggFn::Spread => Acc::Spread(None),
            AggFn::Stddev | AggFn::VarPop => Acc::Var(0, 0.0, 0.0),
            AggFn::First | AggFn::Last | AggFn::LastRow => Acc::Timed(None),
            AggFn::Percentile | AggFn::Apercentile => Acc::Values(Vec::new()),
            AggFn::Twa | AggFn::Irate => Acc::Points(Vec::new()),
            AggFn::HyperLogLog | AggFn::Mode => Acc::Counts(HashMap::new(), Vec::new()),
            AggFn::Elapsed => Acc::Span(None),
            // INTERP is computed from the sorted timeline, never accumulated.
            AggFn::Interp => Acc::Span(None),
            AggFn::Top | AggFn::Bottom => Acc::Best(
                spec.params
                    .first()
                    .and_then(Value::as_i128)
                    .map_or(1, |k| k.clamp(1, 100) as usize),
                Vec::new(),
            ),
        }
    }

    /// Feeds one row's argument value (`Value::Int(1)` for `count(*)`),
    /// copied only by the accumulators that keep it.
    pub fn update(&mut self, f: AggFn, v: &Value, ts: i64, at: RowRef) {
        if v.is_null() && f != AggFn::LastRow {
            return;
        }
        match self {
            Acc::Count(n) => *n += 1,
            Acc::SumI(s) => {
                if let Some(x) = v.as_i128() {
                    *s = Some(s.unwrap_or(0) + x);
                }
            }
            Acc::SumF(s) => {
                if let Some(x) = v.as_f64() {
                    *s = Some(s.unwrap_or(0.0) + x);
                }
            }
            Acc::Avg(s, n) => {
                if let Some(x) = v.as_f64() {
                    *s += x;
                    *n += 1;
                }
            }
            Acc::Pick(best) => {
                let better = match best {
                    None => true,
                    Some((b, _)) => {
                        let o = v.total_cmp(b);
                        if f == AggFn::Min {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    }
                };
                if better {
                    *best = Some((v.clone(), at));
                }
            }
            Acc::Spread(mm) => {
                if let Some(x) = v.as_f64() {
                    *mm = Some(match mm {
                        None => (x, x),
                        Some((lo, hi)) => (lo.min(x), hi.max(x)),
                    });
                }
            }
            Acc::Var(n, mean, m2) => {
                if let Some(x) = v.as_f64() {
                    *n += 1;
                    let d = x - *mean;
                    *mean += d / *n as f64;
                    *m2 += d * (x - *mean);
                }
            }
            Acc::Values(vals) => vals.extend(v.as_f64()),
            Acc::Points(pts) => pts.extend(v.as_f64().map(|x| (ts, x))),
            Acc::Counts(counts, order) => {
                let n = counts.entry(Key(vec![v.clone()])).or_insert(0);
                if *n == 0 {
                    order.push(v.clone());
                }
                *n += 1;
            }
            Acc::Span(span) => {
                *span = Some(match span {
                    None => (ts, ts),
                    Some((a, b)) => ((*a).min(ts), (*b).max(ts)),
                })
            }
            Acc::Best(k, best) => {
                best.push((v.clone(), ts, at));
                if best.len() > *k {
                    // Drop the worst; among equals the later row goes.
                    let worst = (0..best.len())
                        .min_by(|&a, &b| {
                            let o = best[a].0.total_cmp(&best[b].0);
                            let o = if f == AggFn::Top { o } else { o.reverse() };
                            o.then(best[b].1.cmp(&best[a].1))
                        })
                        .unwrap_or(0);
                    best.remove(worst);
                }
            }
            Acc::Timed(cur) => {
                let take = match cur {
                    None => true,
                    Some((t, _, _)) if f == AggFn::First => ts < *t,
                    Some((t, _, _)) => ts >= *t,
                };
                if take {
                    *cur = Some((ts, v.clone(), at));
                }
            }
        }
    }

    /// TOP/BOTTOM picks in timestamp order.
    pub fn picks(&self) -> Vec<(Value, RowRef)> {
        let Acc::Best(_, best) = self else {
            return Vec::new();
        };
        let mut b = best.clone();
        b.sort_by_key(|x| x.1);
        b.into_iter().map(|(v, _, at)| (v, at)).collect()
    }

    /// The selected row, for selection functions.
    pub fn row(&self) -> Option<RowRef> {
        match self {
            Acc::Pick(Some((_, r))) | Acc::Timed(Some((_, _, r))) => Some(*r),
            _ => None,
        }
    }

    /// The final value.
    pub fn finish(&self, spec: &AggSpec) -> Value {
        match self {
            Acc::Count(n) => Value::Int(*n),
            Acc::SumI(None) | Acc::SumF(None) | Acc::Pick(None) | Acc::Spread(None) => Value::Null,
            Acc::SumI(Some(s)) => {
                if matches!(
                    spec.arg_dt.ty,
                    Ty::UTinyInt | Ty::USmallInt | Ty::UInt | Ty::UBigInt
                ) {
                    Value::UInt(*s as u64)
                } else {
                    Value::Int(*s as i64)
                }
            }
            Acc::SumF(Some(s)) => Value::Float(*s),
            Acc::Avg(_, 0) | Acc::Var(0, _, _) => Value::Null,
            Acc::Avg(s, n) => Value::Float(s / *n as f64),
            Acc::Pick(Some((v, _))) => v.clone(),
            Acc::Spread(Some((lo, hi))) => Value::Float(hi - lo),
            Acc::Var(n, _, m2) => {
                let var = m2 / *n as f64;
                Value::Float(if spec.func == AggFn::VarPop {
                    var
                } else {
                    var.sqrt()
                })
            }
            Acc::Timed(None) => Value::Null,
            Acc::Timed(Some((_, v, _))) => v.clone(),
            Acc::Values(vals) => {
                let p = spec.params.first().and_then(Value::as_f64);
                let t_digest =
                    matches!(spec.params.get(1), Some(Value::Str(a)) if &**a == "t-digest");
                if spec.func == AggFn::Apercentile && !t_digest {
                    histogram_percentile(vals, p)
                } else {
                    percentile(vals, p)
                }
            }
            Acc::Points(pts) if spec.func == AggFn::Irate => {
                irate(pts, spec.params.first().and_then(Value::as_f64))
            }
            Acc::Points(pts) => twa(pts),
            Acc::Counts(counts, _) if spec.func == AggFn::HyperLogLog => {
                Value::Int(counts.len() as i64)
            }
            Acc::Counts(counts, order) => order
                .iter()
                .enumerate()
                .max_by_key(|&(seen, v)| {
                    // Ties go to the value seen first.
                    let n = counts.get(&Key(vec![v.clone()])).copied().unwrap_or(0);
                    (n, std::cmp::Reverse(seen))
                })
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            Acc::Best(_, best) => best.first().map_or(Value::Null, |b| b.0.clone()),
            Acc::Span(None) => Value::Null,
            Acc::Span(Some((a, b))) => {
                let unit = spec.params.first().and_then(Value::as_f64).unwrap_or(1.0);
                Value::Float((b - a) as f64 / unit)
            }
        }
    }
}

/// Percentile by linear interpolation between the closest ranks.
fn percentile(vals: &[f64], p: Option<f64>) -> Value {
    let (Some(p), false) = (p, vals.is_empty()) else {
        return Value::Null;
    };
    let mut v = vals.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = (v.len() - 1) as f64 * p / 100.0;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Value::Float(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// Bins of the streaming histogram behind APERCENTILE's default method.
const HISTOGRAM_BINS: usize = 500;

/// APERCENTILE(x, p) by TDengine's default method: the values go, in scan
/// order, into a histogram of at most 500 bins (each new value a bin, the
/// two closest bins merged into their weighted mean when there are too
/// many), and the percentile is read off the bins' cumulative counts. With
/// few distinct values the bins are the values themselves, so the answer is
/// one of them more often than PERCENTILE's interpolation.
fn histogram_percentile(vals: &[f64], p: Option<f64>) -> Value {
    let (Some(p), false) = (p, vals.is_empty()) else {
        return Value::Null;
    };
    // (value, count), sorted by value.
    let mut bins: Vec<(f64, i64)> = Vec::new();
    for &v in vals {
        match bins.binary_search_by(|b| b.0.total_cmp(&v)) {
            Ok(i) => bins[i].1 += 1,
            Err(i) => {
                bins.insert(i, (v, 1));
                if bins.len() > HISTOGRAM_BINS {
                    let i = (0..bins.len() - 1)
                        .min_by(|&a, &b| {
                            (bins[a + 1].0 - bins[a].0).total_cmp(&(bins[b + 1].0 - bins[b].0))
                        })
                        .unwrap_or(0);
                    let ((va, na), (vb, nb)) = (bins[i], bins[i + 1]);
                    let n = na + nb;
                    bins[i] = ((va * na as f64 + vb * nb as f64) / n as f64, n);
                    bins.remove(i + 1);
                }
            }
        }
    }
    let total = vals.len() as f64;
    let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let want = p / 100.0 * total;
    if want == 0.0 {
        return Value::Float(min);
    }
    if want <= bins[0].1 as f64 {
        return Value::Float(bins[0].0);
    }
    if want == total {
        return Value::Float(max);
    }
    // The bin j where the cumulative count up to it is at most `want` and
    // one more bin would pass it; between j and j + 1 the count grows as a
    // trapezoid, solved for the position of `want`.
    let mut below = 0i64;
    let mut j = 0;
    while j + 1 < bins.len() {
        below += bins[j].1;
        if below as f64 <= want && (below + bins[j + 1].1) as f64 > want {
            break;
        }
        j += 1;
    }
    let Some(&(next_v, next_n)) = bins.get(j + 1) else {
        return Value::Float(max);
    };
    let (v, n) = (bins[j].0, bins[j].1 as f64);
    let delta = want - below as f64;
    let range = next_n as f64 - n;
    let at = if range == 0.0 {
        v + (next_v - v) * delta / n
    } else {
        let factor = (-2.0 * n + (4.0 * n * n + 8.0 * range * delta).sqrt()) / (2.0 * range);
        v + (next_v - v) * factor
    };
    Value::Float(at)
}

/// IRATE: rate per second between the two latest points; a drop is taken as
/// a counter reset, so the latest value alone counts as the increase.
fn irate(pts: &[(i64, f64)], per_second: Option<f64>) -> Value {
    let mut p = pts.to_vec();
    p.sort_by_key(|(t, _)| *t);
    match p.as_slice() {
        [] => Value::Null,
        [.., prev, last] if last.0 > prev.0 => {
            let rise = if last.1 < prev.1 {
                last.1
            } else {
                last.1 - prev.1
            };
            let secs = (last.0 - prev.0) as f64 / per_second.unwrap_or(1000.0);
            Value::Float(rise / secs)
        }
        // One point (or no time between the last two): no measurable rate.
        _ => Value::Float(0.0),
    }
}

/// Time-weighted average: trapezoids between consecutive points over the span.
/// The time-weighted average of points: trapezoids between neighbours.
pub(super) fn twa(pts: &[(i64, f64)]) -> Value {
    let mut p = pts.to_vec();
    p.sort_by_key(|(t, _)| *t);
    match p.as_slice() {
        [] => Value::Null,
        [(_, v)] => Value::Float(*v),
        [first, .., last] if last.0 == first.0 => Value::Float(first.1),
        [first, .., last] => {
            let area: f64 = p
                .windows(2)
                .map(|w| (w[1].0 - w[0].0) as f64 * (w[0].1 + w[1].1) / 2.0)
                .sum();
            Value::Float(area / (last.0 - first.0) as f64)
        }
    }
}
