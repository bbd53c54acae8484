use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(varbinary(0))]
    payload: Vec<u8>,
}

fn main() {}
