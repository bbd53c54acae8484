//! SELECT execution: scan → filter → group/aggregate → project → distinct →
//! order → limit. Windows slot in between filter and project.

mod agg;
mod compile;
mod eval;
mod like;
mod plan;
mod window;

pub use compile::SERVER_VERSION;
pub use eval::cast as cast_value;
pub use like::Pattern;

use super::block;
use super::catalog::{Catalog, ColumnDef, Database, TableKind};
use super::error::{db_not_exist, db_not_specified, invalid_column, table_not_exist, unsupported};
use super::storage::TableData;
use super::time;
use super::value::{Key, Value};
use crate::api::{QueryResult, Session, TdError};
use crate::sql::ast::{BinOp, DataType, Expr, OrderItem, Select, SelectItem, TableName};
use agg::{Acc, RowRef};
use compile::{has_aggregate, has_selection, Compiler};
use eval::{eval, RowCtx};
use plan::{AggFn, CExpr};
use std::cmp::Ordering;
use std::collections::HashMap;
use taos_query::common::Precision;

/// One table's rows inside a relation.
pub struct Segment<'a> {
    /// The rows.
    pub data: &'a TableData,
    /// Its tag values (empty for normal tables).
    pub tags: &'a [Value],
    /// Its name.
    pub tbname: &'a str,
}

/// What a FROM clause names: schema plus the tables to scan.
pub struct Relation<'a> {
    /// Data columns; with `has_ts` the first one lives in `TableData::ts`.
    pub columns: &'a [ColumnDef],
    /// Whether column 0 is the primary timestamp.
    pub has_ts: bool,
    /// Whether `tbname` resolves.
    pub has_tbname: bool,
    /// Tag definitions.
    pub tags: &'a [ColumnDef],
    /// `*` includes tags (super tables).
    pub star_tags: bool,
    /// Tables to scan, in output order.
    pub segments: Vec<Segment<'a>>,
    /// Timestamp precision.
    pub precision: Precision,
    /// Names that may qualify a column (`tb.col`).
    pub names: Vec<String>,
}

/// A virtual table (information_schema): owned columns and rows.
pub struct Virtual {
    /// Columns.
    pub columns: Vec<ColumnDef>,
    /// Rows (its `ts` only counts rows).
    pub data: TableData,
}

impl Virtual {
    /// A virtual table from columns and rows.
    pub fn new(columns: Vec<ColumnDef>, rows: Vec<Vec<Value>>) -> Self {
        let mut data = TableData::new(columns.len());
        for r in rows {
            data.ts.push(0);
            for (c, v) in data.cols.iter_mut().zip(r) {
                c.push(v);
            }
        }
        Virtual { columns, data }
    }

    /// The relation scanning it.
    pub fn relation(&self, name: &str) -> Relation<'_> {
        Relation {
            columns: &self.columns,
            has_ts: false,
            has_tbname: false,
            tags: &[],
            star_tags: false,
            segments: vec![Segment {
                data: &self.data,
                tags: &[],
                tbname: "",
            }],
            precision: Precision::Millisecond,
            names: vec![name.to_string()],
        }
    }
}

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

/// The relation of a super, child or normal table of `db`.
fn table_relation<'a>(
    db: &'a Database,
    name: &str,
    names: Vec<String>,
) -> Result<Relation<'a>, TdError> {
    if let Some(st) = db.stables.get(name) {
        let segments = st
            .children
            .iter()
            .filter_map(|c| db.tables.get(c))
            .map(|t| Segment {
                data: &t.data,
                tags: match &t.kind {
                    TableKind::Child { tags, .. } => tags,
                    TableKind::Normal { .. } => &[],
                },
                tbname: &t.name,
            })
            .collect();
        return Ok(Relation {
            columns: &st.columns,
            has_ts: true,
            has_tbname: true,
            tags: &st.tags,
            star_tags: true,
            segments,
            precision: db.precision,
            names,
        });
    }
    let t = db.tables.get(name).ok_or_else(table_not_exist)?;
    let (tag_defs, tags): (&[ColumnDef], &[Value]) = match &t.kind {
        TableKind::Child { stable, tags } => {
            (db.stables.get(stable).map_or(&[][..], |s| &s.tags), tags)
        }
        TableKind::Normal { .. } => (&[], &[]),
    };
    Ok(Relation {
        columns: db.columns_of(t),
        has_ts: true,
        has_tbname: true,
        tags: tag_defs,
        star_tags: false,
        segments: vec![Segment {
            data: &t.data,
            tags,
            tbname: &t.name,
        }],
        precision: db.precision,
        names,
    })
}

/// `DELETE FROM tb [WHERE …]`: removes the matching rows; returns how many.
pub fn delete(
    cat: &mut Catalog,
    session: &Session,
    table: &TableName,
    filter: &Option<Expr>,
) -> Result<usize, TdError> {
    let dbn = super::ddl::db_of(session, table)?;
    let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
    let rel = table_relation(db, &table.name, vec![table.name.clone()])?;
    let mut cx = Compiler {
        rel: Some(&rel),
        precision: rel.precision,
        db: session.database.clone(),
        now: time::now(rel.precision),
        aggs: Vec::new(),
        group_by: vec![],
        agg_mode: false,
        has_selection: false,
        window: false,
    };
    let filter = match filter {
        Some(f) if has_aggregate(f) => {
            return Err(TdError::new(0x2614, "There mustn't be aggregation"))
        }
        Some(f) => Some(cx.compile(f)?.0),
        None => None,
    };
    let bounds = filter.as_ref().map_or((i64::MIN, i64::MAX), ts_bounds);
    let mut doomed: Vec<(String, Vec<usize>)> = Vec::new();
    for seg in &rel.segments {
        let rows: Vec<usize> = seg
            .data
            .range(bounds.0, bounds.1)
            .filter(|&r| {
                let rc = RowCtx {
                    seg: Some(seg),
                    row: r,
                    aggs: &[],
                    keys: &[],
                    win: [0; 3],
                };
                !matches!(&filter, Some(f) if !eval(f, &rc).truthy())
            })
            .collect();
        if !rows.is_empty() {
            doomed.push((seg.tbname.to_string(), rows));
        }
    }
    drop(rel);
    let db = cat.dbs.get_mut(&dbn).ok_or_else(db_not_exist)?;
    let mut n = 0;
    for (name, rows) in doomed {
        if let Some(t) = db.tables.get_mut(&name) {
            n += rows.len();
            t.data.remove_rows(&rows);
        }
    }
    Ok(n)
}

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
fn expand(rel: Option<&Relation>, items: &[SelectItem]) -> Result<Vec<(Expr, String)>, TdError> {
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
fn ts_bounds(e: &CExpr) -> (i64, i64) {
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

struct Group {
    keys: Vec<Value>,
    accs: Vec<Acc>,
    first: Option<RowRef>,
}

fn run(rel: Option<&Relation>, s: &Select, session: &Session) -> Result<Rows, TdError> {
    if s.window.is_some() {
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
    let mut cx = Compiler {
        rel,
        precision,
        db: session.database.clone(),
        now: time::now(precision),
        aggs: Vec::new(),
        group_by: if agg_mode { keys_ast.clone() } else { vec![] },
        agg_mode: false,
        has_selection: items.iter().any(|(e, _)| has_selection(e)),
        window: s.window.is_some(),
    };
    let filter = match &s.filter {
        Some(f) if has_aggregate(f) => {
            return Err(TdError::new(0x2614, "There mustn't be aggregation"))
        }
        Some(f) => Some(cx.compile(f)?.0),
        None => None,
    };
    let mut keys = Vec::new();
    // A plain (non-aggregate) PARTITION BY only splits rows for per-partition LIMIT.
    if agg_mode || !s.partition_by.is_empty() {
        for k in &keys_ast {
            if has_aggregate(k) {
                return Err(TdError::new(0x2614, "There mustn't be aggregation"));
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
    let visible = exprs.len();
    let order = resolve_order(&mut cx, &s.order_by, &names, &items, &mut exprs)?;
    let aggs = std::mem::take(&mut cx.aggs);

    let bounds = match (&filter, rel) {
        (Some(f), Some(r)) if r.has_ts => ts_bounds(f),
        _ => (i64::MIN, i64::MAX),
    };
    let unordered_limit = (order.is_empty() && !s.distinct && !agg_mode)
        .then(|| s.limit.map(|l| l.saturating_add(s.offset) as usize))
        .flatten();
    let mut rows: Vec<Vec<Value>> = Vec::new();
    // Window queries with PARTITION BY and no ORDER BY limit each partition.
    let per_partition = (window.is_some() || !agg_mode)
        && !s.partition_by.is_empty()
        && order.is_empty()
        && !s.distinct;
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
                let rc = RowCtx {
                    seg: Some(seg),
                    row: usize::MAX,
                    aggs: &[],
                    keys: &[],
                    win: [0; 3],
                };
                if pass(&filter, &rc) {
                    rows.push(exprs.iter().map(|e| eval(e, &rc)).collect());
                }
            }
        }
        Some(rel) if !agg_mode => {
            'scan: for seg in &rel.segments {
                let range = if rel.has_ts {
                    seg.data.range(bounds.0, bounds.1)
                } else {
                    0..seg.data.len()
                };
                for r in range {
                    let rc = RowCtx {
                        seg: Some(seg),
                        row: r,
                        aggs: &[],
                        keys: &[],
                        win: [0; 3],
                    };
                    if !pass(&filter, &rc) {
                        continue;
                    }
                    let mut row: Vec<Value> = exprs.iter().map(|e| eval(e, &rc)).collect();
                    if per_partition {
                        let key = Key(keys.iter().map(|k| eval(k, &rc)).collect());
                        let next = pids.len() as i64;
                        row.push(Value::Int(*pids.entry(key).or_insert(next)));
                    }
                    rows.push(row);
                    if !per_partition && unordered_limit.is_some_and(|l| rows.len() >= l) {
                        break 'scan;
                    }
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
            for g in &groups {
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
                rows.push(exprs.iter().map(|e| eval(e, &rc)).collect());
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

/// ORDER BY keys as (column index, desc, nulls first); unknown expressions
/// become hidden trailing columns.
fn resolve_order(
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

fn aggregate(
    rel: &Relation,
    filter: &Option<CExpr>,
    keys: &[CExpr],
    aggs: &[plan::AggSpec],
    bounds: (i64, i64),
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (si, seg) in rel.segments.iter().enumerate() {
        let range = if rel.has_ts {
            seg.data.range(bounds.0, bounds.1)
        } else {
            0..seg.data.len()
        };
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
            for (acc, spec) in g.accs.iter_mut().zip(aggs) {
                let v = match &spec.arg {
                    None => Value::Int(1),
                    Some(a) => eval(a, &rc),
                };
                acc.update(spec.func, v, ts, (si, r));
            }
        }
    }
    groups
}

/// Type of a result column, for callers building metadata results.
pub fn text_type(len: u32) -> DataType {
    super::value::varchar(len)
}

/// What a window query projects.
struct WindowPlan<'p> {
    filter: &'p Option<CExpr>,
    keys: &'p [CExpr],
    aggs: &'p [plan::AggSpec],
    exprs: &'p [CExpr],
    types: &'p [DataType],
    having: &'p Option<CExpr>,
    bounds: (i64, i64),
}

/// Window rows, each with its partition number appended as a last column.
fn window_rows(
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
fn limit_per_partition(rows: Vec<Vec<Value>>, offset: u64, limit: Option<u64>) -> Vec<Vec<Value>> {
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
