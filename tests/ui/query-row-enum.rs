use taos_orm::TdRow;

#[derive(TdRow)]
enum Avg {
    A,
}

fn main() {}
