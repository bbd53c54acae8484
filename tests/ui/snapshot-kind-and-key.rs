use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "log", child = "l{host}", check_schema)]
struct Log {
    #[taos(ts)]
    ts: i64,
    seq: i32,
    #[taos(nchar(32))]
    msg: String,
    #[taos(tag, varchar(8))]
    host: String,
}

fn main() {}
