//! Typed expressions of the select list: columns, pseudo-columns and
//! aggregate / selection functions, each carrying its TDengine result type.

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::error::{Error, Result};
use crate::schema::ColumnDef;
use crate::sql::{write_ident, NameKind};

use super::column::{Column, ColumnRef, Compare};
use super::cond::{CmpOp, Cond, CondNode};
use super::window::TimeSpan;

/// What a function does to rows, for the checks TDengine makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FnKind {
    /// One row per group or window (COUNT, AVG, TWA, …).
    Aggregate,
    /// Picks one row per group (FIRST, LAST, MIN, …): may sit beside plain columns.
    Selection,
    /// Picks k rows (TOP, BOTTOM): no FILL.
    MultiSelection,
    /// One output row per input row (DIFF, CSUM, DERIVATIVE): no windows.
    Series,
    /// INTERP: one row per point of its RANGE/EVERY, alone with its kind.
    Interp,
}

/// An untyped expression node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Col(&'static ColumnDef, ColumnRef),
    Pseudo(&'static str),
    Star,
    Alias(String),
    Func {
        name: &'static str,
        kind: FnKind,
        args: Vec<Node>,
    },
    Int(i64),
    Float(f64),
    TimeSpan(TimeSpan),
    /// An argument rejected when the expression was built, reported when the
    /// query is rendered (so building stays infallible).
    Invalid(String),
}

impl Node {
    pub(crate) fn render(&self, out: &mut String) -> Result<()> {
        match self {
            Node::Col(def, _) if def.name == "tbname" => out.push_str("tbname"),
            Node::Col(def, _) => crate::sql::push_quoted_lower(out, def.name),
            Node::Pseudo(name) => out.push_str(name),
            Node::Star => out.push('*'),
            Node::Alias(name) => write_ident(out, name, NameKind::Column)?,
            Node::Func { name, args, .. } => {
                out.push_str(name);
                out.push('(');
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    arg.render(out)?;
                }
                out.push(')');
            }
            Node::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Node::Float(f) => out.push_str(zmij::Buffer::new().format_finite(*f)),
            Node::TimeSpan(d) => d.render(out),
            Node::Invalid(reason) => return Err(Error::InvalidArgument(reason.clone())),
        }
        Ok(())
    }

    /// The function kind, `None` for a plain value.
    pub(crate) fn kind(&self) -> Option<FnKind> {
        match self {
            Node::Func { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub(crate) fn func_name(&self) -> Option<&'static str> {
        match self {
            Node::Func { name, .. } => Some(name),
            _ => None,
        }
    }

    pub(crate) fn first_invalid(&self) -> Option<&str> {
        match self {
            Node::Invalid(reason) => Some(reason),
            Node::Func { args, .. } => args.iter().find_map(Node::first_invalid),
            _ => None,
        }
    }
}

/// A typed expression whose value has Rust type `V` (for an aggregate, the
/// type TDengine returns: `COUNT` is `i64`, `AVG` is `f64`, `MAX` is the
/// column's type). Select it with [`Expr::alias`] to read it by name.
pub struct Expr<V> {
    pub(crate) node: Node,
    _v: PhantomData<fn() -> V>,
}

impl<V> Clone for Expr<V> {
    fn clone(&self) -> Self {
        Expr::new(self.node.clone())
    }
}

impl<V> std::fmt::Debug for Expr<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        match self.node.render(&mut text) {
            Ok(()) => write!(f, "Expr({text})"),
            Err(e) => write!(f, "Expr(<{e}>)"),
        }
    }
}

impl<V> Expr<V> {
    pub(crate) fn new(node: Node) -> Self {
        Expr {
            node,
            _v: PhantomData,
        }
    }

    /// Selects the expression as `AS name`, the result column (and so the
    /// `TdRow` field) it is read from.
    pub fn alias(self, name: &str) -> Item {
        Item {
            node: self.node,
            alias: Some(name.to_owned()),
        }
    }

    /// Ascending order on this expression.
    pub fn asc(self) -> Ordering {
        Ordering::new(self.node, Order::Asc)
    }

    /// Descending order on this expression.
    pub fn desc(self) -> Ordering {
        Ordering::new(self.node, Order::Desc)
    }

    fn cmp<X>(self, op: CmpOp, value: X) -> Cond
    where
        V: Compare<X>,
    {
        Cond::new(CondNode::ExprCmp(self.node, op, V::bound(value)))
    }

    /// `expr = value`, e.g. in [`Query::having`](super::Query::having).
    pub fn eq<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Eq, value)
    }

    /// `expr <> value`.
    pub fn ne<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Ne, value)
    }

    /// `expr < value`.
    pub fn lt<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Lt, value)
    }

    /// `expr <= value`.
    pub fn le<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Le, value)
    }

    /// `expr > value`, e.g. `avg(m.current).gt(2.0)`.
    pub fn gt<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Gt, value)
    }

    /// `expr >= value`.
    pub fn ge<X>(self, value: X) -> Cond
    where
        V: Compare<X>,
    {
        self.cmp(CmpOp::Ge, value)
    }

    /// `expr BETWEEN low AND high` (both ends included).
    pub fn between<X>(self, low: X, high: X) -> Cond
    where
        V: Compare<X>,
    {
        Cond::new(CondNode::ExprBetween(
            self.node,
            V::bound(low),
            V::bound(high),
        ))
    }

    /// `expr IS NULL` (an aggregate over no values).
    pub fn is_null(self) -> Cond {
        Cond::new(CondNode::ExprNull(self.node, false))
    }

    /// `expr IS NOT NULL`.
    pub fn is_not_null(self) -> Cond {
        Cond::new(CondNode::ExprNull(self.node, true))
    }
}

impl<T, V> From<Column<T, V>> for Expr<V> {
    fn from(column: Column<T, V>) -> Self {
        Expr::new(column.node())
    }
}

/// One entry of the select list.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub(crate) node: Node,
    pub(crate) alias: Option<String>,
}

impl<V> From<Expr<V>> for Item {
    fn from(expr: Expr<V>) -> Self {
        Item {
            node: expr.node,
            alias: None,
        }
    }
}

impl<T, V> From<Column<T, V>> for Item {
    fn from(column: Column<T, V>) -> Self {
        Item {
            node: column.node(),
            alias: None,
        }
    }
}

/// A select list: one item, a tuple of items, or a `Vec<Item>`.
pub trait Select {
    /// The items in order.
    fn items(self) -> Vec<Item>;
}

impl<I: Into<Item>> Select for I {
    fn items(self) -> Vec<Item> {
        vec![self.into()]
    }
}

impl Select for Vec<Item> {
    fn items(self) -> Vec<Item> {
        self
    }
}

/// Keys of PARTITION BY: one column or expression, or a tuple of them.
pub trait Keys {
    /// The key expressions in order.
    fn keys(self) -> Vec<Item>;
}

impl<I: Into<Item>> Keys for I {
    fn keys(self) -> Vec<Item> {
        vec![self.into()]
    }
}

macro_rules! tuples {
    ($($name:ident),+) => {
        impl<$($name: Into<Item>),+> Select for ($($name,)+) {
            #[allow(non_snake_case)]
            fn items(self) -> Vec<Item> {
                let ($($name,)+) = self;
                vec![$($name.into()),+]
            }
        }

        impl<$($name: Into<Item>),+> Keys for ($($name,)+) {
            #[allow(non_snake_case)]
            fn keys(self) -> Vec<Item> {
                let ($($name,)+) = self;
                vec![$($name.into()),+]
            }
        }
    };
}

tuples!(A, B);
tuples!(A, B, C);
tuples!(A, B, C, D);
tuples!(A, B, C, D, E);
tuples!(A, B, C, D, E, F);
tuples!(A, B, C, D, E, F, G);
tuples!(A, B, C, D, E, F, G, H);
tuples!(A, B, C, D, E, F, G, H, I);
tuples!(A, B, C, D, E, F, G, H, I, J);
tuples!(A, B, C, D, E, F, G, H, I, J, K);
tuples!(A, B, C, D, E, F, G, H, I, J, K, L);

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Ascending (NULLs first in TDengine).
    Asc,
    /// Descending (NULLs last).
    Desc,
}

/// One `ORDER BY` key.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordering {
    pub(crate) node: Node,
    pub(crate) order: Order,
}

impl Ordering {
    pub(crate) fn new(node: Node, order: Order) -> Self {
        Ordering { node, order }
    }

    /// Orders by a select-list alias (`ORDER BY avg_current DESC`).
    pub fn alias(name: &str, order: Order) -> Self {
        Ordering::new(Node::Alias(name.to_owned()), order)
    }
}

/// ORDER BY keys: one [`Ordering`] or a tuple of them.
pub trait Orderings {
    /// The keys in order.
    fn orderings(self) -> Vec<Ordering>;
}

impl Orderings for Ordering {
    fn orderings(self) -> Vec<Ordering> {
        vec![self]
    }
}

impl Orderings for (Ordering, Ordering) {
    fn orderings(self) -> Vec<Ordering> {
        vec![self.0, self.1]
    }
}

impl Orderings for (Ordering, Ordering, Ordering) {
    fn orderings(self) -> Vec<Ordering> {
        vec![self.0, self.1, self.2]
    }
}

/// Column types aggregates such as `AVG` and `SUM` accept, with the types
/// TDengine gives `SUM`/`CSUM` and `DIFF` of them.
#[diagnostic::on_unimplemented(
    message = "this function needs a numeric column, and this one holds `{Self}`",
    label = "not a numeric column"
)]
pub trait Numeric {
    /// `SUM` and `CSUM`: `i64` for signed integers, `u64` for unsigned, `f64` for floats.
    type Sum;
    /// `DIFF`: `i64` for integers, `f64` for floats.
    type Diff;
}

macro_rules! numeric {
    ($sum:ty, $diff:ty: $($t:ty),+) => {
        $(impl Numeric for $t { type Sum = $sum; type Diff = $diff; })+
    };
}

numeric!(i64, i64: i8, i16, i32, i64);
numeric!(u64, i64: u8, u16, u32, u64);
numeric!(f64, f64: f32, f64);

impl<N: Numeric> Numeric for Option<N> {
    type Sum = N::Sum;
    type Diff = N::Diff;
}

/// Column types `MIN` / `MAX` accept: numbers and (TDengine 3.3.3+) text.
#[diagnostic::on_unimplemented(
    message = "`MIN`/`MAX` need a numeric or text column, and this one holds `{Self}`",
    label = "not an ordered column"
)]
pub trait Ordered {}
impl<N: Numeric> Ordered for N {}
impl Ordered for String {}
impl Ordered for Option<String> {}

/// Column types `SPREAD` accepts: numbers and timestamps.
#[diagnostic::on_unimplemented(
    message = "`SPREAD` needs a numeric or timestamp column, and this one holds `{Self}`",
    label = "not a numeric or timestamp column"
)]
pub trait Spreadable {}
impl<N: Numeric> Spreadable for N {}
impl Spreadable for DateTime<Utc> {}
impl Spreadable for NaiveDateTime {}
impl Spreadable for taos::taos_query::common::Timestamp {}

fn func<R>(name: &'static str, kind: FnKind, args: Vec<Node>) -> Expr<R> {
    Expr::new(Node::Func { name, kind, args })
}

/// `COUNT(*)`: rows (`BIGINT`).
pub fn count_all() -> Expr<i64> {
    func("COUNT", FnKind::Aggregate, vec![Node::Star])
}

/// `COUNT(col)`: non-NULL values (`BIGINT`).
pub fn count<V>(expr: impl Into<Expr<V>>) -> Expr<i64> {
    func("COUNT", FnKind::Aggregate, vec![expr.into().node])
}

/// `AVG(col)` (`DOUBLE`; NULL over no values).
pub fn avg<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<f64> {
    func("AVG", FnKind::Aggregate, vec![expr.into().node])
}

/// `SUM(col)`: `BIGINT`, `BIGINT UNSIGNED` or `DOUBLE` by the column type.
pub fn sum<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<V::Sum> {
    func("SUM", FnKind::Aggregate, vec![expr.into().node])
}

/// `MIN(col)`: the column's type.
pub fn min<V: Ordered>(expr: impl Into<Expr<V>>) -> Expr<V> {
    func("MIN", FnKind::Selection, vec![expr.into().node])
}

/// `MAX(col)`: the column's type.
pub fn max<V: Ordered>(expr: impl Into<Expr<V>>) -> Expr<V> {
    func("MAX", FnKind::Selection, vec![expr.into().node])
}

/// `SPREAD(col)`: max − min (`DOUBLE`; timestamps in the database precision).
pub fn spread<V: Spreadable>(expr: impl Into<Expr<V>>) -> Expr<f64> {
    func("SPREAD", FnKind::Aggregate, vec![expr.into().node])
}

/// `STDDEV(col)`: population standard deviation (`DOUBLE`).
pub fn stddev<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<f64> {
    func("STDDEV", FnKind::Aggregate, vec![expr.into().node])
}

/// `FIRST(col)`: the first non-NULL value by time.
pub fn first<V>(expr: impl Into<Expr<V>>) -> Expr<V> {
    func("FIRST", FnKind::Selection, vec![expr.into().node])
}

/// `LAST(col)`: the last non-NULL value by time.
pub fn last<V>(expr: impl Into<Expr<V>>) -> Expr<V> {
    func("LAST", FnKind::Selection, vec![expr.into().node])
}

/// `LAST_ROW(col)`: the value in the last row by time, NULL included.
pub fn last_row<V>(expr: impl Into<Expr<V>>) -> Expr<V> {
    func("LAST_ROW", FnKind::Selection, vec![expr.into().node])
}

fn top_k<V>(name: &'static str, expr: Expr<V>, k: u32) -> Expr<V> {
    let k = if (1..=100).contains(&k) {
        Node::Int(i64::from(k))
    } else {
        Node::Invalid(format!("{name}: k must be in 1..=100, got {k}"))
    };
    func(name, FnKind::MultiSelection, vec![expr.node, k])
}

/// `TOP(col, k)`: the k largest values, one row each (k in 1..=100).
pub fn top<V: Numeric>(expr: impl Into<Expr<V>>, k: u32) -> Expr<V> {
    top_k("TOP", expr.into(), k)
}

/// `BOTTOM(col, k)`: the k smallest values, one row each (k in 1..=100).
pub fn bottom<V: Numeric>(expr: impl Into<Expr<V>>, k: u32) -> Expr<V> {
    top_k("BOTTOM", expr.into(), k)
}

fn percent(name: &'static str, p: f64) -> Node {
    if (0.0..=100.0).contains(&p) {
        Node::Float(p)
    } else {
        Node::Invalid(format!(
            "{name}: the percentile must be in 0..=100, got {p}"
        ))
    }
}

/// `PERCENTILE(col, p)` (`DOUBLE`, p in 0..=100). TDengine computes it on
/// one table only: query a child or normal table.
pub fn percentile<V: Numeric>(expr: impl Into<Expr<V>>, p: f64) -> Expr<f64> {
    let p = percent("PERCENTILE", p);
    func("PERCENTILE", FnKind::Aggregate, vec![expr.into().node, p])
}

/// `APERCENTILE(col, p)`: an approximate percentile (`DOUBLE`), also on
/// super tables. TDengine takes a whole percent here (0..=100; `50.0` is
/// refused with 0x2802), hence the integer.
///
/// ```
/// use taos_orm::query::apercentile;
/// # use taos_orm::TdTable;
/// # #[derive(TdTable)]
/// # #[taos(stable = "meters", child = "d{device}")]
/// # struct Meter { #[taos(ts)] ts: i64, voltage: i32, #[taos(tag)] device: i32 }
/// let sql = Meter::query()
///     .select(|m| apercentile(m.voltage, 90).alias("p90"))
///     .to_sql(None, taos_orm::Precision::Millisecond)
///     .unwrap();
/// assert_eq!(sql, "SELECT APERCENTILE(`voltage`, 90) AS `p90` FROM `meters`");
/// ```
pub fn apercentile<V: Numeric>(expr: impl Into<Expr<V>>, p: u8) -> Expr<f64> {
    let p = if p <= 100 {
        Node::Int(i64::from(p))
    } else {
        Node::Invalid(format!(
            "APERCENTILE: the percentile must be in 0..=100, got {p}"
        ))
    };
    func("APERCENTILE", FnKind::Aggregate, vec![expr.into().node, p])
}

/// `TWA(col)`: the time-weighted average (`DOUBLE`).
pub fn twa<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<f64> {
    func("TWA", FnKind::Aggregate, vec![expr.into().node])
}

/// `ELAPSED(ts[, unit])`: the time covered, in `unit` (default: the database
/// precision) as a `DOUBLE`. On a super table without `PARTITION BY tbname`
/// it covers the children's merged timeline.
pub fn elapsed<T, V>(ts: Column<T, V>, unit: Option<TimeSpan>) -> Expr<f64> {
    let mut args = vec![if ts.at == ColumnRef::Column(0) {
        ts.node()
    } else {
        Node::Invalid(format!(
            "ELAPSED takes the primary timestamp, not `{}`",
            ts.name()
        ))
    }];
    args.extend(unit.map(Node::TimeSpan));
    func("ELAPSED", FnKind::Aggregate, args)
}

/// `DIFF(col)`: each row minus the previous one (`BIGINT` for integers,
/// `DOUBLE` for floats); the first row has none and is dropped.
pub fn diff<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<V::Diff> {
    func("DIFF", FnKind::Series, vec![expr.into().node])
}

/// `DERIVATIVE(col, unit, ignore_negative)`: the rate of change per `unit`
/// (a fixed span of at least one tick of the database precision) as a
/// `DOUBLE`; with `ignore_negative` rows with a falling value are left out.
pub fn derivative<V: Numeric>(
    expr: impl Into<Expr<V>>,
    unit: TimeSpan,
    ignore_negative: bool,
) -> Expr<f64> {
    let unit = if unit.len_nanos().is_some_and(|n| n > 0) {
        Node::TimeSpan(unit)
    } else {
        Node::Invalid(format!(
            "DERIVATIVE: the unit must be a fixed, non-zero span, got {}",
            unit.sql()
        ))
    };
    let flag = Node::Int(i64::from(ignore_negative));
    func(
        "DERIVATIVE",
        FnKind::Series,
        vec![expr.into().node, unit, flag],
    )
}

/// `IRATE(col)`: the instantaneous rate from the last two points (`DOUBLE`).
pub fn irate<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<f64> {
    func("IRATE", FnKind::Aggregate, vec![expr.into().node])
}

/// `CSUM(col)`: the running sum (`BIGINT`, `BIGINT UNSIGNED` or `DOUBLE`).
pub fn csum<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<V::Sum> {
    func("CSUM", FnKind::Series, vec![expr.into().node])
}

/// `INTERP(col)`: the column's value at each point of the query's
/// [`RANGE`](super::Query::interp_range), interpolated by its FILL mode
/// (the column's type; NULL where FILL leaves one). It cannot be mixed with
/// other functions.
pub fn interp<V: Numeric>(expr: impl Into<Expr<V>>) -> Expr<V> {
    func("INTERP", FnKind::Interp, vec![expr.into().node])
}

/// `_irowts`: the point an INTERP row is for (INTERP queries only).
pub fn irowts() -> Expr<DateTime<Utc>> {
    Expr::new(Node::Pseudo("_irowts"))
}

/// `_isfilled`: whether an INTERP row was filled rather than read from a
/// row at that point (INTERP queries only).
pub fn isfilled() -> Expr<bool> {
    Expr::new(Node::Pseudo("_isfilled"))
}

/// `_wstart`: the start of the window (window queries only).
pub fn wstart() -> Expr<DateTime<Utc>> {
    Expr::new(Node::Pseudo("_wstart"))
}

/// `_wend`: the end of the window (`_wstart + interval` for INTERVAL, the
/// last row for the other windows).
pub fn wend() -> Expr<DateTime<Utc>> {
    Expr::new(Node::Pseudo("_wend"))
}

/// `_wduration`: the window length in the database precision.
pub fn wduration() -> Expr<i64> {
    Expr::new(Node::Pseudo("_wduration"))
}
