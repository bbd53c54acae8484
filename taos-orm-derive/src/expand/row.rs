//! `#[derive(TdRow)]`: a struct read from result rows by column name, for
//! the rows of aggregate and window queries that match no table.
//!
//! Field attributes: `#[taos(rename = "_wstart")]` (the result column, by
//! default the field name) and `#[taos(skip)]` (filled with `Default`).

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

use super::{type_string, Invalid};
use crate::internals::ast::{unraw, Row};
use crate::internals::{check, Ctxt};

/// Parses, checks and expands; every mistake of the struct at once on failure.
pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream, Invalid> {
    let cx = Ctxt::new();
    let row = Row::from_ast(&cx, input);
    if let Some(row) = &row {
        check::check_row(&cx, row);
    }
    match (cx.check(), row) {
        (Ok(()), Some(row)) => Ok(expand(&row)),
        (result, row) => {
            let errors = result.expect_err("a struct that did not parse has errors");
            let fallback = crate::fallback::row(input, row.as_ref());
            Err(Invalid { errors, fallback })
        }
    }
}

fn expand(row: &Row<'_>) -> TokenStream {
    let p = row.private();
    let ident = row.ident;
    let struct_name = unraw(ident);
    let read: Vec<_> = row.fields.iter().filter(|f| f.is_read()).collect();
    let read_fields = read.iter().map(|f| {
        let column = f.column();
        let field = unraw(f.member);
        let rust_type = type_string(f.ty);
        quote!(#p::ReadField { column: #column, field: #field, rust_type: #rust_type })
    });
    let inits = row.fields.iter().map(|f| {
        let (member, ty) = (f.member, f.ty);
        match read.iter().position(|r| r.member == f.member) {
            None => {
                quote_spanned!(ty.span()=> #member: <#ty as ::core::default::Default>::default())
            }
            Some(index) => {
                let index = Literal::usize_suffixed(index);
                quote_spanned!(ty.span()=> #member: <#ty as #p::TdType>::__read(__row, #index)?)
            }
        }
    });
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::TdRow for #ident {
                const STRUCT_NAME: &'static str = #struct_name;
                const READ_FIELDS: &'static [#p::ReadField] = &[#(#read_fields),*];

                fn from_row<__R: #p::RowSource>(
                    __row: &__R,
                ) -> ::core::result::Result<Self, #p::ReadFieldError> {
                    ::core::result::Result::Ok(Self { #(#inits,)* })
                }
            }
        };
    }
}
