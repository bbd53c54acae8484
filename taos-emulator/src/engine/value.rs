//! Stored values and type metadata.

use crate::sql::ast::DataType;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use taos_query::common::Ty;
use taos_rules::json::MAX_TEXT_CHARS;
use taos_rules::types::SqlType;

/// One cell. Every column type maps onto a few shapes: integers and
/// timestamps as `Int`, unsigned as `UInt`, FLOAT/DOUBLE as `Float` (FLOAT
/// already rounded to f32), VARCHAR/NCHAR/JSON as `Str`, VARBINARY/GEOMETRY
/// as `Bytes`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// NULL.
    #[default]
    Null,
    /// BOOL.
    Bool(bool),
    /// Signed integers and timestamps.
    Int(i64),
    /// Unsigned integers.
    UInt(u64),
    /// FLOAT / DOUBLE.
    Float(f64),
    /// VARCHAR / NCHAR / JSON text.
    Str(Box<str>),
    /// VARBINARY / GEOMETRY bytes.
    Bytes(Box<[u8]>),
}

impl Value {
    /// NULL?
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// As a double, for arithmetic and numeric comparison.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Bool(b) => Some(*b as i64 as f64),
            Value::Int(v) => Some(*v as f64),
            Value::UInt(v) => Some(*v as f64),
            Value::Float(v) => Some(*v),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// As an exact integer where that is possible.
    pub fn as_i128(&self) -> Option<i128> {
        match self {
            Value::Bool(b) => Some(*b as i128),
            Value::Int(v) => Some(*v as i128),
            Value::UInt(v) => Some(*v as i128),
            _ => None,
        }
    }

    /// Truthiness in WHERE (NULL and non-numbers are false).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Null | Value::Str(_) | Value::Bytes(_) => false,
            v => v.as_f64().is_some_and(|f| f != 0.0),
        }
    }

    /// SQL comparison; `None` when either side is NULL or they are incomparable.
    pub fn sql_cmp(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
            (Value::Bytes(a), Value::Bytes(b)) => Some(a.cmp(b)),
            (a, b) => match (a.as_i128(), b.as_i128()) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
            },
        }
    }

    /// A total order for sorting: NULL is the smallest value.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        match (self.is_null(), other.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => self.sql_cmp(other).unwrap_or(Ordering::Equal),
        }
    }

    /// Text form, as `ins_tags.tag_value` and string casts show it.
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(b) => b.to_string(),
            Value::Int(v) => v.to_string(),
            Value::UInt(v) => v.to_string(),
            Value::Float(v) => v.to_string(),
            Value::Str(s) => s.to_string(),
            Value::Bytes(b) => {
                let mut s = String::from("\\x");
                for x in b.iter() {
                    s.push_str(&format!("{x:02X}"));
                }
                s
            }
        })
    }
}

/// Hashable, comparable wrapper for GROUP BY / DISTINCT keys.
#[derive(Debug, Clone)]
pub struct Key(pub Vec<Value>);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|(a, b)| match (a, b) {
                (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
                _ => a == b,
            })
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for v in &self.0 {
            std::mem::discriminant(v).hash(state);
            match v {
                Value::Null => {}
                Value::Bool(b) => b.hash(state),
                Value::Int(i) => i.hash(state),
                Value::UInt(u) => u.hash(state),
                Value::Float(f) => f.to_bits().hash(state),
                Value::Str(s) => s.hash(state),
                Value::Bytes(b) => b.hash(state),
            }
        }
    }
}

/// The shared rules' view of a type. GEOMETRY is held as WKB bytes and has
/// VARBINARY's lengths and widths; DECIMAL and BLOB are not supported.
pub fn rules_type(ty: Ty) -> Option<SqlType> {
    Some(match ty {
        Ty::Bool => SqlType::Bool,
        Ty::TinyInt => SqlType::TinyInt,
        Ty::SmallInt => SqlType::SmallInt,
        Ty::Int => SqlType::Int,
        Ty::BigInt => SqlType::BigInt,
        Ty::UTinyInt => SqlType::UTinyInt,
        Ty::USmallInt => SqlType::USmallInt,
        Ty::UInt => SqlType::UInt,
        Ty::UBigInt => SqlType::UBigInt,
        Ty::Float => SqlType::Float,
        Ty::Double => SqlType::Double,
        Ty::Timestamp => SqlType::Timestamp,
        Ty::VarChar => SqlType::VarChar,
        Ty::NChar => SqlType::NChar,
        Ty::Json => SqlType::Json,
        Ty::VarBinary | Ty::Geometry => SqlType::VarBinary,
        _ => return None,
    })
}

/// Fixed byte width of a type (0 for variable-length types).
pub fn fixed_bytes(ty: Ty) -> u32 {
    rules_type(ty).and_then(SqlType::fixed_width).unwrap_or(0)
}

/// Whether values of the type are stored as text.
pub fn is_text(ty: Ty) -> bool {
    matches!(ty, Ty::VarChar | Ty::NChar | Ty::Json)
}

/// Variable-length types.
pub fn is_var(ty: Ty) -> bool {
    matches!(
        ty,
        Ty::VarChar | Ty::NChar | Ty::Json | Ty::VarBinary | Ty::Geometry
    )
}

/// Storage bytes of a column (`n+2`, `4n+2`, fixed width): what row/tag length limits count.
pub fn schema_bytes(dt: DataType) -> u32 {
    rules_type(dt.ty).map_or(0, |ty| ty.width(dt.len))
}

/// DESCRIBE `length`: bytes for VARCHAR-like, characters for NCHAR/JSON.
pub fn describe_length(dt: DataType) -> i32 {
    match dt.ty {
        Ty::Json => MAX_TEXT_CHARS as i32,
        ty if is_var(ty) => dt.len as i32,
        ty => fixed_bytes(ty) as i32,
    }
}

/// The type name DESCRIBE shows (`VARCHAR`, `INT UNSIGNED`).
pub fn type_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Geometry => "GEOMETRY",
        ty => rules_type(ty).map_or("NULL", SqlType::name),
    }
}

/// The type with its length (`VARCHAR(20)`), as `ins_tags.tag_type` shows it.
pub fn full_type_name(dt: DataType) -> String {
    match dt.ty {
        Ty::VarChar | Ty::NChar | Ty::VarBinary | Ty::Geometry => {
            format!("{}({})", type_name(dt.ty), dt.len)
        }
        ty => type_name(ty).to_string(),
    }
}

/// The `fields_lengths` a result column reports.
pub fn field_bytes(dt: DataType) -> u32 {
    match dt.ty {
        Ty::Json => MAX_TEXT_CHARS as u32,
        ty if is_var(ty) => dt.len,
        ty => fixed_bytes(ty),
    }
}

/// Shorthand for a fixed-width type.
pub const fn dt(ty: Ty) -> DataType {
    DataType { ty, len: 0 }
}

/// Shorthand for a VARCHAR(n).
pub const fn varchar(len: u32) -> DataType {
    DataType {
        ty: Ty::VarChar,
        len,
    }
}
