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

use taos_orm::query::TimeSpan;

fn main() {
    let _ = Meter::query()
        .session(TimeSpan::seconds(10))
        .true_for(TimeSpan::seconds(5));
}
