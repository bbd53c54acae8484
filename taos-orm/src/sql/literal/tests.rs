use std::borrow::Cow;

use taos::taos_query::common::{Precision, Timestamp};

use super::*;

const MS: Precision = Precision::Millisecond;
const US: Precision = Precision::Microsecond;
const NS: Precision = Precision::Nanosecond;

fn col(ty: SqlType) -> ColumnDef {
    ColumnDef::new("c", ty)
}

fn sized(ty: SqlType, n: u32) -> ColumnDef {
    ColumnDef {
        length: Some(n),
        ..col(ty)
    }
}

fn lit(column: &ColumnDef, v: Value<'_>, p: Precision) -> Result<String, ValueError> {
    let mut s = String::from("x");
    write_value(&mut s, column, &v, p).map(|()| s[1..].to_owned())
}

fn ok(column: &ColumnDef, v: Value<'_>) -> String {
    lit(column, v, MS).unwrap()
}

fn err(column: &ColumnDef, v: Value<'_>) -> String {
    lit(column, v, MS).unwrap_err().reason
}

#[test]
fn null_for_every_type() {
    for ty in [
        SqlType::Timestamp,
        SqlType::Bool,
        SqlType::Int,
        SqlType::UBigInt,
        SqlType::Double,
        SqlType::VarChar,
        SqlType::NChar,
        SqlType::VarBinary,
        SqlType::Json,
    ] {
        assert_eq!(ok(&col(ty), Value::Null), "NULL");
    }
    let null_json = serde_json::Value::Null;
    assert_eq!(
        ok(&col(SqlType::Json), Value::Json(Cow::Borrowed(&null_json))),
        "NULL"
    );
}

#[test]
fn bools() {
    assert_eq!(ok(&col(SqlType::Bool), Value::Bool(true)), "true");
    assert_eq!(ok(&col(SqlType::Bool), Value::Bool(false)), "false");
    assert!(err(&col(SqlType::Bool), Value::Int(1))
        .contains("signed integer value cannot be written to a BOOL"));
}

#[test]
fn integer_ranges_per_column_type() {
    let cases: [(SqlType, i128, i128); 8] = [
        (SqlType::TinyInt, -128, 127),
        (SqlType::SmallInt, -32768, 32767),
        (SqlType::Int, i32::MIN.into(), i32::MAX.into()),
        (SqlType::BigInt, i64::MIN.into(), i64::MAX.into()),
        (SqlType::UTinyInt, 0, 255),
        (SqlType::USmallInt, 0, 65535),
        (SqlType::UInt, 0, u32::MAX.into()),
        (SqlType::UBigInt, 0, u64::MAX.into()),
    ];
    for (ty, min, max) in cases {
        let c = col(ty);
        let value = |v: i128| {
            if v < 0 {
                Value::Int(v as i64)
            } else {
                Value::UInt(v as u64)
            }
        };
        assert_eq!(ok(&c, value(min)), min.to_string());
        assert_eq!(ok(&c, value(max)), max.to_string());
        if min > i128::from(i64::MIN) {
            let below = min - 1;
            let e = lit(&c, Value::Int(below as i64), MS).unwrap_err().reason;
            assert!(e.contains("out of range") && e.contains(ty.name()), "{e}");
        }
        if max < i128::from(u64::MAX) {
            assert!(
                lit(&c, Value::UInt((max + 1) as u64), MS).is_err(),
                "{ty:?}"
            );
        }
    }
    // An i64 into a TINYINT column.
    assert_eq!(
        err(&col(SqlType::TinyInt), Value::Int(300)),
        "300 is out of range for TINYINT [-128, 127]"
    );
    // A signed value into an unsigned column.
    assert!(lit(&col(SqlType::UInt), Value::Int(-1), MS).is_err());
    assert_eq!(ok(&col(SqlType::UInt), Value::Int(7)), "7");
}

#[test]
fn floats_use_shortest_round_trip_text() {
    let f = col(SqlType::Float);
    let d = col(SqlType::Double);
    assert_eq!(ok(&f, Value::Float(0.1)), "0.1");
    assert_eq!(ok(&f, Value::Float(-1.5)), "-1.5");
    assert_eq!(ok(&f, Value::Float(1.0)), "1.0");
    assert_eq!(ok(&f, Value::Float(3.4e38)), "3.4e+38");
    assert_eq!(ok(&d, Value::Double(0.1)), "0.1");
    assert_eq!(ok(&d, Value::Double(1e-300)), "1e-300");
    // An f32 in a DOUBLE column keeps its own shortest text, not the widened digits.
    assert_eq!(ok(&d, Value::Float(0.1)), "0.1");
    assert_eq!(ok(&d, Value::Int(-3)), "-3");
    assert!(err(&f, Value::Double(1e39)).contains("out of range for FLOAT"));
    // The server reads float literals as doubles and refuses a FLOAT above
    // FLT_MAX: the largest floats go out as their exact double.
    assert_eq!(ok(&f, Value::Float(f32::MAX)), "3.4028234663852886e+38");
    assert_eq!(ok(&f, Value::Float(f32::MIN)), "-3.4028234663852886e+38");
    let above = f32::from_bits(3.4e38f32.to_bits() + 1);
    let exact = f64::from(above);
    assert_eq!(
        ok(&f, Value::Float(above)),
        zmij::Buffer::new().format(exact)
    );
    // Subnormal floats are fine; subnormal doubles have no SQL spelling.
    assert_eq!(ok(&f, Value::Float(1e-45)), "1e-45");
    assert_eq!(
        ok(&d, Value::Double(f64::MIN_POSITIVE)),
        "2.2250738585072014e-308"
    );
    let reason = err(&d, Value::Double(6.5e-309));
    assert!(
        reason.contains("subnormal") && reason.contains("insert_bound"),
        "{reason}"
    );
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        assert!(lit(&f, Value::Float(bad), MS).is_err());
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(lit(&d, Value::Double(bad), MS).is_err());
    }
}

#[test]
fn strings_are_escaped_onto_one_line() {
    let c = sized(SqlType::VarChar, 100);
    assert_eq!(ok(&c, Value::Str("plain")), "'plain'");
    assert_eq!(ok(&c, Value::Str("")), "''");
    assert_eq!(ok(&c, Value::Str("it's")), r"'it\'s'");
    assert_eq!(ok(&c, Value::Str(r"C:\dir\")), r"'C:\\dir\\'");
    assert_eq!(ok(&c, Value::Str("a\nb\rc\td")), r"'a\nb\rc\td'");
    assert_eq!(ok(&c, Value::Str("say \"hi\"")), "'say \"hi\"'");
    assert_eq!(ok(&c, Value::Str("NULL")), "'NULL'");
    assert_eq!(ok(&c, Value::Str("温度 🌡️'")), "'温度 🌡️\\''");
    assert!(err(&c, Value::Str("a\0b")).contains("NUL"));
}

#[test]
fn varchar_length_counts_bytes_nchar_counts_chars() {
    let v = sized(SqlType::VarChar, 4);
    assert_eq!(ok(&v, Value::Str("abcd")), "'abcd'");
    assert_eq!(
        err(&v, Value::Str("abcde")),
        "5 bytes is longer than VARCHAR(4)"
    );
    // Two 2-byte characters fit 4 bytes, three do not.
    assert!(lit(&v, Value::Str("éé"), MS).is_ok());
    assert!(lit(&v, Value::Str("ééé"), MS).is_err());
    // Escapes do not count: the server checks the unescaped text.
    assert_eq!(ok(&v, Value::Str("''''")), r"'\'\'\'\''");

    let n = sized(SqlType::NChar, 3);
    assert_eq!(ok(&n, Value::Str("温度计")), "'温度计'");
    assert_eq!(ok(&n, Value::Str("🌡🌡🌡")), "'🌡🌡🌡'");
    assert_eq!(
        err(&n, Value::Str("🌡🌡🌡🌡")),
        "4 characters is longer than NCHAR(3)"
    );
}

#[test]
fn varbinary_is_hex() {
    let c = sized(SqlType::VarBinary, 3);
    assert_eq!(ok(&c, Value::Bytes(&[0x00, 0xab, 0xff])), r"'\x00abff'");
    assert_eq!(ok(&c, Value::Str("AB")), r"'\x4142'");
    assert_eq!(
        err(&c, Value::Bytes(&[1, 2, 3, 4])),
        "4 bytes is longer than VARBINARY(3)"
    );
}

#[test]
fn json_tags() {
    let c = col(SqlType::Json);
    let v = serde_json::json!({"k": "it's", "n": 1.5, "b": true, "z": null});
    assert_eq!(
        ok(&c, Value::Json(Cow::Borrowed(&v))),
        r#"'{"b":true,"k":"it\'s","n":1.5,"z":null}'"#
    );
    // What TDengine would print back differently is refused before sending.
    let json_err = |v: serde_json::Value| err(&c, Value::Json(Cow::Owned(v)));
    assert!(json_err(serde_json::json!({"k": "a\nb"})).contains("control character"));
    assert!(json_err(serde_json::json!({"k": "say \"hi\""})).contains("quote"));
    assert!(json_err(serde_json::json!({"k": "x\u{0}y"})).contains("NUL"));
    assert!(json_err(serde_json::json!({"ü": 1})).contains("printable ASCII"));
    assert!(json_err(serde_json::json!({"": 1})).contains("empty"));
    assert!(json_err(serde_json::json!({"a\"b": 1})).contains("quote"));
    assert!(json_err(serde_json::json!({"k": {"n": 1}})).contains("object or array"));
    assert!(json_err(serde_json::json!({})).contains("NULL"));
    assert!(json_err(serde_json::json!({"k": 1.0})).contains("1.0 would not read back"));
    assert!(json_err(serde_json::json!({"k": 1e300})).contains("too large"));
    assert!(json_err(serde_json::json!({"k": 1e-7})).contains("1e-7 would not"));
    assert!(json_err(serde_json::json!({"k": 0.1 + 0.2})).contains("0.30000000000000004"));
    assert!(json_err(serde_json::json!({"k": 9_007_199_254_740_993u64}))
        .contains("would not read back"));
    // Printed back wider than stored, this would overrun the 3.3 client's buffer.
    let flags = serde_json::json!({"a": true, "b": false, "c": true, "d": false, "e": true});
    assert!(json_err(flags.clone()).contains("overrun its buffer"));
    let mut roomy = flags.as_object().unwrap().clone();
    roomy.insert("s".into(), "a long enough string".into());
    assert!(lit(&c, Value::Json(Cow::Owned(roomy.into())), MS).is_ok());
    let fine =
        serde_json::json!({"k": "ü 温度 'x'", "n": -21.25, "i": 123_456_789_012_345i64, "e": 1e20});
    assert!(lit(&c, Value::Json(Cow::Borrowed(&fine)), MS).is_ok());
    let array = serde_json::json!([1, true]);
    assert!(err(&c, Value::Json(Cow::Borrowed(&array))).contains("object"));
    let long_key = serde_json::json!({ "k".repeat(257): 1 });
    assert!(err(&c, Value::Json(Cow::Borrowed(&long_key))).contains("256"));
    let ok_key = serde_json::json!({ "k".repeat(256): 1 });
    assert!(lit(&c, Value::Json(Cow::Borrowed(&ok_key)), MS).is_ok());
    // {"k":"…"} is 8 characters of syntax around the value.
    let max = serde_json::json!({ "k": "v".repeat(4095 - 8) });
    assert!(lit(&c, Value::Json(Cow::Borrowed(&max)), MS).is_ok());
    let over = serde_json::json!({ "k": "v".repeat(4096 - 8) });
    assert!(err(&c, Value::Json(Cow::Borrowed(&over))).contains("4096 characters"));
}

#[test]
fn timestamps_scale_to_the_database_precision() {
    let c = col(SqlType::Timestamp);
    let instant = Value::Timestamp(TimestampValue::Instant {
        secs: 1_700_000_000,
        nanos: 123_456_789,
    });
    assert_eq!(lit(&c, instant.clone(), MS).unwrap(), "1700000000123");
    assert_eq!(lit(&c, instant.clone(), US).unwrap(), "1700000000123456");
    assert_eq!(lit(&c, instant, NS).unwrap(), "1700000000123456789");

    let before_epoch = Value::Timestamp(TimestampValue::Instant {
        secs: -1,
        nanos: 999_999_999,
    });
    assert_eq!(lit(&c, before_epoch, MS).unwrap(), "-1");

    let precise = Value::Timestamp(TimestampValue::Precise(Timestamp::new(1_500, US)));
    assert_eq!(lit(&c, precise.clone(), MS).unwrap(), "1");
    assert_eq!(lit(&c, precise.clone(), US).unwrap(), "1500");
    assert_eq!(lit(&c, precise, NS).unwrap(), "1500000");
    let negative = Value::Timestamp(TimestampValue::Precise(Timestamp::new(-1_500, US)));
    assert_eq!(lit(&c, negative, MS).unwrap(), "-2");

    for p in [MS, US, NS] {
        let raw = Value::Timestamp(TimestampValue::Raw(42));
        assert_eq!(lit(&c, raw, p).unwrap(), "42");
        assert_eq!(lit(&c, Value::Int(43), p).unwrap(), "43");
    }
}

#[test]
fn timestamp_upper_bounds() {
    let c = col(SqlType::Timestamp);
    let at = |secs, nanos| Value::Timestamp(TimestampValue::Instant { secs, nanos });
    // 2970-01-01T00:00:00Z
    assert!(lit(&c, at(31_556_995_200, 0), MS).is_ok());
    assert!(lit(&c, at(31_556_995_200, 1_000_000), MS).is_err());
    assert!(lit(&c, at(31_556_995_200, 0), US).is_ok());
    assert!(lit(&c, at(31_556_995_201, 0), US).is_err());
    // 2262-01-01T00:00:00Z
    assert!(lit(&c, at(9_214_646_400, 0), NS).is_ok());
    let e = lit(&c, at(9_214_646_400, 1), NS).unwrap_err().reason;
    assert!(e.contains("2262-01-01"), "{e}");
    assert!(lit(&c, at(31_556_995_200, 0), NS).is_err());
    assert!(lit(&c, Value::Int(i64::MAX), MS).is_err());
}

#[test]
fn timestamp_overflow_is_an_error() {
    let c = col(SqlType::Timestamp);
    let huge = Value::Timestamp(TimestampValue::Instant {
        secs: i64::MAX / 10,
        nanos: 0,
    });
    assert!(lit(&c, huge, US).unwrap_err().reason.contains("overflows"));
    let precise = Value::Timestamp(TimestampValue::Precise(Timestamp::new(i64::MIN / 2, MS)));
    assert!(lit(&c, precise, NS)
        .unwrap_err()
        .reason
        .contains("overflows"));
    let bad_nanos = Value::Timestamp(TimestampValue::Instant {
        secs: 0,
        nanos: 1_000_000_000,
    });
    assert!(lit(&c, bad_nanos, MS).is_err());
}

#[test]
fn timestamps_match_chrono_bounds() {
    let limit = |y| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    };
    assert_eq!(limit(2970), MAX_SECS_MS_US);
    assert_eq!(limit(2262), MAX_SECS_NS);
}

#[test]
fn mismatched_kinds_are_errors() {
    assert!(err(&sized(SqlType::VarChar, 4), Value::Int(1)).contains("to a VARCHAR column"));
    assert!(err(&col(SqlType::Int), Value::Str("1"))
        .contains("string value cannot be written to a INT"));
    assert!(err(&col(SqlType::Timestamp), Value::Double(1.0)).contains("TIMESTAMP"));
}

#[test]
fn errors_leave_the_output_untouched_and_name_the_column() {
    let mut s = String::from("(1,");
    let c = ColumnDef {
        field: "level_field",
        ..col(SqlType::TinyInt)
    };
    let e = write_value(&mut s, &c, &Value::Int(1000), MS).unwrap_err();
    assert_eq!(s, "(1,");
    let e = e.into_error(7, "meters", &c);
    assert_eq!(
        e.to_string(),
        "row 7: field `level_field` (column `c` of `meters`): 1000 is out of range for TINYINT [-128, 127]"
    );
}
