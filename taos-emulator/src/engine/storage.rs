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

    /// Writes one row. `row[i]` is column `i+1`; `None` means "not named":
    /// a new row gets NULL there, an existing row (same key) keeps its value.
    /// With `composite` the second column is part of the key.
    pub fn upsert(&mut self, ts: i64, row: &mut [Option<Value>], composite: bool) {
        let pos = match self.ts.last() {
            Some(&last) if last < ts => Err(self.ts.len()),
            None => Err(0),
            _ => self.find(ts, composite.then(|| row[0].as_ref()).flatten()),
        };
        match pos {
            Ok(i) => {
                for (c, v) in self.cols.iter_mut().zip(row.iter_mut()) {
                    if let Some(v) = v.take() {
                        c[i] = v;
                    }
                }
            }
            Err(i) if i == self.ts.len() => {
                self.ts.push(ts);
                for (c, v) in self.cols.iter_mut().zip(row.iter_mut()) {
                    c.push(v.take().unwrap_or_default());
                }
            }
            Err(i) => {
                self.ts.insert(i, ts);
                for (c, v) in self.cols.iter_mut().zip(row.iter_mut()) {
                    c.insert(i, v.take().unwrap_or_default());
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(v: &[Option<i64>]) -> Vec<Option<Value>> {
        v.iter().map(|x| x.map(Value::Int)).collect()
    }

    #[test]
    fn sorted_with_per_column_merge() {
        let mut d = TableData::new(2);
        d.upsert(3, &mut row(&[Some(3), Some(30)]), false);
        d.upsert(1, &mut row(&[Some(1), Some(10)]), false);
        d.upsert(2, &mut row(&[Some(2), None]), false);
        d.upsert(3, &mut row(&[None, Some(31)]), false);
        assert_eq!(d.ts, vec![1, 2, 3]);
        assert_eq!(d.cols[0], vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(d.cols[1], vec![Value::Int(10), Value::Null, Value::Int(31)]);
    }

    #[test]
    fn composite_key_keeps_distinct_rows() {
        let mut d = TableData::new(2);
        d.upsert(1, &mut row(&[Some(2), Some(20)]), true);
        d.upsert(1, &mut row(&[Some(1), Some(10)]), true);
        d.upsert(1, &mut row(&[Some(2), Some(21)]), true);
        assert_eq!(d.ts, vec![1, 1]);
        assert_eq!(d.cols[1], vec![Value::Int(10), Value::Int(21)]);
    }
}
