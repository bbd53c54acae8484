//! The `TableSchema` constant: names, types and options, no SQL.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::type_string;
use crate::internals::ast::{unraw, Field, Table};
use crate::internals::ty::SqlType;

pub(super) fn expand(table: &Table<'_>) -> TokenStream {
    let p = table.private();
    let struct_name = unraw(table.ident);
    let name = table.name();
    let attrs = &table.attrs;
    let database = optional_str(
        attrs
            .database
            .get()
            .map(|db| db.value().to_ascii_lowercase()),
    );
    let comment = optional_str(attrs.comment.get().map(|c| c.value()));
    let kind = if table.is_normal() {
        quote!(#p::TableKind::Normal)
    } else {
        quote!(#p::TableKind::Super)
    };
    let columns = table.columns().map(|f| column_def(&p, f));
    let tags = table.tags().map(|f| column_def(&p, f));
    let read_fields = table
        .columns()
        .chain(table.tags())
        .map(|field| read_field(&p, &field.column_name(), field))
        .chain(
            table
                .tbname_field()
                .map(|field| read_field(&p, "tbname", field)),
        );
    quote! {
        &#p::TableSchema {
            struct_name: #struct_name,
            name: #name,
            database: #database,
            comment: #comment,
            kind: #kind,
            columns: &[#(#columns),*],
            tags: &[#(#tags),*],
            read_fields: &[#(#read_fields),*],
        }
    }
}

/// The column's SQL type: fixed for the timestamp and the JSON tag, the
/// declared one when a length is given, else the field type's `TdType`.
pub(super) fn sql_type(p: &TokenStream, field: &Field<'_>) -> TokenStream {
    let fixed = if field.is_ts() {
        Some(SqlType::Timestamp)
    } else if field.attrs.json.is_set() {
        Some(SqlType::Json)
    } else {
        field.attrs.length.get().map(|length| length.sql)
    };
    match fixed {
        Some(sql) => {
            // A fieldless enum's `Debug` is its variant name.
            let variant = format_ident!("{sql:?}");
            quote!(#p::SqlType::#variant)
        }
        None => {
            let ty = field.ty.ty;
            quote_spanned!(ty.span()=> <#ty as #p::TdType>::SQL_TYPE)
        }
    }
}

fn column_def(p: &TokenStream, field: &Field<'_>) -> TokenStream {
    let ty = field.ty.ty;
    let name = field.column_name();
    let rust_name = &field.name;
    let sql_type = sql_type(p, field);
    let length = match field.attrs.length.get() {
        Some(length) => {
            let n = Literal::u32_suffixed(length.n);
            quote!(::core::option::Option::Some(#n))
        }
        None => quote!(::core::option::Option::None),
    };
    let nullable = quote_spanned!(ty.span()=> <#ty as #p::TdType>::NULLABLE);
    let primary_key = field.attrs.primary_key.is_set();
    let option =
        |lit: Option<&syn::LitStr>| optional_str(lit.map(|l| l.value().to_ascii_lowercase()));
    let encode = option(field.attrs.encode.get());
    let compress = option(field.attrs.compress.get());
    let level = option(field.attrs.level.get());
    quote! {
        #p::ColumnDef {
            name: #name,
            field: #rust_name,
            ty: #sql_type,
            length: #length,
            nullable: #nullable,
            primary_key: #primary_key,
            encode: #encode,
            compress: #compress,
            level: #level,
        }
    }
}

fn read_field(p: &TokenStream, column: &str, field: &Field<'_>) -> TokenStream {
    let rust_name = &field.name;
    let rust_type = type_string(field.ty.ty);
    quote! {
        #p::ReadField { column: #column, field: #rust_name, rust_type: #rust_type }
    }
}

fn optional_str(value: Option<String>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}
