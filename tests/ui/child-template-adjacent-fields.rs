use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d{site}{group}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    site: u32,
    #[taos(tag)]
    group: u32,
}

fn main() {}
