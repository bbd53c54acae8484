//! A child table's identity within one insert: the name its rows map to
//! and the tags of the first of them. TDengine keeps the tags a child was
//! created with, so a later row of the same name with other tags would be
//! written under tags that are not its own; an insert refuses that.

use crate::error::Error;
use crate::table::{TdTable, ValueSink};
use crate::value::{TimestampValue, Value};

/// The tag values of one row, owned, compared without allocating.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagSet {
    first_row: usize,
    values: Vec<Owned>,
}

#[derive(Debug, Clone, PartialEq)]
enum Owned {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    /// Bits, so equal means identical.
    Float(u32),
    Double(u64),
    Timestamp(TimestampValue),
    Str(String),
    Bytes(Vec<u8>),
    Json(serde_json::Value),
}

impl Owned {
    fn of(value: Value<'_>) -> Owned {
        match value {
            Value::Null => Owned::Null,
            Value::Bool(b) => Owned::Bool(b),
            Value::Int(i) => Owned::Int(i),
            Value::UInt(u) => Owned::UInt(u),
            Value::Float(f) => Owned::Float(f.to_bits()),
            Value::Double(d) => Owned::Double(d.to_bits()),
            Value::Timestamp(t) => Owned::Timestamp(t),
            Value::Str(s) => Owned::Str(s.to_owned()),
            Value::Bytes(b) => Owned::Bytes(b.to_vec()),
            Value::Json(j) => Owned::Json(j.into_owned()),
        }
    }

    fn is(&self, value: &Value<'_>) -> bool {
        match (self, value) {
            (Owned::Null, Value::Null) => true,
            (Owned::Bool(a), Value::Bool(b)) => a == b,
            (Owned::Int(a), Value::Int(b)) => a == b,
            (Owned::UInt(a), Value::UInt(b)) => a == b,
            (Owned::Float(a), Value::Float(b)) => *a == b.to_bits(),
            (Owned::Double(a), Value::Double(b)) => *a == b.to_bits(),
            (Owned::Timestamp(a), Value::Timestamp(b)) => a == b,
            (Owned::Str(a), Value::Str(b)) => a == b,
            (Owned::Bytes(a), Value::Bytes(b)) => a.as_slice() == *b,
            (Owned::Json(a), Value::Json(b)) => a == b.as_ref(),
            _ => false,
        }
    }
}

impl TagSet {
    /// The tags of `row`, input row number `index`.
    pub(crate) fn of<T: TdTable>(row: &T, index: usize) -> TagSet {
        struct Collect(Vec<Owned>);
        impl ValueSink for Collect {
            fn put(&mut self, _index: usize, value: Value<'_>) {
                self.0.push(Owned::of(value));
            }
        }
        let mut collect = Collect(Vec::with_capacity(T::SCHEMA.tags.len()));
        row.write_tags(&mut collect);
        TagSet {
            first_row: index,
            values: collect.0,
        }
    }

    /// Checks that `row` (number `index`), whose child table is `child`,
    /// has these tags.
    ///
    /// # Errors
    ///
    /// [`Error::ChildTableConflict`] naming both rows.
    pub(crate) fn check<T: TdTable>(
        &self,
        row: &T,
        index: usize,
        child: &str,
    ) -> Result<(), Error> {
        struct Compare<'s> {
            expected: &'s [Owned],
            next: usize,
            same: bool,
        }
        impl ValueSink for Compare<'_> {
            fn put(&mut self, _index: usize, value: Value<'_>) {
                self.same &= self.expected.get(self.next).is_some_and(|e| e.is(&value));
                self.next += 1;
            }
        }
        let mut compare = Compare {
            expected: &self.values,
            next: 0,
            same: true,
        };
        row.write_tags(&mut compare);
        if compare.same && compare.next == self.values.len() {
            return Ok(());
        }
        Err(Error::ChildTableConflict {
            table: T::SCHEMA.name,
            child: child.to_owned(),
            first_row: self.first_row,
            row: index,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::test_tables::Meter;

    #[test]
    fn same_tags_pass_and_other_tags_name_both_rows() {
        let first = Meter::new("d1", 1);
        let tags = TagSet::of(&first, 0);
        assert!(tags.check(&Meter::new("d1", 2), 5, "d1").is_ok());
        let mut other = Meter::new("d1", 3);
        other.group_id += 1;
        let err = tags.check(&other, 7, "d1").unwrap_err();
        assert!(
            matches!(&err, Error::ChildTableConflict { first_row: 0, row: 7, child, .. } if child == "d1"),
            "{err}"
        );
    }
}
