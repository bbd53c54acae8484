//! `read_row` and `read_rows`: each field taken by its position in
//! `SCHEMA.read_fields` (columns, then tags, then the `tbname` field).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::internals::ast::{Role, Table};

pub(super) fn expand(table: &Table<'_>) -> TokenStream {
    let p = table.private();
    let read_order: Vec<_> = table
        .columns()
        .chain(table.tags())
        .chain(table.tbname_field())
        .collect();
    let skipped: Vec<TokenStream> = table
        .fields
        .iter()
        .filter(|f| f.role() == Role::Skip)
        .map(|field| {
            let member = field.member;
            let ty = field.ty.ty;
            quote_spanned!(ty.span()=> #member: <#ty as ::core::default::Default>::default())
        })
        .collect();

    // read_row: each field taken from the row source by its read position.
    let row_inits = read_order.iter().enumerate().map(|(i, field)| {
        let member = field.member;
        let ty = field.ty.ty;
        let index = Literal::usize_suffixed(i);
        quote_spanned! {ty.span()=>
            #member: <#ty as #p::TdType>::__read(__row, #index)?
        }
    });

    // read_rows: whole columns first, each decoded in one tight loop, then
    // the structs assembled from one iterator per column. Flat `next()`
    // calls rather than nested `zip`s: a struct's width must not be bounded
    // by the compiler's recursion limit.
    let columns = read_order.iter().enumerate().map(|(i, field)| {
        let ty = field.ty.ty;
        let index = Literal::usize_suffixed(i);
        let var = format_ident!("__c{}", i);
        quote_spanned! {ty.span()=>
            let mut #var = ::core::iter::IntoIterator::into_iter(
                <#ty as #p::TdType>::__read_column(__block, #index)?,
            );
        }
    });
    let vars: Vec<_> = (0..read_order.len())
        .map(|i| format_ident!("__f{}", i))
        .collect();
    let nexts = vars.iter().enumerate().map(|(i, var)| {
        let col = format_ident!("__c{}", i);
        quote!(let ::core::option::Option::Some(#var) = ::core::iter::Iterator::next(&mut #col) else { break };)
    });
    let members = read_order.iter().map(|f| f.member);
    quote! {
        fn read_row<__R: #p::RowSource>(
            __row: &__R,
        ) -> ::core::result::Result<Self, #p::ReadFieldError> {
            ::core::result::Result::Ok(Self { #(#row_inits,)* #(#skipped),* })
        }

        fn read_rows<__S: #p::ColumnSource>(
            __block: &__S,
            __out: &mut #p::Vec<Self>,
        ) -> ::core::result::Result<(), #p::ReadFieldError> {
            #(#columns)*
            __out.reserve(<__S as #p::ColumnSource>::rows(__block));
            loop {
                #(#nexts)*
                __out.push(Self { #(#members: #vars,)* #(#skipped),* });
            }
            ::core::result::Result::Ok(())
        }
    }
}
