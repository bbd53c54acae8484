//! Names: their length limits, the characters TDengine rejects in quoted
//! names, the pseudo-columns a column name would be shadowed by, and the
//! words that cannot be written unquoted.

/// What a name names; decides its length limit.
///
/// ```
/// use taos_rules::names::{name_problem, NameKind, NameProblem};
///
/// assert_eq!(NameKind::Table.max_len(), 192);
/// assert_eq!(name_problem("db.t", NameKind::Table), Some(NameProblem::Forbidden('.')));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A database: at most 64 bytes.
    Database,
    /// A table or super table: at most 192 bytes (without the `db.` prefix).
    Table,
    /// A column or tag: at most 64 bytes.
    Column,
    /// A TMQ topic: at most 192 bytes, never database-qualified.
    Topic,
}

impl NameKind {
    /// The longest name TDengine accepts, in bytes.
    pub const fn max_len(self) -> usize {
        match self {
            NameKind::Database | NameKind::Column => 64,
            NameKind::Table | NameKind::Topic => 192,
        }
    }

    /// The kind in words, for messages.
    pub const fn noun(self) -> &'static str {
        match self {
            NameKind::Database => "database",
            NameKind::Table => "table",
            NameKind::Column => "column",
            NameKind::Topic => "topic",
        }
    }
}

/// Why a name cannot be a quoted TDengine identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// The name is empty.
    Empty,
    /// The name is `len` bytes long, over the kind's `max`.
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The name holds a character that cannot be in a quoted name: `.`
    /// (TDengine reads it as the database separator even between
    /// backticks), a backtick (it cannot be escaped) or a control character
    /// (the server takes those, but a name holding one cannot be typed or
    /// printed back, so the ORM refuses it).
    Forbidden(char),
}

impl NameProblem {
    /// The character in words (`` `.` ``, "a backtick", "a control character").
    pub fn describe_char(c: char) -> &'static str {
        match c {
            '.' => "`.`",
            '`' => "a backtick",
            _ => "a control character",
        }
    }
}

/// Why `name` cannot be written as a quoted identifier of this kind, if it
/// cannot. Quoted, keywords and most punctuation are fine.
pub fn name_problem(name: &str, kind: NameKind) -> Option<NameProblem> {
    if name.is_empty() {
        return Some(NameProblem::Empty);
    }
    if name.len() > kind.max_len() {
        return Some(NameProblem::TooLong {
            len: name.len(),
            max: kind.max_len(),
        });
    }
    forbidden_char(name).map(NameProblem::Forbidden)
}

/// The first character a quoted name cannot hold (see
/// [`NameProblem::Forbidden`]), if any.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c == '.' || c == '`' || c.is_control())
}

/// Pseudo-columns: names TDengine gives a meaning of its own in a query
/// (`tbname`, the window bounds, INTERP's timestamps, ...). A column or tag
/// may be created with one of these names when quoted, but every unquoted
/// mention reads the pseudo-column instead, and a result column of that name
/// is ambiguous.
pub const PSEUDO_COLUMNS: &[&str] = &[
    "tbname",
    "_qstart",
    "_qend",
    "_qduration",
    "_wstart",
    "_wend",
    "_wduration",
    "_rowts",
    "_c0",
    "_irowts",
    "_irowts_origin",
    "_isfilled",
    "_tags",
    "_frowts",
    "_flow",
    "_fhigh",
];

/// Whether `name` is one of the [`PSEUDO_COLUMNS`] (ASCII case-insensitive,
/// as unquoted SQL is).
///
/// ```
/// assert!(taos_rules::names::is_pseudo_column("_WSTART"));
/// assert!(!taos_rules::names::is_pseudo_column("wstart"));
/// ```
pub fn is_pseudo_column(name: &str) -> bool {
    PSEUDO_COLUMNS.iter().any(|p| p.eq_ignore_ascii_case(name))
}

/// Words that cannot be bare identifiers (the common ones of TDengine's
/// keyword list). A real 3.3.7.5 takes `id`, `level`, `row` and `string` as
/// names, though the keyword list has them.
pub const RESERVED_WORDS: &[&str] = &[
    "add",
    "all",
    "alter",
    "and",
    "as",
    "asc",
    "between",
    "bigint",
    "binary",
    "bool",
    "by",
    "column",
    "comment",
    "count",
    "create",
    "database",
    "databases",
    "desc",
    "describe",
    "distinct",
    "double",
    "drop",
    "duration",
    "end",
    "exists",
    "fill",
    "first",
    "float",
    "from",
    "group",
    "having",
    "host",
    "if",
    "in",
    "insert",
    "int",
    "integer",
    "interval",
    "into",
    "is",
    "json",
    "keep",
    "key",
    "last",
    "like",
    "limit",
    "modify",
    "nchar",
    "not",
    "now",
    "null",
    "offset",
    "on",
    "or",
    "order",
    "partition",
    "port",
    "range",
    "rename",
    "select",
    "session",
    "set",
    "show",
    "sliding",
    "slimit",
    "smallint",
    "soffset",
    "stable",
    "stables",
    "start",
    "state",
    "state_window",
    "event_window",
    "count_window",
    "table",
    "tables",
    "tag",
    "tags",
    "tbname",
    "timestamp",
    "tinyint",
    "today",
    "union",
    "unsigned",
    "use",
    "user",
    "using",
    "value",
    "values",
    "varchar",
    "where",
    "_wstart",
    "_wend",
    "_wduration",
    // Checked on 3.3.7.5: refused as bare table names.
    "buffer",
    "cache",
    "every",
    "function",
    "geometry",
    "index",
    "match",
    "nmatch",
    "precision",
    "replica",
    "sma",
    "stream",
    "topic",
    "ttl",
    "varbinary",
    "vgroups",
    "view",
    "window",
];

/// Whether `word` must be quoted to be a name. Expects the lowercase form
/// (SQL text is lowercased outside quotes before it is read).
///
/// ```
/// assert!(taos_rules::names::is_reserved("select"));
/// assert!(!taos_rules::names::is_reserved("voltage"));
/// ```
pub fn is_reserved(word: &str) -> bool {
    RESERVED_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_within_limits_pass() {
        assert_eq!(name_problem("value", NameKind::Column), None);
        assert_eq!(name_problem(&"x".repeat(192), NameKind::Table), None);
        assert_eq!(name_problem("Ä_temp", NameKind::Column), None);
    }

    #[test]
    fn problems_are_named() {
        assert_eq!(name_problem("", NameKind::Column), Some(NameProblem::Empty));
        assert_eq!(
            name_problem(&"x".repeat(65), NameKind::Column),
            Some(NameProblem::TooLong { len: 65, max: 64 })
        );
        assert_eq!(
            name_problem(&"x".repeat(193), NameKind::Table),
            Some(NameProblem::TooLong { len: 193, max: 192 })
        );
        for c in ['.', '`', '\n', '\t'] {
            assert_eq!(
                name_problem(&format!("a{c}b"), NameKind::Table),
                Some(NameProblem::Forbidden(c))
            );
        }
    }

    #[test]
    fn lists_are_lowercase_and_sorted_where_searched() {
        for word in RESERVED_WORDS.iter().chain(PSEUDO_COLUMNS) {
            assert_eq!(word.to_ascii_lowercase(), *word);
        }
        assert!(is_reserved("from") && is_reserved("tags"));
        assert!(!is_reserved("level") && !is_reserved("id"));
        assert!(is_pseudo_column("TbName") && is_pseudo_column("_irowts"));
    }
}
