use taos_orm::TdTable;

// The server takes INT, BIGINT, their unsigned twins and VARCHAR only.
#[derive(TdTable)]
#[taos(table = "readings")]
struct Reading {
    #[taos(ts)]
    ts: i64,
    #[taos(primary_key)]
    sensor: i16,
    value: f64,
}

fn main() {}
