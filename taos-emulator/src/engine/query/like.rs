//! LIKE patterns: `%` any run, `_` one char, `\%` / `\_` literal.

/// A compiled LIKE pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern(Vec<Part>);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Any,
    One,
    Lit(char),
}

impl Pattern {
    /// Compiles a pattern string (escapes already kept as `\%`, `\_`).
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
        Pattern(out)
    }

    /// Whether `s` matches, by greedy matching with one backtrack point per `%`.
    pub fn matches(&self, s: &str) -> bool {
        let s: Vec<char> = s.chars().collect();
        let p = &self.0;
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
                Some(Part::Lit(c)) if *c == s[i] => {
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
