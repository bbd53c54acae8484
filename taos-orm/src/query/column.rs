//! Typed column handles and the filters built from them.

use std::marker::PhantomData;
use std::ops::{Bound as RangeBound, RangeBounds};

use crate::schema::{ColumnDef, SqlType};
use crate::value::TdType;

use super::cond::{CmpOp, Cond, CondNode};
use super::expr::{Expr, Node, Order, Ordering};
use super::value::Bound;

/// The `tbname` pseudo-column, as a column definition for value rendering.
pub const TBNAME: &ColumnDef = &ColumnDef {
    length: Some(192),
    ..ColumnDef::new("tbname", SqlType::VarChar)
};

/// Where a column handle points in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRef {
    /// Data column number `n` (0 is the primary timestamp).
    Column(usize),
    /// Tag number `n`.
    Tag(usize),
    /// The `tbname` pseudo-column.
    TbName,
}

/// The typed column handles of a table; `#[derive(TdTable)]` implements it.
///
/// `T::COLUMNS` holds one [`Column`] per column and tag, named like the
/// field, plus `tbname`. The query builder hands it to its closures, so a
/// misspelled column is a compile error.
pub trait TdColumns: crate::TdTable {
    /// The struct of handles.
    type Columns: Copy;
    /// The handles.
    const COLUMNS: Self::Columns;
}

/// A column, tag or `tbname` of table `T` whose Rust type is `V`.
///
/// Comparisons only accept values `V` can be compared with (see
/// [`Compare`]): comparing a `f32` column with a string does not compile.
pub struct Column<T, V> {
    pub(crate) def: &'static ColumnDef,
    pub(crate) at: ColumnRef,
    _t: PhantomData<fn() -> (T, V)>,
}

impl<T, V> Clone for Column<T, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, V> Copy for Column<T, V> {}

impl<T, V> std::fmt::Debug for Column<T, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({})", self.def.name)
    }
}

/// A type whose columns can be compared with values of type `X`: a
/// [`TdType`] with itself, `Option<T>` with `T`, `String` with `&str`.
#[diagnostic::on_unimplemented(
    message = "a column of type `{Self}` cannot be compared with a value of type `{X}`",
    label = "expected a value of the column's type",
    note = "compare a column with a value of its own Rust type (`T` or, for an `Option<T>` column, `T`; `&str` for text)"
)]
pub trait Compare<X> {
    /// The value as a bound SQL literal.
    fn bound(value: X) -> Bound;
}

impl<T: TdType> Compare<T> for T {
    fn bound(value: T) -> Bound {
        Bound::from_value(&value.to_value())
    }
}

impl<T: TdType> Compare<T> for Option<T> {
    fn bound(value: T) -> Bound {
        Bound::from_value(&value.to_value())
    }
}

impl Compare<&str> for String {
    fn bound(value: &str) -> Bound {
        Bound::Str(value.to_owned())
    }
}

impl Compare<&str> for Option<String> {
    fn bound(value: &str) -> Bound {
        Bound::Str(value.to_owned())
    }
}

/// Text columns (`String`, `Option<String>`), which `LIKE` applies to.
#[diagnostic::on_unimplemented(
    message = "`LIKE` needs a text column, and this one holds `{Self}`",
    label = "not a text column"
)]
pub trait Text {}
impl Text for String {}
impl Text for Option<String> {}

impl<T, V> Column<T, V> {
    /// A handle on `def`; the derive builds these.
    pub const fn new(def: &'static ColumnDef, at: ColumnRef) -> Self {
        Column {
            def,
            at,
            _t: PhantomData,
        }
    }

    /// The column name as TDengine stores it.
    pub fn name(&self) -> &'static str {
        self.def.name
    }

    pub(crate) fn node(&self) -> Node {
        Node::Col(self.def, self.at)
    }

    fn cmp<X>(self, op: CmpOp, value: X) -> Cond
    where
        V: Compare<X>,
    {
        Cond::new(CondNode::Cmp(self.def, self.at, op, V::bound(value)))
    }

    /// `col = value`.
    pub fn eq<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Eq, value)
    }

    /// `col <> value` (not on the primary timestamp: TDengine rejects it).
    pub fn ne<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Ne, value)
    }

    /// `col < value`.
    pub fn lt<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Lt, value)
    }

    /// `col <= value`.
    pub fn le<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Le, value)
    }

    /// `col > value`.
    pub fn gt<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Gt, value)
    }

    /// `col >= value`.
    pub fn ge<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Ge, value)
    }

    /// `col BETWEEN low AND high` (both ends included).
    pub fn between<X>(self, low: X, high: X) -> Cond
    where
        V: Compare<X>,
    {
        Cond::new(CondNode::Between(
            self.def,
            self.at,
            V::bound(low),
            V::bound(high),
        ))
    }

    /// The values of a Rust range: `a..b` is `col >= a AND col < b`, `a..=b`
    /// is `BETWEEN a AND b`, `a..` is `col >= a`, `..b` is `col < b`.
    ///
    /// On the primary timestamp this is the query's time range (which FILL
    /// needs).
    pub fn range<X: Clone, R: RangeBounds<X>>(self, range: R) -> Cond
    where
        V: Compare<X>,
    {
        let low = match range.start_bound() {
            RangeBound::Included(x) => Some((CmpOp::Ge, x.clone())),
            RangeBound::Excluded(x) => Some((CmpOp::Gt, x.clone())),
            RangeBound::Unbounded => None,
        };
        let high = match range.end_bound() {
            RangeBound::Included(x) => Some((CmpOp::Le, x.clone())),
            RangeBound::Excluded(x) => Some((CmpOp::Lt, x.clone())),
            RangeBound::Unbounded => None,
        };
        match (low, high) {
            (Some((CmpOp::Ge, a)), Some((CmpOp::Le, b))) => self.between(a, b),
            (Some((lo, a)), Some((hi, b))) => self.cmp(lo, a).and(self.cmp(hi, b)),
            (Some((op, x)), None) | (None, Some((op, x))) => self.cmp(op, x),
            (None, None) => Cond::new(CondNode::True),
        }
    }

    /// `col IN (v1, v2, …)` (not on the primary timestamp). An empty list
    /// matches nothing.
    pub fn in_list<X, I: IntoIterator<Item = X>>(self, values: I) -> Cond
    where
        V: Compare<X>,
    {
        let values = values.into_iter().map(V::bound).collect();
        Cond::new(CondNode::In(self.def, self.at, values, false))
    }

    /// `col NOT IN (v1, v2, …)`. An empty list matches everything.
    pub fn not_in<X, I: IntoIterator<Item = X>>(self, values: I) -> Cond
    where
        V: Compare<X>,
    {
        let values = values.into_iter().map(V::bound).collect();
        Cond::new(CondNode::In(self.def, self.at, values, true))
    }

    /// `col LIKE 'pattern'` (`%` any run, `_` one character).
    pub fn like(self, pattern: &str) -> Cond
    where
        V: Text,
    {
        Cond::new(CondNode::Like(self.def, self.at, pattern.to_owned(), false))
    }

    /// `col NOT LIKE 'pattern'`.
    pub fn not_like(self, pattern: &str) -> Cond
    where
        V: Text,
    {
        Cond::new(CondNode::Like(self.def, self.at, pattern.to_owned(), true))
    }

    /// `col IS NULL`.
    pub fn is_null(self) -> Cond {
        Cond::new(CondNode::Null(self.def, self.at, false))
    }

    /// `col IS NOT NULL`.
    pub fn is_not_null(self) -> Cond {
        Cond::new(CondNode::Null(self.def, self.at, true))
    }

    /// Ascending order on this column.
    pub fn asc(self) -> Ordering {
        Ordering::new(self.node(), Order::Asc)
    }

    /// Descending order on this column.
    pub fn desc(self) -> Ordering {
        Ordering::new(self.node(), Order::Desc)
    }

    /// The column as an expression selected under another name.
    pub fn alias(self, name: &str) -> super::Item {
        Expr::<V>::from(self).alias(name)
    }
}
