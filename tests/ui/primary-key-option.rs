use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "readings")]
struct Reading {
    #[taos(ts)]
    ts: i64,
    #[taos(primary_key)]
    sensor: Option<i32>,
    value: f64,
}

fn main() {}
