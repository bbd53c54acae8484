use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(varchar(60000))]
    message: String,
    #[taos(nchar(2000))]
    note: String,
}

fn main() {}
