//! The crate's one error type.

use crate::value::FromValueError;

pub use taos_rules::errors::Failure;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in taos-orm.
///
/// Server errors keep their TDengine code: match on [`Error::code`] or use the
/// helpers such as [`Error::is_table_not_exist`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the `taos` client or the server, with its TDengine code.
    #[error("TDengine error {code:#06X}: {message}")]
    Taos {
        /// The TDengine error code, low 16 bits (e.g. `0x2603` "Table does not exist").
        code: u32,
        /// The server's or client's message.
        message: String,
        /// The original client error.
        #[source]
        source: taos::Error,
    },

    /// A value TDengine cannot store (NaN, a string over the column length, ...).
    #[error("row {row}: field `{field}` (column `{column}` of `{table}`): {reason}")]
    InvalidValue {
        /// Index of the row in the input.
        row: usize,
        /// The struct's table name.
        table: &'static str,
        /// The Rust field.
        field: &'static str,
        /// The column or tag name.
        column: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// A single row whose SQL cannot fit within the maximum statement length.
    #[error(
        "row {row} of `{table}` needs {needed} bytes of SQL, over the {max}-byte statement limit"
    )]
    RowTooLarge {
        /// Index of the row in the input.
        row: usize,
        /// The table name.
        table: &'static str,
        /// Bytes the row's statement needs.
        needed: usize,
        /// The configured maximum SQL length.
        max: usize,
    },

    /// Two rows of one insert map to the same child table (the name
    /// template gave both the same name, or names differing only in case)
    /// with different tags. TDengine would keep the first row's tags for
    /// both, so nothing is sent.
    #[error(
        "rows {first_row} and {row} of `{table}` both go to child table `{child}` but carry \
         different tags; make the child name tell their tags apart"
    )]
    ChildTableConflict {
        /// The super table.
        table: &'static str,
        /// The child table name both rows map to (lowercased, as TDengine stores it).
        child: String,
        /// The first row with that name.
        first_row: usize,
        /// The row whose tags differ.
        row: usize,
    },

    /// A struct declares `#[taos(database = ...)]` and is used through a
    /// handle on another database.
    #[error(
        "`{table}` is declared in database `{declared}` but used through a handle on `{handle}`"
    )]
    DatabaseConflict {
        /// The struct's table.
        table: &'static str,
        /// Its `#[taos(database = ...)]`.
        declared: &'static str,
        /// The handle's database.
        handle: String,
    },

    /// A database exists with another timestamp precision than the one
    /// [`Database::create`](crate::Database::create) asked for.
    #[error("database `{database}` exists with precision {found}, not the {requested} asked for")]
    PrecisionConflict {
        /// The database.
        database: String,
        /// The precision asked for.
        requested: &'static str,
        /// The precision it has.
        found: &'static str,
    },

    /// A result column could not be read into a struct field.
    #[error(
        "cannot read `{struct_name}.{field}` ({rust_type}) from column `{column}`{}: {reason}",
        row.map(|r| format!(" of result row {r}")).unwrap_or_default()
    )]
    Decode {
        /// The result row (from 0) whose value failed; `None` when the
        /// whole column is missing.
        row: Option<usize>,
        /// The target struct.
        struct_name: &'static str,
        /// The field.
        field: &'static str,
        /// The field's Rust type.
        rust_type: &'static str,
        /// The result column (the expected name when it is missing).
        column: String,
        /// Missing column, NULL into non-Option, or type mismatch.
        reason: DecodeReason,
    },

    /// Reading a message of a TMQ topic failed: fetching its blocks, or
    /// decoding a row (then `source` is [`Error::Decode`], naming the row
    /// of the message, the field and the column).
    #[error("topic `{topic}`, vgroup {vgroup_id}: {source}")]
    Topic {
        /// The topic.
        topic: String,
        /// The vgroup the message came from.
        vgroup_id: i32,
        /// What failed.
        source: Box<Error>,
    },

    /// An insert failed part-way: some statements were written, one failed,
    /// the rest were not sent.
    ///
    /// `unwritten` lists the input row indices that are not confirmed written
    /// (the failed statement's rows and every later one); all other rows were
    /// written. Re-inserting the unwritten rows is safe: TDengine treats a row
    /// with an existing timestamp as an update.
    #[error("insert into `{table}` failed with {written} of {total} rows written ({} left unwritten): {source}", unwritten.len())]
    Insert {
        /// The table name.
        table: &'static str,
        /// How many input rows were written.
        written: usize,
        /// How many rows the insert was given.
        total: usize,
        /// Indices of the input rows not written, ascending.
        unwritten: Vec<usize>,
        /// The failure.
        #[source]
        source: Box<Error>,
    },

    /// A query expected a row and got none.
    #[error("the query returned no rows")]
    NoRows,

    /// The connection pool could not hand out a connection (timeout, closed pool).
    #[error("connection pool: {0}")]
    Pool(String),

    /// An invalid argument (a bad DSN, an empty name, ...), caught before anything is sent.
    #[error("{0}")]
    InvalidArgument(String),

    /// An operation did not finish in time (an [`Inserter`](crate::Inserter)
    /// flush past its `flush_timeout`). Whether the server applied it is
    /// unknown; re-sending the same rows is safe.
    #[error("no answer from the server within {0:?}")]
    Timeout(std::time::Duration),

    /// An [`Inserter`](crate::Inserter) holds as many rows as it may and
    /// cannot flush them: the row was not accepted.
    #[error("the inserter is full ({buffered} rows buffered) and cannot flush: {source}")]
    InserterFull {
        /// Rows waiting in the inserter.
        buffered: usize,
        /// Why the last flush failed.
        #[source]
        source: Box<Error>,
    },

    /// The background inserter has stopped: its task ended or panicked.
    #[error("the background inserter has stopped")]
    InserterClosed,

    /// A statement's `?` placeholders and the values bound to it differ in
    /// number ([`crate::query::RawQuery`], [`crate::query::Cond::raw`]):
    /// nothing was sent.
    #[error(
        "the SQL has {placeholders} `?` placeholder{} but {values} bound value{}",
        plural(*placeholders),
        plural(*values)
    )]
    BindCount {
        /// The `?` outside literals, identifiers and comments.
        placeholders: usize,
        /// The values bound.
        values: usize,
    },

    /// A table differs from its struct
    /// ([`Database::create_or_verify`](crate::Database::create_or_verify)):
    /// the diff lists every difference.
    #[error("{0}")]
    SchemaMismatch(Box<crate::lifecycle::SchemaDiff>),

    /// [`Database::migrate`](crate::Database::migrate) found differences
    /// that only a destructive change could resolve; nothing was changed.
    #[error(
        "cannot migrate {table} to struct `{struct_name}` additively:{}",
        refused.iter().map(|d| format!(
            "\n  {d}: {}",
            crate::lifecycle::refusal_reason(d)
        )).collect::<String>()
    )]
    MigrationRefused {
        /// The struct.
        struct_name: &'static str,
        /// The table, as `` `db`.`name` ``.
        table: String,
        /// Each difference a migration may not resolve.
        refused: Vec<crate::lifecycle::Difference>,
    },

    /// A migration statement failed: the earlier ones ran, the failed one and
    /// the later ones did not. Running the migration again resumes it.
    #[error("migration failed at `{failed}` after {} statement(s) ran: {source}", applied.len())]
    Migration {
        /// The statements that ran.
        applied: Vec<String>,
        /// The statement that failed.
        failed: String,
        /// The server's error.
        #[source]
        source: Box<Error>,
    },
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Why a result column could not be read into a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeReason {
    /// The result has no column of that name.
    #[error("the result has no such column")]
    MissingColumn,
    /// The result has no `tbname` column, which `SELECT *` never returns.
    #[error(
        "the result has no `tbname` column (`SELECT *` leaves it out): select it by name, \
         e.g. `SELECT *, tbname FROM ...`, or read through `T::query()`, which does"
    )]
    MissingTbname,
    /// The value could not be converted.
    #[error(transparent)]
    Value(#[from] FromValueError),
}

/// Well-known TDengine error codes (low 16 bits), for matching on [`Error::code`].
pub mod codes {
    /// `Table does not exist`.
    pub const TABLE_NOT_EXIST: u32 = 0x2603;
    /// `Database not exist`.
    pub const DB_NOT_EXIST: u32 = 0x0388;
    /// `Database already exists`.
    pub const DB_ALREADY_EXIST: u32 = 0x0381;
    /// `STable already exists`.
    pub const STABLE_ALREADY_EXIST: u32 = 0x0360;
    /// `STable not exist`.
    pub const STABLE_NOT_EXIST: u32 = 0x0362;
    /// `Table already exists`.
    pub const TABLE_ALREADY_EXIST: u32 = 0x0603;
    /// `Invalid column name`.
    pub const INVALID_COLUMN: u32 = 0x2602;
    /// `Syntax error in SQL`.
    pub const SYNTAX_ERROR: u32 = 0x0216;
    /// `syntax error near ...` (parser).
    pub const PARSER_SYNTAX_ERROR: u32 = 0x2600;
    /// `Value too long for column/tag`.
    pub const VALUE_TOO_LONG: u32 = 0x2653;
    /// `Timestamp data out of range`.
    pub const TIMESTAMP_OUT_OF_RANGE: u32 = 0x060B;
    /// `Authentication failure`.
    pub const AUTH_FAILURE: u32 = 0x0357;
    /// `Insufficient privilege for operation`.
    pub const NO_RIGHTS: u32 = 0x0303;
    /// `Permission denied` (parser).
    pub const PERMISSION_DENIED: u32 = 0x2644;
    /// `Table schema is old`: the statement was built on a schema an
    /// `ALTER` has since changed; nothing of it was written.
    pub const TABLE_SCHEMA_OLD: u32 = 0x061B;
}

/// Whether a client error says the statement was built on a schema an
/// `ALTER` has changed since: the insert paths re-send such a statement
/// once (re-preparing a bound one), since none of it was written.
pub(crate) fn schema_changed<E: TdCode>(error: &E) -> bool {
    error.low_code() == Some(codes::TABLE_SCHEMA_OLD)
}

/// The low 16 bits of an error's TDengine code, from the client's error or
/// ours.
pub(crate) trait TdCode {
    fn low_code(&self) -> Option<u32>;
}

impl TdCode for taos::Error {
    fn low_code(&self) -> Option<u32> {
        Some(i32::from(self.code()) as u32 & 0xffff)
    }
}

impl TdCode for Error {
    fn low_code(&self) -> Option<u32> {
        self.code()
    }
}

impl Error {
    /// The TDengine error code (low 16 bits) for server and client errors,
    /// also when wrapped in [`Error::Insert`], [`Error::InserterFull`],
    /// [`Error::Migration`] or [`Error::Topic`].
    ///
    /// ```
    /// # let err = taos_orm::Error::NoRows;
    /// if err.code() == Some(taos_orm::error::codes::TABLE_NOT_EXIST) {
    ///     // create it and retry
    /// }
    /// ```
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::Taos { code, .. } => Some(*code),
            Error::Insert { source, .. }
            | Error::InserterFull { source, .. }
            | Error::Migration { source, .. } => source.code(),
            Error::Topic { source, .. } => source.code(),
            _ => None,
        }
    }

    /// Whether the server said the table (or super table) does not exist.
    pub fn is_table_not_exist(&self) -> bool {
        matches!(
            self.code(),
            Some(codes::TABLE_NOT_EXIST | codes::STABLE_NOT_EXIST)
        )
    }

    /// What this error says about trying again: a lost connection, a
    /// server that cannot take the request now, or a failure that repeats.
    ///
    /// Server and client errors are classified by their TDengine code (the
    /// table is [`taos_rules::errors::classify`]): links down and the
    /// WebSocket client's socket errors are [`Failure::Connection`]; a
    /// vgroup electing or restoring its leader (`0x090C`, `0x0914`), sync
    /// and RPC timeouts, busy or stopped vnodes are
    /// [`Failure::Unavailable`]; everything else (syntax, schema, values,
    /// permissions, a missing table) is [`Failure::Terminal`].
    /// [`Error::Timeout`] is unavailable and a pool that cannot hand out a
    /// connection is a connection failure. Wrapping errors
    /// ([`Error::Insert`], [`Error::InserterFull`], [`Error::Migration`])
    /// take their cause's class; errors caught before anything is sent
    /// are terminal.
    ///
    /// ```
    /// use taos_orm::error::Failure;
    ///
    /// let err = taos_orm::Error::Timeout(std::time::Duration::from_secs(1));
    /// assert_eq!(err.failure(), Failure::Unavailable);
    /// assert_eq!(taos_orm::Error::NoRows.failure(), Failure::Terminal);
    /// ```
    pub fn failure(&self) -> Failure {
        match self {
            Error::Taos { code, .. } => taos_rules::errors::classify(*code),
            Error::Timeout(_) => Failure::Unavailable,
            Error::Pool(_) => Failure::Connection,
            Error::Insert { source, .. }
            | Error::InserterFull { source, .. }
            | Error::Migration { source, .. } => source.failure(),
            Error::Topic { source, .. } => source.failure(),
            _ => Failure::Terminal,
        }
    }

    /// Whether retrying the same operation later may succeed (its
    /// [`failure`](Error::failure) is not [`Failure::Terminal`]). Inserts
    /// retry exactly these, per [`Retry`](crate::Retry).
    ///
    /// ```
    /// let err = taos_orm::Error::Timeout(std::time::Duration::from_secs(1));
    /// assert!(err.is_retriable());
    /// assert!(!taos_orm::Error::NoRows.is_retriable());
    /// ```
    pub fn is_retriable(&self) -> bool {
        self.failure().is_retriable()
    }

    /// Whether the server said the database does not exist.
    pub fn is_database_not_exist(&self) -> bool {
        self.code() == Some(codes::DB_NOT_EXIST)
    }
}

impl From<taos::Error> for Error {
    fn from(source: taos::Error) -> Self {
        let code = i32::from(source.code()) as u32 & 0xffff;
        let message = source.message();
        let redacted = crate::redact::redact_text(&message);
        let clean = |shown: String| crate::redact::redact_text(&shown) == shown;
        if redacted == message && clean(source.to_string()) && clean(format!("{source:?}")) {
            return Error::Taos {
                code,
                message,
                source,
            };
        }
        // The client put a secret (a DSN's password, a `?token=`) in its
        // error: keep the code and the redacted words, not the original.
        Error::Taos {
            code,
            source: taos::Error::new(source.code(), redacted.clone()),
            message: redacted,
        }
    }
}
