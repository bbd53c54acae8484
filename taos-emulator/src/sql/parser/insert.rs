//! INSERT and the literal values of VALUES / TAGS.
//!
//! This is the ingest hot path: values stay spans into the statement until
//! the engine knows the column type, so a row costs no allocation beyond its
//! strings.

use super::{parse_duration, Parser};
use crate::api::TdError;
use crate::sql::ast::{InsertTarget, Literal, Statement, Using, ValueExpr};
use crate::sql::lexer::{unescape, Tok};

impl Parser<'_> {
    pub(super) fn insert(&mut self) -> Result<Statement, TdError> {
        self.expect_kw("insert")?;
        self.expect_kw("into")?;
        if let Some(stmt) = self.insert_select()? {
            return Ok(stmt);
        }
        // The server reads VALUES with a parser of its own, whose grammar
        // errors are 0x0216 rather than the SQL grammar's 0x2600/0x2601.
        self.insert_values().map_err(|e| match e.code {
            0x2600 | 0x2601 => TdError::new(0x0216, e.message),
            _ => e,
        })
    }

    fn insert_values(&mut self) -> Result<Statement, TdError> {
        let mut targets = Vec::new();
        loop {
            targets.push(self.insert_target()?);
            if matches!(self.peek().kind, Tok::Eof | Tok::Semi) {
                return Ok(Statement::Insert(targets));
            }
            // Later tables may repeat `INTO`.
            self.eat_kw("into");
        }
    }

    fn insert_target(&mut self) -> Result<InsertTarget, TdError> {
        let table = self.table_name()?;
        let mut using = None;
        let mut columns = None;
        if self.eat_kw("using") {
            let stable = self.table_name()?;
            let tag_names = self.opt_name_list()?;
            self.expect_kw("tags")?;
            let tags = self.value_list()?;
            using = Some(Using {
                stable,
                tag_names,
                tags,
            });
        }
        if self.peek().kind == Tok::LParen {
            columns = self.insert_columns()?;
        }
        if using.is_none() && self.is_kw("using") {
            return Err(self.error());
        }
        self.expect_kw("values")?;
        let mut rows = Vec::new();
        loop {
            rows.push(self.value_list()?);
            // Rows may be written back to back or comma separated.
            if self.peek().kind == Tok::Comma && self.peek_at(1).kind == Tok::LParen {
                self.pos += 1;
            }
            if self.peek().kind != Tok::LParen {
                break;
            }
        }
        Ok(InsertTarget {
            table,
            using,
            columns,
            rows,
        })
    }

    /// `tb [(cols)] SELECT …`, if that is what follows.
    fn insert_select(&mut self) -> Result<Option<Statement>, TdError> {
        let save = self.pos;
        let table = self.table_name()?;
        let columns = if self.peek().kind == Tok::LParen {
            self.insert_columns()?
        } else {
            None
        };
        if !self.is_kw("select") {
            self.pos = save;
            return Ok(None);
        }
        let select = Box::new(self.select()?);
        Ok(Some(Statement::InsertSelect {
            table,
            columns,
            select,
        }))
    }

    /// Column lists may name `tbname` (super-table form), a reserved word.
    fn insert_columns(&mut self) -> Result<Option<Vec<String>>, TdError> {
        self.expect(Tok::LParen)?;
        let mut names = Vec::new();
        loop {
            if self.eat_kw("tbname") {
                names.push("tbname".to_string());
            } else {
                names.push(self.ident()?);
            }
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RParen)?;
        Ok(Some(names))
    }

    /// `(v, v, …)`.
    pub(super) fn value_list(&mut self) -> Result<Vec<ValueExpr>, TdError> {
        self.expect(Tok::LParen)?;
        let mut out = Vec::with_capacity(8);
        loop {
            out.push(self.value_expr()?);
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RParen)?;
        Ok(out)
    }

    /// One literal with optional `± duration` terms.
    pub(super) fn value_expr(&mut self) -> Result<ValueExpr, TdError> {
        let first = self.peek();
        let lit = match first.kind {
            Tok::Plus | Tok::Minus => {
                let n = self.peek_at(1);
                if !matches!(n.kind, Tok::Int | Tok::Float) || n.start != first.end {
                    return Err(self.error());
                }
                self.pos += 2;
                Literal::Number
            }
            Tok::Int | Tok::Float => {
                self.pos += 1;
                Literal::Number
            }
            Tok::Str => {
                self.pos += 1;
                Literal::Str(unescape(self.text(first)))
            }
            Tok::Ident => {
                self.pos += 1;
                match self.text(first) {
                    "null" => Literal::Null,
                    "true" => Literal::Bool(true),
                    "false" => Literal::Bool(false),
                    "now" => {
                        self.empty_parens(false)?;
                        Literal::Now
                    }
                    "today" => {
                        self.empty_parens(true)?;
                        Literal::Today
                    }
                    _ => return Err(self.error_at(first)),
                }
            }
            _ => return Err(self.error()),
        };
        let mut offsets = Vec::new();
        while matches!(self.peek().kind, Tok::Plus | Tok::Minus) {
            let neg = self.next().kind == Tok::Minus;
            let t = self.peek();
            let d = (t.kind == Tok::Duration)
                .then(|| parse_duration(self.text(t)))
                .flatten()
                .ok_or_else(|| self.error())?;
            self.pos += 1;
            offsets.push((neg, d.0, d.1));
        }
        let end = self.toks[self.pos - 1].end;
        Ok(ValueExpr {
            lit,
            offsets,
            span: (first.start, end),
        })
    }

    fn empty_parens(&mut self, required: bool) -> Result<(), TdError> {
        if self.eat(Tok::LParen) {
            self.expect(Tok::RParen)?;
        } else if required {
            return Err(self.error());
        }
        Ok(())
    }
}
