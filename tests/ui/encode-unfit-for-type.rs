use taos_orm::TdTable;

// The server refuses both (0x80000231, 0x80000233): INT takes no delta-i,
// and only FLOAT and DOUBLE take tsz.
#[derive(TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    #[taos(encode = "delta-i")]
    count: i32,
    #[taos(varchar(16), compress = "tsz")]
    note: String,
}

fn main() {}
