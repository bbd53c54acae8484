use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(varchar(65518))]
    message: String,
}

fn main() {}
