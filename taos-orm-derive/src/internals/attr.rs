//! `#[taos(...)]` attributes turned into plain data.
//!
//! Parsers never return `Result`: a bad, unknown or repeated key is recorded
//! in the [`Ctxt`] and skipped, so one build reports every mistake.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{parenthesized, LitInt, LitStr, Token};

use super::ctxt::Ctxt;
use super::ty::SqlType;

/// Keys accepted on the struct, for the "unknown attribute" message.
const CONTAINER_KEYS: &[&str] = &[
    "stable",
    "table",
    "database",
    "comment",
    "child",
    "crate",
    "check_schema",
];

/// Keys accepted on a `#[derive(TdRow)]` field.
const ROW_FIELD_KEYS: &[&str] = &["rename", "skip"];

/// Keys accepted on a `#[derive(TdRow)]` struct.
const ROW_CONTAINER_KEYS: &[&str] = &["crate"];

/// Keys accepted on a field.
const FIELD_KEYS: &[&str] = &[
    "ts",
    "tag",
    "json",
    "tbname",
    "skip",
    "rename",
    "varchar",
    "binary",
    "nchar",
    "varbinary",
    "primary_key",
    "encode",
    "compress",
    "level",
];

/// One attribute slot: the value of the first occurrence, with the tokens of
/// the key so later checks can point at it.
pub(crate) struct Attr<T> {
    value: Option<(TokenStream, &'static str, T)>,
}

impl<T> Attr<T> {
    fn none() -> Self {
        Attr { value: None }
    }

    /// Stores the value of `keyword`; a second value is reported as a
    /// duplicate, or as a conflict when the keywords differ (`varchar` then
    /// `nchar` share the length slot).
    fn set(&mut self, cx: &Ctxt, key: &syn::Path, keyword: &'static str, value: T) {
        match &self.value {
            Some((_, first, _)) if *first == keyword => {
                cx.error_spanned_by(key, format!("duplicate attribute `{keyword}`"))
            }
            Some((_, first, _)) => cx.error_spanned_by(
                key,
                format!("conflicting attributes `{first}` and `{keyword}`"),
            ),
            None => self.value = Some((key.to_token_stream(), keyword, value)),
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, _, value)| value)
    }

    pub(crate) fn is_set(&self) -> bool {
        self.value.is_some()
    }

    /// The key's tokens, to span errors about this attribute.
    pub(crate) fn key(&self) -> Option<&TokenStream> {
        self.value.as_ref().map(|(key, _, _)| key)
    }

    /// The keyword actually written (`binary` for the `varchar` slot, say).
    pub(crate) fn keyword(&self) -> Option<&'static str> {
        self.value.as_ref().map(|(_, keyword, _)| *keyword)
    }
}

/// `#[taos(...)]` on the struct.
pub(crate) struct Container {
    /// `stable` or `stable = "name"`.
    pub(crate) stable: Attr<Option<LitStr>>,
    /// `table` or `table = "name"`.
    pub(crate) table: Attr<Option<LitStr>>,
    pub(crate) database: Attr<LitStr>,
    pub(crate) comment: Attr<LitStr>,
    pub(crate) child: Attr<LitStr>,
    /// `crate = "path"`: where the runtime is, for a renamed or re-exported
    /// `taos_orm`.
    pub(crate) krate: Attr<syn::Path>,
    /// `check_schema` or `check_schema = "path"`: check the struct against
    /// a schema snapshot file at compile time.
    pub(crate) check_schema: Attr<Option<LitStr>>,
}

/// `#[taos(...)]` on a `#[derive(TdRow)]` struct.
pub(crate) struct RowContainer {
    pub(crate) krate: Attr<syn::Path>,
}

/// `#[taos(...)]` on a `#[derive(TdRow)]` field.
pub(crate) struct RowField {
    pub(crate) rename: Attr<LitStr>,
    pub(crate) skip: Attr<()>,
}

/// A declared length: `varchar(64)` and friends.
pub(crate) struct Length {
    pub(crate) sql: SqlType,
    pub(crate) n: u32,
    pub(crate) lit: LitInt,
}

/// `#[taos(...)]` on a field.
pub(crate) struct Field {
    pub(crate) ts: Attr<()>,
    pub(crate) tag: Attr<()>,
    pub(crate) json: Attr<()>,
    pub(crate) tbname: Attr<()>,
    pub(crate) skip: Attr<()>,
    pub(crate) primary_key: Attr<()>,
    pub(crate) rename: Attr<LitStr>,
    pub(crate) length: Attr<Length>,
    pub(crate) encode: Attr<LitStr>,
    pub(crate) compress: Attr<LitStr>,
    pub(crate) level: Attr<LitStr>,
    /// Some key could not be read (unknown or malformed): checks that depend
    /// on what is missing (a length, say) stay quiet to avoid a cascade.
    pub(crate) malformed: bool,
}

impl Container {
    pub(crate) fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut cont = Container {
            stable: Attr::none(),
            table: Attr::none(),
            database: Attr::none(),
            comment: Attr::none(),
            child: Attr::none(),
            krate: Attr::none(),
            check_schema: Attr::none(),
        };
        for_each_key(cx, attrs, |meta| {
            let path = &meta.path;
            if path.is_ident("stable") {
                // #[taos(stable)] or #[taos(stable = "meters")]
                let name = optional_str(&meta)?;
                cont.stable.set(cx, path, "stable", name);
            } else if path.is_ident("table") {
                // #[taos(table)] or #[taos(table = "log")]
                let name = optional_str(&meta)?;
                cont.table.set(cx, path, "table", name);
            } else if path.is_ident("database") {
                // #[taos(database = "power")]
                let value = meta.value()?.parse()?;
                cont.database.set(cx, path, "database", value);
            } else if path.is_ident("comment") {
                // #[taos(comment = "smart meters")]
                let value = meta.value()?.parse()?;
                cont.comment.set(cx, path, "comment", value);
            } else if path.is_ident("child") {
                // #[taos(child = "d_{device_id}")]
                let value = meta.value()?.parse()?;
                cont.child.set(cx, path, "child", value);
            } else if path.is_ident("crate") {
                // #[taos(crate = "my_orm")]
                let value = crate_path(&meta)?;
                cont.krate.set(cx, path, "crate", value);
            } else if path.is_ident("check_schema") {
                // #[taos(check_schema)] or #[taos(check_schema = "schema/power.txt")]
                let file = optional_str(&meta)?;
                cont.check_schema.set(cx, path, "check_schema", file);
            } else {
                unknown_key(cx, &meta, CONTAINER_KEYS)?;
            }
            Ok(())
        })
        .ok();
        cont
    }
}

impl Field {
    pub(crate) fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut field = Field {
            ts: Attr::none(),
            tag: Attr::none(),
            json: Attr::none(),
            tbname: Attr::none(),
            skip: Attr::none(),
            primary_key: Attr::none(),
            rename: Attr::none(),
            length: Attr::none(),
            encode: Attr::none(),
            compress: Attr::none(),
            level: Attr::none(),
            malformed: false,
        };
        let mut malformed = false;
        for_each_key(cx, attrs, |meta| {
            let path = &meta.path;
            // #[taos(ts)], #[taos(tag)], ...: flags
            let flag = [
                ("ts", &mut field.ts),
                ("tag", &mut field.tag),
                ("json", &mut field.json),
                ("tbname", &mut field.tbname),
                ("skip", &mut field.skip),
                ("primary_key", &mut field.primary_key),
            ]
            .into_iter()
            .find(|(name, _)| path.is_ident(name));
            if let Some((name, slot)) = flag {
                no_value(cx, &meta, name)?;
                slot.set(cx, path, name, ());
                return Ok(());
            }
            // #[taos(varchar(64))], #[taos(nchar(16))], ...
            let length = [
                ("varchar", SqlType::VarChar),
                ("binary", SqlType::VarChar),
                ("nchar", SqlType::NChar),
                ("varbinary", SqlType::VarBinary),
            ]
            .into_iter()
            .find(|(name, _)| path.is_ident(name));
            if let Some((name, sql)) = length {
                let lit = parse_length(cx, &meta, name)?;
                let n = lit.base10_parse::<u32>()?;
                field.length.set(cx, path, name, Length { sql, n, lit });
                return Ok(());
            }
            // #[taos(rename = "x")], #[taos(encode = "delta-i")], ...
            let string = [
                ("rename", &mut field.rename),
                ("encode", &mut field.encode),
                ("compress", &mut field.compress),
                ("level", &mut field.level),
            ]
            .into_iter()
            .find(|(name, _)| path.is_ident(name));
            if let Some((name, slot)) = string {
                let value: LitStr = meta.value()?.parse()?;
                slot.set(cx, path, name, value);
                return Ok(());
            }
            malformed = true;
            unknown_key(cx, &meta, FIELD_KEYS)
        })
        .unwrap_or_else(|()| malformed = true);
        field.malformed = malformed;
        field
    }
}

impl Field {
    /// Every key given, as (keyword written, key tokens), in a fixed order.
    pub(crate) fn present(&self) -> Vec<(&'static str, &TokenStream)> {
        fn one<T>(attr: &Attr<T>) -> Option<(&'static str, &TokenStream)> {
            attr.value.as_ref().map(|(key, keyword, _)| (*keyword, key))
        }
        [
            one(&self.ts),
            one(&self.tag),
            one(&self.json),
            one(&self.tbname),
            one(&self.skip),
            one(&self.primary_key),
            one(&self.rename),
            one(&self.length),
            one(&self.encode),
            one(&self.compress),
            one(&self.level),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl RowContainer {
    pub(crate) fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut cont = RowContainer {
            krate: Attr::none(),
        };
        for_each_key(cx, attrs, |meta| {
            if meta.path.is_ident("crate") {
                let value = crate_path(&meta)?;
                cont.krate.set(cx, &meta.path, "crate", value);
                Ok(())
            } else {
                unknown_key(cx, &meta, ROW_CONTAINER_KEYS)
            }
        })
        .ok();
        cont
    }
}

impl RowField {
    pub(crate) fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut field = RowField {
            rename: Attr::none(),
            skip: Attr::none(),
        };
        for_each_key(cx, attrs, |meta| {
            let path = &meta.path;
            if path.is_ident("rename") {
                // #[taos(rename = "_wstart")]
                let value: LitStr = meta.value()?.parse()?;
                field.rename.set(cx, path, "rename", value);
                Ok(())
            } else if path.is_ident("skip") {
                no_value(cx, &meta, "skip")?;
                field.skip.set(cx, path, "skip", ());
                Ok(())
            } else {
                unknown_key(cx, &meta, ROW_FIELD_KEYS)
            }
        })
        .ok();
        field
    }
}

/// `crate = "my_orm"` or `crate = "::reexport::taos_orm"`.
fn crate_path(meta: &ParseNestedMeta<'_>) -> syn::Result<syn::Path> {
    let lit: LitStr = meta.value()?.parse()?;
    lit.parse()
}

/// Runs `f` on every key of every `#[taos(...)]` attribute. A parse error
/// ends that attribute (its remaining keys cannot be found reliably) but not
/// the others; `Err(())` says some attribute could not be read to its end.
fn for_each_key(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    mut f: impl FnMut(ParseNestedMeta<'_>) -> syn::Result<()>,
) -> Result<(), ()> {
    let mut complete = Ok(());
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("taos")) {
        if let syn::Meta::List(list) = &attr.meta {
            if list.tokens.is_empty() {
                cx.error_spanned_by(attr, "empty `#[taos()]` attribute");
                continue;
            }
        }
        if let Err(err) = attr.parse_nested_meta(&mut f) {
            cx.syn_error(err);
            complete = Err(());
        }
    }
    complete
}

/// `name` or `name = "value"`.
fn optional_str(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        Ok(Some(meta.value()?.parse()?))
    } else {
        Ok(None)
    }
}

/// Reports a value given to a flag such as `ts = true`, then skips it.
fn no_value(cx: &Ctxt, meta: &ParseNestedMeta<'_>, name: &str) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(());
    }
    let value = skip_value(meta)?;
    cx.error_spanned_by(
        quote::quote!(#value),
        format!("`{name}` takes no value: write `#[taos({name})]`"),
    );
    Ok(())
}

/// `(64)` after a length keyword. `= 64` is reported but still read, so the
/// field does not also get a "needs a length" error.
fn parse_length(cx: &Ctxt, meta: &ParseNestedMeta<'_>, name: &str) -> syn::Result<LitInt> {
    if meta.input.peek(Token![=]) {
        let lit: LitInt = meta.value()?.parse()?;
        cx.error_spanned_by(
            &meta.path,
            format!(
                "the length goes in parentheses: `#[taos({name}({}))]`",
                lit.base10_digits()
            ),
        );
        return Ok(lit);
    }
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!(
            "`{name}` needs a length in bytes or characters: `#[taos({name}(64))]`"
        )));
    }
    let content;
    parenthesized!(content in meta.input);
    let lit: LitInt = content.parse()?;
    if !content.is_empty() {
        return Err(content.error(format!("expected one length: `{name}(64)`")));
    }
    Ok(lit)
}

/// Reports an unknown key with the list of valid ones, then skips its value
/// so the following keys are still read.
fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta<'_>, valid: &[&str]) -> syn::Result<()> {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    let list = valid
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = match closest(&key, valid) {
        Some(near) => format!(" (did you mean `{near}`?)"),
        None => String::new(),
    };
    cx.error_spanned_by(
        &meta.path,
        format!("unknown attribute `{key}`{hint}; expected one of {list}"),
    );
    skip_value(meta).map(drop)
}

/// Consumes `= expr` or `(...)` after a key.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<TokenStream> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        Ok(TokenStream::new())
    } else if meta.input.peek(Token![=]) {
        let expr: syn::Expr = meta.value()?.parse()?;
        Ok(expr.into_token_stream())
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        let paren = parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
        let mut group =
            proc_macro2::Group::new(proc_macro2::Delimiter::Parenthesis, TokenStream::new());
        group.set_span(paren.span.join());
        Ok(group.into_token_stream())
    } else {
        Err(meta.error("expected `,`, `=` or `(`"))
    }
}

/// The valid key nearest to a misspelt one, if it is close enough.
fn closest<'a>(key: &str, valid: &[&'a str]) -> Option<&'a str> {
    valid
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys_only() {
        assert_eq!(closest("tagg", FIELD_KEYS), Some("tag"));
        assert_eq!(closest("varchr", FIELD_KEYS), Some("varchar"));
        assert_eq!(closest("primary", FIELD_KEYS), None);
        assert_eq!(closest("xyz", FIELD_KEYS), None);
    }
}
