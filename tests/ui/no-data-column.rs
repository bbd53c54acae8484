use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "beats")]
struct Beat {
    #[taos(ts)]
    ts: i64,
}

fn main() {}
