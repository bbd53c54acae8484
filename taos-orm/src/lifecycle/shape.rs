//! A derived struct's table as a [`TableShape`], the form the comparison
//! with the live table takes.

use taos_rules::shape::{ColumnShape, ColumnType, TableKind, TableShape};

use crate::schema::{ColumnDef, TableKind as SchemaKind, TableSchema};

/// The shape `schema`'s DDL creates: names lowercased as
/// [`crate::ddl::create_table`] writes them.
///
/// ```
/// use taos_orm::lifecycle::{shape_of, TableKind};
/// use taos_orm::TdTable;
///
/// #[derive(TdTable)]
/// #[taos(table = "log")]
/// struct Log {
///     #[taos(ts)]
///     ts: i64,
///     #[taos(varchar(20))]
///     msg: Option<String>,
/// }
///
/// let shape = shape_of(Log::SCHEMA);
/// assert_eq!(shape.kind, TableKind::Normal);
/// assert_eq!(shape.columns[1].type_text(), "VARCHAR(20)");
/// assert!(shape.columns[1].nullable);
/// ```
pub fn shape_of(schema: &TableSchema) -> TableShape {
    let list = |defs: &[ColumnDef]| defs.iter().map(column).collect();
    TableShape {
        name: schema.name.to_ascii_lowercase(),
        kind: match schema.kind {
            SchemaKind::Super => TableKind::Super,
            SchemaKind::Normal => TableKind::Normal,
        },
        columns: list(schema.columns),
        tags: list(schema.tags),
    }
}

fn column(def: &ColumnDef) -> ColumnShape {
    ColumnShape {
        name: def.name.to_ascii_lowercase(),
        ty: ColumnType::Known(def.ty),
        length: def.length.filter(|_| def.ty.has_length()),
        primary_key: def.primary_key,
        nullable: def.nullable,
    }
}
