use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    ts: i64,
    value: f64,
}

fn table_name<T: TdTable>() -> &'static str {
    T::SCHEMA.name
}

const _: fn() -> &'static str = table_name::<Log>;

fn main() {}
