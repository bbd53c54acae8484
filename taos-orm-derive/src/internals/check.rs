//! Rules that need the whole struct, not a single attribute. Every rule
//! reports to the `Ctxt` and carries on, so all mistakes show at once.
//!
//! Field types the derive does not recognise (user `TdType` impls) cannot be
//! judged here; `expand::asserts` checks those with const assertions.

use std::collections::HashMap;

use super::ast::{Field, Role, Row, Table};
use super::ctxt::Ctxt;
use super::name::{self, Part};
use super::ty::Known;

use taos_rules::column_options::{self, COMPRESSIONS, ENCODINGS, LEVELS};
use taos_rules::names::{self as names, NameKind};
use taos_rules::types::limits::{
    MAX_COLUMNS, MAX_COMMENT_BYTES, MAX_ROW_BYTES, MAX_TAGS, MAX_TAGS_BYTES,
};
use taos_rules::types::{Place, SqlType};

pub(crate) fn check(cx: &Ctxt, table: &Table<'_>) {
    check_generics(cx, table);
    check_container(cx, table);
    for field in &table.fields {
        check_conflicts(cx, field);
        check_options(cx, field);
        check_field_type(cx, field);
    }
    check_timestamp(cx, table);
    check_shape(cx, table);
    check_child_name(cx, table);
    check_names(cx, table);
    check_widths(cx, table);
    check_primary_key(cx, table);
    super::snapshot::check(cx, table);
}

/// The rules of a `#[derive(TdRow)]` struct.
pub(crate) fn check_row(cx: &Ctxt, row: &Row<'_>) {
    let generics = &row.original.generics;
    if !generics.params.is_empty() {
        cx.error_spanned_by(generics, "`TdRow` cannot be derived for generic structs");
    }
    let mut seen: HashMap<String, &syn::Ident> = HashMap::new();
    for field in &row.fields {
        if let (Some(key), true) = (field.attrs.rename.key(), field.attrs.skip.is_set()) {
            cx.error_spanned_by(
                key,
                "conflicting attributes `skip` and `rename`: a skipped field reads no column",
            );
        }
        if let Some(lit) = field.attrs.rename.get() {
            if lit.value().is_empty() {
                cx.error_spanned_by(lit, "the column name is empty");
                continue;
            }
        }
        if !field.is_read() {
            continue;
        }
        let column = field.column();
        match seen.get(&column) {
            Some(first) => cx.error_spanned_by(
                field.member,
                format!("two fields read the result column `{column}`: `{first}` and this one (names are case-insensitive)"),
            ),
            None => {
                seen.insert(column, field.member);
            }
        }
    }
}

/// The schema is one constant per type, so it cannot vary with parameters.
fn check_generics(cx: &Ctxt, table: &Table<'_>) {
    let generics = &table.original.generics;
    if !generics.params.is_empty() {
        cx.error_spanned_by(
            generics,
            "`TdTable` cannot be derived for generic structs: the table schema is a single constant",
        );
    }
}

fn check_container(cx: &Ctxt, table: &Table<'_>) {
    let attrs = &table.attrs;
    if let (true, Some(key)) = (attrs.stable.is_set(), attrs.table.key()) {
        cx.error_spanned_by(
            key,
            "conflicting attributes `stable` and `table`: a struct maps to a super table or to a normal table",
        );
    }
    if let (true, Some(key)) = (table.is_normal(), attrs.child.key()) {
        cx.error_spanned_by(
            key,
            "`child` names the child tables of a super table; a normal table (`table`) has none",
        );
    }
    let explicit = attrs.table.get().or(attrs.stable.get()).cloned().flatten();
    if let Some(problem) = name::name_problem(&table.name(), NameKind::Table) {
        match &explicit {
            Some(lit) => cx.error_spanned_by(lit, format!("invalid table name: {problem}")),
            None => cx.error_spanned_by(table.ident, format!("invalid table name: {problem}")),
        }
    } else if let Some(lit) = &explicit {
        if let Some(problem) = name::case_problem(&lit.value()) {
            cx.error_spanned_by(lit, format!("table name {problem}"));
        }
    }
    if let Some(db) = attrs.database.get() {
        let problem = name::name_problem(&db.value(), NameKind::Database)
            .map(|p| format!("invalid database name: {p}"))
            .or_else(|| name::case_problem(&db.value()).map(|p| format!("database name {p}")));
        if let Some(problem) = problem {
            cx.error_spanned_by(db, problem);
        }
    }
    if let Some(comment) = attrs.comment.get() {
        let len = comment.value().len();
        if len > MAX_COMMENT_BYTES {
            cx.error_spanned_by(
                comment,
                format!(
                    "the comment is {len} bytes long, over TDengine's {MAX_COMMENT_BYTES}-byte limit"
                ),
            );
        }
    }
}

/// Why two field keys cannot go together, if they cannot.
fn conflict(first: &str, second: &str) -> Option<&'static str> {
    let length = |k: &str| matches!(k, "varchar" | "binary" | "nchar" | "varbinary");
    let tag = |k: &str| matches!(k, "tag" | "json");
    let option = |k: &str| matches!(k, "encode" | "compress" | "level");
    Some(match (first, second) {
        ("skip", _) => "a skipped field is not mapped, so it takes no other attribute",
        ("tbname", _) => "the `tbname` field holds the child table name and is not a column",
        ("ts", k) if tag(k) => "the timestamp is a data column, not a tag",
        ("ts", "primary_key") => {
            "the timestamp is the first key column; `primary_key` marks the second"
        }
        ("ts", k) if length(k) => "a timestamp has no length",
        (t, "primary_key") if tag(t) => "only a data column can be the composite key",
        (t, k) if tag(t) && option(k) => "tags have no encoding, compression or level options",
        ("json", k) if length(k) => "a JSON tag has no length",
        _ => return None,
    })
}

fn check_conflicts(cx: &Ctxt, field: &Field<'_>) {
    let present = field.attrs.present();
    for (i, (first, _)) in present.iter().enumerate() {
        for (second, key) in &present[i + 1..] {
            let found = conflict(first, second)
                .map(|reason| (first, second, reason))
                .or_else(|| conflict(second, first).map(|reason| (second, first, reason)));
            if let Some((a, b, reason)) = found {
                cx.error_spanned_by(
                    key,
                    format!("conflicting attributes `{a}` and `{b}`: {reason}"),
                );
            }
        }
    }
}

/// `encode`, `compress` and `level` take TDengine's fixed lists of values,
/// and `encode` and `compress` only those that suit the column type (when
/// the syntax tells the type; the runtime checks the others before CREATE).
fn check_options(cx: &Ctxt, field: &Field<'_>) {
    let attrs = &field.attrs;
    let sql = if field.is_ts() {
        Some(SqlType::Timestamp)
    } else if let Some(length) = attrs.length.get() {
        Some(length.sql)
    } else {
        field.ty.known.map(Known::natural)
    };
    for (attr, keyword, valid) in [
        (&attrs.encode, "encode", ENCODINGS),
        (&attrs.compress, "compress", COMPRESSIONS),
        (&attrs.level, "level", LEVELS),
    ] {
        let Some(lit) = attr.get() else { continue };
        let value = lit.value();
        let fits = match (keyword, sql) {
            ("encode", Some(sql)) => column_options::encodings_for(sql.name()),
            ("compress", Some(sql)) => column_options::compressions_for(sql.name()),
            _ => valid,
        };
        if column_options::allows(valid, &value) && !column_options::allows(fits, &value) {
            let sql = sql.map_or("", SqlType::name);
            let list = quoted_list(fits);
            cx.error_spanned_by(
                lit,
                format!(
                    "a column of type {sql} cannot take `{keyword} = {value:?}`; it takes {list}"
                ),
            );
            continue;
        }
        if !column_options::allows(valid, &value) {
            let list = quoted_list(valid);
            cx.error_spanned_by(
                lit,
                format!(
                    "unknown `{keyword}` value {:?}; expected one of {list}",
                    lit.value()
                ),
            );
        }
    }
}

/// `"a", "b", "c"`: the values an option takes, as they are written.
fn quoted_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Longest declared length of a var-length type, as a column or as a tag.
fn max_length(sql: SqlType, role: Role) -> u32 {
    let place = if role == Role::Tag {
        Place::Tag
    } else {
        Place::Column
    };
    sql.max_length(place).unwrap_or(0)
}

fn type_name(field: &Field<'_>) -> String {
    crate::expand::type_string(field.ty.ty)
}

fn check_field_type(cx: &Ctxt, field: &Field<'_>) {
    let ty = &field.ty;
    let role = field.role();
    let name = &field.name;
    match role {
        Role::Skip => return,
        Role::TbName => {
            if ty.optional || ty.known != Some(Known::String) {
                cx.error_spanned_by(
                    ty.ty,
                    format!(
                        "the `tbname` field must be a `String`, not `{}`",
                        type_name(field)
                    ),
                );
            }
            return;
        }
        Role::Column | Role::Tag => {}
    }
    if field.is_ts() {
        if ty.optional {
            cx.error_spanned_by(
                ty.ty,
                "the timestamp cannot be an `Option`: TDengine's primary timestamp is never NULL",
            );
        } else if ty.known.is_some_and(|k| !k.is_time()) {
            cx.error_spanned_by(
                ty.ty,
                format!(
                    "the timestamp must be `DateTime<Utc>`, `NaiveDateTime`, `taos::Timestamp` or `i64`, not `{}`",
                    type_name(field)
                ),
            );
        }
        return;
    }
    if let Some(json) = field.attrs.json.key() {
        if ty.known.is_some_and(|k| k != Known::Plain(SqlType::Json)) {
            cx.error_spanned_by(
                json,
                format!(
                    "`json` needs a `serde_json::Value` field, not `{}`",
                    type_name(field)
                ),
            );
        }
    } else if role == Role::Column && ty.known == Some(Known::Plain(SqlType::Json)) {
        cx.error_spanned_by(
            ty.ty,
            format!("JSON is only allowed as a tag: mark `{name}` with `#[taos(json)]`"),
        );
    }
    match (field.attrs.length.get(), ty.known) {
        (Some(length), known) => {
            let keyword = field.attrs.length.keyword().unwrap_or("varchar");
            let fits = match known {
                Some(Known::String) => matches!(length.sql, SqlType::VarChar | SqlType::NChar),
                Some(Known::Bytes) => length.sql == SqlType::VarBinary,
                Some(Known::Plain(_)) => false,
                None => true,
            };
            if !fits {
                let wanted = if length.sql == SqlType::VarBinary { "Vec<u8>" } else { "String" };
                cx.error_spanned_by(
                    field.attrs.length.key(),
                    format!("`{keyword}` needs a `{wanted}` field, not `{}`", type_name(field)),
                );
            }
            let max = max_length(length.sql, role);
            if length.n == 0 || length.n > max {
                let what = if role == Role::Tag { "tag" } else { "column" };
                let unit = if length.sql == SqlType::NChar { "characters" } else { "bytes" };
                cx.error_spanned_by(
                    &length.lit,
                    format!("a `{keyword}` {what} holds 1 to {max} {unit}, not {}", length.n),
                );
            }
        }
        (None, Some(Known::String | Known::Bytes)) if field.attrs.malformed => {}
        (None, Some(Known::String)) => cx.error_spanned_by(
            ty.ty,
            format!(
                "`{name}` needs a length: add `#[taos(varchar(N))]` (N bytes) or `#[taos(nchar(N))]` (N characters)"
            ),
        ),
        (None, Some(Known::Bytes)) => cx.error_spanned_by(
            ty.ty,
            format!("`{name}` needs a length: add `#[taos(varbinary(N))]` (N bytes)"),
        ),
        (None, _) => {}
    }
}

fn check_timestamp(cx: &Ctxt, table: &Table<'_>) {
    let mut stamps = table.fields.iter().filter(|f| f.is_ts());
    let Some(first) = stamps.next() else {
        cx.error_spanned_by(
            table.ident,
            format!(
                "`{}` has no timestamp: mark the primary timestamp field with `#[taos(ts)]`",
                table.ident
            ),
        );
        return;
    };
    for other in stamps {
        cx.error_spanned_by(
            other.attrs.ts.key(),
            format!(
                "a table has one primary timestamp, and `{}` already is it",
                first.name
            ),
        );
    }
    if let Some(column) = table.columns().next() {
        if !column.is_ts() {
            cx.error_spanned_by(
                first.member,
                format!(
                    "the timestamp must be the first column: declare `{}` before `{}`",
                    first.name, column.name
                ),
            );
        }
    }
}

/// Table kind against tags, and the column and tag counts.
fn check_shape(cx: &Ctxt, table: &Table<'_>) {
    let tags: Vec<_> = table.tags().collect();
    if table.is_normal() {
        for tag in &tags {
            let key = tag.attrs.tag.key().or(tag.attrs.json.key());
            cx.error_spanned_by(
                key,
                "a normal table (`table`) has no tags; use `stable` to map a super table",
            );
        }
        if let Some(tbname) = table.tbname_field() {
            cx.error_spanned_by(
                tbname.attrs.tbname.key(),
                "a normal table (`table`) has no child tables to name; `tbname` needs a super table",
            );
        }
    } else if tags.is_empty() {
        cx.error_spanned_by(
            table.ident,
            format!(
                "super table `{}` needs at least one `#[taos(tag)]` field (or use `#[taos(table)]` for a normal table)",
                table.name()
            ),
        );
    }
    let json_tag = tags
        .iter()
        .find(|t| t.attrs.json.is_set() || (t.ty.known == Some(Known::Plain(SqlType::Json))));
    if let (Some(json), true) = (json_tag, tags.len() > 1) {
        let key = json.attrs.json.key().or(json.attrs.tag.key());
        cx.error_spanned_by(
            key,
            format!(
                "a JSON tag must be the only tag, and `{}` has {} tags",
                table.ident,
                tags.len()
            ),
        );
    }
    if let Some(extra) = tags.get(MAX_TAGS) {
        cx.error_spanned_by(
            extra.member,
            format!(
                "`{}` has {} tags, over TDengine's {MAX_TAGS}",
                table.ident,
                tags.len()
            ),
        );
    }
    let columns = table.columns().count();
    if columns + tags.len() > MAX_COLUMNS {
        cx.error_spanned_by(
            table.ident,
            format!(
                "`{}` has {} columns and tags, over TDengine's {MAX_COLUMNS}",
                table.ident,
                columns + tags.len()
            ),
        );
    }
    if table.columns().all(|c| c.is_ts()) {
        cx.error_spanned_by(
            table.ident,
            format!("`{}` has no data column besides the timestamp", table.ident),
        );
    }
}

/// A super table row must say which child table it goes to.
fn check_child_name(cx: &Ctxt, table: &Table<'_>) {
    if table.is_normal() {
        return;
    }
    let tbname = table.tbname_field();
    let Some(template) = table.attrs.child.get() else {
        if tbname.is_none() {
            cx.error_spanned_by(
                table.ident,
                format!(
                    "super table `{}` needs a way to name each row's child table: add a `#[taos(tbname)]` String field or a `#[taos(child = \"d_{{tag}}\")]` template",
                    table.name()
                ),
            );
        }
        return;
    };
    if let Some(field) = tbname {
        cx.error_spanned_by(
            table.attrs.child.key(),
            format!(
                "conflicting `child` template and `tbname` field `{}`: name child tables one way",
                field.name
            ),
        );
    }
    let parts = match name::parse_template(&template.value()) {
        Ok(parts) => parts,
        Err(problem) => return cx.error_spanned_by(template, problem),
    };
    for part in parts {
        let Part::Field(name) = part else { continue };
        match table.fields.iter().find(|f| f.name == name) {
            None => cx.error_spanned_by(
                template,
                format!(
                    "`{{{name}}}` in the child table name is not a field of `{}`",
                    table.ident
                ),
            ),
            Some(field) if field.role() == Role::Skip => cx.error_spanned_by(
                template,
                format!("`{{{name}}}` in the child table name is a skipped field"),
            ),
            Some(field) if field.role() == Role::Column => cx.error_spanned_by(
                template,
                format!(
                    "`{{{name}}}` in the child table name is a data column; a child table is named from its tags, which all its rows share"
                ),
            ),
            Some(field) if field.ty.optional => cx.error_spanned_by(
                template,
                format!(
                    "`{{{name}}}` in the child table name is an `Option` tag; a NULL tag has no text to name a table with"
                ),
            ),
            // Their text holds `.` (1.5, JSON numbers), which TDengine
            // rejects in table names.
            Some(field)
                if field.attrs.json.is_set()
                    || matches!(
                        field.ty.known,
                        Some(Known::Plain(SqlType::Float | SqlType::Double | SqlType::Json))
                    ) =>
            {
                cx.error_spanned_by(
                    template,
                    format!(
                        "`{{{name}}}` in the child table name is a `{}` field, whose text may contain `.`, which TDengine rejects in table names",
                        type_name(field)
                    ),
                )
            }
            Some(_) => {}
        }
    }
}

/// Column and tag names: valid, and unique once lowercased.
fn check_names(cx: &Ctxt, table: &Table<'_>) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    if let Some(field) = table.tbname_field() {
        seen.insert("tbname".to_owned(), &field.name);
    }
    for field in table.columns().chain(table.tags()) {
        let name = field.column_name();
        let member = field.member;
        let span_at = || -> proc_macro2::TokenStream {
            match field.attrs.rename.get() {
                Some(lit) => quote::quote!(#lit),
                None => quote::quote!(#member),
            }
        };
        if let Some(problem) = name::name_problem(&name, NameKind::Column) {
            cx.error_spanned_by(span_at(), format!("invalid column name: {problem}"));
            continue;
        }
        if let Some(problem) = field
            .attrs
            .rename
            .get()
            .and_then(|lit| name::case_problem(&lit.value()))
        {
            cx.error_spanned_by(span_at(), format!("column name {problem}"));
            continue;
        }
        if names::is_pseudo_column(&name) {
            cx.error_spanned_by(
                span_at(),
                format!("`{name}` is a TDengine pseudo-column: every query that names it would read the pseudo-column, not this field's column; give the column another name with `#[taos(rename = \"...\")]`"),
            );
            continue;
        }
        if let Some(other) = seen.get(&name) {
            cx.error_spanned_by(
                span_at(),
                format!("duplicate column name `{name}`: field `{other}` already uses it (names are case-insensitive)"),
            );
        } else {
            seen.insert(name, &field.name);
        }
    }
}

/// The width a field takes in a row, when the derive can tell.
fn known_width(field: &Field<'_>) -> Option<u64> {
    if field.is_ts() {
        return Some(8);
    }
    if field.attrs.json.is_set() {
        return Some(u64::from(SqlType::Json.width(0)));
    }
    let role = field.role();
    match (field.attrs.length.get(), field.ty.known) {
        // An out-of-range length is reported on its own.
        (Some(length), _) if length.n == 0 || length.n > max_length(length.sql, role) => None,
        (Some(length), _) => Some(u64::from(length.sql.width(length.n))),
        (None, Some(Known::Plain(sql))) => Some(u64::from(sql.width(0))),
        _ => None,
    }
}

/// Row and tag widths, when every width is known (else `expand::asserts`
/// checks them at compile time from `SqlType::fixed_width`).
fn check_widths(cx: &Ctxt, table: &Table<'_>) {
    let sum =
        |fields: Vec<&Field<'_>>| -> Option<u64> { fields.into_iter().map(known_width).sum() };
    if let Some(width) = sum(table.columns().collect()) {
        if width > u64::from(MAX_ROW_BYTES) {
            cx.error_spanned_by(
                table.ident,
                format!("a row of `{}` is {width} bytes wide, over TDengine's {MAX_ROW_BYTES}-byte limit (VARCHAR(n) takes n + 2 bytes, NCHAR(n) 4n + 2)", table.ident),
            );
        }
    }
    let is_json =
        |f: &Field<'_>| f.attrs.json.is_set() || f.ty.known == Some(Known::Plain(SqlType::Json));
    if table.tags().any(is_json) {
        return;
    }
    if let Some(width) = sum(table.tags().collect()) {
        if width > u64::from(MAX_TAGS_BYTES) {
            cx.error_spanned_by(
                table.ident,
                format!("the tags of `{}` take {width} bytes, over TDengine's {MAX_TAGS_BYTES}-byte limit (VARCHAR(n) takes n + 2 bytes, NCHAR(n) 4n + 2)", table.ident),
            );
        }
    }
}

/// The composite key (TDengine 3.3): the second column, an integer or VARCHAR.
fn check_primary_key(cx: &Ctxt, table: &Table<'_>) {
    for (position, column) in table.columns().enumerate() {
        let Some(key) = column.attrs.primary_key.key() else {
            continue;
        };
        if column.is_ts() {
            continue;
        }
        if position != 1 {
            cx.error_spanned_by(
                key,
                "the composite key (`primary_key`) must be the second column, right after the timestamp",
            );
        }
        let ty = &column.ty;
        if ty.optional {
            cx.error_spanned_by(
                ty.ty,
                "the composite key cannot be an `Option`: it is never NULL",
            );
        }
        let declared = column.attrs.length.get().map(|l| l.sql);
        let ok = match (declared, ty.known) {
            (Some(sql), _) => sql.can_be_composite_key(),
            (None, Some(known)) => known.natural().can_be_composite_key(),
            (None, None) => true,
        };
        if !ok {
            cx.error_spanned_by(
                ty.ty,
                format!(
                    "the composite key must be `i32`, `i64`, `u32`, `u64` or a `varchar` `String`, not `{}`",
                    type_name(column)
                ),
            );
        }
    }
}
