use taos_orm::TdRow;

#[derive(TdRow)]
struct Avg {
    #[taos(tag)]
    device: u32,
    #[taos(rename = "")]
    avg: f64,
}

fn main() {}
