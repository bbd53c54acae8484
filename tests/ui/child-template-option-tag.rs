use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d_{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device: Option<i32>,
}

fn main() {}
