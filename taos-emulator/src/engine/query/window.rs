//! Window queries: INTERVAL (with SLIDING and FILL), SESSION and STATE_WINDOW,
//! each computed per partition on a timeline sorted by timestamp.

use super::agg::{argument, Acc, RowRef};
use super::compile::Compiler;
use super::eval::{cast, eval, RowCtx};
use super::plan::{AggFn, AggSpec, CExpr};
use super::scan::feed_rows;
use super::Relation;
use crate::api::TdError;
use crate::engine::error::{unsupported, wrong_value_type};
use crate::engine::time;
use crate::engine::value::{Key, Value};
use crate::sql::ast::{DataType, Window};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::ops::Range;
use taos_query::common::{Precision, Ty};

/// Windows beyond this many per partition are refused rather than built.
const MAX_WINDOWS: i64 = 10_000_000;

/// FILL creates windows without data, so its range is capped lower.
const MAX_FILLED: i128 = 2_000_000;

/// A window's shape, resolved to precision units.
pub enum Kind {
    /// INTERVAL: length, offset, sliding.
    Interval { len: i64, offset: i64, sliding: i64 },
    /// SESSION: tolerance.
    Session(i64),
    /// STATE_WINDOW: the state expression and the TRUE_FOR minimum duration.
    State(CExpr, i64),
    /// EVENT_WINDOW: start and end conditions and the TRUE_FOR minimum duration.
    Event(CExpr, CExpr, i64),
    /// COUNT_WINDOW: rows per window and rows to slide.
    Count(usize, usize),
    /// INTERP: range, step and fill.
    Interp {
        /// First point.
        start: i64,
        /// Last point.
        end: i64,
        /// Step between points.
        every: i64,
        /// How points without a row are filled (`None`: exact rows only).
        fill: Option<Fill>,
    },
}

/// One output window of one partition.
pub struct WinRow {
    /// Partition key values.
    pub keys: Vec<Value>,
    /// `_wstart`, `_wend`, `_wduration`.
    pub win: [i64; 3],
    /// Aggregate results (all NULL for a filled window).
    pub vals: Vec<Value>,
    /// Row selected by the first selection function, or the window's first row.
    pub rep: Option<RowRef>,
    /// A window produced by FILL.
    pub filled: bool,
}

struct Acc1 {
    accs: Vec<Acc>,
    first: RowRef,
    first_ts: i64,
    last_ts: i64,
}

impl Acc1 {
    fn new(aggs: &[AggSpec], at: RowRef, ts: i64) -> Self {
        Acc1 {
            accs: aggs.iter().map(Acc::new).collect(),
            first: at,
            first_ts: ts,
            last_ts: ts,
        }
    }

    fn feed(&mut self, aggs: &[AggSpec], rel: &Relation, ts: i64, at: RowRef) {
        let rc = row_ctx(rel, at);
        let mut slot = Value::Null;
        for (acc, spec) in self.accs.iter_mut().zip(aggs) {
            let v = argument(spec.arg.as_ref(), &rc, &mut slot);
            acc.update(spec.func, v, ts, at);
        }
        self.last_ts = self.last_ts.max(ts);
    }

    /// Feeds rows `range` (not empty) of segment `si`, through the scan
    /// operator; the window's first row stays its earliest.
    fn feed_rows(
        &mut self,
        aggs: &[AggSpec],
        rel: &Relation,
        si: usize,
        range: Range<usize>,
        scratch: &mut Vec<usize>,
    ) {
        let ts = &rel.segments[si].data.ts;
        let (first, last) = (ts[range.start], ts[range.end - 1]);
        if first < self.first_ts {
            (self.first, self.first_ts) = ((si, range.start), first);
        }
        self.last_ts = self.last_ts.max(last);
        feed_rows(&mut self.accs, aggs, rel, si, range, scratch);
    }

    fn finish(self, keys: &[Value], aggs: &[AggSpec], win: [i64; 3]) -> WinRow {
        let vals = self
            .accs
            .iter()
            .zip(aggs)
            .map(|(a, s)| a.finish(s))
            .collect();
        let rep = aggs
            .iter()
            .zip(&self.accs)
            .find(|(s, _)| s.func.is_selection())
            .and_then(|(_, a)| a.row())
            .or(Some(self.first));
        WinRow {
            keys: keys.to_vec(),
            win,
            vals,
            rep,
            filled: false,
        }
    }
}

fn row_ctx<'c, 'a>(rel: &'c Relation<'a>, (si, r): RowRef) -> RowCtx<'c, 'a> {
    RowCtx::row(&rel.segments[si], r)
}

/// TWA in an INTERVAL window also weighs the stretch from the window's
/// start to its first row and from its last row to its last tick, with
/// values interpolated from the rows just outside it (where there are).
fn bound_twa(rel: &Relation, aggs: &[AggSpec], rows: &[(i64, RowRef)], wins: &mut [WinRow]) {
    for (k, spec) in aggs.iter().enumerate() {
        let (super::plan::AggFn::Twa, Some(arg)) = (spec.func, &spec.arg) else {
            continue;
        };
        let series: Vec<(i64, f64)> = rows
            .iter()
            .filter_map(|&(ts, at)| eval(arg, &row_ctx(rel, at)).as_f64().map(|v| (ts, v)))
            .collect();
        let lerp = |a: (i64, f64), b: (i64, f64), t: i64| {
            a.1 + (b.1 - a.1) * (t - a.0) as f64 / (b.0 - a.0) as f64
        };
        for w in wins.iter_mut() {
            let (start, end) = (w.win[0], w.win[1].saturating_sub(1));
            let lo = series.partition_point(|p| p.0 < start);
            let hi = series.partition_point(|p| p.0 <= end);
            if lo >= hi {
                continue;
            }
            let mut pts = Vec::with_capacity(hi - lo + 2);
            if lo > 0 && series[lo].0 > start {
                pts.push((start, lerp(series[lo - 1], series[lo], start)));
            }
            pts.extend_from_slice(&series[lo..hi]);
            if hi < series.len() && series[hi - 1].0 < end {
                pts.push((end, lerp(series[hi - 1], series[hi], end)));
            }
            w.vals[k] = super::agg::twa(&pts);
        }
    }
}

/// A partition: its key values and its (ts, row) pairs.
type Partition = (Vec<Value>, Vec<(i64, RowRef)>);

/// The filtered rows of each partition, sorted by timestamp.
fn partitions(
    rel: &Relation,
    filter: &Option<CExpr>,
    keys: &[CExpr],
    bounds: (i64, i64),
) -> Vec<Partition> {
    let mut parts: Vec<Partition> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    // Keys of tags and tbname are the same on every row of a table.
    let per_table = keys.iter().all(|k| !k.reads_row());
    for (si, seg) in rel.segments.iter().enumerate() {
        let mut table_part = None;
        for r in rel.rows_in(seg, bounds) {
            let rc = row_ctx(rel, (si, r));
            if matches!(filter, Some(f) if !eval(f, &rc).truthy()) {
                continue;
            }
            let pi = match table_part {
                Some(pi) if per_table => pi,
                _ => part_of(&mut parts, &mut index, keys, &rc),
            };
            table_part = Some(pi);
            parts[pi].1.push((seg.data.ts[r], (si, r)));
        }
    }
    for p in &mut parts {
        // Each table's rows are stored in time order: a partition of one
        // table needs no sort, and one of several is sorted runs, which the
        // stable sort merges (faster here than a heap merge, measured).
        if !p.1.windows(2).all(|w| w[0].0 <= w[1].0) {
            p.1.sort_by_key(|(ts, _)| *ts);
        }
    }
    parts
}

/// The index in `parts` of the partition of the row `rc`, added when new.
fn part_of<T: Default>(
    parts: &mut Vec<(Vec<Value>, T)>,
    index: &mut HashMap<Key, usize>,
    keys: &[CExpr],
    rc: &RowCtx,
) -> usize {
    let key = Key(keys.iter().map(|k| eval(k, rc)).collect());
    if let Some(&i) = index.get(&key) {
        return i;
    }
    parts.push((key.0.clone(), T::default()));
    index.insert(key, parts.len() - 1);
    parts.len() - 1
}

/// Whether an aggregate's result is the same whichever order its rows
/// arrive in, table by table or in time order (up to the rounding of float
/// sums), as the whole-relation aggregates already read them.
fn order_free(f: AggFn) -> bool {
    use AggFn::*;
    matches!(
        f,
        Count
            | Sum
            | Avg
            | Min
            | Max
            | Spread
            | Stddev
            | VarPop
            | First
            | Last
            | LastRow
            | Elapsed
            | HyperLogLog
            | Percentile
    )
}

/// A partition: its key values and each of its tables' rows in range.
type TablePartition = (Vec<Value>, Vec<(usize, Range<usize>)>);

/// Tumbling INTERVAL windows without one sorted timeline of every row:
/// tables are merged window by window (a heap of each table's next window
/// start), and each window takes each table's row range in it through the
/// scan operator. For partitions constant per table, no WHERE filter on
/// rows, and `order_free` aggregates.
fn tumbling_by_table(
    rel: &Relation,
    keys: &[CExpr],
    aggs: &[AggSpec],
    bounds: (i64, i64),
    (len, offset): (i64, i64),
) -> Result<Vec<WinRow>, TdError> {
    let mut parts: Vec<TablePartition> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (si, seg) in rel.segments.iter().enumerate() {
        let range = rel.rows_in(seg, bounds);
        if !range.is_empty() {
            let pi = part_of(
                &mut parts,
                &mut index,
                keys,
                &row_ctx(rel, (si, range.start)),
            );
            parts[pi].1.push((si, range));
        }
    }
    let mut out = Vec::new();
    let mut scratch = Vec::with_capacity(aggs.len());
    for (pkeys, mut tables) in parts {
        let next_start = |si: usize, row: usize| align(rel.segments[si].data.ts[row], offset, len);
        // Equal starts pop in table order, the order rows are fed in.
        let mut heap: BinaryHeap<Reverse<(i64, usize)>> = tables
            .iter()
            .enumerate()
            .map(|(k, (si, r))| Reverse((next_start(*si, r.start), k)))
            .collect();
        let mut windows = 0i64;
        while let Some(Reverse((start, k))) = heap.pop() {
            windows += 1;
            if windows > MAX_WINDOWS {
                return Err(too_many());
            }
            let end = start.saturating_add(len);
            let mut acc: Option<Acc1> = None;
            let mut table = Some(k);
            while let Some(k) = table {
                let (si, rows) = &mut tables[k];
                let ts = &rel.segments[*si].data.ts;
                let stop = rows.start + ts[rows.clone()].partition_point(|&t| t < end);
                acc.get_or_insert_with(|| Acc1::new(aggs, (*si, rows.start), ts[rows.start]))
                    .feed_rows(aggs, rel, *si, rows.start..stop, &mut scratch);
                rows.start = stop;
                if rows.start < rows.end {
                    heap.push(Reverse((next_start(*si, stop), k)));
                }
                table = match heap.peek() {
                    Some(Reverse((s, _))) if *s == start => heap.pop().map(|Reverse((_, k))| k),
                    _ => None,
                };
            }
            if let Some(a) = acc {
                out.push(a.finish(&pkeys, aggs, [start, end, len]));
            }
        }
    }
    Ok(out)
}

/// Start of the latest window (of the sliding grid) at or before `ts`.
fn align(ts: i64, offset: i64, sliding: i64) -> i64 {
    (ts - offset).div_euclid(sliding) * sliding + offset
}

/// Runs the windows; `fill_range` is the WHERE range when FILL needs one.
pub fn run(
    rel: &Relation,
    filter: &Option<CExpr>,
    keys: &[CExpr],
    aggs: &[AggSpec],
    bounds: (i64, i64),
    kind: &Kind,
) -> Result<Vec<WinRow>, TdError> {
    if let Kind::Interval {
        len,
        offset,
        sliding,
    } = kind
    {
        if sliding == len
            && rel.has_ts
            && filter.is_none()
            && keys.iter().all(|k| !k.reads_row())
            && aggs.iter().all(|a| order_free(a.func))
        {
            return tumbling_by_table(rel, keys, aggs, bounds, (*len, *offset));
        }
    }
    let mut out = Vec::new();
    for (pkeys, rows) in partitions(rel, filter, keys, bounds) {
        match kind {
            Kind::Interval {
                len,
                offset,
                sliding,
            } => {
                let wins: Vec<(i64, Acc1)> = if sliding == len {
                    // Tumbling windows over rows in time order: each row is
                    // in one window, the same as the previous row's or the
                    // next one.
                    let mut wins: Vec<(i64, Acc1)> = Vec::new();
                    for &(ts, at) in &rows {
                        let start = align(ts, *offset, *sliding);
                        match wins.last_mut() {
                            Some((last, acc)) if *last == start => acc.feed(aggs, rel, ts, at),
                            _ => {
                                if wins.len() as i64 >= MAX_WINDOWS {
                                    return Err(too_many());
                                }
                                let mut acc = Acc1::new(aggs, at, ts);
                                acc.feed(aggs, rel, ts, at);
                                wins.push((start, acc));
                            }
                        }
                    }
                    wins
                } else {
                    let mut wins: BTreeMap<i64, Acc1> = BTreeMap::new();
                    for &(ts, at) in &rows {
                        let mut start = align(ts, *offset, *sliding);
                        // Every window of the grid that still covers `ts`.
                        while start > ts.saturating_sub(*len) {
                            wins.entry(start)
                                .or_insert_with(|| Acc1::new(aggs, at, ts))
                                .feed(aggs, rel, ts, at);
                            start -= sliding;
                        }
                    }
                    if wins.len() as i64 > MAX_WINDOWS {
                        return Err(too_many());
                    }
                    wins.into_iter().collect()
                };
                let first = out.len();
                for (start, a) in wins {
                    out.push(a.finish(&pkeys, aggs, [start, start.saturating_add(*len), *len]));
                }
                bound_twa(rel, aggs, &rows, &mut out[first..]);
            }
            Kind::Session(tol) => {
                let mut cur: Option<Acc1> = None;
                for &(ts, at) in &rows {
                    if let Some(c) = cur.as_mut() {
                        if ts - c.last_ts <= *tol {
                            c.feed(aggs, rel, ts, at);
                            continue;
                        }
                    }
                    if let Some(c) = cur.take() {
                        out.push(close(c, &pkeys, aggs));
                    }
                    let mut c = Acc1::new(aggs, at, ts);
                    c.feed(aggs, rel, ts, at);
                    cur = Some(c);
                }
                if let Some(c) = cur {
                    out.push(close(c, &pkeys, aggs));
                }
            }
            Kind::Interp {
                start,
                end,
                every,
                fill,
            } => interp(
                rel,
                aggs,
                &pkeys,
                &rows,
                (*start, *end, *every),
                fill.as_ref(),
                &mut out,
            )?,
            Kind::Count(n, slide) => {
                let mut start = 0;
                while start < rows.len() {
                    let end = (start + n).min(rows.len());
                    let (ts0, at0) = rows[start];
                    let mut c = Acc1::new(aggs, at0, ts0);
                    for &(ts, at) in &rows[start..end] {
                        c.feed(aggs, rel, ts, at);
                    }
                    out.push(close(c, &pkeys, aggs));
                    if end == rows.len() {
                        break;
                    }
                    start += slide;
                }
            }
            Kind::Event(open, shut, min) => {
                let mut cur: Option<Acc1> = None;
                for &(ts, at) in &rows {
                    let rc = row_ctx(rel, at);
                    if cur.is_none() && eval(open, &rc).truthy() {
                        cur = Some(Acc1::new(aggs, at, ts));
                    }
                    if let Some(c) = cur.as_mut() {
                        c.feed(aggs, rel, ts, at);
                        if eval(shut, &rc).truthy() {
                            let c = cur.take().expect("open");
                            if lasts(&c, *min) {
                                out.push(close(c, &pkeys, aggs));
                            }
                        }
                    }
                }
            }
            Kind::State(state, min) => {
                let mut cur: Option<(Value, Acc1)> = None;
                for &(ts, at) in &rows {
                    let v = eval(state, &row_ctx(rel, at));
                    if v.is_null() {
                        continue;
                    }
                    if let Some((sv, c)) = cur.as_mut() {
                        if sv.sql_cmp(&v) == Some(std::cmp::Ordering::Equal) {
                            c.feed(aggs, rel, ts, at);
                            continue;
                        }
                    }
                    if let Some((_, c)) = cur.take().filter(|(_, c)| lasts(c, *min)) {
                        out.push(close(c, &pkeys, aggs));
                    }
                    let mut c = Acc1::new(aggs, at, ts);
                    c.feed(aggs, rel, ts, at);
                    cur = Some((v, c));
                }
                if let Some((_, c)) = cur.filter(|(_, c)| lasts(c, *min)) {
                    out.push(close(c, &pkeys, aggs));
                }
            }
        }
    }
    Ok(out)
}

fn close(c: Acc1, keys: &[Value], aggs: &[AggSpec]) -> WinRow {
    let win = [c.first_ts, c.last_ts, c.last_ts - c.first_ts];
    c.finish(keys, aggs, win)
}

/// TRUE_FOR: a window is kept only when it spans at least `min`.
fn lasts(c: &Acc1, min: i64) -> bool {
    c.last_ts - c.first_ts >= min
}

/// INTERP needs RANGE, EVERY (for a range of more than one point) and FILL.
pub(super) fn interp_clauses() -> TdError {
    TdError::new(0x265D, "Missing RANGE clause, EVERY clause or FILL clause")
}

fn too_many() -> TdError {
    TdError::new(0x2600, "Too many windows in the interval query")
}

/// Adds the empty windows FILL asks for, per partition, over `[lo, hi]`.
///
/// `force` (NULL_F / VALUE_F) also fills a range that has no data at all.
pub fn add_filled(
    rows: Vec<WinRow>,
    nagg: usize,
    (len, offset, sliding): (i64, i64, i64),
    (lo, hi): (i64, i64),
    force: bool,
) -> Result<Vec<WinRow>, TdError> {
    let first = align(lo, offset, sliding);
    let last = align(hi, offset, sliding);
    if (last as i128 - first as i128) / sliding as i128 > MAX_FILLED {
        return Err(too_many());
    }
    let mut parts: Vec<(Vec<Value>, Vec<WinRow>)> = Vec::new();
    for r in rows {
        match parts
            .iter_mut()
            .find(|(k, _)| Key(k.clone()) == Key(r.keys.clone()))
        {
            Some((_, v)) => v.push(r),
            None => parts.push((r.keys.clone(), vec![r])),
        }
    }
    if parts.is_empty() && force {
        parts.push((Vec::new(), Vec::new()));
    }
    let mut out = Vec::new();
    for (keys, real) in parts {
        let mut real = real.into_iter().peekable();
        let mut start = first;
        loop {
            match real.peek().map(|r| r.win[0]) {
                Some(rs) if rs <= start || start > last => {
                    if rs == start {
                        start = start.saturating_add(sliding);
                    }
                    out.extend(real.next());
                }
                _ if start <= last => {
                    out.push(WinRow {
                        keys: keys.clone(),
                        win: [start, start.saturating_add(len), len],
                        vals: vec![Value::Null; nagg],
                        rep: None,
                        filled: true,
                    });
                    match start.checked_add(sliding) {
                        Some(next) => start = next,
                        None => break,
                    }
                }
                _ => break,
            }
        }
    }
    Ok(out)
}

/// FILL mode and its values.
pub struct Fill {
    /// Lowercase mode (`null`, `value_f`, `prev`, …).
    pub mode: String,
    /// Values of FILL(VALUE, …).
    pub values: Vec<Value>,
}

impl Fill {
    /// NULL_F / VALUE_F fill even a range without data.
    pub fn forced(&self) -> bool {
        self.mode.ends_with("_f")
    }
}

/// Resolves a window clause to precision units, validating it as TDengine does.
pub fn resolve(
    w: &Window,
    cx: &mut Compiler,
    p: Precision,
) -> Result<(Kind, Option<Fill>), TdError> {
    let units = |(n, u): (i64, char)| -> Result<i64, TdError> {
        match u {
            'n' | 'y' => Err(unsupported("calendar (n/y) window units")),
            _ => time::duration(n, u, p)
                .filter(|v| *v > 0)
                .ok_or_else(|| TdError::new(0x2600, format!("syntax error near \"{n}{u}\""))),
        }
    };
    match w {
        Window::Interval {
            len,
            offset,
            sliding,
            fill,
        } => {
            let len = units(*len)?;
            let offset = match offset {
                Some((0, _)) => 0,
                Some(o) => units(*o)?,
                None => 0,
            };
            if offset >= len {
                return Err(TdError::new(
                    0x262F,
                    "Interval offset cannot be greater than interval",
                ));
            }
            let sliding = match sliding {
                Some(s) => units(*s)?,
                None => len,
            };
            if sliding > len {
                return Err(TdError::new(
                    0x2631,
                    "sliding value no larger than the interval value",
                ));
            }
            if sliding.saturating_mul(100) < len {
                return Err(TdError::new(
                    0x2632,
                    "sliding value can not less than 1% of interval value",
                ));
            }
            let fill = match fill {
                None => None,
                Some((mode, vals)) => {
                    let known = [
                        "none", "null", "null_f", "value", "value_f", "prev", "next", "linear",
                    ];
                    if !known.contains(&mode.as_str()) {
                        return Err(TdError::new(
                            0x2600,
                            format!("syntax error near \"{mode}\""),
                        ));
                    }
                    let mut values = Vec::new();
                    for v in vals {
                        match cx.compile(v)?.0 {
                            CExpr::Const(c) => values.push(c),
                            _ => return Err(wrong_value_type("fill value must be a constant")),
                        }
                    }
                    (mode != "none").then(|| Fill {
                        mode: mode.clone(),
                        values,
                    })
                }
            };
            Ok((
                Kind::Interval {
                    len,
                    offset,
                    sliding,
                },
                fill,
            ))
        }
        Window::Session(_, tol) => Ok((Kind::Session(units(*tol)?), None)),
        Window::Interp { range, every, fill } => {
            let mut point = |e: &crate::sql::ast::Expr| -> Result<i64, TdError> {
                let (c, _) = cx.compile(e)?;
                match cx.coerce_ts(crate::engine::value::dt(Ty::Timestamp), c)? {
                    CExpr::Const(Value::Int(t)) => Ok(t),
                    _ => Err(wrong_value_type("RANGE needs timestamp constants")),
                }
            };
            let start = point(&range.0)?;
            let end = match &range.1 {
                Some(e) => point(e)?,
                None => start,
            };
            let every = match every {
                Some(d) => units(*d)?,
                None if range.1.is_none() => 1,
                None => return Err(interp_clauses()),
            };
            if end < start || (end as i128 - start as i128) / every as i128 > MAX_FILLED {
                return Err(TdError::new(
                    0x2600,
                    "syntax error near \"range\" (invalid range)",
                ));
            }
            let fill = match fill {
                // A single point needs no EVERY, and without FILL the server
                // reads it as an unsupported fill.
                None if range.1.is_none() => {
                    return Err(TdError::new(0x2605, "Unsupported fill type"))
                }
                None => return Err(interp_clauses()),
                Some((mode, _)) if mode == "none" => {
                    return Err(TdError::new(0x2605, "Unsupported fill type"))
                }
                Some((mode, vals)) => {
                    let known = ["null", "value", "prev", "next", "linear", "near"];
                    if !known.contains(&mode.as_str()) {
                        return Err(TdError::new(
                            0x2600,
                            format!("syntax error near \"{mode}\""),
                        ));
                    }
                    let mut values = Vec::new();
                    for v in vals {
                        match cx.compile(v)?.0 {
                            CExpr::Const(c) => values.push(c),
                            _ => return Err(wrong_value_type("fill value must be a constant")),
                        }
                    }
                    Some(Fill {
                        mode: mode.clone(),
                        values,
                    })
                }
            };
            Ok((
                Kind::Interp {
                    start,
                    end,
                    every,
                    fill,
                },
                None,
            ))
        }
        Window::Event(open, shut, true_for) => {
            let (open, _) = cx.compile(open)?;
            let (shut, _) = cx.compile(shut)?;
            Ok((
                Kind::Event(open, shut, true_for.map(units).transpose()?.unwrap_or(0)),
                None,
            ))
        }
        Window::Count(n, slide) => {
            let slide = slide.unwrap_or(*n);
            let problem = if *n < 2 {
                Some("Size of Count window must exceed 1.")
            } else if *n >= i32::MAX as u64 {
                Some("Size of Count window must less than 2147483647(INT32_MAX).")
            } else if slide == 0 {
                Some("Size of Count window must exceed 0.")
            } else if slide > *n {
                Some("sliding value no larger than the count value.")
            } else {
                None
            };
            if let Some(message) = problem {
                return Err(TdError::new(0x2645, message));
            }
            Ok((Kind::Count(*n as usize, slide as usize), None))
        }
        Window::State(e, true_for) => {
            let (c, t) = cx.compile(e)?;
            cx.state = Some(e.clone());
            if !matches!(
                t.ty,
                Ty::Bool
                    | Ty::TinyInt
                    | Ty::SmallInt
                    | Ty::Int
                    | Ty::BigInt
                    | Ty::UTinyInt
                    | Ty::USmallInt
                    | Ty::UInt
                    | Ty::UBigInt
                    | Ty::VarChar
                    | Ty::NChar
            ) || matches!(c, CExpr::Tag(_))
            {
                return Err(TdError::new(
                    0x2628,
                    "Only support STATE_WINDOW on integer/bool/varchar column",
                ));
            }
            Ok((
                Kind::State(c, true_for.map(units).transpose()?.unwrap_or(0)),
                None,
            ))
        }
    }
}

/// Fills the aggregate-derived columns `cols` of filled rows.
///
/// VALUE, PREV and NEXT also fill the NULL cells of windows that have rows
/// (an AVG over only NULLs), each column carrying its own last or next
/// non-NULL value; LINEAR interpolates empty windows only, between the raw
/// values of the windows with rows around them.
///
/// `rows[i]` belongs to partition `pids[i]`; rows of a partition are
/// contiguous and ordered by `_wstart` (`starts`).
pub fn apply_fill(
    rows: &mut [Vec<Value>],
    filled: &[bool],
    pids: &[usize],
    starts: &[i64],
    cols: &[(usize, DataType)],
    fill: &Fill,
) -> Result<(), TdError> {
    let n = rows.len();
    match fill.mode.as_str() {
        "value" | "value_f" => {
            if fill.values.len() < cols.len() {
                return Err(TdError::new(
                    0x2600,
                    "syntax error near \"fill\" (too few fill values)",
                ));
            }
            for (i, row) in rows.iter_mut().enumerate() {
                for (k, (c, t)) in cols.iter().enumerate() {
                    if filled[i] || row[*c].is_null() {
                        row[*c] = cast(fill.values[k].clone(), *t);
                    }
                }
            }
        }
        "prev" => {
            for i in 1..n {
                if pids[i] == pids[i - 1] {
                    carry(rows, filled[i], i - 1, i, cols);
                }
            }
        }
        "next" => {
            for i in (0..n.saturating_sub(1)).rev() {
                if pids[i] == pids[i + 1] {
                    carry(rows, filled[i], i + 1, i, cols);
                }
            }
        }
        "linear" => {
            // The nearest windows with rows on each side, within the
            // partition, found in one pass each way.
            let mut prev = vec![None; n];
            let mut next = vec![None; n];
            let mut seen = None;
            for i in 0..n {
                if i > 0 && pids[i] != pids[i - 1] {
                    seen = None;
                }
                prev[i] = seen;
                if !filled[i] {
                    seen = Some(i);
                }
            }
            seen = None;
            for i in (0..n).rev() {
                if i + 1 < n && pids[i] != pids[i + 1] {
                    seen = None;
                }
                next[i] = seen;
                if !filled[i] {
                    seen = Some(i);
                }
            }
            for i in (0..n).filter(|&i| filled[i]) {
                let (Some(a), Some(b)) = (prev[i], next[i]) else {
                    continue;
                };
                for (c, t) in cols {
                    let (Some(va), Some(vb)) = (rows[a][*c].as_f64(), rows[b][*c].as_f64()) else {
                        continue;
                    };
                    if rows[a][*c].is_null() || rows[b][*c].is_null() {
                        continue;
                    }
                    let f = (starts[i] - starts[a]) as f64 / (starts[b] - starts[a]) as f64;
                    rows[i][*c] = cast(Value::Float(va + (vb - va) * f), *t);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// PREV/NEXT: copies each column of `cols` from row `from` into row `to`
/// where `to` is an empty window or holds NULL there.
fn carry(rows: &mut [Vec<Value>], empty: bool, from: usize, to: usize, cols: &[(usize, DataType)]) {
    for (c, _) in cols {
        if empty || rows[to][*c].is_null() {
            rows[to][*c] = rows[from][*c].clone();
        }
    }
}

/// INTERP points of one partition: the row's value where a row sits exactly
/// on the point, otherwise what FILL says (no point without FILL).
fn interp(
    rel: &Relation,
    aggs: &[AggSpec],
    keys: &[Value],
    rows: &[(i64, RowRef)],
    (start, end, every): (i64, i64, i64),
    fill: Option<&Fill>,
    out: &mut Vec<WinRow>,
) -> Result<(), TdError> {
    if aggs.iter().any(|a| a.func != super::plan::AggFn::Interp) {
        return Err(TdError::new(
            0x2600,
            "syntax error near \"interp\" (cannot be mixed with other functions)",
        ));
    }
    if let Some(f) = fill.filter(|f| f.mode == "value") {
        if f.values.len() != aggs.len() {
            return Err(TdError::new(0x2605, "Filled values number mismatch"));
        }
    }
    // Per INTERP call: the (ts, value) points in time order. A NULL row is
    // a point too: hit, or next to the interpolated time, it gives NULL.
    let series: Vec<Vec<(i64, Value)>> = aggs
        .iter()
        .map(|a| {
            rows.iter()
                .map(|&(ts, at)| {
                    let v = a
                        .arg
                        .as_ref()
                        .map_or(Value::Null, |e| eval(e, &row_ctx(rel, at)));
                    (ts, v)
                })
                .collect()
        })
        .collect();
    let mut t = start;
    loop {
        let mut vals = Vec::with_capacity(aggs.len());
        for (k, s) in series.iter().enumerate() {
            match point(s, t, k, fill, aggs[k].arg_dt) {
                Some(v) => vals.push(v),
                None => break,
            }
        }
        if vals.len() == aggs.len() {
            let hit = rows.binary_search_by_key(&t, |r| r.0).is_ok();
            out.push(WinRow {
                keys: keys.to_vec(),
                win: [t, t, i64::from(!hit)],
                vals,
                // Any row of the partition: tags and tbname are read from it.
                rep: rows.first().map(|r| r.1),
                filled: false,
            });
        }
        match t.checked_add(every) {
            Some(n) if n <= end => t = n,
            _ => return Ok(()),
        }
    }
}

/// The value of series `s` at `t`; `None` when the point is not output.
fn point(s: &[(i64, Value)], t: i64, k: usize, fill: Option<&Fill>, ty: DataType) -> Option<Value> {
    let i = s.partition_point(|(ts, _)| *ts < t);
    if s.get(i).is_some_and(|(ts, _)| *ts == t) {
        return Some(s[i].1.clone());
    }
    let prev = i.checked_sub(1).map(|j| &s[j]);
    let next = s.get(i);
    let fill = fill?;
    match fill.mode.as_str() {
        "null" => Some(Value::Null),
        "value" => Some(cast(fill.values.get(k).cloned().unwrap_or_default(), ty)),
        "prev" => prev.map(|p| p.1.clone()),
        "next" => next.map(|n| n.1.clone()),
        "near" => match (prev, next) {
            (Some(p), Some(n)) => Some(if t - p.0 <= n.0 - t {
                p.1.clone()
            } else {
                n.1.clone()
            }),
            (p, n) => p.or(n).map(|x| x.1.clone()),
        },
        "linear" => {
            let (p, n) = (prev?, next?);
            let (Some(a), Some(b)) = (p.1.as_f64(), n.1.as_f64()) else {
                return Some(Value::Null);
            };
            let f = (t - p.0) as f64 / (n.0 - p.0) as f64;
            Some(cast(Value::Float(a + (b - a) * f), ty))
        }
        _ => None,
    }
}
