use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(rename = "v")]
    #[taos(rename = "w")]
    value: f64,
}

fn main() {}
