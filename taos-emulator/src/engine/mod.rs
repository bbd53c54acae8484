//! The SQL engine: an in-memory TDengine.
//!
//! State lives in one [`Catalog`] behind a read/write lock. Statements are
//! parsed before the lock is taken, and each statement holds the lock only
//! for its own run, so many connections interleave statement by statement.

pub mod block;
pub mod bound;
pub mod catalog;
pub mod convert;
mod ddl;
pub mod error;
mod geometry;
mod insert;
mod json_tag;
mod meta;
pub mod query;
mod schemaless;
pub mod storage;
pub mod time;
pub mod tmq;
pub mod value;

use crate::api::{Executor, Output, Session, TdError};
use crate::sql::ast::Statement;
use catalog::Catalog;
use std::sync::Arc;

use parking_lot::RwLock;

/// The engine shared by every connection of an emulator.
///
/// ```
/// use taos_emulator::api::{Executor, Output, Session};
/// use taos_emulator::Engine;
///
/// let engine = Engine::new();
/// let mut s = Session::default();
/// engine.execute(&mut s, "CREATE DATABASE power PRECISION 'ms'").unwrap();
/// engine.execute(&mut s, "USE power").unwrap();
/// engine.execute(&mut s, "CREATE TABLE t (ts TIMESTAMP, v INT)").unwrap();
/// let out = engine.execute(&mut s, "INSERT INTO t VALUES (1700000000000, 1) (1700000000001, 2)").unwrap();
/// assert!(matches!(out, Output::Affected(2)));
/// let Output::Rows(r) = engine.execute(&mut s, "SELECT count(*) FROM t").unwrap() else { panic!() };
/// assert_eq!(r.fields[0].name, "count(*)");
/// assert_eq!(r.rows, 1);
/// ```
#[derive(Debug, Default)]
pub struct Engine {
    /// Readers take a snapshot and let go of the lock at once, so a long
    /// query never holds writers up; a writer changes the catalog in
    /// place, or a copy of it while snapshots share it.
    catalog: RwLock<Arc<Catalog>>,
    /// The write log and consumer groups, beside the catalog: consumers
    /// poll and commit without copying it.
    pub(crate) tmq: tmq::Tmq,
}

impl Engine {
    /// An empty engine (no user databases).
    pub fn new() -> Self {
        Self::default()
    }

    /// Stored rows and the heap bytes holding them, over every table of
    /// every database: what memory measurements divide (tags and the
    /// catalog are not counted).
    pub fn storage_footprint(&self) -> (usize, usize) {
        let cat = self.snapshot();
        let tables = cat.dbs.values().flat_map(|db| db.tables.values());
        tables.fold((0, 0), |(rows, bytes), t| {
            (rows + t.data.len(), bytes + t.data.heap_bytes())
        })
    }
}

/// Chained operators up to which a statement runs on the caller's stack.
const SHALLOW: usize = 256;
/// Stack per chained operator beyond that: compiling, folding, evaluating
/// and dropping a left-deep tree each recurse once per level.
const STACK_PER_OPERATOR: usize = 4096;

impl Executor for Engine {
    fn execute(&self, session: &mut Session, sql: &str) -> Result<Output, TdError> {
        let parsed = crate::sql::parse(sql)?;
        if parsed.chained <= SHALLOW {
            return self.run(session, &parsed);
        }
        // A 10,000-term OR is a 10,000-deep tree: give it a stack that
        // deep (reserved, touched only as far as used), and drop the tree
        // there too.
        let size = (1 << 20) + parsed.chained * STACK_PER_OPERATOR;
        stacker::grow(size, move || {
            let out = self.run(session, &parsed);
            drop(parsed);
            out
        })
    }
}

impl Engine {
    /// The catalog as it is now, for one reader, without holding the lock.
    pub(crate) fn snapshot(&self) -> Arc<Catalog> {
        Arc::clone(&self.catalog.read())
    }

    fn run(&self, session: &mut Session, parsed: &crate::sql::Parsed) -> Result<Output, TdError> {
        let src = parsed.src.as_str();
        match &parsed.stmt {
            Statement::Select(s) => {
                let cat = self.snapshot();
                query::select(&cat, session, s).map(Output::Rows)
            }
            Statement::InsertSelect {
                table,
                columns,
                select,
            } => {
                let mut guard = self.catalog.write();
                let cat = Arc::make_mut(&mut guard);
                let n = insert::insert_select(cat, session, table, columns.as_deref(), select);
                self.tmq.log_writes(cat);
                n.map(Output::Affected)
            }
            Statement::Delete { table, filter } => {
                let mut guard = self.catalog.write();
                let cat = Arc::make_mut(&mut guard);
                query::delete(cat, session, table, filter).map(Output::Affected)
            }
            Statement::Insert(targets) => {
                let mut guard = self.catalog.write();
                let cat = Arc::make_mut(&mut guard);
                let n = insert::insert(cat, session, src, targets);
                self.tmq.log_writes(cat);
                n.map(Output::Affected)
            }
            Statement::Describe(t) => {
                let cat = self.snapshot();
                meta::describe(&cat, session, t).map(Output::Rows)
            }
            Statement::Show(crate::sql::ast::Show::Consumers) => {
                Ok(Output::Rows(meta::result(self.tmq.show_consumers())))
            }
            Statement::Show(crate::sql::ast::Show::Subscriptions) => {
                let cat = self.snapshot();
                Ok(Output::Rows(meta::result(
                    self.tmq.show_subscriptions(&cat),
                )))
            }
            Statement::CreateTopic {
                if_not_exists,
                name,
                with_meta,
                source,
            } => {
                let mut guard = self.catalog.write();
                if guard.topics.contains_key(name) {
                    return if *if_not_exists {
                        Ok(Output::Affected(0))
                    } else {
                        Err(tmq::topic_exists())
                    };
                }
                let topic = tmq::Topic::create(
                    &guard,
                    session,
                    name,
                    *with_meta,
                    source,
                    src,
                    ddl::now_ms(),
                )?;
                Arc::make_mut(&mut guard).topics.insert(name.clone(), topic);
                Ok(Output::Affected(0))
            }
            Statement::DropTopic {
                if_exists,
                name,
                force,
            } => {
                let mut guard = self.catalog.write();
                if !guard.topics.contains_key(name) {
                    return if *if_exists {
                        Ok(Output::Affected(0))
                    } else {
                        Err(tmq::topic_not_exist())
                    };
                }
                if !force && self.tmq.subscribed(name) {
                    return Err(TdError::new(0x03EB, "Topic subscribed cannot be dropped"));
                }
                Arc::make_mut(&mut guard).topics.remove(name);
                self.tmq.drop_topic(name);
                Ok(Output::Affected(0))
            }
            Statement::DropDatabase { if_exists, name } => {
                let mut guard = self.catalog.write();
                if guard.topics.values().any(|t| &t.db == name) {
                    return Err(TdError::new(0x03ED, "Topic must be dropped first"));
                }
                let cat = Arc::make_mut(&mut guard);
                ddl::drop_database(cat, session, *if_exists, name)?;
                self.tmq.drop_database(name);
                Ok(Output::Affected(0))
            }
            Statement::Show(what) => {
                let cat = self.snapshot();
                meta::show(&cat, session, what).map(Output::Rows)
            }
            Statement::Use(db) => {
                let cat = self.snapshot();
                if !cat.dbs.contains_key(db)
                    && db != "information_schema"
                    && db != "performance_schema"
                {
                    return Err(error::db_not_exist());
                }
                session.database = Some(db.clone());
                Ok(Output::Affected(0))
            }
            stmt => {
                let mut guard = self.catalog.write();
                let cat = Arc::make_mut(&mut guard);
                ddl_statement(cat, session, src, stmt).map(|()| Output::Affected(0))
            }
        }
    }
}

fn ddl_statement(
    cat: &mut Catalog,
    session: &mut Session,
    src: &str,
    stmt: &Statement,
) -> Result<(), TdError> {
    match stmt {
        Statement::CreateDatabase {
            if_not_exists,
            name,
            options,
        } => ddl::create_database(cat, *if_not_exists, name, options),
        Statement::AlterDatabase { name, options } => ddl::alter_database(cat, name, options),
        Statement::CreateStable {
            if_not_exists,
            name,
            columns,
            tags,
            comment,
        } => ddl::create_stable(cat, session, *if_not_exists, name, columns, tags, comment),
        Statement::CreateTable {
            if_not_exists,
            name,
            columns,
            comment,
        } => ddl::create_table(cat, session, *if_not_exists, name, columns, comment),
        Statement::CreateChildren(children) => ddl::create_children(cat, session, src, children),
        Statement::DropTables(items) => ddl::drop_tables(cat, session, items),
        Statement::DropStable { if_exists, name } => {
            ddl::drop_stable(cat, session, *if_exists, name)
        }
        Statement::Alter {
            stable,
            name,
            action,
        } => ddl::alter(cat, session, src, *stable, name, action),
        _ => Err(error::unsupported("statement")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(engine: &Engine, sql: &str) -> usize {
        match engine.execute(&mut Session::default(), sql) {
            Ok(Output::Rows(r)) => r.rows,
            other => panic!("{other:?}"),
        }
    }

    /// A reader's snapshot (what a long query works on) does not hold a
    /// writer up, and the reader keeps seeing the catalog as it was.
    #[test]
    fn writers_do_not_wait_for_readers() {
        let engine = Arc::new(Engine::default());
        let mut s = Session::default();
        for sql in [
            "CREATE DATABASE w",
            "CREATE TABLE w.t (ts TIMESTAMP, v INT)",
            "INSERT INTO w.t VALUES (1700000000000, 1)",
        ] {
            engine.execute(&mut s, sql).unwrap();
        }
        let held = engine.snapshot();
        let writer = {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                let mut s = Session::default();
                engine
                    .execute(&mut s, "INSERT INTO w.t VALUES (1700000001000, 2)")
                    .map(|_| ())
            })
        };
        let started = std::time::Instant::now();
        while !writer.is_finished() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "the writer waits for the reader"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        writer.join().unwrap().unwrap();
        assert_eq!(
            held.dbs["w"].tables["t"].data.len(),
            1,
            "the snapshot is unchanged"
        );
        drop(held);
        assert_eq!(rows_of(&engine, "SELECT * FROM w.t"), 2);
    }
}
