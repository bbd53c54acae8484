use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    message: String,
}

fn main() {}
