//! DIFF, CSUM and DERIVATIVE: functions whose value depends on the previous rows of the
//! same timeline (one per partition; a super table without PARTITION BY is
//! one merged timeline).

use super::eval::{eval, RowCtx};
use super::plan::CExpr;
use super::relation::Relation;
use crate::api::TdError;
use crate::engine::value::{Key, Value};
use std::collections::HashMap;

/// The row-sequence functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFn {
    /// DIFF(x[, ignore_negative]): change from the previous non-NULL value.
    Diff,
    /// CSUM(x): running sum.
    Csum,
    /// DERIVATIVE(x, unit, ignore_negative): change per `unit` of time.
    Derivative,
}

impl RowFn {
    /// By lowercase name.
    pub fn by_name(name: &str) -> Option<RowFn> {
        match name {
            "diff" => Some(RowFn::Diff),
            "csum" => Some(RowFn::Csum),
            "derivative" => Some(RowFn::Derivative),
            _ => None,
        }
    }
}

/// DIFF's and DERIVATIVE's last argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negatives {
    /// Output them (DIFF 0 and 2, DERIVATIVE 0).
    Keep,
    /// Output NULL in their place (DIFF 1).
    Null,
    /// Output no row (DIFF 3, DERIVATIVE 1).
    Drop,
}

/// One DIFF/CSUM/DERIVATIVE call of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct RowFnSpec {
    /// Function.
    pub func: RowFn,
    /// Argument.
    pub arg: CExpr,
    /// What DIFF / DERIVATIVE do with a negative change.
    pub negatives: Negatives,
    /// DERIVATIVE's time unit in precision ticks (0 for the others).
    pub unit: i64,
}

/// Rows of a query using DIFF/CSUM/DERIVATIVE, each with its partition number appended.
pub fn run(
    rel: &Relation,
    filter: &Option<CExpr>,
    keys: &[CExpr],
    fns: &[RowFnSpec],
    exprs: &[CExpr],
    bounds: (i64, i64),
    grouped: bool,
) -> Result<Vec<Vec<Value>>, TdError> {
    let mut pids: HashMap<Key, usize> = HashMap::new();
    let mut entries: Vec<(usize, i64, usize, usize)> = Vec::new();
    for (si, seg) in rel.segments.iter().enumerate() {
        let range = rel.rows_in(seg, bounds);
        for r in range {
            let rc = ctx(rel, si, r, &[]);
            if matches!(filter, Some(f) if !eval(f, &rc).truthy()) {
                continue;
            }
            let key = Key(keys.iter().map(|k| eval(k, &rc)).collect());
            let next = pids.len();
            let pid = *pids.entry(key).or_insert(next);
            entries.push((pid, seg.data.ts.get(r).copied().unwrap_or(0), si, r));
        }
    }
    entries.sort_by_key(|e| (e.0, e.1));
    if entries
        .windows(2)
        .any(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1 && rel.has_ts)
    {
        return Err(TdError::new(
            0x2805,
            "Duplicate timestamps not allowed in function",
        ));
    }
    // Per function: partition, previous value and its timestamp.
    let mut state: Vec<Option<(usize, Value, i64)>> = vec![None; fns.len()];
    let mut rows = Vec::new();
    for (pid, ts, si, r) in entries {
        let mut vals = Vec::with_capacity(fns.len());
        let mut keep = true;
        for (f, st) in fns.iter().zip(state.iter_mut()) {
            let v = eval(&f.arg, &ctx(rel, si, r, &[]));
            if v.is_null() {
                keep &= f.func == RowFn::Diff;
                vals.push(Value::Null);
                continue;
            }
            let prev = st
                .take()
                .filter(|(p, _, _)| *p == pid)
                .map(|(_, v, t)| (v, t));
            let out = match (f.func, &prev) {
                (RowFn::Diff | RowFn::Derivative, None) => {
                    keep = false;
                    Value::Null
                }
                (RowFn::Diff, Some((p, _))) => diff(&v, p, f.negatives, &mut keep),
                (RowFn::Derivative, Some((p, t))) => derivative((&v, ts), (p, *t), f, &mut keep),
                (RowFn::Csum, _) => add(prev.as_ref().map(|(p, _)| p), &v),
            };
            *st = Some((
                pid,
                if f.func == RowFn::Csum {
                    out.clone()
                } else {
                    v
                },
                ts,
            ));
            vals.push(out);
        }
        if !keep {
            continue;
        }
        let rc = ctx(rel, si, r, &vals);
        let mut row: Vec<Value> = exprs.iter().map(|e| eval(e, &rc)).collect();
        if grouped {
            row.push(Value::Int(pid as i64));
        }
        rows.push(row);
    }
    Ok(rows)
}

fn ctx<'c, 'a>(rel: &'c Relation<'a>, si: usize, r: usize, vals: &'c [Value]) -> RowCtx<'c, 'a> {
    RowCtx {
        seg: Some(&rel.segments[si]),
        row: r,
        aggs: vals,
        keys: &[],
        win: [0; 3],
    }
}

fn diff(v: &Value, prev: &Value, negatives: Negatives, keep: &mut bool) -> Value {
    let out = match (v, prev) {
        (Value::Float(_), _) | (_, Value::Float(_)) => {
            Value::Float(v.as_f64().unwrap_or(0.0) - prev.as_f64().unwrap_or(0.0))
        }
        _ => Value::Int((v.as_i128().unwrap_or(0) - prev.as_i128().unwrap_or(0)) as i64),
    };
    if !out.as_f64().is_some_and(|d| d < 0.0) {
        return out;
    }
    match negatives {
        Negatives::Keep => out,
        Negatives::Null => Value::Null,
        Negatives::Drop => {
            *keep = false;
            out
        }
    }
}

/// Change per `f.unit` of time since the previous point.
fn derivative(cur: (&Value, i64), prev: (&Value, i64), f: &RowFnSpec, keep: &mut bool) -> Value {
    let dv = cur.0.as_f64().unwrap_or(0.0) - prev.0.as_f64().unwrap_or(0.0);
    let dt = (cur.1 - prev.1) as f64 / f.unit as f64;
    let out = dv / dt;
    if f.negatives == Negatives::Drop && out < 0.0 {
        *keep = false;
    }
    Value::Float(out)
}

fn add(prev: Option<&Value>, v: &Value) -> Value {
    match (prev, v) {
        (None, Value::Float(f)) => Value::Float(*f),
        (None, v) => v.clone(),
        (Some(Value::Float(p)), v) => Value::Float(p + v.as_f64().unwrap_or(0.0)),
        (Some(p), Value::Float(f)) => Value::Float(p.as_f64().unwrap_or(0.0) + f),
        (Some(Value::UInt(p)), v) => Value::UInt(p.wrapping_add(v.as_i128().unwrap_or(0) as u64)),
        (Some(p), v) => Value::Int((p.as_i128().unwrap_or(0) + v.as_i128().unwrap_or(0)) as i64),
    }
}
