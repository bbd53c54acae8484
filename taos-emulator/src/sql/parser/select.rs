//! SELECT.

use super::{parse_duration, Parser};
use crate::api::TdError;
use crate::sql::ast::{Expr, OrderItem, Select, SelectItem, Window};
use crate::sql::lexer::Tok;

impl Parser<'_> {
    pub(super) fn select(&mut self) -> Result<Select, TdError> {
        self.expect_kw("select")?;
        let distinct = self.eat_kw("distinct");
        if !distinct {
            self.eat_kw("all");
        }
        let tags = !distinct && self.eat_kw("tags");
        let mut items = vec![self.select_item()?];
        while self.eat(Tok::Comma) {
            items.push(self.select_item()?);
        }
        let mut s = Select {
            distinct,
            tags,
            items,
            from: None,
            from_query: None,
            from_alias: None,
            filter: None,
            partition_by: vec![],
            window: None,
            group_by: vec![],
            having: None,
            order_by: vec![],
            slimit: None,
            limit: None,
            offset: 0,
        };
        if self.eat_kw("from") {
            if self.eat(Tok::LParen) {
                if self.nesting >= 16 {
                    return Err(TdError::new(
                        0x2600,
                        "syntax error: subqueries nested too deep",
                    ));
                }
                self.nesting += 1;
                s.from_query = Some(Box::new(self.select()?));
                self.nesting -= 1;
                self.expect(Tok::RParen)?;
            } else {
                s.from = Some(self.table_name()?);
            }
            if self.eat_kw("as") || self.peek().kind == Tok::QuotedIdent {
                s.from_alias = Some(self.ident()?);
            } else if self.peek().kind == Tok::Ident {
                // A bare alias, unless it is the next clause's keyword.
                if let Ok(a) = self.try_ident() {
                    s.from_alias = Some(a);
                }
            }
        }
        if self.eat_kw("where") {
            s.filter = Some(self.expr()?);
        }
        if self.eat_kw("partition") {
            self.expect_kw("by")?;
            s.partition_by = self.expr_list()?;
        }
        s.window = self.window()?;
        if self.eat_kw("group") {
            self.expect_kw("by")?;
            s.group_by = self.expr_list()?;
        }
        if self.eat_kw("having") {
            s.having = Some(self.expr()?);
        }
        if self.eat_kw("order") {
            self.expect_kw("by")?;
            loop {
                s.order_by.push(self.order_item()?);
                if !self.eat(Tok::Comma) {
                    break;
                }
            }
        }
        if self.eat_kw("slimit") {
            let (n, off) = self.limit_pair("soffset")?;
            s.slimit = Some((n, off));
        }
        if self.eat_kw("limit") {
            let (n, off) = self.limit_pair("offset")?;
            s.limit = Some(n);
            s.offset = off;
        }
        Ok(s)
    }

    /// `n [OFFSET m]` or MySQL's `m, n`.
    fn limit_pair(&mut self, offset_kw: &str) -> Result<(u64, u64), TdError> {
        let first = self.uint()?;
        if self.eat(Tok::Comma) {
            let n = self.uint()?;
            return Ok((n, first));
        }
        if self.eat_kw(offset_kw) {
            return Ok((first, self.uint()?));
        }
        Ok((first, 0))
    }

    fn try_ident(&mut self) -> Result<String, TdError> {
        let save = self.pos;
        self.ident().inspect_err(|_| self.pos = save)
    }

    fn expr_list(&mut self) -> Result<Vec<Expr>, TdError> {
        let mut out = vec![self.expr()?];
        while self.eat(Tok::Comma) {
            out.push(self.expr()?);
        }
        Ok(out)
    }

    fn select_item(&mut self) -> Result<SelectItem, TdError> {
        if self.eat(Tok::Star) {
            return Ok(SelectItem::Star);
        }
        if matches!(self.peek().kind, Tok::Ident | Tok::QuotedIdent)
            && self.peek_at(1).kind == Tok::Dot
            && self.peek_at(2).kind == Tok::Star
        {
            let name = self.ident()?;
            self.pos += 2;
            return Ok(SelectItem::QualifiedStar(name));
        }
        let start = self.peek().start as usize;
        let expr = self.expr()?;
        let end = self.toks[self.pos - 1].end as usize;
        let text = self.src[start..end].to_string();
        let alias = if self.eat_kw("as") {
            Some(self.ident()?)
        } else if matches!(self.peek().kind, Tok::Ident | Tok::QuotedIdent) {
            self.try_ident().ok()
        } else {
            None
        };
        Ok(SelectItem::Expr { expr, alias, text })
    }

    fn order_item(&mut self) -> Result<OrderItem, TdError> {
        let start = self.peek().start as usize;
        let expr = self.expr()?;
        let end = self.toks[self.pos - 1].end as usize;
        let desc = if self.eat_kw("desc") {
            true
        } else {
            self.eat_kw("asc");
            false
        };
        let nulls_first = if self.eat_kw("nulls") {
            if self.eat_kw("first") {
                Some(true)
            } else {
                self.expect_kw("last")?;
                Some(false)
            }
        } else {
            None
        };
        Ok(OrderItem {
            expr,
            text: self.src[start..end].to_string(),
            desc,
            nulls_first,
        })
    }

    fn duration_arg(&mut self) -> Result<(i64, char), TdError> {
        let t = self.peek();
        let d = match t.kind {
            Tok::Duration => parse_duration(self.text(t)),
            Tok::Int => self.text(t).parse().ok().map(|n| (n, ' ')),
            _ => None,
        };
        let d = d.ok_or_else(|| self.error())?;
        self.pos += 1;
        Ok(d)
    }

    /// `FILL(mode[, values])`, if present.
    fn fill_clause(&mut self) -> Result<Option<(String, Vec<Expr>)>, TdError> {
        if !self.eat_kw("fill") {
            return Ok(None);
        }
        self.expect(Tok::LParen)?;
        let t = self.next();
        if t.kind != Tok::Ident {
            return Err(self.error_at(t));
        }
        let mode = self.text(t).to_string();
        let mut vals = Vec::new();
        while self.eat(Tok::Comma) {
            vals.push(self.expr()?);
        }
        self.expect(Tok::RParen)?;
        Ok(Some((mode, vals)))
    }

    fn window(&mut self) -> Result<Option<Window>, TdError> {
        if self.eat_kw("interval") {
            self.expect(Tok::LParen)?;
            let len = self.duration_arg()?;
            let offset = if self.eat(Tok::Comma) {
                Some(self.duration_arg()?)
            } else {
                None
            };
            self.expect(Tok::RParen)?;
            let sliding = if self.eat_kw("sliding") {
                self.expect(Tok::LParen)?;
                let s = self.duration_arg()?;
                self.expect(Tok::RParen)?;
                Some(s)
            } else {
                None
            };
            let fill = self.fill_clause()?;
            return Ok(Some(Window::Interval {
                len,
                offset,
                sliding,
                fill,
            }));
        }
        if self.eat_kw("session") {
            self.expect(Tok::LParen)?;
            let col = self.expr()?;
            self.expect(Tok::Comma)?;
            let tol = self.duration_arg()?;
            self.expect(Tok::RParen)?;
            return Ok(Some(Window::Session(col, tol)));
        }
        if self.eat_kw("range") {
            self.expect(Tok::LParen)?;
            let start = self.expr()?;
            let end = if self.eat(Tok::Comma) {
                Some(self.expr()?)
            } else {
                None
            };
            self.expect(Tok::RParen)?;
            let every = if self.eat_kw("every") {
                self.expect(Tok::LParen)?;
                let d = self.duration_arg()?;
                self.expect(Tok::RParen)?;
                Some(d)
            } else {
                None
            };
            let fill = self.fill_clause()?;
            return Ok(Some(Window::Interp {
                range: (start, end),
                every,
                fill,
            }));
        }
        if self.eat_kw("event_window") {
            self.expect_kw("start")?;
            self.expect_kw("with")?;
            let start = self.expr()?;
            self.expect_kw("end")?;
            self.expect_kw("with")?;
            let end = self.expr()?;
            let true_for = self.true_for()?;
            return Ok(Some(Window::Event(start, end, true_for)));
        }
        if self.eat_kw("count_window") {
            self.expect(Tok::LParen)?;
            let n = self.uint()?;
            let slide = if self.eat(Tok::Comma) {
                Some(self.uint()?)
            } else {
                None
            };
            self.expect(Tok::RParen)?;
            return Ok(Some(Window::Count(n, slide)));
        }
        if self.eat_kw("state_window") {
            self.expect(Tok::LParen)?;
            let e = self.expr()?;
            self.expect(Tok::RParen)?;
            let true_for = self.true_for()?;
            return Ok(Some(Window::State(e, true_for)));
        }
        Ok(None)
    }

    /// `TRUE_FOR(d)` after a state or event window, if present.
    fn true_for(&mut self) -> Result<Option<(i64, char)>, TdError> {
        if !self.eat_kw("true_for") {
            return Ok(None);
        }
        self.expect(Tok::LParen)?;
        let d = self.duration_arg()?;
        self.expect(Tok::RParen)?;
        Ok(Some(d))
    }
}
