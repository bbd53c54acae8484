use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table)]
struct Reading<T> {
    #[taos(ts)]
    ts: i64,
    value: T,
}

fn main() {}
