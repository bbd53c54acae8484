//! What an insert in progress has done, row by row, kept outside its
//! future: when the future is dropped (a timeout, a `select!`, a cancelled
//! task) the caller still learns which rows the server confirmed and which
//! were on the wire with their outcome unknown.

use std::sync::Mutex;

/// The fate of one input row of an insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum RowFate {
    /// Not sent, or sent and refused: not written.
    #[default]
    Unsent,
    /// Sent, no answer yet: written or not, nobody knows.
    InDoubt,
    /// The server confirmed it.
    Written,
}

/// Per-row fates of one insert call, by input index.
#[derive(Debug, Default)]
pub(crate) struct Progress(Mutex<Vec<RowFate>>);

impl Progress {
    /// The rows of a statement about to be sent.
    pub(crate) fn sending(&self, rows: impl IntoIterator<Item = usize>) {
        self.mark(rows, RowFate::InDoubt);
    }

    /// The rows of a statement the server confirmed.
    pub(crate) fn written(&self, rows: impl IntoIterator<Item = usize>) {
        self.mark(rows, RowFate::Written);
    }

    /// The rows of a statement that failed: not written.
    pub(crate) fn refused(&self, rows: impl IntoIterator<Item = usize>) {
        self.mark(rows, RowFate::Unsent);
    }

    /// The fates so far, `len` long (rows never mentioned are unsent).
    pub(crate) fn fates(&self, len: usize) -> Vec<RowFate> {
        let mut fates = self.lock().clone();
        fates.resize(len, RowFate::Unsent);
        fates
    }

    /// The error of an attempt over `len` rows that ended with `source`
    /// before every answer came: the rows not confirmed are unwritten.
    pub(crate) fn unconfirmed(
        &self,
        table: &'static str,
        len: usize,
        source: crate::Error,
    ) -> crate::Error {
        let fates = self.fates(len);
        let unwritten: Vec<usize> = (0..len).filter(|&i| fates[i] != RowFate::Written).collect();
        crate::Error::Insert {
            table,
            written: len - unwritten.len(),
            total: len,
            unwritten,
            source: Box::new(source),
        }
    }

    fn mark(&self, rows: impl IntoIterator<Item = usize>, fate: RowFate) {
        let mut fates = self.lock();
        for row in rows {
            if row >= fates.len() {
                fates.resize(row + 1, RowFate::Unsent);
            }
            fates[row] = fate;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RowFate>> {
        // A panic while marking leaves whole fates behind: still usable.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fates_follow_the_last_mark() {
        let p = Progress::default();
        p.sending([0, 1, 2]);
        p.written([0, 1]);
        p.sending([3]);
        p.refused([3]);
        assert_eq!(
            p.fates(5),
            [
                RowFate::Written,
                RowFate::Written,
                RowFate::InDoubt,
                RowFate::Unsent,
                RowFate::Unsent
            ]
        );
    }
}
