//! The typed column handles (`TdColumns`): one handle per column and tag,
//! plus `tbname`, each carrying the field's Rust type so a filter comparing
//! it with a value of another type does not compile.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::internals::ast::{unraw, Role, Table};

/// What the handles point at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handles {
    /// The schema's column definitions: a valid struct.
    Schema,
    /// One placeholder definition: the struct is invalid and its schema is
    /// the stub, but code using the handles should still type-check so the
    /// struct's own errors are the only ones.
    Stub,
}

pub(crate) fn expand(table: &Table<'_>, handles: Handles) -> TokenStream {
    let p = table.private();
    let ident = table.ident;
    let holder = format_ident!("__{}Columns", unraw(ident));
    let def = |list: TokenStream, index: &Literal| match handles {
        Handles::Schema => quote!(&<#ident as #p::TdTable>::SCHEMA.#list[#index]),
        Handles::Stub => quote!(#p::STUB_COLUMN),
    };
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    // Each handle is as visible as its field: a private field's handle must
    // not leak its name or type out of the module.
    for (i, field) in table.columns().enumerate() {
        let (member, ty, vis) = (field.member, field.ty.ty, field.vis);
        let index = Literal::usize_unsuffixed(i);
        let def = def(quote!(columns), &index);
        fields.push(quote_spanned!(ty.span()=> #vis #member: #p::Column<#ident, #ty>));
        inits.push(quote!(#member: #p::Column::new(#def, #p::ColumnRef::Column(#index))));
    }
    for (i, field) in table.tags().enumerate() {
        let (member, ty, vis) = (field.member, field.ty.ty, field.vis);
        let index = Literal::usize_unsuffixed(i);
        let def = def(quote!(tags), &index);
        fields.push(quote_spanned!(ty.span()=> #vis #member: #p::Column<#ident, #ty>));
        inits.push(quote!(#member: #p::Column::new(#def, #p::ColumnRef::Tag(#index))));
    }
    if let Some(field) = table.tbname_field() {
        let (member, vis) = (field.member, field.vis);
        fields.push(quote!(#vis #member: #p::Column<#ident, #p::String>));
        inits.push(quote!(#member: #p::Column::new(#p::TBNAME, #p::ColumnRef::TbName)));
    }
    let has_tbname_member = table
        .fields
        .iter()
        .any(|f| f.role() != Role::Skip && f.name == "tbname");
    if !has_tbname_member {
        let vis = &table.original.vis;
        fields.push(quote!(
            /// The child table name (`tbname`).
            #vis tbname: #p::Column<#ident, #p::String>
        ));
        inits.push(quote!(tbname: #p::Column::new(#p::TBNAME, #p::ColumnRef::TbName)));
    }
    let vis = &table.original.vis;
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
    }
}
