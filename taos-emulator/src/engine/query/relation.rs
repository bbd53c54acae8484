//! What a FROM clause scans: tables as segments of one relation.

use super::super::catalog::{ColumnDef, Database, TableKind};
use super::super::error::table_not_exist;
use super::super::storage::TableData;
use super::super::value::Value;
use crate::api::TdError;
use taos_query::common::{Precision, Ty};

/// One table's rows inside a relation.
#[derive(Clone, Copy)]
pub struct Segment<'a> {
    /// The rows.
    pub data: &'a TableData,
    /// Its tag values (empty for normal tables).
    pub tags: &'a [Value],
    /// Its name.
    pub tbname: &'a str,
}

/// What a FROM clause names: schema plus the tables to scan.
pub struct Relation<'a> {
    /// Data columns; with `has_ts` the first one lives in `TableData::ts`.
    pub columns: &'a [ColumnDef],
    /// Whether column 0 is the primary timestamp.
    pub has_ts: bool,
    /// Whether `tbname` resolves.
    pub has_tbname: bool,
    /// Tag definitions.
    pub tags: &'a [ColumnDef],
    /// `*` includes tags (super tables).
    pub star_tags: bool,
    /// Tables to scan, in output order.
    pub segments: Vec<Segment<'a>>,
    /// Timestamp precision.
    pub precision: Precision,
    /// Names that may qualify a column (`tb.col`).
    pub names: Vec<String>,
}

impl<'a> Relation<'a> {
    /// The rows of `seg` within the timestamp bounds of the WHERE
    /// condition; all of them when the relation has no time order.
    pub fn rows_in(&self, seg: &Segment<'_>, bounds: (i64, i64)) -> std::ops::Range<usize> {
        if self.has_ts {
            seg.data.range(bounds.0, bounds.1)
        } else {
            0..seg.data.len()
        }
    }

    /// The same relation over only the tables `keep` accepts.
    pub fn only(&self, keep: impl Fn(&Segment<'a>) -> bool) -> Relation<'a> {
        Relation {
            columns: self.columns,
            has_ts: self.has_ts,
            has_tbname: self.has_tbname,
            tags: self.tags,
            star_tags: self.star_tags,
            segments: self.segments.iter().filter(|s| keep(s)).copied().collect(),
            precision: self.precision,
            names: self.names.clone(),
        }
    }
}

/// A virtual table (information_schema): owned columns and rows.
pub struct Virtual {
    /// Columns.
    pub columns: Vec<ColumnDef>,
    /// Rows; without `has_ts` its `ts` only counts rows.
    pub data: TableData,
    /// Column 0 lives in `data.ts`, ascending.
    pub has_ts: bool,
    /// Precision of TIMESTAMP values.
    pub precision: Precision,
}

impl Virtual {
    /// A virtual table from columns and rows.
    pub fn new(columns: Vec<ColumnDef>, rows: Vec<Vec<Value>>) -> Self {
        let mut data = TableData::new(columns.iter().map(|c| c.dt.ty));
        for r in rows {
            data.ts.push(0);
            for (c, v) in data.cols.iter_mut().zip(r) {
                c.push(v);
            }
        }
        Virtual {
            columns,
            data,
            has_ts: false,
            precision: Precision::Millisecond,
        }
    }

    /// A subquery's result as a table. A leading TIMESTAMP column in
    /// ascending order becomes the primary timestamp, so windows and time
    /// ranges work on it.
    pub fn from_rows(r: super::Rows) -> Self {
        let columns: Vec<ColumnDef> = r
            .names
            .iter()
            .zip(&r.types)
            .map(|(n, t)| ColumnDef::new(n.clone(), *t))
            .collect();
        let ordered = r.types.first().is_some_and(|t| t.ty == Ty::Timestamp)
            && r.rows.iter().all(|row| matches!(row[0], Value::Int(_)))
            && r.rows
                .windows(2)
                .all(|w| w[0][0].total_cmp(&w[1][0]).is_le());
        let mut v = Virtual::new(columns, r.rows);
        v.has_ts = ordered;
        v.precision = r.precision;
        if ordered {
            let ts = v.data.cols.remove(0);
            v.data.ts = ts
                .values(0..ts.len())
                .map(|t| match t {
                    Value::Int(t) => t,
                    _ => 0,
                })
                .collect();
        }
        v
    }

    /// The relation scanning it.
    pub fn relation(&self, name: &str) -> Relation<'_> {
        Relation {
            columns: &self.columns,
            has_ts: self.has_ts,
            has_tbname: false,
            tags: &[],
            star_tags: false,
            segments: vec![Segment {
                data: &self.data,
                tags: &[],
                tbname: "",
            }],
            precision: self.precision,
            names: vec![name.to_string()],
        }
    }
}

/// The relation of a super, child or normal table of `db`.
pub(super) fn table_relation<'a>(
    db: &'a Database,
    name: &str,
    names: Vec<String>,
) -> Result<Relation<'a>, TdError> {
    if let Some(st) = db.stables.get(name) {
        let segments = st
            .children
            .iter()
            .filter_map(|c| db.tables.get(c))
            .map(|t| Segment {
                data: &t.data,
                tags: match &t.kind {
                    TableKind::Child { tags, .. } => tags,
                    TableKind::Normal { .. } => &[],
                },
                tbname: &t.name,
            })
            .collect();
        return Ok(Relation {
            columns: &st.columns,
            has_ts: true,
            has_tbname: true,
            tags: &st.tags,
            star_tags: true,
            segments,
            precision: db.precision,
            names,
        });
    }
    let t = db.tables.get(name).ok_or_else(table_not_exist)?;
    let (tag_defs, tags): (&[ColumnDef], &[Value]) = match &t.kind {
        TableKind::Child { stable, tags } => {
            (db.stables.get(stable).map_or(&[][..], |s| &s.tags), tags)
        }
        TableKind::Normal { .. } => (&[], &[]),
    };
    Ok(Relation {
        columns: db.columns_of(t),
        has_ts: true,
        has_tbname: true,
        tags: tag_defs,
        star_tags: false,
        segments: vec![Segment {
            data: &t.data,
            tags,
            tbname: &t.name,
        }],
        precision: db.precision,
        names,
    })
}
