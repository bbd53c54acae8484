use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i32,
    value: f64,
}

fn main() {}
