//! Text patterns: LIKE (`%` any run, `_` one char, `\%` / `\_` literal,
//! ASCII letters in either case) and MATCH / NMATCH regular expressions.

use crate::api::TdError;

/// A compiled LIKE pattern or regular expression.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// LIKE.
    Like(Vec<Part>),
    /// MATCH / NMATCH: found anywhere in the text.
    Regex(regex::Regex),
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Pattern::Like(a), Pattern::Like(b)) => a == b,
            (Pattern::Regex(a), Pattern::Regex(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

/// One element of a LIKE pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Part {
    /// `%`.
    Any,
    /// `_`.
    One,
    /// A character, compared ignoring ASCII case.
    Lit(char),
}

impl Pattern {
    /// Compiles a LIKE pattern (escapes already kept as `\%`, `\_`).
    pub fn new(p: &str) -> Self {
        let mut out = Vec::new();
        let mut it = p.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '\\' if matches!(it.peek(), Some('%' | '_' | '\\')) => {
                    out.push(Part::Lit(it.next().unwrap_or('\\')))
                }
                '%' => out.push(Part::Any),
                '_' => out.push(Part::One),
                c => out.push(Part::Lit(c)),
            }
        }
        Pattern::Like(out)
    }

    /// Compiles a MATCH pattern; a malformed one is 0x2681.
    pub fn regex(p: &str) -> Result<Self, TdError> {
        regex::Regex::new(p)
            .map(Pattern::Regex)
            .map_err(|_| TdError::new(0x2681, "Syntax error in Regular Expression"))
    }

    /// Whether `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        match self {
            Pattern::Like(parts) => like(parts, s),
            Pattern::Regex(r) => r.is_match(s),
        }
    }
}

/// LIKE matching, greedy with one backtrack point per `%`.
fn like(p: &[Part], s: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match p.get(j) {
            Some(Part::Any) => {
                star = Some((j, i));
                j += 1;
            }
            Some(Part::One) => {
                i += 1;
                j += 1;
            }
            // LIKE ignores the case of ASCII letters, as on the server.
            Some(Part::Lit(c)) if c.eq_ignore_ascii_case(&s[i]) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((sj, si)) => {
                    j = sj + 1;
                    i = si + 1;
                    star = Some((sj, si + 1));
                }
                None => return false,
            },
        }
    }
    p[j..].iter().all(|x| *x == Part::Any)
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn wildcards_and_escapes() {
        assert!(Pattern::new("b%").matches("beijing"));
        assert!(Pattern::new("%ing").matches("beijing"));
        assert!(Pattern::new("b_i%g").matches("beijing"));
        assert!(!Pattern::new("b_").matches("beijing"));
        assert!(Pattern::new("100\\%").matches("100%"));
        assert!(!Pattern::new("100\\%").matches("1000"));
        assert!(Pattern::new("a\\_b").matches("a_b"));
        assert!(!Pattern::new("a\\_b").matches("axb"));
        assert!(Pattern::new("%").matches(""));
    }
}
