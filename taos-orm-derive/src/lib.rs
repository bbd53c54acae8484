//! Derive macros of taos-orm. Use them through the `taos-orm` crate, which
//! re-exports them next to the runtime they expand to.

use proc_macro::TokenStream;

/// See `taos_orm::TdTable`.
#[proc_macro_derive(TdTable, attributes(taos))]
pub fn derive_td_table(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    syn::Error::new_spanned(&input.ident, "`TdTable` derive is being written")
        .to_compile_error()
        .into()
}
