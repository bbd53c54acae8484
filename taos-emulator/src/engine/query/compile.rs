//! Name resolution and typing: [`Expr`] → [`CExpr`].

use super::eval::{eval, RowCtx};
use super::like::Pattern;
use super::plan::{AggFn, AggSpec, CExpr, MathFn, Scalar};
use super::rowfn::{Negatives, RowFn, RowFnSpec};
use super::Relation;
use crate::api::TdError;
use crate::engine::error::{invalid_column, wrong_value_type};
use crate::engine::time;
use crate::engine::value::{dt, is_text, varchar, Value};
use crate::sql::ast::{BinOp, Const, DataType, Expr};
use taos_query::common::{Precision, Ty};

/// The version `server_version()` reports.
pub const SERVER_VERSION: &str = "3.3.6.0";

/// Compiles the expressions of one SELECT against its relation.
pub struct Compiler<'r, 'a> {
    /// The FROM relation; `None` for constant selects.
    pub rel: Option<&'r Relation<'a>>,
    /// Result precision.
    pub precision: Precision,
    /// The session database (`database()`).
    pub db: Option<String>,
    /// `NOW` of the statement.
    pub now: i64,
    /// Aggregates found so far.
    pub aggs: Vec<AggSpec>,
    /// GROUP BY / PARTITION BY keys.
    pub group_by: Vec<Expr>,
    /// Aggregate query: plain columns need a group key or a selection function.
    pub agg_mode: bool,
    /// A single selection function is present, so plain columns read its row.
    pub has_selection: bool,
    /// A window clause (or INTERP's RANGE) is present.
    pub window: bool,
    /// The "window" is INTERP's RANGE/EVERY: `_irowts` resolves, the `_w*`
    /// pseudo-columns do not.
    pub interp: bool,
    /// The STATE_WINDOW expression: constant in each window, so it may be
    /// selected beside the aggregates, read from the window's row.
    pub state: Option<Expr>,
    /// DIFF/CSUM calls; each reads as `CExpr::Agg(i)` of the row's values.
    pub row_fns: Vec<RowFnSpec>,
}

fn is_numeric(ty: Ty) -> bool {
    matches!(
        ty,
        Ty::Bool
            | Ty::TinyInt
            | Ty::SmallInt
            | Ty::Int
            | Ty::BigInt
            | Ty::UTinyInt
            | Ty::USmallInt
            | Ty::UInt
            | Ty::UBigInt
            | Ty::Float
            | Ty::Double
    )
}

fn is_integer(ty: Ty) -> bool {
    is_numeric(ty) && !matches!(ty, Ty::Float | Ty::Double | Ty::Bool)
}

fn para_type(f: &str) -> TdError {
    TdError::new(0x2802, format!("Invalid parameter data type : {f}"))
}

/// TDengine functions the emulator does not implement: reported as such,
/// where any other unknown name is the server's 0x0374.
const NOT_EMULATED: &[&str] = &[
    "unique",
    "sample",
    "tail",
    "histogram",
    "mavg",
    "statecount",
    "stateduration",
    "leastsquares",
    "position",
    "char",
    "substring_index",
    "to_char",
    "to_timestamp",
    "weekday",
    "week",
    "weekofyear",
    "dayofweek",
    "cols",
    "crc32",
    "md5",
    "sha1",
    "sha2",
    "from_base64",
    "to_base64",
    "gconcat",
];

fn para_range(f: &str) -> TdError {
    TdError::new(0x2811, format!("Invalid parameter range : {f}"))
}

fn para_value(f: &str) -> TdError {
    TdError::new(0x2803, format!("Invalid parameter value : {f}"))
}

fn para_num(f: &str) -> TdError {
    TdError::new(0x2801, format!("Invalid number of parameters : {f}"))
}

impl Compiler<'_, '_> {
    /// Compiles `e`, returning it with its result type; constant
    /// subexpressions are folded (so `ts > now - 1h` bounds the scan).
    pub fn compile(&mut self, e: &Expr) -> Result<(CExpr, DataType), TdError> {
        let (c, t) = self.compile_inner(e)?;
        if !matches!(c, CExpr::Const(_)) && c.is_constant() {
            let rc = RowCtx {
                seg: None,
                row: 0,
                aggs: &[],
                keys: &[],
                win: [0; 3],
            };
            return Ok((CExpr::Const(eval(&c, &rc)), t));
        }
        Ok((c, t))
    }

    fn compile_inner(&mut self, e: &Expr) -> Result<(CExpr, DataType), TdError> {
        if self.agg_mode {
            if self.state.as_ref() == Some(e) {
                let saved = std::mem::replace(&mut self.agg_mode, false);
                let r = self.compile(e);
                self.agg_mode = saved;
                return r;
            }
            if let Some(i) = self.group_by.iter().position(|g| g == e) {
                let saved = std::mem::replace(&mut self.agg_mode, false);
                let r = self.compile(e);
                self.agg_mode = saved;
                return Ok((CExpr::GroupKey(i), r?.1));
            }
        }
        match e {
            Expr::Column { table, name } => self.column(table.as_deref(), name),
            Expr::Const(c) => Ok(self.constant(c)),
            Expr::Neg(inner) => {
                let (c, t) = self.compile(inner)?;
                if !is_numeric(t.ty) && t.ty != Ty::Null {
                    return Err(wrong_value_type("-"));
                }
                if t.ty == Ty::Json {
                    return Err(json_here());
                }
                // A negative literal stays an integer; minus on anything else
                // is `0 - x`, a DOUBLE (so never -0.0), as on the server.
                if matches!(c, CExpr::Const(_)) && is_integer(t.ty) {
                    return Ok((CExpr::Neg(Box::new(c)), dt(Ty::BigInt)));
                }
                let zero = Box::new(CExpr::Const(Value::Float(0.0)));
                Ok((
                    CExpr::Arith(BinOp::Sub, zero, Box::new(c), false),
                    dt(Ty::Double),
                ))
            }
            Expr::Not(inner) => {
                let (c, _) = self.compile(inner)?;
                Ok((CExpr::Not(Box::new(c)), dt(Ty::Bool)))
            }
            Expr::Binary(op, l, r) => self.binary(*op, l, r),
            Expr::Between {
                expr,
                low,
                high,
                not,
            } => {
                let (v, vt) = self.compile(expr)?;
                let v = json_scalar(v, vt)?;
                let (lo, _) = self.compile(low)?;
                let (hi, _) = self.compile(high)?;
                let lo = self.coerce_ts(vt, lo)?;
                let hi = self.coerce_ts(vt, hi)?;
                Ok((
                    CExpr::Between(Box::new(v), Box::new(lo), Box::new(hi), *not),
                    dt(Ty::Bool),
                ))
            }
            Expr::InList { expr, list, not } => {
                let (v, vt) = self.compile(expr)?;
                let v = json_scalar(v, vt)?;
                let mut vals = Vec::with_capacity(list.len());
                for item in list {
                    let (c, _) = self.compile(item)?;
                    match self.coerce_ts(vt, c)? {
                        CExpr::Const(v) => vals.push(v),
                        _ => return Err(wrong_value_type("IN list must be constants")),
                    }
                }
                Ok((CExpr::In(Box::new(v), vals, *not), dt(Ty::Bool)))
            }
            Expr::Like {
                expr,
                pattern,
                not,
                regex,
            } => {
                let (v, vt) = self.compile(expr)?;
                let v = json_scalar(v, vt)?;
                let (p, _) = self.compile(pattern)?;
                let CExpr::Const(Value::Str(p)) = p else {
                    return Err(wrong_value_type("LIKE pattern must be a string"));
                };
                let pattern = if *regex {
                    Pattern::regex(&p)?
                } else {
                    Pattern::new(&p)
                };
                Ok((CExpr::Like(Box::new(v), pattern, *not), dt(Ty::Bool)))
            }
            Expr::IsNull { expr, not } => {
                let (v, _) = self.compile(expr)?;
                Ok((CExpr::IsNull(Box::new(v), *not), dt(Ty::Bool)))
            }
            Expr::Func { name, args, star } => self.function(name, args, *star),
            Expr::JsonGet(inner, key) => {
                let (c, t) = self.compile(inner)?;
                if t.ty != Ty::Json {
                    return Err(wrong_value_type("-> needs a JSON tag"));
                }
                Ok((
                    CExpr::JsonGet(Box::new(c), key.clone()),
                    DataType {
                        ty: Ty::Json,
                        len: 4095,
                    },
                ))
            }
            Expr::Contains(inner, key) => {
                let (c, t) = self.compile(inner)?;
                if t.ty != Ty::Json {
                    return Err(wrong_value_type("CONTAINS needs a JSON tag"));
                }
                Ok((CExpr::Contains(Box::new(c), key.clone()), dt(Ty::Bool)))
            }
            Expr::Cast(inner, to) => {
                let (c, t) = self.compile(inner)?;
                if matches!(to.ty, Ty::Json | Ty::Geometry) {
                    return Err(wrong_value_type("cast"));
                }
                Ok((CExpr::Cast(Box::new(c), *to, t.ty), *to))
            }
        }
    }

    fn constant(&self, c: &Const) -> (CExpr, DataType) {
        match c {
            Const::Null => (CExpr::Const(Value::Null), dt(Ty::Null)),
            Const::Bool(b) => (CExpr::Const(Value::Bool(*b)), dt(Ty::Bool)),
            Const::Int(i) => (CExpr::Const(Value::Int(*i)), dt(Ty::BigInt)),
            Const::UInt(u) => (CExpr::Const(Value::UInt(*u)), dt(Ty::UBigInt)),
            Const::Float(f) => (CExpr::Const(Value::Float(*f)), dt(Ty::Double)),
            Const::Str(s) => (
                CExpr::Const(Value::Str(s.as_str().into())),
                varchar(s.len() as u32),
            ),
            Const::Duration(n, u) => {
                let v = time::duration(*n, *u, self.precision).unwrap_or(*n);
                (CExpr::Const(Value::Int(v)), dt(Ty::BigInt))
            }
        }
    }

    fn column(&mut self, table: Option<&str>, name: &str) -> Result<(CExpr, DataType), TdError> {
        // An INTERP row is filled where its point holds no row; the flag
        // rides in the window's third slot.
        if name == "_isfilled" {
            if !self.interp {
                return Err(invalid_column(name));
            }
            let flag = CExpr::Cmp(
                BinOp::Ne,
                Box::new(CExpr::Window(2)),
                Box::new(CExpr::Const(Value::Int(0))),
            );
            return Ok((flag, dt(Ty::Bool)));
        }
        if let Some(i) = ["_wstart", "_wend", "_wduration", "_irowts"]
            .iter()
            .position(|w| *w == name)
        {
            // `_irowts` is the interpolation time, kept where `_wstart` is.
            let i = if i == 3 { 0 } else { i };
            // The server knows `_irowts` only in INTERP queries (elsewhere
            // an unknown column) and the `_w*` names only in windows.
            if i == 0 && name == "_irowts" {
                if !self.interp {
                    return Err(invalid_column(name));
                }
            } else if !self.window || self.interp {
                return Err(TdError::new(
                    0x2658,
                    "_WSTART, _WEND and _WDURATION can only be used in window query",
                ));
            }
            let t = if i == 2 { Ty::BigInt } else { Ty::Timestamp };
            return Ok((CExpr::Window(i), dt(t)));
        }
        let rel = self.rel.ok_or_else(|| invalid_column(name))?;
        if let Some(t) = table {
            if !rel.names.iter().any(|n| n == t) {
                return Err(invalid_column(&format!("{t}.{name}")));
            }
        }
        // Tags and tbname are constant on one child table and in each
        // group of a grouping by tbname.
        let per_group = (name == "tbname" || rel.tags.iter().any(|c| c.name == name))
            && (!rel.star_tags || self.group_by.iter().any(is_tbname));
        if self.agg_mode && !self.has_selection && !per_group {
            return Err(if self.window && !self.interp {
                TdError::new(0x2667, format!("Invalid usage of expr: {name}"))
            } else if self.group_by.is_empty() {
                TdError::new(0x260C, "Not a single-group group function")
            } else {
                TdError::new(0x260A, "Not a GROUP BY expression")
            });
        }
        if name == "tbname" && rel.has_tbname {
            return Ok((CExpr::Tbname, varchar(192)));
        }
        if (name == "_rowts" || name == "_c0") && rel.has_ts {
            return Ok((CExpr::Ts, rel.columns[0].dt));
        }
        if let Some(i) = rel.columns.iter().position(|c| c.name == name) {
            let t = rel.columns[i].dt;
            return Ok(match (rel.has_ts, i) {
                (true, 0) => (CExpr::Ts, t),
                (true, i) => (CExpr::Col(i - 1), t),
                (false, i) => (CExpr::Col(i), t),
            });
        }
        if let Some(i) = rel.tags.iter().position(|c| c.name == name) {
            return Ok((CExpr::Tag(i), rel.tags[i].dt));
        }
        Err(invalid_column(name))
    }

    /// Turns a string constant compared with a timestamp into a timestamp.
    pub(super) fn coerce_ts(&self, target: DataType, c: CExpr) -> Result<CExpr, TdError> {
        if target.ty != Ty::Timestamp {
            return Ok(c);
        }
        match c {
            CExpr::Const(Value::Str(s)) => time::parse_timestamp(&s, self.precision)
                .map(|t| CExpr::Const(Value::Int(t)))
                .ok_or_else(|| wrong_value_type(&s)),
            c => Ok(c),
        }
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr) -> Result<(CExpr, DataType), TdError> {
        let (lc, lt) = self.compile(l)?;
        let (rc, rt) = self.compile(r)?;
        match op {
            BinOp::And | BinOp::Or => {
                Ok((CExpr::Logic(op, Box::new(lc), Box::new(rc)), dt(Ty::Bool)))
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let rc = json_scalar(self.coerce_ts(lt, rc)?, rt)?;
                let lc = json_scalar(self.coerce_ts(rt, lc)?, lt)?;
                Ok((CExpr::Cmp(op, Box::new(lc), Box::new(rc)), dt(Ty::Bool)))
            }
            _ => {
                for t in [lt, rt] {
                    if t.ty == Ty::Json {
                        return Err(json_here());
                    }
                    if t.ty != Ty::Null
                        && t.ty != Ty::Timestamp
                        && !is_numeric(t.ty)
                        && !matches!(t.ty, Ty::VarChar | Ty::NChar)
                    {
                        return Err(wrong_value_type("arithmetic on a non-numeric value"));
                    }
                }
                // Text in arithmetic reads as the number it starts with
                // ('2abc' + 0 is 2, 'x' + 1 is 1), as C's strtod.
                let as_number = |c: CExpr, t: DataType| {
                    if matches!(t.ty, Ty::VarChar | Ty::NChar) {
                        CExpr::Cast(Box::new(c), dt(Ty::Double), t.ty)
                    } else {
                        c
                    }
                };
                let (lc, rc) = (as_number(lc, lt), as_number(rc, rt));
                let ts_math = matches!(op, BinOp::Add | BinOp::Sub)
                    && ((lt.ty == Ty::Timestamp && is_integer(rt.ty))
                        || (rt.ty == Ty::Timestamp && is_integer(lt.ty) && op == BinOp::Add));
                let bits = matches!(op, BinOp::BitAnd | BinOp::BitOr);
                let out = if ts_math {
                    dt(Ty::Timestamp)
                } else if bits {
                    dt(Ty::BigInt)
                } else {
                    dt(Ty::Double)
                };
                Ok((
                    CExpr::Arith(op, Box::new(lc), Box::new(rc), ts_math || bits),
                    out,
                ))
            }
        }
    }

    fn function(
        &mut self,
        name: &str,
        args: &[Expr],
        star: bool,
    ) -> Result<(CExpr, DataType), TdError> {
        if let Some(f) = AggFn::by_name(name) {
            return self.aggregate(f, name, args, star);
        }
        if let Some(f) = RowFn::by_name(name) {
            return self.row_fn(f, name, args);
        }
        if star {
            return Err(para_num(name));
        }
        let nullary = |v: Value, t: DataType| -> Result<(CExpr, DataType), TdError> {
            if args.is_empty() {
                Ok((CExpr::Const(v), t))
            } else {
                Err(para_num(name))
            }
        };
        match name {
            "now" => return nullary(Value::Int(self.now), dt(Ty::Timestamp)),
            "today" => return nullary(Value::Int(time::today(self.precision)), dt(Ty::Timestamp)),
            "database" => {
                let v = self
                    .db
                    .clone()
                    .map_or(Value::Null, |d| Value::Str(d.into()));
                return nullary(v, varchar(64));
            }
            "server_version" | "client_version" => {
                return nullary(Value::Str(SERVER_VERSION.into()), varchar(64))
            }
            "server_status" => return nullary(Value::Int(1), dt(Ty::Int)),
            "pi" => return nullary(Value::Float(std::f64::consts::PI), dt(Ty::Double)),
            "timezone" => return nullary(Value::Str("UTC (UTC, +0000)".into()), varchar(64)),
            _ => {}
        }
        let (f, arity) = match name {
            "abs" => (Scalar::Abs, 1..=1),
            "ceil" => (Scalar::Ceil, 1..=1),
            "floor" => (Scalar::Floor, 1..=1),
            "round" => (Scalar::Round, 1..=2),
            "sqrt" => (Scalar::Sqrt, 1..=1),
            "pow" => (Scalar::Pow, 2..=2),
            "length" => (Scalar::Length, 1..=1),
            "char_length" => (Scalar::CharLength, 1..=1),
            "lower" => (Scalar::Lower, 1..=1),
            "upper" => (Scalar::Upper, 1..=1),
            "ltrim" => (Scalar::Ltrim, 1..=1),
            "rtrim" => (Scalar::Rtrim, 1..=1),
            "concat" => (Scalar::Concat, 2..=8),
            "concat_ws" => (Scalar::ConcatWs, 3..=9),
            "acos" => (Scalar::Math(MathFn::Acos), 1..=1),
            "asin" => (Scalar::Math(MathFn::Asin), 1..=1),
            "atan" => (Scalar::Math(MathFn::Atan), 1..=1),
            "cos" => (Scalar::Math(MathFn::Cos), 1..=1),
            "sin" => (Scalar::Math(MathFn::Sin), 1..=1),
            "tan" => (Scalar::Math(MathFn::Tan), 1..=1),
            "exp" => (Scalar::Math(MathFn::Exp), 1..=1),
            "ln" => (Scalar::Math(MathFn::Ln), 1..=1),
            "log" => (Scalar::Log, 1..=2),
            "to_iso8601" => (Scalar::ToIso8601, 1..=2),
            "to_unixtimestamp" => (Scalar::ToUnixTimestamp, 1..=2),
            "timetruncate" => (Scalar::TimeTruncate, 2..=3),
            "timediff" => (Scalar::TimeDiff, 2..=3),
            "substr" | "substring" => (Scalar::Substr, 2..=3),
            "replace" => (Scalar::Replace, 3..=3),
            "repeat" => (Scalar::Repeat, 2..=2),
            "ascii" => (Scalar::Ascii, 1..=1),
            "trim" => (Scalar::Trim, 1..=1),
            "sign" => (Scalar::Sign, 1..=1),
            "mod" => (Scalar::Mod, 2..=2),
            "truncate" => (Scalar::Truncate, 2..=2),
            "degrees" => (Scalar::Degrees, 1..=1),
            "radians" => (Scalar::Radians, 1..=1),
            _ if !NOT_EMULATED.contains(&name) => {
                return Err(TdError::new(0x0374, "Func not exists"));
            }
            _ => {
                return Err(TdError::new(
                    0x2806,
                    format!("Invalid function name : {name} (not emulated)"),
                ))
            }
        };
        if !arity.contains(&args.len()) {
            return Err(para_num(name));
        }
        let mut cargs = Vec::with_capacity(args.len());
        let mut types = Vec::with_capacity(args.len());
        for a in args {
            let (c, t) = self.compile(a)?;
            cargs.push(c);
            types.push(t);
        }
        let t0 = types[0];
        let out = match f {
            Scalar::Abs | Scalar::Ceil | Scalar::Floor | Scalar::Round => {
                if !is_numeric(t0.ty) && t0.ty != Ty::Null {
                    return Err(para_type(name));
                }
                t0
            }
            Scalar::Sqrt | Scalar::Pow | Scalar::Math(_) | Scalar::Log => dt(Ty::Double),
            Scalar::ToIso8601 => {
                if !matches!(t0.ty, Ty::Timestamp | Ty::BigInt | Ty::Null) {
                    return Err(para_type(name));
                }
                cargs.truncate(2);
                if let Some(CExpr::Const(Value::Str(tz))) = cargs.get(1) {
                    if super::eval::parse_offset(tz).is_none() {
                        return Err(TdError::new(0x2800, "Invalid timzone format"));
                    }
                }
                // The zone is written as given, `+0000` when none is.
                while cargs.len() < 2 {
                    cargs.push(CExpr::Const(Value::Str("+0000".into())));
                }
                cargs.push(CExpr::Const(Value::Int(time::per_second(self.precision))));
                varchar(64)
            }
            Scalar::ToUnixTimestamp => {
                let as_ts = matches!(cargs.get(1), Some(CExpr::Const(Value::Int(1))));
                cargs.truncate(1);
                cargs.push(CExpr::Const(Value::Int(time::per_second(self.precision))));
                dt(if as_ts { Ty::Timestamp } else { Ty::BigInt })
            }
            Scalar::TimeTruncate => {
                cargs.truncate(2);
                let c = std::mem::replace(&mut cargs[0], CExpr::Const(Value::Null));
                cargs[0] = self.coerce_ts(dt(Ty::Timestamp), c)?;
                dt(Ty::Timestamp)
            }
            Scalar::TimeDiff => {
                for c in cargs.iter_mut().take(2) {
                    let v = std::mem::replace(c, CExpr::Const(Value::Null));
                    *c = self.coerce_ts(dt(Ty::Timestamp), v)?;
                }
                dt(Ty::BigInt)
            }
            Scalar::Substr => {
                if !is_text(t0.ty) && t0.ty != Ty::Null {
                    return Err(para_type(name));
                }
                t0
            }
            Scalar::Length | Scalar::CharLength => {
                if !is_text(t0.ty) && t0.ty != Ty::VarBinary && t0.ty != Ty::Null {
                    return Err(para_type(name));
                }
                // NCHAR is stored as UCS-4: LENGTH counts 4 bytes a character.
                let nchar = f == Scalar::Length && t0.ty == Ty::NChar;
                cargs.push(CExpr::Const(Value::Bool(nchar)));
                dt(Ty::BigInt)
            }
            Scalar::Lower | Scalar::Upper | Scalar::Ltrim | Scalar::Rtrim => {
                if !is_text(t0.ty) && t0.ty != Ty::Null {
                    return Err(para_type(name));
                }
                t0
            }
            Scalar::Replace | Scalar::Repeat | Scalar::Trim => {
                if !is_text(t0.ty) && t0.ty != Ty::Null {
                    return Err(para_type(name));
                }
                match f {
                    // The longest REPEAT is the text times the count, which
                    // is known only per row: the column's width bounds it.
                    Scalar::Repeat => DataType {
                        ty: t0.ty,
                        len: t0.len.saturating_mul(16).min(65517),
                    },
                    Scalar::Replace => DataType {
                        ty: t0.ty,
                        len: t0.len.saturating_mul(types[2].len.max(1)).min(65517),
                    },
                    _ => t0,
                }
            }
            Scalar::Ascii => {
                if !is_text(t0.ty) && t0.ty != Ty::Null {
                    return Err(para_type(name));
                }
                dt(Ty::BigInt)
            }
            Scalar::Sign | Scalar::Truncate => {
                if !is_numeric(t0.ty) && t0.ty != Ty::Null {
                    return Err(para_type(name));
                }
                t0
            }
            Scalar::Mod | Scalar::Degrees | Scalar::Radians => {
                if types.iter().any(|t| !is_numeric(t.ty) && t.ty != Ty::Null) {
                    return Err(para_type(name));
                }
                dt(Ty::Double)
            }
            Scalar::Concat | Scalar::ConcatWs => {
                if types.iter().any(|t| !is_text(t.ty) && t.ty != Ty::Null) {
                    return Err(para_type(name));
                }
                let parts = types.len().saturating_sub(1) as u32;
                let len = match f {
                    Scalar::ConcatWs => {
                        types[1..].iter().map(|t| t.len).sum::<u32>()
                            + parts.saturating_sub(1) * t0.len
                    }
                    _ => types.iter().map(|t| t.len).sum(),
                };
                if types.iter().any(|t| t.ty == Ty::NChar) {
                    DataType { ty: Ty::NChar, len }
                } else {
                    varchar(len)
                }
            }
        };
        Ok((CExpr::Func(f, cargs), out))
    }

    fn row_fn(
        &mut self,
        f: RowFn,
        name: &str,
        args: &[Expr],
    ) -> Result<(CExpr, DataType), TdError> {
        if self.agg_mode || self.window {
            return Err(TdError::new(
                0x264F,
                "Some functions are allowed only in the SELECT list of a query. And, cannot be mixed with other non scalar functions or columns.",
            ));
        }
        let arity = match f {
            RowFn::Diff => 1..=2,
            RowFn::Csum => 1..=1,
            RowFn::Derivative => 3..=3,
        };
        if !arity.contains(&args.len()) {
            return Err(para_num(name));
        }
        let (arg, t) = self.compile(&args[0])?;
        // DIFF also takes BOOL and TIMESTAMP; CSUM and DERIVATIVE numbers only.
        let takes = match f {
            RowFn::Diff => is_numeric(t.ty) || t.ty == Ty::Timestamp,
            RowFn::Csum | RowFn::Derivative => is_numeric(t.ty) && t.ty != Ty::Bool,
        };
        if !takes {
            return Err(para_type(name));
        }
        // DERIVATIVE's time unit: at least one tick of the precision.
        let unit = if f == RowFn::Derivative {
            match self.compile(&args[1])?.0 {
                CExpr::Const(Value::Int(u)) if u >= 1 => u,
                CExpr::Const(Value::Int(_)) => return Err(para_range(name)),
                _ => return Err(para_type(name)),
            }
        } else {
            0
        };
        let flag = if f == RowFn::Derivative {
            args.get(2)
        } else {
            args.get(1)
        };
        let negatives = match (f, flag.map(|a| self.compile(a)).transpose()?) {
            (_, None) => Negatives::Keep,
            (_, Some((CExpr::Const(Value::Int(0)), _))) => Negatives::Keep,
            (RowFn::Diff, Some((CExpr::Const(Value::Int(1)), _))) => Negatives::Null,
            (RowFn::Diff, Some((CExpr::Const(Value::Int(2)), _))) => Negatives::Keep,
            (RowFn::Diff, Some((CExpr::Const(Value::Int(3)), _))) => Negatives::Drop,
            (RowFn::Derivative, Some((CExpr::Const(Value::Int(1)), _))) => Negatives::Drop,
            (_, Some((CExpr::Const(Value::Int(_)), _))) => return Err(para_value(name)),
            (_, Some(_)) => return Err(para_type(name)),
        };
        let out = match (f, t.ty) {
            (RowFn::Derivative, _) | (_, Ty::Float | Ty::Double) => dt(Ty::Double),
            (RowFn::Csum, Ty::UTinyInt | Ty::USmallInt | Ty::UInt | Ty::UBigInt) => dt(Ty::UBigInt),
            _ => dt(Ty::BigInt),
        };
        self.row_fns.push(RowFnSpec {
            func: f,
            arg,
            negatives,
            unit,
        });
        Ok((CExpr::Agg(self.row_fns.len() - 1), out))
    }

    fn aggregate(
        &mut self,
        f: AggFn,
        name: &str,
        args: &[Expr],
        star: bool,
    ) -> Result<(CExpr, DataType), TdError> {
        if !self.agg_mode {
            return Err(TdError::new(
                0x2600,
                format!("syntax error near \"{name}\" (aggregate not allowed here)"),
            ));
        }
        if star {
            if f != AggFn::Count {
                return Err(para_num(name));
            }
            self.aggs.push(AggSpec {
                func: f,
                arg: None,
                arg_dt: dt(Ty::BigInt),
                params: vec![],
            });
            return Ok((CExpr::Agg(self.aggs.len() - 1), dt(Ty::BigInt)));
        }
        let arity = match f {
            AggFn::Elapsed => 1..=2,
            AggFn::Percentile => 2..=2,
            AggFn::Apercentile => 2..=3,
            AggFn::Top | AggFn::Bottom => 2..=2,
            AggFn::Interp => 1..=1,
            _ => 1..=1,
        };
        if !arity.contains(&args.len()) {
            return Err(para_num(name));
        }
        if f == AggFn::Interp && !self.window {
            return Err(super::window::interp_clauses());
        }
        // PERCENTILE reads one table: not a super table, nor a subquery.
        if f == AggFn::Percentile && !self.rel.is_some_and(|r| r.has_tbname && !r.star_tags) {
            return Err(TdError::new(
                0x265F,
                "percentile is only supported in single table query",
            ));
        }
        let mut params = Vec::new();
        for a in &args[1..] {
            match self.compile(a)?.0 {
                CExpr::Const(v) => params.push(v),
                _ => return Err(para_type(name)),
            }
        }
        if f == AggFn::Irate {
            params.push(Value::Int(time::per_second(self.precision)));
        }
        if f.is_multi_row() && !params[0].as_i128().is_some_and(|k| (1..=100).contains(&k)) {
            return Err(para_type(name));
        }
        if matches!(f, AggFn::Percentile | AggFn::Apercentile) {
            // APERCENTILE takes a whole percent only (`50.0` is refused).
            let typed = match params[0] {
                Value::Int(_) | Value::UInt(_) => true,
                Value::Float(_) => f == AggFn::Percentile,
                _ => false,
            };
            if !typed {
                return Err(para_type(name));
            }
            if !params[0]
                .as_f64()
                .is_some_and(|p| (0.0..=100.0).contains(&p))
            {
                return Err(para_range(name));
            }
            if let Some(algorithm) = params.get(1) {
                match algorithm {
                    Value::Str(a) if matches!(&**a, "default" | "t-digest") => {}
                    Value::Str(_) => return Err(para_value(name)),
                    _ => return Err(para_type(name)),
                }
            }
        }
        // The argument is row-level: plain columns are fine inside it.
        let saved = (self.agg_mode, self.has_selection);
        self.agg_mode = false;
        let r = self.compile(&args[0]);
        (self.agg_mode, self.has_selection) = saved;
        let (arg, t) = r?;
        // BOOL counts as a number for DIFF and the like, not for these.
        let numeric = (is_numeric(t.ty) && t.ty != Ty::Bool) || t.ty == Ty::Null;
        let out = match f {
            AggFn::Count => dt(Ty::BigInt),
            AggFn::Sum => match t.ty {
                _ if !numeric => return Err(para_type(name)),
                Ty::Float | Ty::Double => dt(Ty::Double),
                Ty::UTinyInt | Ty::USmallInt | Ty::UInt | Ty::UBigInt => dt(Ty::UBigInt),
                _ => dt(Ty::BigInt),
            },
            AggFn::Avg | AggFn::Stddev | AggFn::VarPop => {
                if !numeric {
                    return Err(para_type(name));
                }
                dt(Ty::Double)
            }
            AggFn::Spread => {
                if !numeric && t.ty != Ty::Timestamp {
                    return Err(para_type(name));
                }
                dt(Ty::Double)
            }
            AggFn::Min | AggFn::Max => {
                if !numeric && !matches!(t.ty, Ty::VarChar | Ty::NChar) {
                    return Err(para_type(name));
                }
                t
            }
            AggFn::First | AggFn::Last | AggFn::LastRow | AggFn::Mode | AggFn::Interp => t,
            AggFn::HyperLogLog => dt(Ty::BigInt),
            AggFn::Elapsed => {
                if t.ty != Ty::Timestamp {
                    return Err(para_type(name));
                }
                dt(Ty::Double)
            }
            AggFn::Top | AggFn::Bottom => {
                if !numeric {
                    return Err(para_type(name));
                }
                t
            }
            AggFn::Twa | AggFn::Irate | AggFn::Percentile | AggFn::Apercentile => {
                if !numeric {
                    return Err(para_type(name));
                }
                dt(Ty::Double)
            }
        };
        self.aggs.push(AggSpec {
            func: f,
            arg: Some(arg),
            arg_dt: t,
            params,
        });
        Ok((CExpr::Agg(self.aggs.len() - 1), out))
    }
}

/// A JSON operand of a comparison compares by its plain value; the whole
/// JSON tag cannot be compared.
fn json_scalar(c: CExpr, t: DataType) -> Result<CExpr, TdError> {
    if t.ty != Ty::Json {
        return Ok(c);
    }
    match c {
        c @ CExpr::JsonGet(..) => Ok(CExpr::JsonScalar(Box::new(c))),
        _ => Err(json_here()),
    }
}

/// A whole JSON tag where only its `->` members may stand (0x072D).
fn json_here() -> TdError {
    TdError::new(0x072D, "Json not support in this place")
}

/// Calls `f` with each aggregate call of an expression (not looking into
/// an aggregate's own arguments, which are row-level).
fn visit_aggregates(e: &Expr, f: &mut dyn FnMut(AggFn)) {
    match e {
        Expr::Func { name, args, .. } => match AggFn::by_name(name) {
            Some(a) => f(a),
            None => args.iter().for_each(|x| visit_aggregates(x, f)),
        },
        Expr::Neg(x)
        | Expr::Not(x)
        | Expr::Cast(x, _)
        | Expr::JsonGet(x, _)
        | Expr::Contains(x, _)
        | Expr::IsNull { expr: x, .. } => visit_aggregates(x, f),
        Expr::Binary(_, a, b)
        | Expr::Like {
            expr: a,
            pattern: b,
            ..
        } => {
            visit_aggregates(a, f);
            visit_aggregates(b, f);
        }
        Expr::Between {
            expr, low, high, ..
        } => [expr, low, high]
            .iter()
            .for_each(|x| visit_aggregates(x, f)),
        Expr::InList { expr, list, .. } => {
            visit_aggregates(expr, f);
            list.iter().for_each(|x| visit_aggregates(x, f));
        }
        Expr::Column { .. } | Expr::Const(_) => {}
    }
}

/// Whether `e` is the `tbname` pseudo-column.
fn is_tbname(e: &Expr) -> bool {
    matches!(e, Expr::Column { name, .. } if name == "tbname")
}

/// Whether an expression contains an aggregate call.
pub fn has_aggregate(e: &Expr) -> bool {
    let mut any = false;
    visit_aggregates(e, &mut |_| any = true);
    any
}

/// Whether the select list holds exactly one selection function and no
/// other aggregate: only then may plain columns ride along, read from the
/// selected row (two selections, or one beside an aggregate, is 0x260C).
pub fn single_selection<'e>(items: impl IntoIterator<Item = &'e Expr>) -> bool {
    let (mut selections, mut others) = (0, 0);
    for e in items {
        visit_aggregates(e, &mut |a| {
            if a.is_selection() {
                selections += 1;
            } else {
                others += 1;
            }
        });
    }
    selections == 1 && others == 0
}
