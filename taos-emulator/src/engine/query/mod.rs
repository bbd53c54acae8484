//! SELECT execution: scan → filter → group/aggregate → project → distinct →
//! order → limit. Windows slot in between filter and project.

mod agg;
mod clauses;
mod compile;
mod delete;
mod eval;
mod group;
mod like;
mod plan;
mod relation;
mod rowfn;
mod scan;
mod window;
mod windowed;

pub use compile::{has_aggregate, SERVER_VERSION};
pub use delete::delete;
pub use eval::cast as cast_value;
pub use like::Pattern;
pub use relation::{Relation, Segment, Virtual};

use super::block;
use super::catalog::Catalog;
use super::error::{db_not_exist, db_not_specified, unsupported};
use super::time;
use super::value::{Key, Value};
use crate::api::{QueryResult, Session, TdError};
use crate::sql::ast::{DataType, Select, SelectItem};
use agg::Acc;
use clauses::{expand, resolve_order, split_per_table, ts_bounds, without_ts_bounds};
use compile::{single_selection, Compiler};
use eval::{eval, RowCtx};
use group::{aggregate, Group};
use plan::{AggFn, CExpr};
use relation::table_relation;
use std::cmp::Ordering;
use std::collections::HashMap;
use taos_query::common::Precision;
use windowed::{limit_per_partition, window_rows, WindowPlan};

/// A materialised result before block encoding.
pub struct Rows {
    /// Column names.
    pub names: Vec<String>,
    /// Column types.
    pub types: Vec<DataType>,
    /// Row values.
    pub rows: Vec<Vec<Value>>,
    /// Precision of TIMESTAMP values.
    pub precision: Precision,
}

/// Runs a SELECT into result blocks.
pub fn select(cat: &Catalog, session: &Session, s: &Select) -> Result<QueryResult, TdError> {
    let r = select_rows(cat, session, s)?;
    Ok(block::build(r.names, r.types, &r.rows, r.precision))
}

/// Runs a SELECT into rows.
pub fn select_rows(cat: &Catalog, session: &Session, s: &Select) -> Result<Rows, TdError> {
    if let Some(inner) = &s.from_query {
        let rows = select_rows(cat, session, inner)?;
        let v = Virtual::from_rows(rows);
        let mut rel = v.relation("");
        rel.names = s.from_alias.iter().cloned().collect();
        return run(Some(&rel), s, session);
    }
    let Some(from) = &s.from else {
        return run(None, s, session);
    };
    let dbn = from
        .db
        .clone()
        .or_else(|| session.database.clone())
        .ok_or_else(db_not_specified)?;
    let mut names = vec![from.name.clone()];
    names.extend(s.from_alias.clone());
    if dbn == "information_schema" || dbn == "performance_schema" {
        let v = super::meta::info_table(cat, session, &from.name)?;
        let mut rel = v.relation(&from.name);
        rel.names = names;
        return run(Some(&rel), s, session);
    }
    let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
    let rel = table_relation(db, &from.name, names)?;
    run(Some(&rel), s, session)
}

/// Runs a SELECT over a relation the caller built (a topic's view of one
/// write) rather than one its FROM clause names.
pub fn select_relation(rel: &Relation, s: &Select, session: &Session) -> Result<Rows, TdError> {
    run(Some(rel), s, session)
}

fn run(rel: Option<&Relation>, s: &Select, session: &Session) -> Result<Rows, TdError> {
    if s.window.is_some() {
        if rel.is_some_and(|r| !r.has_ts) {
            return Err(TdError::new(
                0x2600,
                "syntax error near \"window\" (needs a time-ordered primary timestamp)",
            ));
        }
        if !s.group_by.is_empty() {
            return Err(TdError::new(0x2600, "syntax error near \"group by\""));
        }
        if s.items
            .iter()
            .any(|i| matches!(i, SelectItem::Star | SelectItem::QualifiedStar(_)))
        {
            return Err(TdError::new(
                0x2667,
                "Invalid window query: SELECT * with a window clause",
            ));
        }
        if rel.is_none() {
            return Err(unsupported("window without FROM"));
        }
    }
    if s.slimit.is_some() && s.group_by.is_empty() && s.partition_by.is_empty() {
        return Err(TdError::new(
            0x2638,
            "slimit/soffset only available for PARTITION/GROUP BY query",
        ));
    }
    let precision = rel.map_or(Precision::Millisecond, |r| r.precision);
    let items = expand(rel, &s.items)?;
    let keys_ast = if s.group_by.is_empty() {
        s.partition_by.clone()
    } else {
        s.group_by.clone()
    };
    let agg_mode = items.iter().any(|(e, _)| has_aggregate(e))
        || !s.group_by.is_empty()
        || s.having.is_some()
        || s.window.is_some();
    let interp = matches!(s.window, Some(crate::sql::ast::Window::Interp { .. }));
    let mut cx = Compiler {
        rel,
        precision,
        db: session.database.clone(),
        now: time::now(precision),
        aggs: Vec::new(),
        group_by: if agg_mode { keys_ast.clone() } else { vec![] },
        agg_mode: false,
        has_selection: single_selection(items.iter().map(|(e, _)| e)),
        window: s.window.is_some(),
        interp,
        state: None,
        row_fns: Vec::new(),
    };
    // HAVING filters groups: of GROUP BY, PARTITION BY or a window (not
    // INTERP's points).
    if s.having.is_some()
        && (interp || (s.group_by.is_empty() && s.partition_by.is_empty() && s.window.is_none()))
    {
        return Err(TdError::new(0x260A, "Not a GROUP BY expression"));
    }
    let filter = match &s.filter {
        Some(f) if has_aggregate(f) => {
            return Err(TdError::new(0x2608, "There mustn't be aggregation"))
        }
        Some(f) => Some(cx.compile(f)?.0),
        None => None,
    };
    // Only the tables that pass the conditions on tags and tbname are read,
    // and those conditions, which hold on all their rows, are not evaluated
    // per row.
    let (pruned, filter) = match (rel, filter) {
        (Some(r), Some(f)) => match split_per_table(f) {
            (Some(per_table), rest) => (
                Some(r.only(|seg| eval(&per_table, &RowCtx::table(seg)).truthy())),
                rest,
            ),
            (None, rest) => (None, rest),
        },
        (_, filter) => (None, filter),
    };
    let rel = pruned.as_ref().or(rel);
    let mut keys = Vec::new();
    // A plain (non-aggregate) PARTITION BY only splits rows for per-partition LIMIT.
    if agg_mode || !s.partition_by.is_empty() {
        for k in &keys_ast {
            if has_aggregate(k) {
                return Err(TdError::new(0x2608, "There mustn't be aggregation"));
            }
            keys.push(cx.compile(k)?.0);
        }
    }
    let window = match &s.window {
        Some(w) => Some(window::resolve(w, &mut cx, precision)?),
        None => None,
    };
    cx.agg_mode = agg_mode;
    let mut exprs = Vec::with_capacity(items.len());
    let mut types = Vec::with_capacity(items.len());
    let mut names = Vec::with_capacity(items.len());
    for (e, name) in &items {
        let (c, t) = cx.compile(e)?;
        exprs.push(c);
        types.push(t);
        names.push(name.clone());
    }
    let having = match &s.having {
        Some(h) => Some(cx.compile(h)?.0),
        None => None,
    };
    let state_selected =
        cx.state.is_some() && items.iter().any(|(e, _)| cx.state.as_ref() == Some(e));
    if s.window.is_some() && cx.aggs.is_empty() && !state_selected {
        return Err(TdError::new(0x265E, "No valid function in window query"));
    }
    let visible = exprs.len();
    let order = resolve_order(&mut cx, &s.order_by, &names, &items, &mut exprs)?;
    let aggs = std::mem::take(&mut cx.aggs);

    // Every scan reads only the rows in the timestamp range, so its
    // conditions are not evaluated per row (SELECT TAGS reads no row).
    let (bounds, filter) = match (filter, rel) {
        (Some(f), Some(r)) if r.has_ts && !s.tags => (ts_bounds(&f), without_ts_bounds(f)),
        (filter, _) => ((i64::MIN, i64::MAX), filter),
    };
    let unordered_limit = (order.is_empty() && !s.distinct && !agg_mode)
        .then(|| s.limit.map(|l| l.saturating_add(s.offset) as usize))
        .flatten();
    let mut rows: Vec<Vec<Value>> = Vec::new();
    // Rows of grouped queries carry their partition number (a trailing value)
    // for SLIMIT and for LIMIT, which applies per partition unless ORDER BY.
    let grouped = !s.partition_by.is_empty() || !s.group_by.is_empty();
    let per_partition = grouped && order.is_empty() && !s.distinct;
    let mut pids: HashMap<Key, i64> = HashMap::new();
    let pass = |f: &Option<CExpr>, rc: &RowCtx| !matches!(f, Some(f) if !eval(f, rc).truthy());
    match rel {
        None => {
            let rc = RowCtx {
                seg: None,
                row: 0,
                aggs: &[],
                keys: &[],
                win: [0; 3],
            };
            if agg_mode {
                return Err(unsupported("aggregate without FROM"));
            }
            if pass(&filter, &rc) {
                rows.push(exprs.iter().map(|e| eval(e, &rc)).collect());
            }
        }
        Some(rel) if s.tags => {
            if agg_mode || exprs.iter().any(CExpr::reads_row) {
                return Err(TdError::new(
                    0x2602,
                    "Invalid column name: SELECT TAGS reads tags and tbname only",
                ));
            }
            for seg in &rel.segments {
                // No data row is read: one row per child table.
                let rc = RowCtx::table(seg);
                if pass(&filter, &rc) {
                    rows.push(exprs.iter().map(|e| eval(e, &rc)).collect());
                }
            }
        }
        Some(rel) if !cx.row_fns.is_empty() => {
            rows = rowfn::run(rel, &filter, &keys, &cx.row_fns, &exprs, bounds, grouped)?;
        }
        Some(rel) if !agg_mode => {
            let cutoff = ts_order_cutoff(rel, &order, &exprs, s, grouped);
            'scan: for seg in &rel.segments {
                let range = rel.rows_in(seg, bounds);
                let first = rows.len();
                let backwards = cutoff.is_some_and(|(_, desc)| desc);
                let range: Box<dyn Iterator<Item = usize>> = if backwards {
                    Box::new(range.rev())
                } else {
                    Box::new(range)
                };
                for r in range {
                    let rc = RowCtx::row(seg, r);
                    if !pass(&filter, &rc) {
                        continue;
                    }
                    let mut row: Vec<Value> = exprs.iter().map(|e| eval(e, &rc)).collect();
                    if grouped {
                        let key = Key(keys.iter().map(|k| eval(k, &rc)).collect());
                        let next = pids.len() as i64;
                        row.push(Value::Int(*pids.entry(key).or_insert(next)));
                    }
                    rows.push(row);
                    if cutoff.is_some_and(|(k, _)| rows.len() - first >= k) {
                        break;
                    }
                    if !grouped && unordered_limit.is_some_and(|l| rows.len() >= l) {
                        break 'scan;
                    }
                }
                if backwards {
                    // Back in stored order, which the stable sort below keeps
                    // for equal keys.
                    rows[first..].reverse();
                }
            }
        }
        Some(rel) if window.is_some() => {
            let (kind, fill) = window.as_ref().expect("checked");
            let plan = WindowPlan {
                filter: &filter,
                keys: &keys,
                aggs: &aggs,
                exprs: &exprs,
                types: &types,
                having: &having,
                bounds,
            };
            rows = window_rows(rel, &plan, kind, fill.as_ref())?;
        }
        Some(rel) => {
            let groups = aggregate(rel, &filter, &keys, &aggs, bounds);
            let only_first_last = aggs
                .iter()
                .all(|a| matches!(a.func, AggFn::First | AggFn::Last));
            let groups = if groups.is_empty()
                && keys.is_empty()
                && !filter.as_ref().is_some_and(CExpr::statically_false)
                && !aggs
                    .iter()
                    .all(|a| matches!(a.func, AggFn::First | AggFn::Last | AggFn::LastRow))
            {
                vec![Group {
                    keys: vec![],
                    accs: aggs.iter().map(Acc::new).collect(),
                    first: None,
                }]
            } else {
                groups
            };
            if let Some(m) = aggs.iter().position(|a| a.func.is_multi_row()) {
                if aggs.len() > 1 {
                    return Err(TdError::new(
                        0x2600,
                        "syntax error near \"top/bottom\" (cannot be mixed with other aggregates)",
                    ));
                }
                for (gi, g) in groups.iter().enumerate() {
                    for (v, at) in g.accs[m].picks() {
                        let vals = [v];
                        let rc = RowCtx {
                            seg: Some(&rel.segments[at.0]),
                            row: at.1,
                            aggs: &vals,
                            keys: &g.keys,
                            win: [0; 3],
                        };
                        let mut row: Vec<Value> = exprs.iter().map(|e| eval(e, &rc)).collect();
                        if grouped {
                            row.push(Value::Int(gi as i64));
                        }
                        rows.push(row);
                    }
                }
            }
            for (gi, g) in groups
                .iter()
                .enumerate()
                .filter(|_| !aggs.iter().any(|a| a.func.is_multi_row()))
            {
                let vals: Vec<Value> = g.accs.iter().zip(&aggs).map(|(a, s)| a.finish(s)).collect();
                if keys.is_empty()
                    && only_first_last
                    && !aggs.is_empty()
                    && vals.iter().all(Value::is_null)
                {
                    continue;
                }
                let rep = aggs
                    .iter()
                    .zip(&g.accs)
                    .find(|(s, _)| s.func.is_selection())
                    .and_then(|(_, a)| a.row())
                    .or(g.first);
                let rc = RowCtx {
                    seg: rep.map(|(si, _)| &rel.segments[si]),
                    row: rep.map_or(0, |(_, r)| r),
                    aggs: &vals,
                    keys: &g.keys,
                    win: [0; 3],
                };
                if let Some(h) = &having {
                    if !eval(h, &rc).truthy() {
                        continue;
                    }
                }
                let mut row: Vec<Value> = exprs.iter().map(|e| eval(e, &rc)).collect();
                if grouped {
                    row.push(Value::Int(gi as i64));
                }
                rows.push(row);
            }
        }
    }
    if s.distinct {
        let mut seen = std::collections::HashSet::new();
        rows.retain(|r| seen.insert(Key(r[..visible].to_vec())));
    }
    if !order.is_empty() {
        rows.sort_by(|a, b| {
            for (i, desc, nulls_first) in &order {
                let (x, y) = (&a[*i], &b[*i]);
                let o = match (x.is_null(), y.is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => {
                        if *nulls_first {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    (false, true) => {
                        if *nulls_first {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                    _ => {
                        let o = x.total_cmp(y);
                        if *desc {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    if let (Some((limit, offset)), true) = (s.slimit, grouped) {
        rows = windowed::slimit(rows, offset, limit);
    }
    let mut rows = if per_partition {
        // Partitions are output one after another.
        rows.sort_by_key(|r| r.last().and_then(Value::as_i128).unwrap_or(0));
        limit_per_partition(rows, s.offset, s.limit)
    } else {
        let start = (s.offset as usize).min(rows.len());
        let end = s.limit.map_or(rows.len(), |l| {
            start.saturating_add(l as usize).min(rows.len())
        });
        rows.drain(start..end).collect()
    };
    for r in &mut rows {
        r.truncate(visible);
    }
    Ok(Rows {
        names,
        types,
        rows,
        precision,
    })
}

/// `ORDER BY ts [DESC] LIMIT n [OFFSET m]` over plain rows: each table's
/// rows are stored in timestamp order, so its first `n + m` rows in the
/// order's direction are all it can contribute; the scan stops there
/// instead of reading every row (top-k by the storage order). Returns that
/// count and the direction. Not with a composite key, whose equal
/// timestamps would need their own tie order.
fn ts_order_cutoff(
    rel: &Relation<'_>,
    order: &[(usize, bool, bool)],
    exprs: &[CExpr],
    s: &Select,
    grouped: bool,
) -> Option<(usize, bool)> {
    let [(key, desc, _)] = order else {
        return None;
    };
    let composite = rel.columns.get(1).is_some_and(|c| c.primary_key);
    if grouped || s.distinct || !rel.has_ts || composite || !matches!(exprs[*key], CExpr::Ts) {
        return None;
    }
    let limit = s.limit?;
    Some(((limit.saturating_add(s.offset)) as usize, *desc))
}
