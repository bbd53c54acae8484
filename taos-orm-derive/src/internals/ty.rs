//! What the derive can tell about a field's type from its syntax alone.
//!
//! The column type itself always comes from `<T as TdType>::SQL_TYPE` in the
//! expansion, so user types work. The syntactic view here only lets the derive
//! report mistakes (a `String` without a length, an `i32` timestamp, a row that
//! is too wide) at the right span instead of through a const-evaluation error.
//! Types it does not recognise are checked by const assertions instead.

use syn::{GenericArgument, PathArguments, Type};

/// A TDengine type, mirroring `taos_orm::SqlType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sql {
    Timestamp,
    Bool,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    UTinyInt,
    USmallInt,
    UInt,
    UBigInt,
    Float,
    Double,
    VarChar,
    NChar,
    VarBinary,
    Json,
}

impl Sql {
    /// The variant name of `taos_orm::SqlType`.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Sql::Timestamp => "Timestamp",
            Sql::Bool => "Bool",
            Sql::TinyInt => "TinyInt",
            Sql::SmallInt => "SmallInt",
            Sql::Int => "Int",
            Sql::BigInt => "BigInt",
            Sql::UTinyInt => "UTinyInt",
            Sql::USmallInt => "USmallInt",
            Sql::UInt => "UInt",
            Sql::UBigInt => "UBigInt",
            Sql::Float => "Float",
            Sql::Double => "Double",
            Sql::VarChar => "VarChar",
            Sql::NChar => "NChar",
            Sql::VarBinary => "VarBinary",
            Sql::Json => "Json",
        }
    }

    /// The type's name as TDengine spells it in DDL (`INT UNSIGNED`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Sql::Timestamp => "TIMESTAMP",
            Sql::Bool => "BOOL",
            Sql::TinyInt => "TINYINT",
            Sql::SmallInt => "SMALLINT",
            Sql::Int => "INT",
            Sql::BigInt => "BIGINT",
            Sql::UTinyInt => "TINYINT UNSIGNED",
            Sql::USmallInt => "SMALLINT UNSIGNED",
            Sql::UInt => "INT UNSIGNED",
            Sql::UBigInt => "BIGINT UNSIGNED",
            Sql::Float => "FLOAT",
            Sql::Double => "DOUBLE",
            Sql::VarChar => "VARCHAR",
            Sql::NChar => "NCHAR",
            Sql::VarBinary => "VARBINARY",
            Sql::Json => "JSON",
        }
    }

    /// Bytes the type takes in a row, given the declared length of a
    /// var-length type (each of which adds a 2-byte length prefix).
    pub(crate) fn width(self, length: u32) -> u64 {
        let n = u64::from(length);
        match self {
            Sql::Bool | Sql::TinyInt | Sql::UTinyInt => 1,
            Sql::SmallInt | Sql::USmallInt => 2,
            Sql::Int | Sql::UInt | Sql::Float => 4,
            Sql::Timestamp | Sql::BigInt | Sql::UBigInt | Sql::Double => 8,
            Sql::VarChar | Sql::VarBinary => n + 2,
            Sql::NChar => 4 * n + 2,
            // A JSON tag is alone among the tags and TDengine caps its value
            // itself; count it as the longest it can be.
            Sql::Json => 4 * 4095 + 2,
        }
    }

    pub(crate) fn is_integer(self) -> bool {
        matches!(
            self,
            Sql::TinyInt
                | Sql::SmallInt
                | Sql::Int
                | Sql::BigInt
                | Sql::UTinyInt
                | Sql::USmallInt
                | Sql::UInt
                | Sql::UBigInt
        )
    }
}

/// The Rust types whose TDengine mapping the derive knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// A type mapping to a fixed-width or JSON type.
    Plain(Sql),
    /// `String`: VARCHAR or NCHAR, needs a length.
    String,
    /// `Vec<u8>`: VARBINARY, needs a length.
    Bytes,
}

impl Known {
    /// The type `<T as TdType>::SQL_TYPE` gives.
    pub(crate) fn natural(self) -> Sql {
        match self {
            Known::Plain(sql) => sql,
            Known::String => Sql::VarChar,
            Known::Bytes => Sql::VarBinary,
        }
    }

    /// Whether the type can be the primary timestamp (`i64` holds a raw
    /// timestamp in the database precision).
    pub(crate) fn is_time(self) -> bool {
        matches!(self, Known::Plain(Sql::Timestamp | Sql::BigInt))
    }
}

/// A field's type as far as its syntax tells.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldType<'a> {
    /// The type as written.
    pub(crate) ty: &'a Type,
    /// Whether it is written as `Option<..>`.
    pub(crate) optional: bool,
    /// The recognised type inside any `Option`, `None` for other types.
    pub(crate) known: Option<Known>,
}

impl<'a> FieldType<'a> {
    pub(crate) fn from_syn(ty: &'a Type) -> Self {
        let (inner, optional) = match generic_arg_of(ty, "Option") {
            Some(inner) => (inner, true),
            None => (ty, false),
        };
        FieldType {
            ty,
            optional,
            known: recognise(inner),
        }
    }
}

/// `T` when `ty` is written `Name<T>` (any path prefix).
fn generic_arg_of<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let segment = last_segment(ty)?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut args = args.args.iter();
    match (args.next(), args.next()) {
        (Some(GenericArgument::Type(inner)), None) => Some(inner),
        _ => None,
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

fn recognise(ty: &Type) -> Option<Known> {
    let segment = last_segment(ty)?;
    let name = segment.ident.to_string();
    if segment.arguments.is_empty() {
        let sql = match name.as_str() {
            "bool" => Sql::Bool,
            "i8" => Sql::TinyInt,
            "i16" => Sql::SmallInt,
            "i32" => Sql::Int,
            "i64" => Sql::BigInt,
            "u8" => Sql::UTinyInt,
            "u16" => Sql::USmallInt,
            "u32" => Sql::UInt,
            "u64" => Sql::UBigInt,
            "f32" => Sql::Float,
            "f64" => Sql::Double,
            "NaiveDateTime" => Sql::Timestamp,
            "String" => return Some(Known::String),
            // Only the qualified spelling: a bare `Value` may be anything.
            "Value" if is_serde_json_value(ty) => Sql::Json,
            _ => return None,
        };
        return Some(Known::Plain(sql));
    }
    if let Some(elem) = generic_arg_of(ty, "Vec") {
        return last_segment(elem)
            .filter(|s| s.ident == "u8" && s.arguments.is_empty())
            .map(|_| Known::Bytes);
    }
    if let Some(zone) = generic_arg_of(ty, "DateTime") {
        return last_segment(zone)
            .filter(|s| s.ident == "Utc" && s.arguments.is_empty())
            .map(|_| Known::Plain(Sql::Timestamp));
    }
    None
}

fn is_serde_json_value(ty: &Type) -> bool {
    let Type::Path(path) = ty else {
        return false;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    segments.len() == 2 && segments[0].ident == "serde_json"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(src: &str) -> (bool, Option<Known>) {
        let ty: Type = syn::parse_str(src).unwrap();
        let field = FieldType::from_syn(&ty);
        (field.optional, field.known)
    }

    #[test]
    fn recognises_std_chrono_and_json_types() {
        assert_eq!(known("i64"), (false, Some(Known::Plain(Sql::BigInt))));
        assert_eq!(known("Option<f32>"), (true, Some(Known::Plain(Sql::Float))));
        assert_eq!(known("std::string::String"), (false, Some(Known::String)));
        assert_eq!(known("Vec<u8>"), (false, Some(Known::Bytes)));
        assert_eq!(
            known("chrono::DateTime<chrono::Utc>"),
            (false, Some(Known::Plain(Sql::Timestamp)))
        );
        assert_eq!(
            known("Option<serde_json::Value>"),
            (true, Some(Known::Plain(Sql::Json)))
        );
    }

    #[test]
    fn leaves_other_types_to_the_compiler() {
        assert_eq!(known("Vec<i32>"), (false, None));
        assert_eq!(known("DateTime<Local>"), (false, None));
        assert_eq!(known("Value"), (false, None));
        assert_eq!(known("Timestamp"), (false, None));
        assert_eq!(known("Option<Option<i32>>"), (true, None));
        assert_eq!(known("Option<MyType>"), (true, None));
    }
}
