use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    value: f64,
    #[taos(ts)]
    ts: i64,
}

fn main() {}
