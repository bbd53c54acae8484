use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log", child = "l_{value}")]
struct Log {
    #[taos(ts)]
    ts: i64,
    value: i32,
}

fn main() {}
