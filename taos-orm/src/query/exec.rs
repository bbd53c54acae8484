//! Running a query through a [`Database`] and reading typed rows.

use crate::blocking::{self, RowIter};
use crate::connection::Connection;
use crate::database::{Database, RowStream};
use crate::error::Result;
use crate::table::TdRow;

use super::build::Query;
use super::column::TdColumns;

impl<T: TdColumns, W> Query<T, W> {
    /// The statement for `db` (its name qualifies the table, its precision
    /// scales timestamps).
    pub fn sql_for<C: Connection>(&self, db: &Database<C>) -> Result<String> {
        self.to_sql(Some(db.name()), db.precision())
    }

    /// Runs the query and reads every row into `R` (`T` itself, a
    /// `#[derive(TdRow)]` struct or a tuple), by column name.
    pub async fn fetch_all<R: TdRow, C: Connection>(&self, db: &Database<C>) -> Result<Vec<R>> {
        db.fetch_all(&self.sql_for(db)?).await
    }

    /// Runs the query and reads its first row, if any.
    pub async fn fetch_optional<R: TdRow, C: Connection>(
        &self,
        db: &Database<C>,
    ) -> Result<Option<R>> {
        db.fetch_optional(&self.sql_for(db)?).await
    }

    /// Runs the query and reads its first row ([`crate::Error::NoRows`] when empty).
    pub async fn fetch_one<R: TdRow, C: Connection>(&self, db: &Database<C>) -> Result<R> {
        db.fetch_one(&self.sql_for(db)?).await
    }

    /// Runs the query and yields its rows one by one, holding one raw block
    /// at a time, so memory stays bounded however large the result.
    ///
    /// The stream owns the rendered statement and borrows only `db`: a
    /// function can build a query and return its stream. A query that
    /// breaks one of TDengine's rules yields that error as its only item.
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use taos_orm::{Database, DatabaseOptions, RowStream, TdTable};
    ///
    /// #[derive(Debug, TdTable)]
    /// #[taos(stable = "meters", child = "d{device}")]
    /// struct Meter {
    ///     #[taos(ts)]
    ///     ts: i64,
    ///     current: f32,
    ///     #[taos(tag)]
    ///     device: i32,
    /// }
    ///
    /// /// The rows of one device, latest first.
    /// fn device<C: taos_orm::Connection>(db: &Database<C>, device: i32) -> RowStream<'_, Meter> {
    ///     Meter::query()
    ///         .filter(|m| m.device.eq(device))
    ///         .order_by(|m| m.ts.desc())
    ///         .stream(db)
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = taos_emulator::Emulator::start().await?;
    /// let taos = taos_orm::connect(&emulator.dsn()).await?;
    /// let db = Database::create(&taos, &DatabaseOptions::new("stream_doc")).await?;
    /// db.create_table::<Meter>().await?;
    /// let rows: Vec<Meter> = (0..3).map(|i| Meter { ts: 1_700_000_000_000 + i, current: i as f32, device: 7 }).collect();
    /// db.insert(&rows).await?;
    /// let mut stream = device(&db, 7);
    /// let mut seen = Vec::new();
    /// while let Some(m) = stream.try_next().await? {
    ///     seen.push(m.current);
    /// }
    /// assert_eq!(seen, [2.0, 1.0, 0.0]);
    /// # Ok(()) }
    /// ```
    pub fn stream<'d, R: TdRow + 'd, C: Connection>(
        &self,
        db: &'d Database<C>,
    ) -> RowStream<'d, R> {
        db.stream_sql(self.sql_for(db))
    }

    /// The statement for the blocking handle `db`.
    fn sql_for_blocking<C: blocking::SyncConnection>(
        &self,
        db: &blocking::Database<C>,
    ) -> Result<String> {
        self.to_sql(Some(db.name()), db.precision())
    }

    /// [`Query::fetch_all`] through the synchronous API.
    pub fn fetch_all_blocking<R: TdRow, C: blocking::SyncConnection>(
        &self,
        db: &blocking::Database<C>,
    ) -> Result<Vec<R>> {
        db.fetch_all(&self.sql_for_blocking(db)?)
    }

    /// [`Query::fetch_optional`] through the synchronous API.
    pub fn fetch_optional_blocking<R: TdRow, C: blocking::SyncConnection>(
        &self,
        db: &blocking::Database<C>,
    ) -> Result<Option<R>> {
        db.fetch_optional(&self.sql_for_blocking(db)?)
    }

    /// [`Query::fetch_one`] through the synchronous API.
    pub fn fetch_one_blocking<R: TdRow, C: blocking::SyncConnection>(
        &self,
        db: &blocking::Database<C>,
    ) -> Result<R> {
        db.fetch_one(&self.sql_for_blocking(db)?)
    }

    /// [`Query::stream`] through the synchronous API: an iterator over the
    /// rows, holding one raw block at a time.
    pub fn iter_blocking<'d, R: TdRow, C: blocking::SyncConnection>(
        &self,
        db: &'d blocking::Database<C>,
    ) -> Result<RowIter<'d, C, R>> {
        db.iter(&self.sql_for_blocking(db)?)
    }
}
