//! Projecting window rows, FILL, and LIMIT per partition.

use super::eval::{eval, RowCtx};
use super::plan::{AggSpec, CExpr};
use super::relation::Relation;
use super::window;
use crate::api::TdError;
use crate::engine::value::{Key, Value};
use crate::sql::ast::DataType;

/// What a window query projects.
pub(super) struct WindowPlan<'p> {
    pub(super) filter: &'p Option<CExpr>,
    pub(super) keys: &'p [CExpr],
    pub(super) aggs: &'p [AggSpec],
    pub(super) exprs: &'p [CExpr],
    pub(super) types: &'p [DataType],
    pub(super) having: &'p Option<CExpr>,
    pub(super) bounds: (i64, i64),
}

/// Window rows, each with its partition number appended as a last column.
pub(super) fn window_rows(
    rel: &Relation,
    p: &WindowPlan,
    kind: &window::Kind,
    fill: Option<&window::Fill>,
) -> Result<Vec<Vec<Value>>, TdError> {
    let mut wins = window::run(rel, p.filter, p.keys, p.aggs, p.bounds, kind)?;
    if let (
        Some(f),
        window::Kind::Interval {
            len,
            offset,
            sliding,
        },
    ) = (fill, kind)
    {
        if let Some(a) = p.aggs.iter().find(|a| a.func.is_multi_row()) {
            let name = format!("{:?}", a.func).to_lowercase();
            return Err(TdError::new(
                0x2657,
                format!("{name} function is not supported in fill query"),
            ));
        }
        if p.bounds.0 == i64::MIN || p.bounds.1 == i64::MAX {
            return Err(TdError::new(0x263B, "Fill time range is not specified"));
        }
        wins = window::add_filled(
            wins,
            p.aggs.len(),
            (*len, *offset, *sliding),
            p.bounds,
            f.forced(),
        )?;
    }
    let mut rows = Vec::with_capacity(wins.len());
    let (mut filled, mut pids, mut starts) = (Vec::new(), Vec::new(), Vec::new());
    let mut pid = 0usize;
    for (i, w) in wins.iter().enumerate() {
        if i > 0 && Key(wins[i - 1].keys.clone()) != Key(w.keys.clone()) {
            pid += 1;
        }
        let rc = RowCtx {
            seg: w.rep.map(|(si, _)| &rel.segments[si]),
            row: w.rep.map_or(0, |(_, r)| r),
            aggs: &w.vals,
            keys: &w.keys,
            win: w.win,
        };
        if !w.filled && matches!(p.having, Some(h) if !eval(h, &rc).truthy()) {
            continue;
        }
        let mut row: Vec<Value> = p.exprs.iter().map(|e| eval(e, &rc)).collect();
        row.push(Value::Int(pid as i64));
        rows.push(row);
        filled.push(w.filled);
        pids.push(pid);
        starts.push(w.win[0]);
    }
    if let Some(f) = fill {
        let cols: Vec<(usize, DataType)> = p
            .types
            .iter()
            .enumerate()
            .filter(|(i, _)| p.exprs[*i].uses_agg())
            .map(|(i, t)| (i, *t))
            .collect();
        window::apply_fill(&mut rows, &filled, &pids, &starts, &cols, f)?;
    }
    Ok(rows)
}

/// OFFSET/LIMIT applied to each partition (its number is each row's last value).
pub(super) fn limit_per_partition(
    rows: Vec<Vec<Value>>,
    offset: u64,
    limit: Option<u64>,
) -> Vec<Vec<Value>> {
    let mut out = Vec::with_capacity(rows.len());
    let mut current = None;
    let mut seen = 0u64;
    for r in rows {
        let pid = r.last().cloned();
        if pid != current {
            current = pid;
            seen = 0;
        }
        seen += 1;
        if seen > offset && limit.map_or(true, |l| seen - offset <= l) {
            out.push(r);
        }
    }
    out
}

/// SLIMIT/SOFFSET: keeps the partitions numbered `offset..offset + limit`
/// in order of first appearance.
pub(super) fn slimit(rows: Vec<Vec<Value>>, offset: u64, limit: u64) -> Vec<Vec<Value>> {
    let mut order: Vec<Option<Value>> = Vec::new();
    rows.into_iter()
        .filter(|r| {
            let pid = r.last().cloned();
            let at = match order.iter().position(|p| *p == pid) {
                Some(i) => i,
                None => {
                    order.push(pid);
                    order.len() - 1
                }
            } as u64;
            at >= offset && at < offset.saturating_add(limit)
        })
        .collect()
}
