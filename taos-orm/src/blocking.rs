//! The synchronous API: the same operations as [`crate::Database`] for code
//! that does not run on an async runtime.
//!
//! Call it from plain threads: the `taos` client's sync API blocks on its own
//! runtime and must not be called from inside an async task.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::Arc;

use taos::sync::{Fetchable, Queryable};
use taos::taos_query::common::Precision;
use taos::Taos;

use crate::bind::Statements;
use crate::database::{
    changes_tables, count_query, created_precision, insert_failed, parse_precision,
    precision_query, statement_kind,
};
use crate::ddl::{self, DatabaseOptions};
use crate::decode::{ColumnMap, RowCursor};
use crate::error::{schema_changed, Error, Result};
use crate::insert::{InsertSql, MAX_SQL_LEN};
use crate::lifecycle::{self, DescribeRow, LiveRows, Migration, SchemaDiff, TableShape};
use crate::query::RawQuery;
use crate::retry::{Next, Resend, Retry};
use crate::table::{TdRow, TdTable};
use crate::InsertReport;

pub use crate::tmq::blocking::Consumer;

/// Releases `guard` after an operation on it, discarding the connection
/// when the outcome says it is lost (see [`crate::database::settle`]).
pub(crate) fn settle<'c, C: SyncConnection, T>(
    conn: &'c C,
    guard: C::Guard<'c>,
    outcome: Result<T>,
) -> Result<T> {
    crate::database::settle_with(guard, outcome, |g| conn.discard(g))
}

/// A source of sync connections: a [`Taos`], a reference or `Arc` to one, or
/// an r2d2 pool (with the `r2d2` feature).
pub trait SyncConnection: Send + Sync {
    /// The acquired connection.
    type Guard<'a>: Deref<Target = Taos>
    where
        Self: 'a;

    /// Acquires a connection (a pool may wait for a free one).
    fn acquire(&self) -> Result<Self::Guard<'_>>;

    /// Gives back a connection an operation found lost (see
    /// [`crate::Connection::discard`]).
    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        drop(guard);
    }

    /// Whether the source's connections outlive a handle over it (see
    /// [`crate::Connection::KEEPS_STATEMENTS`]).
    const KEEPS_STATEMENTS: bool = false;
}

impl SyncConnection for Taos {
    type Guard<'a> = &'a Taos;

    const KEEPS_STATEMENTS: bool = true;

    fn acquire(&self) -> Result<&Taos> {
        Ok(self)
    }
}

/// Shares one source between handles and threads.
impl<C: SyncConnection> SyncConnection for Arc<C> {
    type Guard<'a>
        = C::Guard<'a>
    where
        Self: 'a;

    const KEEPS_STATEMENTS: bool = C::KEEPS_STATEMENTS;

    fn acquire(&self) -> Result<Self::Guard<'_>> {
        (**self).acquire()
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        (**self).discard(guard)
    }
}

impl<C: SyncConnection> SyncConnection for &C {
    type Guard<'a>
        = C::Guard<'a>
    where
        Self: 'a;

    fn acquire(&self) -> Result<Self::Guard<'_>> {
        (**self).acquire()
    }

    fn discard<'a>(&'a self, guard: Self::Guard<'a>) {
        (**self).discard(guard)
    }

    const KEEPS_STATEMENTS: bool = C::KEEPS_STATEMENTS;
}

#[cfg(feature = "r2d2")]
impl SyncConnection for crate::R2d2Pool {
    type Guard<'a> = r2d2::PooledConnection<crate::TaosManager>;

    fn acquire(&self) -> Result<Self::Guard<'_>> {
        self.get().map_err(|e| Error::Pool(e.to_string()))
    }
}

/// The synchronous twin of [`crate::Database`].
///
/// # Examples
///
/// ```no_run
/// use taos::sync::TBuilder;
/// use taos_orm::blocking::Database;
/// use taos_orm::Precision;
///
/// let taos = taos::sync::TaosBuilder::from_dsn("ws://localhost:6041")?.build()?;
/// let db = Database::new(&taos, "power", Precision::Millisecond);
/// assert_eq!(db.name(), "power");
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Database<C> {
    // Before `conn`: fields drop in order, and a native statement must close
    // while its connection is open.
    statements: Statements,
    conn: C,
    name: String,
    precision: Precision,
    max_sql_len: usize,
    retry: Retry,
}

/// Leaves the connection out: a client's `Debug` shows its DSN, password
/// and token included.
impl<C> std::fmt::Debug for Database<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::database::debug_handle(f, &self.name, self.precision, self.max_sql_len)
    }
}

impl<C: SyncConnection> Database<C> {
    /// A handle on database `name`, whose precision the caller knows. No I/O.
    pub fn new(conn: C, name: impl Into<String>, precision: Precision) -> Self {
        Database {
            statements: Statements::new(C::KEEPS_STATEMENTS),
            conn,
            name: name.into(),
            precision,
            max_sql_len: MAX_SQL_LEN,
            retry: Retry::default(),
        }
    }

    /// Creates the database if it does not exist and returns a handle on it
    /// (see [`crate::Database::create`]).
    pub fn create(conn: C, options: &DatabaseOptions) -> Result<Self> {
        let guard = conn.acquire()?;
        guard.exec(options.create_sql()?)?;
        let reported: Option<String> = guard.query_one(precision_query(options.name())?)?;
        drop(guard);
        let precision = created_precision(options, reported.as_deref())?;
        Ok(Database::new(conn, options.name(), precision))
    }

    /// A handle on an existing database, reading its precision from the server.
    pub fn open(conn: C, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        let reported: Option<String> = conn.acquire()?.query_one(precision_query(&name)?)?;
        let precision = parse_precision(&name, reported.as_deref())?;
        Ok(Database::new(conn, name, precision))
    }

    /// Caps the length of each statement this handle sends.
    pub fn with_max_sql_len(mut self, max: usize) -> Self {
        self.max_sql_len = max;
        self
    }

    /// How the inserts retry a failure that may pass (see
    /// [`crate::Database::with_retry`]).
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The retry policy of the inserts.
    pub fn retry(&self) -> Retry {
        self.retry
    }

    /// Runs `attempt` on the rows still unwritten until they are all
    /// written, the failure is terminal or the retries run out.
    pub(crate) fn resending<'r, T: TdTable + 'r>(
        &self,
        rows: Vec<&'r T>,
        mut attempt: impl FnMut(Vec<&'r T>) -> Result<InsertReport>,
    ) -> Result<InsertReport> {
        let mut resend = Resend::new(self.retry, T::SCHEMA.name, rows.len());
        loop {
            let sent = resend.pending().iter().map(|&i| rows[i]).collect();
            match resend.settle(attempt(sent)) {
                Next::Again(pause) => std::thread::sleep(pause),
                Next::Done(done) => return done,
            }
        }
    }

    /// Drops the database and everything in it; refused while topics read
    /// it (see [`crate::Database::drop_database`]).
    pub fn drop_database(self) -> Result<()> {
        self.exec(&ddl::drop_database(&self.name)?)?;
        Ok(())
    }

    /// Creates `T`'s super table (or normal table) if it does not exist.
    pub fn create_table<T: TdTable>(&self) -> Result<()> {
        self.exec(&ddl::create_table::<T>(Some(&self.name))?)?;
        Ok(())
    }

    /// Drops `T`'s table (a super table with all its child tables).
    pub fn drop_table<T: TdTable>(&self) -> Result<()> {
        self.exec(&ddl::drop_table::<T>(Some(&self.name))?)?;
        Ok(())
    }

    /// Creates the child table of every row that lacks one.
    pub fn create_child_tables<'r, T, I>(&self, rows: I) -> Result<usize>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        let statements = ddl::create_child_tables::<T, _>(
            Some(&self.name),
            rows,
            self.precision,
            self.max_sql_len,
        )?;
        let guard = self.conn.acquire()?;
        let mut created = 0;
        for sql in &statements {
            created += guard.exec(sql)?;
        }
        Ok(created)
    }

    /// Inserts rows (see [`crate::Database::insert`] for the guarantees
    /// and the retries).
    pub fn insert<'r, T, I>(&self, rows: I) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        self.resending(rows.into_iter().collect(), |rows| self.insert_once(rows))
    }

    fn insert_once<'r, T, I>(&self, rows: I) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        let batches = InsertSql::<T>::new(self.precision)
            .max_sql_len(self.max_sql_len)
            .database(Some(&self.name))
            .build(rows)?;
        let guard = self.conn.acquire()?;
        let sent = (|| {
            let mut report = InsertReport::default();
            for (i, batch) in batches.iter().enumerate() {
                let mut sent = guard.exec(&batch.sql);
                if matches!(&sent, Err(e) if schema_changed(e)) {
                    sent = guard.exec(&batch.sql);
                }
                match sent {
                    Ok(affected) => {
                        report.affected += affected;
                        report.rows += batch.rows.len();
                        report.statements += 1;
                    }
                    Err(e) => {
                        return Err(insert_failed(
                            T::SCHEMA.name,
                            &batches,
                            i,
                            report.rows,
                            e.into(),
                        ))
                    }
                }
            }
            Ok(report)
        })();
        settle(&self.conn, guard, sent)
    }

    /// Counts the rows of `T`'s table.
    pub fn count<T: TdTable>(&self) -> Result<u64> {
        let n: Option<i64> = self
            .conn
            .acquire()?
            .query_one(count_query::<T>(&self.name)?)?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    /// Compares `T` with its live table (the twin of
    /// [`crate::Database::verify`]).
    pub fn verify<T: TdTable>(&self) -> Result<SchemaDiff> {
        let schema = T::SCHEMA;
        let db = ddl::resolve_database(Some(&self.name), schema)?.unwrap_or(&self.name);
        let found = self.shape_in(db, schema.name)?;
        Ok(lifecycle::diff_of(schema, db, found.as_ref()))
    }

    /// The live shape of a table (the twin of
    /// [`crate::Database::table_shape`]).
    pub fn table_shape(&self, table: &str) -> Result<Option<TableShape>> {
        self.shape_in(&self.name, table)
    }

    /// The live shapes of every super and normal table (the twin of
    /// [`crate::Database::table_shapes`]).
    pub fn table_shapes(&self) -> Result<Vec<TableShape>> {
        let mut shapes = Vec::new();
        for sql in lifecycle::tables_queries(&self.name)? {
            for (table,) in self.fetch_all::<(String,)>(&sql)? {
                if let Some(shape) = self.shape_in(&self.name, &table)? {
                    shapes.push(shape);
                }
            }
        }
        shapes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(shapes)
    }

    fn shape_in(&self, db: &str, table: &str) -> Result<Option<TableShape>> {
        let [supers, tables] = lifecycle::kind_queries(db, table)?;
        let stable = self.fetch_all(&supers)?;
        let table_type = if stable.is_empty() {
            self.fetch_all(&tables)?
        } else {
            Vec::new()
        };
        let live = LiveRows {
            table: table.to_owned(),
            stable,
            table_type,
        };
        Ok(match live.kind() {
            Some(kind) => {
                let rows = self.fetch_all::<DescribeRow>(&lifecycle::describe_query(db, table)?)?;
                Some(live.shape(kind, rows))
            }
            None => None,
        })
    }

    /// Creates `T`'s table or checks the existing one (the twin of
    /// [`crate::Database::create_or_verify`]).
    pub fn create_or_verify<T: TdTable>(&self) -> Result<()> {
        self.create_table::<T>()?;
        let diff = self.verify::<T>()?;
        if diff.is_empty() {
            Ok(())
        } else {
            Err(Error::SchemaMismatch(Box::new(diff)))
        }
    }

    /// The statements [`Database::migrate`] would run (the twin of
    /// [`crate::Database::migration_plan`]).
    pub fn migration_plan<T: TdTable>(&self) -> Result<Migration> {
        lifecycle::migration_for(T::SCHEMA, self.verify::<T>()?)
    }

    /// Brings `T`'s table up to `T` additively (the twin of
    /// [`crate::Database::migrate`]).
    pub fn migrate<T: TdTable>(&self) -> Result<Migration> {
        let migration = self.migration_plan::<T>()?;
        for (i, sql) in migration.statements.iter().enumerate() {
            if let Err(e) = self.exec(sql) {
                return Err(lifecycle::migration_failed(migration, i, e));
            }
        }
        Ok(migration)
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database's timestamp precision.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The connection source.
    pub fn connection(&self) -> &C {
        &self.conn
    }

    /// Prepared statements this handle keeps idle for its next bound
    /// inserts (none over a pool of native connections).
    pub fn idle_statements(&self) -> usize {
        self.statements.idle()
    }

    pub(crate) fn statements(&self) -> &Statements {
        &self.statements
    }

    /// Runs a statement without a result set and returns the affected rows.
    pub fn exec(&self, sql: &str) -> Result<usize> {
        if changes_tables(statement_kind(sql)) {
            self.statements.clear();
        }
        let guard = self.conn.acquire()?;
        let affected = guard.exec(sql).map_err(Error::from);
        settle(&self.conn, guard, affected)
    }

    /// A hand-written statement whose `?` placeholders take bound values
    /// (the twin of [`crate::Database::query`]; see [`RawQuery`]).
    pub fn query(&self, sql: impl Into<Cow<'static, str>>) -> RawQuery<'_, Self> {
        RawQuery::new(self, sql.into())
    }

    /// Runs a query and reads every row into `T`, mapping columns by name.
    pub fn fetch_all<T: TdRow>(&self, sql: &str) -> Result<Vec<T>> {
        let guard = self.conn.acquire()?;
        let mut rs = guard.query(sql)?;
        let map = ColumnMap::new::<T>(rs.fields());
        let mut out = Vec::new();
        while let Some(block) = rs.fetch_raw_block()? {
            map.decode_block(&block, &mut out)?;
        }
        Ok(out)
    }

    /// Runs a query and reads its first row, if any.
    pub fn fetch_optional<T: TdRow>(&self, sql: &str) -> Result<Option<T>> {
        let guard = self.conn.acquire()?;
        let mut rs = guard.query(sql)?;
        let map = ColumnMap::new::<T>(rs.fields());
        while let Some(block) = rs.fetch_raw_block()? {
            if block.nrows() > 0 {
                return map.decode_row(&block, 0, 0).map(Some);
            }
        }
        Ok(None)
    }

    /// Runs a query and reads its first row; [`Error::NoRows`] when empty.
    pub fn fetch_one<T: TdRow>(&self, sql: &str) -> Result<T> {
        self.fetch_optional(sql)?.ok_or(Error::NoRows)
    }

    /// Runs a query and iterates its rows, holding one raw block at a time
    /// (the twin of [`crate::Database::stream`]).
    pub fn iter<T: TdRow>(&self, sql: &str) -> Result<RowIter<'_, C, T>> {
        let guard = self.conn.acquire()?;
        let rs = guard.query(sql)?;
        let rows = RowCursor::new::<T>(rs.fields());
        Ok(RowIter {
            _guard: guard,
            rs,
            rows,
            done: false,
            _marker: std::marker::PhantomData,
        })
    }
}

/// Rows of a query, decoded one by one ([`Database::iter`]).
pub struct RowIter<'a, C: SyncConnection + 'a, T> {
    _guard: C::Guard<'a>,
    rs: taos::ResultSet,
    rows: RowCursor,
    done: bool,
    _marker: std::marker::PhantomData<fn() -> T>,
}

impl<C: SyncConnection, T> std::fmt::Debug for RowIter<'_, C, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowIter")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<C: SyncConnection, T: TdRow> Iterator for RowIter<'_, C, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        while !self.done {
            if let Some(value) = self.rows.next_in_block::<T>() {
                // Like the async stream, the first error ends the rows.
                self.done = value.is_err();
                return Some(value);
            }
            match self.rs.fetch_raw_block() {
                Ok(Some(block)) => self.rows.set_block(block),
                Ok(None) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e.into()));
                }
            }
        }
        None
    }
}
