//! Typed decoding of query results straight from raw blocks.
//!
//! The column mapping is worked out once per result set (by name, so column
//! order and extra columns don't matter); each row then reads its cells with
//! one indexed lookup per field, with no intermediate `Value`s and no serde.

use std::cell::Cell;

use taos::taos_query::common::{Field, RawBlock};

use crate::error::{DecodeReason, Error, Result};
use crate::schema::ReadField;
use crate::table::{ColumnSource, ReadFieldError, ReadFieldErrorKind, RowSource, TdRow};
use crate::value::{FromValueError, TdType};

/// Reads every row of a raw block into `T`, mapping columns by the block's
/// field names.
///
/// Useful for blocks obtained outside this crate, e.g. from `taos`'s
/// `ResultSet::blocks()`. The block must carry field names (blocks from query
/// results do).
///
/// # Errors
///
/// [`Error::Decode`] naming the struct, field, column and types when a column
/// is missing, a NULL meets a non-`Option` field, or a type does not convert.
pub fn decode_block<T: TdRow>(block: &RawBlock) -> Result<Vec<T>> {
    let names = block.field_names();
    let map = ColumnMap::from_names::<T>(names.iter().map(String::as_str));
    let mut out = Vec::with_capacity(block.nrows());
    map.decode_block(block, &mut out)?;
    Ok(out)
}

/// Where each of a struct's read fields sits in a result, by column index.
#[derive(Debug, Clone)]
pub(crate) struct ColumnMap {
    struct_name: &'static str,
    read_fields: &'static [ReadField],
    /// `columns[i]` is the result column of `read_fields[i]`.
    columns: Vec<Option<usize>>,
    names: Vec<String>,
}

impl ColumnMap {
    /// Maps `T`'s fields onto a result's columns. TDengine names are
    /// case-insensitive unless backticked, and result names come back as the
    /// server stores them, so matching ignores ASCII case.
    pub(crate) fn new<T: TdRow>(fields: &[Field]) -> Self {
        Self::from_names::<T>(fields.iter().map(Field::name))
    }

    pub(crate) fn from_names<'a, T: TdRow>(names: impl Iterator<Item = &'a str>) -> Self {
        let names: Vec<String> = names.map(str::to_owned).collect();
        let columns = T::READ_FIELDS
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if T::BY_POSITION {
                    (i < names.len()).then_some(i)
                } else {
                    names.iter().position(|c| c.eq_ignore_ascii_case(f.column))
                }
            })
            .collect();
        ColumnMap {
            struct_name: T::STRUCT_NAME,
            read_fields: T::READ_FIELDS,
            columns,
            names,
        }
    }

    /// The result's column names the map was made for.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// Decodes every row of `block`, appending to `out`.
    /// Rows already in `out` count as earlier rows of the result, so an
    /// error names the failing row's index in the whole result.
    pub(crate) fn decode_block<T: TdRow>(&self, block: &RawBlock, out: &mut Vec<T>) -> Result<()> {
        let before = out.len();
        let failed = Cell::new(None);
        let columns = BlockColumns {
            map: self,
            block,
            failed: &failed,
        };
        T::from_rows(&columns, out).map_err(|e| self.error(e, failed.get().map(|r| before + r)))
    }

    /// Decodes row `row` of `block`, row `index` of the whole result.
    pub(crate) fn decode_row<T: TdRow>(
        &self,
        block: &RawBlock,
        row: usize,
        index: usize,
    ) -> Result<T> {
        let failed = Cell::new(None);
        T::from_row(&BlockRow {
            map: self,
            block,
            row,
            failed: &failed,
        })
        .map_err(|e| self.error(e, failed.get().map(|_| index)))
    }

    /// The error for `e`, in result row `row` when a value failed.
    fn error(&self, e: ReadFieldError, row: Option<usize>) -> Error {
        let field = &self.read_fields[e.index];
        let column = match self.columns.get(e.index).copied().flatten() {
            Some(i) => self.names[i].clone(),
            None => field.column.to_owned(),
        };
        Error::Decode {
            row,
            struct_name: self.struct_name,
            field: field.field,
            rust_type: field.rust_type,
            column,
            reason: match e.kind {
                ReadFieldErrorKind::MissingColumn
                    if field.column.eq_ignore_ascii_case("tbname") =>
                {
                    DecodeReason::MissingTbname
                }
                ReadFieldErrorKind::MissingColumn => DecodeReason::MissingColumn,
                ReadFieldErrorKind::Value(v) => DecodeReason::Value(v),
            },
        }
    }
}

/// A result read row by row, one raw block at a time: the state shared by
/// the async stream and the blocking iterator, which differ only in how
/// they fetch the next block.
#[derive(Debug)]
pub(crate) struct RowCursor {
    map: ColumnMap,
    block: Option<RawBlock>,
    /// The next row of `block` to decode.
    row: usize,
    /// Rows yielded so far: the next row's index in the whole result.
    index: usize,
}

impl RowCursor {
    pub(crate) fn new<T: TdRow>(fields: &[Field]) -> Self {
        RowCursor {
            map: ColumnMap::new::<T>(fields),
            block: None,
            row: 0,
            index: 0,
        }
    }

    /// Decodes the next row of the current block; `None` once the block is
    /// used up (or before the first one), when the caller fetches another.
    /// A used-up block is released here, before the next one is fetched, so
    /// at most one block is held.
    pub(crate) fn next_in_block<T: TdRow>(&mut self) -> Option<Result<T>> {
        let block = self.block.as_ref()?;
        if self.row >= block.nrows() {
            self.block = None;
            return None;
        }
        let value = self.map.decode_row::<T>(block, self.row, self.index);
        self.row += 1;
        self.index += 1;
        Some(value)
    }

    /// Hands over the next block of the result.
    pub(crate) fn set_block(&mut self, block: RawBlock) {
        self.block = Some(block);
        self.row = 0;
    }
}

/// A whole block, as `TdRow::from_rows` sees it.
struct BlockColumns<'a> {
    map: &'a ColumnMap,
    block: &'a RawBlock,
    /// The block row a value failed in, when one did.
    failed: &'a Cell<Option<usize>>,
}

impl ColumnSource for BlockColumns<'_> {
    fn rows(&self) -> usize {
        self.block.nrows()
    }

    fn column<T: TdType>(&self, index: usize) -> std::result::Result<Vec<T>, ReadFieldError> {
        let err = |kind| ReadFieldError { index, kind };
        let col = self
            .map
            .columns
            .get(index)
            .copied()
            .flatten()
            .ok_or_else(|| err(ReadFieldErrorKind::MissingColumn))?;
        let view = &self.block.column_views()[col];
        let mut out = Vec::with_capacity(view.len());
        T::extend_from_column(view, &mut out).map_err(|(row, e)| {
            self.failed.set(Some(row));
            err(ReadFieldErrorKind::Value(e))
        })?;
        Ok(out)
    }

    type Row<'r>
        = BlockRow<'r>
    where
        Self: 'r;

    fn row(&self, row: usize) -> BlockRow<'_> {
        BlockRow {
            map: self.map,
            block: self.block,
            row,
            failed: self.failed,
        }
    }
}

/// One row of a block, as `TdRow::from_row` sees it.
struct BlockRow<'a> {
    map: &'a ColumnMap,
    block: &'a RawBlock,
    row: usize,
    failed: &'a Cell<Option<usize>>,
}

impl RowSource for BlockRow<'_> {
    #[inline]
    fn get<T: TdType>(&self, index: usize) -> std::result::Result<T, ReadFieldError> {
        let err = |kind| ReadFieldError { index, kind };
        let col = self
            .map
            .columns
            .get(index)
            .copied()
            .flatten()
            .ok_or_else(|| err(ReadFieldErrorKind::MissingColumn))?;
        let value = self.block.get_ref(self.row, col).ok_or_else(|| {
            err(ReadFieldErrorKind::Value(FromValueError::Invalid(format!(
                "row {} column {col} is outside the block",
                self.row
            ))))
        })?;
        T::from_value(value).map_err(|e| {
            self.failed.set(Some(self.row));
            err(ReadFieldErrorKind::Value(e))
        })
    }
}
