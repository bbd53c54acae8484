use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{id}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    id: i32,
    #[taos(json)]
    info: serde_json::Value,
}

fn main() {}
