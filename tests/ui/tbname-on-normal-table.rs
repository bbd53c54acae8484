use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    value: i32,
    #[taos(tbname)]
    table: String,
}

fn main() {}
