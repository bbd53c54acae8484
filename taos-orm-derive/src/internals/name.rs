//! TDengine identifier rules and the `child = "..."` name template.

use taos_rules::names::{self, NameKind, NameProblem};

/// Why `name` cannot be a TDengine identifier of this kind, if it cannot.
/// The runtime always quotes names in backticks, so keywords and most
/// punctuation are fine; TDengine still rejects these.
pub(crate) fn name_problem(name: &str, kind: NameKind) -> Option<String> {
    Some(match names::name_problem(name, kind)? {
        NameProblem::Empty => "a name cannot be empty".to_owned(),
        NameProblem::TooLong { len, max } => {
            let start: String = name.chars().take(16).collect();
            format!("`{start}…` is {len} bytes long, over TDengine's {max}-byte limit")
        }
        NameProblem::Forbidden(c) => format!(
            "`{}` contains {}, which TDengine rejects in names",
            name.escape_debug(),
            NameProblem::describe_char(c)
        ),
    })
}

/// Why a name the user spelled out (`rename`, `stable`, `table`,
/// `database`) would not reach TDengine as written: the runtime
/// lowercases every name, as the client does with unquoted SQL, so that
/// hand-written queries find the table.
pub(crate) fn case_problem(name: &str) -> Option<String> {
    name.bytes().any(|b| b.is_ascii_uppercase()).then(|| {
        format!(
            "`{name}` has capital letters, but names are stored lowercase (`{}`); write it in lowercase",
            name.to_ascii_lowercase()
        )
    })
}

/// A piece of a child table name template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Text copied as is.
    Text(String),
    /// `{field}`: the value of that field.
    Field(String),
}

/// Splits `d_{device_id}` into text and fields; `{{` and `}}` are braces.
pub(crate) fn parse_template(template: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut field = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => field.push(c),
                        None => return Err(format!("unclosed `{{` in `{template}`")),
                    }
                }
                let field = field.trim().to_owned();
                if field.is_empty() {
                    return Err("`{}` must name a field, as in `d_{device_id}`".to_owned());
                }
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                if let Some(Part::Field(before)) = parts.last() {
                    return Err(format!(
                        "`{{{before}}}{{{field}}}`: two fields with nothing between them can give \
                         different tags one name (1 and 23, 12 and 3: both `123`); put text \
                         between them, as in `{{{before}}}_{{{field}}}`"
                    ));
                }
                parts.push(Part::Field(
                    field.strip_prefix("r#").unwrap_or(&field).to_owned(),
                ));
            }
            '}' => {
                return Err(format!(
                    "unmatched `}}` in `{template}` (write `}}}}` for a brace)"
                ))
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    if parts.is_empty() {
        return Err("the child table name template is empty".to_owned());
    }
    let fixed: String = parts
        .iter()
        .filter_map(|p| match p {
            Part::Text(t) => Some(t.as_str()),
            Part::Field(_) => None,
        })
        .collect();
    if let Some(c) = names::forbidden_char(&fixed) {
        return Err(format!(
            "the child table name template contains {}, which TDengine rejects in names",
            NameProblem::describe_char(c)
        ));
    }
    let max = NameKind::Table.max_len();
    if fixed.len() > max {
        return Err(format!(
            "the fixed text of the child table name is over TDengine's {max}-byte limit"
        ));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_templates() {
        assert_eq!(
            parse_template("d_{device_id}_{{x}}").unwrap(),
            vec![
                Part::Text("d_".into()),
                Part::Field("device_id".into()),
                Part::Text("_{x}".into()),
            ]
        );
        assert_eq!(
            parse_template("{ r#type }").unwrap(),
            vec![Part::Field("type".into())]
        );
    }

    #[test]
    fn rejects_bad_templates() {
        assert!(parse_template("d_{id").unwrap_err().contains("unclosed"));
        assert!(parse_template("d_}").unwrap_err().contains("unmatched"));
        assert!(parse_template("d_{}")
            .unwrap_err()
            .contains("must name a field"));
        assert!(parse_template("").unwrap_err().contains("empty"));
        assert!(parse_template("db.d_{id}").unwrap_err().contains("`.`"));
    }

    #[test]
    fn checks_names() {
        assert_eq!(name_problem("value", NameKind::Column), None);
        assert!(name_problem("", NameKind::Column)
            .unwrap()
            .contains("empty"));
        assert!(name_problem("a.b", NameKind::Column)
            .unwrap()
            .contains("`.`"));
        assert!(name_problem("a`b", NameKind::Column)
            .unwrap()
            .contains("backtick"));
        assert!(name_problem("a\tb", NameKind::Column)
            .unwrap()
            .contains("control"));
        assert!(name_problem(&"x".repeat(65), NameKind::Column)
            .unwrap()
            .contains("65 bytes"));
        assert_eq!(name_problem(&"x".repeat(192), NameKind::Table), None);
    }
}
