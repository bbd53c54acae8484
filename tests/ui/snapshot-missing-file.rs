use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log", check_schema = "no-such-schema.txt")]
struct Log {
    #[taos(ts)]
    ts: i64,
    code: i32,
}

fn main() {}
