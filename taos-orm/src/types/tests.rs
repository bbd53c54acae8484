use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime, Utc};
use taos::taos_query::common::{Precision, Timestamp, Ty};

use crate::schema::SqlType;
use crate::value::{BorrowedValue as B, FromValueError, TdType, TimestampValue, Value};

fn mismatch(expected: &'static str, found: &str) -> FromValueError {
    FromValueError::TypeMismatch {
        expected,
        found: found.to_owned(),
    }
}

#[test]
fn bool_round_trip() {
    assert_eq!(true.to_value(), Value::Bool(true));
    assert_eq!(bool::from_value(B::Bool(false)), Ok(false));
    assert_eq!(bool::from_value(B::Int(1)), Err(mismatch("bool", "INT")));
    assert_eq!(<bool as TdType>::SQL_TYPE, SqlType::Bool);
}

#[test]
fn signed_integers_widen_losslessly() {
    assert_eq!((-5i8).to_value(), Value::Int(-5));
    assert_eq!(i8::from_value(B::TinyInt(-5)), Ok(-5));
    assert_eq!(
        i8::from_value(B::SmallInt(1)),
        Err(mismatch("i8", "SMALLINT"))
    );
    assert_eq!(
        i8::from_value(B::UTinyInt(1)),
        Err(mismatch("i8", "TINYINT UNSIGNED"))
    );

    assert_eq!(i16::from_value(B::TinyInt(-1)), Ok(-1));
    assert_eq!(i16::from_value(B::UTinyInt(255)), Ok(255));
    assert_eq!(i16::from_value(B::Int(1)), Err(mismatch("i16", "INT")));
    assert_eq!(
        i16::from_value(B::USmallInt(1)),
        Err(mismatch("i16", "SMALLINT UNSIGNED"))
    );

    assert_eq!(i32::from_value(B::Int(i32::MIN)), Ok(i32::MIN));
    assert_eq!(i32::from_value(B::USmallInt(65535)), Ok(65535));
    assert_eq!(
        i32::from_value(B::UInt(1)),
        Err(mismatch("i32", "INT UNSIGNED"))
    );
    assert_eq!(
        i32::from_value(B::BigInt(1)),
        Err(mismatch("i32", "BIGINT"))
    );

    assert_eq!(i64::MAX.to_value(), Value::Int(i64::MAX));
    assert_eq!(i64::from_value(B::Int(-7)), Ok(-7));
    assert_eq!(i64::from_value(B::UInt(u32::MAX)), Ok(u32::MAX as i64));
    assert_eq!(
        i64::from_value(B::UBigInt(1)),
        Err(mismatch("i64", "BIGINT UNSIGNED"))
    );
    assert_eq!(
        i64::from_value(B::Double(1.0)),
        Err(mismatch("i64", "DOUBLE"))
    );
}

#[test]
fn i64_reads_a_timestamp_as_its_raw_integer() {
    let ts = Timestamp::new(1_700_000_000_123_456, Precision::Microsecond);
    assert_eq!(i64::from_value(B::Timestamp(ts)), Ok(1_700_000_000_123_456));
}

#[test]
fn unsigned_integers_widen_losslessly() {
    assert_eq!(200u8.to_value(), Value::UInt(200));
    assert_eq!(u8::from_value(B::UTinyInt(200)), Ok(200));
    assert_eq!(
        u8::from_value(B::TinyInt(1)),
        Err(mismatch("u8", "TINYINT"))
    );
    assert_eq!(u16::from_value(B::UTinyInt(2)), Ok(2));
    assert_eq!(
        u16::from_value(B::UInt(2)),
        Err(mismatch("u16", "INT UNSIGNED"))
    );
    assert_eq!(u32::from_value(B::USmallInt(9)), Ok(9));
    assert_eq!(u32::from_value(B::Int(9)), Err(mismatch("u32", "INT")));
    assert_eq!(u64::MAX.to_value(), Value::UInt(u64::MAX));
    assert_eq!(u64::from_value(B::UBigInt(u64::MAX)), Ok(u64::MAX));
    assert_eq!(u64::from_value(B::UInt(3)), Ok(3));
    assert_eq!(
        u64::from_value(B::BigInt(3)),
        Err(mismatch("u64", "BIGINT"))
    );
}

#[test]
fn floats() {
    assert_eq!(1.5f32.to_value(), Value::Float(1.5));
    assert_eq!(f32::from_value(B::Float(1.5)), Ok(1.5));
    assert_eq!(f32::from_value(B::SmallInt(-3)), Ok(-3.0));
    assert_eq!(
        f32::from_value(B::Double(1.5)),
        Err(mismatch("f32", "DOUBLE"))
    );
    assert_eq!(f32::from_value(B::Int(1)), Err(mismatch("f32", "INT")));
    assert_eq!(2.25f64.to_value(), Value::Double(2.25));
    assert_eq!(f64::from_value(B::Float(0.1)), Ok(f64::from(0.1f32)));
    assert_eq!(f64::from_value(B::UInt(u32::MAX)), Ok(u32::MAX as f64));
    assert_eq!(
        f64::from_value(B::BigInt(1)),
        Err(mismatch("f64", "BIGINT"))
    );
}

#[test]
fn strings_from_varchar_and_nchar() {
    let s = String::from("héllo");
    assert_eq!(s.to_value(), Value::Str("héllo"));
    assert_eq!(String::from_value(B::VarChar("a")), Ok("a".into()));
    assert_eq!(
        String::from_value(B::NChar(Cow::Borrowed("温度"))),
        Ok("温度".into())
    );
    assert_eq!(
        String::from_value(B::Int(1)),
        Err(mismatch("String", "INT"))
    );
    assert_eq!(
        String::from_value(B::VarBinary(Cow::Borrowed(b"x"))),
        Err(mismatch("String", "VARBINARY"))
    );
}

#[test]
fn bytes_from_varbinary() {
    let b = vec![0u8, 255];
    assert_eq!(b.to_value(), Value::Bytes(&[0, 255]));
    assert_eq!(<Vec<u8> as TdType>::SQL_TYPE, SqlType::VarBinary);
    assert_eq!(
        Vec::<u8>::from_value(B::VarBinary(Cow::Borrowed(&[1, 2]))),
        Ok(vec![1, 2])
    );
    assert_eq!(
        Vec::<u8>::from_value(B::VarChar("x")),
        Err(mismatch("Vec<u8>", "VARCHAR"))
    );
}

#[test]
fn null_into_non_option_is_unexpected_null() {
    assert_eq!(
        i32::from_value(B::Null(Ty::Int)),
        Err(FromValueError::UnexpectedNull)
    );
    assert_eq!(
        String::from_value(B::Null(Ty::VarChar)),
        Err(FromValueError::UnexpectedNull)
    );
    assert_eq!(
        DateTime::<Utc>::from_value(B::Null(Ty::Timestamp)),
        Err(FromValueError::UnexpectedNull)
    );
}

#[test]
fn option_maps_null() {
    const { assert!(<Option<i32> as TdType>::NULLABLE) };
    const { assert!(!<i32 as TdType>::NULLABLE) };
    assert_eq!(<Option<f32> as TdType>::SQL_TYPE, SqlType::Float);
    assert_eq!(None::<i32>.to_value(), Value::Null);
    assert_eq!(Some(3i32).to_value(), Value::Int(3));
    assert_eq!(Option::<i32>::from_value(B::Null(Ty::Int)), Ok(None));
    assert_eq!(Option::<i64>::from_value(B::Int(4)), Ok(Some(4)));
    assert_eq!(
        Option::<i8>::from_value(B::Int(4)),
        Err(mismatch("i8", "INT"))
    );
}

#[test]
fn chrono_timestamps_honour_precision() {
    let expected = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
    let ns = Timestamp::new(1_700_000_000_123_456_789, Precision::Nanosecond);
    assert_eq!(DateTime::<Utc>::from_value(B::Timestamp(ns)), Ok(expected));
    let us = Timestamp::new(1_700_000_000_123_456, Precision::Microsecond);
    assert_eq!(
        DateTime::<Utc>::from_value(B::Timestamp(us)),
        Ok(DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap())
    );
    let ms = Timestamp::new(1_700_000_000_123, Precision::Millisecond);
    assert_eq!(
        NaiveDateTime::from_value(B::Timestamp(ms)),
        Ok(DateTime::from_timestamp(1_700_000_000, 123_000_000)
            .unwrap()
            .naive_utc())
    );
    assert_eq!(
        DateTime::<Utc>::from_value(B::BigInt(1)),
        Err(mismatch("DateTime<Utc>", "BIGINT"))
    );
}

#[test]
fn timestamps_before_the_epoch() {
    let ms = Timestamp::new(-1, Precision::Millisecond);
    assert_eq!(
        DateTime::<Utc>::from_value(B::Timestamp(ms)),
        Ok(DateTime::from_timestamp(-1, 999_000_000).unwrap())
    );
}

#[test]
fn timestamp_outside_chrono_range_is_invalid() {
    let ms = Timestamp::new(i64::MAX, Precision::Millisecond);
    assert!(matches!(
        DateTime::<Utc>::from_value(B::Timestamp(ms)),
        Err(FromValueError::Invalid(_))
    ));
}

#[test]
fn chrono_values_write_instants() {
    let dt = DateTime::from_timestamp(-2, 5).unwrap();
    assert_eq!(
        dt.to_value(),
        Value::Timestamp(TimestampValue::Instant { secs: -2, nanos: 5 })
    );
    assert_eq!(
        dt.naive_utc().to_value(),
        Value::Timestamp(TimestampValue::Instant { secs: -2, nanos: 5 })
    );
    assert_eq!(<NaiveDateTime as TdType>::SQL_TYPE, SqlType::Timestamp);
}

#[test]
fn taos_timestamp_is_precise() {
    let ts = Timestamp::new(5, Precision::Microsecond);
    assert_eq!(ts.to_value(), Value::Timestamp(TimestampValue::Precise(ts)));
    assert_eq!(Timestamp::from_value(B::Timestamp(ts)), Ok(ts));
    assert_eq!(
        Timestamp::from_value(B::BigInt(5)),
        Err(mismatch("Timestamp", "BIGINT"))
    );
}

#[test]
fn json_values() {
    let v = serde_json::json!({"k": 1});
    assert_eq!(v.to_value(), Value::Json(Cow::Borrowed(&v)));
    assert_eq!(
        serde_json::Value::from_value(B::Json(Cow::Borrowed(br#"{"k":1}"#))),
        Ok(v)
    );
    assert!(matches!(
        serde_json::Value::from_value(B::Json(Cow::Borrowed(b"{"))),
        Err(FromValueError::Invalid(_))
    ));
    assert_eq!(
        serde_json::Value::from_value(B::VarChar("{}")),
        Err(mismatch("serde_json::Value", "VARCHAR"))
    );
}

#[test]
fn whole_columns_copy_and_find_their_nulls() {
    use taos::taos_query::common::ColumnView;

    let mut out: Vec<i32> = Vec::new();
    let ints = ColumnView::from_ints(vec![1, 2, 3, 4]);
    i32::extend_from_column(&ints, &mut out).unwrap();
    assert_eq!(out, [1, 2, 3, 4]);
    // Appended after what is there, and from a view that starts mid-buffer.
    let tail = ColumnView::from_ints(vec![7, 8, 9]).slice(1..3).unwrap();
    i32::extend_from_column(&tail, &mut out).unwrap();
    assert_eq!(out, [1, 2, 3, 4, 8, 9]);

    let holed = ColumnView::from_ints(vec![Some(1), Some(2), None, Some(4)]);
    let err = i32::extend_from_column(&holed, &mut Vec::new()).unwrap_err();
    assert_eq!(err, (2, FromValueError::UnexpectedNull));
    let mut maybe: Vec<Option<i32>> = Vec::new();
    <Option<i32>>::extend_from_column(&holed, &mut maybe).unwrap();
    assert_eq!(maybe, [Some(1), Some(2), None, Some(4)]);

    let mut big = Vec::new();
    i64::extend_from_column(&ColumnView::from_big_ints(vec![-1, i64::MAX]), &mut big).unwrap();
    assert_eq!(big, [-1, i64::MAX]);
    let mut doubles = Vec::new();
    f64::extend_from_column(&ColumnView::from_doubles(vec![0.5, -2.25]), &mut doubles).unwrap();
    assert_eq!(doubles, [0.5, -2.25]);
    let mut bytes = Vec::new();
    u8::extend_from_column(
        &ColumnView::from_unsigned_tiny_ints(vec![0, 255]),
        &mut bytes,
    )
    .unwrap();
    assert_eq!(bytes, [0, 255]);
}
