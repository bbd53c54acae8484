//! Compile-time diagnostics of `#[derive(TdTable)]`: one mistake per file in
//! `tests/ui/`, with the expected compiler output next to it in `.stderr`.
//! `tests/ui/pass/` holds structs that must compile and run.
//!
//! After changing a message, regenerate the expectations with
//! `TRYBUILD=overwrite cargo test -p taos-orm-suite --test ui` and read the
//! diff: each error must point at the offending field, attribute or type.

#[test]
fn ui() {
    // The `#[taos(check_schema)]` cases read this snapshot; trybuild's
    // compiler runs inherit the variable.
    std::env::set_var(
        "TAOS_ORM_SNAPSHOT",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/ui/snapshot/taos-schema.txt"
        ),
    );
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
