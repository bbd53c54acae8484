//! Expansion snapshots of valid structs, and the derive's error messages.
//! The workspace root's ui tests check how the errors render in rustc.

mod errors;

use quote::quote;

/// Expands `input` and pretty-prints the result for a snapshot.
fn expand(input: proc_macro2::TokenStream) -> String {
    let tokens = crate::derive_td_table_inner(input);
    let file: syn::File = syn::parse2(tokens).expect("the expansion is a valid file");
    prettyplease::unparse(&file)
}

#[test]
fn super_table_with_tbname_field() {
    insta::assert_snapshot!(expand(quote! {
        #[taos(stable = "meters", database = "power", comment = "smart meters")]
        struct Meter {
            #[taos(ts)]
            ts: chrono::DateTime<chrono::Utc>,
            current: f32,
            voltage: Option<i32>,
            #[taos(rename = "phase")]
            phase: f32,
            #[taos(tag, varchar(24))]
            location: String,
            #[taos(tag)]
            group_id: i32,
            #[taos(tbname)]
            tbname: String,
        }
    }));
}

#[test]
fn child_template_and_column_options() {
    insta::assert_snapshot!(expand(quote! {
        #[taos(child = "d_{device_id}_{{x}}")]
        struct SensorReading {
            #[taos(ts, encode = "delta-i", compress = "zstd", level = "high")]
            ts: i64,
            #[taos(primary_key)]
            seq: u32,
            r#type: Option<u8>,
            #[taos(nchar(16))]
            note: Option<String>,
            #[taos(varbinary(8))]
            raw: Vec<u8>,
            #[taos(skip)]
            cache: Vec<String>,
            #[taos(tag)]
            device_id: u64,
        }
    }));
}

#[test]
fn normal_table() {
    insta::assert_snapshot!(expand(quote! {
        #[taos(table = "event_log")]
        struct EventLog {
            #[taos(ts)]
            ts: chrono::NaiveDateTime,
            #[taos(binary(64))]
            message: String,
        }
    }));
}

#[test]
fn json_tag_and_user_types() {
    insta::assert_snapshot!(expand(quote! {
        #[taos(stable)]
        struct Doc {
            #[taos(ts)]
            ts: taos::Timestamp,
            state: State,
            #[taos(varchar(8))]
            mode: Mode,
            #[taos(json)]
            info: serde_json::Value,
            #[taos(tbname)]
            table: String,
        }
    }));
}
