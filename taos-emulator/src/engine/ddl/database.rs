//! Database options: parsing, range checks, CREATE/ALTER/DROP DATABASE.

use super::super::catalog::{Catalog, Database, DbOptions};
use super::super::error::*;
use super::{check_name, db_mut, now_ms};
use crate::api::{Session, TdError};
use crate::sql::ast::OptValue;
use std::collections::HashMap;
use taos_query::common::Precision;
use taos_rules::names::NameKind;

/// `CREATE DATABASE`.
pub fn create_database(
    cat: &mut Catalog,
    if_not_exists: bool,
    name: &str,
    options: &[(String, OptValue)],
) -> Result<(), TdError> {
    check_name(name, NameKind::Database.max_len())?;
    if name == "information_schema" || name == "performance_schema" || cat.dbs.contains_key(name) {
        return if if_not_exists {
            Ok(())
        } else {
            Err(TdError::new(0x0381, "Database already exists"))
        };
    }
    let mut opts = DbOptions::default();
    let mut precision = Precision::Millisecond;
    for (k, v) in options {
        if k == "precision" {
            precision = match v {
                OptValue::Str(s) if s == "ms" => Precision::Millisecond,
                OptValue::Str(s) if s == "us" => Precision::Microsecond,
                OptValue::Str(s) if s == "ns" => Precision::Nanosecond,
                _ => return Err(db_option(format_args!("precision: {}", opt_text(v)))),
            };
        } else {
            apply_db_option(&mut opts, k, v)?;
        }
    }
    validate_keep(&opts)?;
    cat.dbs.insert(
        name.to_string(),
        Database {
            name: name.to_string(),
            precision,
            options: opts,
            create_time: now_ms(),
            stables: HashMap::new(),
            tables: HashMap::new(),
        },
    );
    Ok(())
}

/// `ALTER DATABASE`.
pub fn alter_database(
    cat: &mut Catalog,
    name: &str,
    options: &[(String, OptValue)],
) -> Result<(), TdError> {
    let db = db_mut(cat, name)?;
    let mut opts = db.options.clone();
    for (k, v) in options {
        if k == "precision" {
            return Err(TdError::new(0x2600, "syntax error near \"precision\""));
        }
        apply_db_option(&mut opts, k, v)?;
    }
    validate_keep(&opts)?;
    db.options = opts;
    Ok(())
}

fn opt_text(v: &OptValue) -> String {
    match v {
        OptValue::Int(i) => i.to_string(),
        OptValue::Str(s) => s.clone(),
        OptValue::Duration(n, u) => format!("{n}{u}"),
        OptValue::List(l) => l.iter().map(opt_text).collect::<Vec<_>>().join(","),
    }
}

/// A KEEP/DURATION value in minutes (bare numbers are days; units m/h/d).
fn minutes(name: &str, v: &OptValue) -> Result<i64, TdError> {
    match v {
        OptValue::Int(n) => Ok(n.saturating_mul(1440)),
        OptValue::Duration(n, 'm') => Ok(*n),
        OptValue::Duration(n, 'h') => Ok(n.saturating_mul(60)),
        OptValue::Duration(n, 'd') => Ok(n.saturating_mul(1440)),
        OptValue::Duration(_, u) => Err(TdError::new(
            0x2618,
            format!("Invalid option {name} unit: {u}, only m, h, d allowed"),
        )),
        _ => Err(db_option(format_args!("{name}: {}", opt_text(v)))),
    }
}

fn int_in(name: &str, v: &OptValue, lo: i64, hi: i64) -> Result<i64, TdError> {
    match v {
        OptValue::Int(n) if (lo..=hi).contains(n) => Ok(*n),
        OptValue::Int(n) => Err(db_option(format_args!(
            "{name}: {n} valid range: [{lo}, {hi}]"
        ))),
        _ => Err(db_option(format_args!("{name}: {}", opt_text(v)))),
    }
}

fn apply_db_option(o: &mut DbOptions, k: &str, v: &OptValue) -> Result<(), TdError> {
    match k {
        "keep" => {
            let vals: Vec<i64> = match v {
                OptValue::List(l) if l.len() <= 3 => {
                    l.iter().map(|x| minutes(k, x)).collect::<Result<_, _>>()?
                }
                OptValue::List(_) => {
                    return Err(TdError::new(0x2618, "Invalid number of keep options"))
                }
                v => vec![minutes(k, v)?],
            };
            if vals.windows(2).any(|w| w[0] > w[1]) {
                return Err(TdError::new(
                    0x2618,
                    "Invalid keep value, should be keep0 <= keep1 <= keep2",
                ));
            }
            for m in &vals {
                if !(1440..=525_600_000).contains(m) {
                    return Err(db_option(format_args!(
                        "keep: {m} valid range: [1440, 525600000]"
                    )));
                }
            }
            let last = *vals.last().unwrap_or(&5_256_000);
            o.keep = [
                vals.first().copied().unwrap_or(last),
                vals.get(1).copied().unwrap_or(last),
                last,
            ];
        }
        "duration" => {
            let m = minutes(k, v)?;
            if !(60..=5_256_000).contains(&m) {
                return Err(db_option(format_args!(
                    "duration: {m} valid range: [60, 5256000]"
                )));
            }
            o.duration = m;
        }
        "vgroups" => o.vgroups = int_in(k, v, 1, 1024)?,
        "replica" => {
            o.replica = int_in(k, v, 1, 3)?;
            if o.replica == 2 {
                return Err(TdError::new(
                    0x2618,
                    "Invalid option replica: 2, only 1, 3 allowed",
                ));
            }
        }
        "buffer" => o.buffer = int_in(k, v, 3, 16384)?,
        "cachemodel" => match v {
            OptValue::Str(s)
                if ["none", "last_row", "last_value", "both"].contains(&s.as_str()) =>
            {
                o.cachemodel = s.clone()
            }
            _ => return Err(db_option(format_args!("cachemodel: {}", opt_text(v)))),
        },
        "cachesize" => o.cachesize = int_in(k, v, 1, 65536)?,
        "comp" => o.comp = int_in(k, v, 0, 2)?,
        "wal_level" => o.wal_level = int_in(k, v, 0, 2)?,
        "wal_fsync_period" => o.wal_fsync_period = int_in(k, v, 0, 180_000)?,
        "wal_retention_period" => o.wal_retention_period = int_in(k, v, -1, i32::MAX as i64)?,
        "wal_retention_size" => o.wal_retention_size = int_in(k, v, -1, i64::MAX)?,
        "wal_roll_period" | "wal_segment_size" => {
            int_in(k, v, 0, i64::MAX)?;
        }
        "stt_trigger" => o.stt_trigger = int_in(k, v, 1, 16)?,
        "single_stable" => o.single_stable = int_in(k, v, 0, 1)? == 1,
        "table_prefix" => o.table_prefix = int_in(k, v, -128, 128)?,
        "table_suffix" => o.table_suffix = int_in(k, v, -128, 128)?,
        "minrows" => o.minrows = int_in(k, v, 10, 1_000_000)?,
        "maxrows" => o.maxrows = int_in(k, v, 200, 10_000)?,
        "pages" => o.pages = int_in(k, v, 64, i32::MAX as i64)?,
        "pagesize" => o.pagesize = int_in(k, v, 1, 16384)?,
        "tsdb_pagesize" => o.tsdb_pagesize = int_in(k, v, 1, 16384)?,
        "keep_time_offset" => o.keep_time_offset = int_in(k, v, 0, 23)?,
        "strict"
        | "dnodes"
        | "s3_chunkpages"
        | "s3_keeplocal"
        | "s3_compact"
        | "schemaless"
        | "compact_interval"
        | "compact_time_range"
        | "compact_time_offset"
        | "encrypt_algorithm" => {}
        _ => return Err(TdError::new(0x2600, format!("syntax error near \"{k}\""))),
    }
    Ok(())
}

fn validate_keep(o: &DbOptions) -> Result<(), TdError> {
    if o.keep[0] < 3 * o.duration {
        return Err(TdError::new(
            0x2618,
            format!(
                "Invalid option keep: {}, {}, {} should larger than 3 times duration {}",
                o.keep[0], o.keep[1], o.keep[2], o.duration
            ),
        ));
    }
    if o.minrows >= o.maxrows {
        return Err(db_option("minrows should less than maxrows"));
    }
    Ok(())
}

/// `DROP DATABASE`.
pub fn drop_database(
    cat: &mut Catalog,
    session: &mut Session,
    if_exists: bool,
    name: &str,
) -> Result<(), TdError> {
    if cat.dbs.remove(name).is_none() && !if_exists {
        return Err(db_not_exist());
    }
    if session.database.as_deref() == Some(name) {
        session.database = None;
    }
    Ok(())
}
