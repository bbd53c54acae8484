use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device_id: i32,
}

fn main() {}
