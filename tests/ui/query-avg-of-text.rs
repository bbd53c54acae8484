use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: chrono::DateTime<chrono::Utc>,
    current: Option<f32>,
    voltage: i32,
    #[taos(tag)]
    device: u32,
    #[taos(tag, nchar(16))]
    location: String,
}

use taos_orm::query::avg;

fn main() {
    let _ = Meter::query().select(|m| avg(m.location));
}
