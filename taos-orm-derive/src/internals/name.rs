//! TDengine identifier rules and the `child = "..."` name template.

/// Longest column or tag name, in bytes.
pub(crate) const MAX_COLUMN_NAME: usize = 64;
/// Longest table or super table name, in bytes.
pub(crate) const MAX_TABLE_NAME: usize = 192;
/// Longest database name, in bytes.
pub(crate) const MAX_DATABASE_NAME: usize = 64;

/// Why `name` cannot be a TDengine identifier, if it cannot. The runtime
/// always quotes names in backticks, so keywords and most punctuation are
/// fine; TDengine still rejects these.
pub(crate) fn name_problem(name: &str, max: usize) -> Option<String> {
    if name.is_empty() {
        return Some("a name cannot be empty".to_owned());
    }
    if name.len() > max {
        let start: String = name.chars().take(16).collect();
        return Some(format!(
            "`{start}…` is {} bytes long, over TDengine's {max}-byte limit",
            name.len()
        ));
    }
    bad_char(name).map(|c| {
        format!(
            "`{}` contains {c}, which TDengine rejects in names",
            name.escape_debug()
        )
    })
}

/// Describes the first character TDengine rejects in a quoted name.
fn bad_char(text: &str) -> Option<&'static str> {
    text.chars().find_map(|c| match c {
        '.' => Some("`.`"),
        '`' => Some("a backtick"),
        c if c.is_control() => Some("a control character"),
        _ => None,
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
    if let Some(c) = bad_char(&fixed) {
        return Err(format!(
            "the child table name template contains {c}, which TDengine rejects in names"
        ));
    }
    if fixed.len() > MAX_TABLE_NAME {
        return Err(format!(
            "the fixed text of the child table name is over TDengine's {MAX_TABLE_NAME}-byte limit"
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
        assert_eq!(name_problem("value", MAX_COLUMN_NAME), None);
        assert!(name_problem("", MAX_COLUMN_NAME).unwrap().contains("empty"));
        assert!(name_problem("a.b", MAX_COLUMN_NAME)
            .unwrap()
            .contains("`.`"));
        assert!(name_problem("a`b", MAX_COLUMN_NAME)
            .unwrap()
            .contains("backtick"));
        assert!(name_problem("a\tb", MAX_COLUMN_NAME)
            .unwrap()
            .contains("control"));
        assert!(name_problem(&"x".repeat(65), MAX_COLUMN_NAME)
            .unwrap()
            .contains("65 bytes"));
        assert_eq!(name_problem(&"x".repeat(192), MAX_TABLE_NAME), None);
    }
}
