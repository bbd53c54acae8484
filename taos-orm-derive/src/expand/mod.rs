//! Code generation for a validated struct. Nothing here reports errors: by
//! the time it runs, `internals::check` has accepted the input.

mod asserts;
pub(crate) mod columns;
mod read;
pub(crate) mod row;
mod schema;
mod write;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::DeriveInput;

use crate::internals::ast::Table;
use crate::internals::{check, Ctxt};

/// A struct the derive refuses: its errors, and the stub impls to emit
/// beside them.
pub(crate) struct Invalid {
    pub(crate) errors: syn::Error,
    pub(crate) fallback: TokenStream,
}

impl Invalid {
    /// The errors followed by the stubs.
    pub(crate) fn into_tokens(self) -> TokenStream {
        let mut tokens = self.errors.to_compile_error();
        tokens.extend(self.fallback);
        tokens
    }
}

/// Parses, checks and expands; all errors of the struct at once on failure.
pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream, Invalid> {
    let cx = Ctxt::new();
    let table = Table::from_ast(&cx, input);
    if let Some(table) = &table {
        check::check(&cx, table);
    }
    match (cx.check(), table) {
        (Ok(()), Some(table)) => Ok(expand(&table)),
        (result, table) => {
            let errors = result.expect_err("a struct that did not parse has errors");
            let fallback = crate::fallback::table(input, table.as_ref());
            Err(Invalid { errors, fallback })
        }
    }
}

fn expand(table: &Table<'_>) -> TokenStream {
    let p = table.private();
    let ident = table.ident;
    let schema = schema::expand(table);
    let write_columns = write::columns(table);
    let write_tags = write::tags(table);
    let write_table_name = write::table_name(table);
    let read_row = read::expand(table);
    let asserts = asserts::expand(table);
    let columns = columns::expand(table, columns::Handles::Schema);
    // Makes the compiler re-check the struct when the snapshot changes.
    let snapshot = crate::internals::snapshot::location(table).map(|(path, _)| {
        let path = path.to_string_lossy().into_owned();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
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
            #snapshot
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
