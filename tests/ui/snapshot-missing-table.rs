use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "events", check_schema)]
struct Event {
    #[taos(ts)]
    ts: i64,
    code: i32,
}

fn main() {}
