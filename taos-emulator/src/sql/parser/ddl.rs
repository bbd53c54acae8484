//! CREATE / DROP / ALTER / SHOW.

use super::{parse_duration, parse_int, Parser};
use crate::api::TdError;
use crate::sql::ast::{AlterAction, ColumnSpec, CreateChild, OptValue, Show, Statement};
use crate::sql::lexer::Tok;

impl Parser<'_> {
    pub(super) fn create(&mut self) -> Result<Statement, TdError> {
        self.expect_kw("create")?;
        if self.eat_kw("database") {
            let if_not_exists = self.if_not_exists()?;
            let name = self.ident()?;
            let options = self.db_options()?;
            return Ok(Statement::CreateDatabase {
                if_not_exists,
                name,
                options,
            });
        }
        if self.eat_kw("topic") {
            return self.create_topic();
        }
        let is_stable = self.eat_kw("stable");
        if !is_stable {
            self.expect_kw("table")?;
        }
        let if_not_exists = self.if_not_exists()?;
        let name = self.table_name()?;
        if !is_stable && self.is_kw("using") {
            return self.create_children(if_not_exists, name);
        }
        let columns = self.column_specs()?;
        let tags = if self.eat_kw("tags") {
            Some(self.column_specs()?)
        } else {
            None
        };
        let comment = self.table_options()?;
        match tags {
            Some(tags) => Ok(Statement::CreateStable {
                if_not_exists,
                name,
                columns,
                tags,
                comment,
            }),
            None if is_stable => Err(self.error()),
            None => Ok(Statement::CreateTable {
                if_not_exists,
                name,
                columns,
                comment,
            }),
        }
    }

    fn create_children(
        &mut self,
        mut if_not_exists: bool,
        mut name: crate::sql::ast::TableName,
    ) -> Result<Statement, TdError> {
        let mut out = Vec::new();
        loop {
            self.expect_kw("using")?;
            let stable = self.table_name()?;
            let tag_names = self.opt_name_list()?;
            self.expect_kw("tags")?;
            let tags = self.value_list()?;
            self.table_options()?;
            out.push(CreateChild {
                if_not_exists,
                name,
                stable,
                tag_names,
                tags,
            });
            if matches!(self.peek().kind, Tok::Eof | Tok::Semi) {
                return Ok(Statement::CreateChildren(out));
            }
            if_not_exists = self.if_not_exists()?;
            name = self.table_name()?;
        }
    }

    pub(super) fn if_not_exists(&mut self) -> Result<bool, TdError> {
        if self.eat_kw("if") {
            self.expect_kw("not")?;
            self.expect_kw("exists")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub(super) fn if_exists(&mut self) -> Result<bool, TdError> {
        if self.eat_kw("if") {
            self.expect_kw("exists")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// `(name, …)` if present.
    pub(super) fn opt_name_list(&mut self) -> Result<Option<Vec<String>>, TdError> {
        if self.peek().kind != Tok::LParen {
            return Ok(None);
        }
        self.pos += 1;
        let mut names = vec![self.ident()?];
        while self.eat(Tok::Comma) {
            names.push(self.ident()?);
        }
        self.expect(Tok::RParen)?;
        Ok(Some(names))
    }

    fn column_specs(&mut self) -> Result<Vec<ColumnSpec>, TdError> {
        self.expect(Tok::LParen)?;
        let mut out = vec![self.column_spec()?];
        while self.eat(Tok::Comma) {
            out.push(self.column_spec()?);
        }
        self.expect(Tok::RParen)?;
        Ok(out)
    }

    fn column_spec(&mut self) -> Result<ColumnSpec, TdError> {
        let name = self.ident()?;
        let dt = self.data_type()?;
        let mut spec = ColumnSpec {
            name,
            dt,
            primary_key: false,
            encode: None,
            compress: None,
            level: None,
        };
        loop {
            if self.is_kw("primary") || self.is_kw("composite") {
                self.pos += 1;
                self.expect_kw("key")?;
                spec.primary_key = true;
            } else if self.eat_kw("encode") {
                spec.encode = Some(self.string()?);
            } else if self.eat_kw("compress") {
                spec.compress = Some(self.string()?);
            } else if self.eat_kw("level") {
                spec.level = Some(self.string()?);
            } else {
                return Ok(spec);
            }
        }
    }

    /// Table options; only COMMENT is kept.
    fn table_options(&mut self) -> Result<Option<String>, TdError> {
        let mut comment = None;
        loop {
            if self.eat_kw("comment") {
                comment = Some(self.string()?);
            } else if self.is_kw("sma") || self.is_kw("rollup") {
                self.pos += 1;
                self.opt_name_list()?;
            } else if ["ttl", "keep", "max_delay", "watermark", "delete_mark"]
                .iter()
                .any(|k| self.is_kw(k))
            {
                self.pos += 1;
                self.opt_value()?;
            } else {
                return Ok(comment);
            }
        }
    }

    fn db_options(&mut self) -> Result<Vec<(String, OptValue)>, TdError> {
        let mut out = Vec::new();
        while self.peek().kind == Tok::Ident {
            let t = self.next();
            let name = self.text(t).to_string();
            out.push((name, self.opt_value()?));
        }
        Ok(out)
    }

    fn opt_value(&mut self) -> Result<OptValue, TdError> {
        let first = self.opt_scalar()?;
        if self.peek().kind != Tok::Comma {
            return Ok(first);
        }
        let mut list = vec![first];
        while self.eat(Tok::Comma) {
            list.push(self.opt_scalar()?);
        }
        Ok(OptValue::List(list))
    }

    fn opt_scalar(&mut self) -> Result<OptValue, TdError> {
        let t = self.peek();
        let neg = t.kind == Tok::Minus;
        if neg {
            self.pos += 1;
        }
        let t = self.peek();
        let v = match t.kind {
            Tok::Int => parse_int(self.text(t))
                .and_then(|v| i64::try_from(v).ok())
                .map(|v| OptValue::Int(if neg { -v } else { v })),
            Tok::Duration if !neg => {
                parse_duration(self.text(t)).map(|(n, u)| OptValue::Duration(n, u))
            }
            Tok::Str if !neg => Some(OptValue::Str(crate::sql::lexer::unescape(self.text(t)))),
            _ => None,
        };
        match v {
            Some(v) => {
                self.pos += 1;
                Ok(v)
            }
            None => Err(self.error_at(t)),
        }
    }

    pub(super) fn drop(&mut self) -> Result<Statement, TdError> {
        self.expect_kw("drop")?;
        if self.eat_kw("database") {
            let if_exists = self.if_exists()?;
            return Ok(Statement::DropDatabase {
                if_exists,
                name: self.ident()?,
            });
        }
        if self.eat_kw("topic") {
            return self.drop_topic();
        }
        if self.eat_kw("stable") {
            let if_exists = self.if_exists()?;
            let name = self.table_name()?;
            if self.peek().kind == Tok::Comma {
                return Err(TdError::new(0x263A, "Cannot drop super table in batch"));
            }
            return Ok(Statement::DropStable { if_exists, name });
        }
        self.expect_kw("table")?;
        let mut out = Vec::new();
        loop {
            let if_exists = self.if_exists()?;
            out.push((if_exists, self.table_name()?));
            if !self.eat(Tok::Comma) {
                return Ok(Statement::DropTables(out));
            }
        }
    }

    pub(super) fn alter(&mut self) -> Result<Statement, TdError> {
        self.expect_kw("alter")?;
        if self.eat_kw("database") {
            let name = self.ident()?;
            let options = self.db_options()?;
            return Ok(Statement::AlterDatabase { name, options });
        }
        let stable = self.eat_kw("stable");
        if !stable {
            self.expect_kw("table")?;
        }
        let name = self.table_name()?;
        let action = self.alter_action()?;
        Ok(Statement::Alter {
            stable,
            name,
            action,
        })
    }

    fn alter_action(&mut self) -> Result<AlterAction, TdError> {
        let t = self.next();
        let verb = if t.kind == Tok::Ident {
            self.text(t)
        } else {
            return Err(self.error_at(t));
        };
        let target = self.peek();
        let is_tag = match self.text(target) {
            "tag" if target.kind == Tok::Ident => true,
            "column" if target.kind == Tok::Ident => false,
            _ => {
                self.pos -= 1;
                let comment = self.table_options()?;
                return Ok(AlterAction::Options(comment));
            }
        };
        self.pos += 1;
        Ok(match (verb, is_tag) {
            ("add", false) => AlterAction::AddColumn(self.column_spec()?),
            ("add", true) => AlterAction::AddTag(self.column_spec()?),
            ("drop", false) => AlterAction::DropColumn(self.ident()?),
            ("drop", true) => AlterAction::DropTag(self.ident()?),
            ("modify", false) => AlterAction::ModifyColumn(self.ident()?, self.data_type()?),
            ("modify", true) => AlterAction::ModifyTag(self.ident()?, self.data_type()?),
            ("rename", false) => AlterAction::RenameColumn(self.ident()?, self.ident()?),
            ("rename", true) => AlterAction::RenameTag(self.ident()?, self.ident()?),
            ("set", true) => {
                let mut out = Vec::new();
                loop {
                    let name = self.ident()?;
                    self.expect(Tok::Eq)?;
                    out.push((name, self.value_expr()?));
                    if !self.eat(Tok::Comma) {
                        break AlterAction::SetTags(out);
                    }
                    // Later items may repeat the `TAG` keyword.
                    self.eat_kw("tag");
                }
            }
            _ => return Err(self.error_at(t)),
        })
    }

    pub(super) fn show(&mut self) -> Result<Statement, TdError> {
        self.expect_kw("show")?;
        if self.eat_kw("databases") {
            return Ok(Statement::Show(Show::Databases));
        }
        for (kw, show) in [
            ("topics", Show::Topics),
            ("consumers", Show::Consumers),
            ("subscriptions", Show::Subscriptions),
        ] {
            if self.eat_kw(kw) {
                return Ok(Statement::Show(show));
            }
        }
        if self.eat_kw("create") {
            if self.eat_kw("database") {
                return Ok(Statement::Show(Show::CreateDatabase(self.ident()?)));
            }
            let stable = self.eat_kw("stable");
            if !stable {
                self.expect_kw("table")?;
            }
            return Ok(Statement::Show(Show::CreateTable(
                self.table_name()?,
                stable,
            )));
        }
        if self.is_kw("table") && self.is_kw_at(1, "tags") {
            self.pos += 2;
            self.expect_kw("from")?;
            let mut name = self.table_name()?;
            if self.eat_kw("from") {
                name.db = Some(self.ident()?);
            }
            return Ok(Statement::Show(Show::TableTags(name)));
        }
        if self.eat_kw("tags") {
            self.expect_kw("from")?;
            let mut name = self.table_name()?;
            if self.eat_kw("from") {
                name.db = Some(self.ident()?);
            }
            return Ok(Statement::Show(Show::Tags(name)));
        }
        let db = if self.peek_at(1).kind == Tok::Dot {
            let db = self.ident()?;
            self.expect(Tok::Dot)?;
            Some(db)
        } else {
            None
        };
        let stables = if self.eat_kw("stables") {
            true
        } else {
            self.expect_kw("tables")?;
            false
        };
        let like = if self.eat_kw("like") {
            Some(self.string()?)
        } else {
            None
        };
        Ok(Statement::Show(if stables {
            Show::Stables(db, like)
        } else {
            Show::Tables(db, like)
        }))
    }
}
