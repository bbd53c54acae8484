//! Per-table columnar storage, kept sorted by (ts[, composite key]): the
//! timestamps in one vector, every other column typed by its schema type
//! ([`Column`]).

mod bitmap;
mod column;
mod var;

pub use bitmap::Bitmap;
pub use column::{Column, Prim, PrimVisitor};

use super::value::Value;
use column::vec_bytes;
use std::cmp::Ordering;
use taos_query::common::Ty;

/// The rows of one table: a timestamp vector plus one column per other
/// schema column.
#[derive(Debug, Clone, Default)]
pub struct TableData {
    /// Primary timestamps, ascending.
    pub ts: Vec<i64>,
    /// Columns 1.. of the schema, each as long as `ts`.
    pub cols: Vec<Column>,
}

impl TableData {
    /// Empty storage for non-timestamp columns of the given types.
    pub fn new(types: impl IntoIterator<Item = Ty>) -> Self {
        TableData {
            ts: Vec::new(),
            cols: types.into_iter().map(Column::new).collect(),
        }
    }

    /// Row count.
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// No rows?
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// Appends a column of type `ty`, NULL in every stored row.
    pub fn add_column(&mut self, ty: Ty) {
        self.cols.push(Column::nulls(ty, self.len()));
    }

    /// Room for `additional` more rows in every vector.
    fn reserve(&mut self, additional: usize) {
        grow(&mut self.ts, additional);
        for c in &mut self.cols {
            c.reserve(additional);
        }
    }

    /// Heap bytes held by the rows: every vector at its capacity, the
    /// bitmaps and the text and bytes buffers.
    pub fn heap_bytes(&self) -> usize {
        vec_bytes(&self.ts)
            + vec_bytes(&self.cols)
            + self.cols.iter().map(Column::heap_bytes).sum::<usize>()
    }

    /// Writes rows, in the order of `rows`: row `r` has timestamp `ts[r]`
    /// and columns 1.. in `cells[r * w..(r + 1) * w]` (`w` = `cols.len()`).
    /// A `None` cell is "not named": a new row gets NULL there, an existing
    /// row (same key) keeps its value; a later row of the batch overrides an
    /// earlier one with the same key. With `composite` the second column is
    /// part of the key.
    ///
    /// Rows after every stored one are appended. Others are sorted and
    /// merged into the stored rows from the first key they touch, in one
    /// pass: a batch in any order costs O(n log n) plus the stored rows
    /// after its smallest key, never a shift per row.
    pub fn write_rows(
        &mut self,
        ts: &[i64],
        cells: &mut [Option<Value>],
        rows: &[usize],
        composite: bool,
    ) {
        let w = self.cols.len();
        let pk_of = |cells: &[Option<Value>], r: usize| -> Option<Value> {
            if composite {
                cells[r * w].clone()
            } else {
                None
            }
        };
        let ascending = rows.windows(2).all(|p| ts[p[0]] < ts[p[1]]);
        let after_last = match (self.ts.last(), rows.first()) {
            (Some(&last), Some(&first)) => last < ts[first],
            _ => true,
        };
        if ascending && after_last {
            self.reserve(rows.len());
            for &r in rows {
                self.ts.push(ts[r]);
                for (c, cell) in self.cols.iter_mut().zip(&mut cells[r * w..(r + 1) * w]) {
                    c.push(cell.take().unwrap_or_default());
                }
            }
            return;
        }
        // Sort by key (stable: equal keys keep the batch's order), then fold
        // each run of one key into its first row.
        let keys: Vec<(i64, Option<Value>)> =
            rows.iter().map(|&r| (ts[r], pk_of(cells, r))).collect();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let key = |k: usize| (keys[k].0, keys[k].1.as_ref());
        order.sort_by(|&a, &b| key_cmp(key(a), key(b)));
        let mut unique: Vec<usize> = Vec::with_capacity(order.len());
        for &k in &order {
            match unique.last() {
                Some(&first) if key_cmp(key(first), key(k)).is_eq() => {
                    let (into, from) = (rows[first], rows[k]);
                    for c in 0..w {
                        if let Some(v) = cells[from * w + c].take() {
                            cells[into * w + c] = Some(v);
                        }
                    }
                }
                _ => unique.push(k),
            }
        }
        if !composite && self.overwrite(ts, cells, rows, &unique) {
            return;
        }
        let first = &keys[unique[0]];
        let start = match self.find(first.0, first.1.as_ref()) {
            Ok(i) | Err(i) => i,
        };
        let tail_ts = self.ts.split_off(start);
        let tail: Vec<Column> = self.cols.iter_mut().map(|c| c.split_off(start)).collect();
        self.reserve(tail_ts.len() + unique.len());
        // `j`: the next stored row of the tail.
        let mut j = 0;
        for k in unique {
            let key = &keys[k];
            let r = rows[k];
            let mut ord = Ordering::Less;
            while j < tail_ts.len() {
                let pk = composite.then(|| tail[0].get(j));
                ord = key_cmp((tail_ts[j], pk.as_ref()), (key.0, key.1.as_ref()));
                if !ord.is_lt() {
                    break;
                }
                self.push_stored(&tail_ts, &tail, j);
                j += 1;
            }
            let same = ord.is_eq() && j < tail_ts.len();
            self.ts.push(key.0);
            for ((c, old), cell) in self
                .cols
                .iter_mut()
                .zip(&tail)
                .zip(&mut cells[r * w..(r + 1) * w])
            {
                match cell.take() {
                    Some(v) => c.push(v),
                    None if same => c.push_from(old, j),
                    None => c.push_null(),
                }
            }
            if same {
                j += 1;
            }
        }
        for j in j..tail_ts.len() {
            self.push_stored(&tail_ts, &tail, j);
        }
    }

    /// Rows whose timestamps are all stored already (`unique`: indices into
    /// `rows`, one per key) overwritten where they are, the columns they
    /// give replaced and the others kept, as the merge would: a rewrite of
    /// recent history then costs nothing for the rows after it. False, and
    /// nothing written, when a key is new or a value cannot be stored in
    /// place.
    fn overwrite(
        &mut self,
        ts: &[i64],
        cells: &mut [Option<Value>],
        rows: &[usize],
        unique: &[usize],
    ) -> bool {
        let w = self.cols.len();
        let mut at = Vec::with_capacity(unique.len());
        for &k in unique {
            let r = rows[k];
            let Ok(i) = self.find(ts[r], None) else {
                return false;
            };
            let given = &cells[r * w..(r + 1) * w];
            if !self
                .cols
                .iter()
                .zip(given)
                .all(|(c, v)| v.as_ref().map_or(true, |v| c.settable(v)))
            {
                return false;
            }
            at.push((r, i));
        }
        for (r, i) in at {
            for (c, cell) in self.cols.iter_mut().zip(&mut cells[r * w..(r + 1) * w]) {
                if let Some(v) = cell.take() {
                    c.set(i, v);
                }
            }
        }
        true
    }

    /// Appends stored row `j` of a split-off tail.
    fn push_stored(&mut self, ts: &[i64], cols: &[Column], j: usize) {
        self.ts.push(ts[j]);
        for (c, from) in self.cols.iter_mut().zip(cols) {
            c.push_from(from, j);
        }
    }

    fn find(&self, ts: i64, pk: Option<&Value>) -> Result<usize, usize> {
        let lo = self.ts.partition_point(|&t| t < ts);
        let hi = self.ts.partition_point(|&t| t <= ts);
        let Some(pk) = pk else {
            return if lo < hi { Ok(lo) } else { Err(lo) };
        };
        // Keys are unique within one timestamp: a plain binary search.
        let keys = &self.cols[0];
        let (mut a, mut b) = (lo, hi);
        while a < b {
            let m = a + (b - a) / 2;
            match keys.get(m).total_cmp(pk) {
                Ordering::Less => a = m + 1,
                Ordering::Greater => b = m,
                Ordering::Equal => return Ok(m),
            }
        }
        Err(a)
    }

    /// Removes the rows at the given ascending indices.
    pub fn remove_rows(&mut self, rows: &[usize]) {
        let mut doomed = rows.iter().copied().peekable();
        let keep: Vec<bool> = (0..self.len())
            .map(|i| {
                if doomed.peek() == Some(&i) {
                    doomed.next();
                    false
                } else {
                    true
                }
            })
            .collect();
        let mut k = keep.iter();
        self.ts.retain(|_| *k.next().unwrap_or(&true));
        for c in &mut self.cols {
            c.retain(&keep);
        }
    }

    /// The row range with `lo <= ts <= hi`.
    pub fn range(&self, lo: i64, hi: i64) -> std::ops::Range<usize> {
        let a = self.ts.partition_point(|&t| t < lo);
        let b = self.ts.partition_point(|&t| t <= hi);
        a..b.max(a)
    }
}

/// Makes room for `additional` more elements, growing by half the length
/// where `Vec` would double: stored rows then take at most 1.5 times their
/// size, and appends stay amortized O(1).
pub(crate) fn grow<T>(v: &mut Vec<T>, additional: usize) {
    if v.capacity() - v.len() < additional {
        v.reserve_exact(additional.max(v.len() / 2));
    }
}

/// Orders rows by timestamp, then composite key; a missing key (no
/// composite key, or none given) is equal to any.
pub(crate) fn key_cmp(a: (i64, Option<&Value>), b: (i64, Option<&Value>)) -> Ordering {
    a.0.cmp(&b.0).then_with(|| match (a.1, b.1) {
        (Some(x), Some(y)) => x.total_cmp(y),
        _ => Ordering::Equal,
    })
}

#[cfg(test)]
mod tests;

impl TableData {
    /// The stored rows whose timestamps are in `ts` (each at most once, in
    /// key order), as a table of their own: what a topic reads of a write.
    pub fn rows_at(&self, ts: &[i64]) -> TableData {
        let mut picked: Vec<usize> = Vec::with_capacity(ts.len());
        for &t in ts {
            let lo = self.ts.partition_point(|&s| s < t);
            let hi = self.ts.partition_point(|&s| s <= t);
            picked.extend(lo..hi);
        }
        picked.sort_unstable();
        picked.dedup();
        let mut out = TableData {
            ts: picked.iter().map(|&i| self.ts[i]).collect(),
            cols: self.cols.iter().map(Column::empty_like).collect(),
        };
        for (dst, src) in out.cols.iter_mut().zip(&self.cols) {
            dst.reserve(picked.len());
            for &i in &picked {
                dst.push_from(src, i);
            }
        }
        out
    }

    /// Whether `other`'s columns are this table's, type for type.
    pub fn same_shape(&self, other: &TableData) -> bool {
        self.cols.len() == other.cols.len()
            && self
                .cols
                .iter()
                .zip(&other.cols)
                .all(|(a, b)| a.same_shape(b))
    }
}
