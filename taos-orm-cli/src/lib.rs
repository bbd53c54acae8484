//! The `taos-orm` command line tool, as a library so its output can be
//! tested: `generate` prints `#[derive(TdTable)]` structs for a live
//! database's tables ([`generate::render`]), `snapshot` writes the schema
//! file that `#[taos(check_schema)]` checks structs against at compile time
//! ([`taos_rules::snapshot`]).

pub mod generate;
pub mod names;
