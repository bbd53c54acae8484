use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "doc")]
struct Doc {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(json)]
    info: i32,
}

fn main() {}
