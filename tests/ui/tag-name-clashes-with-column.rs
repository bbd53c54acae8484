use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "d_{site}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    location: f32,
    #[taos(tag, rename = "location", varchar(16))]
    site: String,
}

fn main() {}
