//! The `TableSchema` that `#[derive(TdTable)]` produces.

use chrono::{DateTime, NaiveDateTime, Utc};
use taos::taos_query::common::Timestamp;
use taos_orm::{ColumnDef, ReadField, SqlType, TableKind, TdTable};

#[derive(TdTable)]
#[taos(stable = "meters", database = "power", comment = "smart meters")]
struct Meter {
    #[taos(ts)]
    ts: DateTime<Utc>,
    current: f32,
    voltage: Option<i32>,
    phase: f32,
    #[taos(tag, varchar(24))]
    location: String,
    #[taos(tag)]
    group_id: i32,
    #[taos(tbname)]
    tbname: String,
}

fn column(name: &'static str, ty: SqlType) -> ColumnDef {
    ColumnDef::new(name, ty)
}

#[test]
fn meters_like_super_table() {
    let schema = Meter::SCHEMA;
    assert_eq!(schema.struct_name, "Meter");
    assert_eq!(schema.name, "meters");
    assert_eq!(schema.database, Some("power"));
    assert_eq!(schema.comment, Some("smart meters"));
    assert_eq!(schema.kind, TableKind::Super);
    let voltage = ColumnDef {
        nullable: true,
        ..column("voltage", SqlType::Int)
    };
    assert_eq!(
        schema.columns,
        &[
            column("ts", SqlType::Timestamp),
            column("current", SqlType::Float),
            voltage,
            column("phase", SqlType::Float),
        ]
    );
    let location = ColumnDef {
        length: Some(24),
        ..column("location", SqlType::VarChar)
    };
    assert_eq!(schema.tags, &[location, column("group_id", SqlType::Int)]);
    let names: Vec<_> = schema.read_fields.iter().map(|f| f.column).collect();
    assert_eq!(
        names,
        ["ts", "current", "voltage", "phase", "location", "group_id", "tbname"]
    );
    assert_eq!(
        schema.read_fields[2],
        ReadField {
            column: "voltage",
            field: "voltage",
            rust_type: "Option<i32>"
        }
    );
}

#[derive(TdTable)]
#[taos(table)]
struct EventLog {
    #[taos(ts)]
    at: i64,
    #[taos(binary(64))]
    message: String,
}

#[test]
fn normal_table_defaults_to_the_snake_case_struct_name() {
    let schema = EventLog::SCHEMA;
    assert_eq!(schema.name, "event_log");
    assert_eq!(schema.kind, TableKind::Normal);
    assert_eq!(schema.database, None);
    assert_eq!(schema.columns[0], column("at", SqlType::Timestamp));
    assert_eq!(schema.columns[1].ty, SqlType::VarChar);
    assert_eq!(schema.columns[1].length, Some(64));
    assert!(schema.tags.is_empty());
}

#[derive(TdTable)]
#[taos(child = "all_{tag}")]
struct AllTypes {
    #[taos(ts)]
    ts: NaiveDateTime,
    b: bool,
    i8: i8,
    i16: i16,
    i32: i32,
    i64: i64,
    u8: u8,
    u16: u16,
    u32: u32,
    u64: u64,
    f32: f32,
    f64: Option<f64>,
    #[taos(varchar(10))]
    text: String,
    #[taos(nchar(5))]
    wide: Option<String>,
    #[taos(varbinary(3))]
    bytes: Vec<u8>,
    at: Timestamp,
    utc: Option<DateTime<Utc>>,
    #[taos(tag)]
    tag: u16,
}

#[test]
fn every_supported_type_maps_to_its_column_type() {
    let types: Vec<_> = AllTypes::SCHEMA.columns.iter().map(|c| c.ty).collect();
    use SqlType::*;
    assert_eq!(
        types,
        [
            Timestamp, Bool, TinyInt, SmallInt, Int, BigInt, UTinyInt, USmallInt, UInt, UBigInt,
            Float, Double, VarChar, NChar, VarBinary, Timestamp, Timestamp
        ]
    );
    let nullable: Vec<_> = AllTypes::SCHEMA
        .columns
        .iter()
        .filter(|c| c.nullable)
        .map(|c| c.name)
        .collect();
    assert_eq!(nullable, ["f64", "wide", "utc"]);
    let lengths: Vec<_> = AllTypes::SCHEMA.columns[12..15]
        .iter()
        .map(|c| c.length)
        .collect();
    assert_eq!(lengths, [Some(10), Some(5), Some(3)]);
}

#[derive(TdTable)]
#[taos(stable = "readings", child = "r_{r#type}")]
struct Reserved {
    #[taos(ts, encode = "delta-i", compress = "ZSTD", level = "high")]
    ts: i64,
    #[taos(primary_key)]
    id: i32,
    value: f64,
    level: Option<i8>,
    #[taos(rename = "state")]
    current_state: bool,
    #[taos(tag)]
    r#type: u8,
    #[taos(skip)]
    #[allow(dead_code)]
    cached: Vec<String>,
}

#[test]
fn reserved_words_and_renames_become_lowercase_column_names() {
    let schema = Reserved::SCHEMA;
    let names: Vec<_> = schema.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, ["ts", "id", "value", "level", "state"]);
    assert_eq!(schema.columns[4].field, "current_state");
    assert_eq!(schema.tags[0].name, "type");
    assert_eq!(schema.tags[0].field, "type");
    assert!(schema.columns[1].primary_key);
    assert_eq!(schema.columns[0].encode, Some("delta-i"));
    assert_eq!(schema.columns[0].compress, Some("zstd"));
    assert_eq!(schema.columns[0].level, Some("high"));
    assert_eq!(schema.read_fields.len(), 6);
}

#[derive(TdTable)]
#[taos(stable = "docs")]
struct JsonDoc {
    #[taos(ts)]
    ts: i64,
    n: i32,
    #[taos(json)]
    info: serde_json::Value,
    #[taos(tbname)]
    name: String,
}

#[test]
fn json_tag() {
    assert_eq!(JsonDoc::SCHEMA.tags, &[column("info", SqlType::Json)]);
}
