//! The syntax tree of the TDengine statements the emulator understands.

use taos_query::common::Ty;

/// A possibly database-qualified table name.
#[derive(Debug, Clone, PartialEq)]
pub struct TableName {
    /// `db` of `db.tb`.
    pub db: Option<String>,
    /// The table name (case kept when backticked).
    pub name: String,
}

/// A declared column or tag type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataType {
    /// The TDengine type.
    pub ty: Ty,
    /// Declared length for VARCHAR/NCHAR/VARBINARY/GEOMETRY, 0 otherwise.
    pub len: u32,
}

/// A column or tag definition in CREATE/ALTER.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    /// Name.
    pub name: String,
    /// Type.
    pub dt: DataType,
    /// `PRIMARY KEY` / `COMPOSITE KEY`.
    pub primary_key: bool,
    /// `ENCODE '…'`.
    pub encode: Option<String>,
    /// `COMPRESS '…'`.
    pub compress: Option<String>,
    /// `LEVEL '…'`.
    pub level: Option<String>,
}

/// A literal as written in VALUES or TAGS, converted once the target type is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `NULL`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A number; its text (with sign) is the value's span (`-0x1f`, `1.5e3`).
    Number,
    /// A string after unescaping.
    Str(String),
    /// `NOW` / `NOW()`.
    Now,
    /// `TODAY()`.
    Today,
}

/// A literal plus `± duration` terms (`now - 1h`, `1626164208000 + 1s`).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueExpr {
    /// The base literal.
    pub lit: Literal,
    /// `(negate, amount, unit)` terms in order.
    pub offsets: Vec<(bool, i64, char)>,
    /// Byte span of the whole value in the lowered statement.
    pub span: (u32, u32),
}

/// `USING stb [(tags)] TAGS (...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Using {
    /// The super table.
    pub stable: TableName,
    /// Explicit tag names, if given.
    pub tag_names: Option<Vec<String>>,
    /// Tag values.
    pub tags: Vec<ValueExpr>,
}

/// One `tb [USING …] [(cols)] VALUES (…)…` part of an INSERT.
#[derive(Debug, Clone, PartialEq)]
pub struct InsertTarget {
    /// The table written (a super table for the `tbname` form).
    pub table: TableName,
    /// Auto-creation clause.
    pub using: Option<Using>,
    /// Column list, if given.
    pub columns: Option<Vec<String>>,
    /// The rows.
    pub rows: Vec<Vec<ValueExpr>>,
}

/// A child table in `CREATE TABLE … USING`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateChild {
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The child name.
    pub name: TableName,
    /// Its super table.
    pub stable: TableName,
    /// Explicit tag names.
    pub tag_names: Option<Vec<String>>,
    /// Tag values.
    pub tags: Vec<ValueExpr>,
}

/// An option value in CREATE/ALTER DATABASE.
#[derive(Debug, Clone, PartialEq)]
pub enum OptValue {
    /// A number.
    Int(i64),
    /// A string.
    Str(String),
    /// A number with a unit (`10d`).
    Duration(i64, char),
    /// Comma-separated values (`KEEP 10d,20d,30d`).
    List(Vec<OptValue>),
}

/// ALTER TABLE/STABLE actions.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterAction {
    /// `ADD COLUMN`.
    AddColumn(ColumnSpec),
    /// `DROP COLUMN`.
    DropColumn(String),
    /// `MODIFY COLUMN`.
    ModifyColumn(String, DataType),
    /// `RENAME COLUMN a b`.
    RenameColumn(String, String),
    /// `ADD TAG`.
    AddTag(ColumnSpec),
    /// `DROP TAG`.
    DropTag(String),
    /// `MODIFY TAG`.
    ModifyTag(String, DataType),
    /// `RENAME TAG a b`.
    RenameTag(String, String),
    /// `SET TAG a = v, …`.
    SetTags(Vec<(String, ValueExpr)>),
    /// `COMMENT 'x'`, `TTL n`, `KEEP v`: accepted, only the comment is kept.
    Options(Option<String>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `AND`
    And,
    /// `OR`
    Or,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
}

/// Expression constants.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    /// NULL.
    Null,
    /// Boolean.
    Bool(bool),
    /// Integer (BIGINT).
    Int(i64),
    /// Unsigned integer beyond i64.
    UInt(u64),
    /// Float (DOUBLE).
    Float(f64),
    /// String.
    Str(String),
    /// Duration `amount unit`.
    Duration(i64, char),
}

/// A scalar or aggregate expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A column, pseudo column or tag, optionally `table.`-qualified.
    Column {
        /// Qualifier.
        table: Option<String>,
        /// Name.
        name: String,
    },
    /// A constant.
    Const(Const),
    /// `-x`.
    Neg(Box<Expr>),
    /// `NOT x`.
    Not(Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x [NOT] BETWEEN a AND b`.
    Between {
        /// Tested value.
        expr: Box<Expr>,
        /// Low bound.
        low: Box<Expr>,
        /// High bound.
        high: Box<Expr>,
        /// Negated.
        not: bool,
    },
    /// `x [NOT] IN (…)`.
    InList {
        /// Tested value.
        expr: Box<Expr>,
        /// Candidates.
        list: Vec<Expr>,
        /// Negated.
        not: bool,
    },
    /// `x [NOT] LIKE p`.
    /// `x [NOT] LIKE p`, or with `regex` `x MATCH p` / `x NMATCH p`.
    Like {
        /// Tested value.
        expr: Box<Expr>,
        /// Pattern.
        pattern: Box<Expr>,
        /// Negated (`NOT LIKE`, `NMATCH`).
        not: bool,
        /// A POSIX extended regular expression (`MATCH` / `NMATCH`).
        regex: bool,
    },
    /// `x IS [NOT] NULL`.
    IsNull {
        /// Tested value.
        expr: Box<Expr>,
        /// `IS NOT NULL`.
        not: bool,
    },
    /// A function call; `star` for `f(*)`.
    Func {
        /// Lowercase name.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
        /// Called as `f(*)`.
        star: bool,
    },
    /// `CAST(x AS type)`.
    Cast(Box<Expr>, DataType),
    /// `json_tag->'key'`.
    JsonGet(Box<Expr>, String),
    /// `json_tag CONTAINS 'key'`.
    Contains(Box<Expr>, String),
}

/// One item of a SELECT list.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// `*`.
    Star,
    /// `tb.*`.
    QualifiedStar(String),
    /// An expression with its source text and alias.
    Expr {
        /// The expression.
        expr: Expr,
        /// `AS alias`.
        alias: Option<String>,
        /// Lowered source text, the unaliased result name.
        text: String,
    },
}

/// `ORDER BY` item.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    /// The key.
    pub expr: Expr,
    /// Its source text (matched against select-list names).
    pub text: String,
    /// Descending.
    pub desc: bool,
    /// Explicit `NULLS FIRST` (true) / `NULLS LAST` (false).
    pub nulls_first: Option<bool>,
}

/// A window clause; parsed so the planner can reject or run it.
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// `INTERVAL(len[, offset]) [SLIDING(s)] [FILL(…)]`.
    Interval {
        /// Window length.
        len: (i64, char),
        /// Offset.
        offset: Option<(i64, char)>,
        /// Sliding.
        sliding: Option<(i64, char)>,
        /// Fill mode and values.
        fill: Option<(String, Vec<Expr>)>,
    },
    /// `SESSION(ts, tol)`.
    Session(Expr, (i64, char)),
    /// `STATE_WINDOW(expr) [TRUE_FOR(d)]`.
    State(Expr, Option<(i64, char)>),
    /// `EVENT_WINDOW START WITH a END WITH b [TRUE_FOR(d)]`.
    Event(Expr, Expr, Option<(i64, char)>),
    /// `COUNT_WINDOW(n[, slide])`.
    Count(u64, Option<u64>),
    /// `RANGE(t1[, t2]) [EVERY(d)] [FILL(…)]` of an INTERP query.
    Interp {
        /// Start and optional end of the range.
        range: (Expr, Option<Expr>),
        /// Step.
        every: Option<(i64, char)>,
        /// Fill mode and values.
        fill: Option<(String, Vec<Expr>)>,
    },
}

/// A SELECT statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// `DISTINCT`.
    pub distinct: bool,
    /// `SELECT TAGS`: one row per child table, tags and tbname only.
    pub tags: bool,
    /// The select list.
    pub items: Vec<SelectItem>,
    /// `FROM` table, none for constant selects.
    pub from: Option<TableName>,
    /// `FROM (subquery)`.
    pub from_query: Option<Box<Select>>,
    /// `FROM` alias.
    pub from_alias: Option<String>,
    /// `WHERE`.
    pub filter: Option<Expr>,
    /// `PARTITION BY`.
    pub partition_by: Vec<Expr>,
    /// Window clause.
    pub window: Option<Window>,
    /// `GROUP BY`.
    pub group_by: Vec<Expr>,
    /// `HAVING`.
    pub having: Option<Expr>,
    /// `ORDER BY`.
    pub order_by: Vec<OrderItem>,
    /// `SLIMIT`.
    pub slimit: Option<(u64, u64)>,
    /// `LIMIT`.
    pub limit: Option<u64>,
    /// `OFFSET`.
    pub offset: u64,
}

/// A SHOW statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Show {
    /// `SHOW DATABASES`.
    Databases,
    /// `SHOW [db.]STABLES [LIKE p]`.
    Stables(Option<String>, Option<String>),
    /// `SHOW [db.]TABLES [LIKE p]`.
    Tables(Option<String>, Option<String>),
    /// `SHOW CREATE DATABASE db`.
    CreateDatabase(String),
    /// `SHOW CREATE STABLE|TABLE t`.
    CreateTable(TableName, bool),
    /// `SHOW TAGS FROM ctb`.
    Tags(TableName),
    /// `SHOW TABLE TAGS FROM stb`: tbname and every tag, one row per child.
    TableTags(TableName),
    /// `SHOW TOPICS`.
    Topics,
    /// `SHOW CONSUMERS`.
    Consumers,
    /// `SHOW SUBSCRIPTIONS`.
    Subscriptions,
}

/// What a topic delivers.
#[derive(Debug, Clone, PartialEq)]
pub enum TopicSource {
    /// `AS SELECT …`: the query's columns of each written row it matches.
    Query(Box<Select>),
    /// `AS STABLE stb [WHERE …]`: every column of the super table's rows,
    /// for the children whose tags match.
    Stable {
        /// The super table.
        table: TableName,
        /// A condition on tags and `tbname`.
        filter: Option<Expr>,
    },
    /// `AS DATABASE db`: every row written to the database.
    Database(String),
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `CREATE DATABASE`.
    CreateDatabase {
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// Name.
        name: String,
        /// Options in order.
        options: Vec<(String, OptValue)>,
    },
    /// `ALTER DATABASE`.
    AlterDatabase {
        /// Name.
        name: String,
        /// Options.
        options: Vec<(String, OptValue)>,
    },
    /// `DROP DATABASE`.
    DropDatabase {
        /// `IF EXISTS`.
        if_exists: bool,
        /// Name.
        name: String,
    },
    /// `USE db`.
    Use(String),
    /// `CREATE STABLE` (or `CREATE TABLE … TAGS`).
    CreateStable {
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// Name.
        name: TableName,
        /// Columns.
        columns: Vec<ColumnSpec>,
        /// Tags.
        tags: Vec<ColumnSpec>,
        /// `COMMENT`.
        comment: Option<String>,
    },
    /// `CREATE TABLE` of a normal table.
    CreateTable {
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// Name.
        name: TableName,
        /// Columns.
        columns: Vec<ColumnSpec>,
        /// `COMMENT`.
        comment: Option<String>,
    },
    /// `CREATE TABLE … USING …` (one or more children).
    CreateChildren(Vec<CreateChild>),
    /// `DROP TABLE [IF EXISTS] a, …`.
    DropTables(Vec<(bool, TableName)>),
    /// `DROP STABLE [IF EXISTS] s`.
    DropStable {
        /// `IF EXISTS`.
        if_exists: bool,
        /// Name.
        name: TableName,
    },
    /// `ALTER TABLE|STABLE`.
    Alter {
        /// `ALTER STABLE`.
        stable: bool,
        /// Name.
        name: TableName,
        /// Action.
        action: AlterAction,
    },
    /// `DESCRIBE`.
    Describe(TableName),
    /// SHOW statements.
    Show(Show),
    /// INSERT.
    Insert(Vec<InsertTarget>),
    /// SELECT.
    Select(Box<Select>),
    /// `INSERT INTO tb [(cols)] SELECT …`.
    InsertSelect {
        /// Target table.
        table: TableName,
        /// Column list.
        columns: Option<Vec<String>>,
        /// The query.
        select: Box<Select>,
    },
    /// `CREATE TOPIC`.
    CreateTopic {
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// Name (topics belong to no database).
        name: String,
        /// `WITH META`.
        with_meta: bool,
        /// What it delivers.
        source: TopicSource,
    },
    /// `DROP TOPIC`.
    DropTopic {
        /// `IF EXISTS`.
        if_exists: bool,
        /// Name.
        name: String,
        /// `FORCE`: also when consumers subscribe to it.
        force: bool,
    },
    /// `DELETE FROM tb [WHERE …]`.
    Delete {
        /// The table (super, child or normal).
        table: TableName,
        /// Row filter.
        filter: Option<Expr>,
    },
}
