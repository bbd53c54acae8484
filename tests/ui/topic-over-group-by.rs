use taos_orm::query::count_all;
use taos_orm::tmq::Topic;
use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device: i32,
}

fn main() {
    let per_device = Meter::query()
        .select(|m| (m.device, count_all()))
        .group_by(|m| m.device);
    let _ = Topic::query("per_device", per_device);
}
