//! The async handle on one database: every typed operation goes through it.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use futures::Stream;
use taos::taos_query::common::{Precision, RawBlock};
use taos::{AsyncFetchable, AsyncQueryable};
use tracing::Instrument;

use crate::bind::Statements;
use crate::connection::Connection;
use crate::ddl::{self, DatabaseOptions};
use crate::decode::{ColumnMap, RowCursor};
use crate::error::{codes, schema_changed, Error, Failure, Result};
use crate::insert::progress::Progress;
use crate::insert::{InsertBatch, InsertSql, MAX_SQL_LEN};
use crate::inserter::InsertMode;
use crate::lifecycle::{self, DescribeRow, LiveRows, Migration, SchemaDiff, TableShape};
use crate::query::RawQuery;
use crate::retry::{Next, Resend, Retry};
use crate::schema::TableSchema;
use crate::table::{TdRow, TdTable};

/// One database on a connection source ([`Connection`]: a `Taos`, or a pool):
/// its name and the timestamp precision that inserts must use.
///
/// Every typed operation lives here: creating the table of a struct and its
/// child tables, inserting rows, reading rows back, counting, dropping.
///
/// # Examples
///
/// ```
/// use taos_orm::{Database, DatabaseOptions, TdTable};
///
/// #[derive(Debug, PartialEq, TdTable)]
/// #[taos(stable = "meters", child = "d{device}")]
/// struct Meter {
///     #[taos(ts)]
///     ts: i64,
///     current: f32,
///     #[taos(tag)]
///     device: i32,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = taos_emulator::Emulator::start().await?;
/// # let dsn = emulator.dsn();
/// // dsn: "ws://localhost:6041", or the emulator's
/// let taos = taos_orm::connect(&dsn).await?;
/// let db = Database::create(&taos, &DatabaseOptions::new("power")).await?;
/// db.create_table::<Meter>().await?;
/// let rows = [
///     Meter { ts: 1_700_000_000_000, current: 10.2, device: 1 },
///     Meter { ts: 1_700_000_000_000, current: 9.8, device: 2 },
/// ];
/// db.insert(&rows).await?;
/// let back: Vec<Meter> = db.fetch_all("SELECT * FROM power.meters ORDER BY device").await?;
/// assert_eq!(back, rows);
/// assert_eq!(db.count::<Meter>().await?, 2);
/// # Ok(()) }
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
    timeout: Duration,
}

/// Leaves the connection out: a client's `Debug` shows its DSN, password
/// and token included.
impl<C> std::fmt::Debug for Database<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        debug_handle(f, &self.name, self.precision, self.max_sql_len)
    }
}

/// The `Debug` of a database handle, async or blocking: its settings.
pub(crate) fn debug_handle(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    precision: Precision,
    max_sql_len: usize,
) -> std::fmt::Result {
    f.debug_struct("Database")
        .field("name", &name)
        .field("precision", &precision)
        .field("max_sql_len", &max_sql_len)
        .finish_non_exhaustive()
}

/// How long one insert attempt may wait for the server by default
/// ([`Database::with_timeout`]).
pub const INSERT_TIMEOUT: Duration = Duration::from_secs(60);

/// What an insert wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InsertReport {
    /// Input rows written.
    pub rows: usize,
    /// Rows the server reported as affected.
    pub affected: usize,
    /// Statements sent.
    pub statements: usize,
    /// Attempts after the first, for retriable failures ([`Retry`]).
    pub retries: usize,
}

impl<C: Connection> Database<C> {
    /// A handle on database `name`, whose precision the caller knows. No I/O.
    pub fn new(conn: C, name: impl Into<String>, precision: Precision) -> Self {
        Database {
            statements: Statements::new(C::KEEPS_STATEMENTS),
            conn,
            name: name.into(),
            precision,
            max_sql_len: MAX_SQL_LEN,
            retry: Retry::default(),
            timeout: INSERT_TIMEOUT,
        }
    }

    /// Creates the database if it does not exist (`CREATE DATABASE IF NOT
    /// EXISTS` with `options`) and returns a handle on it.
    ///
    /// The handle's precision is read back from the server: an existing
    /// database keeps its own.
    ///
    /// # Errors
    ///
    /// [`Error::PrecisionConflict`] when the database exists with another
    /// precision than `options` asks for (a handle with the wrong one would
    /// scale every timestamp wrongly).
    pub async fn create(conn: C, options: &DatabaseOptions) -> Result<Self> {
        let sql = options.create_sql()?;
        run_exec(&conn, &sql, "CREATE DATABASE", options.name()).await?;
        let reported: Option<String> = {
            let guard = conn.acquire().await?;
            guard.query_one(&precision_query(options.name())?).await?
        };
        let precision = created_precision(options, reported.as_deref())?;
        Ok(Database::new(conn, options.name(), precision))
    }

    /// A handle on an existing database, reading its precision from the server.
    ///
    /// # Errors
    ///
    /// [`Error::Taos`] with code `0x0388` when the database does not exist.
    pub async fn open(conn: C, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        let sql = precision_query(&name)?;
        let precision: Option<String> = {
            let guard = conn.acquire().await?;
            guard.query_one(&sql).await?
        };
        let precision = parse_precision(&name, precision.as_deref())?;
        Ok(Database::new(conn, name, precision))
    }

    /// Caps the length of each statement this handle sends (default
    /// [`MAX_SQL_LEN`], TDengine's default `maxSQLLength`).
    pub fn with_max_sql_len(mut self, max: usize) -> Self {
        self.max_sql_len = max;
        self
    }

    /// How [`Database::insert`] and [`Database::insert_bound`] retry a
    /// failure that may pass ([`Error::is_retriable`]: a lost connection, a
    /// leader election, a timeout): default [`Retry::default`], three
    /// retries within 0.7 s. Each retry sends only the rows not yet
    /// written; a row sent twice is stored once, since TDengine keeps one
    /// row per timestamp. A cluster whose vgroups take seconds to elect a
    /// leader wants more patience:
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use taos_orm::{Database, Precision, Retry};
    /// # fn demo(taos: taos::Taos) {
    /// let db = Database::new(taos, "power", Precision::Millisecond).with_retry(Retry {
    ///     attempts: 10,
    ///     initial: Duration::from_millis(200),
    ///     max: Duration::from_secs(2),
    /// });
    /// # }
    /// ```
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The retry policy of the inserts ([`Database::with_retry`]).
    pub fn retry(&self) -> Retry {
        self.retry
    }

    /// How long one attempt of [`Database::insert`] or
    /// [`Database::insert_bound`] may wait for the server (default
    /// [`INSERT_TIMEOUT`]). Past it the attempt counts as a retriable
    /// [`Error::Timeout`]: its unconfirmed rows are sent again, and the
    /// connection source is told its connection may be dead (a
    /// [`Failover`](crate::Failover) connects anew), since a WebSocket
    /// connection whose server died can leave a request unanswered.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// An insert attempt on this handle got no answer in time: its
    /// statements and maybe its connection are dead.
    pub(crate) fn suspect(&self) {
        self.statements.clear();
        self.conn.suspect();
    }

    /// One attempt of an insert through `mode`, bounded by `timeout`.
    pub(crate) async fn attempt<'r, T, I>(
        &self,
        mode: InsertMode,
        rows: I,
        progress: &Progress,
        timeout: Duration,
    ) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        let attempt = async {
            match mode {
                InsertMode::Bound => self.insert_bound_tracked(rows, progress).await,
                InsertMode::Sql => self.insert_tracked(rows, progress).await,
            }
        };
        match tokio::time::timeout(timeout, attempt).await {
            Ok(outcome) => outcome,
            Err(_) => {
                self.suspect();
                Err(Error::Timeout(timeout))
            }
        }
    }

    /// `rows` through `mode`, retried per [`Database::with_retry`].
    pub(crate) async fn insert_retrying<T: TdTable>(
        &self,
        rows: Vec<&T>,
        mode: InsertMode,
    ) -> Result<InsertReport> {
        let mut resend = Resend::new(self.retry, T::SCHEMA.name, rows.len());
        loop {
            let progress = Progress::default();
            let sent: Vec<&T> = resend.pending().iter().map(|&i| rows[i]).collect();
            let outcome = match self
                .attempt(mode, sent.iter().copied(), &progress, self.timeout)
                .await
            {
                Err(e @ Error::Timeout(_)) => {
                    Err(progress.unconfirmed(T::SCHEMA.name, sent.len(), e))
                }
                other => other,
            };
            match resend.settle(outcome) {
                Next::Again(pause) => tokio::time::sleep(pause).await,
                Next::Done(done) => return done,
            }
        }
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

    /// Drops the database and everything in it (`DROP DATABASE IF EXISTS`).
    /// The server refuses while topics read it (`0x03ED`): drop them
    /// first with [`Database::drop_topic`].
    pub async fn drop_database(self) -> Result<()> {
        let sql = ddl::drop_database(&self.name)?;
        run_exec(&self.conn, &sql, "DROP DATABASE", &self.name).await?;
        Ok(())
    }

    /// Creates `T`'s super table (or normal table) if it does not exist.
    pub async fn create_table<T: TdTable>(&self) -> Result<()> {
        let sql = ddl::create_table::<T>(Some(&self.name))?;
        run_exec(&self.conn, &sql, "CREATE", T::SCHEMA.name).await?;
        Ok(())
    }

    /// Drops `T`'s table (a super table with all its child tables).
    pub async fn drop_table<T: TdTable>(&self) -> Result<()> {
        let sql = ddl::drop_table::<T>(Some(&self.name))?;
        self.statements.clear();
        run_exec(&self.conn, &sql, "DROP", T::SCHEMA.name).await?;
        Ok(())
    }

    /// Creates the child table of every row that lacks one, with the row's
    /// tags (`CREATE TABLE IF NOT EXISTS … USING … TAGS`). Inserting does this
    /// by itself; call it to create tables ahead of data.
    pub async fn create_child_tables<'r, T, I>(&self, rows: I) -> Result<usize>
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
        let mut created = 0;
        for sql in &statements {
            created += run_exec(&self.conn, sql, "CREATE TABLE", T::SCHEMA.name).await?;
        }
        Ok(created)
    }

    /// Inserts rows, creating missing child tables on the way (`USING …
    /// TAGS`). Rows are grouped per child table into as few statements as the
    /// SQL length limit allows.
    ///
    /// Every row is rendered (and so validated) before anything is sent: a
    /// bad value fails the whole call with [`Error::InvalidValue`] and writes
    /// nothing.
    ///
    /// A retriable failure ([`Error::is_retriable`]) is retried per
    /// [`Database::with_retry`], sending only the rows not yet written.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] / [`Error::RowTooLarge`] naming the row, before
    /// anything is written; [`Error::Insert`] when the server rejects a
    /// statement or the retries run out, listing exactly the rows not
    /// written.
    pub async fn insert<'r, T, I>(&self, rows: I) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        self.insert_retrying(rows.into_iter().collect(), InsertMode::Sql)
            .await
    }

    /// [`Database::insert`], recording each row's fate in `progress` as
    /// statements go out and come back, so a caller that drops the future
    /// still knows what was written.
    pub(crate) async fn insert_tracked<'r, T, I>(
        &self,
        rows: I,
        progress: &Progress,
    ) -> Result<InsertReport>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        let table = T::SCHEMA.name;
        let span = tracing::debug_span!("taos_orm.insert", db = %self.name, table, rows = tracing::field::Empty);
        async {
            let started = Instant::now();
            let batches = InsertSql::<T>::new(self.precision)
                .max_sql_len(self.max_sql_len)
                .database(Some(&self.name))
                .build(rows)?;
            let total: usize = batches.iter().map(|b| b.rows.len()).sum();
            tracing::Span::current().record("rows", total);
            let mut report = InsertReport::default();
            let guard = self.conn.acquire().await?;
            for (i, batch) in batches.iter().enumerate() {
                progress.sending(batch.rows.iter().copied());
                let mut sent = guard.exec(&batch.sql).await;
                if matches!(&sent, Err(e) if schema_changed(e)) {
                    sent = guard.exec(&batch.sql).await;
                }
                match sent {
                    Ok(affected) => {
                        progress.written(batch.rows.iter().copied());
                        report.affected += affected;
                        report.rows += batch.rows.len();
                        report.statements += 1;
                    }
                    Err(e) => {
                        progress.refused(batch.rows.iter().copied());
                        let e = Error::from(e);
                        release(&self.conn, guard, &e);
                        return Err(insert_failed(table, &batches, i, report.rows, e));
                    }
                }
            }
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

    /// Writes `rows` through schemaless ingest (InfluxDB line protocol sent
    /// with `taos.put`), returning the number of lines sent.
    ///
    /// The super table is the measurement, the struct's tags are the line's
    /// tags and its data columns the fields; TDengine creates the super
    /// table, missing columns and the child tables itself. TDengine names
    /// the child tables (`t_` and an md5 of the measurement and sorted
    /// tags), so the struct's child-name pattern is not used. The client
    /// sends schemaless data to the database of its DSN, which must be this
    /// handle's database. See [`crate::schemaless`] for the column types
    /// line protocol can carry.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] naming the row, before anything is sent;
    /// [`Error::Taos`] with the server's schemaless code (`0x3002` bad line,
    /// `0x3004` a column of another type) when TDengine rejects the lines.
    pub async fn insert_schemaless<'r, T, I>(&self, rows: I) -> Result<usize>
    where
        T: TdTable + 'r,
        I: IntoIterator<Item = &'r T>,
    {
        ddl::resolve_database(Some(&self.name), T::SCHEMA)?;
        let lines = crate::schemaless::render_lines(rows, self.precision)?;
        if lines.is_empty() {
            return Ok(0);
        }
        let count = lines.len();
        let data = taos::taos_query::common::SmlDataBuilder::default()
            .protocol(taos::taos_query::common::SchemalessProtocol::Line)
            .precision(crate::schemaless::schemaless_precision(self.precision))
            .data(lines)
            .build()
            .map_err(taos::Error::from)?;
        let guard = self.conn.acquire().await?;
        guard.put(&data).await?;
        Ok(count)
    }

    /// Prepared statements this handle keeps idle for its next bound
    /// inserts (see [`Database::insert_bound`]); none over a pool of native
    /// connections.
    ///
    /// ```
    /// use taos_orm::{Database, DatabaseOptions, TdTable};
    ///
    /// #[derive(TdTable)]
    /// #[taos(stable = "meters", child = "d{device}")]
    /// struct Meter {
    ///     #[taos(ts)]
    ///     ts: i64,
    ///     current: f32,
    ///     #[taos(tag)]
    ///     device: i32,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = taos_emulator::Emulator::start().await?;
    /// let taos = taos_orm::connect(&emulator.dsn()).await?;
    /// let db = Database::create(&taos, &DatabaseOptions::new("kept")).await?;
    /// db.create_table::<Meter>().await?;
    /// for ts in 1_700_000_000_000..1_700_000_000_003 {
    ///     db.insert_bound(&[Meter { ts, current: 1.5, device: 1 }]).await?;
    ///     // The one statement the first call prepared, kept for the next.
    ///     assert_eq!(db.idle_statements(), 1);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn idle_statements(&self) -> usize {
        self.statements.idle()
    }

    pub(crate) fn statements(&self) -> &Statements {
        &self.statements
    }

    /// Runs a statement without a result set and returns the affected rows.
    pub async fn exec(&self, sql: &str) -> Result<usize> {
        let kind = statement_kind(sql);
        if changes_tables(kind) {
            self.statements.clear();
        }
        run_exec(&self.conn, sql, kind, &self.name).await
    }

    /// A hand-written statement whose `?` placeholders take the values
    /// bound with [`RawQuery::bind`], each written as an escaped literal in
    /// this database's precision; see [`RawQuery`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = taos_emulator::Emulator::start().await?;
    /// # let taos = taos_orm::connect(&emulator.dsn()).await?;
    /// # let db = taos_orm::Database::create(&taos, &taos_orm::DatabaseOptions::new("q")).await?;
    /// let (text,): (String,) = db.query("SELECT CONCAT(?, ?)").bind("it's").bind(" ok").fetch_one().await?;
    /// assert_eq!(text, "it's ok");
    /// # Ok(()) }
    /// ```
    pub fn query(&self, sql: impl Into<Cow<'static, str>>) -> RawQuery<'_, Self> {
        RawQuery::new(self, sql.into())
    }

    /// Runs a query and reads every row into `T`, mapping columns by name.
    ///
    /// Column order does not matter and extra columns are ignored. Table
    /// names in `sql` should be qualified (`power.meters`) unless the
    /// connection's DSN names the database.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] naming the struct, field, column and types when a
    /// column is missing, a NULL meets a non-`Option` field, or types differ.
    pub async fn fetch_all<T: TdRow>(&self, sql: &str) -> Result<Vec<T>> {
        let span = tracing::debug_span!("taos_orm.fetch", db = %self.name, table = T::STRUCT_NAME);
        async {
            let started = Instant::now();
            let guard = self.conn.acquire().await?;
            let read = async {
                let mut rs = guard.query(sql).await?;
                let map = ColumnMap::new::<T>(rs.fields());
                let mut out = Vec::new();
                while let Some(block) = next_block(&mut rs).await? {
                    map.decode_block(&block, &mut out)?;
                }
                Ok(out)
            }
            .await;
            let out = settle(&self.conn, guard, read)?;
            tracing::debug!(
                rows = out.len(),
                elapsed_us = started.elapsed().as_micros() as u64,
                "done"
            );
            Ok(out)
        }
        .instrument(span)
        .await
    }

    /// Runs a query and reads its first row, if any.
    pub async fn fetch_optional<T: TdRow>(&self, sql: &str) -> Result<Option<T>> {
        let guard = self.conn.acquire().await?;
        let read = async {
            let mut rs = guard.query(sql).await?;
            let map = ColumnMap::new::<T>(rs.fields());
            while let Some(block) = next_block(&mut rs).await? {
                if block.nrows() > 0 {
                    return map.decode_row(&block, 0, 0).map(Some);
                }
            }
            Ok(None)
        }
        .await;
        settle(&self.conn, guard, read)
    }

    /// Runs a query and reads its first row.
    ///
    /// # Errors
    ///
    /// [`Error::NoRows`] when the result is empty.
    pub async fn fetch_one<T: TdRow>(&self, sql: &str) -> Result<T> {
        self.fetch_optional(sql).await?.ok_or(Error::NoRows)
    }

    /// Runs a query and yields its rows one by one, holding one raw block at a
    /// time: memory stays bounded however large the result.
    ///
    /// The stream owns its SQL (a `&str` is copied), so a function can build
    /// the statement and return the stream; it borrows only the handle.
    /// Nothing is sent until the stream is first polled.
    pub fn stream<'a, T: TdRow + 'a>(&'a self, sql: impl Into<String>) -> RowStream<'a, T> {
        self.stream_sql(Ok(sql.into()))
    }

    /// The stream of [`Database::stream`] for a statement that may have
    /// failed to render: the error is then its only item.
    pub(crate) fn stream_sql<'a, T: TdRow + 'a>(&'a self, sql: Result<String>) -> RowStream<'a, T> {
        struct Open<G> {
            // Keeps a pooled connection checked out while its result streams.
            _guard: G,
            rs: taos::ResultSet,
            rows: RowCursor,
        }
        enum State<G> {
            Unsent(Result<String>),
            // Boxed: the state moves in and out of the future at every row.
            Open(Box<Open<G>>),
        }
        let rows = futures::stream::try_unfold(
            State::Unsent(sql),
            move |state: State<C::Guard<'a>>| async move {
                let mut open = match state {
                    State::Unsent(sql) => {
                        let sql = sql?;
                        let guard = self.conn.acquire().await?;
                        let rs = guard.query(&sql).await?;
                        let rows = RowCursor::new::<T>(rs.fields());
                        Box::new(Open {
                            _guard: guard,
                            rs,
                            rows,
                        })
                    }
                    State::Open(open) => open,
                };
                loop {
                    if let Some(value) = open.rows.next_in_block::<T>() {
                        return Ok(Some((value?, State::Open(open))));
                    }
                    match next_block(&mut open.rs).await? {
                        Some(block) => open.rows.set_block(block),
                        None => return Ok(None),
                    }
                }
            },
        );
        RowStream {
            rows: Box::pin(rows),
        }
    }

    /// Compares `T` with its live table (`information_schema` and
    /// `DESCRIBE`): every missing or extra column and tag, type, length,
    /// composite key and table kind difference. An empty diff means they
    /// agree; a missing table is [`Difference::TableMissing`](crate::lifecycle::Difference::TableMissing).
    ///
    /// ```
    /// use taos_orm::{Database, DatabaseOptions, TdTable};
    ///
    /// #[derive(TdTable)]
    /// #[taos(stable = "meters", child = "d{group_id}")]
    /// struct Meter {
    ///     #[taos(ts)]
    ///     ts: i64,
    ///     current: f32,
    ///     #[taos(tag)]
    ///     group_id: i32,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = taos_emulator::Emulator::start().await?;
    /// let taos = taos_orm::connect(&emulator.dsn()).await?;
    /// let db = Database::create(&taos, &DatabaseOptions::new("power")).await?;
    /// db.exec("CREATE STABLE power.meters (ts TIMESTAMP, current DOUBLE) TAGS (group_id INT)").await?;
    /// let diff = db.verify::<Meter>().await?;
    /// assert_eq!(
    ///     diff.to_string(),
    ///     "struct `Meter` and table `power`.`meters` differ in 1 place:\n  \
    ///      column `current`: the struct has FLOAT, the database has DOUBLE"
    /// );
    /// # Ok(()) }
    /// ```
    pub async fn verify<T: TdTable>(&self) -> Result<SchemaDiff> {
        let schema = T::SCHEMA;
        let db = self.database_of(schema)?;
        let found = self.shape_in(db, schema.name).await?;
        Ok(lifecycle::diff_of(schema, db, found.as_ref()))
    }

    /// The live shape of table `table` of this database (its kind, columns
    /// and tags), or `None` when it does not exist.
    pub async fn table_shape(&self, table: &str) -> Result<Option<TableShape>> {
        self.shape_in(&self.name, table).await
    }

    /// The live shapes of every super table and normal table of this
    /// database, in name order (child tables share their super table's).
    pub async fn table_shapes(&self) -> Result<Vec<TableShape>> {
        let mut shapes = Vec::new();
        for sql in lifecycle::tables_queries(&self.name)? {
            for (table,) in self.fetch_all::<(String,)>(&sql).await? {
                if let Some(shape) = self.shape_in(&self.name, &table).await? {
                    shapes.push(shape);
                }
            }
        }
        shapes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(shapes)
    }

    async fn shape_in(&self, db: &str, table: &str) -> Result<Option<TableShape>> {
        let [supers, tables] = lifecycle::kind_queries(db, table)?;
        let stable = self.fetch_all(&supers).await?;
        let table_type = if stable.is_empty() {
            self.fetch_all(&tables).await?
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
                let rows = self
                    .fetch_all::<DescribeRow>(&lifecycle::describe_query(db, table)?)
                    .await?;
                Some(live.shape(kind, rows))
            }
            None => None,
        })
    }

    /// Creates `T`'s table if it does not exist, else checks that it agrees
    /// with `T`.
    ///
    /// # Errors
    ///
    /// [`Error::SchemaMismatch`] with every difference when the existing
    /// table differs.
    pub async fn create_or_verify<T: TdTable>(&self) -> Result<()> {
        self.create_table::<T>().await?;
        let diff = self.verify::<T>().await?;
        if diff.is_empty() {
            Ok(())
        } else {
            Err(Error::SchemaMismatch(Box::new(diff)))
        }
    }

    /// The statements [`Database::migrate`] would run, without running them
    /// (a dry run).
    ///
    /// # Errors
    ///
    /// [`Error::MigrationRefused`] as for [`Database::migrate`].
    pub async fn migration_plan<T: TdTable>(&self) -> Result<Migration> {
        lifecycle::migration_for(T::SCHEMA, self.verify::<T>().await?)
    }

    /// Brings `T`'s table up to `T` additively: creates it when missing,
    /// adds missing columns and tags, widens VARCHAR/NCHAR/VARBINARY
    /// lengths. Running it again on an up-to-date table does nothing.
    ///
    /// It never drops, renames, retypes or narrows: when the table differs
    /// in a way that would need one of those, nothing is changed and the
    /// error lists each such difference. A column added this way holds NULL
    /// in existing rows (and an added tag in existing child tables), so give
    /// such a field an `Option` type if old rows are read back.
    ///
    /// ```
    /// use taos_orm::{Database, DatabaseOptions, TdTable};
    ///
    /// #[derive(TdTable)]
    /// #[taos(stable = "meters", child = "d_{location}")]
    /// struct Meter {
    ///     #[taos(ts)]
    ///     ts: i64,
    ///     current: f32,
    ///     phase: Option<f32>,
    ///     #[taos(tag, varchar(32))]
    ///     location: String,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = taos_emulator::Emulator::start().await?;
    /// let taos = taos_orm::connect(&emulator.dsn()).await?;
    /// let db = Database::create(&taos, &DatabaseOptions::new("power")).await?;
    /// db.exec("CREATE STABLE power.meters (ts TIMESTAMP, current FLOAT) TAGS (location VARCHAR(16))").await?;
    /// let done = db.migrate::<Meter>().await?;
    /// assert_eq!(
    ///     done.statements,
    ///     [
    ///         "ALTER STABLE `power`.`meters` ADD COLUMN `phase` FLOAT",
    ///         "ALTER STABLE `power`.`meters` MODIFY TAG `location` VARCHAR(32)",
    ///     ]
    /// );
    /// assert!(db.verify::<Meter>().await?.is_empty());
    /// assert!(db.migrate::<Meter>().await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MigrationRefused`] (nothing changed); [`Error::Migration`]
    /// when a statement fails, naming those that ran.
    pub async fn migrate<T: TdTable>(&self) -> Result<Migration> {
        let migration = self.migration_plan::<T>().await?;
        for (i, sql) in migration.statements.iter().enumerate() {
            if let Err(e) = self.exec(sql).await {
                return Err(lifecycle::migration_failed(migration, i, e));
            }
        }
        Ok(migration)
    }

    fn database_of<'s>(&'s self, schema: &TableSchema) -> Result<&'s str> {
        Ok(ddl::resolve_database(Some(&self.name), schema)?.unwrap_or(&self.name))
    }

    /// Counts the rows of `T`'s table (all child tables of a super table).
    pub async fn count<T: TdTable>(&self) -> Result<u64> {
        let sql = count_query::<T>(&self.name)?;
        let guard = self.conn.acquire().await?;
        let n = guard.query_one(&sql).await.map_err(Error::from);
        let n: Option<i64> = settle(&self.conn, guard, n)?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }
}

/// The rows of a query as a [`Stream`], decoded one by one from one raw
/// block at a time ([`Database::stream`], [`crate::query::Query::stream`],
/// [`crate::query::RawQuery::stream`]).
///
/// It owns its statement and borrows only the database handle, so a
/// function can return it. The first error (sending, fetching or decoding)
/// is its last item.
#[must_use = "a stream does nothing unless polled"]
pub struct RowStream<'a, T> {
    rows: futures::stream::BoxStream<'a, Result<T>>,
}

impl<T> Stream for RowStream<'_, T> {
    type Item = Result<T>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<T>>> {
        self.rows.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for RowStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream").finish_non_exhaustive()
    }
}

/// `SELECT COUNT(*)` over `T`'s table.
pub(crate) fn count_query<T: TdTable>(database: &str) -> Result<String> {
    let mut sql = String::from("SELECT COUNT(*) FROM ");
    let database = ddl::resolve_database(Some(database), T::SCHEMA)?;
    crate::sql::write_table_ref(&mut sql, database, T::SCHEMA.name)?;
    Ok(sql)
}

/// The query reading a database's precision from `information_schema`.
pub(crate) fn precision_query(name: &str) -> Result<String> {
    let mut sql =
        String::from("SELECT `precision` FROM information_schema.ins_databases WHERE name = ");
    crate::sql::write_quoted(&mut sql, &name.to_ascii_lowercase())
        .map_err(|e| Error::InvalidArgument(format!("database name {name:?}: {e}")))?;
    Ok(sql)
}

/// The precision of a database just created with `options`, from what
/// `information_schema` reports: it must be the one asked for, if any.
pub(crate) fn created_precision(
    options: &DatabaseOptions,
    reported: Option<&str>,
) -> Result<Precision> {
    let found = parse_precision(options.name(), reported)?;
    match options.precision_asked() {
        Some(asked) if asked != found => Err(Error::PrecisionConflict {
            database: options.name().to_owned(),
            requested: precision_name(asked),
            found: precision_name(found),
        }),
        _ => Ok(found),
    }
}

fn precision_name(precision: Precision) -> &'static str {
    match precision {
        Precision::Millisecond => "ms",
        Precision::Microsecond => "us",
        Precision::Nanosecond => "ns",
    }
}

/// The precision `information_schema` reported, or "database not exist".
pub(crate) fn parse_precision(name: &str, reported: Option<&str>) -> Result<Precision> {
    match reported {
        Some("ms") => Ok(Precision::Millisecond),
        Some("us") => Ok(Precision::Microsecond),
        Some("ns") => Ok(Precision::Nanosecond),
        Some(other) => Err(Error::InvalidArgument(format!(
            "database `{name}` reports an unknown precision {other:?}"
        ))),
        None => Err(Error::from(taos::Error::new(
            (0x8000_0000u32 | codes::DB_NOT_EXIST) as i32,
            format!("Database not exist: {name}"),
        ))),
    }
}

/// The error of an insert whose statement `failed_at` failed: the rows of
/// that statement and of every later one are unwritten.
pub(crate) fn insert_failed(
    table: &'static str,
    batches: &[InsertBatch],
    failed_at: usize,
    written: usize,
    source: Error,
) -> Error {
    let mut unwritten: Vec<usize> = batches[failed_at..]
        .iter()
        .flat_map(|b| b.rows.iter().copied())
        .collect();
    unwritten.sort_unstable();
    let total = written + unwritten.len();
    tracing::warn!(table, written, unwritten = unwritten.len(), error = %source, "insert failed");
    Error::Insert {
        table,
        written,
        total,
        unwritten,
        source: Box::new(source),
    }
}

/// Releases `guard` after an operation on it, discarding the connection
/// when the outcome says it is lost ([`Failure::Connection`]).
pub(crate) fn settle<'c, C: Connection, T>(
    conn: &'c C,
    guard: C::Guard<'c>,
    outcome: Result<T>,
) -> Result<T> {
    settle_with(guard, outcome, |g| conn.discard(g))
}

/// [`settle`] for any source, async or blocking: `discard` gets the guard
/// of a lost connection, any other is dropped.
pub(crate) fn settle_with<G, T>(
    guard: G,
    outcome: Result<T>,
    discard: impl FnOnce(G),
) -> Result<T> {
    match &outcome {
        Err(e) if e.failure() == Failure::Connection => discard(guard),
        _ => drop(guard),
    }
    outcome
}

/// Releases `guard` after an operation on it failed with `error`.
pub(crate) fn release<'c, C: Connection>(conn: &'c C, guard: C::Guard<'c>, error: &Error) {
    if error.failure() == Failure::Connection {
        conn.discard(guard);
    }
}

/// Runs one statement inside a tracing span naming its kind and target.
async fn run_exec<C: Connection>(conn: &C, sql: &str, kind: &str, target: &str) -> Result<usize> {
    let span = tracing::debug_span!("taos_orm.exec", kind, target);
    async {
        let started = Instant::now();
        let guard = conn.acquire().await?;
        let affected = guard.exec(sql).await.map_err(Error::from);
        let affected = settle(conn, guard, affected)?;
        tracing::debug!(
            affected,
            elapsed_us = started.elapsed().as_micros() as u64,
            "done"
        );
        Ok(affected)
    }
    .instrument(span)
    .await
}

/// The next raw block of a result, or `None` at its end.
async fn next_block(rs: &mut taos::ResultSet) -> Result<Option<RawBlock>> {
    Ok(futures::future::poll_fn(|cx| rs.fetch_raw_block(cx)).await?)
}

/// The statement's first keyword, for tracing.
/// Whether a statement of this kind may change or remove a table that a
/// kept prepared statement writes to.
pub(crate) fn changes_tables(kind: &str) -> bool {
    ["ALTER", "DROP", "CREATE"]
        .iter()
        .any(|k| kind.eq_ignore_ascii_case(k))
}

pub(crate) fn statement_kind(sql: &str) -> &str {
    let sql = sql.trim_start();
    let end = sql
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(sql.len());
    &sql[..end]
}
