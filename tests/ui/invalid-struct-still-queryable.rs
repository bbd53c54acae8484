use taos_orm::TdTable;

// The struct's own mistake is the only error: its `query()` and column
// handles still type-check against the stub impls.
#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(varchar(0))]
    note: String,
}

fn main() {
    let _ = Log::query().filter(|l| l.note.eq("x")).order_by(|l| l.ts.desc());
}
