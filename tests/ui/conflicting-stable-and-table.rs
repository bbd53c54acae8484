use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", table = "meters")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
}

fn main() {}
