//! `CREATE DATABASE` options.

use taos::taos_query::common::Precision;

use crate::error::{Error, Result};
use crate::sql::{write_ident, NameKind};

/// A KEEP or DURATION length in the units TDengine accepts (`m`, `h`, `d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Minutes (`60m`).
    Minutes(u32),
    /// Hours (`100h`).
    Hours(u32),
    /// Days (`3650d`).
    Days(u32),
}

impl Span {
    fn minutes(self) -> u64 {
        match self {
            Span::Minutes(n) => u64::from(n),
            Span::Hours(n) => u64::from(n) * 60,
            Span::Days(n) => u64::from(n) * 1440,
        }
    }

    fn write(self, out: &mut String) {
        let (n, unit) = match self {
            Span::Minutes(n) => (n, 'm'),
            Span::Hours(n) => (n, 'h'),
            Span::Days(n) => (n, 'd'),
        };
        out.push_str(itoa::Buffer::new().format(n));
        out.push(unit);
    }
}

/// Which last values the server caches (`CACHEMODEL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheModel {
    /// `'none'`: no cache (the default).
    None,
    /// `'last_row'`: the last row of each table (speeds up `LAST_ROW`).
    LastRow,
    /// `'last_value'`: the last non-NULL value per column (speeds up `LAST`).
    LastValue,
    /// `'both'`.
    Both,
}

impl CacheModel {
    const fn as_str(self) -> &'static str {
        match self {
            CacheModel::None => "none",
            CacheModel::LastRow => "last_row",
            CacheModel::LastValue => "last_value",
            CacheModel::Both => "both",
        }
    }
}

/// A `CREATE DATABASE IF NOT EXISTS` statement; unset options keep the
/// server's defaults.
///
/// ```
/// use taos_orm::ddl::{DatabaseOptions, Span};
/// use taos_orm::Precision;
///
/// let sql = DatabaseOptions::new("power")
///     .precision(Precision::Microsecond)
///     .keep(Span::Days(365))
///     .duration(Span::Days(10))
///     .vgroups(4)
///     .create_sql()
///     .unwrap();
/// assert_eq!(
///     sql,
///     "CREATE DATABASE IF NOT EXISTS `power` VGROUPS 4 PRECISION 'us' KEEP 365d DURATION 10d"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct DatabaseOptions {
    name: String,
    vgroups: Option<u32>,
    precision: Option<Precision>,
    keep: Option<Span>,
    duration: Option<Span>,
    replica: Option<u8>,
    buffer: Option<u32>,
    cache_model: Option<CacheModel>,
    cache_size: Option<u32>,
    comp: Option<u8>,
    wal_level: Option<u8>,
    wal_retention_period: Option<u32>,
    stt_trigger: Option<u32>,
    single_stable: Option<bool>,
    minrows: Option<u32>,
    maxrows: Option<u32>,
    pages: Option<u32>,
    pagesize: Option<u32>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: $ty) -> Self {
                self.$name = Some(value);
                self
            }
        )*
    };
}

impl DatabaseOptions {
    /// Options for database `name`, all at the server defaults.
    pub fn new(name: impl Into<String>) -> Self {
        DatabaseOptions {
            name: name.into(),
            vgroups: None,
            precision: None,
            keep: None,
            duration: None,
            replica: None,
            buffer: None,
            cache_model: None,
            cache_size: None,
            comp: None,
            wal_level: None,
            wal_retention_period: None,
            stt_trigger: None,
            single_stable: None,
            minrows: None,
            maxrows: None,
            pages: None,
            pagesize: None,
        }
    }

    setters! {
        /// `VGROUPS n`, 1..=1024 (server default 2).
        vgroups: u32;
        /// `PRECISION 'ms'|'us'|'ns'` (default ms); fixed once created.
        precision: Precision;
        /// `KEEP`: how long data is kept, 1 day..=365000 days and at least 3×DURATION (default 3650d).
        keep: Span;
        /// `DURATION`: the time span of one data file (default 10d).
        duration: Span;
        /// `REPLICA 1|3`.
        replica: u8;
        /// `BUFFER` per vnode write buffer, in MB.
        buffer: u32;
        /// `CACHEMODEL`.
        cache_model: CacheModel;
        /// `CACHESIZE` per vnode, in MB.
        cache_size: u32;
        /// `COMP 0|1|2`: compression passes.
        comp: u8;
        /// `WAL_LEVEL 1|2`: 2 also fsyncs.
        wal_level: u8;
        /// `WAL_RETENTION_PERIOD`, in seconds.
        wal_retention_period: u32;
        /// `STT_TRIGGER n`.
        stt_trigger: u32;
        /// `SINGLE_STABLE 0|1`: whether the database holds only one super table.
        single_stable: bool;
        /// `MINROWS n` per file block.
        minrows: u32;
        /// `MAXROWS n` per file block.
        maxrows: u32;
        /// `PAGES n` of the metadata cache per vnode.
        pages: u32;
        /// `PAGESIZE` of the metadata cache, in KB.
        pagesize: u32;
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The precision asked for, if any.
    pub(crate) fn precision_asked(&self) -> Option<Precision> {
        self.precision
    }

    /// The precision the database will have (ms unless set).
    pub fn effective_precision(&self) -> Precision {
        self.precision.unwrap_or_default()
    }

    /// The `CREATE DATABASE IF NOT EXISTS` statement; [`Error::InvalidArgument`]
    /// for a bad name or an option outside its documented range.
    pub fn create_sql(&self) -> Result<String> {
        self.check()?;
        let mut sql = String::from("CREATE DATABASE IF NOT EXISTS ");
        write_ident(&mut sql, &self.name, NameKind::Database)?;
        let num = |sql: &mut String, keyword: &str, v: Option<u32>| {
            if let Some(v) = v {
                sql.push(' ');
                sql.push_str(keyword);
                sql.push(' ');
                sql.push_str(itoa::Buffer::new().format(v));
            }
        };
        num(&mut sql, "VGROUPS", self.vgroups);
        if let Some(p) = self.precision {
            sql.push_str(" PRECISION '");
            sql.push_str(p.as_str());
            sql.push('\'');
        }
        for (keyword, span) in [("KEEP", self.keep), ("DURATION", self.duration)] {
            if let Some(span) = span {
                sql.push(' ');
                sql.push_str(keyword);
                sql.push(' ');
                span.write(&mut sql);
            }
        }
        num(&mut sql, "REPLICA", self.replica.map(u32::from));
        num(&mut sql, "BUFFER", self.buffer);
        if let Some(model) = self.cache_model {
            sql.push_str(" CACHEMODEL '");
            sql.push_str(model.as_str());
            sql.push('\'');
        }
        num(&mut sql, "CACHESIZE", self.cache_size);
        num(&mut sql, "COMP", self.comp.map(u32::from));
        num(&mut sql, "WAL_LEVEL", self.wal_level.map(u32::from));
        num(&mut sql, "WAL_RETENTION_PERIOD", self.wal_retention_period);
        num(&mut sql, "STT_TRIGGER", self.stt_trigger);
        num(&mut sql, "SINGLE_STABLE", self.single_stable.map(u32::from));
        num(&mut sql, "MINROWS", self.minrows);
        num(&mut sql, "MAXROWS", self.maxrows);
        num(&mut sql, "PAGES", self.pages);
        num(&mut sql, "PAGESIZE", self.pagesize);
        Ok(sql)
    }

    /// `DROP DATABASE IF EXISTS` for this database.
    pub fn drop_sql(&self) -> Result<String> {
        drop_database(&self.name)
    }

    fn check(&self) -> Result<()> {
        let bad = |what: String| {
            Err(Error::InvalidArgument(format!(
                "database `{}`: {what}",
                self.name
            )))
        };
        if let Some(v) = self.vgroups {
            if !(1..=1024).contains(&v) {
                return bad(format!("VGROUPS {v} is outside 1..=1024"));
            }
        }
        if let Some(r) = self.replica {
            if r != 1 && r != 3 {
                return bad(format!("REPLICA must be 1 or 3, not {r}"));
            }
        }
        if let Some(c) = self.comp {
            if c > 2 {
                return bad(format!("COMP must be 0, 1 or 2, not {c}"));
            }
        }
        if let Some(w) = self.wal_level {
            if w != 1 && w != 2 {
                return bad(format!("WAL_LEVEL must be 1 or 2, not {w}"));
            }
        }
        if let Some(d) = self.duration {
            if d.minutes() == 0 {
                return bad("DURATION must be positive".to_owned());
            }
        }
        if let Some(keep) = self.keep {
            let minutes = keep.minutes();
            if !(1440..=365_000 * 1440).contains(&minutes) {
                return bad("KEEP must be between 1 day and 365000 days".to_owned());
            }
            let duration = self.duration.unwrap_or(Span::Days(10)).minutes();
            if minutes < 3 * duration {
                return bad(
                    "KEEP must be at least 3 times DURATION (10 days unless set)".to_owned(),
                );
            }
        }
        Ok(())
    }
}

/// `DROP DATABASE IF EXISTS `name``.
///
/// ```
/// assert_eq!(taos_orm::ddl::drop_database("Power").unwrap(), "DROP DATABASE IF EXISTS `power`");
/// ```
pub fn drop_database(name: &str) -> Result<String> {
    let mut sql = String::from("DROP DATABASE IF EXISTS ");
    write_ident(&mut sql, name, NameKind::Database)?;
    Ok(sql)
}
