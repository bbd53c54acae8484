//! DELETE: the rows a WHERE selects, removed table by table.

use super::super::catalog::Catalog;
use super::super::error::db_not_exist;
use super::super::time;
use super::clauses::ts_bounds;
use super::compile::{has_aggregate, Compiler};
use super::eval::{eval, RowCtx};
use super::relation::table_relation;
use crate::api::{Session, TdError};
use crate::sql::ast::{Expr, TableName};

/// `DELETE FROM tb [WHERE …]`: removes the matching rows; returns how many.
pub fn delete(
    cat: &mut Catalog,
    session: &Session,
    table: &TableName,
    filter: &Option<Expr>,
) -> Result<usize, TdError> {
    let dbn = super::super::ddl::db_of(session, table)?;
    let db = cat.dbs.get(&dbn).ok_or_else(db_not_exist)?;
    let rel = table_relation(db, &table.name, vec![table.name.clone()])?;
    let mut cx = Compiler {
        rel: Some(&rel),
        precision: rel.precision,
        db: session.database.clone(),
        now: time::now(rel.precision),
        aggs: Vec::new(),
        group_by: vec![],
        agg_mode: false,
        has_selection: false,
        window: false,
        interp: false,
        state: None,
        row_fns: Vec::new(),
    };
    let filter = match filter {
        Some(f) if has_aggregate(f) => {
            return Err(TdError::new(0x2608, "There mustn't be aggregation"))
        }
        Some(f) => Some(cx.compile(f)?.0),
        None => None,
    };
    let bounds = filter.as_ref().map_or((i64::MIN, i64::MAX), ts_bounds);
    let mut doomed: Vec<(String, Vec<usize>)> = Vec::new();
    for seg in &rel.segments {
        let rows: Vec<usize> = seg
            .data
            .range(bounds.0, bounds.1)
            .filter(|&r| {
                let rc = RowCtx::row(seg, r);
                !matches!(&filter, Some(f) if !eval(f, &rc).truthy())
            })
            .collect();
        if !rows.is_empty() {
            doomed.push((seg.tbname.to_string(), rows));
        }
    }
    drop(rel);
    let db = cat.dbs.get_mut(&dbn).ok_or_else(db_not_exist)?;
    let mut n = 0;
    for (name, rows) in doomed {
        if let Some(t) = db.tables.get_mut(&name) {
            n += rows.len();
            std::sync::Arc::make_mut(&mut t.data).remove_rows(&rows);
        }
    }
    Ok(n)
}
