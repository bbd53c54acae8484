//! Typed queries: `SELECT`s built from compile-time checked column handles,
//! with TDengine's time windows and aggregates.
//!
//! `#[derive(TdTable)]` gives every table `T::query()` and a struct of
//! column handles ([`TdColumns`]); the builder's closures receive it, so a
//! misspelled column or a comparison with a value of the wrong type does not
//! compile. Rules TDengine enforces on windows (FILL needs a time range and
//! an INTERVAL, SLIDING at most the interval, a window needs an aggregate,
//! …) are enforced by the types where possible and otherwise by
//! [`Query::to_sql`] before anything is sent. Values are written with the
//! same literal writer as inserts, identifiers are backticked.
//!
//! # Examples
//!
//! ```
//! use taos_orm::query::{avg, count_all, max, wstart, TimeSpan, Fill};
//! use taos_orm::{Database, DatabaseOptions, TdRow, TdTable};
//!
//! #[derive(Debug, TdTable)]
//! #[taos(stable = "meters", child = "d{device}")]
//! struct Meter {
//!     #[taos(ts)]
//!     ts: i64,
//!     current: Option<f32>,
//!     #[taos(tag)]
//!     device: i32,
//! }
//!
//! #[derive(Debug, TdRow)]
//! struct Window {
//!     #[taos(rename = "_wstart")]
//!     start: i64,
//!     avg: Option<f64>,
//!     rows: i64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = taos_emulator::Emulator::start().await?;
//! let taos = taos_orm::connect(&emulator.dsn()).await?;
//! let db = Database::create(&taos, &DatabaseOptions::new("query_doc")).await?;
//! db.create_table::<Meter>().await?;
//! const T0: i64 = 1_699_999_980_000; // a whole minute, in ms
//! let rows = [(T0, 1.0), (T0 + 1_000, 3.0), (T0 + 125_000, 5.0)];
//! db.insert(rows.map(|(ts, c)| Meter { ts, current: Some(c), device: 1 }).iter()).await?;
//!
//! // Filters: comparisons, ranges, IN, LIKE, IS NULL, and/or/not.
//! let high: Vec<Meter> = Meter::query()
//!     .filter(|m| m.current.gt(2.0) & m.device.in_list([1, 2]))
//!     .order_by(|m| m.ts.desc())
//!     .limit(10)
//!     .fetch_all(&db)
//!     .await?;
//! assert_eq!(high.len(), 2);
//!
//! // One-minute averages over [0, 3 min), empty minutes filled with the previous one.
//! let q = Meter::query()
//!     .select(|m| (wstart(), avg(m.current).alias("avg"), count_all().alias("rows")))
//!     .filter(|m| m.ts.range(T0..T0 + 180_000))
//!     .interval(TimeSpan::minutes(1))
//!     .fill(Fill::Prev);
//! assert_eq!(
//!     q.sql_for(&db)?,
//!     "SELECT _wstart, AVG(`current`) AS `avg`, COUNT(*) AS `rows` FROM `query_doc`.`meters` \
//!      WHERE (`ts` >= 1699999980000 AND `ts` < 1700000160000) INTERVAL(1m) FILL(PREV)"
//! );
//! let windows: Vec<Window> = q.fetch_all(&db).await?;
//! let avgs: Vec<_> = windows.iter().map(|w| (w.start, w.avg)).collect();
//! assert_eq!(avgs, [(T0, Some(2.0)), (T0 + 60_000, Some(2.0)), (T0 + 120_000, Some(5.0))]);
//!
//! // Results into a tuple, by position.
//! let (peak,): (Option<f32>,) = Meter::query().select(|m| max(m.current)).fetch_one(&db).await?;
//! assert_eq!(peak, Some(5.0));
//!
//! // A FILL without a time range is refused before anything is sent.
//! let no_range = Meter::query()
//!     .select(|m| avg(m.current))
//!     .interval(TimeSpan::minutes(1))
//!     .fill(Fill::Null);
//! assert!(no_range.sql_for(&db).is_err());
//! # db.drop_database().await?;
//! # Ok(()) }
//! ```

mod build;
mod column;
mod cond;
mod exec;
mod expr;
mod raw;
#[cfg(test)]
mod tests;
mod value;
mod window;

pub use build::{Grouped, Query};
pub use column::{Column, ColumnRef, Compare, TdColumns, Text, TBNAME};
pub use cond::Cond;
pub use expr::{
    apercentile, avg, bottom, count, count_all, csum, derivative, diff, elapsed, first, interp,
    irate, irowts, isfilled, last, last_row, max, min, percentile, spread, stddev, sum, top, twa,
    wduration, wend, wstart, Expr, Item, Keys, Numeric, Order, Ordered, Ordering, Orderings,
    Select, Spreadable,
};
pub use raw::RawQuery;
pub use value::Bound;
pub use window::{
    Fill, FillValue, InterpWindow, IntervalWindow, NoWindow, OtherWindow, StateEventWindow,
    TimeSpan,
};

/// Column types `STATE_WINDOW` accepts: integers, bool and text.
#[diagnostic::on_unimplemented(
    message = "`STATE_WINDOW` needs an integer, bool or text column, and this one holds `{Self}`",
    label = "not a state column"
)]
pub trait StateKey {}

macro_rules! state_keys {
    ($($t:ty),+) => { $(impl StateKey for $t {} impl StateKey for Option<$t> {})+ };
}

state_keys!(bool, i8, i16, i32, i64, u8, u16, u32, u64, String);
