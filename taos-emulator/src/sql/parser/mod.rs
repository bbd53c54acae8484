//! A recursive-descent parser for the TDengine dialect.
//!
//! Statements are split by their leading keyword; DDL lives here, INSERT,
//! SELECT and expressions in their own modules.

mod ddl;
mod expr;
mod insert;
mod select;
mod topic;

use super::ast::{DataType, Statement, TableName};
use super::lexer::{near, tokenize, Tok, Token};
use crate::api::TdError;
use taos_query::common::Ty;

/// The longest statement TDengine accepts (bytes).
pub const MAX_SQL_LEN: usize = 1_048_576;

/// A parsed statement with the lowered text its spans point into.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The statement text, lowercased outside quotes.
    pub src: String,
    /// The statement.
    pub stmt: Statement,
    /// Binary operators parsed in chains (`a OR b OR c` has 2): a bound on
    /// how deep the expression trees of the statement are.
    pub chained: usize,
}

impl Parsed {
    /// The source text of a span.
    pub fn text(&self, span: (u32, u32)) -> &str {
        self.src
            .get(span.0 as usize..span.1 as usize)
            .unwrap_or_default()
    }
}

/// Parses one statement (a trailing `;` is allowed).
///
/// ```
/// use taos_emulator::sql::{parse, ast::Statement};
/// let p = parse("USE Power").unwrap();
/// assert_eq!(p.stmt, Statement::Use("power".into()));
/// ```
pub fn parse(sql: &str) -> Result<Parsed, TdError> {
    if sql.len() > MAX_SQL_LEN {
        return Err(TdError::new(
            0x2600,
            format!("SQL statement too long, max length is {MAX_SQL_LEN}"),
        ));
    }
    let src = super::lexer::lowercase_outside_quotes(sql);
    let toks = tokenize(&src)?;
    let mut p = Parser {
        src: &src,
        toks,
        pos: 0,
        nesting: 0,
        chained: 0,
    };
    let stmt = p.statement()?;
    while p.peek().kind == Tok::Semi {
        p.pos += 1;
    }
    if p.peek().kind != Tok::Eof {
        return Err(p.error());
    }
    let chained = p.chained;
    Ok(Parsed { src, stmt, chained })
}

pub(crate) struct Parser<'a> {
    pub(crate) src: &'a str,
    pub(crate) toks: Vec<Token>,
    pub(crate) pos: usize,
    /// Subquery nesting, bounded so hostile input cannot exhaust the stack.
    pub(crate) nesting: usize,
    /// See [`Parsed::chained`].
    pub(crate) chained: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn peek(&self) -> Token {
        self.toks[self.pos.min(self.toks.len() - 1)]
    }

    pub(crate) fn peek_at(&self, n: usize) -> Token {
        self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    pub(crate) fn next(&mut self) -> Token {
        let t = self.peek();
        if t.kind != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    pub(crate) fn text(&self, t: Token) -> &'a str {
        &self.src[t.start as usize..t.end as usize]
    }

    pub(crate) fn error(&self) -> TdError {
        near(self.src, self.peek().start as usize)
    }

    pub(crate) fn error_at(&self, t: Token) -> TdError {
        near(self.src, t.start as usize)
    }

    pub(crate) fn is_kw(&self, kw: &str) -> bool {
        let t = self.peek();
        t.kind == Tok::Ident && self.text(t) == kw
    }

    pub(crate) fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        let t = self.peek_at(n);
        t.kind == Tok::Ident && self.text(t) == kw
    }

    pub(crate) fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect_kw(&mut self, kw: &str) -> Result<(), TdError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    pub(crate) fn eat(&mut self, kind: Tok) -> bool {
        if self.peek().kind == kind {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect(&mut self, kind: Tok) -> Result<Token, TdError> {
        let t = self.peek();
        if t.kind == kind {
            self.pos += 1;
            Ok(t)
        } else {
            Err(self.error())
        }
    }

    /// An identifier: a non-reserved word or a backticked name.
    pub(crate) fn ident(&mut self) -> Result<String, TdError> {
        let t = self.peek();
        match t.kind {
            Tok::Ident if !taos_rules::names::is_reserved(self.text(t)) => {
                self.pos += 1;
                Ok(self.text(t).to_string())
            }
            Tok::QuotedIdent => {
                self.pos += 1;
                let s = self.text(t);
                let name = &s[1..s.len() - 1];
                if name.is_empty() {
                    return Err(TdError::new(0x2617, "Invalid identifier name : ``"));
                }
                Ok(name.to_string())
            }
            _ => Err(self.error()),
        }
    }

    /// `name` or `db.name`.
    pub(crate) fn table_name(&mut self) -> Result<TableName, TdError> {
        let first = self.ident()?;
        if self.peek().kind == Tok::Dot {
            self.pos += 1;
            let name = self.ident()?;
            Ok(TableName {
                db: Some(first),
                name,
            })
        } else {
            Ok(TableName {
                db: None,
                name: first,
            })
        }
    }

    /// A string literal's unescaped value.
    pub(crate) fn string(&mut self) -> Result<String, TdError> {
        let t = self.expect(Tok::Str)?;
        Ok(super::lexer::unescape(self.text(t)))
    }

    /// An unsigned integer literal.
    pub(crate) fn uint(&mut self) -> Result<u64, TdError> {
        let t = self.peek();
        if t.kind == Tok::Int {
            if let Some(v) = parse_int(self.text(t)).and_then(|v| u64::try_from(v).ok()) {
                self.pos += 1;
                return Ok(v);
            }
        }
        Err(self.error())
    }

    /// A column/tag type.
    pub(crate) fn data_type(&mut self) -> Result<DataType, TdError> {
        let t = self.peek();
        if t.kind != Tok::Ident {
            return Err(self.error());
        }
        self.pos += 1;
        let fixed = |ty| Ok(DataType { ty, len: 0 });
        match self.text(t) {
            "timestamp" => fixed(Ty::Timestamp),
            "bool" => fixed(Ty::Bool),
            "tinyint" => self.unsigned(Ty::TinyInt, Ty::UTinyInt),
            "smallint" => self.unsigned(Ty::SmallInt, Ty::USmallInt),
            "int" | "integer" => self.unsigned(Ty::Int, Ty::UInt),
            "bigint" => self.unsigned(Ty::BigInt, Ty::UBigInt),
            "float" => fixed(Ty::Float),
            "double" => fixed(Ty::Double),
            "json" => fixed(Ty::Json),
            "binary" | "varchar" => self.sized(Ty::VarChar),
            "nchar" => self.sized(Ty::NChar),
            "varbinary" => self.sized(Ty::VarBinary),
            "geometry" => self.sized(Ty::Geometry),
            // DECIMAL and BLOB exist in 3.3.6+/3.3.7+ but the 0.12 client cannot
            // decode them, so they are refused rather than half-supported.
            _ => Err(self.error_at(t)),
        }
    }

    fn unsigned(&mut self, signed: Ty, unsigned: Ty) -> Result<DataType, TdError> {
        let ty = if self.eat_kw("unsigned") {
            unsigned
        } else {
            signed
        };
        Ok(DataType { ty, len: 0 })
    }

    fn sized(&mut self, ty: Ty) -> Result<DataType, TdError> {
        self.expect(Tok::LParen)?;
        let t = self.peek();
        let len = self.uint()?;
        self.expect(Tok::RParen)?;
        let len = u32::try_from(len).map_err(|_| self.error_at(t))?;
        Ok(DataType { ty, len })
    }

    fn statement(&mut self) -> Result<Statement, TdError> {
        let t = self.peek();
        if t.kind != Tok::Ident {
            return Err(self.error());
        }
        match self.text(t) {
            "select" => Ok(Statement::Select(Box::new(self.select()?))),
            "insert" => self.insert(),
            "create" => self.create(),
            "drop" => self.drop(),
            "alter" => self.alter(),
            "use" => {
                self.pos += 1;
                Ok(Statement::Use(self.ident()?))
            }
            "describe" | "desc" => {
                self.pos += 1;
                Ok(Statement::Describe(self.table_name()?))
            }
            "show" => self.show(),
            "delete" => {
                self.pos += 1;
                self.expect_kw("from")?;
                let table = self.table_name()?;
                let filter = if self.eat_kw("where") {
                    Some(self.expr()?)
                } else {
                    None
                };
                Ok(Statement::Delete { table, filter })
            }
            _ => Err(self.error()),
        }
    }
}

/// Parses an integer literal text: decimal, `0x` hex or `0b` binary, with sign.
pub fn parse_int(text: &str) -> Option<i128> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i128::from_str_radix(h, 16).ok()?
    } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        i128::from_str_radix(b, 2).ok()?
    } else {
        if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        body.parse::<i128>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Splits a duration token such as `10s` into amount and unit.
pub fn parse_duration(text: &str) -> Option<(i64, char)> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = text.split_at(split);
    let mut chars = unit.chars();
    let u = chars.next()?;
    if chars.next().is_some() || !"buasmhdwny".contains(u) {
        return None;
    }
    Some((num.parse().ok()?, u))
}

#[cfg(test)]
mod tests;
