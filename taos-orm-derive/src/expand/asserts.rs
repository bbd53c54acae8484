//! Const assertions for what the derive cannot see in the syntax: the SQL
//! type of a field type it does not recognise (a user `TdType` impl, or a
//! type alias). Each is spanned at the field type, so a failure points there.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::type_string;
use crate::internals::ast::{Field, Role, Table};
use taos_rules::types::limits::{MAX_ROW_BYTES, MAX_TAGS_BYTES};

pub(super) fn expand(table: &Table<'_>) -> TokenStream {
    let p = table.private();
    let mut out: Vec<TokenStream> = table
        .fields
        .iter()
        .filter(|f| matches!(f.role(), Role::Column | Role::Tag))
        .filter(|f| f.ty.known.is_none())
        .flat_map(|f| field_asserts(&p, f))
        .collect();
    out.extend(width_asserts(table));
    quote!(#(#out)*)
}

/// One `const _: () = assert!(...)` spanned at the field type.
fn assert_at(field: &Field<'_>, condition: TokenStream, message: String) -> TokenStream {
    let span = field.ty.ty.span();
    quote_spanned! {span=>
        const _: () = ::core::assert!(#condition, #message);
    }
}

fn field_asserts(p: &TokenStream, field: &Field<'_>) -> Vec<TokenStream> {
    let ty = field.ty.ty;
    let sql = quote!(<#ty as #p::TdType>::SQL_TYPE);
    let name = &field.name;
    let ty_name = type_string(ty);
    let mut out = Vec::new();
    if field.is_ts() {
        out.push(assert_at(
            field,
            quote!(#p::is_timestamp_type(#sql) && !<#ty as #p::TdType>::NULLABLE),
            format!(
                "the timestamp `{name}` must be a non-null TIMESTAMP (or BIGINT) type; `{ty_name}` is not"
            ),
        ));
        return out;
    }
    if field.attrs.json.is_set() {
        out.push(assert_at(
            field,
            quote!(#p::is_json(#sql)),
            format!("`json` needs a type mapping to JSON; `{ty_name}` does not"),
        ));
        return out;
    }
    let hint = if field.role() == Role::Tag {
        "mark it `#[taos(json)]`"
    } else {
        "JSON is only allowed as a tag"
    };
    out.push(assert_at(
        field,
        quote!(!#p::is_json(#sql)),
        format!("`{name}` has the JSON type `{ty_name}`: {hint}"),
    ));
    match field.attrs.length.get() {
        Some(_) => {
            let keyword = field.attrs.length.keyword().unwrap_or("varchar");
            let expected = if keyword == "varbinary" { "VARBINARY" } else { "VARCHAR or NCHAR" };
            let declared = super::schema::sql_type(p, field);
            out.push(assert_at(
                field,
                quote!(#p::length_fits(#declared, #sql)),
                format!(
                    "`{keyword}` needs a field whose `TdType::SQL_TYPE` is {expected}; `{ty_name}` maps to another type"
                ),
            ));
        }
        None => out.push(assert_at(
            field,
            quote!(!#p::SqlType::has_length(#sql)),
            format!(
                "`{name}` of type `{ty_name}` needs a length: add `#[taos(varchar(N))]`, `#[taos(nchar(N))]` or `#[taos(varbinary(N))]`"
            ),
        )),
    }
    if field.attrs.primary_key.is_set() && field.attrs.length.get().is_none() {
        out.push(assert_at(
            field,
            quote!(#p::SqlType::can_be_composite_key(#sql)),
            format!(
                "the composite key must be `i32`, `i64`, `u32`, `u64` or a `varchar` `String`; `{ty_name}` is not"
            ),
        ));
    }
    out
}

/// Row and tag widths, when some field's width is only known to the compiler.
fn width_asserts(table: &Table<'_>) -> Vec<TokenStream> {
    let p = table.private();
    let ident = table.ident;
    let unknown =
        |f: &&Field<'_>| f.ty.known.is_none() && f.attrs.length.get().is_none() && !f.is_ts();
    let mut out = Vec::new();
    if table.columns().any(|f| unknown(&f)) {
        let message = format!("a row of `{ident}` is over TDengine's {MAX_ROW_BYTES}-byte limit");
        let max = u64::from(MAX_ROW_BYTES);
        out.push(quote! {
            const _: () = ::core::assert!(
                #p::width(<#ident as #p::TdTable>::SCHEMA.columns) <= #max,
                #message
            );
        });
    }
    if table.tags().any(|f| unknown(&f)) && !table.tags().any(|f| f.attrs.json.is_set()) {
        let message =
            format!("the tags of `{ident}` are over TDengine's {MAX_TAGS_BYTES}-byte limit");
        let max = u64::from(MAX_TAGS_BYTES);
        out.push(quote! {
            const _: () = ::core::assert!(
                #p::width(<#ident as #p::TdTable>::SCHEMA.tags) <= #max,
                #message
            );
        });
    }
    out
}
