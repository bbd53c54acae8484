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

/// The primary-timestamp range implied by top-level AND-ed conditions.
/// The tables a WHERE condition limits the rows to, when it does:
/// `tbname = 'd1'`, `tbname IN ('d1', 'd2')`, and ANDs and ORs of those
/// (names compare exactly, as the server's do). The scan skips every other
/// table; the condition is still evaluated on the rows it reads.
pub(super) fn tbname_set(e: &CExpr) -> Option<Vec<String>> {
    match e {
        CExpr::Logic(BinOp::And, a, b) => match (tbname_set(a), tbname_set(b)) {
            (Some(x), Some(y)) => Some(intersect(x, &y)),
            (x, y) => x.or(y),
        },
        CExpr::Logic(BinOp::Or, a, b) => Some(union(tbname_set(a)?, tbname_set(b)?)),
        leaf => names_only(leaf),
    }
}

/// The tables a condition made of nothing but tbname tests allows; `None`
/// when any part of it reads something else.
fn names_only(e: &CExpr) -> Option<Vec<String>> {
    let name = |v: &Value| match v {
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    };
    match e {
        CExpr::Logic(BinOp::And, a, b) => Some(intersect(names_only(a)?, &names_only(b)?)),
        CExpr::Logic(BinOp::Or, a, b) => Some(union(names_only(a)?, names_only(b)?)),
        CExpr::Cmp(BinOp::Eq, l, r) => match (&**l, &**r) {
            (CExpr::Tbname, CExpr::Const(v)) | (CExpr::Const(v), CExpr::Tbname) => {
                name(v).map(|n| vec![n])
            }
            _ => None,
        },
        CExpr::In(x, list, false) if matches!(**x, CExpr::Tbname) => {
            list.iter().map(name).collect()
        }
        _ => None,
    }
}

fn intersect(x: Vec<String>, y: &[String]) -> Vec<String> {
    x.into_iter().filter(|n| y.contains(n)).collect()
}

fn union(mut x: Vec<String>, y: Vec<String>) -> Vec<String> {
    x.extend(y);
    x
}

/// `e` without the AND-ed conditions on tbname alone, for a scan that reads
/// only the tables [`tbname_set`] allows: those hold on every row it reads.
/// `None` when nothing else is left.
pub(super) fn without_tbname(e: CExpr) -> Option<CExpr> {
    if names_only(&e).is_some() {
        return None;
    }
    match e {
        CExpr::Logic(BinOp::And, a, b) => match (without_tbname(*a), without_tbname(*b)) {
            (Some(a), Some(b)) => Some(CExpr::Logic(BinOp::And, Box::new(a), Box::new(b))),
            (x, y) => x.or(y),
        },
        e => Some(e),
    }
}

pub(super) fn ts_bounds(e: &CExpr) -> (i64, i64) {
    let full = (i64::MIN, i64::MAX);
    let konst = |c: &CExpr| match c {
        CExpr::Const(Value::Int(v)) => Some(*v),
        _ => None,
    };
    match e {
        CExpr::Logic(BinOp::And, a, b) => {
            let (a, b) = (ts_bounds(a), ts_bounds(b));
            (a.0.max(b.0), a.1.min(b.1))
        }
        CExpr::Cmp(op, l, r) => {
            let (op, v) = match (&**l, &**r) {
                (CExpr::Ts, c) => match konst(c) {
                    Some(v) => (*op, v),
                    None => return full,
                },
                (c, CExpr::Ts) => match (konst(c), op) {
                    (Some(v), BinOp::Lt) => (BinOp::Gt, v),
                    (Some(v), BinOp::Le) => (BinOp::Ge, v),
                    (Some(v), BinOp::Gt) => (BinOp::Lt, v),
                    (Some(v), BinOp::Ge) => (BinOp::Le, v),
                    (Some(v), op) => (*op, v),
                    _ => return full,
                },
                _ => return full,
            };
            match op {
                BinOp::Eq => (v, v),
                BinOp::Lt => (i64::MIN, v.saturating_sub(1)),
                BinOp::Le => (i64::MIN, v),
                BinOp::Gt => (v.saturating_add(1), i64::MAX),
                BinOp::Ge => (v, i64::MAX),
                _ => full,
            }
        }
        CExpr::Between(v, lo, hi, false) if **v == CExpr::Ts => match (konst(lo), konst(hi)) {
            (Some(a), Some(b)) => (a, b),
            _ => full,
        },
        _ => full,
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
