use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log", database = "Power")]
struct Log {
    #[taos(ts)]
    ts: i64,
    value: f64,
}

fn main() {}
