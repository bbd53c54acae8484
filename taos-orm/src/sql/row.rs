//! A [`ValueSink`] that writes one row's values as comma-separated literals.

use taos::taos_query::common::Precision;

use super::literal::{write_value, ValueError};
use crate::error::{Error, Result};
use crate::schema::{ColumnDef, TableSchema};
use crate::table::ValueSink;
use crate::value::Value;

/// What went wrong while the derive fed values in; kept until `finish` so
/// `put` (which cannot fail) stays a plain call.
enum SinkError {
    Value(usize, ValueError),
    OutOfOrder { expected: usize, got: usize },
}

/// Writes `v1,v2,...` for the columns (or tags) in `defs`.
pub(crate) struct LiteralSink<'a> {
    out: &'a mut String,
    defs: &'static [ColumnDef],
    precision: Precision,
    /// Whether `defs[0]` is the primary timestamp, which may not be NULL.
    primary_ts: bool,
    written: usize,
    error: Option<SinkError>,
}

impl<'a> LiteralSink<'a> {
    pub(crate) fn columns(out: &'a mut String, schema: &TableSchema, precision: Precision) -> Self {
        Self::new(out, schema.columns, precision, true)
    }

    pub(crate) fn tags(out: &'a mut String, schema: &TableSchema, precision: Precision) -> Self {
        Self::new(out, schema.tags, precision, false)
    }

    fn new(
        out: &'a mut String,
        defs: &'static [ColumnDef],
        precision: Precision,
        primary_ts: bool,
    ) -> Self {
        LiteralSink {
            out,
            defs,
            precision,
            primary_ts,
            written: 0,
            error: None,
        }
    }

    /// The first problem with the row, as the crate error naming row `row`.
    #[inline]
    pub(crate) fn finish(self, row: usize, schema: &TableSchema) -> Result<()> {
        if self.error.is_none() && self.written == self.defs.len() {
            return Ok(());
        }
        self.fail(row, schema)
    }

    #[cold]
    #[inline(never)]
    fn fail(self, row: usize, schema: &TableSchema) -> Result<()> {
        let what = if self.primary_ts { "columns" } else { "tags" };
        match self.error {
            None if self.written == self.defs.len() => Ok(()),
            None => Err(Error::InvalidArgument(format!(
                "row {row}: `{}` wrote {} of its {} {what}",
                schema.struct_name,
                self.written,
                self.defs.len()
            ))),
            Some(SinkError::Value(index, e)) => {
                Err(e.into_error(row, schema.name, &self.defs[index]))
            }
            Some(SinkError::OutOfOrder { expected, got }) => Err(Error::InvalidArgument(format!(
                "row {row}: `{}` wrote {what} #{got} where #{expected} was due",
                schema.struct_name
            ))),
        }
    }
}

impl ValueSink for LiteralSink<'_> {
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
        if index > 0 {
            self.out.push(',');
        }
        let def = &self.defs[index];
        let result = if index == 0 && self.primary_ts && matches!(value, Value::Null) {
            Err(null_primary_ts())
        } else {
            write_value(self.out, def, &value, self.precision)
        };
        match result {
            Ok(()) => self.written += 1,
            Err(e) => self.error = Some(SinkError::Value(index, e)),
        }
    }
}

#[cold]
#[inline(never)]
fn null_primary_ts() -> ValueError {
    ValueError {
        reason: "the primary timestamp column cannot be NULL".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::test_tables::{Log, Meter};
    use crate::table::TdTable;

    const MS: Precision = Precision::Millisecond;

    #[test]
    fn writes_comma_separated_literals() {
        let mut out = String::new();
        let mut sink = LiteralSink::columns(&mut out, Log::SCHEMA, MS);
        sink.put(0, Value::Int(5));
        sink.put(1, Value::Str("a'b"));
        sink.finish(0, Log::SCHEMA).unwrap();
        assert_eq!(out, r"5,'a\'b'");
    }

    #[test]
    fn null_primary_timestamp_is_an_error() {
        let mut out = String::new();
        let mut sink = LiteralSink::columns(&mut out, Log::SCHEMA, MS);
        sink.put(0, Value::Null);
        sink.put(1, Value::Str("x"));
        let err = sink.finish(3, Log::SCHEMA).unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 3: field `ts` (column `ts` of `log`): the primary timestamp column cannot be NULL"
        );
        // A NULL first tag is fine.
        let mut out = String::new();
        let mut sink = LiteralSink::tags(&mut out, Meter::SCHEMA, MS);
        sink.put(0, Value::Null);
        sink.put(1, Value::Int(1));
        sink.finish(0, Meter::SCHEMA).unwrap();
        assert_eq!(out, "NULL,1");
    }

    #[test]
    fn skipped_or_missing_values_are_errors_not_wrong_sql() {
        let mut out = String::new();
        let mut sink = LiteralSink::columns(&mut out, Log::SCHEMA, MS);
        sink.put(1, Value::Str("x"));
        let err = sink.finish(0, Log::SCHEMA).unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 0: `Log` wrote columns #1 where #0 was due"
        );

        let mut out = String::new();
        let mut sink = LiteralSink::tags(&mut out, Meter::SCHEMA, MS);
        sink.put(0, Value::Str("x"));
        let err = sink.finish(2, Meter::SCHEMA).unwrap_err();
        assert_eq!(err.to_string(), "row 2: `Meter` wrote 1 of its 2 tags");

        let mut out = String::new();
        let mut sink = LiteralSink::columns(&mut out, Log::SCHEMA, MS);
        sink.put(0, Value::Int(1));
        sink.put(1, Value::Str("x"));
        sink.put(2, Value::Str("one too many"));
        assert!(sink.finish(0, Log::SCHEMA).is_err());
    }

    #[test]
    fn the_first_bad_value_wins() {
        let mut out = String::new();
        let mut sink = LiteralSink::columns(&mut out, Log::SCHEMA, MS);
        sink.put(0, Value::Str("not a timestamp"));
        sink.put(1, Value::Int(1));
        let err = sink.finish(0, Log::SCHEMA).unwrap_err();
        assert!(
            matches!(err, crate::Error::InvalidValue { column: "ts", .. }),
            "{err}"
        );
    }
}
