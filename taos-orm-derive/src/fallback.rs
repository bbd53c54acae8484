//! What the derives emit beside the errors of an invalid struct: stub impls,
//! so code using the struct as a `TdTable` (its `query()`, its column
//! handles) or a `TdRow` type-checks and a mistake in the struct gives its
//! own errors and no cascade of "not implemented" ones.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::expand::columns::{self, Handles};
use crate::internals::ast::{private_path, Row, Table};

/// `TdTable` and, when the fields could be read, `TdColumns` with a handle
/// per field.
pub(crate) fn table(input: &DeriveInput, table: Option<&Table<'_>>) -> TokenStream {
    let p = table.map_or_else(|| private_path(None), Table::private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // Generic structs are refused; their handles would need the parameters.
    let handles = table
        .filter(|_| input.generics.params.is_empty())
        .map(|table| columns::expand(table, Handles::Stub));
    quote! {
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
            #handles
        };
    }
}

/// `TdRow` reading nothing.
pub(crate) fn row(input: &DeriveInput, row: Option<&Row<'_>>) -> TokenStream {
    let p = row.map_or_else(|| private_path(None), Row::private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #p::TdRow for #ident #ty_generics #where_clause {
                const STRUCT_NAME: &'static str = "";
                const READ_FIELDS: &'static [#p::ReadField] = &[];
                fn from_row<__R: #p::RowSource>(
                    __row: &__R,
                ) -> ::core::result::Result<Self, #p::ReadFieldError> {
                    ::core::unreachable!()
                }
            }
        };
    }
}
