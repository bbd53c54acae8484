//! TDengine error codes and messages the engine raises.

use crate::api::TdError;

/// `0x0216` for a bad literal: `syntax error near 'abc' (invalid int data)`.
pub fn bad_value(text: &str, detail: &str) -> TdError {
    let mut cut = text.len().min(63);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    TdError::new(
        0x0216,
        format!("syntax error near '{}' ({detail})", &text[..cut]),
    )
}

/// `0x2603`.
pub fn table_not_exist() -> TdError {
    TdError::new(0x2603, "Table does not exist")
}

/// `0x0362`.
pub fn stable_not_exist() -> TdError {
    TdError::new(0x0362, "STable not exist")
}

/// `0x0388`.
pub fn db_not_exist() -> TdError {
    TdError::new(0x0388, "Database not exist")
}

/// `0x2616`.
pub fn db_not_specified() -> TdError {
    TdError::new(0x2616, "Database not specified")
}

/// `0x2602`.
pub fn invalid_column(name: &str) -> TdError {
    TdError::new(0x2602, format!("Invalid column name: {name}"))
}

/// `0x2617`.
pub fn invalid_identifier(name: &str) -> TdError {
    TdError::new(0x2617, format!("Invalid identifier name: {name}"))
}

/// `0x2653`.
pub fn value_too_long(name: &str) -> TdError {
    TdError::new(0x2653, format!("Value too long for column/tag: {name}"))
}

/// `0x060B`.
pub fn ts_out_of_range() -> TdError {
    TdError::new(0x060B, "Timestamp data out of range")
}

/// `0x2618` for a database option outside its range.
pub fn db_option(detail: impl std::fmt::Display) -> TdError {
    TdError::new(0x2618, format!("Invalid option {detail}"))
}

/// `0x260D`.
pub fn tags_mismatch() -> TdError {
    TdError::new(0x260D, "Tags number not matched")
}

/// `0x2605`.
pub fn wrong_value_type(detail: &str) -> TdError {
    TdError::new(0x2605, format!("Invalid value type: {detail}"))
}

/// `0x2600` for constructs the emulator does not implement.
pub fn unsupported(what: &str) -> TdError {
    TdError::new(
        0x2600,
        format!("syntax error near \"{what}\" (not supported by the emulator)"),
    )
}
