use taos_orm::TdRow;

#[derive(TdRow)]
struct Window {
    #[taos(rename = "_wstart")]
    start: i64,
    #[taos(rename = "_WSTART")]
    begin: i64,
}

fn main() {}
