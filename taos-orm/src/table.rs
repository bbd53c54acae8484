//! The trait `#[derive(TdTable)]` implements.

use crate::schema::TableSchema;
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
}
