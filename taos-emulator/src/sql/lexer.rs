//! The tokenizer for TDengine SQL.
//!
//! The client lowercases the statement outside quotes before sending it, so
//! [`lowercase_outside_quotes`] does the same here; tokens then carry byte
//! spans into that lowered text, which keeps the lexer allocation-free and
//! lets result column names be cut straight from the source.

use crate::api::TdError;

/// What kind of token a span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A bare word: keyword or identifier.
    Ident,
    /// A `` `backticked` `` identifier (case kept).
    QuotedIdent,
    /// An integer literal (decimal, `0x..` or `0b..`).
    Int,
    /// A literal with a decimal point or exponent.
    Float,
    /// A number directly followed by a time unit (`10s`, `1d`).
    Duration,
    /// A `'…'` or `"…"` string (span includes the quotes).
    Str,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `;`
    Semi,
    /// `*`
    Star,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `=` or `==`
    Eq,
    /// `<>` or `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `->`
    Arrow,
    /// `?`
    Question,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// End of input.
    Eof,
}

/// A token: its kind and byte span in the lowered statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The kind.
    pub kind: Tok,
    /// Start byte offset.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

/// Lowercases ASCII letters outside `'…'`, `"…"` and `` `…` ``, as the client does.
///
/// Byte offsets are preserved, so spans into the result index the original too.
pub fn lowercase_outside_quotes(sql: &str) -> String {
    let mut out = Vec::with_capacity(sql.len());
    let bytes = sql.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                out.push(b);
                if b == b'\\' && q != b'`' && i + 1 < bytes.len() {
                    out.push(bytes[i + 1]);
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'\'' || b == b'"' || b == b'`' {
                    quote = Some(b);
                }
                out.push(b.to_ascii_lowercase());
            }
        }
        i += 1;
    }
    // Only ASCII bytes were changed, so the text is still valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Splits lowered SQL into tokens, ending with one [`Tok::Eof`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, TdError> {
    let b = src.as_bytes();
    let mut toks = Vec::with_capacity(b.len() / 3 + 1);
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                continue;
            }
            b'\'' | b'"' => {
                i = scan_string(b, i).ok_or_else(|| near(src, start))?;
                Tok::Str
            }
            b'`' => {
                let close = b[i + 1..]
                    .iter()
                    .position(|&x| x == b'`')
                    .ok_or_else(|| near(src, start))?;
                i += close + 2;
                Tok::QuotedIdent
            }
            b'0'..=b'9' => {
                let (end, kind) = scan_number(b, i);
                i = end;
                kind
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let (end, kind) = scan_number(b, i);
                i = end;
                kind
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                Tok::Ident
            }
            _ => {
                let (kind, len) = match (c, b.get(i + 1).copied()) {
                    (b'(', _) => (Tok::LParen, 1),
                    (b')', _) => (Tok::RParen, 1),
                    (b',', _) => (Tok::Comma, 1),
                    (b'.', _) => (Tok::Dot, 1),
                    (b';', _) => (Tok::Semi, 1),
                    (b'*', _) => (Tok::Star, 1),
                    (b'+', _) => (Tok::Plus, 1),
                    (b'-', Some(b'>')) => (Tok::Arrow, 2),
                    (b'-', _) => (Tok::Minus, 1),
                    (b'/', _) => (Tok::Slash, 1),
                    (b'%', _) => (Tok::Percent, 1),
                    (b'=', Some(b'=')) => (Tok::Eq, 2),
                    (b'=', _) => (Tok::Eq, 1),
                    (b'!', Some(b'=')) => (Tok::Ne, 2),
                    (b'<', Some(b'>')) => (Tok::Ne, 2),
                    (b'<', Some(b'=')) => (Tok::Le, 2),
                    (b'<', _) => (Tok::Lt, 1),
                    (b'>', Some(b'=')) => (Tok::Ge, 2),
                    (b'>', _) => (Tok::Gt, 1),
                    (b'?', _) => (Tok::Question, 1),
                    (b'&', _) => (Tok::BitAnd, 1),
                    (b'|', _) => (Tok::BitOr, 1),
                    _ => return Err(near(src, start)),
                };
                i += len;
                kind
            }
        };
        toks.push(Token {
            kind,
            start: start as u32,
            end: i as u32,
        });
    }
    toks.push(Token {
        kind: Tok::Eof,
        start: b.len() as u32,
        end: b.len() as u32,
    });
    Ok(toks)
}

/// The grammar error TDengine reports: the rest of the statement from `at`.
pub fn near(src: &str, at: usize) -> TdError {
    let rest = src.get(at..).unwrap_or("");
    if rest.trim().is_empty() {
        return TdError::new(0x2601, "Incomplete SQL statement");
    }
    let mut cut = rest.len().min(127);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    TdError::new(0x2600, format!("syntax error near \"{}\"", &rest[..cut]))
}

fn scan_string(b: &[u8], start: usize) -> Option<usize> {
    let q = b[start];
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
        } else if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                return Some(i + 1);
            }
        } else {
            i += 1;
        }
    }
    None
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn scan_number(b: &[u8], start: usize) -> (usize, Tok) {
    let mut i = start;
    if b[i] == b'0' && matches!(b.get(i + 1), Some(b'x') | Some(b'b')) {
        let hex = b[i + 1] == b'x';
        let mut j = i + 2;
        while j < b.len()
            && (if hex {
                b[j].is_ascii_hexdigit()
            } else {
                b[j] == b'0' || b[j] == b'1'
            })
        {
            j += 1;
        }
        if j > i + 2 && !b.get(j).copied().is_some_and(is_ident_byte) {
            return (j, Tok::Int);
        }
    }
    let mut kind = Tok::Int;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        kind = Tok::Float;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && b[i] == b'e' {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            return (j, Tok::Float);
        }
    }
    if kind == Tok::Int && i < b.len() && b[i].is_ascii_alphabetic() {
        // A duration such as `10s`; anything longer (`10abc`) stays one bad token.
        let mut j = i;
        while j < b.len() && is_ident_byte(b[j]) {
            j += 1;
        }
        return (j, Tok::Duration);
    }
    (i, kind)
}

/// Decodes a quoted string token (with its quotes) by TDengine's escape rules.
///
/// `\' \" \\ \n \r \t \b \f` become one char, `\% \_ \x` keep the backslash
/// (they matter to LIKE and hex literals), any other `\c` is `c`, and a
/// doubled delimiter is one delimiter.
pub fn unescape(raw: &str) -> String {
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    if !inner.contains(['\\', raw.as_bytes()[0] as char]) {
        return inner.to_string();
    }
    let q = raw.as_bytes()[0] as char;
    let mut out = String::with_capacity(inner.len());
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some(k @ ('%' | '_' | 'x')) => {
                    out.push('\\');
                    out.push(k);
                }
                Some(k) => out.push(k),
                None => out.push('\\'),
            }
        } else if c == q && it.peek() == Some(&q) {
            it.next();
            out.push(q);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().iter().map(|t| t.kind).collect()
    }

    #[test]
    fn lowercases_outside_quotes_only() {
        assert_eq!(
            lowercase_outside_quotes("SELECT `Ab`, 'Cd\\'E', \"F\" FROM T"),
            "select `Ab`, 'Cd\\'E', \"F\" from t"
        );
    }

    #[test]
    fn numbers_durations_and_operators() {
        assert_eq!(
            kinds("1 1.5 2e3 0x1f 10s ->"),
            vec![
                Tok::Int,
                Tok::Float,
                Tok::Float,
                Tok::Int,
                Tok::Duration,
                Tok::Arrow,
                Tok::Eof
            ]
        );
        assert_eq!(
            kinds("a<>b"),
            vec![Tok::Ident, Tok::Ne, Tok::Ident, Tok::Eof]
        );
    }

    #[test]
    fn unescape_table() {
        assert_eq!(unescape(r"'a\'b'"), "a'b");
        assert_eq!(unescape("'it''s'"), "it's");
        assert_eq!(unescape(r"'\n\t\\'"), "\n\t\\");
        assert_eq!(unescape(r"'\%\_\x'"), r"\%\_\x");
        assert_eq!(unescape(r"'\q'"), "q");
        assert_eq!(unescape(r#""a\"b""#), "a\"b");
    }

    #[test]
    fn unterminated_string_is_an_error() {
        assert_eq!(tokenize("select 'abc").unwrap_err().code, 0x2600);
        assert_eq!(tokenize("select `abc").unwrap_err().code, 0x2600);
    }
}
