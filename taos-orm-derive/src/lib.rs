//! Derive macros of taos-orm.
