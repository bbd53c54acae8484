use taos_orm::{BorrowedValue, FromValueError, SqlType, TdTable, TdType, Value};

/// A user type stored as text.
#[derive(Debug, PartialEq)]
enum State {
    On,
    Off,
}

impl TdType for State {
    const SQL_TYPE: SqlType = SqlType::VarChar;

    fn to_value(&self) -> Value<'_> {
        Value::Str(match self {
            State::On => "on",
            State::Off => "off",
        })
    }

    fn from_value(value: BorrowedValue<'_>) -> Result<Self, FromValueError> {
        match String::from_value(value)?.as_str() {
            "on" => Ok(State::On),
            "off" => Ok(State::Off),
            other => Err(FromValueError::Invalid(format!("unknown state {other:?}"))),
        }
    }
}

/// A type alias the derive cannot see through: checked by the compiler.
type Millis = i64;

#[derive(TdTable)]
#[taos(child = "s_{site}")]
struct Switch {
    #[taos(ts)]
    ts: Millis,
    #[taos(nchar(3))]
    state: State,
    previous: Option<Millis>,
    #[taos(tag, varchar(3))]
    site: State,
}

fn main() {
    assert_eq!(Switch::SCHEMA.columns[1].ty, SqlType::NChar);
    assert_eq!(Switch::SCHEMA.columns[2].ty, SqlType::BigInt);
    assert!(Switch::SCHEMA.columns[2].nullable);
    let mut name = String::new();
    Switch {
        ts: 1,
        state: State::On,
        previous: None,
        site: State::Off,
    }
    .write_table_name(&mut name);
    assert_eq!(name, "s_off");
}
