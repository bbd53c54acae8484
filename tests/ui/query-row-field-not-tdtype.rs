use taos_orm::TdRow;

#[derive(TdRow)]
struct Window {
    elapsed: std::time::Duration,
}

fn main() {}
