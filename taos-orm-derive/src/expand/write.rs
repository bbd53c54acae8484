//! `write_columns`, `write_tags` and `write_table_name`: each field's value
//! handed to the runtime's sink in schema order.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::internals::ast::{Field, Table};
use crate::internals::name::{parse_template, Part};

pub(super) fn columns(table: &Table<'_>) -> TokenStream {
    let p = table.private();
    let puts = table
        .columns()
        .enumerate()
        .map(|(i, field)| put(&p, i, field));
    quote! {
        fn write_columns<__S: #p::ValueSink>(&self, __sink: &mut __S) {
            #(#puts)*
        }
    }
}

pub(super) fn tags(table: &Table<'_>) -> TokenStream {
    let p = table.private();
    let puts = table.tags().enumerate().map(|(i, field)| put(&p, i, field));
    quote! {
        fn write_tags<__S: #p::ValueSink>(&self, __sink: &mut __S) {
            #(#puts)*
        }
    }
}

/// `<T as TdType>::to_value(&self.field)`, spanned at the field type so an
/// unsupported type is reported there.
fn value(p: &TokenStream, field: &Field<'_>) -> TokenStream {
    let ty = field.ty.ty;
    let member = field.member;
    quote_spanned!(ty.span()=> <#ty as #p::TdType>::to_value(&self.#member))
}

fn put(p: &TokenStream, index: usize, field: &Field<'_>) -> TokenStream {
    let index = Literal::usize_suffixed(index);
    let value = if field.is_ts() {
        let member = field.member;
        quote!(#p::timestamp_value(&self.#member))
    } else {
        value(p, field)
    };
    quote!(#p::ValueSink::put(__sink, #index, #value);)
}

pub(super) fn table_name(table: &Table<'_>) -> TokenStream {
    let p = table.private();
    let body = if let Some(field) = table.tbname_field() {
        let member = field.member;
        quote!(__out.push_str(&self.#member);)
    } else if let Some(template) = table.attrs.child.get() {
        // Checked already: the template parses and names fields.
        let parts = parse_template(&template.value()).unwrap_or_default();
        let pieces = parts.iter().map(|part| match part {
            Part::Text(text) => quote!(__out.push_str(#text);),
            Part::Field(name) => {
                let field = table.fields.iter().find(|f| &f.name == name);
                match field {
                    Some(field) => {
                        let value = value(&p, field);
                        quote!(#p::push_name_part(__out, #value);)
                    }
                    None => TokenStream::new(),
                }
            }
        });
        quote!(#(#pieces)*)
    } else {
        let name = table.name();
        quote!(__out.push_str(#name);)
    };
    quote! {
        fn write_table_name(&self, __out: &mut #p::String) {
            #body
        }
    }
}
