//! The typed AST: the struct, its fields and their attributes, each node
//! keeping the syntax it came from for spans.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;

use crate::attr::{ContainerArgs, ContainerSerde, FieldAttrs, FieldSerde};
use crate::ctxt::Ctxt;

pub struct Container<'a> {
    pub original: &'a syn::ItemStruct,
    pub args: ContainerArgs,
    pub serde: ContainerSerde,
    pub fields: Vec<Field<'a>>,
    pub derives: Derives,
}

pub struct Field<'a> {
    pub original: &'a syn::Field,
    pub ident: &'a syn::Ident,
    /// The name documents carry, after `rename` and `rename_all`.
    pub serde_name: String,
    pub serde: FieldSerde,
    pub attrs: FieldAttrs,
}

/// Which serde derives the user asked for, and where.
#[derive(Default)]
pub struct Derives {
    pub serialize: bool,
    pub deserialize: bool,
    /// The other derives, by last path segment.
    pub others: Vec<String>,
}

impl<'a> Container<'a> {
    /// Reads the item; `None` when it is no struct with named fields (the
    /// error is in `cx`).
    pub fn from_ast(cx: &mut Ctxt, args: TokenStream, item: &'a syn::Item) -> Option<Self> {
        let args = ContainerArgs::parse(cx, args);
        let original = match item {
            syn::Item::Struct(s) => s,
            syn::Item::Enum(e) => {
                cx.error_spanned_by(
                    e.enum_token,
                    "#[versioned] supports structs with named fields; enums are not supported yet",
                );
                return None;
            }
            syn::Item::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "#[versioned] supports structs with named fields, not unions",
                );
                return None;
            }
            other => {
                cx.error_spanned_by(other, "#[versioned] goes on a struct with named fields");
                return None;
            }
        };
        let syn::Fields::Named(named) = &original.fields else {
            cx.error_at(
                original.fields.span().join(original.ident.span()).unwrap_or(original.ident.span()),
                "#[versioned] supports structs with named fields; tuple and unit structs have no keys to version",
            );
            return None;
        };
        let serde = ContainerSerde::parse(&original.attrs).unwrap_or_else(|e| {
            cx.syn_error(e);
            ContainerSerde::default()
        });
        let fields = named
            .named
            .iter()
            .map(|field| Field::from_ast(cx, field, &serde))
            .collect();
        Some(Container {
            original,
            args,
            serde,
            fields,
            derives: Derives::from_attrs(&original.attrs),
        })
    }

    pub fn ident(&self) -> &syn::Ident {
        &self.original.ident
    }

    /// The fields the struct keeps (those not removed).
    pub fn current_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|f| f.attrs.removed.is_none())
    }

    /// The span of the `#[versioned]` attribute itself, where container-wide
    /// errors point.
    pub fn attr_span() -> Span {
        Span::call_site()
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &mut Ctxt, original: &'a syn::Field, container: &ContainerSerde) -> Self {
        let ident = original
            .ident
            .as_ref()
            .expect("named fields have identifiers");
        let serde = FieldSerde::parse(&original.attrs).unwrap_or_else(|e| {
            cx.syn_error(e);
            FieldSerde::default()
        });
        let plain = ident.to_string();
        let plain = plain.strip_prefix("r#").unwrap_or(&plain).to_owned();
        let serde_name = match (&serde.rename_de, container.rename_all_de) {
            (Some(name), _) => name.clone(),
            (None, Some(rule)) => rule.apply_to_field(&plain),
            (None, None) => plain,
        };
        let attrs = FieldAttrs::parse(cx, &original.attrs);
        Field {
            original,
            ident,
            serde_name,
            serde,
            attrs,
        }
    }

    /// Whether a document lacking this field still deserializes.
    pub fn has_default(&self, container: &ContainerSerde) -> bool {
        self.serde.default.is_some() || container.default.is_some() || self.serde.skip_de
    }
}

impl Derives {
    fn from_attrs(attrs: &[syn::Attribute]) -> Self {
        let mut derives = Derives::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let _ = attr.parse_nested_meta(|meta| {
                match meta
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .as_deref()
                {
                    Some("Serialize") => derives.serialize = true,
                    Some("Deserialize") => derives.deserialize = true,
                    Some(other) => derives.others.push(other.to_owned()),
                    None => {}
                }
                Ok(())
            });
        }
        derives
    }
}

/// Whether a derive path names serde's `Serialize` or `Deserialize`.
pub fn is_serde_derive(path: &syn::Path) -> bool {
    matches!(
        path.segments.last().map(|s| s.ident.to_string()).as_deref(),
        Some("Serialize" | "Deserialize")
    )
}
