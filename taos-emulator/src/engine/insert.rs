//! INSERT: validate the whole statement, then apply it.
//!
//! Nothing is written until every row of every table converted cleanly, so a
//! failing statement leaves no partial rows (nor auto-created tables).

use super::catalog::{Catalog, ColumnDef, Database, STable, TableKind};
use super::convert::{convert, Ctx};
use super::ddl::{db_of, insert_child, tag_values};
use super::error::*;
use super::storage::key_cmp;
use super::time;
use super::value::Value;
use crate::api::{Session, TdError};
use crate::sql::ast::{InsertTarget, Literal, Select, TableName, ValueExpr};
use std::collections::HashMap;
use taos_query::common::{Precision, Ty};

/// Rows bound for one table.
struct Batch {
    db: String,
    table: String,
    ncols: usize,
    composite: bool,
    ts: Vec<i64>,
    /// `ncols - 1` cells per row (columns 1..), `None` = not named.
    cells: Vec<Option<Value>>,
}

/// What the statement will write, indexed by (db, table) so statements
/// touching thousands of tables stay linear.
#[derive(Default)]
struct Pending {
    batches: Vec<Batch>,
    batch_index: HashMap<String, HashMap<String, usize>>,
    created: Vec<NewChild>,
    created_index: HashMap<String, HashMap<String, usize>>,
}

impl Pending {
    fn created(&self, db: &str, name: &str) -> Option<&NewChild> {
        let i = *self.created_index.get(db)?.get(name)?;
        self.created.get(i)
    }

    fn create(&mut self, c: NewChild) {
        if self.created(&c.db, &c.name).is_none() {
            self.created_index
                .entry(c.db.clone())
                .or_default()
                .insert(c.name.clone(), self.created.len());
            self.created.push(c);
        }
    }

    fn batch(&mut self, db: &str, table: &str, columns: &[ColumnDef]) -> &mut Batch {
        if let Some(&i) = self.batch_index.get(db).and_then(|m| m.get(table)) {
            return &mut self.batches[i];
        }
        self.batch_index
            .entry(db.to_string())
            .or_default()
            .insert(table.to_string(), self.batches.len());
        self.batches.push(Batch {
            db: db.to_string(),
            table: table.to_string(),
            ncols: columns.len(),
            composite: columns.get(1).is_some_and(|c| c.primary_key),
            ts: Vec::new(),
            cells: Vec::new(),
        });
        self.batches.last_mut().expect("just pushed")
    }
}

/// A child table the statement creates.
struct NewChild {
    db: String,
    name: String,
    stable: String,
    tags: Vec<Value>,
}

/// Runs an INSERT; returns the number of rows written.
pub fn insert(
    cat: &mut Catalog,
    session: &Session,
    src: &str,
    targets: &[InsertTarget],
) -> Result<usize, TdError> {
    let mut pending = Pending::default();
    let mut nows: [Option<i64>; 3] = [None; 3];
    for t in targets {
        let dbn = db_of(session, &t.table)?;
        let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
        let p = db.precision;
        let now = *nows[precision_slot(p)].get_or_insert_with(|| time::now(p));
        let cx = Ctx {
            src,
            precision: p,
            now,
        };
        if t.using.is_none() {
            if let Some(stable) = db.stables.get(&t.table.name) {
                supertable_insert(db, &dbn, stable, t, &cx, &mut pending)?;
                continue;
            }
        }
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
                // INSERT reads as many tag values as it expects: too few is
                // a syntax error there (CREATE TABLE says 0x260D).
                let expected = u.tag_names.as_ref().map_or(stable.tags.len(), Vec::len);
                if u.tags.len() < expected {
                    return Err(bad_value(")", "invalid data or symbol"));
                }
                let tags = tag_values(stable, &u.tag_names, &u.tags, &cx)?;
                if t.table.name.is_empty() || t.table.name.len() > 192 {
                    return Err(invalid_identifier(&t.table.name));
                }
                pending.create(NewChild {
                    db: dbn.clone(),
                    name: t.table.name.clone(),
                    stable: stable.name.clone(),
                    tags,
                });
                &stable.columns
            }
            (None, None) => match pending.created(&dbn, &t.table.name) {
                Some(c) => &db.stables[&c.stable].columns,
                None => return Err(table_not_exist()),
            },
        };
        let map = column_map(columns, t.columns.as_deref(), None)?;
        let batch = pending.batch(&dbn, &t.table.name, columns);
        for row in &t.rows {
            write_row(batch, columns, &map, row, &cx, db)?;
        }
    }
    let rows = pending.batches.iter().map(|b| b.ts.len()).sum();
    for c in pending.created {
        let uid = cat.uid();
        if let Some(db) = cat.dbs.get_mut(&c.db) {
            if !db.tables.contains_key(&c.name) {
                insert_child(db, uid, &c.name, &c.stable, c.tags);
            }
        }
    }
    for b in pending.batches {
        let Some(table) = cat
            .dbs
            .get_mut(&b.db)
            .and_then(|db| db.tables.get_mut(&b.table))
        else {
            continue;
        };
        let w = b.ncols - 1;
        let mut cells = b.cells;
        let order = merge_same_key(&b.ts, &mut cells, w, b.composite);
        let data = std::sync::Arc::make_mut(&mut table.data);
        data.write_rows(&b.ts, &mut cells, &order, b.composite);
        cat.journal.push((b.db, b.table, b.ts));
    }
    Ok(rows)
}

/// Rows of one statement that share a timestamp (and composite key) are
/// merged first, in order, where a NULL does not erase a value an earlier
/// row gave (`(t, 5) (t, 6) (t, NULL)` stores 6); the merged row then
/// overwrites what is stored, explicit NULLs included. Returns the rows
/// left to write, in key order; merged-away rows are skipped.
fn merge_same_key(
    ts: &[i64],
    cells: &mut [Option<Value>],
    w: usize,
    composite: bool,
) -> Vec<usize> {
    if ts.windows(2).all(|p| p[0] < p[1]) {
        return (0..ts.len()).collect();
    }
    let keys: Vec<(i64, Option<Value>)> = (0..ts.len())
        .map(|i| (ts[i], composite.then(|| cells[i * w].clone()).flatten()))
        .collect();
    let key = |i: usize| (keys[i].0, keys[i].1.as_ref());
    let mut order: Vec<usize> = (0..ts.len()).collect();
    // Stable: a run of one key keeps the statement's order.
    order.sort_by(|&a, &b| key_cmp(key(a), key(b)));
    let mut kept = Vec::with_capacity(order.len());
    let mut run_start = 0;
    for k in 1..=order.len() {
        let same = k < order.len() && key_cmp(key(order[run_start]), key(order[k])).is_eq();
        if same {
            continue;
        }
        // Fold the run into its last row, which keeps its place.
        let run = &order[run_start..k];
        let last = run[run.len() - 1];
        for &earlier in run[..run.len() - 1].iter().rev() {
            for c in 0..w {
                let take = match (&cells[last * w + c], &cells[earlier * w + c]) {
                    (None, Some(_)) => true,
                    (Some(v), Some(e)) => v.is_null() && !e.is_null(),
                    _ => false,
                };
                if take {
                    cells[last * w + c] = cells[earlier * w + c].take();
                }
            }
        }
        kept.push(last);
        run_start = k;
    }
    kept
}

/// Where each value of a row goes: `Some(i)` = schema column `i`, `None` = skipped (tbname/tags).
fn column_map(
    columns: &[ColumnDef],
    names: Option<&[String]>,
    stable: Option<&STable>,
) -> Result<Vec<Option<usize>>, TdError> {
    let Some(names) = names else {
        return Ok((0..columns.len()).map(Some).collect());
    };
    let mut map = Vec::with_capacity(names.len());
    for n in names {
        if let Some(i) = columns.iter().position(|c| &c.name == n) {
            if map.contains(&Some(i)) {
                return Err(TdError::new(0x263C, "Duplicated column names"));
            }
            map.push(Some(i));
        } else if n == "tbname" || stable.is_some_and(|s| s.tags.iter().any(|t| &t.name == n)) {
            map.push(None);
        } else {
            return Err(invalid_column(n));
        }
    }
    if !map.contains(&Some(0)) {
        return Err(TdError::new(
            0x0216,
            "Primary timestamp column should not be null",
        ));
    }
    Ok(map)
}

fn write_row(
    batch: &mut Batch,
    columns: &[ColumnDef],
    map: &[Option<usize>],
    row: &[ValueExpr],
    cx: &Ctx,
    db: &Database,
) -> Result<(), TdError> {
    // Values past the columns are 0x263F; too few end the row early, a
    // syntax error.
    if row.len() > map.len() {
        return Err(TdError::new(0x263F, "Illegal number of columns"));
    }
    if row.len() < map.len() {
        return Err(bad_value(")", "invalid data or symbol"));
    }
    let base = batch.cells.len();
    batch.cells.resize(base + columns.len() - 1, None);
    let mut ts = None;
    for (v, slot) in row.iter().zip(map) {
        let Some(i) = *slot else { continue };
        if i == 0 {
            if matches!(v.lit, Literal::Null) {
                batch.cells.truncate(base);
                return Err(TdError::new(
                    0x0216,
                    "Primary timestamp column should not be null",
                ));
            }
            ts = match convert(v, &columns[0], cx) {
                Ok(Value::Int(t)) => Some(t),
                Ok(_) => {
                    batch.cells.truncate(base);
                    return Err(TdError::new(
                        0x0216,
                        "Primary timestamp column should not be null",
                    ));
                }
                Err(e) => {
                    batch.cells.truncate(base);
                    return Err(e);
                }
            };
        } else {
            match convert(v, &columns[i], cx) {
                Ok(val) => batch.cells[base + i - 1] = Some(val),
                Err(e) => {
                    batch.cells.truncate(base);
                    return Err(e);
                }
            }
        }
    }
    let ts = ts.unwrap_or_default();
    if ts < cx.now.saturating_sub(db.keep_units()) || ts > time::max_ts(cx.precision) {
        batch.cells.truncate(base);
        return Err(ts_out_of_range());
    }
    if batch.composite {
        let missing = match &batch.cells[base] {
            Some(v) if !v.is_null() => None,
            Some(_) => Some(TdError::new(
                0x267B,
                "Primary key column should not be null",
            )),
            None => Some(TdError::new(
                0x0200,
                "Primary key column should not be none",
            )),
        };
        if let Some(e) = missing {
            batch.cells.truncate(base);
            return Err(e);
        }
    }
    batch.ts.push(ts);
    Ok(())
}

/// `INSERT INTO stb (tbname, [tags,] ts, cols) VALUES ('ctb', …)`.
fn supertable_insert(
    db: &Database,
    dbn: &str,
    stable: &STable,
    t: &InsertTarget,
    cx: &Ctx,
    pending: &mut Pending,
) -> Result<(), TdError> {
    let names = t.columns.as_deref().unwrap_or_default();
    let Some(tbname_at) = names.iter().position(|n| n == "tbname") else {
        return Err(TdError::new(
            0x0200,
            "Invalid operation: tbname must be specified in super table insert",
        ));
    };
    let map = column_map(&stable.columns, Some(names), Some(stable))?;
    let tag_slots: Vec<(usize, usize)> = names
        .iter()
        .enumerate()
        .filter_map(|(k, n)| {
            stable
                .tags
                .iter()
                .position(|t| &t.name == n)
                .map(|i| (k, i))
        })
        .collect();
    for row in &t.rows {
        let v = row
            .get(tbname_at)
            .ok_or_else(|| TdError::new(0x0216, "Illegal number of columns"))?;
        let child = match &v.lit {
            Literal::Str(s) if !s.is_empty() => s.clone(),
            Literal::Number => cx.src[v.span.0 as usize..v.span.1 as usize].to_string(),
            _ => {
                return Err(bad_value(
                    &cx.src[v.span.0 as usize..v.span.1 as usize],
                    "invalid table name",
                ))
            }
        };
        match db.tables.get(&child) {
            Some(existing) => match &existing.kind {
                TableKind::Child { stable: s, .. } if s == &stable.name => {}
                _ => {
                    return Err(TdError::new(
                        0x061D,
                        "Table already exists in other supertable",
                    ))
                }
            },
            None => {
                if pending.created(dbn, &child).is_none() {
                    let mut tags = vec![Value::Null; stable.tags.len()];
                    for &(k, i) in &tag_slots {
                        tags[i] = convert(&row[k], &stable.tags[i], cx)?;
                    }
                    pending.create(NewChild {
                        db: dbn.to_string(),
                        name: child.clone(),
                        stable: stable.name.clone(),
                        tags,
                    });
                }
            }
        }
        let batch = pending.batch(dbn, &child, &stable.columns);
        write_row(batch, &stable.columns, &map, row, cx, db)?;
    }
    Ok(())
}

fn precision_slot(p: Precision) -> usize {
    match p {
        Precision::Millisecond => 0,
        Precision::Microsecond => 1,
        Precision::Nanosecond => 2,
    }
}

/// `INSERT INTO tb [(cols)] SELECT …`; returns the number of rows written.
pub fn insert_select(
    cat: &mut Catalog,
    session: &Session,
    table: &TableName,
    columns: Option<&[String]>,
    select: &Select,
) -> Result<usize, TdError> {
    let result = super::query::select_rows(cat, session, select)?;
    let dbn = db_of(session, table)?;
    let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
    let t = db.tables.get(&table.name).ok_or_else(table_not_exist)?;
    let defs = db.columns_of(t);
    let map = column_map(defs, columns, None)?;
    if result.types.len() != map.len() {
        return Err(TdError::new(0x2640, "Invalid columns number"));
    }
    let now = time::now(db.precision);
    let (from, to) = (
        time::per_second(result.precision) as i128,
        time::per_second(db.precision) as i128,
    );
    let composite = defs.get(1).is_some_and(|c| c.primary_key);
    let mut staged: Vec<(i64, Vec<Option<Value>>)> = Vec::with_capacity(result.rows.len());
    for row in result.rows {
        let mut cells = vec![None; defs.len() - 1];
        let mut ts = None;
        for (v, slot) in row.into_iter().zip(&map) {
            let Some(i) = *slot else { continue };
            let def = &defs[i];
            // Text is length-checked rather than cut, as an INSERT would be.
            let v = match (def.dt.ty, v) {
                (Ty::VarChar | Ty::NChar, Value::Str(s)) => Value::Str(s),
                (_, v) => super::query::cast_value(v, def.dt),
            };
            if i == 0 {
                ts = v.as_i128().map(|t| (t * to / from) as i64);
                continue;
            }
            let too_long = match (&v, def.dt.ty) {
                (Value::Str(s), Ty::NChar) => s.chars().count() > def.dt.len as usize,
                (Value::Str(s), _) => s.len() > def.dt.len as usize,
                (Value::Bytes(b), _) => b.len() > def.dt.len as usize,
                _ => false,
            };
            if too_long {
                return Err(value_too_long(&def.name));
            }
            cells[i - 1] = Some(v);
        }
        let ts =
            ts.ok_or_else(|| TdError::new(0x0216, "Primary timestamp column should not be null"))?;
        if ts < now.saturating_sub(db.keep_units()) || ts > time::max_ts(db.precision) {
            return Err(ts_out_of_range());
        }
        staged.push((ts, cells));
    }
    let n = staged.len();
    let t = cat
        .dbs
        .get_mut(&dbn)
        .and_then(|db| db.tables.get_mut(&table.name))
        .ok_or_else(table_not_exist)?;
    let ts: Vec<i64> = staged.iter().map(|(ts, _)| *ts).collect();
    let mut cells: Vec<Option<Value>> = staged.into_iter().flat_map(|(_, cells)| cells).collect();
    let order: Vec<usize> = (0..n).collect();
    std::sync::Arc::make_mut(&mut t.data).write_rows(&ts, &mut cells, &order, composite);
    cat.journal.push((dbn, table.name.clone(), ts));
    Ok(n)
}
