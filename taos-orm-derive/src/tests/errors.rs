//! The messages of invalid structs, checked without a compiler. Every rule
//! also has a ui test with the rendered diagnostic in the workspace root.

use quote::quote;

/// The messages of all errors the derive reports for `input`.
fn errors(input: proc_macro2::TokenStream) -> Vec<String> {
    let input: syn::DeriveInput = syn::parse2(input).unwrap();
    match crate::expand::derive(&input) {
        Ok(_) => Vec::new(),
        Err(invalid) => invalid.errors.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn has_error(input: proc_macro2::TokenStream, needle: &str) {
    let errors = errors(input);
    assert!(
        errors.iter().any(|e| e.contains(needle)),
        "no error containing {needle:?} in {errors:#?}"
    );
}

#[test]
fn collects_every_error_of_a_struct() {
    let errors = errors(quote! {
        struct Bad {
            #[taos(unknown)]
            a: i32,
            #[taos(tag)]
            name: String,
        }
    });
    // unknown key, no ts, no length, no child naming
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

#[test]
fn too_many_columns_and_tags() {
    let columns = (0..4100).map(|i| {
        let name = quote::format_ident!("c{i}");
        quote!(#name: bool,)
    });
    has_error(
        quote! {
            #[taos(table)]
            struct Wide { #[taos(ts)] ts: i64, #(#columns)* }
        },
        "4101 columns and tags, over TDengine's 4096",
    );
    let tags = (0..129).map(|i| {
        let name = quote::format_ident!("t{i}");
        quote!(#[taos(tag)] #name: bool,)
    });
    has_error(
        quote! {
            #[taos(child = "x")]
            struct Tagged { #[taos(ts)] ts: i64, v: i32, #(#tags)* }
        },
        "129 tags, over TDengine's 128",
    );
}

#[test]
fn valid_structs_have_no_errors() {
    assert_eq!(
        errors(quote! {
            #[taos(child = "d_{id}")]
            struct Ok { #[taos(ts)] ts: i64, v: i32, #[taos(tag)] id: i32 }
        }),
        Vec::<String>::new()
    );
}

#[test]
fn length_limits_differ_for_columns_and_tags() {
    has_error(
        quote! {
            #[taos(child = "x")]
            struct L { #[taos(ts)] ts: i64, #[taos(nchar(16380))] v: String, #[taos(tag)] t: i32 }
        },
        "a `nchar` column holds 1 to 16379 characters, not 16380",
    );
    has_error(
        quote! {
            #[taos(child = "x")]
            struct L { #[taos(ts)] ts: i64, v: i32, #[taos(tag, varchar(16383))] t: String }
        },
        "a `varchar` tag holds 1 to 16382 bytes, not 16383",
    );
    assert!(errors(quote! {
        #[taos(child = "x")]
        struct L { #[taos(ts)] ts: i64, #[taos(varchar(16383))] v: String, #[taos(tag, nchar(4095))] t: String }
    })
    .is_empty());
}
