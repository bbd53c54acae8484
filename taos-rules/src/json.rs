//! JSON tags.
//!
//! What the server does with the text of a JSON tag (`TAGS ('{...}')`):
//! - keys must be printable ASCII, else 0x0216 "json key not validate";
//!   an empty key is dropped, and of a repeated key the first one wins;
//! - values are strings, numbers, booleans or null; an object or array
//!   value is 0x0216 "invalidate json value";
//! - a string is cut at its first NUL;
//! - `''`, `'null'`, `'{}'` and an object left without keys are a NULL tag;
//! - keys come back sorted, numbers printed as [`print_number`] shows.

/// The longest key, in characters.
pub const MAX_KEY_CHARS: usize = 256;

/// The longest JSON text of one tag, in characters.
pub const MAX_TEXT_CHARS: usize = 4095;

/// JSON numbers at or above this magnitude are not sent: a 3.3.7.5
/// server aborts on a JSON tag holding about `1e62` or more (and again on
/// every restart, replaying it), so well below that is kept as the limit.
pub const MAX_NUMBER_MAGNITUDE: f64 = 1e40;

/// One member's value as a JSON tag stores it, for [`print_overrun`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Member<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, by the width in bytes of the text it prints as.
    Number(usize),
    /// A string, by its text (unescaped).
    Str(&'a str),
}

/// By how many bytes the 3.3.7.5 client library's print of a JSON tag
/// outgrows the buffer it sets aside for it; above zero it writes past
/// the end of a heap block, which may abort the reading process.
///
/// The client sizes that buffer by the stored tag: 9 bytes of header and,
/// per member, the key with a NUL, a type byte, an index byte and the
/// value (8 bytes for a number, 1 for a boolean, a length byte and 4 bytes
/// per character for a string). It then prints the tag as JSON text.
/// Numbers wider than 7 characters, booleans and nulls print wider than
/// they are stored; strings leave room. `members` are given with the keys
/// (which cost the same in both forms) left out.
///
/// ```
/// use taos_rules::json::{print_overrun, Member};
///
/// assert!(print_overrun([Member::Number("21.5".len()), Member::Str("ok")]) <= 0);
/// // {"_":9.61040509347363e-301,"a":true,"y":"="} aborts a real client.
/// let number = "9.61040509347363e-301".len();
/// let members = [Member::Number(number), Member::Bool(true), Member::Str("=")];
/// assert!(print_overrun(members) > 0);
/// ```
pub fn print_overrun<'a>(members: impl IntoIterator<Item = Member<'a>>) -> isize {
    // `{` and `}` against the header, then per member its value and comma
    // (one too many, for the last) against the value's stored bytes; the
    // key's quotes and colon match its NUL, type and index bytes.
    let mut overrun: isize = 2 - 9 - 1;
    for member in members {
        let (printed, stored) = match member {
            Member::Null => (4, 0),
            Member::Bool(b) => (if b { 4 } else { 5 }, 1),
            Member::Number(width) => (width, 8),
            Member::Str(s) => {
                let ucs4 = 4 * s.chars().count();
                (s.len() + 2, ucs4 + if ucs4 < 128 { 1 } else { 2 })
            }
        };
        overrun += printed as isize + 1 - stored as isize;
    }
    overrun
}

/// Whether every character of `key` is one the server takes in a JSON
/// key: printable ASCII (`' '..='~'`).
///
/// ```
/// use taos_rules::json::key_chars_valid;
///
/// assert!(key_chars_valid("temp c"));
/// assert!(!key_chars_valid("ü"));
/// assert!(!key_chars_valid("a\nb"));
/// ```
pub fn key_chars_valid(key: &str) -> bool {
    key.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// The text the server prints for a stored JSON number: C's `%.15g`, or
/// `%.17g` where 15 digits would not read back as the same double.
///
/// ```
/// use taos_rules::json::print_number;
///
/// assert_eq!(print_number(1.0), "1");
/// assert_eq!(print_number(21.5), "21.5");
/// assert_eq!(print_number(1e20), "1e+20");
/// assert_eq!(print_number(0.00001), "1e-05");
/// assert_eq!(print_number(-0.0), "-0");
/// assert_eq!(print_number(1234567890123456.0), "1234567890123456");
/// ```
pub fn print_number(value: f64) -> String {
    let short = crate::printf::g(value, 15);
    if short.parse::<f64>().ok() == Some(value) {
        short
    } else {
        crate::printf::g(value, 17)
    }
}

/// The one spelling of `value` that survives a JSON tag unchanged, if any:
/// its `%.15g` form, where that reads back as exactly `value`. The server
/// parses longer numbers lossily (`0.30000000000000004` is kept as `0.3`),
/// and prints every other spelling its own way (`1.0` as `1`).
///
/// ```
/// use taos_rules::json::stable_number_text;
///
/// assert_eq!(stable_number_text(21.25).as_deref(), Some("21.25"));
/// assert_eq!(stable_number_text(1e20).as_deref(), Some("1e+20"));
/// assert_eq!(stable_number_text(0.1 + 0.2), None);
/// ```
pub fn stable_number_text(value: f64) -> Option<String> {
    let text = crate::printf::g(value, 15);
    (value.is_finite() && text.parse::<f64>().ok() == Some(value)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_the_server_prints_them() {
        // Each pair was read back from a real TDengine 3.3.7.5.
        for (value, printed) in [
            (5.0, "5"),
            (100.0, "100"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (123456.789, "123456.789"),
            (1e20, "1e+20"),
            (-1e60, "-1e+60"),
            (1e-300, "1e-300"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (0.3000000000000001, "0.3000000000000001"),
            (12345678901234568.0, "12345678901234568"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (-6.59301606288637e29, "-6.59301606288637e+29"),
        ] {
            assert_eq!(print_number(value), printed, "{value:e}");
        }
    }
}
