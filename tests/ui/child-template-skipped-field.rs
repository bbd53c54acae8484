use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d_{note}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device: i32,
    #[taos(skip)]
    note: i32,
}

fn main() {}
