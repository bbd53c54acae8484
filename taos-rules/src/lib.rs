//! Facts about TDengine 3.3 that more than one crate of the workspace needs:
//! the derive checks structs against them at compile time, the ORM checks
//! values before sending, and the emulator answers by them as the server
//! does. Each rule lives here once.
//!
//! Every rule was checked against a real TDengine 3.3.7.5 server.

pub mod column_options;
pub mod errors;
pub mod float;
pub mod json;
pub mod names;
pub mod printf;
pub mod shape;
pub mod snapshot;
pub mod types;
