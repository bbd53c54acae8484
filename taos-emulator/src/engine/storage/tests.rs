//! Writes, merges and removals, per column type.

use super::*;
use std::collections::BTreeMap;

fn put(d: &mut TableData, rows: &[(i64, &[Option<i64>])], composite: bool) {
    let ts: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut cells: Vec<Option<Value>> = rows
        .iter()
        .flat_map(|r| r.1.iter().map(|x| x.map(Value::Int)))
        .collect();
    let order: Vec<usize> = (0..rows.len()).collect();
    d.write_rows(&ts, &mut cells, &order, composite);
}

fn ints(col: &Column) -> Vec<Option<i64>> {
    col.values(0..col.len())
        .map(|v| match v {
            Value::Int(n) => Some(n),
            _ => None,
        })
        .collect()
}

#[test]
fn sorted_with_per_column_merge() {
    let mut d = TableData::new([Ty::BigInt; 2]);
    put(&mut d, &[(3, &[Some(3), Some(30)])], false);
    put(&mut d, &[(1, &[Some(1), Some(10)])], false);
    put(&mut d, &[(2, &[Some(2), None])], false);
    put(&mut d, &[(3, &[None, Some(31)])], false);
    assert_eq!(d.ts, vec![1, 2, 3]);
    assert_eq!(ints(&d.cols[0]), [Some(1), Some(2), Some(3)]);
    assert_eq!(ints(&d.cols[1]), [Some(10), None, Some(31)]);
}

#[test]
fn composite_key_keeps_distinct_rows() {
    let mut d = TableData::new([Ty::BigInt; 2]);
    put(&mut d, &[(1, &[Some(2), Some(20)])], true);
    put(&mut d, &[(1, &[Some(1), Some(10)])], true);
    put(&mut d, &[(1, &[Some(2), Some(21)])], true);
    assert_eq!(d.ts, vec![1, 1]);
    assert_eq!(ints(&d.cols[1]), [Some(10), Some(21)]);
    put(
        &mut d,
        &[
            (1, &[Some(3), Some(30)]),
            (0, &[Some(9), Some(90)]),
            (1, &[Some(1), None]),
        ],
        true,
    );
    assert_eq!(d.ts, vec![0, 1, 1, 1]);
    assert_eq!(ints(&d.cols[0]), [Some(9), Some(1), Some(2), Some(3)]);
    assert_eq!(ints(&d.cols[1]), [Some(90), Some(10), Some(21), Some(30)]);
}

#[test]
fn an_unordered_batch_merges_into_the_stored_rows() {
    let mut d = TableData::new([Ty::BigInt]);
    let stored: Vec<(i64, [Option<i64>; 1])> = (0..10).map(|t| (t * 10, [Some(t)])).collect();
    let stored: Vec<(i64, &[Option<i64>])> = stored.iter().map(|(t, c)| (*t, &c[..])).collect();
    put(&mut d, &stored, false);
    // Descending, with one key twice (the later wins), one stored key
    // rewritten, one left alone by a `None`, and rows before and after.
    put(
        &mut d,
        &[
            (95, &[Some(-95)]),
            (50, &[Some(-50)]),
            (35, &[Some(-35)]),
            (35, &[Some(-36)]),
            (20, &[None]),
            (-5, &[Some(-1)]),
        ],
        false,
    );
    assert_eq!(d.ts, [-5, 0, 10, 20, 30, 35, 40, 50, 60, 70, 80, 90, 95]);
    assert_eq!(
        ints(&d.cols[0]),
        [-1, 0, 1, 2, 3, -36, 4, -50, 6, 7, 8, 9, -95].map(Some)
    );
}

#[test]
fn the_batch_order_is_kept_for_one_key() {
    let mut d = TableData::new([Ty::BigInt; 2]);
    put(
        &mut d,
        &[
            (5, &[Some(1), Some(1)]),
            (5, &[None, Some(2)]),
            (4, &[Some(0), None]),
        ],
        false,
    );
    assert_eq!(d.ts, [4, 5]);
    assert_eq!(ints(&d.cols[0]), [Some(0), Some(1)]);
    assert_eq!(ints(&d.cols[1]), [None, Some(2)]);
}

/// Writes `batch` (timestamp and two cells per row) both into `d` and into
/// a model of the rules, in batch order: a named cell sets, an unnamed one
/// keeps what the key has (NULL for a new key).
fn write_both(
    d: &mut TableData,
    model: &mut BTreeMap<i64, [Value; 2]>,
    batch: &[(i64, [Option<Value>; 2])],
) {
    let ts: Vec<i64> = batch.iter().map(|r| r.0).collect();
    let mut cells: Vec<Option<Value>> = batch.iter().flat_map(|r| r.1.clone()).collect();
    let order: Vec<usize> = (0..batch.len()).collect();
    d.write_rows(&ts, &mut cells, &order, false);
    for (t, row) in batch {
        let stored = model.entry(*t).or_default();
        for (s, cell) in stored.iter_mut().zip(row) {
            if let Some(v) = cell {
                *s = v.clone();
            }
        }
    }
}

/// Debug text tells -0.0 from 0.0 and text from bytes.
fn same(d: &TableData, model: &BTreeMap<i64, [Value; 2]>, step: &str) {
    assert_eq!(d.ts, model.keys().copied().collect::<Vec<_>>(), "{step}");
    for (c, col) in d.cols.iter().enumerate() {
        assert_eq!(col.len(), d.len(), "{step}");
        let got: Vec<String> = col.values(0..col.len()).map(|v| format!("{v:?}")).collect();
        let want: Vec<String> = model.values().map(|r| format!("{:?}", r[c])).collect();
        assert_eq!(got, want, "{step}, column {c}");
    }
}

/// Appends, an out-of-order batch over stored and new keys (overriding,
/// keeping unnamed cells, one key twice), and removals, against the model.
fn round_trip(ty: Ty, samples: &[Value]) {
    let mut values = samples.to_vec();
    values.push(Value::Null);
    let v = |i: usize| values[i % values.len()].clone();
    let mut d = TableData::new([ty, Ty::Int]);
    let mut model = BTreeMap::new();
    let appended: Vec<(i64, [Option<Value>; 2])> = (0..12)
        .map(|i| (2 * i as i64, [Some(v(i)), Some(Value::Int(i as i64))]))
        .collect();
    write_both(&mut d, &mut model, &appended);
    same(&d, &model, "append");
    let merged: Vec<(i64, [Option<Value>; 2])> = (0..14)
        .rev()
        .map(|i| {
            let first = (i % 3 != 0).then(|| v(i + 1));
            (
                i as i64 + 3,
                [first, (i % 2 == 0).then_some(Value::Int(-1))],
            )
        })
        .chain([(5, [Some(v(2)), None]), (30, [None, None])])
        .collect();
    write_both(&mut d, &mut model, &merged);
    same(&d, &model, "merge");
    // Stored keys only, out of order, one of them three times: rewritten in
    // place where the values allow, merged otherwise, the same either way.
    let stored: Vec<i64> = model.keys().copied().collect();
    let rewritten: Vec<(i64, [Option<Value>; 2])> = stored
        .iter()
        .rev()
        .step_by(2)
        .enumerate()
        .map(|(i, &t)| {
            let first = (i % 3 != 1).then(|| v(i + 2));
            (t, [first, (i % 2 == 1).then_some(Value::Int(-7))])
        })
        .chain([
            (stored[1], [Some(Value::Null), Some(Value::Int(5))]),
            (stored[1], [None, Some(Value::Null)]),
        ])
        .collect();
    write_both(&mut d, &mut model, &rewritten);
    same(&d, &model, "overwrite");
    let doomed = [0, 3, 4, 9, d.len() - 1];
    d.remove_rows(&doomed);
    let keys: Vec<i64> = model.keys().copied().collect();
    for i in doomed {
        model.remove(&keys[i]);
    }
    same(&d, &model, "remove");
    assert!(d.cols[0].is_typed(), "{ty:?} stays typed");
    let mut ints = Vec::new();
    d.cols[1].visit_prims(Collect(&mut ints));
    assert_eq!(ints.len(), d.len());
}

/// Copies a fixed-width column's values out as doubles.
struct Collect<'a>(&'a mut Vec<f64>);

impl PrimVisitor for Collect<'_> {
    type Out = ();
    fn visit<T: Prim>(self, values: &[T], _: &Bitmap) {
        self.0.extend(values.iter().map(|v| v.to_f64()));
    }
}

#[test]
fn every_column_type_round_trips() {
    use Value::{Bool, Bytes, Float, Int, Str, UInt};
    let text = [Str("".into()), Str("abc".into()), Str("温度 °C 🌡".into())];
    let bytes = [
        Bytes(Box::new([])),
        Bytes(Box::new([0, 255, 10])),
        Bytes((0..=255).collect()),
    ];
    let cases: Vec<(Ty, Vec<Value>)> = vec![
        (Ty::Bool, vec![Bool(true), Bool(false)]),
        (Ty::TinyInt, vec![Int(-128), Int(127), Int(0)]),
        (Ty::SmallInt, vec![Int(-32768), Int(32767)]),
        (
            Ty::Int,
            vec![Int(i32::MIN.into()), Int(i32::MAX.into()), Int(7)],
        ),
        (Ty::BigInt, vec![Int(i64::MIN), Int(i64::MAX)]),
        (Ty::Timestamp, vec![Int(1_700_000_000_000), Int(-1)]),
        (Ty::UTinyInt, vec![UInt(0), UInt(255)]),
        (Ty::USmallInt, vec![UInt(65535), UInt(1)]),
        (Ty::UInt, vec![UInt(u32::MAX.into()), UInt(0)]),
        (Ty::UBigInt, vec![UInt(u64::MAX), UInt(3)]),
        (
            Ty::Float,
            vec![
                Float(1.5),
                Float(f64::from(0.1f32)),
                Float(-0.0),
                Float(f64::from(f32::MAX)),
            ],
        ),
        (
            Ty::Double,
            vec![Float(0.1), Float(f64::MAX), Float(-1e-300), Float(-0.0)],
        ),
        (Ty::VarChar, text.to_vec()),
        (Ty::NChar, text.to_vec()),
        (
            Ty::Json,
            vec![Str(r#"{"k":"温度"}"#.into()), Str("".into())],
        ),
        (Ty::VarBinary, bytes.to_vec()),
        (
            Ty::Geometry,
            vec![Bytes(Box::new([1, 1, 0, 0, 0])), bytes[0].clone()],
        ),
    ];
    for (ty, samples) in cases {
        round_trip(ty, &samples);
    }
}

#[test]
fn a_value_of_another_shape_is_kept_as_given() {
    let mut c = Column::new(Ty::Int);
    c.push(Value::Int(1));
    c.push(Value::Null);
    c.push(Value::Str("x".into()));
    c.push(Value::Int(1 << 40));
    assert!(!c.is_typed());
    let got: Vec<Value> = c.values(0..4).collect();
    assert_eq!(
        got,
        [
            Value::Int(1),
            Value::Null,
            Value::Str("x".into()),
            Value::Int(1 << 40)
        ]
    );
    // SQL gives unsigned columns `Int`s, binding `UInt`s: either stays
    // typed and reads back as given, a mix is kept as given.
    for given in [Value::Int(255), Value::UInt(255)] {
        let mut u = Column::new(Ty::UTinyInt);
        u.push(Value::Null);
        u.push(given.clone());
        assert!(u.is_typed());
        assert_eq!(u.values(0..2).collect::<Vec<_>>(), [Value::Null, given]);
    }
    let mut u = Column::new(Ty::UInt);
    u.push(Value::Int(7));
    u.push(Value::UInt(8));
    assert!(!u.is_typed());
    assert_eq!(
        u.values(0..2).collect::<Vec<_>>(),
        [Value::Int(7), Value::UInt(8)]
    );
    let mut f = Column::new(Ty::Float);
    f.push(Value::Float(0.1));
    assert!(!f.is_typed(), "0.1 is no f32");
    assert_eq!(f.get(0), Value::Float(0.1));
}

#[test]
fn added_columns_are_null_and_dropped_ones_go() {
    let mut d = TableData::new([Ty::Int]);
    put(&mut d, &[(1, &[Some(1)]), (2, &[Some(2)])], false);
    d.add_column(Ty::VarChar);
    assert_eq!(
        d.cols[1].values(0..2).collect::<Vec<_>>(),
        [Value::Null, Value::Null]
    );
    d.cols.remove(0);
    assert_eq!(d.cols.len(), 1);
    assert!(d.cols[0].is_typed() && d.cols[0].is_null(1));
}

#[test]
fn meters_rows_take_their_width() {
    let mut d = TableData::new([Ty::Float, Ty::Int, Ty::Float]);
    for chunk in 0..10 {
        let rows: Vec<(i64, [Option<Value>; 3])> = (0..1000)
            .map(|i| {
                let f = Some(Value::Float(f64::from(i as f32 / 4.0)));
                (chunk * 1000 + i, [f.clone(), Some(Value::Int(i)), f])
            })
            .collect();
        let ts: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut cells: Vec<Option<Value>> = rows.iter().flat_map(|r| r.1.clone()).collect();
        let order: Vec<usize> = (0..rows.len()).collect();
        d.write_rows(&ts, &mut cells, &order, false);
    }
    // 20 bytes of values and 3 bits of validity a row, within the 1.5x growth.
    let per_row = d.heap_bytes() as f64 / d.len() as f64;
    assert!((20.0..=32.0).contains(&per_row), "{per_row} bytes a row");
}
