//! Rust names for TDengine names: a struct name per table, a field name per
//! column, and whether the column then needs a `rename`.

/// Words a field cannot be named, even as a raw identifier.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust's keywords (2021 edition, reserved ones included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl", "in",
    "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The field for column `column`: its Rust name, and whether the derive
/// needs `#[taos(rename = "...")]` to find the column from it.
///
/// ```
/// use taos_orm_cli::names::field_name;
///
/// assert_eq!(field_name("voltage"), ("voltage".to_owned(), false));
/// assert_eq!(field_name("type"), ("r#type".to_owned(), false));
/// assert_eq!(field_name("phase-a"), ("phase_a".to_owned(), true));
/// assert_eq!(field_name("1st"), ("c_1st".to_owned(), true));
/// ```
pub fn field_name(column: &str) -> (String, bool) {
    if is_plain(column) {
        if NOT_RAW.contains(&column) {
            return (format!("{column}_"), true);
        }
        if KEYWORDS.contains(&column) {
            return (format!("r#{column}"), false);
        }
        return (column.to_owned(), false);
    }
    let mut name: String = column
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') || name == "_" {
        name.insert_str(0, "c_");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    (name, true)
}

/// The struct for table `table`, in UpperCamelCase (`smart_meters` ->
/// `SmartMeters`, `1x` -> `T1x`).
pub fn struct_name(table: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in table.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'T');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// Lowercase ASCII letters, digits and `_`, not starting with a digit: a
/// Rust identifier the derive maps back to the same column name.
fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awkward_names() {
        assert_eq!(field_name("self"), ("self_".to_owned(), true));
        assert_eq!(field_name("_"), ("c__".to_owned(), true));
        assert_eq!(field_name("a b"), ("a_b".to_owned(), true));
        assert_eq!(field_name("中文"), ("__".to_owned(), true));
        assert_eq!(struct_name("smart_meters"), "SmartMeters");
        assert_eq!(struct_name("1x"), "T1x");
        assert_eq!(struct_name("self"), "Self_");
    }
}
