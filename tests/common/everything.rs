//! A struct with every supported column type, and rows full of extremes and
//! awkward text, shared by the SQL and binding round-trip tests.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use taos_orm::{Precision, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "everything", child = "e_{id}")]
pub struct Everything {
    #[taos(ts)]
    pub ts: DateTime<Utc>,
    pub b: bool,
    pub ti: i8,
    pub si: i16,
    pub i: i32,
    pub bi: i64,
    pub uti: u8,
    pub usi: u16,
    pub ui: u32,
    pub ubi: u64,
    pub f: f32,
    pub d: f64,
    #[taos(varchar(64))]
    pub vc: String,
    #[taos(nchar(32))]
    pub nc: String,
    #[taos(varbinary(32))]
    pub vb: Vec<u8>,
    pub naive: NaiveDateTime,
    pub o_b: Option<bool>,
    pub o_i: Option<i32>,
    pub o_ubi: Option<u64>,
    pub o_d: Option<f64>,
    #[taos(varchar(16))]
    pub o_vc: Option<String>,
    #[taos(nchar(16))]
    pub o_nc: Option<String>,
    #[taos(varbinary(8))]
    pub o_vb: Option<Vec<u8>>,
    #[taos(tag)]
    pub id: i32,
    #[taos(tag, nchar(16))]
    pub label: String,
    #[taos(tag)]
    pub weight: Option<f64>,
}

fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, nanos).unwrap()
}

/// Rows with extremes and awkward text; sub-second parts fit `precision`.
pub fn rows(precision: Precision) -> Vec<Everything> {
    let frac = match precision {
        Precision::Millisecond => 123_000_000,
        Precision::Microsecond => 123_456_000,
        Precision::Nanosecond => 123_456_789,
    };
    let base = 1_704_067_200; // 2024-01-01T00:00:00Z
    let full = Everything {
        ts: at(base, frac),
        b: true,
        ti: i8::MIN,
        si: i16::MAX,
        i: i32::MIN,
        bi: i64::MIN,
        uti: u8::MAX,
        usi: u16::MAX,
        ui: u32::MAX,
        ubi: u64::MAX,
        f: f32::MAX,
        d: f64::MIN_POSITIVE,
        vc: r#"it's a "quote" \ back\slash"#.into(),
        nc: "温度 🌡️ ünïcödé".into(),
        vb: vec![0, 1, 0x7f, 0x80, 0xff],
        naive: at(base - 86_400, frac).naive_utc(),
        o_b: Some(false),
        o_i: Some(-7),
        o_ubi: Some(0),
        o_d: Some(f64::MAX),
        o_vc: Some("line1\nline2\ttab\r".into()),
        o_nc: Some("NULL".into()),
        o_vb: Some(vec![]),
        id: 1,
        label: "ラベル'1".into(),
        weight: Some(-0.5),
    };
    let nulls = Everything {
        ts: at(base + 1, 0),
        b: false,
        ti: 0,
        si: i16::MIN,
        i: i32::MAX,
        bi: i64::MAX,
        uti: 0,
        usi: 0,
        ui: 0,
        ubi: 1,
        f: -1.5e-30,
        d: -f64::MAX,
        vc: String::new(),
        nc: String::new(),
        vb: vec![0xde, 0xad],
        naive: at(0, 0).naive_utc(),
        o_b: None,
        o_i: None,
        o_ubi: None,
        o_d: None,
        o_vc: None,
        o_nc: None,
        o_vb: None,
        id: 2,
        label: String::new(),
        weight: None,
    };
    let mut third = full.clone();
    third.ts = at(base + 2, frac);
    third.d = 0.1 + 0.2;
    third.f = 1.0 / 3.0;
    vec![full, nulls, third]
}
