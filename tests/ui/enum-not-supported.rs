use taos_orm::TdTable;

#[derive(TdTable)]
enum Reading {
    Current(f32),
}

fn main() {}
