use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    value: f64,
    #[taos(rename = "value")]
    other: f64,
}

fn main() {}
