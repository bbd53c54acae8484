//! GROUP BY / plain aggregation: one accumulator set per group key.

use super::agg::{argument, Acc, RowRef};
use super::eval::{eval, RowCtx};
use super::plan::{AggSpec, CExpr};
use super::relation::Relation;
use super::scan::feed_rows;
use crate::engine::value::{Key, Value};
use std::collections::HashMap;

/// One group's key, accumulators and first row.
pub(super) struct Group {
    pub(super) keys: Vec<Value>,
    pub(super) accs: Vec<Acc>,
    pub(super) first: Option<RowRef>,
}

/// Aggregates the filtered rows of `rel` per group key.
pub(super) fn aggregate(
    rel: &Relation,
    filter: &Option<CExpr>,
    keys: &[CExpr],
    aggs: &[AggSpec],
    bounds: (i64, i64),
) -> Vec<Group> {
    if filter.is_none() && keys.is_empty() {
        return whole(rel, aggs, bounds).into_iter().collect();
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (si, seg) in rel.segments.iter().enumerate() {
        let range = rel.rows_in(seg, bounds);
        for r in range {
            let rc = RowCtx::row(seg, r);
            if let Some(f) = filter {
                if !eval(f, &rc).truthy() {
                    continue;
                }
            }
            let gi = if keys.is_empty() {
                if groups.is_empty() {
                    groups.push(Group {
                        keys: vec![],
                        accs: aggs.iter().map(Acc::new).collect(),
                        first: Some((si, r)),
                    });
                }
                0
            } else {
                let k: Vec<Value> = keys.iter().map(|k| eval(k, &rc)).collect();
                let key = Key(k);
                match index.get(&key) {
                    Some(&i) => i,
                    None => {
                        groups.push(Group {
                            keys: key.0.clone(),
                            accs: aggs.iter().map(Acc::new).collect(),
                            first: Some((si, r)),
                        });
                        index.insert(key, groups.len() - 1);
                        groups.len() - 1
                    }
                }
            };
            let ts = if rel.has_ts { seg.data.ts[r] } else { 0 };
            let g = &mut groups[gi];
            feed_row(g.accs.iter_mut().zip(aggs), &rc, ts, (si, r));
        }
    }
    groups
}

/// Every row in one group (no filter, no keys): each table's range through
/// the scan operator.
fn whole(rel: &Relation, aggs: &[AggSpec], bounds: (i64, i64)) -> Option<Group> {
    let mut accs: Vec<Acc> = aggs.iter().map(Acc::new).collect();
    let mut first = None;
    let mut scratch = Vec::with_capacity(aggs.len());
    for (si, seg) in rel.segments.iter().enumerate() {
        let range = rel.rows_in(seg, bounds);
        if range.is_empty() {
            continue;
        }
        first.get_or_insert((si, range.start));
        feed_rows(&mut accs, aggs, rel, si, range, &mut scratch);
    }
    Some(Group {
        keys: vec![],
        accs,
        first: Some(first?),
    })
}

/// Feeds one row's arguments to the accumulators.
pub(super) fn feed_row<'s>(
    accs: impl Iterator<Item = (&'s mut Acc, &'s AggSpec)>,
    rc: &RowCtx,
    ts: i64,
    at: RowRef,
) {
    let mut slot = Value::Null;
    for (acc, spec) in accs {
        let v = argument(spec.arg.as_ref(), rc, &mut slot);
        acc.update(spec.func, v, ts, at);
    }
}
