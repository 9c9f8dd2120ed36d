//! `#[versioned(embedded)]` on an enum: read, checked and expanded here,
//! beside the struct's path, whose impls it shares (`expand::Head`).
//!
//! This slice: externally tagged enums (serde's default) with unit,
//! newtype, tuple and struct variants, and `#[renamed_from]` on variants,
//! several old names folding into one. A document writes a unit variant as
//! a string and the others as an object with one key, the variant's name:
//! a rename changes that string or that key, at every route the runtime
//! has (`EmbeddedChecked::variants` marks the history so).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Derives;
use crate::attr::{is_field_attr, is_serde, ContainerArgs, FieldAttrs, Renamed};
use crate::case::RenameRule;
use crate::check::{check_derives, check_embedded_keys, check_one_scheme};
use crate::ctxt::Ctxt;
use crate::expand::{
    embedded_type, history_fn_of, mentions_generics, probes_fn, remote_name, remote_serde_name,
    replace_self, user_attrs, Head,
};
use crate::version::{Scheme, Version};

/// The representations a versioned enum supports, for the error naming
/// the ones it does not support yet.
const SUPPORTED: &str = "#[versioned(embedded)] supports externally tagged enums (serde's default: a unit variant as its name, the others as {\"name\": ...}) for now";

struct Enum<'a> {
    original: &'a syn::ItemEnum,
    derives: Derives<'a>,
    variants: Vec<Variant<'a>>,
}

struct Variant<'a> {
    original: &'a syn::Variant,
    ident: &'a syn::Ident,
    /// The name documents carry, after `rename` and `rename_all`.
    serde_name: String,
    renamed: Vec<Renamed>,
}

/// The enum with everything that makes it evolve, or `None` with the
/// errors in `cx`.
pub fn versioned(cx: &mut Ctxt, args: TokenStream, item: &syn::ItemEnum) -> Option<TokenStream> {
    let args = ContainerArgs::parse(cx, args);
    if args.embedded.is_none() {
        cx.error_spanned_by(
            item.enum_token,
            "#[versioned] supports enums embedded in a versioned struct only: write #[versioned(embedded)] (a top-level enum would need an object in every variant to carry its version)",
        );
        return None;
    }
    check_embedded_keys(cx, &args);
    let rename_all = container_serde(cx, item)?;
    let derives = Derives::from_attrs(&item.attrs);
    check_derives(cx, &derives, &item.ident);
    let variants = item
        .variants
        .iter()
        .filter_map(|variant| Variant::from_ast(cx, variant, rename_all))
        .collect();
    let cont = Enum {
        original: item,
        derives,
        variants,
    };
    let changes = cont.check(cx)?;
    Some(cont.expand(&changes))
}

/// The `rename_all` rule of the enum; `None` after an error: a tagging
/// mode not supported yet, or an attribute serde itself rejects (its
/// derive on the fallback says how).
fn container_serde(cx: &mut Ctxt, item: &syn::ItemEnum) -> Option<Option<RenameRule>> {
    let mut rename_all = None;
    let mut unsupported = Vec::new();
    for attr in item.attrs.iter().filter(|a| is_serde(a)) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                if let Some(rule) = crate::attr::parse_de_name(&meta)? {
                    rename_all = RenameRule::from_str(&rule);
                }
            } else if meta.path.is_ident("tag") {
                unsupported.push((meta.path.clone(), "internally tagged (`tag = ...`)"));
                crate::attr::skip_value(&meta)?;
            } else if meta.path.is_ident("content") {
                unsupported.push((meta.path.clone(), "adjacently tagged (`content = ...`)"));
                crate::attr::skip_value(&meta)?;
            } else if meta.path.is_ident("untagged") {
                unsupported.push((meta.path.clone(), "untagged"));
            } else {
                crate::attr::skip_value(&meta)?;
            }
            Ok(())
        });
        if parsed.is_err() {
            return None;
        }
    }
    // `tag` and `content` together are one mode: adjacently tagged.
    let adjacent = unsupported.iter().any(|(p, _)| p.is_ident("content"));
    for (path, mode) in &unsupported {
        if adjacent && path.is_ident("tag") {
            continue;
        }
        cx.error_spanned_by(
            path,
            format!("{SUPPORTED}; {mode} enums are not supported yet"),
        );
    }
    unsupported.is_empty().then_some(rename_all)
}

impl<'a> Variant<'a> {
    fn from_ast(
        cx: &mut Ctxt,
        original: &'a syn::Variant,
        rename_all: Option<RenameRule>,
    ) -> Option<Self> {
        let mut rename = None;
        for attr in original.attrs.iter().filter(|a| is_serde(a)) {
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if let Some(name) = crate::attr::parse_de_name(&meta)? {
                        rename = Some(name);
                    }
                } else if meta.path.is_ident("untagged") {
                    cx.error_spanned_by(
                        &meta.path,
                        format!("{SUPPORTED}; untagged variants are not supported yet"),
                    );
                } else {
                    crate::attr::skip_value(&meta)?;
                }
                Ok(())
            });
            if parsed.is_err() {
                return None;
            }
        }
        let attrs = FieldAttrs::parse(cx, &original.attrs);
        for (attr, name) in [
            (attrs.removed.as_ref().map(|r| r.attr), "removed_in"),
            (attrs.added.as_ref().map(|a| a.attr), "added_in"),
            (attrs.convert.first_attr(), attrs.convert.first_name()),
        ] {
            if let Some(attr) = attr {
                cx.error_spanned_by(
                    attr,
                    format!("#[{name}] on an enum variant is not supported yet; a variant takes #[renamed_from(\"old\", since = \"V\")]"),
                );
            }
        }
        crate::moves::reject_on_variant(cx, &attrs);
        for field in &original.fields {
            for attr in field.attrs.iter().filter(|a| is_field_attr(a)) {
                cx.error_spanned_by(
                    attr,
                    "field attributes inside an enum variant are not supported yet; make it a newtype variant holding a #[versioned(embedded)] struct, whose fields take them",
                );
            }
        }
        let plain = original.ident.to_string();
        let plain = plain.strip_prefix("r#").unwrap_or(&plain).to_owned();
        let serde_name = match (rename, rename_all) {
            (Some(name), _) => name,
            (None, Some(rule)) => rule.apply_to_variant(&plain),
            (None, None) => plain,
        };
        Some(Variant {
            original,
            ident: &original.ident,
            serde_name,
            renamed: attrs.renamed,
        })
    }

    /// The name the variant has in documents of `version`: the old name of
    /// the first rename after it, or its serde name.
    fn name_at(&self, version: &Version) -> String {
        self.renamed
            .iter()
            .filter(|r| r.since.version > *version)
            .min_by(|a, b| a.since.version.cmp(&b.since.version))
            .map_or_else(|| self.serde_name.clone(), |r| r.old.value())
    }
}

/// The renames that take effect in each version, oldest first: `(old,
/// new)`, the new name being the variant's name in that version.
type Changes = Vec<(Version, Vec<(String, String)>)>;

impl Enum<'_> {
    fn check(&self, cx: &mut Ctxt) -> Option<Changes> {
        let lits = || {
            self.variants
                .iter()
                .flat_map(|v| v.renamed.iter().map(|r| &r.since))
        };
        if let Some(first) = lits().next() {
            let scheme = first.version.scheme();
            let decided_by = format!(
                "the first version of `{}`, {},",
                self.original.ident,
                first.text()
            );
            check_one_scheme(cx, lits(), scheme, &decided_by);
            self.check_after_first_version(cx, scheme);
        }
        self.check_renames(cx);
        if cx.has_errors() {
            return None;
        }
        let versions: BTreeSet<Version> = lits().map(|lit| lit.version.clone()).collect();
        Some(
            versions
                .into_iter()
                .map(|version| {
                    let mut renames = Vec::new();
                    for variant in &self.variants {
                        let new = variant.name_at(&version);
                        // Listed last first: a downgrade undoes them in
                        // reverse and writes the first old name written.
                        for renamed in variant.renamed.iter().rev() {
                            if renamed.since.version == version {
                                renames.push((renamed.old.value(), new.clone()));
                            }
                        }
                    }
                    (version, renames)
                })
                .collect(),
        )
    }

    fn check_after_first_version(&self, cx: &mut Ctxt, scheme: Scheme) {
        let first = match scheme {
            Scheme::Semver => Version::semver(semver::Version::new(0, 0, 0)),
            Scheme::Integer => Version::integer(0),
        };
        for variant in &self.variants {
            for renamed in &variant.renamed {
                let lit = &renamed.since;
                if lit.version.scheme() == scheme && lit.version <= first {
                    cx.error_at(
                        lit.span,
                        format!(
                            "#[versioned(embedded)]: `{}` changes in version {v}, and no version comes before {v} for older documents to have; a change takes effect in a version after theirs",
                            variant.ident,
                            v = lit.version,
                        ),
                    );
                }
            }
        }
    }

    /// A variant is renamed from a name it does not have, and each old
    /// name becomes one variant: a document naming it must read as one.
    fn check_renames(&self, cx: &mut Ctxt) {
        let current: BTreeMap<&str, &syn::Ident> = self
            .variants
            .iter()
            .map(|v| (v.serde_name.as_str(), v.ident))
            .collect();
        let mut claimed: BTreeMap<String, &syn::Ident> = BTreeMap::new();
        for variant in &self.variants {
            for renamed in &variant.renamed {
                let old = renamed.old.value();
                if old == variant.serde_name {
                    cx.error_spanned_by(
                        &renamed.old,
                        format!(
                            "#[renamed_from({old:?}, ...)]: {old:?} is the current serde name of variant `{}`; name the variant older documents carry",
                            variant.ident
                        ),
                    );
                    continue;
                }
                if let Some(other) = current.get(old.as_str()) {
                    cx.error_spanned_by(
                        &renamed.old,
                        format!(
                            "#[renamed_from({old:?}, ...)]: {old:?} is the current serde name of variant `{other}`; an old name of `{}` cannot be another variant's name",
                            variant.ident
                        ),
                    );
                    continue;
                }
                match claimed.get(&old) {
                    Some(first) => cx.error_spanned_by(
                        &renamed.old,
                        format!(
                            "#[renamed_from]: the old name {old:?} is claimed twice (by `{first}` already); an old name becomes one variant",
                        ),
                    ),
                    None => {
                        claimed.insert(old, variant.ident);
                    }
                }
            }
        }
    }

    fn expand(&self, changes: &Changes) -> TokenStream {
        let head = Head {
            ident: &self.original.ident,
            generics: &self.original.generics,
            serialize: self.derives.serialize,
            deserialize: self.derives.deserialize,
        };
        embedded_type(
            &head,
            self.user_enum(),
            self.remote_enum(),
            self.history_fn(changes),
        )
    }

    /// The enum as the user's crate sees it: without serde's derives, which
    /// the remote copy takes, and without palimpsest's attributes.
    fn user_enum(&self) -> TokenStream {
        let mut item = self.original.clone();
        item.attrs = user_attrs(item.attrs);
        for variant in &mut item.variants {
            variant.attrs.retain(|a| !is_serde(a) && !is_field_attr(a));
            for field in &mut variant.fields {
                field.attrs.retain(|a| !is_serde(a));
            }
        }
        quote!(#item)
    }

    /// A copy of the enum with the user's serde attributes, derived with
    /// `remote`, each variant also read under its old names: serde's own
    /// code reads and writes the real enum, as for a struct.
    fn remote_enum(&self) -> TokenStream {
        let ident = &self.original.ident;
        let remote = remote_name();
        let generics = &self.original.generics;
        let (_, ty_generics, _) = generics.split_for_impl();
        let remote_type = ident.to_string();
        let self_type = quote!(#ident #ty_generics);
        let serde_name = remote_serde_name(ident, &self.original.attrs);
        let mut copy = self.original.clone();
        copy.ident = remote.clone();
        copy.vis = syn::Visibility::Inherited;
        copy.attrs.retain(is_serde);
        for (variant, info) in copy.variants.iter_mut().zip(&self.variants) {
            variant.attrs.retain(is_serde);
            for old in info.renamed.iter().map(|r| &r.old) {
                variant
                    .attrs
                    .push(syn::parse_quote!(#[serde(alias = #old)]));
            }
            for field in &mut variant.fields {
                field.attrs.retain(is_serde);
                let ty = &field.ty;
                // In the copy, `Self` would be the copy.
                let ty = replace_self(quote!(#ty), &self_type);
                field.ty = syn::parse_quote!(#ty);
            }
        }
        let mut derives = Vec::new();
        if self.derives.serialize {
            derives.push(quote!(::palimpsest::__private::serde::Serialize));
        }
        if self.derives.deserialize {
            derives.push(quote!(::palimpsest::__private::serde::Deserialize));
        }
        quote! {
            #[derive(#(#derives),*)]
            #[serde(crate = "::palimpsest::__private::serde", remote = #remote_type)]
            #serde_name
            #[allow(dead_code)]
            #copy
        }
    }

    /// One probe per newtype variant, whose value is found under the
    /// variant's names as a struct field's under the field's: an embedded
    /// type it holds migrates with the enum. `None` when no variant can
    /// hold one.
    fn fields_fn(&self) -> Option<TokenStream> {
        let ident = &self.original.ident;
        let (_, ty_generics, _) = self.original.generics.split_for_impl();
        let self_type = quote!(#ident #ty_generics);
        let probes: Vec<(TokenStream, Vec<String>)> = self
            .variants
            .iter()
            .filter_map(|variant| {
                let syn::Fields::Unnamed(fields) = &variant.original.fields else {
                    return None;
                };
                let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
                    return None;
                };
                let ty = &field.ty;
                let ty = replace_self(quote!(#ty), &self_type);
                if mentions_generics(&ty, &self.original.generics) {
                    return None;
                }
                let mut names = vec![variant.serde_name.clone()];
                names.extend(variant.renamed.iter().map(|r| r.old.value()));
                Some((ty, names))
            })
            .collect();
        probes_fn(&probes)
    }

    /// The history: the renames of each version, marked as variant renames.
    fn history_fn(&self, changes: &Changes) -> TokenStream {
        let changes = changes.iter().map(|(version, renames)| {
            let renames = renames.iter().map(|(old, new)| quote!(.rename(#old, #new)));
            quote!(.change(#version, ::palimpsest::__private::ops() #(#renames)*))
        });
        history_fn_of(
            &self.original.ident,
            self.fields_fn(),
            quote!(.variants() #(#changes)*),
        )
    }
}
