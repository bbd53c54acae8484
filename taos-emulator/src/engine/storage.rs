//! Per-table columnar storage, kept sorted by (ts[, composite key]).

use super::value::Value;
use std::cmp::Ordering;

/// The rows of one table: a timestamp vector plus one vector per other column.
#[derive(Debug, Clone, Default)]
pub struct TableData {
    /// Primary timestamps, ascending.
    pub ts: Vec<i64>,
    /// Columns 1.. of the schema, each as long as `ts`.
    pub cols: Vec<Vec<Value>>,
}

impl TableData {
    /// Empty storage for `ncols` non-timestamp columns.
    pub fn new(ncols: usize) -> Self {
        TableData {
            ts: Vec::new(),
            cols: vec![Vec::new(); ncols],
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
        let first = &keys[unique[0]];
        let start = match self.find(first.0, first.1.as_ref()) {
            Ok(i) | Err(i) => i,
        };
        let tail_ts = self.ts.split_off(start);
        let mut tail: Vec<std::vec::IntoIter<Value>> = self
            .cols
            .iter_mut()
            .map(|c| c.split_off(start).into_iter())
            .collect();
        let mut stored = tail_ts.into_iter().peekable();
        for k in unique {
            let key = &keys[k];
            let r = rows[k];
            let mut ord = std::cmp::Ordering::Less;
            while let Some(&t) = stored.peek() {
                let pk = if composite {
                    tail[0].as_slice().first()
                } else {
                    None
                };
                ord = key_cmp((t, pk), (key.0, key.1.as_ref()));
                if ord.is_lt() {
                    self.ts.push(t);
                    stored.next();
                    for (c, it) in self.cols.iter_mut().zip(&mut tail) {
                        c.push(it.next().unwrap_or_default());
                    }
                } else {
                    break;
                }
            }
            let same = ord.is_eq() && stored.peek().is_some();
            if same {
                stored.next();
            }
            self.ts.push(key.0);
            for (c, (it, cell)) in self
                .cols
                .iter_mut()
                .zip(tail.iter_mut().zip(&mut cells[r * w..(r + 1) * w]))
            {
                let old = if same { it.next() } else { None };
                c.push(cell.take().or(old).unwrap_or_default());
            }
        }
        for t in stored {
            self.ts.push(t);
            for (c, it) in self.cols.iter_mut().zip(&mut tail) {
                c.push(it.next().unwrap_or_default());
            }
        }
    }

    fn find(&self, ts: i64, pk: Option<&Value>) -> Result<usize, usize> {
        let lo = self.ts.partition_point(|&t| t < ts);
        let hi = self.ts.partition_point(|&t| t <= ts);
        let Some(pk) = pk else {
            return if lo < hi { Ok(lo) } else { Err(lo) };
        };
        let keys = &self.cols[0][lo..hi];
        match keys.binary_search_by(|k| k.total_cmp(pk).then(Ordering::Equal)) {
            Ok(i) => Ok(lo + i),
            Err(i) => Err(lo + i),
        }
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
            let mut k = keep.iter();
            c.retain(|_| *k.next().unwrap_or(&true));
        }
    }

    /// The row range with `lo <= ts <= hi`.
    pub fn range(&self, lo: i64, hi: i64) -> std::ops::Range<usize> {
        let a = self.ts.partition_point(|&t| t < lo);
        let b = self.ts.partition_point(|&t| t <= hi);
        a..b.max(a)
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
mod tests {
    use super::*;

    fn put(d: &mut TableData, rows: &[(i64, &[Option<i64>])], composite: bool) {
        let ts: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut cells: Vec<Option<Value>> = rows
            .iter()
            .flat_map(|r| r.1.iter().map(|x| x.map(Value::Int)))
            .collect();
        let order: Vec<usize> = (0..rows.len()).collect();
        d.write_rows(&ts, &mut cells, &order, composite);
    }

    fn ints(col: &[Value]) -> Vec<Option<i64>> {
        col.iter()
            .map(|v| match v {
                Value::Int(n) => Some(*n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn sorted_with_per_column_merge() {
        let mut d = TableData::new(2);
        put(&mut d, &[(3, &[Some(3), Some(30)])], false);
        put(&mut d, &[(1, &[Some(1), Some(10)])], false);
        put(&mut d, &[(2, &[Some(2), None])], false);
        put(&mut d, &[(3, &[None, Some(31)])], false);
        assert_eq!(d.ts, vec![1, 2, 3]);
        assert_eq!(ints(&d.cols[0]), [Some(1), Some(2), Some(3)]);
        assert_eq!(ints(&d.cols[1]), [Some(10), None, Some(31)]);
    }

    #[test]
    fn composite_key_keeps_distinct_rows() {
        let mut d = TableData::new(2);
        put(&mut d, &[(1, &[Some(2), Some(20)])], true);
        put(&mut d, &[(1, &[Some(1), Some(10)])], true);
        put(&mut d, &[(1, &[Some(2), Some(21)])], true);
        assert_eq!(d.ts, vec![1, 1]);
        assert_eq!(ints(&d.cols[1]), [Some(10), Some(21)]);
        put(
            &mut d,
            &[
                (1, &[Some(3), Some(30)]),
                (0, &[Some(9), Some(90)]),
                (1, &[Some(1), None]),
            ],
            true,
        );
        assert_eq!(d.ts, vec![0, 1, 1, 1]);
        assert_eq!(ints(&d.cols[0]), [Some(9), Some(1), Some(2), Some(3)]);
        assert_eq!(ints(&d.cols[1]), [Some(90), Some(10), Some(21), Some(30)]);
    }

    #[test]
    fn an_unordered_batch_merges_into_the_stored_rows() {
        let mut d = TableData::new(1);
        let stored: Vec<(i64, [Option<i64>; 1])> = (0..10).map(|t| (t * 10, [Some(t)])).collect();
        let stored: Vec<(i64, &[Option<i64>])> = stored.iter().map(|(t, c)| (*t, &c[..])).collect();
        put(&mut d, &stored, false);
        // Descending, with one key twice (the later wins), one stored key
        // rewritten, one left alone by a `None`, and rows before and after.
        put(
            &mut d,
            &[
                (95, &[Some(-95)]),
                (50, &[Some(-50)]),
                (35, &[Some(-35)]),
                (35, &[Some(-36)]),
                (20, &[None]),
                (-5, &[Some(-1)]),
            ],
            false,
        );
        assert_eq!(d.ts, [-5, 0, 10, 20, 30, 35, 40, 50, 60, 70, 80, 90, 95]);
        assert_eq!(
            ints(&d.cols[0]),
            [-1, 0, 1, 2, 3, -36, 4, -50, 6, 7, 8, 9, -95].map(Some)
        );
    }

    #[test]
    fn the_batch_order_is_kept_for_one_key() {
        let mut d = TableData::new(2);
        put(
            &mut d,
            &[
                (5, &[Some(1), Some(1)]),
                (5, &[None, Some(2)]),
                (4, &[Some(0), None]),
            ],
            false,
        );
        assert_eq!(d.ts, [4, 5]);
        assert_eq!(ints(&d.cols[0]), [Some(0), Some(1)]);
        assert_eq!(ints(&d.cols[1]), [None, Some(2)]);
    }
}
