//! One stored column: its values at their real width plus a validity bitmap.

use super::bitmap::Bitmap;
use super::grow;
use super::var::VarCells;
use crate::engine::value::Value;
use std::cmp::Ordering;
use taos_query::common::Ty;

/// A fixed-width cell as stored, and the [`Value`] it stands for.
pub trait Prim: Copy + Default {
    /// The stored form of `v`, when `v` has this shape and round-trips
    /// exactly.
    fn from_value(v: &Value) -> Option<Self>;
    /// The value stored.
    fn to_value(self) -> Value;
    /// As `Value::as_f64` reads it (what AVG and float SUM add).
    fn to_f64(self) -> f64;
    /// As `Value::as_i128` reads it (what integer SUM adds).
    fn to_i128(self) -> Option<i128>;
    /// As `Value::total_cmp` orders two non-NULL values (MIN / MAX).
    fn order(self, other: Self) -> Ordering;
}

macro_rules! int_prim {
    ($($t:ty => $shape:ident($wide:ty)),* $(,)?) => {$(
        impl Prim for $t {
            fn from_value(v: &Value) -> Option<Self> {
                match v {
                    Value::$shape(x) => <$t>::try_from(*x).ok(),
                    _ => None,
                }
            }
            fn to_value(self) -> Value {
                Value::$shape(<$wide>::from(self))
            }
            fn to_f64(self) -> f64 {
                <$wide>::from(self) as f64
            }
            fn to_i128(self) -> Option<i128> {
                Some(i128::from(self))
            }
            fn order(self, other: Self) -> Ordering {
                self.cmp(&other)
            }
        }
    )*};
}

int_prim!(
    i8 => Int(i64), i16 => Int(i64), i32 => Int(i64), i64 => Int(i64),
    u8 => UInt(u64), u16 => UInt(u64), u32 => UInt(u64), u64 => UInt(u64),
);

impl Prim for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn to_value(self) -> Value {
        Value::Bool(self)
    }
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
    fn to_i128(self) -> Option<i128> {
        Some(i128::from(self))
    }
    fn order(self, other: Self) -> Ordering {
        self.cmp(&other)
    }
}

impl Prim for f32 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            // FLOAT values arrive already rounded to f32.
            Value::Float(x) => {
                let narrow = *x as f32;
                (f64::from(narrow) == *x || x.is_nan()).then_some(narrow)
            }
            _ => None,
        }
    }
    fn to_value(self) -> Value {
        Value::Float(f64::from(self))
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn to_i128(self) -> Option<i128> {
        None
    }
    fn order(self, other: Self) -> Ordering {
        f64::from(self).order(f64::from(other))
    }
}

impl Prim for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Float(x) => Some(*x),
            _ => None,
        }
    }
    fn to_value(self) -> Value {
        Value::Float(self)
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn to_i128(self) -> Option<i128> {
        None
    }
    fn order(self, other: Self) -> Ordering {
        // NaN compares equal to everything, as in `Value::total_cmp`.
        self.partial_cmp(&other).unwrap_or(Ordering::Equal)
    }
}

/// The cells of a column, one variant per physical shape. `Any` holds
/// values a typed shape cannot (a virtual table's loosely typed results,
/// a type with no shape); a column falls back to it rather than alter a
/// value.
#[derive(Debug, Clone)]
enum Cells {
    Bool(Vec<bool>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    Var(VarCells),
    Any(Vec<Value>),
}

/// The one `match` over the shapes: `each` runs an expression per shape,
/// the fixed-width ones sharing `$prim` (generic over their element type);
/// `map` does the same and wraps each result back in its shape.
macro_rules! cells {
    (@each [$($v:ident)*] $cells:expr, $c:ident => $prim:expr, $s:ident => $var:expr, $a:ident => $any:expr) => {
        match $cells {
            $(Cells::$v($c) => $prim,)*
            Cells::Var($s) => $var,
            Cells::Any($a) => $any,
        }
    };
    (@map [$($v:ident)*] $cells:expr, $c:ident => $prim:expr, $s:ident => $var:expr, $a:ident => $any:expr) => {
        match $cells {
            $(Cells::$v($c) => Cells::$v($prim),)*
            Cells::Var($s) => Cells::Var($var),
            Cells::Any($a) => Cells::Any($any),
        }
    };
    ($mode:ident $($rest:tt)*) => {
        cells!(@$mode [Bool I8 I16 I32 I64 U8 U16 U32 U64 F32 F64] $($rest)*)
    };
}

/// Reads a fixed-width column's values directly, generic over their type
/// (see [`Column::visit_prims`]).
pub trait PrimVisitor {
    /// What the visit yields.
    type Out;
    /// Visits the stored values and their validity (a NULL's slot holds
    /// the type's default).
    fn visit<T: Prim>(self, values: &[T], valid: &Bitmap) -> Self::Out;
}

/// One column of a table, typed by its schema type.
#[derive(Debug, Clone)]
pub struct Column {
    cells: Cells,
    valid: Bitmap,
}

impl Column {
    /// An empty column for values of type `ty`.
    pub fn new(ty: Ty) -> Self {
        let cells = match ty {
            Ty::Bool => Cells::Bool(Vec::new()),
            Ty::TinyInt => Cells::I8(Vec::new()),
            Ty::SmallInt => Cells::I16(Vec::new()),
            Ty::Int => Cells::I32(Vec::new()),
            Ty::BigInt | Ty::Timestamp => Cells::I64(Vec::new()),
            Ty::UTinyInt => Cells::U8(Vec::new()),
            Ty::USmallInt => Cells::U16(Vec::new()),
            Ty::UInt => Cells::U32(Vec::new()),
            Ty::UBigInt => Cells::U64(Vec::new()),
            Ty::Float => Cells::F32(Vec::new()),
            Ty::Double => Cells::F64(Vec::new()),
            Ty::VarChar | Ty::NChar | Ty::Json => Cells::Var(VarCells::new(true)),
            Ty::VarBinary | Ty::Geometry => Cells::Var(VarCells::new(false)),
            _ => Cells::Any(Vec::new()),
        };
        Column {
            cells,
            valid: Bitmap::default(),
        }
    }

    /// `rows` NULLs of type `ty` (a column added to a table with rows).
    pub fn nulls(ty: Ty, rows: usize) -> Self {
        let mut c = Column::new(ty);
        c.push_nulls(rows);
        c
    }

    /// Row count.
    pub fn len(&self) -> usize {
        self.valid.len()
    }

    /// No rows?
    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    /// Whether values are held at their type's width (not loosely typed).
    pub fn is_typed(&self) -> bool {
        !matches!(self.cells, Cells::Any(_))
    }

    /// Whether row `i` is NULL (rows past the end are).
    pub fn is_null(&self, i: usize) -> bool {
        !self.valid.get(i)
    }

    /// Row `i`'s value; NULL past the end.
    pub fn get(&self, i: usize) -> Value {
        if self.is_null(i) {
            return Value::Null;
        }
        cells!(each &self.cells, c => c[i].to_value(), s => s.value(i), a => a[i].clone())
    }

    /// The values of `range`.
    pub fn values(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Value> + '_ {
        range.map(|i| self.get(i))
    }

    /// Appends `v`. A value the column's shape cannot hold exactly refits
    /// the column first (see `refit`), so no value is altered.
    pub fn push(&mut self, v: Value) {
        if v.is_null() {
            return self.push_null();
        }
        if let Err(v) = self.push_cell(v) {
            self.refit(v);
        }
        self.valid.push(true);
    }

    /// Stores a non-NULL value's cell (not its validity) if it has the
    /// column's shape, else hands it back.
    fn push_cell(&mut self, v: Value) -> Result<(), Value> {
        cells!(each &mut self.cells,
            c => push_prim(c, v),
            s => s.push_value(v),
            a => {
                a.push(v);
                Ok(())
            }
        )
    }

    /// Stores a value the column's shape refused (the caller pushes its
    /// validity). SQL literals give unsigned columns `Value::Int`, bound
    /// values `Value::UInt`: a column holding only NULLs so far takes the
    /// signed vector wide enough for the type, so either source stays
    /// typed and reads back as given. A second shape in one column keeps
    /// every value as given, loosely typed.
    fn refit(&mut self, v: Value) {
        let signed = match (&self.cells, &v) {
            (Cells::U8(_), Value::Int(_)) => Some(Cells::I16(Vec::new())),
            (Cells::U16(_), Value::Int(_)) => Some(Cells::I32(Vec::new())),
            (Cells::U32(_) | Cells::U64(_), Value::Int(_)) => Some(Cells::I64(Vec::new())),
            _ => None,
        };
        if let Some(cells) = signed.filter(|_| self.valid.count_ones(0..self.len()) == 0) {
            let rows = self.len();
            self.cells = cells;
            self.valid = Bitmap::default();
            self.push_nulls(rows);
        }
        if let Err(v) = self.push_cell(v) {
            self.loosen();
            // Loose values take any shape.
            let _ = self.push_cell(v);
        }
    }

    /// Whether [`Self::set`] can store `v` in place: NULL anywhere, a value
    /// of the column's fixed-width shape, anything loosely typed. Text and
    /// bytes live packed in one buffer and are never rewritten in place.
    pub fn settable(&self, v: &Value) -> bool {
        v.is_null()
            || cells!(each &self.cells,
                c => prim_fits(c, v),
                _s => false,
                _a => true
            )
    }

    /// Overwrites row `i` with `v`, which [`Self::settable`] accepted.
    pub fn set(&mut self, i: usize, v: Value) {
        let valid = !v.is_null();
        cells!(each &mut self.cells,
            c => c[i] = prim_or_default(&v),
            _s => debug_assert!(!valid, "text is not rewritten in place"),
            a => a[i] = v
        );
        self.valid.set(i, valid);
    }

    /// Appends a NULL.
    pub fn push_null(&mut self) {
        cells!(each &mut self.cells,
            c => c.push(Default::default()),
            s => s.push_empty(),
            a => a.push(Value::Null)
        );
        self.valid.push(false);
    }

    /// Appends `n` NULLs.
    pub fn push_nulls(&mut self, n: usize) {
        self.reserve(n);
        for _ in 0..n {
            self.push_null();
        }
    }

    /// Appends row `i` of `src` (a column of the same type), copying text
    /// and bytes without an intermediate value.
    pub fn push_from(&mut self, src: &Column, i: usize) {
        if let (Cells::Var(to), Cells::Var(from)) = (&mut self.cells, &src.cells) {
            if !src.is_null(i) && to.same_shape(from) && to.push_bytes(from.bytes(i)) {
                self.valid.push(true);
                return;
            }
        }
        self.push(src.get(i));
    }

    /// Room for `additional` more rows, growing by half at a time.
    pub fn reserve(&mut self, additional: usize) {
        cells!(each &mut self.cells,
            c => grow(c, additional),
            s => s.reserve(additional),
            a => grow(a, additional)
        );
        self.valid.reserve(additional);
    }

    /// Splits off the rows from `at` on.
    pub fn split_off(&mut self, at: usize) -> Column {
        Column {
            cells: cells!(map &mut self.cells,
                c => c.split_off(at),
                s => s.split_off(at),
                a => a.split_off(at)
            ),
            valid: self.valid.split_off(at),
        }
    }

    /// An empty column of the same type.
    pub fn empty_like(&self) -> Column {
        Column {
            cells: cells!(map &self.cells,
                _c => Vec::new(),
                s => VarCells::new(s.is_text()),
                _a => Vec::new()
            ),
            valid: Bitmap::default(),
        }
    }

    /// Whether `other` holds values of the same shape (a schema change in
    /// between may have changed a column's type).
    pub fn same_shape(&self, other: &Column) -> bool {
        match (&self.cells, &other.cells) {
            (Cells::Var(a), Cells::Var(b)) => a.is_text() == b.is_text(),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }

    /// Keeps row `i` where `keep[i]` (rows past `keep` are kept).
    pub fn retain(&mut self, keep: &[bool]) {
        cells!(each &mut self.cells,
            c => retain_by(c, keep),
            s => s.retain(keep),
            a => retain_by(a, keep)
        );
        self.valid.retain(keep);
    }

    /// Reads the typed values directly; `None` for text, bytes and
    /// loosely typed columns.
    pub fn visit_prims<V: PrimVisitor>(&self, v: V) -> Option<V::Out> {
        cells!(each &self.cells, c => Some(v.visit(c, &self.valid)), _s => None, _a => None)
    }

    /// Heap bytes held: the values' vectors at their capacity, the bitmap,
    /// and the text and bytes buffers.
    pub fn heap_bytes(&self) -> usize {
        let cells = cells!(each &self.cells,
            c => vec_bytes(c),
            s => s.heap_bytes(),
            a => vec_bytes(a) + a.iter().map(owned_bytes).sum::<usize>()
        );
        cells + self.valid.heap_bytes()
    }

    /// Turns the column into loosely typed values.
    fn loosen(&mut self) {
        let values = self.values(0..self.len()).collect();
        self.cells = Cells::Any(values);
    }
}

fn push_prim<T: Prim>(c: &mut Vec<T>, v: Value) -> Result<(), Value> {
    match T::from_value(&v) {
        Some(x) => {
            c.push(x);
            Ok(())
        }
        None => Err(v),
    }
}

fn prim_fits<T: Prim>(_: &[T], v: &Value) -> bool {
    T::from_value(v).is_some()
}

/// The stored form of `v`; a NULL's slot holds the type's default.
fn prim_or_default<T: Prim>(v: &Value) -> T {
    T::from_value(v).unwrap_or_default()
}

fn retain_by<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut k = keep.iter();
    v.retain(|_| *k.next().unwrap_or(&true));
}

/// Heap bytes of a vector at its capacity.
pub(super) fn vec_bytes<T>(v: &Vec<T>) -> usize {
    v.capacity() * std::mem::size_of::<T>()
}

fn owned_bytes(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        Value::Bytes(b) => b.len(),
        _ => 0,
    }
}
