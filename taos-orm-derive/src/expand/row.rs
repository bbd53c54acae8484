//! `#[derive(TdRow)]`: a struct read from result rows by column name, for
//! the rows of aggregate and window queries that match no table.
//!
//! Field attributes: `#[taos(rename = "_wstart")]` (the result column, by
//! default the field name) and `#[taos(skip)]` (filled with `Default`).

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use super::{private, type_string};
use crate::internals::ast::unraw;

struct RowField<'a> {
    member: &'a syn::Ident,
    ty: &'a syn::Type,
    column: String,
    skip: bool,
}

/// Parses and expands; every mistake of the struct at once on failure.
pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named,
            _ => return Err(syn::Error::new_spanned(
                &input.ident,
                "`TdRow` can only be derived for structs with named fields; read tuples directly",
            )),
        },
        _ => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "`TdRow` can only be derived for structs with named fields",
            ))
        }
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "`TdRow` cannot be derived for generic structs",
        ));
    }
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    let mut fields = Vec::new();
    for field in &named.named {
        let member = field.ident.as_ref().expect("named field");
        let mut row = RowField {
            member,
            ty: &field.ty,
            column: unraw(member).to_ascii_lowercase(),
            skip: false,
        };
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("taos")) {
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: LitStr = meta.value()?.parse()?;
                    if lit.value().is_empty() {
                        return Err(syn::Error::new_spanned(lit, "the column name is empty"));
                    }
                    row.column = lit.value().to_ascii_lowercase();
                    Ok(())
                } else if meta.path.is_ident("skip") {
                    row.skip = true;
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown `TdRow` field attribute: expected `rename = \"...\"` or `skip`",
                    ))
                }
            });
            if let Err(e) = parsed {
                push(e);
            }
        }
        fields.push(row);
    }
    let read: Vec<&RowField> = fields.iter().filter(|f| !f.skip).collect();
    for (i, field) in read.iter().enumerate() {
        if read[..i].iter().any(|f| f.column == field.column) {
            push(syn::Error::new_spanned(
                field.member,
                format!("two fields read the result column `{}`", field.column),
            ));
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    Ok(expand(input, &fields))
}

fn expand(input: &DeriveInput, fields: &[RowField<'_>]) -> TokenStream {
    let p = private();
    let ident = &input.ident;
    let struct_name = unraw(ident);
    let read: Vec<&RowField> = fields.iter().filter(|f| !f.skip).collect();
    let read_fields = read.iter().map(|f| {
        let column = &f.column;
        let field = unraw(f.member);
        let rust_type = type_string(f.ty);
        quote!(#p::ReadField { column: #column, field: #field, rust_type: #rust_type })
    });
    let inits = fields.iter().map(|f| {
        let (member, ty) = (f.member, f.ty);
        if f.skip {
            return quote_spanned!(ty.span()=> #member: <#ty as ::core::default::Default>::default());
        }
        let index = read.iter().position(|r| r.member == f.member).expect("read field");
        let index = Literal::usize_suffixed(index);
        quote_spanned!(ty.span()=> #member: <__R as #p::RowSource>::get::<#ty>(__row, #index)?)
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
