//! The synchronous API: the same operations as [`crate::Database`] for code
//! that does not run on an async runtime.
//!
//! Call it from plain threads: the `taos` client's sync API blocks on its own
//! runtime and must not be called from inside an async task.

use std::ops::Deref;
use std::sync::Arc;

use taos::taos_query::common::{Precision, RawBlock};
use taos::sync::{Fetchable, Queryable};
use taos::Taos;

use crate::decode::ColumnMap;
use crate::error::{Error, Result};
use crate::table::TdTable;

/// A source of sync connections: a [`Taos`], a reference or `Arc` to one, or
/// an r2d2 pool (with the `r2d2` feature).
pub trait SyncConnection: Send + Sync {
    /// The acquired connection.
    type Guard<'a>: Deref<Target = Taos>
    where
        Self: 'a;

    /// Acquires a connection (a pool may wait for a free one).
    fn acquire(&self) -> Result<Self::Guard<'_>>;
}

impl SyncConnection for Taos {
    type Guard<'a> = &'a Taos;

    fn acquire(&self) -> Result<&Taos> {
        Ok(self)
    }
}

impl SyncConnection for Arc<Taos> {
    type Guard<'a> = &'a Taos;

    fn acquire(&self) -> Result<&Taos> {
        Ok(self)
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
/// use taos_orm::blocking::Database;
/// use taos_orm::Precision;
///
/// let taos = taos::sync::TaosBuilder::from_dsn("ws://localhost:6041")?.build()?;
/// let db = Database::new(&taos, "power", Precision::Millisecond);
/// assert_eq!(db.name(), "power");
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Database<C> {
    conn: C,
    name: String,
    precision: Precision,
}

impl<C: SyncConnection> Database<C> {
    /// A handle on database `name`, whose precision the caller knows. No I/O.
    pub fn new(conn: C, name: impl Into<String>, precision: Precision) -> Self {
        Database {
            conn,
            name: name.into(),
            precision,
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

    /// Runs a statement without a result set and returns the affected rows.
    pub fn exec(&self, sql: &str) -> Result<usize> {
        Ok(self.conn.acquire()?.exec(sql)?)
    }

    /// Runs a query and reads every row into `T`, mapping columns by name.
    pub fn fetch_all<T: TdTable>(&self, sql: &str) -> Result<Vec<T>> {
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
    pub fn fetch_optional<T: TdTable>(&self, sql: &str) -> Result<Option<T>> {
        let guard = self.conn.acquire()?;
        let mut rs = guard.query(sql)?;
        let map = ColumnMap::new::<T>(rs.fields());
        while let Some(block) = rs.fetch_raw_block()? {
            if block.nrows() > 0 {
                return map.decode_row(&block, 0).map(Some);
            }
        }
        Ok(None)
    }

    /// Runs a query and reads its first row; [`Error::NoRows`] when empty.
    pub fn fetch_one<T: TdTable>(&self, sql: &str) -> Result<T> {
        self.fetch_optional(sql)?.ok_or(Error::NoRows)
    }

    /// Runs a query and iterates its rows, holding one raw block at a time.
    pub fn iter<T: TdTable>(&self, sql: &str) -> Result<RowIter<'_, C, T>> {
        let guard = self.conn.acquire()?;
        let rs = guard.query(sql)?;
        let map = ColumnMap::new::<T>(rs.fields());
        Ok(RowIter {
            _guard: guard,
            rs,
            map,
            block: None,
            row: 0,
            done: false,
            _marker: std::marker::PhantomData,
        })
    }
}

/// Rows of a query, decoded one by one ([`Database::iter`]).
pub struct RowIter<'a, C: SyncConnection + 'a, T> {
    _guard: C::Guard<'a>,
    rs: taos::ResultSet,
    map: ColumnMap,
    block: Option<RawBlock>,
    row: usize,
    done: bool,
    _marker: std::marker::PhantomData<fn() -> T>,
}

impl<C: SyncConnection, T: TdTable> Iterator for RowIter<'_, C, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.done {
            return None;
        }
        loop {
            if let Some(block) = &self.block {
                if self.row < block.nrows() {
                    let value = self.map.decode_row::<T>(block, self.row);
                    self.row += 1;
                    return Some(value);
                }
            }
            match self.rs.fetch_raw_block() {
                Ok(Some(block)) => {
                    self.block = Some(block);
                    self.row = 0;
                }
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e.into()));
                }
            }
        }
    }
}
