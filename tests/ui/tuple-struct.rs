use taos_orm::TdTable;

#[derive(TdTable)]
struct Reading(i64, f32);

fn main() {}
