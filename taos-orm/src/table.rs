//! The trait `#[derive(TdTable)]` implements.

use crate::schema::{ReadField, TableSchema};
use crate::value::{FromValueError, TdType, Value};

/// Receives the values of one row, in schema order.
///
/// Implemented by the runtime's SQL writer and statement binder; the derive
/// calls it once per column or tag.
pub trait ValueSink {
    /// The value of column (or tag) number `index` of the schema list being written.
    fn put(&mut self, index: usize, value: Value<'_>);
}

/// Hands out the fields of one result row to `TdTable::read_row`.
pub trait RowSource {
    /// Reads field number `index` of [`TableSchema::read_fields`].
    fn get<T: TdType>(&self, index: usize) -> Result<T, ReadFieldError>;
}

/// Hands out whole result columns to `TdTable::read_rows`.
pub trait ColumnSource {
    /// Rows in the block.
    fn rows(&self) -> usize;

    /// Reads field number `index` of [`TableSchema::read_fields`] for every row.
    fn column<T: TdType>(&self, index: usize) -> Result<Vec<T>, ReadFieldError>;

    /// One row of the block.
    type Row<'a>: RowSource
    where
        Self: 'a;

    /// Row number `row` (below [`ColumnSource::rows`]).
    fn row(&self, row: usize) -> Self::Row<'_>;
}

/// A field that could not be read, with the field's position in
/// [`TableSchema::read_fields`]; the runtime turns it into an error naming the
/// struct, field, column and types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFieldError {
    /// Index into [`TableSchema::read_fields`].
    pub index: usize,
    /// What went wrong.
    pub kind: ReadFieldErrorKind,
}

/// Why a field could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFieldErrorKind {
    /// The result has no column of that name.
    MissingColumn,
    /// The value could not be converted.
    Value(FromValueError),
}

/// A type built from one query-result row, its fields matched to result
/// columns by name (or, for tuples, by position).
///
/// Every [`TdTable`] is one; `#[derive(TdRow)]` makes any struct with named
/// fields one (for the rows of aggregate and window queries), and tuples of
/// up to 12 [`TdType`]s are read column by column in order.
///
/// ```
/// use taos_orm::TdRow;
///
/// #[derive(TdRow)]
/// struct Window {
///     #[taos(rename = "_wstart")]
///     start: i64,
///     avg: Option<f64>,
/// }
///
/// assert_eq!(Window::READ_FIELDS[0].column, "_wstart");
/// assert!(!<(i64, f64) as TdRow>::READ_FIELDS.is_empty());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a query result row: it does not implement `TdRow`",
    label = "not a result row type",
    note = "derive `TdTable` or `TdRow` for it, or read into a tuple of `TdType`s"
)]
pub trait TdRow: Sized {
    /// The type name, for error messages.
    const STRUCT_NAME: &'static str;
    /// The fields filled from a row, in the order `from_row` asks for them.
    const READ_FIELDS: &'static [ReadField];
    /// Whether field `i` is result column `i` (tuples) instead of the column
    /// named `READ_FIELDS[i].column`.
    const BY_POSITION: bool = false;

    /// Builds a value from one result row.
    fn from_row<R: RowSource>(row: &R) -> Result<Self, ReadFieldError>;

    /// Builds a value from every row of a block; the default goes row by row.
    fn from_rows<S: ColumnSource>(block: &S, out: &mut Vec<Self>) -> Result<(), ReadFieldError> {
        out.reserve(block.rows());
        for row in 0..block.rows() {
            out.push(Self::from_row(&block.row(row))?);
        }
        Ok(())
    }
}

impl<T: TdTable> TdRow for T {
    const STRUCT_NAME: &'static str = T::SCHEMA.struct_name;
    const READ_FIELDS: &'static [ReadField] = T::SCHEMA.read_fields;

    fn from_row<R: RowSource>(row: &R) -> Result<Self, ReadFieldError> {
        T::read_row(row)
    }

    fn from_rows<S: ColumnSource>(block: &S, out: &mut Vec<Self>) -> Result<(), ReadFieldError> {
        T::read_rows(block, out)
    }
}

/// Reads tuples column by column, in order.
macro_rules! tuple_rows {
    ($($name:ident $index:tt),+) => {
        impl<$($name: TdType),+> TdRow for ($($name,)+) {
            const STRUCT_NAME: &'static str = "tuple";
            const READ_FIELDS: &'static [ReadField] = &[$(ReadField {
                column: stringify!($index),
                field: stringify!($index),
                rust_type: "tuple element",
            }),+];
            const BY_POSITION: bool = true;

            fn from_row<R: RowSource>(row: &R) -> Result<Self, ReadFieldError> {
                Ok(($(row.get::<$name>($index)?,)+))
            }
        }
    };
}

tuple_rows!(A 0);
tuple_rows!(A 0, B 1);
tuple_rows!(A 0, B 1, C 2);
tuple_rows!(A 0, B 1, C 2, D 3);
tuple_rows!(A 0, B 1, C 2, D 3, E 4);
tuple_rows!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_rows!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_rows!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_rows!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_rows!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_rows!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_rows!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// A struct mapped to a TDengine super table or normal table.
///
/// Derive it with `#[derive(TdTable)]`; implementing it by hand is not
/// supported (its items may change between minor versions).
pub trait TdTable: Sized {
    /// The table's static description.
    const SCHEMA: &'static TableSchema;

    /// Writes the data columns, in `SCHEMA.columns` order.
    fn write_columns<S: ValueSink>(&self, sink: &mut S);

    /// Writes the tags, in `SCHEMA.tags` order (nothing for a normal table).
    fn write_tags<S: ValueSink>(&self, sink: &mut S);

    /// Appends the name of the table this row goes to (the child table of a
    /// super table, or the table itself), unescaped.
    fn write_table_name(&self, out: &mut String);

    /// Builds a value from one result row.
    fn read_row<R: RowSource>(row: &R) -> Result<Self, ReadFieldError>;

    /// Builds a value from every row of a block. The derive reads it column
    /// by column; this default goes row by row through [`TdTable::read_row`].
    fn read_rows<S: ColumnSource>(block: &S, out: &mut Vec<Self>) -> Result<(), ReadFieldError> {
        out.reserve(block.rows());
        for row in 0..block.rows() {
            out.push(Self::read_row(&block.row(row))?);
        }
        Ok(())
    }
    /// Starts a typed `SELECT` on this table; see [`crate::query`].
    ///
    /// A trait method rather than an inherent one, so a struct may have its
    /// own `query`: then write `<Meter as TdTable>::query()` or
    /// `Query::<Meter>::new()`.
    ///
    /// ```
    /// use taos_orm::TdTable;
    ///
    /// #[derive(TdTable)]
    /// #[taos(table = "events")]
    /// struct Event {
    ///     #[taos(ts)]
    ///     ts: i64,
    ///     code: i32,
    /// }
    ///
    /// let sql = Event::query()
    ///     .filter(|e| e.code.eq(7))
    ///     .to_sql(Some("log"), taos_orm::Precision::Millisecond)?;
    /// assert_eq!(sql, "SELECT `ts`, `code` FROM `log`.`events` WHERE `code` = 7");
    /// # Ok::<_, taos_orm::Error>(())
    /// ```
    fn query() -> crate::query::Query<Self>
    where
        Self: crate::query::TdColumns,
    {
        crate::query::Query::new()
    }
}
