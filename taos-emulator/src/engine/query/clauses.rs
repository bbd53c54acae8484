//! Select-list expansion, ORDER BY resolution and the WHERE time range.

use super::compile::Compiler;
use super::plan::CExpr;
use super::relation::Relation;
use crate::api::TdError;
use crate::engine::error::invalid_column;
use crate::engine::value::Value;
use crate::sql::ast::{BinOp, Expr, OrderItem, SelectItem};

/// Result names are cut at 64 bytes like TDengine's.
fn cut_name(s: &str) -> String {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn col(name: &str) -> Expr {
    Expr::Column {
        table: None,
        name: name.to_string(),
    }
}

/// Expands `*`, `tb.*` and `first(*)`-style items into (expression, name).
pub(super) fn expand(
    rel: Option<&Relation>,
    items: &[SelectItem],
) -> Result<Vec<(Expr, String)>, TdError> {
    let mut out = Vec::new();
    for item in items {
        match item {
            SelectItem::Star | SelectItem::QualifiedStar(_) => {
                let rel = rel.ok_or_else(|| invalid_column("*"))?;
                if let SelectItem::QualifiedStar(q) = item {
                    if !rel.names.contains(q) {
                        return Err(invalid_column(&format!("{q}.*")));
                    }
                }
                for c in rel.columns {
                    out.push((col(&c.name), c.name.clone()));
                }
                if rel.star_tags {
                    for t in rel.tags {
                        out.push((col(&t.name), t.name.clone()));
                    }
                }
            }
            SelectItem::Expr {
                expr: Expr::Func {
                    name, star: true, ..
                },
                ..
            } if matches!(name.as_str(), "first" | "last" | "last_row") => {
                let rel = rel.ok_or_else(|| invalid_column("*"))?;
                for c in rel.columns {
                    let e = Expr::Func {
                        name: name.clone(),
                        args: vec![col(&c.name)],
                        star: false,
                    };
                    out.push((e, cut_name(&format!("{name}({})", c.name))));
                }
            }
            SelectItem::Expr { expr, alias, text } => {
                // A bare column is named by the column itself (backticks dropped, case kept).
                let name = match (alias, expr) {
                    (Some(a), _) => a.clone(),
                    (None, Expr::Column { name, .. }) => name.clone(),
                    (None, _) => cut_name(text),
                };
                out.push((expr.clone(), name));
            }
        }
    }
    Ok(out)
}

/// `e` split into its AND-ed conditions on tags and tbname alone, which
/// hold or fail for a whole table (so the scan skips the tables they fail
/// and evaluates them on no row), and the rest. A condition that is false
/// on its face stays with the rest, where it decides that the answer has no
/// row at all.
pub(super) fn split_per_table(e: CExpr) -> (Option<CExpr>, Option<CExpr>) {
    match e {
        CExpr::Logic(BinOp::And, a, b) => {
            let ((ta, ra), (tb, rb)) = (split_per_table(*a), split_per_table(*b));
            (and(ta, tb), and(ra, rb))
        }
        e if !e.reads_row() && !e.is_constant() && !e.statically_false() => (Some(e), None),
        e => (None, Some(e)),
    }
}

fn and(a: Option<CExpr>, b: Option<CExpr>) -> Option<CExpr> {
    match (a, b) {
        (Some(a), Some(b)) => Some(CExpr::Logic(BinOp::And, Box::new(a), Box::new(b))),
        (x, y) => x.or(y),
    }
}

/// The primary-timestamp range an AND of conditions allows.
pub(super) fn ts_bounds(e: &CExpr) -> (i64, i64) {
    match e {
        CExpr::Logic(BinOp::And, a, b) => {
            let (a, b) = (ts_bounds(a), ts_bounds(b));
            (a.0.max(b.0), a.1.min(b.1))
        }
        e => ts_range(e).unwrap_or((i64::MIN, i64::MAX)),
    }
}

/// `e` without the AND-ed conditions that [`ts_bounds`] turns into the
/// range, for a scan that reads only the rows in it: those hold on every
/// row it reads. `None` when nothing else is left.
pub(super) fn without_ts_bounds(e: CExpr) -> Option<CExpr> {
    match e {
        CExpr::Logic(BinOp::And, a, b) => and(without_ts_bounds(*a), without_ts_bounds(*b)),
        e if ts_range(&e).is_some() => None,
        e => Some(e),
    }
}

/// The range of one comparison of the primary timestamp with a constant
/// (or BETWEEN two); `None` for any other condition.
fn ts_range(e: &CExpr) -> Option<(i64, i64)> {
    let konst = |c: &CExpr| match c {
        CExpr::Const(Value::Int(v)) => Some(*v),
        _ => None,
    };
    match e {
        CExpr::Cmp(op, l, r) => {
            let (op, v) = match (&**l, &**r) {
                (CExpr::Ts, c) => (*op, konst(c)?),
                (c, CExpr::Ts) => {
                    let v = konst(c)?;
                    match op {
                        BinOp::Lt => (BinOp::Gt, v),
                        BinOp::Le => (BinOp::Ge, v),
                        BinOp::Gt => (BinOp::Lt, v),
                        BinOp::Ge => (BinOp::Le, v),
                        op => (*op, v),
                    }
                }
                _ => return None,
            };
            match op {
                BinOp::Eq => Some((v, v)),
                BinOp::Lt => Some((i64::MIN, v.checked_sub(1)?)),
                BinOp::Le => Some((i64::MIN, v)),
                BinOp::Gt => Some((v.checked_add(1)?, i64::MAX)),
                BinOp::Ge => Some((v, i64::MAX)),
                _ => None,
            }
        }
        CExpr::Between(v, lo, hi, false) if **v == CExpr::Ts => Some((konst(lo)?, konst(hi)?)),
        _ => None,
    }
}

/// ORDER BY keys as (column index, desc, nulls first); unknown expressions
/// become hidden trailing columns.
pub(super) fn resolve_order(
    cx: &mut Compiler,
    order_by: &[OrderItem],
    names: &[String],
    items: &[(Expr, String)],
    exprs: &mut Vec<CExpr>,
) -> Result<Vec<(usize, bool, bool)>, TdError> {
    let mut out = Vec::with_capacity(order_by.len());
    for o in order_by {
        let idx = match &o.expr {
            Expr::Const(crate::sql::ast::Const::Int(k)) => {
                let k = *k as usize;
                if k == 0 || k > names.len() {
                    return Err(TdError::new(
                        0x2608,
                        "ORDER BY item must be the number of a SELECT-list expression",
                    ));
                }
                k - 1
            }
            e => match names
                .iter()
                .position(|n| n == &o.text)
                .or_else(|| items.iter().position(|(ie, _)| ie == e))
            {
                Some(i) => i,
                None => {
                    let (c, _) = cx.compile(e)?;
                    exprs.push(c);
                    exprs.len() - 1
                }
            },
        };
        // NULL is the smallest value unless NULLS FIRST/LAST says otherwise.
        out.push((idx, o.desc, o.nulls_first.unwrap_or(!o.desc)));
    }
    Ok(out)
}
