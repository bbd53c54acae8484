//! Parsing and validation: `#[taos(...)]` → model → checked model. Nothing
//! here produces tokens for the expansion.

pub(crate) mod ast;
pub(crate) mod attr;
pub(crate) mod check;
mod ctxt;
pub(crate) mod name;
pub(crate) mod snapshot;
pub(crate) mod ty;

pub(crate) use ctxt::Ctxt;
