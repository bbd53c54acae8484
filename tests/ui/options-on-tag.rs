use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{id}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag, compress = "lz4")]
    id: i32,
}

fn main() {}
