//! A packed validity bitmap: one bit per row, set where the row has a value.

use super::grow;

const BITS: usize = u64::BITS as usize;

/// One bit per row, 64 rows to a word; bit `i` set means row `i` is not NULL.
#[derive(Debug, Clone, Default)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl Bitmap {
    /// Rows covered.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Covers no rows?
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether row `i` is set (rows past the end are not).
    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / BITS] >> (i % BITS) & 1 == 1
    }

    /// Appends one row.
    pub fn push(&mut self, set: bool) {
        if self.len % BITS == 0 {
            self.words.push(0);
        }
        if set {
            self.words[self.len / BITS] |= 1 << (self.len % BITS);
        }
        self.len += 1;
    }

    /// Sets or clears row `i` (within the rows covered).
    pub fn set(&mut self, i: usize, set: bool) {
        let (word, bit) = (i / BITS, 1 << (i % BITS));
        if set {
            self.words[word] |= bit;
        } else {
            self.words[word] &= !bit;
        }
    }

    /// Appends `n` rows, all set or all clear.
    pub fn push_n(&mut self, n: usize, set: bool) {
        self.reserve(n);
        for _ in 0..n {
            self.push(set);
        }
    }

    /// Room for `additional` more rows, growing by half at a time (see
    /// [`grow`]).
    pub fn reserve(&mut self, additional: usize) {
        let more = (self.len + additional)
            .div_ceil(BITS)
            .saturating_sub(self.words.len());
        grow(&mut self.words, more);
    }

    /// Splits off the rows from `at` on.
    pub fn split_off(&mut self, at: usize) -> Bitmap {
        let mut tail = Bitmap::default();
        tail.reserve(self.len.saturating_sub(at));
        for i in at..self.len {
            tail.push(self.get(i));
        }
        self.truncate(at);
        tail
    }

    /// Keeps the first `len` rows.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.len = len;
        self.words.truncate(len.div_ceil(BITS));
        if len % BITS != 0 {
            // Stale bits past the end would read as set after a push.
            self.words[len / BITS] &= (1 << (len % BITS)) - 1;
        }
    }

    /// Keeps row `i` where `keep[i]` (rows past `keep` are kept).
    pub fn retain(&mut self, keep: &[bool]) {
        let mut kept = Bitmap::default();
        kept.reserve(self.len);
        for i in 0..self.len {
            if keep.get(i).copied().unwrap_or(true) {
                kept.push(self.get(i));
            }
        }
        *self = kept;
    }

    /// Set rows within `range`.
    pub fn count_ones(&self, range: std::ops::Range<usize>) -> usize {
        let (start, end) = (range.start, range.end.min(self.len));
        if start >= end {
            return 0;
        }
        let (first, last) = (start / BITS, (end - 1) / BITS);
        (first..=last)
            .map(|w| {
                let lo = if w == first { start % BITS } else { 0 };
                let hi = if w == last {
                    (end - 1) % BITS + 1
                } else {
                    BITS
                };
                let mask = (u64::MAX >> (BITS - (hi - lo))) << lo;
                (self.words[w] & mask).count_ones() as usize
            })
            .sum()
    }

    /// Whether every row within `range` is set.
    pub fn all(&self, range: std::ops::Range<usize>) -> bool {
        let n = range.end.min(self.len).saturating_sub(range.start);
        self.count_ones(range) == n
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(bits: &[bool]) -> Bitmap {
        let mut b = Bitmap::default();
        for &x in bits {
            b.push(x);
        }
        b
    }

    #[test]
    fn counts_split_and_retain_across_words() {
        let bits: Vec<bool> = (0..200).map(|i| i % 3 != 0).collect();
        let mut b = of(&bits);
        for (lo, hi) in [(0, 200), (1, 64), (63, 65), (64, 128), (70, 71), (5, 5)] {
            let want = bits[lo..hi].iter().filter(|&&x| x).count();
            assert_eq!(b.count_ones(lo..hi), want, "{lo}..{hi}");
        }
        assert!(b.all(1..3) && !b.all(0..3));
        let tail = b.split_off(130);
        assert_eq!(b.len(), 130);
        assert_eq!(
            (0..70).map(|i| tail.get(i)).collect::<Vec<_>>(),
            bits[130..]
        );
        // Bits past a truncation are cleared, so pushes read as written.
        b.truncate(65);
        b.push(false);
        assert!(!b.get(65) && b.get(64));
        let keep: Vec<bool> = (0..66).map(|i| i % 2 == 0).collect();
        b.retain(&keep);
        let want: Vec<bool> = (0..66).step_by(2).map(|i| i % 3 != 0 && i != 65).collect();
        assert_eq!((0..33).map(|i| b.get(i)).collect::<Vec<_>>(), want);
    }
}
