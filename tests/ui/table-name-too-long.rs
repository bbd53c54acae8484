use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt")]
struct Log {
    #[taos(ts)]
    ts: i64,
    value: f64,
}

fn main() {}
