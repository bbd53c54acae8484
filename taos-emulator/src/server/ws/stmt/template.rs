//! A prepared INSERT split at its `?` placeholders.
//!
//! Bound statements are executed by rendering plain SQL: the engine only
//! takes SQL text, and rendering keeps the statement log readable. The
//! placeholders before `VALUES` are the table name (right after `INTO`) and
//! the tags; those after it are the columns of one row, so the `VALUES`
//! tuple is repeated once per bound row.

use crate::api::TdError;

use super::super::reply::ADAPTER_ERROR;

/// A prepared `INSERT INTO <?|name> [USING stb TAGS(?, ..)] [(cols)] VALUES(?, ..)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    /// Text around the placeholders up to and including `VALUES`.
    head: Vec<Piece>,
    /// The row tuple after `VALUES`.
    row: Vec<Piece>,
    tags: usize,
    columns: usize,
    table_slot: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Table,
    Tag(usize),
    Column(usize),
}

impl Template {
    /// Splits `sql`; only INSERT statements with a `VALUES` clause are accepted.
    pub(crate) fn parse(sql: &str) -> Result<Template, TdError> {
        let sql = sql.trim().trim_end_matches(';').trim_end();
        if !starts_with_word(sql, "insert") {
            return Err(unsupported("only INSERT statements can be prepared"));
        }
        let tokens = split(sql)?;
        let values_at = tokens
            .iter()
            .position(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("values")))
            .ok_or_else(|| unsupported("the prepared INSERT has no VALUES clause"))?;

        let mut template = Template {
            head: Vec::new(),
            row: Vec::new(),
            tags: 0,
            columns: 0,
            table_slot: false,
        };
        let mut after_into = false;
        for (i, token) in tokens.into_iter().enumerate() {
            let in_head = i <= values_at;
            let piece = match token {
                Token::Slot if in_head && after_into => {
                    template.table_slot = true;
                    Piece::Table
                }
                Token::Slot if in_head => {
                    template.tags += 1;
                    Piece::Tag(template.tags - 1)
                }
                Token::Slot => {
                    template.columns += 1;
                    Piece::Column(template.columns - 1)
                }
                Token::Word(w) => {
                    after_into = w.eq_ignore_ascii_case("into");
                    Piece::Text(w)
                }
                Token::Other(text) => {
                    if !text.trim().is_empty() {
                        after_into = false;
                    }
                    Piece::Text(text)
                }
            };
            if in_head {
                template.head.push(piece);
            } else {
                template.row.push(piece);
            }
        }
        if template.columns == 0 {
            return Err(unsupported("the prepared INSERT binds no columns"));
        }
        Ok(template)
    }

    /// Number of tag placeholders.
    pub(crate) fn tags(&self) -> usize {
        self.tags
    }

    /// Number of column placeholders.
    pub(crate) fn columns(&self) -> usize {
        self.columns
    }

    /// Whether the table name is a placeholder.
    pub(crate) fn has_table_slot(&self) -> bool {
        self.table_slot
    }

    /// Renders INSERTs for `rows` (SQL literals) into `table` with `tags`,
    /// as few as possible while each stays within `max_len` bytes (TDengine
    /// rejects statements over 1 MiB; a bound batch has no such limit). A
    /// single row longer than that still gets its own statement.
    pub(crate) fn render(
        &self,
        table: Option<&str>,
        tags: &[String],
        rows: &[Vec<String>],
        max_len: usize,
    ) -> Vec<String> {
        let mut head = String::new();
        for piece in &self.head {
            match piece {
                Piece::Text(t) => head.push_str(t),
                Piece::Table => head.push_str(table.unwrap_or_default()),
                Piece::Tag(i) => head.push_str(tags.get(*i).map_or("NULL", String::as_str)),
                Piece::Column(_) => {}
            }
        }
        let mut statements = Vec::new();
        let mut sql = head.clone();
        let mut tuple = String::new();
        for row in rows {
            tuple.clear();
            for piece in &self.row {
                match piece {
                    Piece::Text(t) => tuple.push_str(t),
                    Piece::Column(i) => tuple.push_str(row.get(*i).map_or("NULL", String::as_str)),
                    Piece::Table | Piece::Tag(_) => {}
                }
            }
            let tuple = tuple.trim();
            if sql.len() > head.len() && sql.len() + 1 + tuple.len() > max_len {
                statements.push(std::mem::replace(&mut sql, head.clone()));
            }
            sql.push(' ');
            sql.push_str(tuple);
        }
        if sql.len() > head.len() {
            statements.push(sql);
        }
        statements
    }
}

fn unsupported(message: &str) -> TdError {
    TdError::new(ADAPTER_ERROR, message)
}

fn starts_with_word(sql: &str, word: &str) -> bool {
    sql.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
        && !sql[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Debug)]
enum Token {
    /// An identifier or keyword.
    Word(String),
    /// A `?` outside quotes.
    Slot,
    /// Anything else, quoted strings included.
    Other(String),
}

/// Splits into words, placeholders and other text, keeping quoted text whole.
fn split(sql: &str) -> Result<Vec<Token>, TdError> {
    let mut tokens = Vec::new();
    let mut other = String::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '?' || c.is_alphanumeric() || c == '_' {
            if !other.is_empty() {
                tokens.push(Token::Other(std::mem::take(&mut other)));
            }
            if c == '?' {
                tokens.push(Token::Slot);
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = chars.peek() {
                if !(n.is_alphanumeric() || n == '_' || n == '.') {
                    break;
                }
                end = i + n.len_utf8();
                chars.next();
            }
            tokens.push(Token::Word(sql[start..end].to_owned()));
        } else if matches!(c, '\'' | '"' | '`') {
            other.push(c);
            let mut closed = false;
            while let Some((_, n)) = chars.next() {
                other.push(n);
                if n == '\\' && c != '`' {
                    if let Some((_, escaped)) = chars.next() {
                        other.push(escaped);
                    }
                } else if n == c {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err(TdError::new(0x0216, "Syntax error in SQL: unclosed quote"));
            }
        } else {
            other.push(c);
        }
    }
    if !other.is_empty() {
        tokens.push(Token::Other(other));
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: usize = 1 << 20;

    fn lits(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn table_tags_and_columns() {
        let t = Template::parse("INSERT INTO ? USING meters TAGS(?, ?) VALUES(?, ?);").unwrap();
        assert_eq!((t.tags(), t.columns(), t.has_table_slot()), (2, 2, true));
        assert_eq!(
            t.render(
                Some("d1"),
                &lits(&["1", "'bj'"]),
                &[lits(&["1000", "1.5"]), lits(&["2000", "NULL"])],
                MAX
            ),
            ["INSERT INTO d1 USING meters TAGS(1, 'bj') VALUES (1000, 1.5) (2000, NULL)"]
        );
    }

    #[test]
    fn fixed_table_with_column_list() {
        let t = Template::parse("insert into db.d1 (ts, v) values (?, ?)").unwrap();
        assert_eq!((t.tags(), t.columns(), t.has_table_slot()), (0, 2, false));
        assert_eq!(
            t.render(None, &[], &[lits(&["1", "2"])], MAX),
            ["insert into db.d1 (ts, v) values (1, 2)"]
        );
    }

    #[test]
    fn question_marks_in_quotes_are_text() {
        let t = Template::parse("INSERT INTO t VALUES (?, 'a?b')").unwrap();
        assert_eq!(t.columns(), 1);
        assert_eq!(
            t.render(None, &[], &[lits(&["5"])], MAX),
            ["INSERT INTO t VALUES (5, 'a?b')"]
        );
    }

    #[test]
    fn long_batches_are_split() {
        let t = Template::parse("INSERT INTO t VALUES (?)").unwrap();
        let rows: Vec<Vec<String>> = (0..5).map(|i| lits(&[&i.to_string()])).collect();
        // "INSERT INTO t VALUES" is 20 bytes and each " (n)" is 4.
        assert_eq!(
            t.render(None, &[], &rows, 28),
            [
                "INSERT INTO t VALUES (0) (1)",
                "INSERT INTO t VALUES (2) (3)",
                "INSERT INTO t VALUES (4)"
            ]
        );
        assert_eq!(
            t.render(None, &[], &rows[..1], 10),
            ["INSERT INTO t VALUES (0)"]
        );
        assert!(t.render(None, &[], &[], 10).is_empty());
    }

    #[test]
    fn rejects_other_statements() {
        assert!(Template::parse("SELECT * FROM t WHERE v > ?").is_err());
        assert!(Template::parse("INSERT INTO t VALUES (1)").is_err());
        assert!(Template::parse("INSERT INTO t SELECT ?").is_err());
        assert!(Template::parse("INSERT INTO t VALUES ('?)").is_err());
    }
}
