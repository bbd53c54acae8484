//! Running a query through a [`Database`] and reading typed rows.

use crate::blocking;
use crate::connection::Connection;
use crate::database::Database;
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

    /// [`Query::fetch_all`] through the synchronous API.
    pub fn fetch_all_blocking<R: TdRow, C: blocking::SyncConnection>(
        &self,
        db: &blocking::Database<C>,
    ) -> Result<Vec<R>> {
        db.fetch_all(&self.to_sql(Some(db.name()), db.precision())?)
    }
}
