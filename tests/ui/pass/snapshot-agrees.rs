//! A struct that agrees with the schema snapshot compiles, and its options
//! (`Option` or not) are its own business.

use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d{group_id}", check_schema)]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    voltage: Option<i32>,
    phase: f32,
    #[taos(varchar(32))]
    note: Option<String>,
    #[taos(tag, varchar(64))]
    location: String,
    #[taos(tag)]
    group_id: i32,
}

#[derive(TdTable)]
#[taos(table = "log", database = "power", check_schema)]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(primary_key)]
    seq: i32,
    #[taos(nchar(32))]
    msg: String,
}

fn main() {
    assert_eq!(Meter::SCHEMA.columns.len(), 5);
    assert_eq!(Log::SCHEMA.columns[1].name, "seq");
}
