//! Multi-table `INSERT` text, split into statements under the SQL length limit.
//!
//! Rows are grouped by their target table (lowercased
//! [`TdTable::write_table_name`]) and rendered as one statement per batch:
//!
//! ```text
//! INSERT INTO `db`.`d1` USING `db`.`meters` (`location`,`groupid`) TAGS ('SF',2)
//!     (`ts`,`current`,`voltage`,`phase`) VALUES (1700000000000,10.3,219,0.31)(…)
//!     `db`.`d2` USING … VALUES (…)
//! ```
//!
//! Each table clause names its tags and columns explicitly. TDengine accepts
//! both lists with `USING` (`tb USING stb (tags) TAGS (…) (cols) VALUES …`),
//! and naming them costs a few dozen bytes per table per statement, never per
//! row. In exchange the statement keeps working when the live table has
//! columns or tags the struct lacks (added later by `ALTER STABLE`, in another
//! order): without the lists the server matches values by position and
//! rejects or misplaces them. Same-timestamp rows overwrite exactly the
//! struct's columns, which is the documented per-column update semantics.
//!
//! Rows of one table keep their input order inside a statement and across
//! statements (the server merges same-timestamp rows in order, last wins).
//! A table's tags are rendered once, from its first row: `USING … TAGS` only
//! matters when the child is created, the server keeps an existing child's tags.

pub(crate) mod progress;
mod writer;

use std::borrow::Borrow;
use std::marker::PhantomData;

use taos::taos_query::common::Precision;

use crate::error::{Error, Result};
use crate::table::TdTable;

pub use writer::InsertWriter;

/// The longest SQL statement TDengine accepts, in bytes.
pub const MAX_SQL_LEN: usize = 1_048_576;

/// One `INSERT` statement and the input rows it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertBatch {
    /// The statement text, at most the configured maximum length.
    pub sql: String,
    /// Indices of the input rows in this statement, grouped by table in
    /// statement order. When the statement fails these are the rows whose
    /// fate is unknown: a parse error writes none of them, but a statement
    /// spanning several vgroups can be written in part.
    pub rows: Vec<usize>,
}

/// Renders rows of `T` into batched multi-table `INSERT` statements.
///
/// ```
/// use taos_orm::{InsertSql, Precision, TdTable};
///
/// #[derive(TdTable)]
/// #[taos(stable = "meters")]
/// struct Meter {
///     #[taos(ts)]
///     ts: i64,
///     current: f32,
///     #[taos(tag, varchar(16))]
///     location: String,
///     #[taos(tag)]
///     group_id: i32,
///     #[taos(tbname)]
///     table: String,
/// }
///
/// let rows = vec![
///     Meter { ts: 1_000, current: 10.5, location: "SF".into(), group_id: 2, table: "d1".into() },
///     Meter { ts: 1_000, current: 9.75, location: "LA".into(), group_id: 3, table: "d2".into() },
///     Meter { ts: 2_000, current: 11.0, location: "SF".into(), group_id: 2, table: "D1".into() },
/// ];
/// let batches = InsertSql::<Meter>::new(Precision::Millisecond)
///     .database(Some("power"))
///     .build(&rows)
///     .unwrap();
/// assert_eq!(batches.len(), 1);
/// assert_eq!(
///     batches[0].sql,
///     "INSERT INTO `power`.`d1` USING `power`.`meters` (`location`,`group_id`) TAGS ('SF',2) \
///      (`ts`,`current`) VALUES (1000,10.5)(2000,11.0) \
///      `power`.`d2` USING `power`.`meters` (`location`,`group_id`) TAGS ('LA',3) \
///      (`ts`,`current`) VALUES (1000,9.75)"
/// );
/// assert_eq!(batches[0].rows, [0, 2, 1]);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct InsertSql<T> {
    precision: Precision,
    max_sql_len: usize,
    database: Option<String>,
    _rows: PhantomData<fn(&T)>,
}

impl<T: TdTable> InsertSql<T> {
    /// A builder writing timestamps in the database `precision`, with
    /// statements of at most [`MAX_SQL_LEN`] bytes, into the struct's
    /// `SCHEMA.database` (or the connection's default database).
    pub fn new(precision: Precision) -> Self {
        InsertSql {
            precision,
            max_sql_len: MAX_SQL_LEN,
            database: None,
            _rows: PhantomData,
        }
    }

    /// Caps every statement at `max` bytes.
    pub fn max_sql_len(mut self, max: usize) -> Self {
        self.max_sql_len = max;
        self
    }

    /// Qualifies table names with `database`, overriding `SCHEMA.database`;
    /// `None` goes back to `SCHEMA.database`.
    pub fn database(mut self, database: Option<&str>) -> Self {
        self.database = database.map(str::to_owned);
        self
    }

    /// The configured database precision.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The configured statement length cap.
    pub fn max_len(&self) -> usize {
        self.max_sql_len
    }

    /// A streaming writer: push rows one at a time, get full statements back.
    ///
    /// Fails if the struct's schema or the database name is invalid.
    pub fn writer(&self) -> Result<InsertWriter<T>> {
        InsertWriter::new(self.precision, self.max_sql_len, self.database.as_deref())
    }

    /// Renders all `rows` (a slice, a `Vec`, any iterator of `T` or `&T`).
    ///
    /// Unlike a [`InsertWriter`], which groups rows by table within each
    /// statement, this sees the whole input: all rows of a table are
    /// rendered together (in input order), so each table clause appears once
    /// unless a statement boundary splits it.
    ///
    /// Fails on an invalid row ([`crate::Error::InvalidValue`],
    /// [`crate::Error::RowTooLarge`], or [`crate::Error::InvalidArgument`] for a
    /// bad table name), naming its index; nothing is returned then.
    pub fn build<I>(&self, rows: I) -> Result<Vec<InsertBatch>>
    where
        I: IntoIterator,
        I::Item: Borrow<T>,
    {
        let rows: Vec<I::Item> = rows.into_iter().collect();
        let mut writer = self.writer()?;
        // u32 halves these per-row arrays; four billion rows would not fit
        // in memory as SQL anyway.
        let too_many = || Error::InvalidArgument(format!("{} rows in one build", rows.len()));
        u32::try_from(rows.len()).map_err(|_| too_many())?;
        let mut table_of = Vec::with_capacity(rows.len());
        for (index, row) in rows.iter().enumerate() {
            table_of.push(writer.table_for(row.borrow(), index)? as u32);
        }
        // Rows are rendered straight into the statement text, each byte
        // written once; only a row crossing a statement boundary is moved.
        let order = group_by_table(&table_of);
        let max = writer.max_sql_len();
        let mut batches = Vec::new();
        let mut batch = new_batch(max, order.len(), 0);
        let mut open_table = usize::MAX;
        let mut spill = String::new();
        for (done, &index) in order.iter().enumerate() {
            let index = index as usize;
            let table = table_of[index] as usize;
            let header = writer.header(table);
            let mark = batch.sql.len();
            let opens = open_table != table;
            if opens {
                batch.sql.push_str(header);
            }
            let row_start = batch.sql.len();
            writer.render_row_into(&mut batch.sql, rows[index].borrow(), index)?;
            if batch.sql.len() > max {
                let row_len = batch.sql.len() - row_start;
                let alone = writer::PREFIX.len() + header.len() + row_len;
                if alone > max || batch.rows.is_empty() {
                    return Err(writer.too_large(index, alone));
                }
                spill.clear();
                spill.push_str(&batch.sql[row_start..]);
                batch.sql.truncate(mark);
                let full =
                    std::mem::replace(&mut batch, new_batch(max, order.len() - done, row_len));
                batches.push(full);
                batch.sql.push_str(header);
                batch.sql.push_str(&spill);
            }
            open_table = table;
            batch.rows.push(index);
        }
        if !batch.rows.is_empty() {
            batches.push(batch);
        }
        Ok(batches)
    }
}

/// An empty statement sized for the rows left, guessing from the last row
/// (untouched capacity costs no page faults).
fn new_batch(max: usize, rows_left: usize, row_len: usize) -> InsertBatch {
    let per_row = if row_len == 0 { 64 } else { row_len + 8 };
    let rows = rows_left.min(max / per_row + 1);
    let bytes = (writer::PREFIX.len() + rows * per_row + 256).min(max);
    let mut sql = String::with_capacity(bytes);
    sql.push_str(writer::PREFIX);
    InsertBatch {
        sql,
        rows: Vec::with_capacity(rows),
    }
}

/// Row indices ordered by table (tables in first-seen order, which is their
/// id order), input order kept within a table: a stable counting sort.
fn group_by_table(table_of: &[u32]) -> Vec<u32> {
    let tables = table_of.iter().max().map_or(0, |&m| m as usize + 1);
    let mut start = vec![0u32; tables + 1];
    for &t in table_of {
        start[t as usize + 1] += 1;
    }
    for t in 0..tables {
        start[t + 1] += start[t];
    }
    let mut order = vec![0u32; table_of.len()];
    for (index, &t) in table_of.iter().enumerate() {
        let slot = &mut start[t as usize];
        // Fits: the caller checked the row count against u32.
        order[*slot as usize] = index as u32;
        *slot += 1;
    }
    order
}

#[cfg(test)]
mod tests;
