//! Typed column buffers filled row by row through [`ValueSink`], turned into
//! the `ColumnView`s a bound statement sends.

use taos::taos_query::common::{ColumnView, Precision};

use crate::error::{Error, Result};
use crate::schema::{ColumnDef, SqlType, TableSchema};
use crate::sql::{timestamp_in, write_value, ValueError};
use crate::table::ValueSink;
use crate::value::{TimestampValue, Value};

/// One column's values, in the column's own Rust type.
#[derive(Debug)]
enum Buffer {
    Timestamp(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    TinyInt(Vec<Option<i8>>),
    SmallInt(Vec<Option<i16>>),
    Int(Vec<Option<i32>>),
    BigInt(Vec<Option<i64>>),
    UTinyInt(Vec<Option<u8>>),
    USmallInt(Vec<Option<u16>>),
    UInt(Vec<Option<u32>>),
    UBigInt(Vec<Option<u64>>),
    Float(Vec<Option<f32>>),
    Double(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl Buffer {
    fn new(ty: SqlType, rows: usize) -> Self {
        match ty {
            SqlType::Timestamp => Buffer::Timestamp(Vec::with_capacity(rows)),
            SqlType::Bool => Buffer::Bool(Vec::with_capacity(rows)),
            SqlType::TinyInt => Buffer::TinyInt(Vec::with_capacity(rows)),
            SqlType::SmallInt => Buffer::SmallInt(Vec::with_capacity(rows)),
            SqlType::Int => Buffer::Int(Vec::with_capacity(rows)),
            SqlType::BigInt => Buffer::BigInt(Vec::with_capacity(rows)),
            SqlType::UTinyInt => Buffer::UTinyInt(Vec::with_capacity(rows)),
            SqlType::USmallInt => Buffer::USmallInt(Vec::with_capacity(rows)),
            SqlType::UInt => Buffer::UInt(Vec::with_capacity(rows)),
            SqlType::UBigInt => Buffer::UBigInt(Vec::with_capacity(rows)),
            SqlType::Float => Buffer::Float(Vec::with_capacity(rows)),
            SqlType::Double => Buffer::Double(Vec::with_capacity(rows)),
            SqlType::VarChar | SqlType::NChar | SqlType::Json => {
                Buffer::Text(Vec::with_capacity(rows))
            }
            SqlType::VarBinary => Buffer::Bytes(Vec::with_capacity(rows)),
        }
    }

    fn push_null(&mut self) {
        match self {
            Buffer::Timestamp(v) | Buffer::BigInt(v) => v.push(None),
            Buffer::Bool(v) => v.push(None),
            Buffer::TinyInt(v) => v.push(None),
            Buffer::SmallInt(v) => v.push(None),
            Buffer::Int(v) => v.push(None),
            Buffer::UTinyInt(v) => v.push(None),
            Buffer::USmallInt(v) => v.push(None),
            Buffer::UInt(v) => v.push(None),
            Buffer::UBigInt(v) => v.push(None),
            Buffer::Float(v) => v.push(None),
            Buffer::Double(v) => v.push(None),
            Buffer::Text(v) => v.push(None),
            Buffer::Bytes(v) => v.push(None),
        }
    }

    fn truncate(&mut self, len: usize) {
        match self {
            Buffer::Timestamp(v) | Buffer::BigInt(v) => v.truncate(len),
            Buffer::Bool(v) => v.truncate(len),
            Buffer::TinyInt(v) => v.truncate(len),
            Buffer::SmallInt(v) => v.truncate(len),
            Buffer::Int(v) => v.truncate(len),
            Buffer::UTinyInt(v) => v.truncate(len),
            Buffer::USmallInt(v) => v.truncate(len),
            Buffer::UInt(v) => v.truncate(len),
            Buffer::UBigInt(v) => v.truncate(len),
            Buffer::Float(v) => v.truncate(len),
            Buffer::Double(v) => v.truncate(len),
            Buffer::Text(v) => v.truncate(len),
            Buffer::Bytes(v) => v.truncate(len),
        }
    }

    fn into_view(self, def: &ColumnDef, precision: Precision) -> ColumnView {
        match self {
            Buffer::Timestamp(v) => match precision {
                Precision::Millisecond => ColumnView::from_millis_timestamp(v),
                Precision::Microsecond => ColumnView::from_micros_timestamp(v),
                Precision::Nanosecond => ColumnView::from_nanos_timestamp(v),
            },
            Buffer::Bool(v) => ColumnView::from_bools(v),
            Buffer::TinyInt(v) => ColumnView::from_tiny_ints(v),
            Buffer::SmallInt(v) => ColumnView::from_small_ints(v),
            Buffer::Int(v) => ColumnView::from_ints(v),
            Buffer::BigInt(v) => ColumnView::from_big_ints(v),
            Buffer::UTinyInt(v) => ColumnView::from_unsigned_tiny_ints(v),
            Buffer::USmallInt(v) => ColumnView::from_unsigned_small_ints(v),
            Buffer::UInt(v) => ColumnView::from_unsigned_ints(v),
            Buffer::UBigInt(v) => ColumnView::from_unsigned_big_ints(v),
            Buffer::Float(v) => ColumnView::from_floats(v),
            Buffer::Double(v) => ColumnView::from_doubles(v),
            Buffer::Text(v) => match def.ty {
                SqlType::NChar => ColumnView::from_nchar::<String, _, _, _>(v),
                SqlType::Json => ColumnView::from_json::<String, _, _, _>(v),
                _ => ColumnView::from_varchar::<String, _, _, _>(v),
            },
            Buffer::Bytes(v) => ColumnView::from_bytes::<Vec<u8>, _, _, _>(v),
        }
    }
}

/// The data columns of one child table's rows, built column by column.
#[derive(Debug)]
pub(crate) struct ColumnBuffers {
    defs: &'static [ColumnDef],
    buffers: Vec<Buffer>,
    rows: usize,
}

impl ColumnBuffers {
    pub(crate) fn new(schema: &TableSchema, rows: usize) -> Self {
        ColumnBuffers {
            defs: schema.columns,
            buffers: schema
                .columns
                .iter()
                .map(|d| Buffer::new(d.ty, rows))
                .collect(),
            rows: 0,
        }
    }

    /// Appends one row; on error nothing of the row is kept.
    #[inline]
    pub(crate) fn push<T: crate::TdTable>(
        &mut self,
        row: &T,
        index: usize,
        precision: Precision,
    ) -> Result<()> {
        let mut sink = ColumnSink {
            buffers: &mut self.buffers,
            defs: self.defs,
            precision,
            written: 0,
            error: None,
        };
        row.write_columns(&mut sink);
        let ok = sink.error.is_none() && sink.written == self.defs.len();
        if ok {
            self.rows += 1;
            return Ok(());
        }
        let error = sink.into_error(index, T::SCHEMA);
        for b in &mut self.buffers {
            b.truncate(self.rows);
        }
        Err(error)
    }

    /// Rows held.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The columns as views in the database precision.
    pub(crate) fn into_views(self, precision: Precision) -> Vec<ColumnView> {
        self.buffers
            .into_iter()
            .zip(self.defs)
            .map(|(b, d)| b.into_view(d, precision))
            .collect()
    }
}

enum SinkError {
    Value(usize, ValueError),
    OutOfOrder { expected: usize, got: usize },
}

/// Fills one row's worth of [`Buffer`]s; `put` cannot fail, so the first
/// problem is kept until the row is done.
struct ColumnSink<'a> {
    buffers: &'a mut [Buffer],
    defs: &'static [ColumnDef],
    precision: Precision,
    written: usize,
    error: Option<SinkError>,
}

impl ColumnSink<'_> {
    #[cold]
    fn into_error(self, row: usize, schema: &TableSchema) -> Error {
        match self.error {
            Some(SinkError::Value(i, e)) => e.into_error(row, schema.name, &self.defs[i]),
            Some(SinkError::OutOfOrder { expected, got }) => Error::InvalidArgument(format!(
                "row {row}: `{}` wrote columns #{got} where #{expected} was due",
                schema.struct_name
            )),
            None => Error::InvalidArgument(format!(
                "row {row}: `{}` wrote {} of its {} columns",
                schema.struct_name,
                self.written,
                self.defs.len()
            )),
        }
    }
}

impl ValueSink for ColumnSink<'_> {
    #[inline]
    fn put(&mut self, index: usize, value: Value<'_>) {
        if self.error.is_some() {
            return;
        }
        if index != self.written || index >= self.defs.len() {
            self.error = Some(SinkError::OutOfOrder {
                expected: self.written,
                got: index,
            });
            return;
        }
        let def = &self.defs[index];
        match push_value(
            &mut self.buffers[index],
            def,
            &value,
            self.precision,
            index == 0,
        ) {
            Ok(()) => self.written += 1,
            Err(e) => self.error = Some(SinkError::Value(index, e)),
        }
    }
}

/// Appends `value` converted to the column's type, with the checks of the
/// SQL path.
#[inline]
fn push_value(
    buffer: &mut Buffer,
    def: &ColumnDef,
    value: &Value<'_>,
    precision: Precision,
    primary: bool,
) -> Result<(), ValueError> {
    match (buffer, value) {
        (buffer, Value::Null) => {
            if primary {
                return Err(ValueError {
                    reason: "the primary timestamp column cannot be NULL".to_owned(),
                });
            }
            buffer.push_null();
        }
        (Buffer::Timestamp(v), Value::Timestamp(ts)) => v.push(Some(timestamp_in(ts, precision)?)),
        (Buffer::Timestamp(v), Value::Int(raw)) => {
            v.push(Some(timestamp_in(&TimestampValue::Raw(*raw), precision)?))
        }
        (Buffer::Bool(v), Value::Bool(b)) => v.push(Some(*b)),
        (Buffer::TinyInt(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::SmallInt(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::Int(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::BigInt(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::UTinyInt(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::USmallInt(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::UInt(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::UBigInt(v), value) => v.push(Some(int(def, value, precision)?)),
        (Buffer::Float(v), Value::Float(f)) if f.is_finite() => v.push(Some(*f)),
        (Buffer::Float(v), Value::Double(f)) if f.is_finite() && f.abs() <= f64::from(f32::MAX) => {
            v.push(Some(*f as f32))
        }
        (Buffer::Float(v), Value::Int(i)) => v.push(Some(*i as f32)),
        (Buffer::Float(v), Value::UInt(i)) => v.push(Some(*i as f32)),
        (Buffer::Double(v), Value::Double(f)) if f.is_finite() => v.push(Some(*f)),
        (Buffer::Double(v), Value::Float(f)) if f.is_finite() => v.push(Some(f64::from(*f))),
        (Buffer::Double(v), Value::Int(i)) => v.push(Some(*i as f64)),
        (Buffer::Double(v), Value::UInt(i)) => v.push(Some(*i as f64)),
        (Buffer::Text(v), Value::Str(s)) if text_fits(def, s) => v.push(Some((*s).to_owned())),
        (Buffer::Bytes(v), Value::Bytes(b)) if bytes_fit(def, b) => v.push(Some(b.to_vec())),
        (Buffer::Bytes(v), Value::Str(s)) if bytes_fit(def, s.as_bytes()) => {
            v.push(Some(s.as_bytes().to_vec()))
        }
        _ => return Err(sql_error(def, value, precision)),
    }
    Ok(())
}

/// An integer in the column's type, range-checked.
#[inline]
fn int<I>(def: &ColumnDef, value: &Value<'_>, precision: Precision) -> Result<I, ValueError>
where
    I: TryFrom<i64> + TryFrom<u64>,
{
    let converted = match value {
        Value::Int(v) => I::try_from(*v).ok(),
        Value::UInt(v) => I::try_from(*v).ok(),
        _ => None,
    };
    converted.ok_or_else(|| sql_error(def, value, precision))
}

fn text_fits(def: &ColumnDef, s: &str) -> bool {
    match def.length {
        None => true,
        Some(max) if def.ty == SqlType::NChar => {
            s.len() <= max as usize || s.chars().count() <= max as usize
        }
        Some(max) => s.len() <= max as usize,
    }
}

fn bytes_fit(def: &ColumnDef, b: &[u8]) -> bool {
    match def.length {
        None => true,
        Some(max) => b.len() <= max as usize,
    }
}

/// The SQL path's verdict on a value the typed path refused, so both paths
/// word their errors the same way.
#[cold]
#[inline(never)]
fn sql_error(def: &ColumnDef, value: &Value<'_>, precision: Precision) -> ValueError {
    let mut scratch = String::new();
    match write_value(&mut scratch, def, value, precision) {
        Err(e) => e,
        Ok(()) => ValueError {
            reason: format!("cannot bind this value to a {} column", def.ty.name()),
        },
    }
}
