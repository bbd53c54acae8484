//! Tables shaped like real users' structs, shared by the DDL and INSERT tests.

/// The classic meters table: one child per `table`.
#[derive(Debug, Clone, PartialEq, crate::TdTable)]
#[taos(stable = "meters")]
pub(crate) struct Meter {
    #[taos(ts)]
    pub ts: i64,
    pub current: f32,
    pub voltage: Option<i32>,
    pub phase: f32,
    #[taos(tag, varchar(24))]
    pub location: String,
    #[taos(tag, rename = "groupid")]
    pub group_id: i32,
    #[taos(tbname)]
    pub table: String,
}

impl Meter {
    pub(crate) fn new(table: &str, ts: i64) -> Self {
        Meter {
            ts,
            current: 10.3,
            voltage: Some(219),
            phase: 0.31,
            location: "California.SanFrancisco".into(),
            group_id: 2,
            table: table.into(),
        }
    }
}

/// Every column type, reserved-word names, column options and a comment.
#[derive(Debug, Clone, PartialEq, crate::TdTable)]
#[taos(
    stable = "everything",
    database = "lab",
    comment = "all types, it's fine",
    child = "E_{state}"
)]
pub(crate) struct Everything {
    #[taos(ts)]
    pub ts: chrono::DateTime<chrono::Utc>,
    #[taos(primary_key)]
    pub id: i64,
    pub flag: bool,
    #[taos(encode = "simple8b", compress = "zstd", level = "high")]
    pub tiny: i8,
    pub small: i16,
    pub int: i32,
    pub utiny: u8,
    pub usmall: u16,
    pub uint: u32,
    pub ubig: u64,
    #[taos(compress = "LZ4")]
    pub float: f32,
    pub double: f64,
    #[taos(varchar(8))]
    pub value: Option<String>,
    #[taos(nchar(4))]
    pub text: String,
    #[taos(varbinary(3))]
    pub bytes: Vec<u8>,
    #[taos(tag, nchar(8))]
    pub state: String,
    #[taos(tag)]
    pub level: i8,
}

/// A normal table (no tags).
#[derive(Debug, Clone, PartialEq, crate::TdTable)]
#[taos(table = "log")]
pub(crate) struct Log {
    #[taos(ts)]
    pub ts: i64,
    #[taos(varchar(64))]
    pub msg: String,
}

/// A super table whose only tag is JSON.
#[derive(Debug, Clone, PartialEq, crate::TdTable)]
#[taos(stable = "events")]
pub(crate) struct Event {
    #[taos(ts)]
    pub ts: i64,
    pub v: f64,
    #[taos(tag, json)]
    pub info: serde_json::Value,
    #[taos(tbname)]
    pub table: String,
}
