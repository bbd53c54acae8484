use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "windows")]
struct Window {
    #[taos(ts)]
    ts: i64,
    #[taos(rename = "_wstart")]
    start: i64,
}

fn main() {}
