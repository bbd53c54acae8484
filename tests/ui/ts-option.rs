use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: Option<chrono::DateTime<chrono::Utc>>,
    value: f64,
}

fn main() {}
