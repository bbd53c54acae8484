use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log", database = "metrics", check_schema)]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(primary_key)]
    seq: i32,
    #[taos(nchar(32))]
    msg: String,
}

fn main() {}
