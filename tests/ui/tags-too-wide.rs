use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{a}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    #[taos(tag, varchar(10000))]
    a: String,
    #[taos(tag, varchar(10000))]
    b: String,
}

fn main() {}
