//! A tiny scripted executor, so the protocol layer can be tested on its own:
//! each statement the tests use has one fixed answer.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use taos_emulator::api::{Executor, FieldInfo, Output, QueryResult, Session, TdError};
use taos_emulator::Emulator;
use taos_query::common::views::{views_to_raw_block, ColumnView};
use taos_query::common::{Precision, Ty};

/// Timestamps of the `meters` rows.
pub const METER_TS: [i64; 3] = [1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000];

/// Answers a fixed set of statements.
#[derive(Debug, Default)]
pub struct Scripted;

impl Executor for Scripted {
    fn execute(&self, session: &mut Session, sql: &str) -> Result<Output, TdError> {
        let sql = sql.trim().trim_end_matches(';').to_ascii_lowercase();
        if let Some(db) = sql.strip_prefix("use ") {
            return if db.trim() == "power" {
                session.database = Some("power".into());
                Ok(Output::Affected(0))
            } else {
                Err(TdError::new(0x0388, "Database not exist"))
            };
        }
        match sql.as_str() {
            "select server_version()" => Ok(one_string("server_version()", Some("3.3.6.0"))),
            "select server_status()" => Ok(one_int("server_status()", 1)),
            "select database()" => Ok(one_string("database()", session.database.as_deref())),
            "select * from meters" => Ok(meters()),
            "select * from empty" => Ok(Output::Rows(QueryResult {
                fields: vec![field("v", Ty::Int, 4)],
                precision: Precision::Millisecond,
                blocks: vec![],
                rows: 0,
            })),
            "select no_columns()" => Ok(Output::Rows(QueryResult {
                fields: vec![],
                precision: Precision::Millisecond,
                blocks: vec![],
                rows: 0,
            })),
            "select * from big" => Ok(big(50, 1_000)),
            "select sleep(1)" => {
                std::thread::sleep(Duration::from_millis(700));
                Ok(one_int("sleep(1)", 0))
            }
            "select boom()" => panic!("scripted engine failure"),
            s if s.starts_with("insert") => Ok(Output::Affected(s.matches("(").count())),
            s if s.starts_with("create") || s.starts_with("drop") => Ok(Output::Affected(0)),
            s if s.starts_with("select * from missing") => {
                Err(TdError::new(0x2603, "Table does not exist"))
            }
            _ => Err(TdError::new(0x0216, "Syntax error in SQL")),
        }
    }
}

/// An emulator over [`Scripted`] that records statements.
pub async fn start() -> Emulator {
    Emulator::builder()
        .executor(Arc::new(Scripted))
        .record_statements(true)
        .start()
        .await
        .expect("emulator starts")
}

pub fn field(name: &str, ty: Ty, bytes: u32) -> FieldInfo {
    FieldInfo {
        name: name.into(),
        ty,
        bytes,
    }
}

fn one_string(name: &str, value: Option<&str>) -> Output {
    Output::Rows(QueryResult {
        fields: vec![field(name, Ty::VarChar, 64)],
        precision: Precision::Millisecond,
        blocks: vec![views_to_raw_block(&[ColumnView::from_varchar::<
            &str,
            _,
            _,
            _,
        >(vec![value])])],
        rows: 1,
    })
}

fn one_int(name: &str, value: i32) -> Output {
    Output::Rows(QueryResult {
        fields: vec![field(name, Ty::Int, 4)],
        precision: Precision::Millisecond,
        blocks: vec![views_to_raw_block(&[ColumnView::from_ints(vec![value])])],
        rows: 1,
    })
}

/// Three rows over two blocks: `ts`, `current FLOAT`, `location VARCHAR` (one NULL).
fn meters() -> Output {
    let first = views_to_raw_block(&[
        ColumnView::from_millis_timestamp(vec![METER_TS[0], METER_TS[1]]),
        ColumnView::from_floats(vec![Some(10.5f32), Some(11.25)]),
        ColumnView::from_varchar::<&str, _, _, _>(vec![Some("beijing"), None]),
    ]);
    let second = views_to_raw_block(&[
        ColumnView::from_millis_timestamp(vec![METER_TS[2]]),
        ColumnView::from_floats(vec![Some(-1.0f32)]),
        ColumnView::from_varchar::<&str, _, _, _>(vec![Some("shanghai")]),
    ]);
    Output::Rows(QueryResult {
        fields: vec![
            field("ts", Ty::Timestamp, 8),
            field("current", Ty::Float, 4),
            field("location", Ty::VarChar, 16),
        ],
        precision: Precision::Millisecond,
        blocks: vec![first, second],
        rows: 3,
    })
}

/// `blocks` blocks of `per_block` BIGINT rows numbered from 0.
fn big(blocks: i64, per_block: i64) -> Output {
    let blocks: Vec<Vec<u8>> = (0..blocks)
        .map(|b| {
            let values: Vec<i64> = (b * per_block..(b + 1) * per_block).collect();
            views_to_raw_block(&[ColumnView::from_big_ints(values)])
        })
        .collect();
    let rows = blocks.len() * per_block as usize;
    Output::Rows(QueryResult {
        fields: vec![field("n", Ty::BigInt, 8)],
        precision: Precision::Millisecond,
        blocks,
        rows,
    })
}
