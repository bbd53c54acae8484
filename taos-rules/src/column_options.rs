//! `ENCODE`, `COMPRESS` and `LEVEL` of a column: the values TDengine knows,
//! and which of them each column type takes.
//!
//! Types are named as TDengine spells them in DDL and `DESCRIBE` (`INT`,
//! `BIGINT UNSIGNED`, `VARCHAR`), the one spelling every crate of the
//! workspace can produce from its own type enum. Values compare ignoring
//! ASCII case, as the server does.

/// Every `ENCODE` value.
pub const ENCODINGS: &[&str] = &["simple8b", "bit-packing", "delta-i", "delta-d", "disabled"];
/// Every `COMPRESS` value.
pub const COMPRESSIONS: &[&str] = &["lz4", "zlib", "zstd", "tsz", "xz", "disabled"];
/// Every `LEVEL` value (any type takes any level).
pub const LEVELS: &[&str] = &["high", "medium", "low", "h", "m", "l"];

/// The `ENCODE` values a column of `type_name` takes (error 0x80000231 for
/// the others). `BIGINT` alone among the integers takes `delta-i`.
pub fn encodings_for(type_name: &str) -> &'static [&'static str] {
    match type_name.to_ascii_uppercase().as_str() {
        "BOOL" => &["bit-packing", "disabled"],
        "TINYINT" | "SMALLINT" | "INT" | "TINYINT UNSIGNED" | "SMALLINT UNSIGNED"
        | "INT UNSIGNED" => &["simple8b", "disabled"],
        "BIGINT" | "BIGINT UNSIGNED" => &["simple8b", "delta-i", "disabled"],
        "TIMESTAMP" => &["delta-i", "disabled"],
        "FLOAT" | "DOUBLE" => &["delta-d", "disabled"],
        _ => &["disabled"],
    }
}

/// The `COMPRESS` values a column of `type_name` takes (error 0x80000233
/// for the others): `tsz` is for floating point only.
pub fn compressions_for(type_name: &str) -> &'static [&'static str] {
    match type_name.to_ascii_uppercase().as_str() {
        "FLOAT" | "DOUBLE" => COMPRESSIONS,
        _ => &["lz4", "zlib", "zstd", "xz", "disabled"],
    }
}

/// Whether `value` is in `allowed`, ignoring ASCII case.
pub fn allows(allowed: &[&str], value: &str) -> bool {
    allowed.iter().any(|a| a.eq_ignore_ascii_case(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each case as the 3.3.7.5 server answered `CREATE TABLE ... ENCODE/COMPRESS`.
    #[test]
    fn encodings_follow_the_type() {
        assert!(allows(encodings_for("BIGINT"), "delta-i"));
        assert!(allows(encodings_for("bigint unsigned"), "DELTA-I"));
        assert!(!allows(encodings_for("INT"), "delta-i"));
        assert!(!allows(encodings_for("TIMESTAMP"), "simple8b"));
        assert!(allows(encodings_for("DOUBLE"), "delta-d"));
        assert!(!allows(encodings_for("FLOAT"), "simple8b"));
        assert!(allows(encodings_for("BOOL"), "bit-packing"));
        assert!(!allows(encodings_for("VARCHAR"), "simple8b"));
        assert!(allows(encodings_for("NCHAR"), "disabled"));
        for ty in ["BOOL", "INT", "BIGINT", "TIMESTAMP", "DOUBLE", "VARBINARY"] {
            assert!(encodings_for(ty).iter().all(|e| ENCODINGS.contains(e)));
        }
    }

    #[test]
    fn tsz_is_for_floating_point() {
        assert!(allows(compressions_for("FLOAT"), "tsz"));
        assert!(allows(compressions_for("DOUBLE"), "TSZ"));
        assert!(!allows(compressions_for("INT"), "tsz"));
        assert!(!allows(compressions_for("TIMESTAMP"), "tsz"));
        assert!(allows(compressions_for("VARCHAR"), "zstd"));
    }
}
