use taos_orm::{BorrowedValue, FromValueError, SqlType, TdTable, TdType, Value};

/// A user type stored as text.
struct Label(String);

impl TdType for Label {
    const SQL_TYPE: SqlType = SqlType::VarChar;

    fn to_value(&self) -> Value<'_> {
        Value::Str(&self.0)
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        String::from_value(value).map(Label)
    }
}

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(varbinary(16))]
    label: Label,
}

fn main() {}
