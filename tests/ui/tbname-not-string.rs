use taos_orm::TdTable;

#[derive(TdTable)]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag)]
    device_id: i32,
    #[taos(tbname)]
    table: u64,
}

fn main() {}
