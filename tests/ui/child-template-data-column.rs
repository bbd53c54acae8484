use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d_{device}_{voltage}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    voltage: i32,
    #[taos(tag)]
    device: i32,
}

fn main() {}
