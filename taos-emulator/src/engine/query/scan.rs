//! Aggregates fed a whole row range straight from typed storage, rather
//! than a value per row: COUNT, SUM, AVG, MIN and MAX of a plain column
//! (and `count(*)`), the shape of full scans.

use super::agg::Acc;
use super::eval::RowCtx;
use super::group::feed_row;
use super::plan::{AggFn, AggSpec, CExpr};
use super::relation::{Relation, Segment};
use crate::engine::storage::{Bitmap, Column, Prim, PrimVisitor};
use std::ops::Range;

/// Feeds `accs` (one per spec of `aggs`) rows `range` of segment `si` of
/// `rel`: each accumulator that reads storage directly takes the range
/// whole, the others a row at a time in row order. `scratch` is reused
/// between calls.
pub(super) fn feed_rows(
    accs: &mut [Acc],
    aggs: &[AggSpec],
    rel: &Relation,
    si: usize,
    range: Range<usize>,
    scratch: &mut Vec<usize>,
) {
    let seg = &rel.segments[si];
    scratch.clear();
    for (k, (acc, spec)) in accs.iter_mut().zip(aggs).enumerate() {
        if !feed_range(acc, spec, seg, si, range.clone()) {
            scratch.push(k);
        }
    }
    if scratch.is_empty() {
        return;
    }
    for r in range {
        let rc = RowCtx::row(seg, r);
        let ts = if rel.has_ts { seg.data.ts[r] } else { 0 };
        let picked = accs
            .iter_mut()
            .zip(aggs)
            .enumerate()
            .filter(|(k, _)| scratch.contains(k))
            .map(|(_, pair)| pair);
        feed_row(picked, &rc, ts, (si, r));
    }
}

/// Feeds `acc` (of `spec`) rows `range` of segment `si`, exactly as a row
/// at a time would, when the argument is a plain fixed-width column (or
/// `count(*)`) and the function one of those above. False, nothing fed,
/// otherwise.
fn feed_range(
    acc: &mut Acc,
    spec: &AggSpec,
    seg: &Segment,
    si: usize,
    range: Range<usize>,
) -> bool {
    let col = match (&spec.arg, &mut *acc) {
        (None, Acc::Count(n)) => {
            *n += range.len() as i64;
            return true;
        }
        (Some(CExpr::Col(i)), _) => match seg.data.cols.get(*i) {
            Some(col) => col,
            None => return false,
        },
        _ => return false,
    };
    let feed = Feed {
        acc,
        min: spec.func == AggFn::Min,
        col,
        at: (si, range),
    };
    col.visit_prims(feed).unwrap_or(false)
}

struct Feed<'a> {
    acc: &'a mut Acc,
    /// MIN rather than MAX, for a `Pick`.
    min: bool,
    col: &'a Column,
    at: (usize, Range<usize>),
}

impl PrimVisitor for Feed<'_> {
    type Out = bool;

    fn visit<T: Prim>(self, values: &[T], valid: &Bitmap) -> bool {
        let (si, range) = self.at;
        let start = range.start;
        let dense = valid.all(range.clone());
        // (row, value) of the range's non-NULL cells, in row order.
        let cells = values[range.clone()]
            .iter()
            .enumerate()
            .filter(|&(k, _)| dense || valid.get(start + k))
            .map(|(k, v)| (start + k, *v));
        match self.acc {
            Acc::Count(n) => *n += valid.count_ones(range) as i64,
            Acc::Avg(sum, n) => {
                for (_, v) in cells {
                    *sum += v.to_f64();
                    *n += 1;
                }
            }
            Acc::SumF(sum) => {
                for (_, v) in cells {
                    *sum = Some(sum.unwrap_or(0.0) + v.to_f64());
                }
            }
            Acc::SumI(sum) => {
                for (_, v) in cells {
                    if let Some(x) = v.to_i128() {
                        *sum = Some(sum.unwrap_or(0) + x);
                    }
                }
            }
            Acc::Pick(best) => {
                // Continue from the best so far, in its stored type, so
                // ties (and NaN, equal to all) resolve as row by row.
                let mut top = match best {
                    Some((v, at)) => match T::from_value(v) {
                        Some(x) => Some((x, *at)),
                        None => return false,
                    },
                    None => None,
                };
                let seed = top.map(|(_, at)| at);
                for (r, v) in cells {
                    let better = top.map_or(true, |(b, _)| {
                        let o = v.order(b);
                        if self.min {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    });
                    if better {
                        top = Some((v, (si, r)));
                    }
                }
                if let Some((_, at)) = top.filter(|&(_, at)| Some(at) != seed) {
                    *best = Some((self.col.get(at.1), at));
                }
            }
            _ => return false,
        }
        true
    }
}
