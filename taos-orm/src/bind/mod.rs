//! The parameter-binding insert path: rows bound column by column through
//! the client's prepared statement (stmt v1), one `set_tbname`/`set_tags`/
//! `bind`/`add_batch` per child table and one `execute` per chunk, on
//! statements kept between calls (see `statements`).
//!
//! Binding skips SQL text on both ends (no literal rendering here, no
//! parsing on the server): TDengine's fastest way in after its native
//! columnar APIs. [`Database::insert_bound`] is the entry point;
//! [`bind_tables`] is the client-side half, public so its cost can be
//! measured alone.

mod blocking;
mod columns;
mod plan;
mod statements;
mod tags;

use std::time::Instant;

use taos::{AsyncBindable, Stmt};
use tracing::Instrument;

pub use plan::{bind_tables, BoundTable};
pub(crate) use statements::Statements;

use crate::connection::Connection;
use crate::database::{Database, InsertReport};
use crate::error::{schema_changed, Error, Failure, Result};
use crate::insert::progress::Progress;
use crate::schema::{TableKind, TableSchema};
use crate::sql::{push_quoted_lower, write_table_ref};
use crate::table::TdTable;

/// Rows sent per `execute`: the unit that is written or not written as a
/// whole, so a failure leaves at most this many rows to retry.
pub const EXEC_ROWS: usize = 100_000;

impl<C: Connection> Database<C> {
    /// Inserts rows through parameter binding, creating missing child tables
    /// on the way (`INSERT INTO ? USING … TAGS(?…) VALUES(?…)`).
    ///
    /// Same contract as [`Database::insert`]: every value is validated (with
    /// the same [`Error::InvalidValue`]) before anything is sent, and a
    /// server failure is an [`Error::Insert`] listing exactly the rows not
    /// written, and retriable failures are retried per
    /// [`Database::with_retry`](crate::Database::with_retry). Rows go out in `execute` calls of about [`EXEC_ROWS`] rows,
    /// whole child tables at a time, spread over up to [`BIND_LANES`]
    /// statements that run concurrently. A failed `execute` leaves its rows
    /// and those of its statement's later `execute`s unwritten; the other
    /// statements carry on.
    ///
    /// A handle over a single connection keeps its prepared statements for
    /// its next calls (see [`Database::idle_statements`]): small batches pay
    /// no prepare. DDL through the handle ([`Database::drop_table`], or
    /// `CREATE`/`ALTER`/`DROP` through [`Database::exec`]) closes them.
    /// Over a pool of native connections each call prepares its own: a
    /// native statement needs the connection that made it.
    ///
    /// ```
    /// use taos_orm::{Database, DatabaseOptions, TdTable};
    ///
    /// #[derive(Debug, PartialEq, TdTable)]
    /// #[taos(stable = "meters", child = "d{device}")]
    /// struct Meter {
    ///     #[taos(ts)]
    ///     ts: i64,
    ///     current: Option<f32>,
    ///     #[taos(tag)]
    ///     device: i32,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = taos_emulator::Emulator::start().await?;
    /// let taos = taos_orm::connect(&emulator.dsn()).await?;
    /// let db = Database::create(&taos, &DatabaseOptions::new("bound")).await?;
    /// db.create_table::<Meter>().await?;
    /// let rows = [
    ///     Meter { ts: 1_700_000_000_000, current: Some(1.5), device: 1 },
    ///     Meter { ts: 1_700_000_000_000, current: None, device: 2 },
    /// ];
    /// let report = db.insert_bound(&rows).await?;
    /// assert_eq!(report.rows, 2);
    /// assert_eq!(db.count::<Meter>().await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn insert_bound<'r, T, I>(&self, rows: I) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        self.insert_retrying(rows.into_iter().collect(), crate::InsertMode::Bound)
            .await
    }

    /// [`Database::insert_bound`], recording each row's fate in `progress`
    /// (see [`Database::insert_tracked`]).
    pub(crate) async fn insert_bound_tracked<'r, T, I>(
        &self,
        rows: I,
        progress: &Progress,
    ) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        let table = T::SCHEMA.name;
        let span = tracing::debug_span!("taos_orm.insert_bound", db = %self.name(), table, rows = tracing::field::Empty);
        async {
            let started = Instant::now();
            let rows: Vec<&T> = rows.into_iter().collect();
            let tables = bind_tables(rows.iter().copied(), self.precision())?;
            tracing::Span::current().record("rows", rows.len());
            if tables.is_empty() {
                return Ok(InsertReport::default());
            }
            let using = tags::tags_bindable(T::SCHEMA);
            if !using && T::SCHEMA.kind == TableKind::Super {
                // The client cannot send these tags: create the tables in SQL.
                self.create_child_tables(rows.iter().copied()).await?;
            }
            let sql = prepare_sql(T::SCHEMA, self.name(), using)?;
            let report = self
                .send_bound(T::SCHEMA, &sql, &tables, using, progress)
                .await?;
            tracing::debug!(
                statements = report.statements,
                elapsed_us = started.elapsed().as_micros() as u64,
                "done"
            );
            Ok(report)
        }
        .instrument(span)
        .await
    }

    /// Sends bound tables in chunks of about [`EXEC_ROWS`] rows, spread
    /// over up to [`BIND_LANES`] statements running concurrently.
    async fn send_bound(
        &self,
        schema: &'static TableSchema,
        sql: &str,
        tables: &[BoundTable],
        using: bool,
        progress: &Progress,
    ) -> Result<InsertReport> {
        let chunks = chunk_tables(tables);
        let guard = self.connection().acquire().await?;
        let taos: &taos::Taos = &guard;
        // The native client's statement calls block in place: lanes on one
        // task would only run one after another, each preparing its own.
        let lanes = if taos.is_native() {
            1
        } else {
            BIND_LANES.min(chunks.len()).max(1)
        };
        let tags = using && schema.kind == TableKind::Super;
        let runs = (0..lanes).map(|lane| {
            let mine: Vec<std::ops::Range<usize>> =
                chunks.iter().skip(lane).step_by(lanes).cloned().collect();
            self.run_lane(taos, sql, tables, mine, tags, progress)
        });
        let outcomes = futures::future::join_all(runs).await;
        let mut report = InsertReport::default();
        let mut unwritten = Vec::new();
        let mut first_error = None;
        for outcome in outcomes {
            report.affected += outcome.report.affected;
            report.rows += outcome.report.rows;
            report.statements += outcome.report.statements;
            if let Some((error, left)) = outcome.failure {
                for range in left {
                    unwritten.extend(tables[range].iter().flat_map(|t| t.rows.iter().copied()));
                }
                first_error.get_or_insert(error);
            }
        }
        match first_error {
            None => Ok(report),
            Some(source) => {
                if source.failure() == Failure::Connection {
                    // The kept statements (over WebSocket, each its own
                    // connection) went to the same endpoint.
                    self.statements().clear();
                    self.connection().discard(guard);
                }
                Err(failed(schema.name, unwritten, report.rows, source))
            }
        }
    }

    /// One statement's share: its chunks in order, stopping at the first
    /// failure (which leaves that chunk and the lane's later ones unwritten).
    async fn run_lane(
        &self,
        taos: &taos::Taos,
        sql: &str,
        tables: &[BoundTable],
        chunks: Vec<std::ops::Range<usize>>,
        tags: bool,
        progress: &Progress,
    ) -> LaneOutcome {
        let mut outcome = LaneOutcome::default();
        let kept = self.statements().take(taos, sql);
        let mut stmt = match kept {
            Some(stmt) => stmt,
            None => match prepare(taos, sql).await {
                Ok(stmt) => stmt,
                Err(e) => {
                    outcome.failure = Some((e, chunks));
                    return outcome;
                }
            },
        };
        for (k, range) in chunks.iter().enumerate() {
            let rows = || {
                tables[range.clone()]
                    .iter()
                    .flat_map(|t| t.rows.iter().copied())
            };
            progress.sending(rows());
            let chunk = &tables[range.clone()];
            let mut result = self.send_chunk(&mut stmt, chunk, tags).await;
            if matches!(&result, Err(e) if schema_changed(e)) {
                // Built on the schema before an ALTER: a fresh statement
                // sees the new one.
                result = match prepare(taos, sql).await {
                    Ok(fresh) => {
                        stmt = fresh;
                        self.send_chunk(&mut stmt, chunk, tags).await
                    }
                    Err(e) => Err(e),
                };
            }
            match result {
                Ok(affected) => {
                    progress.written(rows());
                    outcome.report.affected += affected;
                    outcome.report.rows += tables[range.clone()]
                        .iter()
                        .map(|t| t.rows.len())
                        .sum::<usize>();
                    outcome.report.statements += 1;
                }
                Err(e) => {
                    progress.refused(rows());
                    outcome.failure = Some((e, chunks[k..].to_vec()));
                    // A statement that failed is not trusted again.
                    return outcome;
                }
            }
        }
        self.statements().give_back(taos, sql, stmt);
        outcome
    }

    /// Binds one chunk's tables on `stmt` and executes it.
    async fn send_chunk(&self, stmt: &mut Stmt, chunk: &[BoundTable], tags: bool) -> Result<usize> {
        let mut name = String::new();
        for t in chunk {
            name.clear();
            push_quoted_lower(&mut name, self.name());
            name.push('.');
            push_quoted_lower(&mut name, &t.table);
            stmt.set_tbname(&name).await?;
            if tags {
                stmt.set_tags(&t.tags).await?;
            }
            stmt.bind(&t.columns).await?;
            stmt.add_batch().await?;
        }
        Ok(stmt.execute().await?)
    }
}

/// Statements bound concurrently by one insert over WebSocket: they overlap
/// the round trips of one with the server's work on another (a native
/// connection uses one).
pub const BIND_LANES: usize = 4;

#[derive(Default)]
struct LaneOutcome {
    report: InsertReport,
    failure: Option<(Error, Vec<std::ops::Range<usize>>)>,
}

/// Consecutive runs of whole tables of about [`EXEC_ROWS`] rows each.
fn chunk_tables(tables: &[BoundTable]) -> Vec<std::ops::Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < tables.len() {
        let mut end = start;
        let mut rows = 0;
        while end < tables.len() && (rows == 0 || rows + tables[end].rows.len() <= EXEC_ROWS) {
            rows += tables[end].rows.len();
            end += 1;
        }
        chunks.push(start..end);
        start = end;
    }
    chunks
}

async fn prepare(taos: &taos::Taos, sql: &str) -> Result<Stmt> {
    let mut stmt = <Stmt as AsyncBindable<taos::Taos>>::init(taos).await?;
    stmt.prepare(sql).await?;
    Ok(stmt)
}

/// `INSERT INTO ? [USING `db`.`stb` TAGS(?,…)] (`c1`,…) VALUES(?,…)`.
pub(crate) fn prepare_sql(schema: &TableSchema, database: &str, using: bool) -> Result<String> {
    let mut sql = String::from("INSERT INTO ? ");
    let database = crate::ddl::resolve_database(Some(database), schema)?;
    if using && schema.kind == TableKind::Super {
        sql.push_str("USING ");
        write_table_ref(&mut sql, database, schema.name)?;
        sql.push_str(" TAGS(");
        push_marks(&mut sql, schema.tags.len());
        sql.push_str(") ");
    }
    sql.push('(');
    for (i, c) in schema.columns.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        push_quoted_lower(&mut sql, c.name);
    }
    sql.push_str(") VALUES(");
    push_marks(&mut sql, schema.columns.len());
    sql.push(')');
    Ok(sql)
}

fn push_marks(sql: &mut String, n: usize) {
    for i in 0..n {
        sql.push_str(if i == 0 { "?" } else { ",?" });
    }
}

/// The error of a bound insert that left the rows `unwritten` (input indices).
fn failed(table: &'static str, mut unwritten: Vec<usize>, written: usize, source: Error) -> Error {
    unwritten.sort_unstable();
    let total = written + unwritten.len();
    tracing::warn!(table, written, unwritten = unwritten.len(), error = %source, "bound insert failed");
    Error::Insert {
        table,
        written,
        total,
        unwritten,
        source: Box::new(source),
    }
}

#[cfg(test)]
mod tests;
