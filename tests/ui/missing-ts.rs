use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    ts: i64,
    value: f64,
}

fn main() {}
