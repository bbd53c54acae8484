use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(encode = "gzip")]
    value: f64,
}

fn main() {}
