//! Rows grouped per child table and turned into bound columns.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use taos::taos_query::common::{ColumnView, Precision, Value as TaosValue};

use super::columns::ColumnBuffers;
use super::tags::tag_values;
use crate::child::TagSet;
use crate::error::{Error, Result};
use crate::schema::TableKind;
use crate::sql::{check_ident, NameKind};
use crate::table::TdTable;

/// The rows of one child (or normal) table, ready for `set_tbname`,
/// `set_tags` and `bind`.
#[derive(Debug)]
pub struct BoundTable {
    /// The table name, ASCII-lowercased and unquoted.
    pub table: String,
    /// The tags in schema order (empty for a normal table).
    pub tags: Vec<TaosValue>,
    /// One view per data column, in schema order.
    pub columns: Vec<ColumnView>,
    /// The input index of each bound row, ascending.
    pub rows: Vec<usize>,
}

/// Groups `rows` per target table (in order of first appearance) and builds
/// each table's tags and columns, validating every value first: an invalid
/// value fails the whole call with [`Error::InvalidValue`] naming its row.
///
/// Timestamps are scaled to `precision`, the database's.
///
/// ```
/// use taos_orm::{bind::bind_tables, Precision, TdTable};
///
/// #[derive(TdTable)]
/// #[taos(stable = "meters", child = "d{device}")]
/// struct Meter {
///     #[taos(ts)]
///     ts: i64,
///     current: f32,
///     #[taos(tag)]
///     device: i32,
/// }
///
/// let rows = [
///     Meter { ts: 1, current: 1.0, device: 1 },
///     Meter { ts: 2, current: 2.0, device: 2 },
///     Meter { ts: 3, current: 3.0, device: 1 },
/// ];
/// let tables = bind_tables(&rows, Precision::Millisecond).unwrap();
/// assert_eq!(tables.len(), 2);
/// assert_eq!(tables[0].table, "d1");
/// assert_eq!(tables[0].rows, [0, 2]);
/// assert_eq!(tables[0].columns[1].len(), 2);
/// ```
pub fn bind_tables<'r, T, I>(rows: I, precision: Precision) -> Result<Vec<BoundTable>>
where
    T: TdTable + 'r,
    I: IntoIterator<Item = &'r T>,
{
    let schema = T::SCHEMA;
    let mut by_name: HashMap<String, usize, BuildHasherDefault<NameHasher>> = HashMap::default();
    let mut groups: Vec<(String, Vec<(usize, &T)>)> = Vec::new();
    let mut group_tags: Vec<TagSet> = Vec::new();
    let with_tags = schema.kind == TableKind::Super;
    let mut name = String::new();
    for (index, row) in rows.into_iter().enumerate() {
        name.clear();
        row.write_table_name(&mut name);
        name.make_ascii_lowercase();
        let group = match by_name.get(name.as_str()) {
            Some(&g) => {
                if with_tags {
                    group_tags[g].check(row, index, &name)?;
                }
                g
            }
            None => {
                check_ident(&name, NameKind::Table)
                    .map_err(|e| Error::InvalidArgument(format!("row {index}: {e}")))?;
                by_name.insert(name.clone(), groups.len());
                groups.push((name.clone(), Vec::new()));
                if with_tags {
                    group_tags.push(TagSet::of(row, index));
                }
                groups.len() - 1
            }
        };
        groups[group].1.push((index, row));
    }

    let mut scratch = String::new();
    let mut out = Vec::with_capacity(groups.len());
    for (table, members) in groups {
        let tags = match (schema.kind, members.first()) {
            (TableKind::Super, Some(&(index, row))) => {
                tag_values(row, index, precision, &mut scratch)?
            }
            _ => Vec::new(),
        };
        let mut columns = ColumnBuffers::new(schema, members.len());
        let mut indices = Vec::with_capacity(members.len());
        for (index, row) in members {
            columns.push(row, index, precision)?;
            indices.push(index);
        }
        debug_assert_eq!(columns.rows(), indices.len());
        out.push(BoundTable {
            table,
            tags,
            columns: columns.into_views(precision),
            rows: indices,
        });
    }
    Ok(out)
}

/// FNV-1a over the child table name: names are short and not
/// attacker-chosen keys of a long-lived map, so SipHash's cost buys nothing.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}
