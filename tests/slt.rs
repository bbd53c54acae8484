//! SQL behaviour cases as sqllogictest files (`tests/slt/*.slt`), one test
//! per file, run through the real `taos` client against the emulator or
//! `TAOS_DSN` alike. Each file gets a database of its own (`VGROUPS 1`,
//! dropped afterwards) and runs with it as the connection's default, so
//! the files name tables without a database.
//!
//! - A first line `# precision: us` (or `ns`) creates the database in that
//!   precision.
//! - Values print as: `NULL`, `true`/`false`, integers, floats in Rust's
//!   shortest round-trip form (`{:?}`), text as is (`(empty)` for the empty string),
//!   bytes as `\x` and hex, timestamps as RFC 3339 UTC in the database
//!   precision. Column types: `I` (BOOL and integers), `R` (FLOAT, DOUBLE),
//!   `T` (everything else).
//! - `statement error 0x2603` matches the TDengine error code (errors print
//!   as `[0x2603] message`).
//! - `SLT_COMPLETE=1` rewrites the files with what the target answers: run
//!   it against a real server to record expected results.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqllogictest::harness::{Arguments, Failed, Trial};
use sqllogictest::{DBOutput, DefaultColumnType, Runner};
use taos::{AsyncFetchable, AsyncQueryable, AsyncTBuilder};
use taos_orm::Precision;

/// One file's connection.
struct Target {
    taos: taos::Taos,
    precision: Precision,
}

/// A TDengine error, printed with its code first for `statement error`.
#[derive(Debug)]
struct SltError(String);

impl std::fmt::Display for SltError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SltError {}

impl From<taos::Error> for SltError {
    fn from(e: taos::Error) -> Self {
        // The client reports codes as 0x8000xxxx; the low half is TDengine's.
        let code = e.code();
        SltError(format!(
            "[{:#06x}] {}",
            i32::from(code) & 0xffff,
            e.message()
        ))
    }
}

#[async_trait::async_trait]
impl sqllogictest::AsyncDB for Target {
    type Error = SltError;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, SltError> {
        // An information_schema scan on a real server visits every vnode and
        // answers 0x0503 when it meets a database another test is dropping
        // right then: that one is retried.
        let mut attempt = 0;
        let mut result = loop {
            match self.taos.query(sql).await {
                Err(e) if i32::from(e.code()) & 0xffff == 0x0503 && attempt < 10 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => break other?,
            }
        };
        let fields = result.fields().to_vec();
        if fields.is_empty() {
            return Ok(DBOutput::StatementComplete(result.affected_rows() as u64));
        }
        let types = fields.iter().map(|f| column_type(f.ty())).collect();
        let mut rows = Vec::new();
        let mut blocks = result.blocks();
        use futures::TryStreamExt;
        while let Some(block) = blocks.try_next().await? {
            for row in 0..block.nrows() {
                let cells = (0..block.ncols())
                    .map(|col| {
                        let value = block.get_ref(row, col).map(|v| v.to_value());
                        cell(value, self.precision)
                    })
                    .collect();
                rows.push(cells);
            }
        }
        Ok(DBOutput::Rows { types, rows })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "tdengine"
    }

    async fn sleep(dur: Duration) {
        tokio::time::sleep(dur).await;
    }
}

fn column_type(ty: taos::Ty) -> DefaultColumnType {
    use taos::Ty;
    match ty {
        Ty::Bool
        | Ty::TinyInt
        | Ty::SmallInt
        | Ty::Int
        | Ty::BigInt
        | Ty::UTinyInt
        | Ty::USmallInt
        | Ty::UInt
        | Ty::UBigInt => DefaultColumnType::Integer,
        Ty::Float | Ty::Double => DefaultColumnType::FloatingPoint,
        _ => DefaultColumnType::Text,
    }
}

fn cell(value: Option<taos::Value>, precision: Precision) -> String {
    use taos::Value as V;
    let Some(value) = value else {
        return "NULL".into();
    };
    match value {
        V::Null(_) => "NULL".into(),
        V::Bool(b) => b.to_string(),
        V::TinyInt(v) => v.to_string(),
        V::SmallInt(v) => v.to_string(),
        V::Int(v) => v.to_string(),
        V::BigInt(v) => v.to_string(),
        V::UTinyInt(v) => v.to_string(),
        V::USmallInt(v) => v.to_string(),
        V::UInt(v) => v.to_string(),
        V::UBigInt(v) => v.to_string(),
        V::Float(v) => format!("{v:?}"),
        V::Double(v) => format!("{v:?}"),
        V::VarChar(s) | V::NChar(s) if s.is_empty() => "(empty)".into(),
        V::VarChar(s) | V::NChar(s) => s,
        V::Json(j) => j.to_string(),
        V::Timestamp(ts) => timestamp(ts.as_raw_i64(), precision),
        V::VarBinary(b) | V::Geometry(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!("\\x{hex}")
        }
        other => format!("{other:?}"),
    }
}

fn timestamp(raw: i64, precision: Precision) -> String {
    let (per_sec, digits) = match precision {
        Precision::Millisecond => (1_000, 3),
        Precision::Microsecond => (1_000_000, 6),
        Precision::Nanosecond => (1_000_000_000, 9),
    };
    let secs = raw.div_euclid(per_sec);
    let frac = raw.rem_euclid(per_sec);
    match DateTime::<Utc>::from_timestamp(secs, 0) {
        Some(t) => format!("{}.{frac:0digits$}Z", t.format("%Y-%m-%dT%H:%M:%S")),
        None => raw.to_string(),
    }
}

/// The precision a file asks for in its first line.
fn precision_of(path: &Path) -> Precision {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# precision:"))
    {
        Some(p) if p.trim() == "us" => Precision::Microsecond,
        Some(p) if p.trim() == "ns" => Precision::Nanosecond,
        _ => Precision::Millisecond,
    }
}

fn run_file(path: &Path) -> Result<(), Failed> {
    let precision = precision_of(path);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("slt");
    let db = common::TestDb::new(&format!("slt_{stem}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let admin = taos_orm::connect(&common::dsn()).await?;
        taos_orm::Database::create(&admin, &db.options().precision(precision)).await?;
        let dsn = common::dsn_with_database(db.name());
        let mut runner = Runner::new(move || {
            let dsn = dsn.clone();
            async move {
                let taos = taos::TaosBuilder::from_dsn(&dsn)?.build().await?;
                Ok::<_, SltError>(Target { taos, precision })
            }
        });
        if std::env::var_os("SLT_COMPLETE").is_some() {
            runner
                .update_test_file(
                    path,
                    " ",
                    sqllogictest::default_validator,
                    sqllogictest::default_normalizer,
                    sqllogictest::strict_column_validator,
                )
                .await
                .map_err(|e| Failed::from(e.to_string()))?;
        } else {
            runner.with_column_validator(sqllogictest::strict_column_validator);
            runner
                .run_file_async(path)
                .await
                .map_err(|e| Failed::from(e.display(true).to_string()))?;
        }
        Ok::<_, Failed>(())
    })
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/slt");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/slt exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "slt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .slt files in {}", dir.display());
    let trials = files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            Trial::test(name, move || run_file(&path))
        })
        .collect();
    sqllogictest::harness::run(&Arguments::from_args(), trials).exit();
}
