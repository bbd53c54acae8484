//! CREATE TOPIC / DROP TOPIC: TMQ's three kinds of topic.

use super::Parser;
use crate::api::TdError;
use crate::sql::ast::{Statement, TopicSource};

impl Parser<'_> {
    /// After `CREATE TOPIC`: `[IF NOT EXISTS] name [WITH META] AS
    /// (SELECT … | STABLE [db.]stb [WHERE …] | DATABASE db)`.
    pub(super) fn create_topic(&mut self) -> Result<Statement, TdError> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.ident()?;
        let with_meta = if self.eat_kw("with") {
            self.expect_kw("meta")?;
            true
        } else {
            false
        };
        self.expect_kw("as")?;
        let source = if self.is_kw("select") {
            if with_meta {
                return Err(self.error());
            }
            TopicSource::Query(Box::new(self.select()?))
        } else if self.eat_kw("stable") {
            let table = self.table_name()?;
            let filter = if self.eat_kw("where") {
                Some(self.expr()?)
            } else {
                None
            };
            TopicSource::Stable { table, filter }
        } else {
            self.expect_kw("database")?;
            TopicSource::Database(self.ident()?)
        };
        Ok(Statement::CreateTopic {
            if_not_exists,
            name,
            with_meta,
            source,
        })
    }

    /// After `DROP TOPIC`: `[IF EXISTS] [FORCE] name`, FORCE before the
    /// name as TDengine 3.3 has it.
    pub(super) fn drop_topic(&mut self) -> Result<Statement, TdError> {
        let if_exists = self.if_exists()?;
        let force = self.eat_kw("force");
        let name = self.ident()?;
        Ok(Statement::DropTopic {
            if_exists,
            name,
            force,
        })
    }
}
