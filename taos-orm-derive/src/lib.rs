//! Derive macros of taos-orm. Use them through the `taos-orm` crate, which
//! re-exports them next to the runtime they expand to and documents the
//! attributes (`taos_orm::TdTable`).
//!
//! The derive is thin: it validates the struct, then emits the static
//! `TableSchema` and a value writer and reader. All SQL is built by the
//! runtime from that schema.

mod expand;
mod fallback;
mod internals;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// See `taos_orm::TdTable`.
#[proc_macro_derive(TdTable, attributes(taos))]
pub fn derive_td_table(input: TokenStream) -> TokenStream {
    derive_td_table_inner(input.into()).into()
}

/// The derive on `proc_macro2` tokens, so tests can run it outside a compiler.
fn derive_td_table_inner(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    match expand::derive(&input) {
        Ok(tokens) => tokens,
        Err(invalid) => invalid.into_tokens(),
    }
}

/// See `taos_orm::TdRow`.
#[proc_macro_derive(TdRow, attributes(taos))]
pub fn derive_td_row(input: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input.into()) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error().into(),
    };
    match expand::row::derive(&input) {
        Ok(tokens) => tokens.into(),
        Err(invalid) => invalid.into_tokens().into(),
    }
}
