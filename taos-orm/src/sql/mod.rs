//! Building blocks of SQL text: quoted identifiers and value literals.
//!
//! The DDL and INSERT builders are made of these; they are public so code that
//! writes its own statements quotes and escapes exactly the same way.

mod ident;
mod literal;
mod row;

pub(crate) use ident::push_quoted_lower;
pub use ident::{check_ident, write_ident, write_table_ref, NameKind};
pub(crate) use literal::write_quoted;
pub use literal::{timestamp_in, write_value, ValueError};
pub(crate) use row::LiteralSink;

#[cfg(test)]
pub(crate) mod test_tables;
