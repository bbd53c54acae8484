//! Prepared statements (stmt v1) of one connection.
//!
//! Bound blocks are buffered per target table. At `exec` they go to the
//! engine's columnar insert as they are ([`Exec::Bound`]); with a custom
//! executor, or after a JSON `bind`, they become plain INSERT statements
//! instead ([`Exec::Sql`], see [`template`]).

mod check;
mod literal;
mod template;

use std::collections::HashMap;

use bytes::Bytes;
use serde_json::Value;

use self::template::Template;
use super::reply::ADAPTER_ERROR;
use crate::api::TdError;
use crate::engine::bound::BoundBatch;

/// TDengine's limit on the length of one SQL statement.
const MAX_SQL_LEN: usize = 1 << 20;

/// Rows bound for one table (and tag set) since the last `exec`.
#[derive(Debug)]
struct Batch {
    table: Option<String>,
    tags: Vec<String>,
    rows: Rows,
}

/// Bound rows as they arrived.
#[derive(Debug)]
enum Rows {
    /// Raw blocks of binary `bind`s, already checked.
    Blocks(Vec<Bytes>),
    /// SQL literals of JSON `bind`s.
    Literals(Vec<Vec<String>>),
}

impl Rows {
    fn count(&self) -> usize {
        match self {
            Rows::Blocks(blocks) => blocks.iter().map(|b| block_rows_count(b)).sum(),
            Rows::Literals(rows) => rows.len(),
        }
    }

    fn into_literals(self) -> Result<Vec<Vec<String>>, TdError> {
        match self {
            Rows::Literals(rows) => Ok(rows),
            Rows::Blocks(blocks) => {
                let mut rows = Vec::new();
                for b in &blocks {
                    rows.extend(literal::block_rows(b)?);
                }
                Ok(rows)
            }
        }
    }
}

/// The row count of a checked block.
fn block_rows_count(block: &[u8]) -> usize {
    block
        .get(8..12)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// What an `exec` runs.
#[derive(Debug)]
pub(crate) enum Exec {
    /// Batches for the engine's columnar insert, their row count and, when
    /// asked for (the statement log), the equivalent INSERT statements.
    Bound(Vec<BoundBatch>, usize, Option<Vec<String>>),
    /// Plain INSERT statements.
    Sql(Vec<String>),
}

#[derive(Debug, Default)]
struct Statement {
    template: Option<Template>,
    /// The prepared SQL, as the statement log and faults see an `exec`.
    sql: String,
    table: Option<String>,
    tags: Vec<String>,
    batches: Vec<Batch>,
}

/// The statements a connection has open; ids count from 1 and are not reused.
#[derive(Debug, Default)]
pub(crate) struct Statements {
    last_id: u64,
    open: HashMap<u64, Statement>,
}

impl Statements {
    /// `init`: a fresh statement id.
    pub(crate) fn init(&mut self) -> u64 {
        self.last_id += 1;
        self.open.insert(self.last_id, Statement::default());
        self.last_id
    }

    /// `prepare`: returns `is_insert`.
    pub(crate) fn prepare(&mut self, id: u64, sql: &str) -> Result<bool, TdError> {
        let stmt = self.get(id)?;
        let template = Template::parse(sql)?;
        *stmt = Statement {
            template: Some(template),
            sql: sql.to_owned(),
            ..Statement::default()
        };
        Ok(true)
    }

    /// `set_table_name`.
    pub(crate) fn set_table_name(&mut self, id: u64, name: &str) -> Result<(), TdError> {
        let stmt = self.get(id)?;
        stmt.template()?;
        stmt.table = Some(name.to_owned());
        Ok(())
    }

    /// `set_tags`, as JSON values in tag order.
    pub(crate) fn set_tags(&mut self, id: u64, tags: &[Value]) -> Result<(), TdError> {
        let stmt = self.get(id)?;
        if tags.len() != stmt.template()?.tags() {
            return Err(TdError::new(ADAPTER_ERROR, "stmt tags count not match"));
        }
        stmt.tags = tags.iter().map(literal::json).collect();
        Ok(())
    }

    /// Binary `bind`: one raw block column per `?` in VALUES.
    pub(crate) fn bind_block(&mut self, id: u64, block: Bytes) -> Result<(), TdError> {
        let stmt = self.get(id)?;
        let columns = stmt.template()?.columns();
        let (rows, cols) = check::check_block(&block)?;
        if rows > 0 && cols != columns {
            return Err(TdError::new(ADAPTER_ERROR, "stmt column count not match"));
        }
        stmt.push(Rows::Blocks(vec![block]));
        Ok(())
    }

    /// JSON `bind`: `columns[c][r]`.
    pub(crate) fn bind_json(&mut self, id: u64, columns: &[Vec<Value>]) -> Result<(), TdError> {
        let stmt = self.get(id)?;
        if columns.len() != stmt.template()?.columns() {
            return Err(TdError::new(ADAPTER_ERROR, "stmt column count not match"));
        }
        let rows = columns.first().map_or(0, Vec::len);
        if columns.iter().any(|c| c.len() != rows) {
            return Err(TdError::new(
                ADAPTER_ERROR,
                "stmt columns have different lengths",
            ));
        }
        let rows = (0..rows)
            .map(|r| columns.iter().map(|c| literal::json(&c[r])).collect())
            .collect();
        stmt.push(Rows::Literals(rows));
        Ok(())
    }

    /// `add_batch`: rows are already kept per table, so this only checks the id.
    pub(crate) fn add_batch(&mut self, id: u64) -> Result<(), TdError> {
        self.get(id)?.template().map(|_| ())
    }

    /// `exec`: what to run for everything bound since the last exec. With
    /// `native`, binary binds go to the engine as blocks (rendered as SQL
    /// too when `render` asks for it).
    pub(crate) fn take_exec(
        &mut self,
        id: u64,
        native: bool,
        render: bool,
    ) -> Result<Exec, TdError> {
        let stmt = self.get(id)?;
        let template = stmt.template()?.clone();
        let batches = std::mem::take(&mut stmt.batches);
        if template.has_table_slot() && batches.iter().any(|b| b.table.is_none()) {
            return Err(TdError::new(ADAPTER_ERROR, "stmt table name is not set"));
        }
        let all_blocks = batches.iter().all(|b| matches!(b.rows, Rows::Blocks(_)));
        if native && all_blocks {
            let placeholders = vec![vec!["NULL".to_owned(); template.columns()]];
            let mut bound = Vec::with_capacity(batches.len());
            let mut rows = 0;
            let mut rendered = render.then(Vec::new);
            for batch in batches {
                rows += batch.rows.count();
                if let (Some(out), Rows::Blocks(blocks)) = (&mut rendered, &batch.rows) {
                    let mut literals = Vec::new();
                    for b in blocks {
                        literals.extend(literal::block_rows(b)?);
                    }
                    out.extend(template.render(
                        batch.table.as_deref(),
                        &batch.tags,
                        &literals,
                        MAX_SQL_LEN,
                    ));
                }
                let head = template
                    .render(
                        batch.table.as_deref(),
                        &batch.tags,
                        &placeholders,
                        usize::MAX,
                    )
                    .pop()
                    .unwrap_or_default();
                let Rows::Blocks(blocks) = batch.rows else {
                    continue;
                };
                bound.push(BoundBatch { head, blocks });
            }
            return Ok(Exec::Bound(bound, rows, rendered));
        }
        let mut inserts = Vec::new();
        for batch in batches {
            let rows = batch.rows.into_literals()?;
            inserts.extend(template.render(
                batch.table.as_deref(),
                &batch.tags,
                &rows,
                MAX_SQL_LEN,
            ));
        }
        Ok(Exec::Sql(inserts))
    }

    /// `exec` as plain INSERT statements.
    #[cfg(test)]
    fn take_inserts(&mut self, id: u64) -> Result<Vec<String>, TdError> {
        match self.take_exec(id, false, false)? {
            Exec::Sql(sql) => Ok(sql),
            Exec::Bound(..) => Ok(Vec::new()),
        }
    }

    /// The prepared SQL of statement `id` (empty before `prepare`).
    pub(crate) fn sql(&self, id: u64) -> &str {
        self.open.get(&id).map_or("", |s| s.sql.as_str())
    }

    /// `close`.
    pub(crate) fn close(&mut self, id: u64) {
        self.open.remove(&id);
    }

    fn get(&mut self, id: u64) -> Result<&mut Statement, TdError> {
        self.open
            .get_mut(&id)
            .ok_or_else(|| TdError::new(ADAPTER_ERROR, "stmt is nil"))
    }
}

impl Statement {
    fn template(&self) -> Result<&Template, TdError> {
        self.template
            .as_ref()
            .ok_or_else(|| TdError::new(ADAPTER_ERROR, "stmt is not prepared"))
    }

    fn push(&mut self, rows: Rows) {
        if let Some(last) = self.batches.last_mut() {
            if last.table == self.table && last.tags == self.tags {
                match (&mut last.rows, rows) {
                    (Rows::Blocks(a), Rows::Blocks(b)) => return a.extend(b),
                    (Rows::Literals(a), Rows::Literals(b)) => return a.extend(b),
                    (_, rows) => return self.push_new(rows),
                }
            }
        }
        self.push_new(rows);
    }

    fn push_new(&mut self, rows: Rows) {
        self.batches.push(Batch {
            table: self.table.clone(),
            tags: self.tags.clone(),
            rows,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use taos_query::common::views::{views_to_raw_block, ColumnView};

    fn block(ts: Vec<i64>, v: Vec<i32>) -> Bytes {
        views_to_raw_block(&[
            ColumnView::from_millis_timestamp(ts),
            ColumnView::from_ints(v),
        ])
        .into()
    }

    #[test]
    fn binds_per_table_until_exec() {
        let mut stmts = Statements::default();
        let id = stmts.init();
        assert_eq!(id, 1);
        assert_eq!(
            stmts.prepare(id, "INSERT INTO ? USING st TAGS(?) VALUES(?, ?)"),
            Ok(true)
        );
        stmts.set_table_name(id, "d1").unwrap();
        stmts.set_tags(id, &[json!(7)]).unwrap();
        stmts
            .bind_block(id, block(vec![1, 2], vec![10, 20]))
            .unwrap();
        stmts.add_batch(id).unwrap();
        stmts.bind_block(id, block(vec![3], vec![30])).unwrap();
        stmts.set_table_name(id, "d2").unwrap();
        stmts.set_tags(id, &[json!(8)]).unwrap();
        stmts
            .bind_json(id, &[vec![json!(4)], vec![json!(null)]])
            .unwrap();
        assert_eq!(
            stmts.take_inserts(id).unwrap(),
            [
                "INSERT INTO d1 USING st TAGS(7) VALUES (1, 10) (2, 20) (3, 30)",
                "INSERT INTO d2 USING st TAGS(8) VALUES (4, NULL)",
            ]
        );
        assert!(stmts.take_inserts(id).unwrap().is_empty());
        stmts.close(id);
        assert_eq!(stmts.init(), 2);
    }

    #[test]
    fn misuse_is_reported() {
        let mut stmts = Statements::default();
        assert_eq!(stmts.add_batch(9).unwrap_err().message, "stmt is nil");
        let id = stmts.init();
        assert_eq!(
            stmts.set_table_name(id, "d1").unwrap_err().message,
            "stmt is not prepared"
        );
        stmts.prepare(id, "INSERT INTO ? VALUES(?, ?)").unwrap();
        assert_eq!(
            stmts.set_tags(id, &[json!(1)]).unwrap_err().message,
            "stmt tags count not match"
        );
        let one_column = views_to_raw_block(&[ColumnView::from_ints(vec![1])]);
        assert_eq!(
            stmts.bind_block(id, one_column.into()).unwrap_err().message,
            "stmt column count not match"
        );
        stmts.bind_block(id, block(vec![1], vec![1])).unwrap();
        assert_eq!(
            stmts.take_inserts(id).unwrap_err().message,
            "stmt table name is not set"
        );
    }
}
