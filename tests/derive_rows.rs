//! What the derived `write_columns`, `write_tags`, `write_table_name` and
//! `read_row` hand to and take from the runtime.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use taos::taos_query::common::{Precision, Timestamp, Ty};
use taos_orm::{
    BorrowedValue, ReadFieldError, ReadFieldErrorKind, RowSource, TdTable, TdType, TimestampValue,
    Value, ValueSink,
};

/// A value as the sink saw it, owned so it outlives the row.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f32),
    Double(f64),
    Timestamp(TimestampValue),
    Str(String),
    Bytes(Vec<u8>),
    Json(serde_json::Value),
}

impl From<Value<'_>> for Seen {
    fn from(value: Value<'_>) -> Self {
        match value {
            Value::Null => Seen::Null,
            Value::Bool(b) => Seen::Bool(b),
            Value::Int(i) => Seen::Int(i),
            Value::UInt(u) => Seen::UInt(u),
            Value::Float(f) => Seen::Float(f),
            Value::Double(d) => Seen::Double(d),
            Value::Timestamp(ts) => Seen::Timestamp(ts),
            Value::Str(s) => Seen::Str(s.to_owned()),
            Value::Bytes(b) => Seen::Bytes(b.to_vec()),
            Value::Json(j) => Seen::Json(j.into_owned()),
        }
    }
}

/// Records every `put` with its index.
#[derive(Default)]
struct Recorder(Vec<(usize, Seen)>);

impl ValueSink for Recorder {
    fn put(&mut self, index: usize, value: Value<'_>) {
        self.0.push((index, value.into()));
    }
}

fn columns<T: TdTable>(row: &T) -> Vec<(usize, Seen)> {
    let mut sink = Recorder::default();
    row.write_columns(&mut sink);
    sink.0
}

fn tags<T: TdTable>(row: &T) -> Vec<(usize, Seen)> {
    let mut sink = Recorder::default();
    row.write_tags(&mut sink);
    sink.0
}

fn table_name<T: TdTable>(row: &T) -> String {
    let mut out = String::from("prefix:");
    row.write_table_name(&mut out);
    out
}

/// A result row: one value per `read_fields` entry, `None` for a column the
/// result lacks.
struct Row(Vec<Option<BorrowedValue<'static>>>);

impl RowSource for Row {
    fn get<T: TdType>(&self, index: usize) -> Result<T, ReadFieldError> {
        let value = self.0.get(index).cloned().flatten().ok_or(ReadFieldError {
            index,
            kind: ReadFieldErrorKind::MissingColumn,
        })?;
        T::from_value(value).map_err(|e| ReadFieldError {
            index,
            kind: ReadFieldErrorKind::Value(e),
        })
    }
}

fn ms(raw: i64) -> Timestamp {
    Timestamp::new(raw, Precision::Millisecond)
}

#[derive(Debug, PartialEq, TdTable)]
#[taos(stable = "meters")]
struct Meter {
    #[taos(ts)]
    ts: DateTime<Utc>,
    current: f32,
    voltage: Option<i32>,
    #[taos(tag, nchar(24))]
    location: String,
    #[taos(tag)]
    group_id: i32,
    #[taos(tbname)]
    tbname: String,
}

fn meter() -> Meter {
    Meter {
        ts: DateTime::from_timestamp(1_700_000_000, 5_000_000).unwrap(),
        current: 10.5,
        voltage: None,
        location: "Beijing".into(),
        group_id: 2,
        tbname: "d1001".into(),
    }
}

#[test]
fn writes_columns_and_tags_in_schema_order() {
    let row = meter();
    assert_eq!(
        columns(&row),
        [
            (
                0,
                Seen::Timestamp(TimestampValue::Instant {
                    secs: 1_700_000_000,
                    nanos: 5_000_000
                })
            ),
            (1, Seen::Float(10.5)),
            (2, Seen::Null),
        ]
    );
    assert_eq!(
        tags(&row),
        [(0, Seen::Str("Beijing".into())), (1, Seen::Int(2))]
    );
}

#[test]
fn tbname_field_names_the_child_table() {
    assert_eq!(table_name(&meter()), "prefix:d1001");
}

#[test]
fn reads_columns_then_tags_then_tbname() {
    let row = Row(vec![
        Some(BorrowedValue::Timestamp(ms(1_700_000_000_005))),
        Some(BorrowedValue::Float(10.5)),
        Some(BorrowedValue::Null(Ty::Int)),
        Some(BorrowedValue::NChar(Cow::Borrowed("Beijing"))),
        Some(BorrowedValue::Int(2)),
        Some(BorrowedValue::VarChar("d1001")),
    ]);
    assert_eq!(Meter::read_row(&row).unwrap(), meter());
}

#[test]
fn read_errors_carry_the_field_index() {
    let mut values = vec![
        Some(BorrowedValue::Timestamp(ms(0))),
        Some(BorrowedValue::Float(1.0)),
        Some(BorrowedValue::Int(1)),
        Some(BorrowedValue::VarChar("x")),
        Some(BorrowedValue::Int(2)),
        None,
    ];
    let err = Meter::read_row(&Row(values.clone())).unwrap_err();
    assert_eq!(err.index, 5);
    assert_eq!(err.kind, ReadFieldErrorKind::MissingColumn);

    values[1] = Some(BorrowedValue::VarChar("not a float"));
    let err = Meter::read_row(&Row(values)).unwrap_err();
    assert_eq!(err.index, 1);
    assert!(matches!(err.kind, ReadFieldErrorKind::Value(_)));
}

#[derive(Debug, PartialEq, TdTable)]
#[taos(stable = "readings", child = "r_{r#type}_{site}")]
struct Reading {
    #[taos(ts)]
    ts: i64,
    value: f64,
    #[taos(rename = "level")]
    level: Option<u8>,
    #[taos(skip)]
    note: String,
    #[taos(tag)]
    r#type: u8,
    #[taos(tag, varchar(8))]
    site: String,
}

#[test]
fn child_template_and_i64_timestamps() {
    let row = Reading {
        ts: 42,
        value: 1.25,
        level: Some(3),
        note: "ignored".into(),
        r#type: 7,
        site: "north".into(),
    };
    assert_eq!(table_name(&row), "prefix:r_7_north");
    assert_eq!(
        columns(&row),
        [
            (0, Seen::Timestamp(TimestampValue::Raw(42))),
            (1, Seen::Double(1.25)),
            (2, Seen::UInt(3)),
        ]
    );
    assert_eq!(
        tags(&row),
        [(0, Seen::UInt(7)), (1, Seen::Str("north".into()))]
    );
}

#[test]
fn skipped_fields_read_as_default() {
    let row = Row(vec![
        Some(BorrowedValue::Timestamp(ms(42))),
        Some(BorrowedValue::Double(1.25)),
        Some(BorrowedValue::Null(Ty::UTinyInt)),
        Some(BorrowedValue::UTinyInt(7)),
        Some(BorrowedValue::VarChar("north")),
    ]);
    let read = Reading::read_row(&row).unwrap();
    assert_eq!(
        read,
        Reading {
            ts: 42,
            value: 1.25,
            level: None,
            note: String::new(),
            r#type: 7,
            site: "north".into(),
        }
    );
}

#[derive(Debug, PartialEq, TdTable)]
#[taos(table = "event_log")]
struct Event {
    #[taos(ts)]
    ts: Timestamp,
    #[taos(varbinary(4))]
    payload: Vec<u8>,
    ok: bool,
}

#[test]
fn normal_tables_name_themselves_and_have_no_tags() {
    let row = Event {
        ts: ms(5),
        payload: vec![1, 2],
        ok: true,
    };
    assert_eq!(table_name(&row), "prefix:event_log");
    assert!(tags(&row).is_empty());
    assert_eq!(
        columns(&row),
        [
            (0, Seen::Timestamp(TimestampValue::Precise(ms(5)))),
            (1, Seen::Bytes(vec![1, 2])),
            (2, Seen::Bool(true)),
        ]
    );
}

#[derive(Debug, PartialEq, TdTable)]
#[taos(child = "doc")]
struct Doc {
    #[taos(ts)]
    ts: i64,
    n: i32,
    #[taos(json)]
    info: serde_json::Value,
}

#[test]
fn json_tag_round_trip() {
    let doc = Doc {
        ts: 1,
        n: 2,
        info: serde_json::json!({"k": "v"}),
    };
    assert_eq!(tags(&doc), [(0, Seen::Json(serde_json::json!({"k": "v"})))]);
    assert_eq!(table_name(&doc), "prefix:doc");
    let row = Row(vec![
        Some(BorrowedValue::Timestamp(ms(1))),
        Some(BorrowedValue::Int(2)),
        Some(BorrowedValue::Json(Cow::Borrowed(br#"{"k":"v"}"#))),
    ]);
    assert_eq!(Doc::read_row(&row).unwrap(), doc);
}
