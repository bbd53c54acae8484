//! Column and tag types: their names, widths and length limits.

use crate::json::MAX_TEXT_CHARS;

/// A TDengine column or tag type, without its length.
///
/// ```
/// use taos_rules::types::{Place, SqlType};
///
/// assert_eq!(SqlType::UInt.name(), "INT UNSIGNED");
/// assert_eq!(SqlType::NChar.max_length(Place::Tag), Some(4095));
/// assert_eq!(SqlType::VarChar.width(20), 22);
/// ```
///
/// Exhaustive on purpose: the derive, the runtime and the emulator match on
/// it, and a type TDengine adds must reach every one of those matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// `TIMESTAMP`, an i64 in the database precision.
    Timestamp,
    /// `BOOL`.
    Bool,
    /// `TINYINT`.
    TinyInt,
    /// `SMALLINT`.
    SmallInt,
    /// `INT`.
    Int,
    /// `BIGINT`.
    BigInt,
    /// `TINYINT UNSIGNED`.
    UTinyInt,
    /// `SMALLINT UNSIGNED`.
    USmallInt,
    /// `INT UNSIGNED`.
    UInt,
    /// `BIGINT UNSIGNED`.
    UBigInt,
    /// `FLOAT`.
    Float,
    /// `DOUBLE`.
    Double,
    /// `VARCHAR(n)` (alias `BINARY(n)`): `n` counts bytes.
    VarChar,
    /// `NCHAR(n)`: `n` counts characters.
    NChar,
    /// `VARBINARY(n)`: `n` counts bytes.
    VarBinary,
    /// `JSON`, allowed only as the single tag of a super table.
    Json,
}

/// Whether a type is declared for a data column or for a tag: the two have
/// different length limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// A data column.
    Column,
    /// A tag of a super table.
    Tag,
}

impl SqlType {
    /// Every type, in the order of the enum.
    pub const ALL: [SqlType; 16] = [
        SqlType::Timestamp,
        SqlType::Bool,
        SqlType::TinyInt,
        SqlType::SmallInt,
        SqlType::Int,
        SqlType::BigInt,
        SqlType::UTinyInt,
        SqlType::USmallInt,
        SqlType::UInt,
        SqlType::UBigInt,
        SqlType::Float,
        SqlType::Double,
        SqlType::VarChar,
        SqlType::NChar,
        SqlType::VarBinary,
        SqlType::Json,
    ];

    /// The type's name as TDengine spells it in DDL and in `DESCRIBE`.
    pub const fn name(self) -> &'static str {
        match self {
            SqlType::Timestamp => "TIMESTAMP",
            SqlType::Bool => "BOOL",
            SqlType::TinyInt => "TINYINT",
            SqlType::SmallInt => "SMALLINT",
            SqlType::Int => "INT",
            SqlType::BigInt => "BIGINT",
            SqlType::UTinyInt => "TINYINT UNSIGNED",
            SqlType::USmallInt => "SMALLINT UNSIGNED",
            SqlType::UInt => "INT UNSIGNED",
            SqlType::UBigInt => "BIGINT UNSIGNED",
            SqlType::Float => "FLOAT",
            SqlType::Double => "DOUBLE",
            SqlType::VarChar => "VARCHAR",
            SqlType::NChar => "NCHAR",
            SqlType::VarBinary => "VARBINARY",
            SqlType::Json => "JSON",
        }
    }

    /// Whether the type takes a length in DDL (`VARCHAR(64)`).
    pub const fn has_length(self) -> bool {
        matches!(self, SqlType::VarChar | SqlType::NChar | SqlType::VarBinary)
    }

    /// Bytes a fixed-width value occupies in a row; `None` for var-width types.
    pub const fn fixed_width(self) -> Option<u32> {
        match self {
            SqlType::Bool | SqlType::TinyInt | SqlType::UTinyInt => Some(1),
            SqlType::SmallInt | SqlType::USmallInt => Some(2),
            SqlType::Int | SqlType::UInt | SqlType::Float => Some(4),
            SqlType::Timestamp | SqlType::BigInt | SqlType::UBigInt | SqlType::Double => Some(8),
            SqlType::VarChar | SqlType::NChar | SqlType::VarBinary | SqlType::Json => None,
        }
    }

    /// Whether the type is one of the eight integer types.
    pub const fn is_integer(self) -> bool {
        matches!(
            self,
            SqlType::TinyInt
                | SqlType::SmallInt
                | SqlType::Int
                | SqlType::BigInt
                | SqlType::UTinyInt
                | SqlType::USmallInt
                | SqlType::UInt
                | SqlType::UBigInt
        )
    }

    /// Whether the type can be the composite key (`PRIMARY KEY`, the second
    /// column): the server takes only these five, not the narrow integers.
    pub const fn can_be_composite_key(self) -> bool {
        matches!(
            self,
            SqlType::Int | SqlType::UInt | SqlType::BigInt | SqlType::UBigInt | SqlType::VarChar
        )
    }

    /// The longest length a var-length type may declare (bytes, or
    /// characters for NCHAR); `None` for the types without a length.
    /// The shortest is always 1.
    pub const fn max_length(self, place: Place) -> Option<u32> {
        Some(match (self, place) {
            (SqlType::VarChar | SqlType::VarBinary, Place::Column) => 65_517,
            (SqlType::VarChar | SqlType::VarBinary, Place::Tag) => 16_382,
            (SqlType::NChar, Place::Column) => 16_379,
            (SqlType::NChar, Place::Tag) => 4_095,
            _ => return None,
        })
    }

    /// Bytes the type counts towards the row or tag width limit, given the
    /// declared length of a var-length type: each adds a 2-byte length
    /// prefix and NCHAR holds 4 bytes per character. A JSON tag counts as the
    /// longest it can be.
    pub const fn width(self, length: u32) -> u32 {
        match self {
            SqlType::VarChar | SqlType::VarBinary => length + 2,
            SqlType::NChar => 4 * length + 2,
            SqlType::Json => 4 * MAX_TEXT_CHARS as u32 + 2,
            fixed => match fixed.fixed_width() {
                Some(width) => width,
                None => 0,
            },
        }
    }

    /// The type `DESCRIBE` names (`INT UNSIGNED`, and `BINARY` for VARCHAR),
    /// case-insensitive.
    pub fn from_name(name: &str) -> Option<SqlType> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("BINARY") {
            return Some(SqlType::VarChar);
        }
        SqlType::ALL
            .into_iter()
            .find(|ty| ty.name().eq_ignore_ascii_case(name))
    }
}

/// Width limits of a table.
pub mod limits {
    /// Most columns and tags of a table, together.
    pub const MAX_COLUMNS: usize = 4096;
    /// Most tags of a super table.
    pub const MAX_TAGS: usize = 128;
    /// Widest row, in bytes (`TSDB_MAX_BYTES_PER_ROW`), counted by
    /// [`SqlType::width`](super::SqlType::width).
    pub const MAX_ROW_BYTES: u32 = 65_531;
    /// Widest tag set, in bytes (`TSDB_MAX_TAGS_LEN`); a JSON tag is not
    /// counted against it.
    pub const MAX_TAGS_BYTES: u32 = 16_384;
    /// Longest table comment, in bytes.
    pub const MAX_COMMENT_BYTES: usize = 1024;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for ty in SqlType::ALL {
            assert_eq!(SqlType::from_name(ty.name()), Some(ty));
            assert_eq!(SqlType::from_name(&ty.name().to_lowercase()), Some(ty));
        }
        assert_eq!(SqlType::from_name("BINARY"), Some(SqlType::VarChar));
        assert_eq!(SqlType::from_name("GEOMETRY"), None);
    }

    #[test]
    fn lengths_belong_to_var_length_types() {
        for ty in SqlType::ALL {
            assert_eq!(ty.has_length(), ty.max_length(Place::Column).is_some());
            assert_eq!(ty.has_length(), ty.max_length(Place::Tag).is_some());
            assert_eq!(
                ty.fixed_width().is_none(),
                ty.has_length() || ty == SqlType::Json
            );
        }
    }

    #[test]
    fn the_longest_column_fits_a_row() {
        // One maximal VARCHAR beside the timestamp is a legal row.
        let widest = SqlType::VarChar.width(65_517) + SqlType::Timestamp.width(0);
        assert!(widest <= limits::MAX_ROW_BYTES);
        assert!(SqlType::NChar.width(4_095) <= limits::MAX_TAGS_BYTES);
        assert_eq!(SqlType::Json.width(0), 4 * 4095 + 2);
    }

    #[test]
    fn composite_keys_are_four_integers_and_varchar() {
        let keys: Vec<_> = SqlType::ALL
            .into_iter()
            .filter(|ty| ty.can_be_composite_key())
            .map(SqlType::name)
            .collect();
        assert_eq!(
            keys,
            [
                "INT",
                "BIGINT",
                "INT UNSIGNED",
                "BIGINT UNSIGNED",
                "VARCHAR"
            ]
        );
    }
}
