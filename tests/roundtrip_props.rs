//! Random rows of every type through every write path, on the emulator and
//! on a real server alike: each value comes back exactly, or its row is
//! refused with `Error::InvalidValue` before anything is sent.
//!
//! The values lean on the awkward: float extremes and subnormals, NaN,
//! quotes, backslashes, NUL and other control characters in any Unicode,
//! random bytes, JSON tags with random keys and values, NULLs. Each test
//! runs the same 12 cases every time; `PROPTEST_CASES` runs more and
//! `PROPTEST_RNG_SEED` other ones.

mod common;

use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use taos_orm::{Database, Error, InsertMode, Inserter, InserterOptions, TdRow, TdTable};

type Db = Database<Arc<taos::Taos>>;

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "props", child = "p_{id}")]
struct Prop {
    #[taos(ts)]
    ts: i64,
    b: Option<bool>,
    ti: i8,
    si: Option<i16>,
    i: i32,
    bi: Option<i64>,
    uti: Option<u8>,
    usi: u16,
    ui: Option<u32>,
    ubi: u64,
    f: Option<f32>,
    d: f64,
    od: Option<f64>,
    #[taos(varchar(24))]
    vc: String,
    #[taos(nchar(12))]
    nc: Option<String>,
    #[taos(varbinary(16))]
    vb: Option<Vec<u8>>,
    at: Option<DateTime<Utc>>,
    #[taos(tag)]
    id: u8,
    #[taos(tag, nchar(8))]
    label: Option<String>,
    #[taos(tag, varchar(10))]
    code: String,
    #[taos(tag)]
    weight: Option<f64>,
    #[taos(tag)]
    scale: f32,
    #[taos(tag)]
    big: Option<u64>,
    #[taos(tag)]
    flag: bool,
}

/// The tags of one child table.
#[derive(Debug, Clone)]
struct Tags {
    label: Option<String>,
    code: String,
    weight: Option<f64>,
    scale: f32,
    big: Option<u64>,
    flag: bool,
}

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "docs")]
struct Doc {
    #[taos(ts)]
    ts: i64,
    n: Option<i32>,
    #[taos(tag, json)]
    info: serde_json::Value,
    #[taos(tbname)]
    table: String,
}

#[derive(Debug, Clone, Copy)]
enum Path {
    Sql,
    Bound,
    InserterSql,
    InserterBound,
}

const PATHS: [Path; 4] = [
    Path::Sql,
    Path::Bound,
    Path::InserterSql,
    Path::InserterBound,
];

/// 2024-01-01T00:00:00Z in ms; every row of a case gets its own ms after it.
const T0: i64 = 1_704_067_200_000;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

fn config() -> Config {
    common::proptest_config(12, 0x7a05_0123)
}

/// Characters that break naive escaping, mixed into any Unicode.
/// Text of up to `max` characters, now and then longer.
fn text(max: usize) -> impl Strategy<Value = String> {
    let awkward = prop::sample::select(vec![
        '\'', '"', '\\', '\n', '\r', '\t', '\u{1}', '\u{7f}', '`', '%', '_', ',', '(', '?', 'ü',
        '温', '🌡', '\u{200b}',
    ]);
    let ch = prop_oneof![
        6 => any::<char>(),
        6 => awkward,
        8 => prop::char::range('a', 'z'),
        // SQL text cannot carry a NUL: those rows must be refused.
        1 => Just('\0'),
    ];
    let len = prop_oneof![9 => 0..=max, 1 => max..=max * 2];
    (len, prop::collection::vec(ch, max * 2))
        .prop_map(|(n, chars)| chars.into_iter().take(n).collect())
}

fn f64s() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -1e6..1e6f64,
        2 => any::<f64>(),
        2 => prop::sample::select(vec![
            f64::MAX, f64::MIN, f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 5e-324, 6.5e-309,
            -0.0, 0.0, 1e308, 0.1 + 0.2, f64::NAN, f64::INFINITY,
        ]),
        1 => -1.0e-300..1.0e-300f64,
    ]
}

fn f32s() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -1e6..1e6f32,
        2 => any::<f32>(),
        2 => prop::sample::select(vec![
            f32::MAX, f32::MIN, f32::MIN_POSITIVE, 1e-45, -1e-45, 1e-40, -0.0, 3.4e38,
            f32::NAN, f32::NEG_INFINITY,
        ]),
    ]
}

/// Instants within what TDengine stores in ms, before the epoch too.
fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    (-2_000_000_000_000i64..31_556_995_200_000).prop_map(|ms| Utc.timestamp_millis_opt(ms).unwrap())
}

fn tags() -> impl Strategy<Value = Tags> {
    (
        prop::option::of(text(8)),
        text(4),
        prop::option::of(f64s()),
        f32s(),
        prop::option::of(any::<u64>()),
        any::<bool>(),
    )
        .prop_map(|(label, code, weight, scale, big, flag)| Tags {
            label,
            code,
            weight,
            scale,
            big,
            flag,
        })
}

fn props() -> impl Strategy<Value = Vec<Prop>> {
    let row = (
        (
            prop::option::of(any::<bool>()),
            any::<i8>(),
            prop::option::of(any::<i16>()),
            any::<i32>(),
            prop::option::of(any::<i64>()),
            prop::option::of(any::<u8>()),
            any::<u16>(),
            prop::option::of(any::<u32>()),
            any::<u64>(),
        ),
        (
            prop::option::of(f32s()),
            f64s(),
            prop::option::of(f64s()),
            text(10),
            prop::option::of(text(12)),
            prop::option::of(prop::collection::vec(any::<u8>(), 0..20)),
            prop::option::of(instants()),
            0..3usize,
        ),
    );
    (
        prop::collection::vec(tags(), 3),
        prop::collection::vec(row, 1..12),
    )
        .prop_map(|(children, rows)| {
            rows.into_iter()
                .enumerate()
                .map(|(k, (ints, (f, d, od, vc, nc, vb, at, child)))| {
                    let (b, ti, si, i, bi, uti, usi, ui, ubi) = ints;
                    let t = children[child].clone();
                    Prop {
                        ts: T0 + k as i64,
                        b,
                        ti,
                        si,
                        i,
                        bi,
                        uti,
                        usi,
                        ui,
                        ubi,
                        f,
                        d,
                        od,
                        vc,
                        nc,
                        vb,
                        at,
                        id: child as u8,
                        label: t.label,
                        code: t.code,
                        weight: t.weight,
                        scale: t.scale,
                        big: t.big,
                        flag: t.flag,
                    }
                })
                .collect()
        })
}

fn json_values() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value as Json};
    let leaf = prop_oneof![
        1 => Just(Json::Null),
        1 => any::<bool>().prop_map(Json::Bool),
        1 => any::<i64>().prop_map(|n| json!(n)),
        3 => (-1_000_000i64..1_000_000).prop_map(|n| json!(n)),
        1 => f64s().prop_map(|f| json!(f)),
        3 => (-1e6..1e6f64).prop_map(|f| json!((f * 100.0).round() / 100.0)),
        3 => "[ -!#-\\[\\]-~ü温🌡]{0,12}".prop_map(Json::String),
        1 => text(12).prop_map(Json::String),
    ];
    prop_oneof![
        16 => leaf,
        1 => prop::collection::vec(any::<i8>(), 0..3).prop_map(|v| json!(v)),
        1 => text(4).prop_map(|k| json!({ k: 1 })),
    ]
}

fn json_keys() -> impl Strategy<Value = String> {
    prop_oneof![6 => "[a-z_][a-z0-9_ ]{0,11}", 1 => text(8)]
}

fn docs() -> impl Strategy<Value = Vec<Doc>> {
    let info = prop_oneof![
        1 => Just(serde_json::Value::Null),
        6 => prop::collection::btree_map(json_keys(), json_values(), 0..4)
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
    ];
    (
        prop::collection::vec(info, 3),
        prop::collection::vec((prop::option::of(any::<i32>()), 0..3usize), 1..8),
    )
        .prop_map(|(infos, rows)| {
            rows.into_iter()
                .enumerate()
                .map(|(k, (n, child))| Doc {
                    ts: T0 + k as i64,
                    n,
                    info: infos[child].clone(),
                    table: format!("doc_{child}"),
                })
                .collect()
        })
}

/// Writes `rows` through `path` into a freshly created `T` and returns the
/// rows the server must now hold: all of them but those refused before
/// sending. A refusal must leave the table empty.
async fn write<T>(db: &Db, rows: &[T], path: Path) -> Result<Vec<T>, TestCaseError>
where
    T: TdTable + SameRow + Clone + Debug + Send + Sync + 'static,
{
    let fail = |e: Error| TestCaseError::fail(format!("{path:?}: {e}"));
    db.drop_table::<T>().await.map_err(fail)?;
    db.create_table::<T>().await.map_err(fail)?;
    let mut kept = rows.to_vec();
    match path {
        Path::Sql | Path::Bound => loop {
            let result = match path {
                Path::Sql => db.insert(&kept).await,
                _ => db.insert_bound(&kept).await,
            };
            match result {
                Ok(report) => {
                    prop_assert_eq!(report.rows, kept.len());
                    break;
                }
                Err(Error::InvalidValue { row, .. }) if row < kept.len() => {
                    prop_assert_eq!(
                        db.count::<T>().await.map_err(fail)?,
                        0,
                        "refused, yet written"
                    );
                    kept.remove(row);
                }
                Err(e) => return Err(fail(e)),
            }
        },
        Path::InserterSql | Path::InserterBound => {
            let mode = match path {
                Path::InserterSql => InsertMode::Sql,
                _ => InsertMode::Bound,
            };
            let mut inserter = Inserter::new(db.clone(), InserterOptions::default().mode(mode));
            for row in rows.iter().cloned() {
                inserter.push(row);
            }
            inserter.flush().await.map_err(fail)?;
            let rejected = inserter.take_rejected();
            for (row, error) in &rejected {
                prop_assert!(matches!(error, Error::InvalidValue { .. }), "{error}");
                let at = kept
                    .iter()
                    .position(|r| r.same_row(row))
                    .expect("a rejected row is one of ours");
                kept.remove(at);
            }
            let stats = inserter.end().await.map_err(|e| fail(e.error))?;
            prop_assert_eq!(stats.rows_flushed as usize, kept.len());
        }
    }
    Ok(kept)
}

/// Rows compared by their timestamps, unique within a case.
trait SameRow {
    fn same_row(&self, other: &Self) -> bool;
}

impl SameRow for Prop {
    fn same_row(&self, other: &Self) -> bool {
        self.ts == other.ts
    }
}

impl SameRow for Doc {
    fn same_row(&self, other: &Self) -> bool {
        self.ts == other.ts
    }
}

async fn round_trip<T>(db: &Db, rows: &[T], tally: &Tally) -> Result<(), TestCaseError>
where
    T: TdTable + TdRow + SameRow + PartialEq + Clone + Debug + Send + Sync + 'static,
{
    let sql = format!(
        "SELECT *, tbname FROM `{}`.`{}` ORDER BY ts",
        db.name(),
        T::SCHEMA.name
    );
    for path in PATHS {
        let expected = write(db, rows, path).await?;
        tally.offered.fetch_add(rows.len(), Ordering::Relaxed);
        tally.stored.fetch_add(expected.len(), Ordering::Relaxed);
        let back: Vec<T> = db
            .fetch_all(&sql)
            .await
            .map_err(|e| TestCaseError::fail(format!("{path:?}: {e}")))?;
        prop_assert_eq!(back, expected, "{:?}", path);
    }
    Ok(())
}

/// Rows offered to the write paths and rows they stored, over a run.
#[derive(Default)]
struct Tally {
    offered: AtomicUsize,
    stored: AtomicUsize,
}

fn run<T, S>(prefix: &str, strategy: S)
where
    T: TdTable + TdRow + SameRow + PartialEq + Clone + Debug + Send + Sync + 'static,
    S: Strategy<Value = Vec<T>>,
{
    let name = common::TestDb::new(prefix);
    let db: Db = runtime().block_on(async {
        let taos = taos_orm::connect(&common::dsn()).await.expect("connect");
        Database::create(Arc::new(taos), &name.options())
            .await
            .expect("create the test database")
    });
    let mut runner = TestRunner::new(config());
    let tally = Tally::default();
    let outcome = runner.run(&strategy, |rows| {
        runtime().block_on(round_trip(&db, &rows, &tally))
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    let (offered, stored) = (tally.offered.into_inner(), tally.stored.into_inner());
    eprintln!("{prefix}: {stored} of {offered} rows stored, the rest refused before sending");
    // The strategies keep most values storable, so a path that refuses far
    // more than that has become stricter than TDengine.
    assert!(
        stored * 8 >= offered,
        "only {stored} of {offered} rows were stored"
    );
}

#[test]
fn random_rows_of_every_type_round_trip_or_are_refused() {
    run("props", props());
}

#[test]
fn random_json_tags_round_trip_or_are_refused() {
    run("props_json", docs());
}
