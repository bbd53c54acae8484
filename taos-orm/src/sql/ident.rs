//! Identifiers: validated, ASCII-lowercased and always backtick-quoted.
//!
//! Quoting every name keeps reserved words that make natural column names
//! (`value`, `tags`, `state`, `level`, `key`, ...) working. Lowercasing keeps
//! the quoted name equal to what the client makes of the same name written
//! unquoted (it lowercases SQL text outside quotes), so a table created here
//! is found by hand-written queries and vice versa.

use taos_rules::names::{name_problem, NameProblem};

use crate::error::{Error, Result};

pub use taos_rules::names::NameKind;

/// Checks that `name` can be written as a quoted identifier of this kind.
///
/// Rejects empty names, names over the kind's byte limit, and names holding a
/// backtick (it cannot be escaped inside backticks), a `.` (TDengine reads it
/// as the database separator) or a control character.
///
/// ```
/// use taos_orm::sql::{check_ident, NameKind};
///
/// assert!(check_ident("value", NameKind::Column).is_ok());
/// assert!(check_ident("a.b", NameKind::Table).is_err());
/// ```
pub fn check_ident(name: &str, kind: NameKind) -> Result<()> {
    let noun = kind.noun();
    let message = match name_problem(name, kind) {
        None => return Ok(()),
        Some(NameProblem::TooLong { len, max }) => {
            format!("{noun} name {name:?} is {len} bytes long, over the {max}-byte limit")
        }
        Some(NameProblem::Empty) => format!("invalid {noun} name {name:?}: it is empty"),
        Some(NameProblem::Forbidden(c)) => format!(
            "invalid {noun} name {name:?}: it contains {}",
            NameProblem::describe_char(c)
        ),
    };
    Err(Error::InvalidArgument(message))
}

/// Appends `` `name` `` (ASCII-lowercased) after checking it with [`check_ident`].
///
/// ```
/// use taos_orm::sql::{write_ident, NameKind};
///
/// let mut sql = String::new();
/// write_ident(&mut sql, "Value", NameKind::Column).unwrap();
/// assert_eq!(sql, "`value`");
/// ```
pub fn write_ident(out: &mut String, name: &str, kind: NameKind) -> Result<()> {
    check_ident(name, kind)?;
    push_quoted_lower(out, name);
    Ok(())
}

/// Appends a table name, qualified with the database when one is given:
/// `` `db`.`tb` `` or `` `tb` ``.
///
/// ```
/// use taos_orm::sql::write_table_ref;
///
/// let mut sql = String::new();
/// write_table_ref(&mut sql, Some("Power"), "meters").unwrap();
/// assert_eq!(sql, "`power`.`meters`");
/// ```
pub fn write_table_ref(out: &mut String, database: Option<&str>, table: &str) -> Result<()> {
    if let Some(db) = database {
        write_ident(out, db, NameKind::Database)?;
        out.push('.');
    }
    write_ident(out, table, NameKind::Table)
}

/// Appends `` `name` `` lowercased, for a name already checked.
pub(crate) fn push_quoted_lower(out: &mut String, name: &str) {
    out.push('`');
    let start = out.len();
    out.push_str(name);
    out[start..].make_ascii_lowercase();
    out.push('`');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ident(name: &str, kind: NameKind) -> Result<String> {
        let mut s = String::new();
        write_ident(&mut s, name, kind).map(|()| s)
    }

    #[test]
    fn reserved_words_are_quoted() {
        for word in [
            "value", "tags", "state", "level", "key", "id", "comment", "first", "last",
        ] {
            assert_eq!(ident(word, NameKind::Column).unwrap(), format!("`{word}`"));
        }
    }

    #[test]
    fn names_are_ascii_lowercased_only() {
        assert_eq!(ident("GroupId", NameKind::Column).unwrap(), "`groupid`");
        assert_eq!(ident("Ä_Temp", NameKind::Column).unwrap(), "`Ä_temp`");
        assert_eq!(ident("1st", NameKind::Table).unwrap(), "`1st`");
    }

    #[test]
    fn bad_names_are_rejected_naming_the_name() {
        for bad in ["", "a`b", "db.tb", "a\nb", "tab\tle"] {
            let err = ident(bad, NameKind::Table).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidArgument(m) if m.contains(&format!("{bad:?}"))),
                "{err}"
            );
        }
    }

    #[test]
    fn length_limits_per_kind() {
        let n64 = "a".repeat(64);
        let n65 = "a".repeat(65);
        assert!(ident(&n64, NameKind::Column).is_ok());
        assert!(ident(&n64, NameKind::Database).is_ok());
        assert!(ident(&n65, NameKind::Column).is_err());
        assert!(ident(&n65, NameKind::Database).is_err());
        assert!(ident(&"t".repeat(192), NameKind::Table).is_ok());
        let err = ident(&"t".repeat(193), NameKind::Table).unwrap_err();
        assert!(err.to_string().contains("193 bytes"), "{err}");
        // The limit counts bytes, not characters.
        assert!(ident(&"é".repeat(33), NameKind::Column).is_err());
    }

    #[test]
    fn qualified_names() {
        let mut s = String::new();
        write_table_ref(&mut s, Some("DB"), "Meters").unwrap();
        assert_eq!(s, "`db`.`meters`");
        s.clear();
        write_table_ref(&mut s, None, "d1").unwrap();
        assert_eq!(s, "`d1`");
        assert!(write_table_ref(&mut s, Some("a.b"), "t").is_err());
    }
}
