//! A user type is recognised by its path, not its last name: `units::String`
//! maps to INT through its own `TdType` impl and needs no length.

mod units {
    use taos_orm::{BorrowedValue, FromValueError, SqlType, TdType, Value};

    #[derive(Debug, PartialEq)]
    pub struct String(pub i32);

    impl TdType for String {
        const SQL_TYPE: SqlType = SqlType::Int;

        fn to_value(&self) -> Value<'_> {
            Value::Int(i64::from(self.0))
        }

        fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
            i32::from_value(value).map(String)
        }
    }
}

use taos_orm::{SqlType, TdTable};

#[derive(TdTable)]
#[taos(table = "readings")]
struct Reading {
    #[taos(ts)]
    ts: i64,
    level: units::String,
    #[taos(varchar(8))]
    label: std::string::String,
}

fn main() {
    let columns = Reading::SCHEMA.columns;
    assert_eq!(columns[1].ty, SqlType::Int);
    assert_eq!(columns[1].length, None);
    assert_eq!(columns[2].ty, SqlType::VarChar);
    assert_eq!(columns[2].length, Some(8));
}
