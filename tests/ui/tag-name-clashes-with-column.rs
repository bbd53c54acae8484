use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{location}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    location: f32,
    #[taos(tag, rename = "Location", varchar(16))]
    site: String,
}

fn main() {}
