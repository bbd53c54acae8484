use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{id}")]
struct Meter {
    #[taos(ts, tag)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    id: i32,
}

fn main() {}
