//! What the derive can tell about a field's type from its syntax alone.
//!
//! The column type itself always comes from `<T as TdType>::SQL_TYPE` in the
//! expansion, so user types work. The syntactic view here only lets the derive
//! report mistakes (a `String` without a length, an `i32` timestamp, a row that
//! is too wide) at the right span instead of through a const-evaluation error.
//! Types it does not recognise are checked by const assertions instead.

use syn::{GenericArgument, PathArguments, Type};

pub(crate) use taos_rules::types::SqlType;

/// The Rust types whose TDengine mapping the derive knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// A type mapping to a fixed-width or JSON type.
    Plain(SqlType),
    /// `String`: VARCHAR or NCHAR, needs a length.
    String,
    /// `Vec<u8>`: VARBINARY, needs a length.
    Bytes,
}

impl Known {
    /// The type `<T as TdType>::SQL_TYPE` gives.
    pub(crate) fn natural(self) -> SqlType {
        match self {
            Known::Plain(sql) => sql,
            Known::String => SqlType::VarChar,
            Known::Bytes => SqlType::VarBinary,
        }
    }

    /// Whether the type can be the primary timestamp (`i64` holds a raw
    /// timestamp in the database precision).
    pub(crate) fn is_time(self) -> bool {
        matches!(self, Known::Plain(SqlType::Timestamp | SqlType::BigInt))
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
        let (inner, optional) = match generic_arg_of(ty, "Option", STD) {
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

/// Crates whose paths lead to the standard types (`std::string::String`).
const STD: &[&str] = &["std", "core", "alloc"];
/// Crates whose paths lead to chrono's types.
const CHRONO: &[&str] = &["chrono"];

/// `T` when `ty` is written `Name<T>`, bare or under one of `crates`.
fn generic_arg_of<'a>(ty: &'a Type, name: &str, crates: &[&str]) -> Option<&'a Type> {
    let segment = segment_of(ty, name, crates)?;
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut args = args.args.iter();
    match (args.next(), args.next()) {
        (Some(GenericArgument::Type(inner)), None) => Some(inner),
        _ => None,
    }
}

/// The last segment of `ty` when it is `name`, written bare or as a path
/// into one of `crates`: a user's own `units::String` is not `String`.
fn segment_of<'a>(ty: &'a Type, name: &str, crates: &[&str]) -> Option<&'a syn::PathSegment> {
    let path = type_path(ty)?;
    let last = path.segments.last()?;
    let first = path.segments.first()?;
    let rooted = path.segments.len() == 1 || crates.iter().any(|c| first.ident == c);
    (last.ident == name && rooted).then_some(last)
}

fn type_path(ty: &Type) -> Option<&syn::Path> {
    match ty {
        Type::Path(path) if path.qself.is_none() => Some(&path.path),
        Type::Group(group) => type_path(&group.elem),
        Type::Paren(paren) => type_path(&paren.elem),
        _ => None,
    }
}

/// Rust types without generics and the TDengine type each maps to.
const PLAIN: &[(&str, &[&str], Known)] = &[
    ("bool", STD, Known::Plain(SqlType::Bool)),
    ("i8", STD, Known::Plain(SqlType::TinyInt)),
    ("i16", STD, Known::Plain(SqlType::SmallInt)),
    ("i32", STD, Known::Plain(SqlType::Int)),
    ("i64", STD, Known::Plain(SqlType::BigInt)),
    ("u8", STD, Known::Plain(SqlType::UTinyInt)),
    ("u16", STD, Known::Plain(SqlType::USmallInt)),
    ("u32", STD, Known::Plain(SqlType::UInt)),
    ("u64", STD, Known::Plain(SqlType::UBigInt)),
    ("f32", STD, Known::Plain(SqlType::Float)),
    ("f64", STD, Known::Plain(SqlType::Double)),
    ("String", STD, Known::String),
    ("NaiveDateTime", CHRONO, Known::Plain(SqlType::Timestamp)),
];

fn recognise(ty: &Type) -> Option<Known> {
    for &(name, crates, known) in PLAIN {
        if segment_of(ty, name, crates).is_some_and(|s| s.arguments.is_empty()) {
            return Some(known);
        }
    }
    // Only the qualified spelling: a bare `Value` may be anything.
    if is_serde_json_value(ty) {
        return Some(Known::Plain(SqlType::Json));
    }
    if let Some(elem) = generic_arg_of(ty, "Vec", STD) {
        return segment_of(elem, "u8", STD)
            .filter(|s| s.arguments.is_empty())
            .map(|_| Known::Bytes);
    }
    if let Some(zone) = generic_arg_of(ty, "DateTime", CHRONO) {
        return segment_of(zone, "Utc", CHRONO)
            .filter(|s| s.arguments.is_empty())
            .map(|_| Known::Plain(SqlType::Timestamp));
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
        assert_eq!(known("i64"), (false, Some(Known::Plain(SqlType::BigInt))));
        assert_eq!(
            known("Option<f32>"),
            (true, Some(Known::Plain(SqlType::Float)))
        );
        assert_eq!(known("std::string::String"), (false, Some(Known::String)));
        assert_eq!(known("Vec<u8>"), (false, Some(Known::Bytes)));
        assert_eq!(
            known("chrono::DateTime<chrono::Utc>"),
            (false, Some(Known::Plain(SqlType::Timestamp)))
        );
        assert_eq!(
            known("Option<serde_json::Value>"),
            (true, Some(Known::Plain(SqlType::Json)))
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

    #[test]
    fn recognises_types_by_path_not_by_last_name() {
        assert_eq!(
            known("::std::primitive::u8"),
            (false, Some(Known::Plain(SqlType::UTinyInt)))
        );
        assert_eq!(known("alloc::string::String"), (false, Some(Known::String)));
        assert_eq!(
            known("core::option::Option<chrono::NaiveDateTime>"),
            (true, Some(Known::Plain(SqlType::Timestamp)))
        );
        assert_eq!(known("units::String"), (false, None));
        assert_eq!(known("my::i32"), (false, None));
        assert_eq!(known("my::Option<i32>"), (false, None));
        assert_eq!(known("my::Vec<u8>"), (false, None));
        assert_eq!(known("time::DateTime<Utc>"), (false, None));
        assert_eq!(known("DateTime<my::Utc>"), (false, None));
    }
}
