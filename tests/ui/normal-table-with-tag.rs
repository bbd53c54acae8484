use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    value: f64,
    #[taos(tag)]
    host: i32,
}

fn main() {}
