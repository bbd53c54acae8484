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

/// Numeric types for which every bit pattern is a value, so that a column
/// of them can be copied as bytes.
pub(super) trait Plain: Copy {}

impl Plain for i8 {}
impl Plain for i16 {}
impl Plain for i32 {}
impl Plain for i64 {}
impl Plain for u8 {}
impl Plain for u16 {}
impl Plain for u32 {}
impl Plain for u64 {}
impl Plain for f32 {}
impl Plain for f64 {}

/// Appends a fixed-width column that must have no NULL: the `len` values at
/// `data` in one copy, after one pass over the NULL flags.
#[inline]
pub(super) fn copied<T: Plain>(
    data: *const T,
    len: usize,
    mut nulls: impl Iterator<Item = bool>,
    out: &mut Vec<T>,
) -> Result<(), (usize, FromValueError)> {
    if let Some(row) = nulls.position(|null| null) {
        return Err((row, FromValueError::UnexpectedNull));
    }
    out.reserve(len);
    // SAFETY: `data` is the view's buffer of `len` values of `T`, which may
    // be unaligned (hence a byte copy); every bit pattern is a `T` (`Plain`)
    // and `reserve` made room for `len` more.
    unsafe {
        std::ptr::copy_nonoverlapping(
            data.cast::<u8>(),
            out.as_mut_ptr().add(out.len()).cast::<u8>(),
            len * std::mem::size_of::<T>(),
        );
        out.set_len(out.len() + len);
    }
    Ok(())
}

/// Appends a fixed-width nullable column, each value read in place from
/// the `len` at `data`, NULL as `None`.
#[inline]
pub(super) fn nullable_copied<T: Plain>(
    data: *const T,
    len: usize,
    nulls: impl Iterator<Item = bool>,
    out: &mut Vec<Option<T>>,
) -> Result<(), (usize, FromValueError)> {
    out.reserve(len);
    for (i, null) in nulls.take(len).enumerate() {
        // SAFETY: `i < len`, the values at `data`, which may be unaligned;
        // every bit pattern is a `T` (`Plain`).
        out.push((!null).then(|| unsafe { data.add(i).read_unaligned() }));
    }
    Ok(())
}

/// The two column methods of a `TdType` impl, reading the listed view
/// variants directly with a conversion each; after `copy`, the variants
/// (`A | B`) whose stored values are the type itself, copied whole when
/// they have no NULL and read in place when they do.
macro_rules! column_paths {
    (copy $($copy:ident)|+ $(, $variant:ident => $convert:expr)* $(,)?) => {
        column_paths!(@impl [$($copy)+] $($variant => $convert),*);
    };
    ($($variant:ident => $convert:expr),+ $(,)?) => {
        column_paths!(@impl [] $($variant => $convert),+);
    };
    (@impl [$($copy:ident)*] $($variant:ident => $convert:expr),*) => {
        fn extend_from_column(
            column: &::taos::taos_query::common::ColumnView,
            out: &mut Vec<Self>,
        ) -> Result<(), (usize, FromValueError)> {
            use ::taos::taos_query::common::ColumnView;
            match column {
                $(ColumnView::$copy(view) => {
                    column::copied(view.as_raw_ptr(), view.len(), view.is_null_iter(), out)
                })*
                $(ColumnView::$variant(view) => column::non_null(view.iter(), out, $convert),)*
                _ => crate::value::extend_by_rows(column, out, Self::from_value),
            }
        }

        fn extend_nullable_from_column(
            column: &::taos::taos_query::common::ColumnView,
            out: &mut Vec<Option<Self>>,
        ) -> Result<(), (usize, FromValueError)> {
            use ::taos::taos_query::common::ColumnView;
            match column {
                $(ColumnView::$copy(view) => {
                    column::nullable_copied(view.as_raw_ptr(), view.len(), view.is_null_iter(), out)
                })*
                $(ColumnView::$variant(view) => column::nullable(view.iter(), out, $convert),)*
                _ => crate::value::nullable_by_rows(column, out),
            }
        }
    };
}
pub(super) use column_paths;
