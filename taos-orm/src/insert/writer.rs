//! The streaming core of [`super::InsertSql`].

use std::collections::HashMap;

// Table names are looked up once per row: foldhash is several times faster
// than SipHash on short keys and still seeds itself per map, so crafted
// names cannot force collisions.
type NameMap = HashMap<String, usize, foldhash::fast::RandomState>;
use std::marker::PhantomData;

use taos::taos_query::common::Precision;

use super::InsertBatch;
use crate::child::TagSet;
use crate::ddl::{check_schema, resolve_database};
use crate::error::{Error, Result};
use crate::schema::{TableKind, TableSchema};
use crate::sql::{check_ident, push_quoted_lower, write_ident, LiteralSink, NameKind};
use crate::table::TdTable;

pub(super) const PREFIX: &str = "INSERT INTO";

/// Above this many idle known tables the header cache keeps only the tables
/// with pending rows, so a long-lived writer over ever-new tables stays bounded.
const MAX_CACHED_TABLES: usize = 100_000;
/// A table's value buffer above this capacity is freed after each statement.
const MAX_IDLE_BUFFER: usize = 64 * 1024;

/// One target table: its clause header (rendered once, tags included) and
/// the rows pending for it.
struct Table {
    name: String,
    /// The first row's tags (super tables only).
    tags: Option<TagSet>,
    /// ` `db`.`d1` USING … TAGS (…) (`ts`,…) VALUES `
    header: String,
    values: String,
    rows: Vec<usize>,
}

/// Renders rows as they arrive and hands out a statement whenever the next
/// row would push it over the length limit.
///
/// Made by [`super::InsertSql::writer`]. Row indices count every
/// [`push`](Self::push) call since the writer was made, failed ones included,
/// so they match the caller's own numbering of the rows it pushed.
///
/// ```
/// use taos_orm::{InsertSql, Precision, TdTable};
///
/// #[derive(TdTable)]
/// #[taos(table = "log")]
/// struct Log {
///     #[taos(ts)]
///     ts: i64,
///     n: i32,
/// }
///
/// let mut writer = InsertSql::<Log>::new(Precision::Millisecond).max_sql_len(51).writer()?;
/// let mut sent = Vec::new();
/// for ts in 0..5 {
///     if let Some(batch) = writer.push(&Log { ts, n: 1 })? {
///         sent.push(batch); // execute batch.sql here
///     }
/// }
/// sent.extend(writer.take());
/// assert_eq!(sent[0].sql, "INSERT INTO `log` (`ts`,`n`) VALUES (0,1)(1,1)(2,1)");
/// assert_eq!(sent[1].rows, [3, 4]);
/// # Ok::<(), taos_orm::Error>(())
/// ```
pub struct InsertWriter<T> {
    schema: &'static TableSchema,
    precision: Precision,
    max_sql_len: usize,
    /// `` `db`. `` or empty.
    db_prefix: String,
    /// ` USING `db`.`stb` (`t1`,…) TAGS (` for a super table.
    using: String,
    /// `) (`ts`,…) VALUES ` for a super table, ` (`ts`,…) VALUES ` for a normal one.
    columns: String,
    tables: Vec<Table>,
    by_name: NameMap,
    /// Tables with pending rows, in first-row order.
    active: Vec<usize>,
    /// Bytes of the pending statement after [`PREFIX`].
    body_len: usize,
    pending_rows: usize,
    next_row: usize,
    name_buf: String,
    row_buf: String,
    _rows: PhantomData<fn(&T)>,
}

impl<T: TdTable> InsertWriter<T> {
    pub(super) fn new(
        precision: Precision,
        max_sql_len: usize,
        database: Option<&str>,
    ) -> Result<Self> {
        let schema = T::SCHEMA;
        check_schema(schema)?;
        let mut db_prefix = String::new();
        if let Some(db) = resolve_database(database, schema)? {
            write_ident(&mut db_prefix, db, NameKind::Database)?;
            db_prefix.push('.');
        }
        let mut using = String::new();
        let mut columns = String::new();
        if schema.kind == TableKind::Super {
            using.push_str(" USING ");
            using.push_str(&db_prefix);
            push_quoted_lower(&mut using, schema.name);
            push_name_list(&mut using, schema.tags.iter().map(|t| t.name));
            using.push_str(" TAGS (");
            columns.push(')');
        }
        push_name_list(&mut columns, schema.columns.iter().map(|c| c.name));
        columns.push_str(" VALUES ");
        Ok(InsertWriter {
            schema,
            precision,
            max_sql_len,
            db_prefix,
            using,
            columns,
            tables: Vec::new(),
            by_name: NameMap::default(),
            active: Vec::new(),
            body_len: 0,
            pending_rows: 0,
            next_row: 0,
            name_buf: String::new(),
            row_buf: String::new(),
            _rows: PhantomData,
        })
    }

    /// Adds one row. Returns the pending statement when this row did not fit
    /// in it (the row then starts the next statement).
    ///
    /// An invalid row is an error and leaves the pending statement as it was,
    /// so the caller may skip the row and go on.
    pub fn push(&mut self, row: &T) -> Result<Option<InsertBatch>> {
        let index = self.next_row;
        self.next_row += 1;
        if self.tables.len() - self.active.len() > MAX_CACHED_TABLES {
            self.forget_idle_tables();
        }
        let table = self.table_for(row, index)?;
        self.push_to(table, row, index)
    }

    /// Adds row number `index` to the known table `table` (from [`Self::table_for`]).
    fn push_to(&mut self, table: usize, row: &T, index: usize) -> Result<Option<InsertBatch>> {
        self.render_row(row, index)?;
        self.check_fits(table, index)?;
        let header_len = self.tables[table].header.len();
        let opens_table = self.tables[table].rows.is_empty();
        let added = self.row_buf.len() + if opens_table { header_len } else { 0 };
        let full =
            if self.pending_rows > 0 && PREFIX.len() + self.body_len + added > self.max_sql_len {
                self.take()
            } else {
                None
            };

        let entry = &mut self.tables[table];
        if entry.rows.is_empty() {
            self.active.push(table);
            self.body_len += entry.header.len();
        }
        entry.values.push_str(&self.row_buf);
        entry.rows.push(index);
        self.body_len += self.row_buf.len();
        self.pending_rows += 1;
        Ok(full)
    }

    /// Renders `(v1,v2,…)` of `row` into the row buffer ([`Self::row_text`]).
    fn render_row(&mut self, row: &T, index: usize) -> Result<()> {
        let mut buf = std::mem::take(&mut self.row_buf);
        buf.clear();
        let result = self.render_row_into(&mut buf, row, index);
        self.row_buf = buf;
        result
    }

    /// Appends `(v1,v2,…)` of `row` to `out`; on error `out` may hold part of it.
    pub(super) fn render_row_into(&self, out: &mut String, row: &T, index: usize) -> Result<()> {
        out.push('(');
        let mut sink = LiteralSink::columns(out, self.schema, self.precision);
        row.write_columns(&mut sink);
        sink.finish(index, self.schema)?;
        out.push(')');
        Ok(())
    }

    /// The error for a row whose statement would need `needed` bytes.
    pub(super) fn too_large(&self, index: usize, needed: usize) -> Error {
        Error::RowTooLarge {
            row: index,
            table: self.schema.name,
            needed,
            max: self.max_sql_len,
        }
    }

    /// [`Error::RowTooLarge`] unless the rendered row fits a statement of its own.
    fn check_fits(&self, table: usize, index: usize) -> Result<()> {
        let alone = PREFIX.len() + self.tables[table].header.len() + self.row_buf.len();
        if alone > self.max_sql_len {
            return Err(self.too_large(index, alone));
        }
        Ok(())
    }

    /// The clause header of `table`: ` `db`.`d1` USING … VALUES `.
    pub(super) fn header(&self, table: usize) -> &str {
        &self.tables[table].header
    }

    /// The configured statement length cap.
    pub(super) fn max_sql_len(&self) -> usize {
        self.max_sql_len
    }

    /// Takes the pending statement, if any rows are pending.
    pub fn take(&mut self) -> Option<InsertBatch> {
        if self.pending_rows == 0 {
            return None;
        }
        let mut sql = String::with_capacity(PREFIX.len() + self.body_len);
        sql.push_str(PREFIX);
        let mut rows = Vec::with_capacity(self.pending_rows);
        for &i in &self.active {
            let table = &mut self.tables[i];
            sql.push_str(&table.header);
            sql.push_str(&table.values);
            rows.append(&mut table.rows);
            if table.values.capacity() > MAX_IDLE_BUFFER {
                table.values = String::new();
            } else {
                table.values.clear();
            }
        }
        self.active.clear();
        self.body_len = 0;
        self.pending_rows = 0;
        Some(InsertBatch { sql, rows })
    }

    /// Rows waiting in the pending statement.
    pub fn pending_rows(&self) -> usize {
        self.pending_rows
    }

    /// Length in bytes of the pending statement (0 when nothing is pending).
    pub fn pending_sql_len(&self) -> usize {
        if self.pending_rows == 0 {
            0
        } else {
            PREFIX.len() + self.body_len
        }
    }

    /// How many rows were pushed so far (the index the next row gets).
    pub fn rows_pushed(&self) -> usize {
        self.next_row
    }

    pub(super) fn forget_idle_tables(&mut self) {
        let mut tables = std::mem::take(&mut self.tables);
        self.by_name.clear();
        for (new, old) in self.active.iter_mut().enumerate() {
            let table = std::mem::replace(
                &mut tables[*old],
                Table {
                    name: String::new(),
                    tags: None,
                    header: String::new(),
                    values: String::new(),
                    rows: Vec::new(),
                },
            );
            self.by_name.insert(table.name.clone(), new);
            self.tables.push(table);
            *old = new;
        }
    }

    /// The table entry for `row`, created (header and tags rendered) on first sight.
    pub(super) fn table_for(&mut self, row: &T, index: usize) -> Result<usize> {
        self.name_buf.clear();
        row.write_table_name(&mut self.name_buf);
        self.name_buf.make_ascii_lowercase();
        if let Some(&known) = self.by_name.get(self.name_buf.as_str()) {
            if let Some(tags) = &self.tables[known].tags {
                tags.check(row, index, &self.name_buf)?;
            }
            return Ok(known);
        }
        check_ident(&self.name_buf, NameKind::Table)
            .map_err(|e| Error::InvalidArgument(format!("row {index}: {e}")))?;
        let mut header = String::with_capacity(
            self.db_prefix.len() + self.name_buf.len() + self.using.len() + self.columns.len() + 64,
        );
        header.push(' ');
        header.push_str(&self.db_prefix);
        push_quoted_lower(&mut header, &self.name_buf);
        if self.schema.kind == TableKind::Super {
            header.push_str(&self.using);
            let mut sink = LiteralSink::tags(&mut header, self.schema, self.precision);
            row.write_tags(&mut sink);
            sink.finish(index, self.schema)?;
        }
        header.push_str(&self.columns);
        let id = self.tables.len();
        let tags = (self.schema.kind == TableKind::Super).then(|| TagSet::of(row, index));
        self.tables.push(Table {
            name: self.name_buf.clone(),
            tags,
            header,
            values: String::new(),
            rows: Vec::new(),
        });
        self.by_name.insert(self.name_buf.clone(), id);
        Ok(id)
    }
}

impl<T> std::fmt::Debug for InsertWriter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InsertWriter")
            .field("table", &self.schema.name)
            .field("precision", &self.precision)
            .field("max_sql_len", &self.max_sql_len)
            .field("pending_rows", &self.pending_rows)
            .field("rows_pushed", &self.next_row)
            .finish_non_exhaustive()
    }
}

fn push_name_list<'a>(out: &mut String, names: impl Iterator<Item = &'a str>) {
    out.push_str(" (");
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_quoted_lower(out, name);
    }
    out.push(')');
}
