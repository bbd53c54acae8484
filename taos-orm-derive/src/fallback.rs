//! What the derive emits when the struct is invalid: the errors, plus a stub
//! impl so code using the struct as a `TdTable` does not add a cascade of
//! "trait not implemented" errors to the real ones.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::expand::private;

pub(crate) fn expand(input: &DeriveInput, error: &syn::Error) -> TokenStream {
    let p = private();
    let errors = error.to_compile_error();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #p::TdTable for #ident #ty_generics #where_clause {
                const SCHEMA: &'static #p::TableSchema = #p::STUB_SCHEMA;
                fn write_columns<__S: #p::ValueSink>(&self, __sink: &mut __S) {}
                fn write_tags<__S: #p::ValueSink>(&self, __sink: &mut __S) {}
                fn write_table_name(&self, __out: &mut #p::String) {}
                fn read_row<__R: #p::RowSource>(
                    __row: &__R,
                ) -> ::core::result::Result<Self, #p::ReadFieldError> {
                    ::core::unreachable!()
                }
                fn read_rows<__S: #p::ColumnSource>(
                    __block: &__S,
                    __out: &mut #p::Vec<Self>,
                ) -> ::core::result::Result<(), #p::ReadFieldError> {
                    ::core::unreachable!()
                }
            }
        };
    }
}
