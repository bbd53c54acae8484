//! Compiled (name-resolved, typed) expressions.

use super::like::Pattern;
use crate::engine::value::Value;
use crate::sql::ast::{BinOp, DataType};
use taos_query::common::Ty;

/// A compiled expression, evaluated against one row of a relation.
#[derive(Debug, Clone, PartialEq)]
pub enum CExpr {
    /// The primary timestamp.
    Ts,
    /// A stored column (index into `TableData::cols`).
    Col(usize),
    /// A tag of the row's table.
    Tag(usize),
    /// The row's table name.
    Tbname,
    /// A constant.
    Const(Value),
    /// Arithmetic negation.
    Neg(Box<CExpr>),
    /// Logical NOT.
    Not(Box<CExpr>),
    /// Arithmetic; `int` keeps integer math (timestamp ± duration).
    Arith(BinOp, Box<CExpr>, Box<CExpr>, bool),
    /// Comparison.
    Cmp(BinOp, Box<CExpr>, Box<CExpr>),
    /// AND / OR.
    Logic(BinOp, Box<CExpr>, Box<CExpr>),
    /// BETWEEN (value, low, high, negated).
    Between(Box<CExpr>, Box<CExpr>, Box<CExpr>, bool),
    /// IN over constants.
    In(Box<CExpr>, Vec<Value>, bool),
    /// LIKE.
    Like(Box<CExpr>, Pattern, bool),
    /// IS [NOT] NULL.
    IsNull(Box<CExpr>, bool),
    /// A scalar function.
    Func(Scalar, Vec<CExpr>),
    /// CAST.
    /// CAST(x AS to), with the type x has.
    Cast(Box<CExpr>, DataType, Ty),
    /// The result of aggregate `i` of the group.
    Agg(usize),
    /// The value of GROUP BY key `i` of the group.
    GroupKey(usize),
    /// `_wstart` (0), `_wend` (1) or `_wduration` (2) of the window.
    Window(usize),
    /// `json->'key'` as JSON text.
    JsonGet(Box<CExpr>, String),
    /// A JSON text as a plain value, for comparisons.
    JsonScalar(Box<CExpr>),
    /// `json CONTAINS 'key'`.
    Contains(Box<CExpr>, String),
}

impl CExpr {
    /// Whether a WHERE condition can hold for no row whatever the data: a
    /// constant false or NULL, a comparison with NULL, or an AND with such
    /// a side. The server then answers with no row at all, even for
    /// `COUNT(*)`, where a condition that merely matches nothing gives 0.
    pub fn statically_false(&self) -> bool {
        match self {
            CExpr::Const(v) => !v.truthy(),
            CExpr::Cmp(_, a, b) => {
                matches!(**a, CExpr::Const(Value::Null)) || matches!(**b, CExpr::Const(Value::Null))
            }
            // `x NOT IN (…, NULL)` is never true.
            CExpr::In(_, list, true) => list.iter().any(Value::is_null),
            CExpr::Logic(BinOp::And, a, b) => a.statically_false() || b.statically_false(),
            CExpr::Logic(BinOp::Or, a, b) => a.statically_false() && b.statically_false(),
            _ => false,
        }
    }

    /// Whether the value is the same for every row (no columns, aggregates or windows).
    pub fn is_constant(&self) -> bool {
        match self {
            CExpr::Const(_) => true,
            CExpr::Ts
            | CExpr::Col(_)
            | CExpr::Tag(_)
            | CExpr::Tbname
            | CExpr::Agg(_)
            | CExpr::GroupKey(_)
            | CExpr::Window(_) => false,
            CExpr::Neg(x)
            | CExpr::Not(x)
            | CExpr::IsNull(x, _)
            | CExpr::Cast(x, ..)
            | CExpr::JsonScalar(x)
            | CExpr::JsonGet(x, _)
            | CExpr::Contains(x, _)
            | CExpr::In(x, _, _)
            | CExpr::Like(x, _, _) => x.is_constant(),
            CExpr::Arith(_, a, b, _) | CExpr::Cmp(_, a, b) | CExpr::Logic(_, a, b) => {
                a.is_constant() && b.is_constant()
            }
            CExpr::Between(a, b, c, _) => a.is_constant() && b.is_constant() && c.is_constant(),
            CExpr::Func(_, args) => args.iter().all(CExpr::is_constant),
        }
    }

    /// Whether the value reads a data column of the row.
    pub fn reads_row(&self) -> bool {
        match self {
            CExpr::Ts | CExpr::Col(_) => true,
            CExpr::Neg(x)
            | CExpr::Not(x)
            | CExpr::IsNull(x, _)
            | CExpr::Cast(x, ..)
            | CExpr::JsonScalar(x)
            | CExpr::JsonGet(x, _)
            | CExpr::Contains(x, _)
            | CExpr::In(x, _, _)
            | CExpr::Like(x, _, _) => x.reads_row(),
            CExpr::Arith(_, a, b, _) | CExpr::Cmp(_, a, b) | CExpr::Logic(_, a, b) => {
                a.reads_row() || b.reads_row()
            }
            CExpr::Between(a, b, c, _) => a.reads_row() || b.reads_row() || c.reads_row(),
            CExpr::Func(_, args) => args.iter().any(CExpr::reads_row),
            _ => false,
        }
    }

    /// Whether the value comes from an aggregate (what FILL replaces).
    pub fn uses_agg(&self) -> bool {
        match self {
            CExpr::Agg(_) => true,
            CExpr::Neg(x)
            | CExpr::Not(x)
            | CExpr::IsNull(x, _)
            | CExpr::Cast(x, ..)
            | CExpr::JsonScalar(x)
            | CExpr::JsonGet(x, _)
            | CExpr::Contains(x, _) => x.uses_agg(),
            CExpr::In(x, _, _) | CExpr::Like(x, _, _) => x.uses_agg(),
            CExpr::Arith(_, a, b, _) | CExpr::Cmp(_, a, b) | CExpr::Logic(_, a, b) => {
                a.uses_agg() || b.uses_agg()
            }
            CExpr::Between(a, b, c, _) => a.uses_agg() || b.uses_agg() || c.uses_agg(),
            CExpr::Func(_, args) => args.iter().any(CExpr::uses_agg),
            _ => false,
        }
    }
}

/// Scalar functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// ABS.
    Abs,
    /// CEIL.
    Ceil,
    /// FLOOR.
    Floor,
    /// ROUND.
    Round,
    /// SQRT.
    Sqrt,
    /// POW.
    Pow,
    /// LENGTH (bytes).
    Length,
    /// CHAR_LENGTH.
    CharLength,
    /// LOWER.
    Lower,
    /// UPPER.
    Upper,
    /// LTRIM.
    Ltrim,
    /// RTRIM.
    Rtrim,
    /// CONCAT.
    Concat,
    /// CONCAT_WS(separator, s1, s2, …).
    ConcatWs,
    /// A unary f64 math function (ACOS, SIN, EXP, …).
    Math(MathFn),
    /// LOG(x[, base]).
    Log,
    /// TO_ISO8601(ts[, tz]); the last argument is units per second.
    ToIso8601,
    /// TO_UNIXTIMESTAMP(text[, 1]); the last argument is the precision.
    ToUnixTimestamp,
    /// TIMETRUNCATE(ts, unit).
    TimeTruncate,
    /// TIMEDIFF(a, b[, unit]).
    TimeDiff,
    /// SUBSTR(s, pos[, len]).
    Substr,
    /// REPLACE(s, from, to).
    Replace,
    /// REPEAT(s, n).
    Repeat,
    /// ASCII(s): the first byte.
    Ascii,
    /// TRIM(s).
    Trim,
    /// SIGN(x), in x's type.
    Sign,
    /// MOD(a, b), as C's fmod.
    Mod,
    /// TRUNCATE(x, digits), in x's type.
    Truncate,
    /// DEGREES(x).
    Degrees,
    /// RADIANS(x).
    Radians,
}

/// Unary math functions returning DOUBLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathFn {
    /// ACOS.
    Acos,
    /// ASIN.
    Asin,
    /// ATAN.
    Atan,
    /// COS.
    Cos,
    /// SIN.
    Sin,
    /// TAN.
    Tan,
    /// EXP.
    Exp,
    /// LN.
    Ln,
}

impl MathFn {
    /// Applies the function.
    pub fn apply(self, x: f64) -> f64 {
        match self {
            MathFn::Acos => x.acos(),
            MathFn::Asin => x.asin(),
            MathFn::Atan => x.atan(),
            MathFn::Cos => x.cos(),
            MathFn::Sin => x.sin(),
            MathFn::Tan => x.tan(),
            MathFn::Exp => x.exp(),
            MathFn::Ln => x.ln(),
        }
    }
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    /// COUNT.
    Count,
    /// SUM.
    Sum,
    /// AVG.
    Avg,
    /// MIN.
    Min,
    /// MAX.
    Max,
    /// SPREAD.
    Spread,
    /// STDDEV / STDDEV_POP.
    Stddev,
    /// VAR_POP.
    VarPop,
    /// FIRST.
    First,
    /// LAST.
    Last,
    /// LAST_ROW.
    LastRow,
    /// ELAPSED(ts[, unit]).
    Elapsed,
    /// TWA: time-weighted average.
    Twa,
    /// IRATE: per-second rate between the last two points.
    Irate,
    /// HYPERLOGLOG (computed exactly).
    HyperLogLog,
    /// MODE.
    Mode,
    /// PERCENTILE(x, p).
    Percentile,
    /// APERCENTILE(x, p[, algo]) (computed exactly).
    Apercentile,
    /// TOP(x, k): the k largest values, one row each.
    Top,
    /// BOTTOM(x, k): the k smallest values, one row each.
    Bottom,
    /// INTERP(x): the value at each RANGE/EVERY point.
    Interp,
}

impl AggFn {
    /// By lowercase name.
    pub fn by_name(name: &str) -> Option<AggFn> {
        Some(match name {
            "count" => AggFn::Count,
            "sum" => AggFn::Sum,
            "avg" => AggFn::Avg,
            "min" => AggFn::Min,
            "max" => AggFn::Max,
            "spread" => AggFn::Spread,
            "stddev" | "stddev_pop" | "std" => AggFn::Stddev,
            "var_pop" => AggFn::VarPop,
            "first" => AggFn::First,
            "last" => AggFn::Last,
            "last_row" => AggFn::LastRow,
            "elapsed" => AggFn::Elapsed,
            "twa" => AggFn::Twa,
            "irate" => AggFn::Irate,
            "hyperloglog" => AggFn::HyperLogLog,
            "mode" => AggFn::Mode,
            "percentile" => AggFn::Percentile,
            "apercentile" => AggFn::Apercentile,
            "top" => AggFn::Top,
            "bottom" => AggFn::Bottom,
            "interp" => AggFn::Interp,
            _ => return None,
        })
    }

    /// Selection functions return a value from one row, so plain columns may accompany them.
    pub fn is_selection(self) -> bool {
        matches!(
            self,
            AggFn::Min
                | AggFn::Max
                | AggFn::First
                | AggFn::Last
                | AggFn::LastRow
                | AggFn::Top
                | AggFn::Bottom
        )
    }

    /// Functions that output several rows per group.
    pub fn is_multi_row(self) -> bool {
        matches!(self, AggFn::Top | AggFn::Bottom)
    }
}

/// One aggregate call of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct AggSpec {
    /// Function.
    pub func: AggFn,
    /// Argument; `None` for `count(*)`.
    pub arg: Option<CExpr>,
    /// Argument type.
    pub arg_dt: DataType,
    /// Constant extra arguments (percentile, elapsed unit, IRATE's ticks per second).
    pub params: Vec<Value>,
}
