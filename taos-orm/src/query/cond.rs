//! Filter conditions (`WHERE`): comparisons on typed columns combined with
//! AND / OR / NOT, and raw fragments with bound values.

use taos::taos_query::common::Precision;

use crate::error::{Error, Result};
use crate::schema::{ColumnDef, SqlType};
use crate::sql::write_value;

use super::column::ColumnRef;
use super::expr::Node;
use super::value::Bound;

/// A filter condition. Build it from column handles (`m.current.gt(10.0)`),
/// combine with [`Cond::and`], [`Cond::or`], [`Cond::not`] (or `&`, `|`,
/// `!`), or write a fragment by hand with [`Cond::raw`].
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub(crate) node: CondNode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => " = ",
            CmpOp::Ne => " <> ",
            CmpOp::Lt => " < ",
            CmpOp::Le => " <= ",
            CmpOp::Gt => " > ",
            CmpOp::Ge => " >= ",
        }
    }
}

type Def = &'static ColumnDef;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CondNode {
    /// Matches every row (an unbounded range).
    True,
    Cmp(Def, ColumnRef, CmpOp, Bound),
    Between(Def, ColumnRef, Bound, Bound),
    In(Def, ColumnRef, Vec<Bound>, bool),
    Like(Def, ColumnRef, String, bool),
    Null(Def, ColumnRef, bool),
    And(Box<CondNode>, Box<CondNode>),
    Or(Box<CondNode>, Box<CondNode>),
    Not(Box<CondNode>),
    Raw(&'static str, Vec<Bound>),
    /// A comparison of an expression (an aggregate, for HAVING).
    ExprCmp(Node, CmpOp, Bound),
    ExprBetween(Node, Bound, Bound),
    ExprNull(Node, bool),
}

impl Cond {
    pub(crate) fn new(node: CondNode) -> Self {
        Cond { node }
    }

    /// Both conditions.
    pub fn and(self, other: Cond) -> Cond {
        Cond::new(CondNode::And(Box::new(self.node), Box::new(other.node)))
    }

    /// Either condition.
    pub fn or(self, other: Cond) -> Cond {
        Cond::new(CondNode::Or(Box::new(self.node), Box::new(other.node)))
    }

    /// The negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Cond {
        Cond::new(CondNode::Not(Box::new(self.node)))
    }

    /// A hand-written fragment: the escape hatch for SQL the builder does not
    /// cover. `sql` must be a string literal (`&'static str`, so values
    /// cannot be formatted into it); each `?` outside string literals,
    /// backtick identifiers and comments is replaced by the next bound
    /// value, written as an escaped literal (as in
    /// [`crate::query::RawQuery`]). Column names in the fragment are not
    /// checked.
    ///
    /// ```
    /// use taos_orm::query::Cond;
    ///
    /// let cond = Cond::raw("`current` * `voltage` > ? AND `location` <> ?")
    ///     .bind(1000.0)
    ///     .bind("it's");
    /// # let _ = cond;
    /// ```
    pub fn raw(sql: &'static str) -> Cond {
        Cond::new(CondNode::Raw(sql, Vec::new()))
    }

    /// Binds the next `?` of a [`Cond::raw`] fragment (ignored on other
    /// conditions, which have no placeholders).
    pub fn bind(mut self, value: impl Into<Bound>) -> Cond {
        if let CondNode::Raw(_, values) = &mut self.node {
            values.push(value.into());
        }
        self
    }
}

impl std::ops::BitAnd for Cond {
    type Output = Cond;
    fn bitand(self, rhs: Cond) -> Cond {
        self.and(rhs)
    }
}

impl std::ops::BitOr for Cond {
    type Output = Cond;
    fn bitor(self, rhs: Cond) -> Cond {
        self.or(rhs)
    }
}

impl std::ops::Not for Cond {
    type Output = Cond;
    fn not(self) -> Cond {
        Cond::not(self)
    }
}

impl CondNode {
    /// Appends the condition, fully parenthesised below the top level.
    pub(crate) fn render(&self, out: &mut String, precision: Precision) -> Result<()> {
        match self {
            CondNode::True => out.push_str("1 = 1"),
            CondNode::Cmp(def, at, op, value) => {
                if matches!(op, CmpOp::Ne) && is_primary_ts(*at) {
                    return Err(Error::InvalidArgument(format!(
                        "`<>` on the primary timestamp `{}` is not allowed by TDengine; use two ranges",
                        def.name
                    )));
                }
                push_col(out, def);
                out.push_str(op.sql());
                push_value(out, def, value, precision)?;
            }
            CondNode::Between(def, _, low, high) => {
                push_col(out, def);
                out.push_str(" BETWEEN ");
                push_value(out, def, low, precision)?;
                out.push_str(" AND ");
                push_value(out, def, high, precision)?;
            }
            CondNode::In(def, at, values, negated) => {
                if is_primary_ts(*at) {
                    return Err(Error::InvalidArgument(format!(
                        "`IN` on the primary timestamp `{}` is not allowed by TDengine; use `=` or ranges",
                        def.name
                    )));
                }
                if values.is_empty() {
                    // `IN ()` is a syntax error; an empty list matches nothing.
                    out.push_str(if *negated { "1 = 1" } else { "1 = 0" });
                    return Ok(());
                }
                push_col(out, def);
                out.push_str(if *negated { " NOT IN (" } else { " IN (" });
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    push_value(out, def, value, precision)?;
                }
                out.push(')');
            }
            CondNode::Like(def, _, pattern, negated) => {
                push_col(out, def);
                out.push_str(if *negated { " NOT LIKE " } else { " LIKE " });
                // A pattern may be longer than the column (`%` runs), so its
                // length is not checked against the declared one.
                let text = ColumnDef::new(def.name, SqlType::VarChar);
                push_value(out, &text, &Bound::Str(pattern.clone()), precision)?;
            }
            CondNode::Null(def, _, negated) => {
                push_col(out, def);
                out.push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            CondNode::And(a, b) => binary(out, a, " AND ", b, precision)?,
            CondNode::Or(a, b) => binary(out, a, " OR ", b, precision)?,
            CondNode::Not(a) => {
                out.push_str("NOT (");
                a.render(out, precision)?;
                out.push(')');
            }
            CondNode::Raw(sql, values) => render_raw(out, sql, values, precision)?,
            CondNode::ExprCmp(node, op, value) => {
                node.render(out)?;
                out.push_str(op.sql());
                push_expr_value(out, node, value, precision)?;
            }
            CondNode::ExprBetween(node, low, high) => {
                node.render(out)?;
                out.push_str(" BETWEEN ");
                push_expr_value(out, node, low, precision)?;
                out.push_str(" AND ");
                push_expr_value(out, node, high, precision)?;
            }
            CondNode::ExprNull(node, negated) => {
                node.render(out)?;
                out.push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
        }
        Ok(())
    }

    /// Every expression the condition compares: columns as [`Node::Col`],
    /// functions whole (a raw fragment contributes none).
    pub(crate) fn operands<'a>(&'a self, out: &mut Vec<std::borrow::Cow<'a, Node>>) {
        use std::borrow::Cow;
        match self {
            CondNode::True | CondNode::Raw(..) => {}
            CondNode::Cmp(def, at, ..)
            | CondNode::Between(def, at, ..)
            | CondNode::In(def, at, ..)
            | CondNode::Like(def, at, ..)
            | CondNode::Null(def, at, _) => out.push(Cow::Owned(Node::Col(def, *at))),
            CondNode::And(a, b) | CondNode::Or(a, b) => {
                a.operands(out);
                b.operands(out);
            }
            CondNode::Not(a) => a.operands(out),
            CondNode::ExprCmp(node, ..)
            | CondNode::ExprBetween(node, ..)
            | CondNode::ExprNull(node, _) => out.push(Cow::Borrowed(node)),
        }
    }

    /// The first function the condition applies, rendered (WHERE and
    /// EVENT_WINDOW conditions cannot hold aggregates).
    pub(crate) fn first_function(&self) -> Result<Option<String>> {
        let mut operands = Vec::new();
        self.operands(&mut operands);
        match operands.iter().find(|n| n.kind().is_some()) {
            Some(node) => {
                let mut text = String::new();
                node.render(&mut text)?;
                Ok(Some(text))
            }
            None => Ok(None),
        }
    }

    /// Whether the condition bounds the primary timestamp from below and
    /// above in its top-level conjunction (what FILL needs).
    pub(crate) fn time_range(&self) -> (bool, bool) {
        match self {
            CondNode::Cmp(_, at, op, _) if is_primary_ts(*at) => match op {
                CmpOp::Eq => (true, true),
                CmpOp::Gt | CmpOp::Ge => (true, false),
                CmpOp::Lt | CmpOp::Le => (false, true),
                CmpOp::Ne => (false, false),
            },
            CondNode::Between(_, at, _, _) if is_primary_ts(*at) => (true, true),
            CondNode::And(a, b) => {
                let (a, b) = (a.time_range(), b.time_range());
                (a.0 || b.0, a.1 || b.1)
            }
            _ => (false, false),
        }
    }
}

fn is_primary_ts(at: ColumnRef) -> bool {
    at == ColumnRef::Column(0)
}

fn binary(
    out: &mut String,
    a: &CondNode,
    op: &str,
    b: &CondNode,
    precision: Precision,
) -> Result<()> {
    out.push('(');
    a.render(out, precision)?;
    out.push_str(op);
    b.render(out, precision)?;
    out.push(')');
    Ok(())
}

fn push_col(out: &mut String, def: &ColumnDef) {
    if def.name == "tbname" {
        out.push_str("tbname");
    } else {
        crate::sql::push_quoted_lower(out, def.name);
    }
}

fn push_value(
    out: &mut String,
    def: &ColumnDef,
    value: &Bound,
    precision: Precision,
) -> Result<()> {
    write_value(out, def, &value.as_value(), precision).map_err(|e| {
        Error::InvalidArgument(format!("filter value for `{}`: {}", def.name, e.reason))
    })
}

/// A value compared with an expression, written as its own type (an
/// aggregate's result has no column to check it against).
fn push_expr_value(
    out: &mut String,
    node: &Node,
    value: &Bound,
    precision: Precision,
) -> Result<()> {
    let def = ColumnDef::new("?", super::raw::natural_type(value));
    write_value(out, &def, &value.as_value(), precision).map_err(|e| {
        let mut text = String::new();
        let _ = node.render(&mut text);
        Error::InvalidArgument(format!("value compared with {text}: {}", e.reason))
    })
}

/// A raw fragment, parenthesised, with its `?` replaced by the values.
fn render_raw(out: &mut String, sql: &str, values: &[Bound], precision: Precision) -> Result<()> {
    out.push('(');
    super::raw::render_bound(out, sql, values, precision)?;
    out.push(')');
    Ok(())
}
