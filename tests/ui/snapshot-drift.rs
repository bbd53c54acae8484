use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d{location}", check_schema)]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f64,
    voltage: i32,
    humidity: Option<f32>,
    #[taos(varchar(64))]
    note: Option<String>,
    #[taos(tag, varchar(16))]
    location: String,
    group_id: i32,
}

fn main() {}
