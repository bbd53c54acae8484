use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{site}_{phase}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    site: u32,
    #[taos(tag)]
    phase: f64,
}

fn main() {}
