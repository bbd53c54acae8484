use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(stable = "meters", child = "d_{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device: i32,
    #[taos(tag, varchar(16))]
    tbname: String,
}

fn main() {}
