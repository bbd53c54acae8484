//! The schema snapshot file: the shapes of a database's super tables and
//! normal tables, written by `taos-orm snapshot` and read by the derive's
//! `#[taos(check_schema)]` at compile time.
//!
//! A line format rather than JSON so that a schema change reads as a
//! one-line diff in review, and so the derive needs no parser crate:
//!
//! ```text
//! database `power`
//! stable `meters`
//!   column `ts` TIMESTAMP
//!   column `current` FLOAT
//!   tag `location` VARCHAR(64)
//! table `log`
//!   column `ts` TIMESTAMP
//!   column `id` INT PRIMARY KEY
//! ```
//!
//! Names are always between backticks (TDengine names cannot hold one);
//! `#` starts a comment line.
//!
//! ```
//! use taos_rules::snapshot::Snapshot;
//!
//! let text = "database `power`\nstable `meters`\n  column `ts` TIMESTAMP\n  tag `g` INT\n";
//! let snapshot = Snapshot::parse(text).unwrap();
//! assert_eq!(snapshot.database, "power");
//! assert_eq!(snapshot.table("METERS").unwrap().tags[0].name, "g");
//! assert_eq!(snapshot.render(), text);
//! ```

use std::fmt;

use crate::shape::{ColumnShape, ColumnType, TableKind, TableShape};

/// The file name `taos-orm snapshot` writes and the derive reads, in the
/// crate's root (beside `Cargo.toml`) unless `TAOS_ORM_SNAPSHOT` names
/// another path.
pub const FILE_NAME: &str = "taos-schema.txt";

/// The environment variable naming the snapshot file.
pub const PATH_VAR: &str = "TAOS_ORM_SNAPSHOT";

/// The tables of one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The database the snapshot was taken of.
    pub database: String,
    /// Its super tables and normal tables, in name order.
    pub tables: Vec<TableShape>,
}

/// A line the parser could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

impl Snapshot {
    /// The table named `name` (case-insensitive).
    pub fn table(&self, name: &str) -> Option<&TableShape> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = format!("database `{}`\n", self.database);
        for t in &self.tables {
            let keyword = match t.kind {
                TableKind::Super => "stable",
                TableKind::Normal | TableKind::Child => "table",
            };
            out.push_str(&format!("{keyword} `{}`\n", t.name));
            for (place, list) in [("column", &t.columns), ("tag", &t.tags)] {
                for c in list {
                    out.push_str(&format!("  {place} `{}` {}", c.name, c.type_text()));
                    if c.primary_key {
                        out.push_str(" PRIMARY KEY");
                    }
                    out.push('\n');
                }
            }
        }
        out
    }

    /// Reads a snapshot file's text.
    pub fn parse(text: &str) -> Result<Snapshot, ParseError> {
        let mut database = None;
        let mut tables: Vec<TableShape> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fail = |message: String| ParseError {
                line: i + 1,
                message,
            };
            let (keyword, rest) = line.split_once(' ').unwrap_or((line, ""));
            let (name, rest) = quoted(rest.trim_start())
                .ok_or_else(|| fail(format!("expected a name in backticks after `{keyword}`")))?;
            match keyword {
                "database" => database = Some(name.to_owned()),
                "stable" | "table" => tables.push(TableShape {
                    name: name.to_owned(),
                    kind: if keyword == "stable" {
                        TableKind::Super
                    } else {
                        TableKind::Normal
                    },
                    columns: Vec::new(),
                    tags: Vec::new(),
                }),
                "column" | "tag" => {
                    let table = tables
                        .last_mut()
                        .ok_or_else(|| fail(format!("`{keyword}` before any table")))?;
                    let column = column(name, rest.trim()).map_err(fail)?;
                    if keyword == "column" {
                        table.columns.push(column);
                    } else {
                        table.tags.push(column);
                    }
                }
                other => return Err(fail(format!("unknown line kind `{other}`"))),
            }
        }
        let database = database.ok_or(ParseError {
            line: 1,
            message: "no `database` line".to_owned(),
        })?;
        Ok(Snapshot { database, tables })
    }
}

fn quoted(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('`')?;
    let end = rest.find('`')?;
    Some((&rest[..end], &rest[end + 1..]))
}

fn column(name: &str, spec: &str) -> Result<ColumnShape, String> {
    let (spec, primary_key) = match spec.strip_suffix("PRIMARY KEY") {
        Some(ty) => (ty.trim_end(), true),
        None => (spec, false),
    };
    if spec.is_empty() {
        return Err(format!("`{name}` has no type"));
    }
    // `VARCHAR(20)` carries a length; `DECIMAL(10, 2)` is a name of its own.
    let (ty, length) = match spec.strip_suffix(')').and_then(|s| s.split_once('(')) {
        Some((ty, n)) if n.trim().chars().all(|c| c.is_ascii_digit()) => {
            let n = n
                .trim()
                .parse()
                .map_err(|_| format!("bad length in `{spec}`"))?;
            (ColumnType::from_name(ty), Some(n))
        }
        _ => (ColumnType::from_name(spec), None),
    };
    Ok(ColumnShape {
        length,
        primary_key,
        ..ColumnShape::new(name, ty)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SqlType;

    #[test]
    fn every_line_kind_round_trips() {
        let text = "database `power`\n\
                    stable `meters`\n  column `ts` TIMESTAMP\n  column `id` INT PRIMARY KEY\n  column `d` DECIMAL(10, 2)\n  column `g` GEOMETRY(100)\n  tag `j` JSON\n\
                    table `log`\n  column `ts` TIMESTAMP\n  column `msg` NCHAR(20)\n";
        let s = Snapshot::parse(text).unwrap();
        assert_eq!(s.render(), text);
        let meters = s.table("meters").unwrap();
        assert!(meters.columns[1].primary_key);
        assert_eq!(
            meters.columns[2].ty,
            ColumnType::Other("DECIMAL(10, 2)".into())
        );
        assert_eq!(meters.columns[3].length, Some(100));
        assert_eq!(
            s.table("log").unwrap().columns[1].ty,
            ColumnType::Known(SqlType::NChar)
        );
    }

    #[test]
    fn bad_lines_name_their_number() {
        let e = Snapshot::parse("database `p`\n  column `ts` TIMESTAMP\n").unwrap_err();
        assert_eq!(e.to_string(), "line 2: `column` before any table");
        let e = Snapshot::parse("database p\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Snapshot::parse("# nothing\n").unwrap_err();
        assert!(e.message.contains("no `database` line"));
        let e = Snapshot::parse("database `p`\nview `v`\n").unwrap_err();
        assert_eq!(e.to_string(), "line 2: unknown line kind `view`");
    }
}
