//! The typed AST: the struct, its fields and their attributes, each node
//! keeping the syntax it came from for spans.

use proc_macro2::{Span, TokenStream};

use crate::attr::{ContainerArgs, ContainerSerde, FieldAttrs, FieldSerde};
use crate::ctxt::Ctxt;

pub struct Container<'a> {
    pub original: &'a syn::ItemStruct,
    pub args: ContainerArgs,
    pub serde: ContainerSerde,
    pub fields: Vec<Field<'a>>,
    pub derives: Derives<'a>,
    /// Some `#[serde(...)]` attribute could not be read. serde's own derive
    /// reports it, with its own message, on the fallback expansion; the
    /// rules that depend on serde names and defaults are then skipped rather
    /// than reported on guesses.
    pub serde_unreadable: bool,
}

pub struct Field<'a> {
    pub original: &'a syn::Field,
    pub ident: &'a syn::Ident,
    /// The name documents carry, after `rename` and `rename_all`.
    pub serde_name: String,
    pub serde: FieldSerde,
    pub attrs: FieldAttrs<'a>,
}

/// Which serde derives the user asked for, and where.
#[derive(Default)]
pub struct Derives<'a> {
    pub serialize: bool,
    pub deserialize: bool,
    /// Every `#[derive(...)]` on the struct, for errors about them.
    pub attrs: Vec<&'a syn::Attribute>,
    /// The other derives, by last path segment.
    pub others: Vec<String>,
}

impl<'a> Container<'a> {
    /// Reads a struct; `None` when it is no struct with named fields (the
    /// error is in `cx`).
    pub fn from_ast(cx: &mut Ctxt, args: TokenStream, item: &'a syn::Item) -> Option<Self> {
        let args = ContainerArgs::parse(cx, args);
        let original = match item {
            syn::Item::Struct(s) => s,
            syn::Item::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "#[versioned] supports structs with named fields, not unions",
                );
                return None;
            }
            // A function, an impl, ...: the item may be long, the attribute
            // is what is misplaced. (Enums are read by `enums.rs`.)
            _ => {
                cx.error_at(
                    Container::attr_span(),
                    "#[versioned] goes on a struct with named fields",
                );
                return None;
            }
        };
        let named = match &original.fields {
            syn::Fields::Named(named) => named,
            syn::Fields::Unnamed(unnamed) => {
                cx.error_spanned_by(
                    unnamed,
                    "#[versioned] supports structs with named fields; a tuple struct has no keys to version",
                );
                return None;
            }
            syn::Fields::Unit => {
                cx.error_spanned_by(
                    &original.ident,
                    "#[versioned] supports structs with named fields; a unit struct has no keys to version",
                );
                return None;
            }
        };
        let mut serde_unreadable = false;
        let serde = ContainerSerde::parse(&original.attrs).unwrap_or_else(|_| {
            serde_unreadable = true;
            ContainerSerde::default()
        });
        let fields = named
            .named
            .iter()
            .filter_map(|field| {
                let (field, readable) = Field::from_ast(cx, field, &serde)?;
                serde_unreadable |= !readable;
                Some(field)
            })
            .collect();
        Some(Container {
            original,
            args,
            serde,
            fields,
            derives: Derives::from_attrs(&original.attrs),
            serde_unreadable,
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
    /// The field, and whether its serde attributes could be read. `None`
    /// only for a field without a name, which a named struct never has.
    fn from_ast(
        cx: &mut Ctxt,
        original: &'a syn::Field,
        container: &ContainerSerde,
    ) -> Option<(Self, bool)> {
        let ident = original.ident.as_ref()?;
        let mut readable = true;
        let serde = FieldSerde::parse(&original.attrs).unwrap_or_else(|_| {
            readable = false;
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
        let field = Field {
            original,
            ident,
            serde_name,
            serde,
            attrs,
        };
        Some((field, readable))
    }

    /// Whether a document lacking this field still deserializes.
    pub fn has_default(&self, container: &ContainerSerde) -> bool {
        self.serde.default.is_some() || container.default.is_some() || self.serde.skip_de
    }
}

impl<'a> Derives<'a> {
    pub fn from_attrs(attrs: &'a [syn::Attribute]) -> Self {
        let mut derives = Derives::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            derives.attrs.push(attr);
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
