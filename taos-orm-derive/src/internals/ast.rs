//! The parsed model of a `#[derive(TdTable)]` struct: plain data, each item
//! keeping a reference to the syntax it came from so checks can point at it.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident};

use super::attr;
use super::ctxt::Ctxt;
use super::ty::FieldType;

/// The struct being derived.
pub(crate) struct Table<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) original: &'a DeriveInput,
    pub(crate) attrs: attr::Container,
    pub(crate) fields: Vec<Field<'a>>,
}

/// One named field.
pub(crate) struct Field<'a> {
    pub(crate) member: &'a Ident,
    pub(crate) vis: &'a syn::Visibility,
    /// The field name without `r#`, as the user thinks of it.
    pub(crate) name: String,
    pub(crate) ty: FieldType<'a>,
    pub(crate) attrs: attr::Field,
}

/// What a field becomes in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A data column (the primary timestamp is one too).
    Column,
    /// A tag, including the JSON tag.
    Tag,
    /// The child table name, not stored in a column.
    TbName,
    /// Not mapped at all.
    Skip,
}

impl<'a> Table<'a> {
    /// Parses the struct; `None` (with the error recorded) for anything but
    /// a struct with named fields.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::Container::from_ast(cx, &input.attrs);
        let named = named_fields(cx, input, "TdTable")?;
        let fields = named
            .named
            .iter()
            .map(|field| Field::from_ast(cx, field))
            .collect();
        Some(Table {
            ident: &input.ident,
            original: input,
            attrs,
            fields,
        })
    }

    /// The path generated code reaches the runtime through.
    pub(crate) fn private(&self) -> TokenStream {
        private_path(self.attrs.krate.get())
    }

    pub(crate) fn is_normal(&self) -> bool {
        self.attrs.table.is_set()
    }

    /// The table name TDengine will store: explicit or the snake_case struct
    /// name, lowercased either way.
    pub(crate) fn name(&self) -> String {
        let explicit = self
            .attrs
            .table
            .get()
            .or(self.attrs.stable.get())
            .cloned()
            .flatten();
        match explicit {
            Some(lit) => lit.value().to_ascii_lowercase(),
            None => snake_case(&unraw(self.ident)),
        }
    }

    pub(crate) fn columns(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|f| f.role() == Role::Column)
    }

    pub(crate) fn tags(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|f| f.role() == Role::Tag)
    }

    pub(crate) fn tbname_field(&self) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.role() == Role::TbName)
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &Ctxt, field: &'a syn::Field) -> Self {
        let member = field.ident.as_ref().expect("named field");
        Field {
            member,
            vis: &field.vis,
            name: unraw(member),
            ty: FieldType::from_syn(&field.ty),
            attrs: attr::Field::from_ast(cx, &field.attrs),
        }
    }

    /// The role, deciding conflicting flags in a fixed order (the conflict
    /// itself is reported by the checks).
    pub(crate) fn role(&self) -> Role {
        let attrs = &self.attrs;
        if attrs.skip.is_set() {
            Role::Skip
        } else if attrs.tbname.is_set() {
            Role::TbName
        } else if attrs.ts.is_set() {
            Role::Column
        } else if attrs.tag.is_set() || attrs.json.is_set() {
            Role::Tag
        } else {
            Role::Column
        }
    }

    pub(crate) fn is_ts(&self) -> bool {
        self.role() == Role::Column && self.attrs.ts.is_set()
    }

    /// The column or tag name: `rename` or the field name, lowercased because
    /// TDengine folds unquoted names and the runtime always quotes them.
    pub(crate) fn column_name(&self) -> String {
        match self.attrs.rename.get() {
            Some(lit) => lit.value().to_ascii_lowercase(),
            None => self.name.to_ascii_lowercase(),
        }
    }
}

/// The struct of a `#[derive(TdRow)]`: rows read by column name.
pub(crate) struct Row<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) original: &'a DeriveInput,
    pub(crate) attrs: attr::RowContainer,
    pub(crate) fields: Vec<RowField<'a>>,
}

/// One field of a `#[derive(TdRow)]` struct.
pub(crate) struct RowField<'a> {
    pub(crate) member: &'a Ident,
    pub(crate) ty: &'a syn::Type,
    pub(crate) attrs: attr::RowField,
}

impl<'a> Row<'a> {
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::RowContainer::from_ast(cx, &input.attrs);
        let named = named_fields(cx, input, "TdRow")?;
        let fields = named
            .named
            .iter()
            .map(|field| RowField {
                member: field.ident.as_ref().expect("named field"),
                ty: &field.ty,
                attrs: attr::RowField::from_ast(cx, &field.attrs),
            })
            .collect();
        Some(Row {
            ident: &input.ident,
            original: input,
            attrs,
            fields,
        })
    }

    pub(crate) fn private(&self) -> TokenStream {
        private_path(self.attrs.krate.get())
    }
}

impl RowField<'_> {
    pub(crate) fn is_read(&self) -> bool {
        !self.attrs.skip.is_set()
    }

    /// The result column the field reads: `rename` or the field name,
    /// lowercased (result columns are matched ignoring ASCII case).
    pub(crate) fn column(&self) -> String {
        match self.attrs.rename.get() {
            Some(lit) => lit.value().to_ascii_lowercase(),
            None => unraw(self.member).to_ascii_lowercase(),
        }
    }
}

/// `::taos_orm::__private`, or `<crate>::__private` under `#[taos(crate = "...")]`.
pub(crate) fn private_path(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::taos_orm::__private),
    }
}

/// The named fields of a struct; `None` (with the error recorded) for
/// anything else.
fn named_fields<'a>(
    cx: &Ctxt,
    input: &'a DeriveInput,
    derive: &str,
) -> Option<&'a syn::FieldsNamed> {
    let what = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => return Some(named),
            Fields::Unnamed(_) if derive == "TdRow" => {
                "structs with named fields; read tuples directly"
            }
            _ => "structs with named fields",
        },
        Data::Enum(_) => "structs with named fields, not enums",
        Data::Union(_) => "structs with named fields, not unions",
    };
    let at: TokenStream = match &input.data {
        Data::Enum(data) => quote::ToTokens::to_token_stream(&data.enum_token),
        Data::Union(data) => quote::ToTokens::to_token_stream(&data.union_token),
        Data::Struct(_) => quote::ToTokens::to_token_stream(&input.ident),
    };
    cx.error_spanned_by(at, format!("`{derive}` can only be derived for {what}"));
    None
}

/// The identifier without a raw prefix: `r#type` is the column `type`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// `SmartMeter` → `smart_meter`, `HTTPLog` → `http_log`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_cases_struct_names() {
        assert_eq!(snake_case("Meters"), "meters");
        assert_eq!(snake_case("SmartMeter"), "smart_meter");
        assert_eq!(snake_case("HTTPLog"), "http_log");
        assert_eq!(snake_case("Sensor2Reading"), "sensor2_reading");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }
}
