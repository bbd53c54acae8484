//! A facade re-exporting the runtime, as a crate wrapping taos-orm would.

pub use orm as db;
