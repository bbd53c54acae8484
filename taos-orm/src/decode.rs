//! Typed decoding of query results straight from raw blocks.
//!
//! The column mapping is worked out once per result set (by name, so column
//! order and extra columns don't matter); each row then reads its cells with
//! one indexed lookup per field, with no intermediate `Value`s and no serde.

use taos::taos_query::common::{Field, RawBlock};

use crate::error::{DecodeReason, Error, Result};
use crate::schema::TableSchema;
use crate::table::{ColumnSource, ReadFieldError, ReadFieldErrorKind, RowSource, TdTable};
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
pub fn decode_block<T: TdTable>(block: &RawBlock) -> Result<Vec<T>> {
    let names = block.field_names();
    let map = ColumnMap::from_names::<T>(names.iter().map(String::as_str));
    let mut out = Vec::with_capacity(block.nrows());
    map.decode_block(block, &mut out)?;
    Ok(out)
}

/// Where each of a struct's read fields sits in a result, by column index.
#[derive(Debug, Clone)]
pub(crate) struct ColumnMap {
    schema: &'static TableSchema,
    /// `columns[i]` is the result column of `schema.read_fields[i]`.
    columns: Vec<Option<usize>>,
    names: Vec<String>,
}

impl ColumnMap {
    /// Maps `T`'s fields onto a result's columns. TDengine names are
    /// case-insensitive unless backticked, and result names come back as the
    /// server stores them, so matching ignores ASCII case.
    pub(crate) fn new<T: TdTable>(fields: &[Field]) -> Self {
        Self::from_names::<T>(fields.iter().map(Field::name))
    }

    fn from_names<'a, T: TdTable>(names: impl Iterator<Item = &'a str>) -> Self {
        let schema = T::SCHEMA;
        let names: Vec<String> = names.map(str::to_owned).collect();
        let columns = schema
            .read_fields
            .iter()
            .map(|f| names.iter().position(|c| c.eq_ignore_ascii_case(f.column)))
            .collect();
        ColumnMap {
            schema,
            columns,
            names,
        }
    }

    /// Decodes every row of `block`, appending to `out`.
    pub(crate) fn decode_block<T: TdTable>(
        &self,
        block: &RawBlock,
        out: &mut Vec<T>,
    ) -> Result<()> {
        T::read_rows(&BlockColumns { map: self, block }, out).map_err(|e| self.error(e))
    }

    /// Decodes one row of `block`.
    pub(crate) fn decode_row<T: TdTable>(&self, block: &RawBlock, row: usize) -> Result<T> {
        T::read_row(&BlockRow {
            map: self,
            block,
            row,
        })
        .map_err(|e| self.error(e))
    }

    fn error(&self, e: ReadFieldError) -> Error {
        let field = &self.schema.read_fields[e.index];
        let column = match self.columns.get(e.index).copied().flatten() {
            Some(i) => self.names[i].clone(),
            None => field.column.to_owned(),
        };
        Error::Decode {
            struct_name: self.schema.struct_name,
            field: field.field,
            rust_type: field.rust_type,
            column,
            reason: match e.kind {
                ReadFieldErrorKind::MissingColumn => DecodeReason::MissingColumn,
                ReadFieldErrorKind::Value(v) => DecodeReason::Value(v),
            },
        }
    }
}

/// A whole block, as `TdTable::read_rows` sees it.
struct BlockColumns<'a> {
    map: &'a ColumnMap,
    block: &'a RawBlock,
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
        T::extend_from_column(view, &mut out)
            .map_err(|(_, e)| err(ReadFieldErrorKind::Value(e)))?;
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
        }
    }
}

/// One row of a block, as `TdTable::read_row` sees it.
struct BlockRow<'a> {
    map: &'a ColumnMap,
    block: &'a RawBlock,
    row: usize,
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
        T::from_value(value).map_err(|e| err(ReadFieldErrorKind::Value(e)))
    }
}
