//! Whole-column reading for the built-in types: walk the column view of the
//! type's own TDengine types directly instead of going through a
//! `BorrowedValue` per cell. Other column types fall back to the row-by-row
//! path, which also produces the type-mismatch errors.

use crate::value::FromValueError;

/// Appends every value of a column that must have no NULL.
#[inline]
pub(super) fn non_null<V, T>(
    values: impl ExactSizeIterator<Item = Option<V>>,
    out: &mut Vec<T>,
    convert: impl Fn(V) -> Result<T, FromValueError>,
) -> Result<(), (usize, FromValueError)> {
    out.reserve(values.len());
    for (row, value) in values.enumerate() {
        match value {
            Some(value) => out.push(convert(value).map_err(|e| (row, e))?),
            None => return Err((row, FromValueError::UnexpectedNull)),
        }
    }
    Ok(())
}

/// Appends every value of a nullable column, NULL as `None`.
#[inline]
pub(super) fn nullable<V, T>(
    values: impl ExactSizeIterator<Item = Option<V>>,
    out: &mut Vec<Option<T>>,
    convert: impl Fn(V) -> Result<T, FromValueError>,
) -> Result<(), (usize, FromValueError)> {
    out.reserve(values.len());
    for (row, value) in values.enumerate() {
        out.push(match value {
            Some(value) => Some(convert(value).map_err(|e| (row, e))?),
            None => None,
        });
    }
    Ok(())
}

/// The two column methods of a `TdType` impl, reading the listed view
/// variants directly with a conversion each.
macro_rules! column_paths {
    ($($variant:ident => $convert:expr),+ $(,)?) => {
        fn extend_from_column(
            column: &::taos::taos_query::common::ColumnView,
            out: &mut Vec<Self>,
        ) -> Result<(), (usize, FromValueError)> {
            use ::taos::taos_query::common::ColumnView;
            match column {
                $(ColumnView::$variant(view) => column::non_null(view.iter(), out, $convert),)+
                _ => crate::value::extend_by_rows(column, out, Self::from_value),
            }
        }

        fn extend_nullable_from_column(
            column: &::taos::taos_query::common::ColumnView,
            out: &mut Vec<Option<Self>>,
        ) -> Result<(), (usize, FromValueError)> {
            use ::taos::taos_query::common::ColumnView;
            match column {
                $(ColumnView::$variant(view) => column::nullable(view.iter(), out, $convert),)+
                _ => crate::value::nullable_by_rows(column, out),
            }
        }
    };
}
pub(super) use column_paths;
