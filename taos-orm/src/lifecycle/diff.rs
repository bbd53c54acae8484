//! [`SchemaDiff`]: how a live table differs from its struct.

use std::fmt;

use taos_rules::shape::Difference;

/// How the live table of a struct differs from what the struct declares,
/// one [`Difference`] per column, tag or property, in a fixed order.
///
/// Its `Display` reads like a compiler error, one line per difference:
///
/// ```text
/// struct `Meter` and table `power`.`meters` differ in 2 places:
///   column `voltage`: the struct has INT, the database has BIGINT
///   tag `location`: the struct has VARCHAR(64), the database has VARCHAR(32) (narrower: longer values are refused)
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaDiff {
    /// The struct.
    pub struct_name: &'static str,
    /// The database.
    pub database: String,
    /// The table.
    pub table: String,
    /// Every difference; empty when they agree.
    pub differences: Vec<Difference>,
}

impl SchemaDiff {
    /// Whether the table and the struct agree.
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }
}

impl fmt::Display for SchemaDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, db, t) = (self.struct_name, &self.database, &self.table);
        match self.differences.len() {
            0 => write!(f, "struct `{s}` and table `{db}`.`{t}` agree"),
            n => {
                write!(
                    f,
                    "struct `{s}` and table `{db}`.`{t}` differ in {n} place{}:",
                    if n == 1 { "" } else { "s" }
                )?;
                for d in &self.differences {
                    write!(f, "\n  {d}")?;
                }
                Ok(())
            }
        }
    }
}
