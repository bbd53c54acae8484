use taos_orm::query::{avg, TimeSpan};
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
    let per_minute = Meter::query()
        .select(|m| avg(m.current))
        .interval(TimeSpan::minutes(1));
    let _ = Topic::query("per_minute", per_minute);
}
