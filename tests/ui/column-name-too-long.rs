use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(rename = "a_column_name_that_is_far_too_long_for_tdengine_which_allows_64_bytes")]
    value: f64,
}

fn main() {}
