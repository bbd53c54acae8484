//! `read_row`: each field taken from the row source by its position in
//! `SCHEMA.read_fields` (columns, then tags, then the `tbname` field).

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::private;
use crate::internals::ast::{Role, Table};

pub(super) fn expand(table: &Table<'_>) -> TokenStream {
    let p = private();
    let read_order = table
        .columns()
        .chain(table.tags())
        .chain(table.tbname_field());
    let mut inits: Vec<TokenStream> = read_order
        .enumerate()
        .map(|(i, field)| {
            let member = field.member;
            let ty = field.ty.ty;
            let index = Literal::usize_suffixed(i);
            quote_spanned! {ty.span()=>
                #member: <__R as #p::RowSource>::get::<#ty>(__row, #index)?
            }
        })
        .collect();
    inits.extend(
        table
            .fields
            .iter()
            .filter(|f| f.role() == Role::Skip)
            .map(|field| {
                let member = field.member;
                let ty = field.ty.ty;
                quote_spanned!(ty.span()=> #member: <#ty as ::core::default::Default>::default())
            }),
    );
    quote! {
        fn read_row<__R: #p::RowSource>(
            __row: &__R,
        ) -> ::core::result::Result<Self, #p::ReadFieldError> {
            ::core::result::Result::Ok(Self { #(#inits),* })
        }
    }
}
