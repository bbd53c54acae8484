//! GROUP BY / plain aggregation: one accumulator set per group key.

use super::agg::{argument, Acc, RowRef};
use super::eval::{eval, RowCtx};
use super::plan::{AggFn, AggSpec, CExpr};
use super::relation::Relation;
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
    let mut groups: Vec<Group> = Vec::new();
    let count_only = aggs
        .iter()
        .all(|a| a.func == AggFn::Count && a.arg.is_none());
    if filter.is_none() && keys.is_empty() && count_only {
        // `COUNT(*)` of every row: the tables' row counts, no row read.
        let mut total = 0;
        let mut first = None;
        for (si, seg) in rel.segments.iter().enumerate() {
            let range = rel.rows_in(seg, bounds);
            if first.is_none() && !range.is_empty() {
                first = Some((si, range.start));
            }
            total += range.len() as i64;
        }
        if first.is_some() {
            groups.push(Group {
                keys: vec![],
                accs: aggs.iter().map(|_| Acc::Count(total)).collect(),
                first,
            });
        }
        return groups;
    }
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (si, seg) in rel.segments.iter().enumerate() {
        let range = rel.rows_in(seg, bounds);
        for r in range {
            let rc = RowCtx {
                seg: Some(seg),
                row: r,
                aggs: &[],
                keys: &[],
                win: [0; 3],
            };
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
            let mut slot = Value::Null;
            for (acc, spec) in g.accs.iter_mut().zip(aggs) {
                let v = argument(spec.arg.as_ref(), &rc, &mut slot);
                acc.update(spec.func, v, ts, (si, r));
            }
        }
    }
    groups
}
