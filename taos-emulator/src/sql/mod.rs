//! TDengine SQL: lexer, syntax tree and parser.

pub mod ast;
pub mod lexer;
pub mod parser;

pub use parser::{parse, Parsed};

/// Parses a SELECT statement (a query the engine builds for itself).
pub fn parse_select(sql: &str) -> Result<ast::Select, crate::api::TdError> {
    match parse(sql)?.stmt {
        ast::Statement::Select(s) => Ok(*s),
        _ => Err(crate::api::TdError::new(0x2600, "not a SELECT")),
    }
}
