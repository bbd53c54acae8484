//! Variable-length cells (text and bytes) packed into one buffer.

use super::grow;
use crate::engine::value::Value;

/// Every cell's bytes back to back, with each cell's end offset; a NULL
/// cell is an empty one (the column's bitmap tells them apart).
#[derive(Debug, Clone)]
pub struct VarCells {
    /// Cells are UTF-8 text (`Value::Str`), else bytes (`Value::Bytes`).
    text: bool,
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl VarCells {
    /// Whether the cells are text (VARCHAR/NCHAR/JSON).
    pub fn is_text(&self) -> bool {
        self.text
    }

    /// No cells; `text` for VARCHAR/NCHAR/JSON, else VARBINARY/GEOMETRY.
    pub fn new(text: bool) -> Self {
        VarCells {
            text,
            bytes: Vec::new(),
            ends: Vec::new(),
        }
    }

    fn start(&self, i: usize) -> usize {
        match i {
            0 => 0,
            i => self.ends[i - 1] as usize,
        }
    }

    /// The bytes of cell `i`.
    pub fn bytes(&self, i: usize) -> &[u8] {
        &self.bytes[self.start(i)..self.ends[i] as usize]
    }

    /// Cell `i` as a value of the column's shape.
    pub fn value(&self, i: usize) -> Value {
        let b = self.bytes(i);
        if self.text {
            // Only `&str`s are stored in text cells, so this never replaces.
            Value::Str(String::from_utf8_lossy(b).into())
        } else {
            Value::Bytes(b.into())
        }
    }

    /// Stores `v` if it has the column's shape, else hands it back.
    pub fn push_value(&mut self, v: Value) -> Result<(), Value> {
        let fits = match (&v, self.text) {
            (Value::Str(s), true) => self.push_bytes(s.as_bytes()),
            (Value::Bytes(b), false) => self.push_bytes(b),
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(v)
        }
    }

    /// Appends a cell; false (nothing stored) past 4 GiB of cell bytes,
    /// which u32 offsets cannot address.
    pub fn push_bytes(&mut self, b: &[u8]) -> bool {
        let Ok(end) = u32::try_from(self.bytes.len() + b.len()) else {
            return false;
        };
        grow(&mut self.bytes, b.len());
        self.bytes.extend_from_slice(b);
        self.ends.push(end);
        true
    }

    /// Appends an empty cell (a NULL's place).
    pub fn push_empty(&mut self) {
        let end = self.ends.last().copied().unwrap_or(0);
        self.ends.push(end);
    }

    /// Whether both hold the same shape (text or bytes).
    pub fn same_shape(&self, other: &VarCells) -> bool {
        self.text == other.text
    }

    /// Room for `rows` more cells' offsets.
    pub fn reserve(&mut self, rows: usize) {
        grow(&mut self.ends, rows);
    }

    /// Splits off the cells from `at` on.
    pub fn split_off(&mut self, at: usize) -> VarCells {
        let cut = self.start(at);
        let bytes = self.bytes.split_off(cut);
        // Offsets fit u32, and `cut` is one of them.
        let ends = self
            .ends
            .split_off(at)
            .into_iter()
            .map(|e| e - cut as u32)
            .collect();
        VarCells {
            text: self.text,
            bytes,
            ends,
        }
    }

    /// Keeps cell `i` where `keep[i]` (cells past `keep` are kept).
    pub fn retain(&mut self, keep: &[bool]) {
        let mut kept = VarCells::new(self.text);
        for i in 0..self.ends.len() {
            if keep.get(i).copied().unwrap_or(true) {
                // The kept bytes are fewer than those held: they fit.
                kept.push_bytes(self.bytes(i));
            }
        }
        *self = kept;
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * std::mem::size_of::<u32>()
    }
}
