//! The typed column handles (`TdColumns`) and `query()`: one handle per
//! column and tag, plus `tbname`, each carrying the field's Rust type so a
//! filter comparing it with a value of another type does not compile.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::private;
use crate::internals::ast::{unraw, Role, Table};

pub(super) fn expand(table: &Table<'_>) -> TokenStream {
    let p = private();
    let ident = table.ident;
    let vis = &table.original.vis;
    let holder = format_ident!("__{}Columns", unraw(ident));
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for (i, field) in table.columns().enumerate() {
        let (member, ty) = (field.member, field.ty.ty);
        let index = Literal::usize_unsuffixed(i);
        fields.push(quote_spanned!(ty.span()=> #vis #member: #p::Column<#ident, #ty>));
        inits.push(quote!(#member: #p::Column::new(&<#ident as #p::TdTable>::SCHEMA.columns[#index], #p::ColumnRef::Column(#index))));
    }
    for (i, field) in table.tags().enumerate() {
        let (member, ty) = (field.member, field.ty.ty);
        let index = Literal::usize_unsuffixed(i);
        fields.push(quote_spanned!(ty.span()=> #vis #member: #p::Column<#ident, #ty>));
        inits.push(quote!(#member: #p::Column::new(&<#ident as #p::TdTable>::SCHEMA.tags[#index], #p::ColumnRef::Tag(#index))));
    }
    if let Some(field) = table.tbname_field() {
        let member = field.member;
        fields.push(quote!(#vis #member: #p::Column<#ident, #p::String>));
        inits.push(quote!(#member: #p::Column::new(#p::TBNAME, #p::ColumnRef::TbName)));
    }
    let has_tbname_member = table
        .fields
        .iter()
        .any(|f| f.role() != Role::Skip && f.name == "tbname");
    if !has_tbname_member {
        fields.push(quote!(
            /// The child table name (`tbname`).
            #vis tbname: #p::Column<#ident, #p::String>
        ));
        inits.push(quote!(tbname: #p::Column::new(#p::TBNAME, #p::ColumnRef::TbName)));
    }
    let doc = format!("The typed column handles of [`{}`].", unraw(ident));
    quote! {
        #[doc = #doc]
        #[allow(non_camel_case_types, missing_docs, dead_code)]
        #[derive(Clone, Copy)]
        #vis struct #holder {
            #(#fields,)*
        }

        #[automatically_derived]
        impl #p::TdColumns for #ident {
            type Columns = #holder;
            const COLUMNS: #holder = #holder { #(#inits,)* };
        }

        #[automatically_derived]
        impl #ident {
            /// Starts a typed `SELECT` on this table (see `taos_orm::query`).
            #[allow(dead_code)]
            pub fn query() -> #p::Query<Self> {
                #p::Query::new()
            }
        }
    }
}
