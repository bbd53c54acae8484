//! Code generation for a validated struct. Nothing here reports errors: by
//! the time it runs, `internals::check` has accepted the input.

mod asserts;
mod columns;
mod read;
pub(crate) mod row;
mod schema;
mod write;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::DeriveInput;

use crate::internals::ast::Table;
use crate::internals::{check, Ctxt};

/// The path generated code reaches the runtime through.
pub(crate) fn private() -> TokenStream {
    quote!(::taos_orm::__private)
}

/// Parses, checks and expands; all errors of the struct at once on failure.
pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let table = Table::from_ast(&cx, input);
    if let Some(table) = &table {
        check::check(&cx, table);
    }
    cx.check()?;
    let table = table.expect("a struct parsed without errors");
    Ok(expand(&table))
}

fn expand(table: &Table<'_>) -> TokenStream {
    let p = private();
    let ident = table.ident;
    let schema = schema::expand(table);
    let write_columns = write::columns(table);
    let write_tags = write::tags(table);
    let write_table_name = write::table_name(table);
    let read_row = read::expand(table);
    let asserts = asserts::expand(table);
    let columns = columns::expand(table);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::TdTable for #ident {
                const SCHEMA: &'static #p::TableSchema = #schema;
                #write_columns
                #write_tags
                #write_table_name
                #read_row
            }
            #asserts
            #columns
        };
    }
}

/// A type as the user wrote it, without the token printer's spaces
/// (`Option<String>`, not `Option < String >`), for messages.
pub(crate) fn type_string(ty: &syn::Type) -> String {
    let text = ty.to_token_stream().to_string();
    let chars: Vec<char> = text.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'';
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let keep = prev == Some(',') || (prev.is_some_and(word) && next.is_some_and(word));
            if !keep {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::type_string;

    #[test]
    fn prints_types_compactly() {
        let ty = |s| type_string(&syn::parse_str(s).unwrap());
        assert_eq!(ty("Option<String>"), "Option<String>");
        assert_eq!(
            ty("chrono::DateTime<chrono::Utc>"),
            "chrono::DateTime<chrono::Utc>"
        );
        assert_eq!(ty("HashMap<K, V>"), "HashMap<K, V>");
        assert_eq!(ty("&'static str"), "&'static str");
    }
}
