//! The binding path of the synchronous API.

use taos::sync::Bindable;
use taos::Stmt;

use super::{bind_tables, chunk_tables, failed, prepare_sql, tags, BoundTable};
use crate::blocking::{settle, Database, SyncConnection};
use crate::database::InsertReport;
use crate::error::{schema_changed, Failure, Result};
use crate::schema::TableKind;
use crate::sql::push_quoted_lower;
use crate::table::TdTable;

impl<C: SyncConnection> Database<C> {
    /// Inserts rows through parameter binding, with the guarantees of
    /// [`crate::Database::insert_bound`]; the chunks go out one after
    /// another on a single statement.
    pub fn insert_bound<'r, T, I>(&self, rows: I) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        self.resending(rows.into_iter().collect(), |rows| {
            self.insert_bound_once(rows)
        })
    }

    fn insert_bound_once<'r, T: TdTable + 'r>(&self, rows: Vec<&'r T>) -> Result<InsertReport> {
        let tables = bind_tables(rows.iter().copied(), self.precision())?;
        if tables.is_empty() {
            return Ok(InsertReport::default());
        }
        let using = tags::tags_bindable(T::SCHEMA);
        if !using && T::SCHEMA.kind == TableKind::Super {
            self.create_child_tables(rows.iter().copied())?;
        }
        let sql = prepare_sql(T::SCHEMA, self.name(), using)?;
        let tags = using && T::SCHEMA.kind == TableKind::Super;
        let guard = self.connection().acquire()?;
        let sent = self.send_bound_blocking(T::SCHEMA.name, &guard, &sql, &tables, tags);
        if matches!(&sent, Err(e) if e.failure() == Failure::Connection) {
            self.statements().clear();
        }
        settle(self.connection(), guard, sent)
    }

    /// Sends bound tables in chunks on one statement, in order.
    fn send_bound_blocking(
        &self,
        table: &'static str,
        guard: &taos::Taos,
        sql: &str,
        tables: &[BoundTable],
        tags: bool,
    ) -> Result<InsertReport> {
        let chunks = chunk_tables(tables);
        let all_rows = |from: usize| -> Vec<usize> {
            chunks[from..]
                .iter()
                .flat_map(|r| {
                    tables[r.clone()]
                        .iter()
                        .flat_map(|t| t.rows.iter().copied())
                })
                .collect()
        };
        let kept = self.statements().take(guard, sql);
        let mut stmt = match kept.map_or_else(|| prepare(guard, sql), Ok) {
            Ok(stmt) => stmt,
            Err(e) => return Err(failed(table, all_rows(0), 0, e.into())),
        };
        let mut report = InsertReport::default();
        for (k, range) in chunks.iter().enumerate() {
            let chunk = &tables[range.clone()];
            let mut sent = self.send_chunk(&mut stmt, chunk, tags);
            if matches!(&sent, Err(e) if schema_changed(e)) {
                sent = prepare(guard, sql).and_then(|fresh| {
                    stmt = fresh;
                    self.send_chunk(&mut stmt, chunk, tags)
                });
            }
            match sent {
                Ok(affected) => {
                    report.affected += affected;
                    report.rows += chunk.iter().map(|t| t.rows.len()).sum::<usize>();
                    report.statements += 1;
                }
                // A statement that failed is not trusted again.
                Err(e) => return Err(failed(table, all_rows(k), report.rows, e.into())),
            }
        }
        self.statements().give_back(guard, sql, stmt);
        Ok(report)
    }

    fn send_chunk(
        &self,
        stmt: &mut Stmt,
        chunk: &[BoundTable],
        tags: bool,
    ) -> Result<usize, taos::Error> {
        let mut name = String::new();
        for t in chunk {
            name.clear();
            push_quoted_lower(&mut name, self.name());
            name.push('.');
            push_quoted_lower(&mut name, &t.table);
            stmt.set_tbname(&name)?;
            if tags {
                stmt.set_tags(&t.tags)?;
            }
            stmt.bind(&t.columns)?;
            stmt.add_batch()?;
        }
        stmt.execute()
    }
}

fn prepare(taos: &taos::Taos, sql: &str) -> Result<Stmt, taos::Error> {
    let mut stmt = Stmt::init(taos)?;
    stmt.prepare(sql)?;
    Ok(stmt)
}
