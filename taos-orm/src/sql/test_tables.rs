//! Hand-written `TdTable` impls shaped like what `#[derive(TdTable)]` emits,
//! shared by the DDL and INSERT tests.

use std::borrow::Cow;

use crate::schema::{ColumnDef, SqlType, TableKind, TableSchema};
use crate::table::{ReadFieldError, RowSource, TdTable, ValueSink};
use crate::value::{TdType, Value};

/// The classic meters table: one child per `table`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meter {
    pub ts: i64,
    pub current: f32,
    pub voltage: Option<i32>,
    pub phase: f32,
    pub location: String,
    pub group_id: i32,
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

pub(crate) static METER_SCHEMA: TableSchema = TableSchema {
    struct_name: "Meter",
    name: "meters",
    database: None,
    comment: None,
    kind: TableKind::Super,
    columns: &[
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef::new("current", SqlType::Float),
        ColumnDef {
            nullable: true,
            ..ColumnDef::new("voltage", SqlType::Int)
        },
        ColumnDef::new("phase", SqlType::Float),
    ],
    tags: &[
        ColumnDef {
            length: Some(24),
            ..ColumnDef::new("location", SqlType::VarChar)
        },
        ColumnDef::new("groupId", SqlType::Int),
    ],
    read_fields: &[],
};

impl TdTable for Meter {
    const SCHEMA: &'static TableSchema = &METER_SCHEMA;

    fn write_columns<S: ValueSink>(&self, sink: &mut S) {
        sink.put(0, Value::Timestamp(crate::TimestampValue::Raw(self.ts)));
        sink.put(1, self.current.to_value());
        sink.put(2, self.voltage.to_value());
        sink.put(3, self.phase.to_value());
    }

    fn write_tags<S: ValueSink>(&self, sink: &mut S) {
        sink.put(0, self.location.to_value());
        sink.put(1, self.group_id.to_value());
    }

    fn write_table_name(&self, out: &mut String) {
        out.push_str(&self.table);
    }

    fn read_row<R: RowSource>(_: &R) -> Result<Self, ReadFieldError> {
        Ok(Meter::new("unused", 0))
    }
}

/// Every column type, reserved-word names, column options and a comment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Everything {
    pub ts: chrono::DateTime<chrono::Utc>,
    pub id: i64,
    pub flag: bool,
    pub tiny: i8,
    pub small: i16,
    pub int: i32,
    pub utiny: u8,
    pub usmall: u16,
    pub uint: u32,
    pub ubig: u64,
    pub float: f32,
    pub double: f64,
    pub value: Option<String>,
    pub text: String,
    pub bytes: Vec<u8>,
    pub state: String,
    pub level: i8,
}

pub(crate) static EVERYTHING_SCHEMA: TableSchema = TableSchema {
    struct_name: "Everything",
    name: "Everything",
    database: Some("Lab"),
    comment: Some("all types, it's fine"),
    kind: TableKind::Super,
    columns: &[
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef {
            primary_key: true,
            ..ColumnDef::new("id", SqlType::BigInt)
        },
        ColumnDef::new("flag", SqlType::Bool),
        ColumnDef {
            encode: Some("simple8b"),
            compress: Some("zstd"),
            level: Some("high"),
            ..ColumnDef::new("tiny", SqlType::TinyInt)
        },
        ColumnDef::new("small", SqlType::SmallInt),
        ColumnDef::new("int", SqlType::Int),
        ColumnDef::new("utiny", SqlType::UTinyInt),
        ColumnDef::new("usmall", SqlType::USmallInt),
        ColumnDef::new("uint", SqlType::UInt),
        ColumnDef::new("ubig", SqlType::UBigInt),
        ColumnDef {
            compress: Some("LZ4"),
            ..ColumnDef::new("float", SqlType::Float)
        },
        ColumnDef::new("double", SqlType::Double),
        ColumnDef {
            length: Some(8),
            nullable: true,
            ..ColumnDef::new("value", SqlType::VarChar)
        },
        ColumnDef {
            length: Some(4),
            ..ColumnDef::new("text", SqlType::NChar)
        },
        ColumnDef {
            length: Some(3),
            ..ColumnDef::new("bytes", SqlType::VarBinary)
        },
    ],
    tags: &[
        ColumnDef {
            length: Some(8),
            ..ColumnDef::new("state", SqlType::NChar)
        },
        ColumnDef::new("level", SqlType::TinyInt),
    ],
    read_fields: &[],
};

impl TdTable for Everything {
    const SCHEMA: &'static TableSchema = &EVERYTHING_SCHEMA;

    fn write_columns<S: ValueSink>(&self, sink: &mut S) {
        sink.put(0, self.ts.to_value());
        sink.put(1, self.id.to_value());
        sink.put(2, self.flag.to_value());
        sink.put(3, self.tiny.to_value());
        sink.put(4, self.small.to_value());
        sink.put(5, self.int.to_value());
        sink.put(6, self.utiny.to_value());
        sink.put(7, self.usmall.to_value());
        sink.put(8, self.uint.to_value());
        sink.put(9, self.ubig.to_value());
        sink.put(10, self.float.to_value());
        sink.put(11, self.double.to_value());
        sink.put(12, self.value.to_value());
        sink.put(13, self.text.to_value());
        sink.put(14, self.bytes.to_value());
    }

    fn write_tags<S: ValueSink>(&self, sink: &mut S) {
        sink.put(0, self.state.to_value());
        sink.put(1, self.level.to_value());
    }

    fn write_table_name(&self, out: &mut String) {
        out.push_str("E_");
        out.push_str(&self.state);
    }

    fn read_row<R: RowSource>(_: &R) -> Result<Self, ReadFieldError> {
        Err(ReadFieldError {
            index: 0,
            kind: crate::table::ReadFieldErrorKind::MissingColumn,
        })
    }
}

/// A normal table (no tags) whose rows all go to `log`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Log {
    pub ts: i64,
    pub msg: String,
}

pub(crate) static LOG_SCHEMA: TableSchema = TableSchema {
    struct_name: "Log",
    name: "log",
    database: None,
    comment: None,
    kind: TableKind::Normal,
    columns: &[
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef {
            length: Some(64),
            ..ColumnDef::new("msg", SqlType::VarChar)
        },
    ],
    tags: &[],
    read_fields: &[],
};

impl TdTable for Log {
    const SCHEMA: &'static TableSchema = &LOG_SCHEMA;

    fn write_columns<S: ValueSink>(&self, sink: &mut S) {
        sink.put(0, Value::Int(self.ts));
        sink.put(1, self.msg.to_value());
    }

    fn write_tags<S: ValueSink>(&self, _: &mut S) {}

    fn write_table_name(&self, out: &mut String) {
        out.push_str("log");
    }

    fn read_row<R: RowSource>(_: &R) -> Result<Self, ReadFieldError> {
        Ok(Log {
            ts: 0,
            msg: String::new(),
        })
    }
}

/// A super table whose only tag is JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    pub ts: i64,
    pub v: f64,
    pub info: serde_json::Value,
    pub table: &'static str,
}

pub(crate) static EVENT_SCHEMA: TableSchema = TableSchema {
    struct_name: "Event",
    name: "events",
    database: None,
    comment: None,
    kind: TableKind::Super,
    columns: &[
        ColumnDef::new("ts", SqlType::Timestamp),
        ColumnDef::new("v", SqlType::Double),
    ],
    tags: &[ColumnDef::new("info", SqlType::Json)],
    read_fields: &[],
};

impl TdTable for Event {
    const SCHEMA: &'static TableSchema = &EVENT_SCHEMA;

    fn write_columns<S: ValueSink>(&self, sink: &mut S) {
        sink.put(0, Value::Int(self.ts));
        sink.put(1, self.v.to_value());
    }

    fn write_tags<S: ValueSink>(&self, sink: &mut S) {
        sink.put(0, Value::Json(Cow::Borrowed(&self.info)));
    }

    fn write_table_name(&self, out: &mut String) {
        out.push_str(self.table);
    }

    fn read_row<R: RowSource>(_: &R) -> Result<Self, ReadFieldError> {
        Ok(Event {
            ts: 0,
            v: 0.0,
            info: serde_json::Value::Null,
            table: "",
        })
    }
}
