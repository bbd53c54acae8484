//! Columnar INSERT for bound statements (stmt): rows arrive as raw blocks,
//! one column per `?` of `VALUES`, and go straight into storage.
//!
//! The target of each batch is given as a one-row INSERT "head" (table,
//! `USING … TAGS(…)` with the bound tags as literals, column list): parsing
//! it reuses the INSERT rules for tables, auto-creation and tags, while the
//! rows skip SQL text entirely. Checks match INSERT: column types, text
//! lengths, integer ranges, the primary timestamp and the KEEP window. An
//! `exec` is all or nothing: every batch is checked before anything is
//! written.

use std::collections::HashMap;

use taos_query::common::{BorrowedValue, Precision, RawBlock, Ty};

use super::catalog::{Catalog, ColumnDef, TableKind};
use super::convert::Ctx;
use super::ddl::{db_of, insert_child, tag_values};
use super::error::{bad_value, invalid_column, table_not_exist, ts_out_of_range, value_too_long};
use super::time;
use super::value::Value;
use super::Engine;
use crate::api::{Session, TdError};
use crate::sql::ast::{InsertTarget, Statement};

/// Rows bound for one table since the last `exec`.
#[derive(Debug, Clone)]
pub struct BoundBatch {
    /// `INSERT INTO tb [USING stb TAGS(…)] [(cols)] VALUES (…)` with one
    /// row of placeholders: names the target, its tags and columns.
    pub head: String,
    /// Raw blocks as the client sends them, one column per bound column.
    pub blocks: Vec<bytes::Bytes>,
}

/// A checked batch, ready to apply.
struct Staged {
    db: String,
    table: String,
    create: Option<(String, Vec<Value>)>,
    composite: bool,
    ts: Vec<i64>,
    /// Schema columns 1.., column by column; `None` where the statement
    /// names no value for the column.
    cols: Vec<Option<Vec<Value>>>,
}

impl Engine {
    /// Writes bound batches; returns the number of rows written. Nothing is
    /// written unless every batch is valid.
    ///
    /// ```
    /// use taos_emulator::api::{Executor, Session};
    /// use taos_emulator::engine::bound::BoundBatch;
    /// use taos_emulator::Engine;
    /// use taos_query::common::views::{views_to_raw_block, ColumnView};
    ///
    /// let engine = Engine::new();
    /// let mut s = Session::default();
    /// engine.execute(&mut s, "CREATE DATABASE p").unwrap();
    /// engine.execute(&mut s, "CREATE STABLE p.st (ts TIMESTAMP, v INT) TAGS (g INT)").unwrap();
    /// let now = chrono::Utc::now().timestamp_millis();
    /// let block = views_to_raw_block(&[
    ///     ColumnView::from_millis_timestamp(vec![now, now + 1]),
    ///     ColumnView::from_ints(vec![Some(1), None]),
    /// ]);
    /// let batch = BoundBatch {
    ///     head: "INSERT INTO p.d1 USING p.st TAGS(7) VALUES (NULL, NULL)".into(),
    ///     blocks: vec![block.into()],
    /// };
    /// assert_eq!(engine.insert_bound(&s, &[batch]).unwrap(), 2);
    /// ```
    pub fn insert_bound(
        &self,
        session: &Session,
        batches: &[BoundBatch],
    ) -> Result<usize, TdError> {
        let mut heads = Vec::with_capacity(batches.len());
        for b in batches {
            let parsed = crate::sql::parse(&b.head)?;
            match parsed.stmt {
                Statement::Insert(mut targets) if targets.len() == 1 => {
                    heads.push((parsed.src, targets.remove(0)))
                }
                _ => {
                    return Err(TdError::new(
                        0x2600,
                        "bound statement is not a one-table INSERT",
                    ))
                }
            }
        }
        let mut guard = self.catalog.write();
        let cat = std::sync::Arc::make_mut(&mut guard);
        let mut staged = Vec::with_capacity(batches.len());
        let mut creating: HashMap<(String, String), String> = HashMap::new();
        for ((src, target), batch) in heads.iter().zip(batches) {
            staged.push(stage(cat, session, src, target, batch, &mut creating)?);
        }
        let rows = apply(cat, staged);
        self.tmq.log_writes(cat);
        Ok(rows)
    }
}

fn stage(
    cat: &Catalog,
    session: &Session,
    src: &str,
    t: &InsertTarget,
    batch: &BoundBatch,
    creating: &mut HashMap<(String, String), String>,
) -> Result<Staged, TdError> {
    let dbn = db_of(session, &t.table)?;
    let db = cat.dbs.get(&dbn).ok_or_else(super::error::db_not_exist)?;
    let precision = db.precision;
    let now = time::now(precision);
    let cx = Ctx {
        src,
        precision,
        now,
    };
    let key = (dbn.clone(), t.table.name.clone());
    let mut create = None;
    let columns: &[ColumnDef] = match (db.tables.get(&t.table.name), &t.using) {
        (Some(table), using) => {
            if let (Some(u), TableKind::Child { stable, .. }) = (using, &table.kind) {
                if &u.stable.name != stable {
                    return Err(TdError::new(
                        0x061D,
                        "Table already exists in other supertable",
                    ));
                }
            }
            db.columns_of(table)
        }
        (None, Some(u)) => {
            if db_of(session, &u.stable)? != dbn {
                return Err(TdError::new(
                    0x2619,
                    "Corresponding super table not in this db",
                ));
            }
            let stable = db.stables.get(&u.stable.name).ok_or_else(table_not_exist)?;
            let tags = tag_values(stable, &u.tag_names, &u.tags, &cx)?;
            if t.table.name.is_empty() || t.table.name.len() > 192 {
                return Err(super::error::invalid_identifier(&t.table.name));
            }
            match creating.get(&key) {
                Some(other) if other != &stable.name => {
                    return Err(TdError::new(
                        0x061D,
                        "Table already exists in other supertable",
                    ))
                }
                Some(_) => {}
                None => {
                    creating.insert(key, stable.name.clone());
                    create = Some((stable.name.clone(), tags));
                }
            }
            &stable.columns
        }
        (None, None) => match creating.get(&key) {
            Some(stable) => &db.stables[stable].columns,
            None => return Err(table_not_exist()),
        },
    };
    let map = column_map(columns, t.columns.as_deref())?;
    let width = columns.len() - 1;
    let mut staged = Staged {
        db: dbn.clone(),
        table: t.table.name.clone(),
        create,
        composite: columns.get(1).is_some_and(|c| c.primary_key),
        ts: Vec::new(),
        cols: vec![None; width],
    };
    let oldest = now.saturating_sub(db.keep_units());
    let latest = time::max_ts(precision);
    for bytes in &batch.blocks {
        stage_block(
            &mut staged,
            columns,
            &map,
            bytes,
            precision,
            (oldest, latest),
        )?;
    }
    Ok(staged)
}

/// Where each bound column goes in the schema.
fn column_map(columns: &[ColumnDef], names: Option<&[String]>) -> Result<Vec<usize>, TdError> {
    let Some(names) = names else {
        return Ok((0..columns.len()).collect());
    };
    let mut map = Vec::with_capacity(names.len());
    for n in names {
        let i = columns
            .iter()
            .position(|c| &c.name == n)
            .ok_or_else(|| invalid_column(n))?;
        if map.contains(&i) {
            return Err(TdError::new(0x263C, "Duplicated column names"));
        }
        map.push(i);
    }
    if !map.contains(&0) {
        return Err(TdError::new(
            0x0216,
            "Primary timestamp column should not be null",
        ));
    }
    Ok(map)
}

fn stage_block(
    staged: &mut Staged,
    columns: &[ColumnDef],
    map: &[usize],
    bytes: &bytes::Bytes,
    precision: Precision,
    (oldest, latest): (i64, i64),
) -> Result<(), TdError> {
    let block = RawBlock::parse_from_raw_block(bytes.clone(), precision);
    if block.ncols() != map.len() {
        return Err(TdError::new(0xFFFF, "stmt column count not match"));
    }
    let rows = block.nrows();
    let base_row = staged.ts.len();
    staged.ts.resize(base_row + rows, 0);
    for (view, &i) in block.columns().zip(map) {
        let def = &columns[i];
        if i > 0 {
            let col = staged.cols[i - 1].get_or_insert_with(Vec::new);
            // A column missing from an earlier block of this batch is NULL there.
            col.resize(base_row, Value::Null);
            col.reserve(rows);
            for v in view.iter() {
                col.push(cell(v, def)?);
            }
            continue;
        }
        for (r, v) in view.iter().enumerate() {
            let Value::Int(ts) = cell(v, def)? else {
                return Err(TdError::new(
                    0x0216,
                    "Primary timestamp column should not be null",
                ));
            };
            if ts < oldest || ts > latest {
                return Err(ts_out_of_range());
            }
            staged.ts[base_row + r] = ts;
        }
    }
    if staged.composite {
        let keys = staged.cols[0].as_deref().unwrap_or_default();
        if keys.len() < base_row + rows || keys[base_row..].iter().any(Value::is_null) {
            return Err(TdError::new(
                0x267B,
                "Primary key column should not be null",
            ));
        }
    }
    Ok(())
}

/// One bound value as a cell of `def`, with INSERT's checks.
fn cell(v: BorrowedValue<'_>, def: &ColumnDef) -> Result<Value, TdError> {
    use BorrowedValue as B;
    let ty = def.dt.ty;
    let int = |n: i128| integer(n, ty, def);
    match v {
        B::Null(_) => Ok(Value::Null),
        B::Bool(b) if ty == Ty::Bool => Ok(Value::Bool(b)),
        B::TinyInt(n) => int(n.into()),
        B::SmallInt(n) => int(n.into()),
        B::Int(n) => int(n.into()),
        B::BigInt(n) => int(n.into()),
        B::UTinyInt(n) => int(n.into()),
        B::USmallInt(n) => int(n.into()),
        B::UInt(n) => int(n.into()),
        B::UBigInt(n) => int(n.into()),
        B::Timestamp(ts) if ty == Ty::Timestamp => Ok(Value::Int(ts.as_raw_i64())),
        B::Float(f) if matches!(ty, Ty::Float | Ty::Double) => float(f64::from(f), ty, def),
        B::Double(f) if matches!(ty, Ty::Float | Ty::Double) => float(f, ty, def),
        B::VarChar(s) | B::NChar(std::borrow::Cow::Borrowed(s))
            if matches!(ty, Ty::VarChar | Ty::NChar | Ty::Json) =>
        {
            text(s, def)
        }
        B::NChar(s) if matches!(ty, Ty::VarChar | Ty::NChar | Ty::Json) => text(&s, def),
        B::VarBinary(b) | B::Geometry(b) if matches!(ty, Ty::VarBinary | Ty::Geometry) => {
            if b.len() > def.dt.len as usize {
                return Err(value_too_long(&def.name));
            }
            Ok(Value::Bytes(b.as_ref().into()))
        }
        other => Err(TdError::new(
            0x2605,
            format!(
                "Invalid value type: {:?} for column {} ({:?})",
                other.ty(),
                def.name,
                ty
            ),
        )),
    }
}

fn integer(n: i128, ty: Ty, def: &ColumnDef) -> Result<Value, TdError> {
    let (min, max): (i128, i128) = match ty {
        Ty::TinyInt => (i8::MIN.into(), i8::MAX.into()),
        Ty::SmallInt => (i16::MIN.into(), i16::MAX.into()),
        Ty::Int => (i32::MIN.into(), i32::MAX.into()),
        Ty::BigInt | Ty::Timestamp => (i64::MIN.into(), i64::MAX.into()),
        Ty::UTinyInt => (0, u8::MAX.into()),
        Ty::USmallInt => (0, u16::MAX.into()),
        Ty::UInt => (0, u32::MAX.into()),
        Ty::UBigInt => (0, u64::MAX.into()),
        Ty::Float | Ty::Double => return Ok(Value::Float(n as f64)),
        _ => {
            return Err(TdError::new(
                0x2605,
                format!("Invalid value type: integer for column {}", def.name),
            ))
        }
    };
    if n < min || n > max {
        return Err(bad_value(&n.to_string(), "value out of range"));
    }
    Ok(match ty {
        Ty::UTinyInt | Ty::USmallInt | Ty::UInt | Ty::UBigInt => Value::UInt(n as u64),
        _ => Value::Int(n as i64),
    })
}

fn float(f: f64, ty: Ty, def: &ColumnDef) -> Result<Value, TdError> {
    if !f.is_finite() || (ty == Ty::Float && f.abs() > f64::from(f32::MAX)) {
        return Err(bad_value(
            &f.to_string(),
            &format!("invalid value for {}", def.name),
        ));
    }
    Ok(Value::Float(if ty == Ty::Float {
        f64::from(f as f32)
    } else {
        f
    }))
}

fn text(s: &str, def: &ColumnDef) -> Result<Value, TdError> {
    if def.dt.ty == Ty::Json {
        return super::convert::json(s, s);
    }
    let len = if def.dt.ty == Ty::NChar {
        s.chars().count()
    } else {
        s.len()
    };
    if len > def.dt.len as usize {
        return Err(value_too_long(&def.name));
    }
    Ok(Value::Str(s.into()))
}

fn apply(cat: &mut Catalog, staged: Vec<Staged>) -> usize {
    let mut rows = 0;
    for s in staged {
        if let Some((stable, tags)) = s.create {
            let uid = cat.uid();
            if let Some(db) = cat.dbs.get_mut(&s.db) {
                if !db.tables.contains_key(&s.table) {
                    insert_child(db, uid, &s.table, &stable, tags);
                }
            }
        }
        let Some(table) = cat
            .dbs
            .get_mut(&s.db)
            .and_then(|db| db.tables.get_mut(&s.table))
        else {
            continue;
        };
        let n = s.ts.len();
        rows += n;
        cat.journal
            .push((s.db.clone(), s.table.clone(), s.ts.clone()));
        let mut cols = s.cols;
        for c in cols.iter_mut().flatten() {
            c.resize(n, Value::Null);
        }
        let data = std::sync::Arc::make_mut(&mut table.data);
        let ascending = s.ts.windows(2).all(|w| w[0] < w[1]);
        let after_last = match (data.ts.last(), s.ts.first()) {
            (Some(&last), Some(&first)) => last < first,
            _ => true,
        };
        if ascending && after_last && !s.composite && data.cols.len() == cols.len() {
            // The common case, new rows after the stored ones: append
            // column by column.
            data.ts.extend_from_slice(&s.ts);
            for (stored, col) in data.cols.iter_mut().zip(cols) {
                match col {
                    Some(values) => {
                        stored.reserve(n);
                        values.into_iter().for_each(|v| stored.push(v));
                    }
                    None => stored.push_nulls(n),
                }
            }
            continue;
        }
        let mut iters: Vec<Option<std::vec::IntoIter<Value>>> =
            cols.into_iter().map(|c| c.map(Vec::into_iter)).collect();
        // One cell per stored column: a bound column the table no longer
        // has is dropped, one it gained since is not named.
        let w = data.cols.len();
        let mut cells = Vec::with_capacity(n * w);
        for _ in 0..n {
            cells.extend((0..w).map(|c| {
                iters
                    .get_mut(c)
                    .and_then(Option::as_mut)
                    .and_then(Iterator::next)
            }));
        }
        let order: Vec<usize> = (0..n).collect();
        data.write_rows(&s.ts, &mut cells, &order, s.composite);
    }
    rows
}
