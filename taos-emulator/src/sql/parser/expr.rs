//! Expressions, by precedence climbing:
//! OR < AND < NOT < comparison < bit ops < `+ -` < `* / %` < unary.

use super::{parse_duration, parse_int, Parser};
use crate::api::TdError;
use crate::sql::ast::{BinOp, Const, Expr};
use crate::sql::lexer::{unescape, Tok};

/// Deepest nesting accepted. The real server answers 20,000 nested
/// parentheses; a statement within TDengine's 1 MiB SQL limit cannot nest
/// much deeper than this. The stack grows on the heap as the parser
/// descends, so no depth overflows it.
const MAX_DEPTH: usize = 300_000;

/// Stack left when the parser asks for more, and how much it asks for.
const RED_ZONE: usize = 64 << 10;
const STACK_STEP: usize = 1 << 20;

impl Parser<'_> {
    /// A full expression.
    pub(crate) fn expr(&mut self) -> Result<Expr, TdError> {
        self.expr_depth(0)
    }

    fn expr_depth(&mut self, depth: usize) -> Result<Expr, TdError> {
        if depth > MAX_DEPTH {
            return Err(TdError::new(0x2600, "syntax error: expression too deep"));
        }
        let mut lhs = self.and_expr(depth)?;
        while self.eat_kw("or") {
            let rhs = self.and_expr(depth)?;
            lhs = Expr::Binary(BinOp::Or, Box::new(lhs), Box::new(rhs));
            self.chained += 1;
        }
        Ok(lhs)
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, TdError> {
        let mut lhs = self.not_expr(depth)?;
        while self.eat_kw("and") {
            let rhs = self.not_expr(depth)?;
            lhs = Expr::Binary(BinOp::And, Box::new(lhs), Box::new(rhs));
            self.chained += 1;
        }
        Ok(lhs)
    }

    fn not_expr(&mut self, depth: usize) -> Result<Expr, TdError> {
        if self.eat_kw("not") {
            // The server's grammar has no NOT NOT.
            if self.is_kw("not") {
                return Err(self.error());
            }
            return Ok(Expr::Not(Box::new(self.nested(depth, Self::not_expr)?)));
        }
        self.comparison(depth)
    }

    fn nested(
        &mut self,
        depth: usize,
        f: fn(&mut Self, usize) -> Result<Expr, TdError>,
    ) -> Result<Expr, TdError> {
        if depth >= MAX_DEPTH {
            return Err(TdError::new(0x2600, "syntax error: expression too deep"));
        }
        // Each level of nesting is also a level of recursion when the
        // statement is compiled and evaluated: the executor sizes its stack
        // by this count.
        self.chained += 1;
        stacker::maybe_grow(RED_ZONE, STACK_STEP, || f(self, depth + 1))
    }

    fn comparison(&mut self, depth: usize) -> Result<Expr, TdError> {
        let lhs = self.bit_expr(depth)?;
        let op = match self.peek().kind {
            Tok::Eq => Some(BinOp::Eq),
            Tok::Ne => Some(BinOp::Ne),
            Tok::Lt => Some(BinOp::Lt),
            Tok::Le => Some(BinOp::Le),
            Tok::Gt => Some(BinOp::Gt),
            Tok::Ge => Some(BinOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            let rhs = self.bit_expr(depth)?;
            return Ok(Expr::Binary(op, Box::new(lhs), Box::new(rhs)));
        }
        if self.eat_kw("contains") {
            let key = self.string()?;
            return Ok(Expr::Contains(Box::new(lhs), key));
        }
        if self.eat_kw("is") {
            let not = self.eat_kw("not");
            self.expect_kw("null")?;
            return Ok(Expr::IsNull {
                expr: Box::new(lhs),
                not,
            });
        }
        let not = self.is_kw("not")
            && (self.is_kw_at(1, "between") || self.is_kw_at(1, "in") || self.is_kw_at(1, "like"));
        if not {
            self.pos += 1;
        }
        if self.eat_kw("between") {
            let low = self.bit_expr(depth)?;
            self.expect_kw("and")?;
            let high = self.bit_expr(depth)?;
            return Ok(Expr::Between {
                expr: Box::new(lhs),
                low: Box::new(low),
                high: Box::new(high),
                not,
            });
        }
        if self.eat_kw("in") {
            self.expect(Tok::LParen)?;
            let mut list = vec![self.bit_expr(depth)?];
            while self.eat(Tok::Comma) {
                list.push(self.bit_expr(depth)?);
            }
            self.expect(Tok::RParen)?;
            return Ok(Expr::InList {
                expr: Box::new(lhs),
                list,
                not,
            });
        }
        let (like, regex, negated) = if self.eat_kw("like") {
            (true, false, not)
        } else if !not && self.eat_kw("match") {
            (true, true, false)
        } else if !not && self.eat_kw("nmatch") {
            (true, true, true)
        } else {
            (false, false, false)
        };
        if like {
            let pattern = self.bit_expr(depth)?;
            return Ok(Expr::Like {
                expr: Box::new(lhs),
                pattern: Box::new(pattern),
                not: negated,
                regex,
            });
        }
        Ok(lhs)
    }

    fn bit_expr(&mut self, depth: usize) -> Result<Expr, TdError> {
        let mut lhs = self.additive(depth)?;
        loop {
            let op = match self.peek().kind {
                Tok::BitAnd => BinOp::BitAnd,
                Tok::BitOr => BinOp::BitOr,
                _ => return Ok(lhs),
            };
            self.pos += 1;
            let rhs = self.additive(depth)?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
            self.chained += 1;
        }
    }

    fn additive(&mut self, depth: usize) -> Result<Expr, TdError> {
        let mut lhs = self.multiplicative(depth)?;
        loop {
            let op = match self.peek().kind {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.pos += 1;
            let rhs = self.multiplicative(depth)?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
            self.chained += 1;
        }
    }

    fn multiplicative(&mut self, depth: usize) -> Result<Expr, TdError> {
        let mut lhs = self.unary(depth)?;
        loop {
            let op = match self.peek().kind {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                Tok::Percent => BinOp::Rem,
                _ => return Ok(lhs),
            };
            self.pos += 1;
            let rhs = self.unary(depth)?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
            self.chained += 1;
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, TdError> {
        match self.peek().kind {
            Tok::Minus => {
                self.pos += 1;
                let inner = self.nested(depth, Self::unary)?;
                Ok(match inner {
                    Expr::Const(Const::Int(v)) => Expr::Const(match v.checked_neg() {
                        Some(n) => Const::Int(n),
                        None => Const::UInt(1u64 << 63),
                    }),
                    Expr::Const(Const::Float(v)) => Expr::Const(Const::Float(-v)),
                    Expr::Const(Const::UInt(v)) if v == 1u64 << 63 => {
                        Expr::Const(Const::Int(i64::MIN))
                    }
                    Expr::Const(Const::UInt(v)) => Expr::Const(Const::Float(-(v as f64))),
                    other => Expr::Neg(Box::new(other)),
                })
            }
            Tok::Plus => {
                self.pos += 1;
                self.nested(depth, Self::unary)
            }
            _ => {
                let e = self.primary(depth)?;
                if self.eat(Tok::Arrow) {
                    let key = self.string()?;
                    return Ok(Expr::JsonGet(Box::new(e), key));
                }
                Ok(e)
            }
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, TdError> {
        let t = self.peek();
        let text = self.text(t);
        match t.kind {
            Tok::Int => {
                self.pos += 1;
                let v = parse_int(text).ok_or_else(|| self.error_at(t))?;
                Ok(Expr::Const(if let Ok(v) = i64::try_from(v) {
                    Const::Int(v)
                } else if let Ok(v) = u64::try_from(v) {
                    Const::UInt(v)
                } else {
                    Const::Float(v as f64)
                }))
            }
            Tok::Float => {
                self.pos += 1;
                let v: f64 = text.parse().map_err(|_| self.error_at(t))?;
                Ok(Expr::Const(Const::Float(v)))
            }
            Tok::Duration => {
                self.pos += 1;
                let (n, u) = parse_duration(text).ok_or_else(|| self.error_at(t))?;
                Ok(Expr::Const(Const::Duration(n, u)))
            }
            Tok::Str => {
                self.pos += 1;
                Ok(Expr::Const(Const::Str(unescape(text))))
            }
            Tok::LParen => {
                self.pos += 1;
                let e = self.nested(depth, Self::expr_depth)?;
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Tok::QuotedIdent => self.column_ref(),
            Tok::Ident => {
                if self.peek_at(1).kind == Tok::LParen {
                    return self.call(depth);
                }
                match text {
                    "null" => {
                        self.pos += 1;
                        Ok(Expr::Const(Const::Null))
                    }
                    "true" | "false" => {
                        self.pos += 1;
                        Ok(Expr::Const(Const::Bool(text == "true")))
                    }
                    "now" | "today" => {
                        self.pos += 1;
                        Ok(Expr::Func {
                            name: text.to_string(),
                            args: vec![],
                            star: false,
                        })
                    }
                    "tbname" | "_wstart" | "_wend" | "_wduration" | "_irowts" | "_rowts"
                    | "_c0" | "_qstart" | "_qend" => {
                        self.pos += 1;
                        Ok(Expr::Column {
                            table: None,
                            name: text.to_string(),
                        })
                    }
                    _ => self.column_ref(),
                }
            }
            _ => Err(self.error()),
        }
    }

    fn column_ref(&mut self) -> Result<Expr, TdError> {
        let first = self.ident()?;
        if self.peek().kind == Tok::Dot {
            self.pos += 1;
            let name = if self.eat_kw("tbname") {
                "tbname".to_string()
            } else {
                self.ident()?
            };
            return Ok(Expr::Column {
                table: Some(first),
                name,
            });
        }
        Ok(Expr::Column {
            table: None,
            name: first,
        })
    }

    fn call(&mut self, depth: usize) -> Result<Expr, TdError> {
        let t = self.next();
        let name = self.text(t).to_string();
        self.expect(Tok::LParen)?;
        if name == "cast" {
            let e = self.nested(depth, Self::expr_depth)?;
            self.expect_kw("as")?;
            let dt = self.data_type()?;
            self.expect(Tok::RParen)?;
            return Ok(Expr::Cast(Box::new(e), dt));
        }
        if self.eat(Tok::Star) {
            self.expect(Tok::RParen)?;
            return Ok(Expr::Func {
                name,
                args: vec![],
                star: true,
            });
        }
        let mut args = Vec::new();
        if !self.eat(Tok::RParen) {
            loop {
                args.push(self.nested(depth, Self::expr_depth)?);
                if !self.eat(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RParen)?;
        }
        Ok(Expr::Func {
            name,
            args,
            star: false,
        })
    }
}
