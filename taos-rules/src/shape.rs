//! The shape of a table (its kind, columns and tags with their types) and
//! the differences between two shapes.
//!
//! One comparison serves every place a struct meets a schema: the runtime
//! compares a derived struct with the live table (`verify`, `migrate`), and
//! the derive compares it with a schema snapshot at compile time, so both
//! report the same differences in the same words.

use std::fmt;

use crate::types::{Place, SqlType};

/// What kind of table a shape is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// A super table: data columns and tags, rows in child tables.
    Super,
    /// A normal table: data columns only.
    Normal,
    /// A child table of a super table (only ever found, never expected).
    Child,
}

impl TableKind {
    /// The kind in words.
    pub const fn noun(self) -> &'static str {
        match self {
            TableKind::Super => "super table",
            TableKind::Normal => "normal table",
            TableKind::Child => "child table",
        }
    }
}

/// A column's type: one of ours, or one TDengine has and the ORM cannot map
/// (`DECIMAL(10, 2)`, `GEOMETRY`, `BLOB`), kept as the server spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// A type the ORM maps.
    Known(SqlType),
    /// Any other type, by its name.
    Other(String),
}

impl ColumnType {
    /// Reads a type name as `DESCRIBE` prints it.
    pub fn from_name(name: &str) -> ColumnType {
        match SqlType::from_name(name) {
            Some(ty) => ColumnType::Known(ty),
            None => ColumnType::Other(name.trim().to_ascii_uppercase()),
        }
    }

    /// Whether a length is part of the type (`VARCHAR(20)`, `GEOMETRY(100)`).
    pub fn has_length(&self) -> bool {
        match self {
            ColumnType::Known(ty) => ty.has_length(),
            ColumnType::Other(name) => matches!(name.as_str(), "GEOMETRY"),
        }
    }
}

/// One column or tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnShape {
    /// The name as the server stores it.
    pub name: String,
    /// The type.
    pub ty: ColumnType,
    /// The declared length, for the types that take one.
    pub length: Option<u32>,
    /// The composite key (`PRIMARY KEY`, the second column).
    pub primary_key: bool,
    /// Whether the expected side accepts NULL (an `Option` field). A live
    /// column always does.
    pub nullable: bool,
}

impl ColumnShape {
    /// A column of type `ty` with no length, not a key, nullable.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        ColumnShape {
            name: name.into(),
            ty,
            length: None,
            primary_key: false,
            nullable: true,
        }
    }

    /// The type with its length, as DDL spells it (`VARCHAR(20)`).
    pub fn type_text(&self) -> String {
        let name = match &self.ty {
            ColumnType::Known(ty) => ty.name(),
            ColumnType::Other(name) => name.as_str(),
        };
        match (self.ty.has_length(), self.length) {
            (true, Some(n)) => format!("{name}({n})"),
            _ => name.to_owned(),
        }
    }
}

/// A table's kind, columns (the primary timestamp first) and tags.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableShape {
    /// The table name.
    pub name: String,
    /// Super, normal or child table.
    pub kind: TableKind,
    /// Data columns in order.
    pub columns: Vec<ColumnShape>,
    /// Tags in order (a child table shows its super table's).
    pub tags: Vec<ColumnShape>,
}

impl TableShape {
    /// The columns or the tags.
    pub fn list(&self, place: Place) -> &[ColumnShape] {
        match place {
            Place::Column => &self.columns,
            Place::Tag => &self.tags,
        }
    }
}

/// One way a live (or snapshot) table differs from what a struct expects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Difference {
    /// The table does not exist.
    TableMissing,
    /// The table is of another kind.
    Kind {
        /// What the struct declares.
        expected: TableKind,
        /// What the database has.
        found: TableKind,
    },
    /// The struct has a column or tag the table lacks.
    Missing {
        /// Column or tag.
        place: Place,
        /// The struct's column.
        expected: ColumnShape,
    },
    /// The table has a column or tag the struct lacks.
    Extra {
        /// Column or tag.
        place: Place,
        /// The table's column.
        found: ColumnShape,
    },
    /// A column or tag is in the other list (a column in the struct, a tag
    /// in the table, or the reverse).
    Place {
        /// The name.
        name: String,
        /// Where the struct has it.
        expected: Place,
    },
    /// Same name, another type.
    Type {
        /// Column or tag.
        place: Place,
        /// The struct's column.
        expected: ColumnShape,
        /// The table's column.
        found: ColumnShape,
    },
    /// Same name and type, another length.
    Length {
        /// Column or tag.
        place: Place,
        /// The name.
        name: String,
        /// The type (without length).
        ty: ColumnType,
        /// The struct's length.
        expected: u32,
        /// The table's length.
        found: u32,
    },
    /// The composite key is on another column, or only on one side.
    PrimaryKey {
        /// The struct's key column.
        expected: Option<String>,
        /// The table's key column.
        found: Option<String>,
    },
    /// The primary timestamp has another name.
    Timestamp {
        /// The struct's timestamp column.
        expected: String,
        /// The table's.
        found: String,
    },
}

fn place_noun(place: Place) -> &'static str {
    match place {
        Place::Column => "column",
        Place::Tag => "tag",
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::TableMissing => write!(f, "the table does not exist"),
            Difference::Kind { expected, found } => write!(
                f,
                "the struct declares a {}, the database has a {}",
                expected.noun(),
                found.noun()
            ),
            Difference::Missing { place, expected } => {
                write!(
                    f,
                    "{} `{}` {}: missing in the database",
                    place_noun(*place),
                    expected.name,
                    expected.type_text()
                )?;
                if !expected.nullable {
                    write!(
                        f,
                        " (added, it holds NULL for existing {}; the field is not an `Option`)",
                        match place {
                            Place::Column => "rows",
                            Place::Tag => "child tables",
                        }
                    )?;
                }
                Ok(())
            }
            Difference::Extra { place, found } => write!(
                f,
                "{} `{}` {}: in the database, not in the struct",
                place_noun(*place),
                found.name,
                found.type_text()
            ),
            Difference::Place { name, expected } => write!(
                f,
                "`{name}`: a {} in the struct, a {} in the database",
                place_noun(*expected),
                place_noun(match expected {
                    Place::Column => Place::Tag,
                    Place::Tag => Place::Column,
                })
            ),
            Difference::Type {
                place,
                expected,
                found,
            } => write!(
                f,
                "{} `{}`: the struct has {}, the database has {}",
                place_noun(*place),
                expected.name,
                expected.type_text(),
                found.type_text()
            ),
            Difference::Length {
                place,
                name,
                ty,
                expected,
                found,
            } => {
                let ty = ColumnShape {
                    length: None,
                    ..ColumnShape::new("", ty.clone())
                }
                .type_text();
                write!(
                    f,
                    "{} `{name}`: the struct has {ty}({expected}), the database has {ty}({found}) ({})",
                    place_noun(*place),
                    if expected > found {
                        "narrower: longer values are refused"
                    } else {
                        "wider"
                    }
                )
            }
            Difference::PrimaryKey { expected, found } => {
                let side = |key: &Option<String>| match key {
                    Some(name) => format!("`{name}`"),
                    None => "none".to_owned(),
                };
                write!(
                    f,
                    "composite key: the struct has {}, the database has {}",
                    side(expected),
                    side(found)
                )
            }
            Difference::Timestamp { expected, found } => write!(
                f,
                "primary timestamp: the struct has `{expected}`, the database has `{found}`"
            ),
        }
    }
}

/// How `found` (the live table, or a snapshot of it) differs from
/// `expected` (a struct), in a fixed order: the table, then the timestamp
/// and key, then each of the struct's columns and tags in order, then what
/// only the table has. Names compare case-insensitively, as TDengine does.
pub fn compare(expected: &TableShape, found: Option<&TableShape>) -> Vec<Difference> {
    let Some(found) = found else {
        return vec![Difference::TableMissing];
    };
    let mut out = Vec::new();
    // A child table shows its super table's schema; a struct never maps one.
    if expected.kind != found.kind {
        out.push(Difference::Kind {
            expected: expected.kind,
            found: found.kind,
        });
    }
    if let (Some(e), Some(f)) = (expected.columns.first(), found.columns.first()) {
        if !e.name.eq_ignore_ascii_case(&f.name) {
            out.push(Difference::Timestamp {
                expected: e.name.clone(),
                found: f.name.clone(),
            });
        }
    }
    let key = |shape: &TableShape| {
        shape
            .columns
            .iter()
            .find(|c| c.primary_key)
            .map(|c| c.name.to_ascii_lowercase())
    };
    let (expected_key, found_key) = (key(expected), key(found));
    if expected_key != found_key {
        out.push(Difference::PrimaryKey {
            expected: expected_key,
            found: found_key,
        });
    }
    let skip_ts = |place: Place| usize::from(place == Place::Column);
    for place in [Place::Column, Place::Tag] {
        let other = match place {
            Place::Column => Place::Tag,
            Place::Tag => Place::Column,
        };
        // The timestamps were compared by position above.
        for e in expected.list(place).iter().skip(skip_ts(place)) {
            let Some(f) = find(found.list(place), &e.name) else {
                if find(found.list(other), &e.name).is_some() {
                    out.push(Difference::Place {
                        name: e.name.clone(),
                        expected: place,
                    });
                } else {
                    out.push(Difference::Missing {
                        place,
                        expected: e.clone(),
                    });
                }
                continue;
            };
            if e.ty != f.ty {
                out.push(Difference::Type {
                    place,
                    expected: e.clone(),
                    found: f.clone(),
                });
            } else if e.ty.has_length() && e.length.is_some() && e.length != f.length {
                out.push(Difference::Length {
                    place,
                    name: e.name.clone(),
                    ty: e.ty.clone(),
                    expected: e.length.unwrap_or(0),
                    found: f.length.unwrap_or(0),
                });
            }
        }
    }
    for place in [Place::Column, Place::Tag] {
        let other = match place {
            Place::Column => Place::Tag,
            Place::Tag => Place::Column,
        };
        for f in found.list(place).iter().skip(skip_ts(place)) {
            let known = find(expected.list(place), &f.name).is_some()
                || find(expected.list(other), &f.name).is_some();
            if !known {
                out.push(Difference::Extra {
                    place,
                    found: f.clone(),
                });
            }
        }
    }
    out
}

fn find<'a>(list: &'a [ColumnShape], name: &str) -> Option<&'a ColumnShape> {
    list.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: SqlType, length: Option<u32>) -> ColumnShape {
        ColumnShape {
            length,
            ..ColumnShape::new(name, ColumnType::Known(ty))
        }
    }

    fn meters() -> TableShape {
        TableShape {
            name: "meters".into(),
            kind: TableKind::Super,
            columns: vec![
                col("ts", SqlType::Timestamp, None),
                col("current", SqlType::Float, None),
                col("voltage", SqlType::Int, None),
            ],
            tags: vec![col("location", SqlType::VarChar, Some(64))],
        }
    }

    #[test]
    fn equal_shapes_have_no_difference() {
        assert!(compare(&meters(), Some(&meters())).is_empty());
        let mut upper = meters();
        upper.columns[1].name = "CURRENT".into();
        assert!(compare(&meters(), Some(&upper)).is_empty());
    }

    #[test]
    fn every_kind_of_difference_is_found_in_order() {
        let mut live = meters();
        live.kind = TableKind::Normal;
        live.columns[0].name = "t".into();
        live.columns[2].ty = ColumnType::Known(SqlType::BigInt);
        live.columns.remove(1);
        live.columns.push(col("phase", SqlType::Float, None));
        live.columns.push(col("group_id", SqlType::Int, None));
        live.tags[0].length = Some(32);
        let mut expected = meters();
        expected.tags.push(col("group_id", SqlType::Int, None));
        let diff = compare(&expected, Some(&live));
        let text: Vec<String> = diff.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "the struct declares a super table, the database has a normal table",
                "primary timestamp: the struct has `ts`, the database has `t`",
                "column `current` FLOAT: missing in the database",
                "column `voltage`: the struct has INT, the database has BIGINT",
                "tag `location`: the struct has VARCHAR(64), the database has VARCHAR(32) (narrower: longer values are refused)",
                "`group_id`: a tag in the struct, a column in the database",
                "column `phase` FLOAT: in the database, not in the struct",
            ]
        );
    }

    #[test]
    fn keys_lengths_and_missing_tables() {
        assert_eq!(compare(&meters(), None), [Difference::TableMissing]);
        let mut keyed = meters();
        keyed.columns[1].primary_key = true;
        keyed.columns[1].ty = ColumnType::Known(SqlType::Int);
        let mut live = meters();
        live.columns[1].ty = ColumnType::Known(SqlType::Int);
        live.tags[0].length = Some(128);
        let diff = compare(&keyed, Some(&live));
        assert_eq!(
            diff[0],
            Difference::PrimaryKey {
                expected: Some("current".into()),
                found: None
            }
        );
        assert!(diff[1].to_string().ends_with("VARCHAR(128) (wider)"));
        let mut strict = meters();
        strict.columns.push(ColumnShape {
            nullable: false,
            ..col("phase", SqlType::Float, None)
        });
        let diff = compare(&strict, Some(&meters()));
        assert!(diff[0].to_string().contains("holds NULL for existing rows"));
    }

    #[test]
    fn unknown_types_keep_their_names() {
        assert_eq!(
            ColumnType::from_name("decimal(10, 2)"),
            ColumnType::Other("DECIMAL(10, 2)".into())
        );
        let g = ColumnShape {
            length: Some(100),
            ..ColumnShape::new("g", ColumnType::from_name("GEOMETRY"))
        };
        assert_eq!(g.type_text(), "GEOMETRY(100)");
    }
}
