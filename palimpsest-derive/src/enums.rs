//! `#[versioned(embedded)]` on an enum: read, checked and expanded here,
//! beside the struct's path, whose impls it shares (`expand::Head`).
//!
//! Every serde representation: externally tagged (a unit variant as its
//! name, the others as `{"name": ..}`), internally tagged (`tag`: the name
//! under the tag key, beside the fields), adjacently tagged (`tag` and
//! `content`) and untagged (no name at all). A variant is renamed (several
//! old names may fold into one), added, or removed to a unit fallback
//! variant; the fields of a struct variant take the field attributes of an
//! embedded struct, checked and expanded by the struct's own code on a
//! struct made of the variant's fields (its payload). An untagged enum
//! writes no name, so only its payloads evolve.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::{Container, Derives};
use crate::attr::{is_field_attr, is_serde, ContainerArgs, ContainerSerde};
use crate::case::RenameRule;
use crate::check::{
    check_derives, check_embedded_keys, check_one_scheme, check_scheme_of_first, field_versions,
    validate_embedded, EmbeddedPlan,
};
use crate::ctxt::Ctxt;
use crate::expand::{
    embedded_type, history_fn, history_fn_name, history_fn_of, keep_current_fields,
    mentions_generics, old_names, remote_name, remote_serde_name, replace_self, user_attrs, Head,
};
use crate::root_enum::{self, RootArgs};
use crate::variant_attrs::VariantAttrs;
use crate::version::{Scheme, Version};

/// How serde writes the enum.
enum Tagging {
    External,
    Internal { tag: String },
    Adjacent { tag: String, content: String },
    Untagged,
}

/// What the enum's `#[serde(...)]` attributes say.
struct EnumSerde {
    tagging: Tagging,
    /// Where the tagging is written, for errors: `tag`, `untagged`.
    tagging_path: Option<syn::Path>,
    rename_all: Option<RenameRule>,
    /// `rename_all_fields`: the rule of every struct variant's fields.
    rename_all_fields: Option<String>,
}

struct Enum<'a> {
    original: &'a syn::ItemEnum,
    serde: EnumSerde,
    derives: Derives<'a>,
    variants: Vec<Variant<'a>>,
}

struct Variant<'a> {
    original: &'a syn::Variant,
    ident: &'a syn::Ident,
    /// The name documents carry, after `rename` and `rename_all`.
    serde_name: String,
    attrs: VariantAttrs<'a>,
    /// `#[serde(untagged)]` on the variant: read by its value alone.
    untagged: Option<syn::Path>,
    /// The variant's own `rename_all`, for its fields.
    fields_rule: Option<String>,
}

/// A struct variant as the struct of its fields, whose attributes the
/// embedded struct's rules check and its expansion turns into a history:
/// the variant's index, and the struct.
type Payload = (usize, syn::Item);

/// The enum with everything that makes it evolve, or `None` with the
/// errors in `cx`.
pub fn versioned(cx: &mut Ctxt, args: TokenStream, item: &syn::ItemEnum) -> Option<TokenStream> {
    let args = ContainerArgs::parse(cx, args);
    let serde = container_serde(item)?;
    let root = match (&args.embedded, &serde.tagging) {
        (Some(_), _) => {
            check_embedded_keys(cx, &args);
            None
        }
        (None, Tagging::Internal { .. } | Tagging::Adjacent { .. }) => {
            Some(root_enum::check_args(cx, &args, item)?)
        }
        (None, Tagging::External | Tagging::Untagged) => {
            reject_top_level(cx, item, &serde);
            return None;
        }
    };
    let derives = Derives::from_attrs(&item.attrs);
    check_derives(cx, &derives, &item.ident);
    let variants = item
        .variants
        .iter()
        .filter_map(|variant| Variant::from_ast(cx, variant, serde.rename_all))
        .collect();
    let cont = Enum {
        original: item,
        serde,
        derives,
        variants,
    };
    let payloads = cont.payload_structs();
    let args = quote!(embedded);
    let containers: Vec<(usize, Container<'_>)> = payloads
        .iter()
        .filter_map(|(index, item)| Some((*index, Container::from_ast(cx, args.clone(), item)?)))
        .collect();
    let changes = cont.check(cx, &containers, root.as_ref());
    // The derives are the enum's: a missing one is reported once, there.
    let derived = cont.derives.serialize || cont.derives.deserialize;
    let plans: Vec<(usize, &Container<'_>, EmbeddedPlan<'_>)> = containers
        .iter()
        .filter(|_| derived)
        .filter_map(|(index, cont)| Some((*index, cont, validate_embedded(cx, cont)?)))
        .collect();
    if cx.has_errors() {
        return None;
    }
    Some(cont.expand(&changes?, &plans, root.as_ref()))
}

/// A top-level versioned type carries its version as a key of its own
/// object: say why an externally tagged or untagged enum has none, and
/// which representations do.
fn reject_top_level(cx: &mut Ctxt, item: &syn::ItemEnum, serde: &EnumSerde) {
    const EMBED: &str = "an internally or adjacently tagged enum (#[serde(tag = \"type\")], with `content = ..` or not) carries it beside the tag; or use the enum inside a #[versioned] struct and mark it #[versioned(embedded)], which writes no version of its own";
    let (at, message) = match &serde.tagging {
        Tagging::External => (
            None,
            format!("#[versioned] on an externally tagged enum (serde's default): a unit variant is written as a bare string and the others as {{\"Variant\": ..}}, so no object of the enum's own can carry the version key; {EMBED}"),
        ),
        Tagging::Untagged => (
            serde.tagging_path.as_ref(),
            format!("#[versioned] on an untagged enum: a document is the variant's value alone, which may be no object, and carries no name to find the variant by, so nothing can carry the version key; {EMBED}"),
        ),
        // Read as roots: `root_enum`.
        Tagging::Internal { .. } | Tagging::Adjacent { .. } => return,
    };
    match at {
        Some(path) => cx.error_spanned_by(path, message),
        None => cx.error_spanned_by(item.enum_token, message),
    }
}

/// The enum's serde attributes; `None` when one cannot be read (serde's
/// derive on the fallback says how).
fn container_serde(item: &syn::ItemEnum) -> Option<EnumSerde> {
    let mut out = EnumSerde {
        tagging: Tagging::External,
        tagging_path: None,
        rename_all: None,
        rename_all_fields: None,
    };
    let (mut tag, mut content, mut untagged) = (None, None, false);
    for attr in item.attrs.iter().filter(|a| is_serde(a)) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                // #[serde(rename_all = "snake_case")]
                if let Some(rule) = crate::attr::parse_de_name(&meta)? {
                    out.rename_all = RenameRule::from_str(&rule);
                }
            } else if meta.path.is_ident("rename_all_fields") {
                // #[serde(rename_all_fields = "camelCase")]
                out.rename_all_fields = crate::attr::parse_de_name(&meta)?;
            } else if meta.path.is_ident("tag") {
                // #[serde(tag = "type")]
                tag = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                out.tagging_path = Some(meta.path.clone());
            } else if meta.path.is_ident("content") {
                // #[serde(tag = "t", content = "c")]
                content = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("untagged") {
                untagged = true;
                out.tagging_path = Some(meta.path.clone());
            } else {
                crate::attr::skip_value(&meta)?;
            }
            Ok(())
        })
        .ok()?;
    }
    out.tagging = match (tag, content, untagged) {
        (_, _, true) => Tagging::Untagged,
        (Some(tag), Some(content), false) => Tagging::Adjacent { tag, content },
        (Some(tag), None, false) => Tagging::Internal { tag },
        // `content` alone: serde's derive rejects it.
        (None, _, false) => Tagging::External,
    };
    Some(out)
}

impl<'a> Variant<'a> {
    fn from_ast(
        cx: &mut Ctxt,
        original: &'a syn::Variant,
        rename_all: Option<RenameRule>,
    ) -> Option<Self> {
        let (mut rename, mut untagged, mut fields_rule) = (None, None, None);
        for attr in original.attrs.iter().filter(|a| is_serde(a)) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if let Some(name) = crate::attr::parse_de_name(&meta)? {
                        rename = Some(name);
                    }
                } else if meta.path.is_ident("rename_all") {
                    fields_rule = crate::attr::parse_de_name(&meta)?;
                } else if meta.path.is_ident("untagged") {
                    untagged = Some(meta.path.clone());
                } else {
                    crate::attr::skip_value(&meta)?;
                }
                Ok(())
            })
            .ok()?;
        }
        let attrs = VariantAttrs::parse(cx, &original.attrs);
        if let syn::Fields::Unnamed(fields) = &original.fields {
            for attr in fields
                .unnamed
                .iter()
                .flat_map(|f| &f.attrs)
                .filter(|a| is_field_attr(a))
            {
                cx.error_spanned_by(
                    attr,
                    "field attributes go on the named fields of a struct variant; the fields of a tuple variant have no names to change (make it a newtype variant holding a #[versioned(embedded)] struct, or a struct variant)",
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
            attrs,
            untagged,
            fields_rule,
        })
    }

    /// The name the variant has in documents of `version`: the old name of
    /// the first rename after it, or its serde name.
    fn name_at(&self, version: &Version) -> String {
        self.attrs
            .renamed
            .iter()
            .filter(|r| r.since.version > *version)
            .min_by(|a, b| a.since.version.cmp(&b.since.version))
            .map_or_else(|| self.serde_name.clone(), |r| r.old.value())
    }

    fn is_removed(&self) -> bool {
        self.attrs.removed.is_some()
    }

    /// Its serde name, then its old names.
    fn names(&self) -> Vec<String> {
        let mut names = vec![self.serde_name.clone()];
        names.extend(self.attrs.renamed.iter().map(|r| r.old.value()));
        names
    }
}

/// The changes of the variants in each version, oldest first, as the
/// builder calls of the history.
type Changes = Vec<(Version, Vec<TokenStream>)>;

impl Enum<'_> {
    /// The struct variants, each as the struct of its fields: named and
    /// generic as the enum (so `Self` in a field's type is the enum),
    /// deriving what it derives, its fields renamed by the variant's
    /// `rename_all` or the enum's `rename_all_fields`. A removed variant's
    /// fields change until it goes, so the value kept then, and restored
    /// by a downgrade, has the fields of its time.
    fn payload_structs(&self) -> Vec<Payload> {
        let derives = self
            .original
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("derive"));
        self.variants
            .iter()
            .enumerate()
            .filter_map(|(index, variant)| {
                let syn::Fields::Named(fields) = &variant.original.fields else {
                    return None;
                };
                let rule = variant
                    .fields_rule
                    .as_ref()
                    .or(self.serde.rename_all_fields.as_ref());
                let rename_all = rule.map(|rule| quote!(#[serde(rename_all = #rule)]));
                let ident = &self.original.ident;
                let generics = &self.original.generics;
                let where_clause = &generics.where_clause;
                let derives = derives.clone();
                let item: syn::ItemStruct = syn::parse_quote! {
                    #(#derives)*
                    #rename_all
                    struct #ident #generics #where_clause #fields
                };
                Some((index, syn::Item::Struct(item)))
            })
            .collect()
    }

    fn check(
        &self,
        cx: &mut Ctxt,
        payloads: &[(usize, Container<'_>)],
        root: Option<&RootArgs>,
    ) -> Option<Changes> {
        let variant_lits = || self.variants.iter().flat_map(|v| v.attrs.versions());
        let field_lits = || {
            payloads
                .iter()
                .flat_map(|(_, cont)| cont.fields.iter().flat_map(field_versions))
        };
        let lits = || variant_lits().chain(field_lits());
        if let Some(root) = root {
            let scheme = root.since.version.scheme();
            check_one_scheme(cx, lits(), scheme, "`since`");
            root_enum::check_versions(cx, root, lits());
            self.check_nothing_kept(cx, payloads);
        } else if let Some(scheme) = check_scheme_of_first(cx, &self.original.ident, lits) {
            self.check_after_first_version(cx, scheme);
        }
        self.check_nameless(cx);
        self.check_renames(cx);
        self.check_lifetimes(cx);
        self.check_fallbacks(cx);
        if cx.has_errors() {
            return None;
        }
        let versions: BTreeSet<Version> = variant_lits().map(|lit| lit.version.clone()).collect();
        Some(
            versions
                .into_iter()
                .map(|version| {
                    let calls = self.changes_in(&version);
                    (version, calls)
                })
                .collect(),
        )
    }

    /// The builder calls of the changes in `version`.
    fn changes_in(&self, version: &Version) -> Vec<TokenStream> {
        let mut calls = Vec::new();
        for variant in &self.variants {
            let new = variant.name_at(version);
            // Listed last first: a downgrade takes the last listed, the
            // first old name written.
            for renamed in variant.attrs.renamed.iter().rev() {
                if renamed.since.version == *version {
                    let old = renamed.old.value();
                    calls.push(quote!(.rename_variant(#version, #old, #new)));
                }
            }
            if variant
                .attrs
                .added
                .as_ref()
                .is_some_and(|a| a.version.version == *version)
            {
                calls.push(quote!(.add_variant(#version, #new)));
            }
            let Some(removed) = &variant.attrs.removed else {
                continue;
            };
            if removed.version.version != *version {
                continue;
            }
            let fallback = removed
                .fallback
                .as_ref()
                .and_then(|f| self.variants.iter().find(|v| v.ident == &f.value()));
            if let Some(fallback) = fallback {
                let name = &variant.serde_name;
                let fallback = fallback.name_at(version);
                let keep = !removed.drop;
                calls.push(quote!(.remove_variant(#version, #name, #fallback, #keep)));
            }
        }
        calls
    }

    fn check_after_first_version(&self, cx: &mut Ctxt, scheme: Scheme) {
        let first = match scheme {
            Scheme::Semver => Version::semver(semver::Version::new(0, 0, 0)),
            Scheme::Integer => Version::integer(0),
        };
        for variant in &self.variants {
            for lit in variant.attrs.versions() {
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

    /// A top-level enum has no metadata to keep a removed value in: a
    /// removal, of a variant or of a field of one, says `drop`.
    fn check_nothing_kept(&self, cx: &mut Ctxt, payloads: &[(usize, Container<'_>)]) {
        let removed_variants = self.variants.iter().filter_map(|v| {
            Some((
                v.attrs.removed.as_ref()?.attr,
                v.ident,
                v.attrs.removed.as_ref()?.drop,
            ))
        });
        let removed_fields = payloads.iter().flat_map(|(_, cont)| {
            cont.fields.iter().filter_map(|f| {
                Some((
                    f.attrs.removed.as_ref()?.attr,
                    f.ident,
                    f.attrs.removed.as_ref()?.drop,
                ))
            })
        });
        for (attr, ident, drop) in removed_variants.chain(removed_fields) {
            if !drop {
                cx.error_spanned_by(
                    attr,
                    format!("#[removed_in]: `{ident}` would be lost: a top-level enum has no metadata to keep it in (its variants share no field to hold it); add `drop` to say it may be dropped, or wrap the enum in a #[versioned(metadata = ..)] struct"),
                );
            }
        }
    }

    /// An untagged enum, or an untagged variant, writes no name: there is
    /// nothing to rename, add or remove; its payload's fields may change.
    fn check_nameless(&self, cx: &mut Ctxt) {
        let enum_untagged = matches!(self.serde.tagging, Tagging::Untagged);
        for variant in &self.variants {
            if !enum_untagged && variant.untagged.is_none() {
                continue;
            }
            let what = if enum_untagged {
                "a variant of an untagged enum"
            } else {
                "an untagged variant"
            };
            let attrs = variant.original.attrs.iter().filter(|a| is_field_attr(a));
            for attr in attrs {
                let name = attr
                    .path()
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                cx.error_spanned_by(
                    attr,
                    format!(
                        "#[{name}] on {what}: its documents hold the variant's value alone, with no name to rename, add or remove; the fields of its struct variants take field attributes"
                    ),
                );
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
            for renamed in &variant.attrs.renamed {
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

    /// A variant is removed after it is added, and renamed while it exists.
    fn check_lifetimes(&self, cx: &mut Ctxt) {
        for variant in &self.variants {
            let added = variant.attrs.added.as_ref().map(|a| &a.version);
            let removed = variant.attrs.removed.as_ref().map(|r| &r.version);
            if let (Some(added), Some(removed)) = (added, removed) {
                if removed.version <= added.version {
                    cx.error_at(
                        removed.span,
                        format!(
                            "#[removed_in({})]: variant `{}` is removed in {} but only added in {}; the removal comes after the addition",
                            removed.text(),
                            variant.ident,
                            removed.version,
                            added.version
                        ),
                    );
                }
            }
            for renamed in &variant.attrs.renamed {
                let since = &renamed.since;
                if added.is_some_and(|added| since.version <= added.version) {
                    cx.error_at(
                        since.span,
                        format!(
                            "#[renamed_from]: variant `{}` is renamed in {} but only added in {}; a rename comes after the variant exists",
                            variant.ident,
                            since.version,
                            added.map(|a| &a.version).unwrap_or(&since.version)
                        ),
                    );
                }
                if removed.is_some_and(|removed| since.version >= removed.version) {
                    cx.error_at(
                        since.span,
                        format!(
                            "#[renamed_from]: variant `{}` is renamed in {} but already removed in {}; a rename comes before the removal",
                            variant.ident,
                            since.version,
                            removed.map(|r| &r.version).unwrap_or(&since.version)
                        ),
                    );
                }
            }
        }
    }

    /// A removed variant names its fallback: a unit variant the enum keeps,
    /// which exists in the version of the removal. The value it held is
    /// kept in the root's metadata unless `drop` says otherwise.
    fn check_fallbacks(&self, cx: &mut Ctxt) {
        for variant in &self.variants {
            let Some(removed) = &variant.attrs.removed else {
                continue;
            };
            let version = removed.version.text();
            let Some(fallback) = &removed.fallback else {
                cx.error_spanned_by(
                    removed.attr,
                    format!(
                        "#[removed_in({version})]: variant `{}` needs a fallback: a document that holds it still needs a value in its place; write #[removed_in({version}, fallback = \"Variant\")] naming a unit variant (an `Unknown` one, say), and its value is kept in the root's metadata under its path",
                        variant.ident
                    ),
                );
                continue;
            };
            let name = fallback.value();
            let Some(target) = self.variants.iter().find(|v| v.ident == &name) else {
                cx.error_spanned_by(
                    fallback,
                    format!(
                        "#[removed_in(.., fallback = {name:?})]: `{}` has no variant `{name}`; the fallback names a unit variant of the enum by its Rust name",
                        self.original.ident
                    ),
                );
                continue;
            };
            if target.is_removed() {
                cx.error_spanned_by(
                    fallback,
                    format!(
                        "#[removed_in(.., fallback = {name:?})]: `{name}` is removed too; the fallback is a variant the enum keeps"
                    ),
                );
            } else if !matches!(target.original.fields, syn::Fields::Unit) {
                cx.error_spanned_by(
                    fallback,
                    format!(
                        "#[removed_in(.., fallback = {name:?})]: `{name}` is not a unit variant; the fallback takes no value, since the removed variant's value goes to the root's metadata"
                    ),
                );
            } else if let Some(added) = target
                .attrs
                .added
                .as_ref()
                .filter(|a| a.version.version > removed.version.version)
            {
                cx.error_spanned_by(
                    fallback,
                    format!(
                        "#[removed_in(.., fallback = {name:?})]: `{name}` is only added in {}, after `{}` is removed in {}; the fallback exists when the variant goes",
                        added.version.version, variant.ident, removed.version.version
                    ),
                );
            }
        }
    }

    fn expand(
        &self,
        changes: &Changes,
        plans: &[(usize, &Container<'_>, EmbeddedPlan<'_>)],
        root: Option<&RootArgs>,
    ) -> TokenStream {
        let head = Head {
            ident: &self.original.ident,
            generics: &self.original.generics,
            serialize: self.derives.serialize,
            deserialize: self.derives.deserialize,
        };
        // serde applies an enum's `deny_unknown_fields` to its struct variants.
        let denies = ContainerSerde::parse(&self.original.attrs)
            .is_ok_and(|serde| serde.deny_unknown_fields);
        let payloads = plans.iter().map(|(index, cont, plan)| {
            let variant = &self.variants[*index];
            let type_name = format!("{}::{}", self.original.ident, variant.ident);
            let denies = denies || cont.serde.deny_unknown_fields;
            history_fn(cont, plan, &payload_fn_name(*index), &type_name, denies)
        });
        let history = self.history_fn(changes, plans);
        let history = quote!(#(#payloads)* #history);
        match root {
            Some(root) => root_enum::expand(
                &head,
                root,
                self.user_enum(),
                self.remote_enum(plans),
                history,
            ),
            None => {
                let variants = self.untagged_variants();
                let before_read = variants
                    .is_some()
                    .then(|| quote!(::palimpsest::__private::reading_untagged::<Self>();));
                let history = quote!(#history #variants);
                embedded_type(
                    &head,
                    self.user_enum(),
                    self.remote_enum(plans),
                    history,
                    before_read,
                )
            }
        }
    }

    /// For an untagged enum that serde reads, `UntaggedVariants`: each
    /// variant's payload type, which the contract's tracer reads on its
    /// own, as serde reads it from its buffer out of the tracer's reach.
    /// A payload serde reads with a function of the user's
    /// (`deserialize_with`, a field's attributes) is told as unknown; a
    /// generic enum is left out (its shape is `any`).
    fn untagged_variants(&self) -> Option<TokenStream> {
        if !matches!(self.serde.tagging, Tagging::Untagged)
            || !self.derives.deserialize
            || !self.original.generics.params.is_empty()
        {
            return None;
        }
        let ident = &self.original.ident;
        let name = serde_de_name(&self.original.ident, &self.original.attrs);
        let calls = self
            .variants
            .iter()
            .filter(|v| !v.is_removed())
            .filter_map(|variant| {
                let keys = serde_keys(&variant.original.attrs);
                if keys
                    .iter()
                    .any(|key| key == "skip" || key == "skip_deserializing")
                {
                    return None;
                }
                let name = &variant.serde_name;
                let fields = &variant.original.fields;
                let own_reader = keys
                    .iter()
                    .any(|key| key == "with" || key == "deserialize_with")
                    || fields.iter().any(|field| {
                        serde_keys(&field.attrs)
                            .iter()
                            .any(|key| key != "rename" && key != "alias")
                    });
                Some(match fields {
                    _ if own_reader => quote!(__visitor.fields(#name);),
                    syn::Fields::Unit => quote!(__visitor.unit(#name);),
                    syn::Fields::Unnamed(_) if fields.len() == 1 => {
                        let ty = &fields.iter().next()?.ty;
                        let ty = replace_self(quote!(#ty), &quote!(#ident));
                        quote!(__visitor.newtype::<#ty>(#name);)
                    }
                    syn::Fields::Unnamed(_) => {
                        let tys = fields.iter().map(|field| {
                            let ty = &field.ty;
                            replace_self(quote!(#ty), &quote!(#ident))
                        });
                        quote!(__visitor.tuple::<(#(#tys,)*)>(#name);)
                    }
                    syn::Fields::Named(_) => quote!(__visitor.fields(#name);),
                })
            });
        Some(quote! {
            #[automatically_derived]
            impl ::palimpsest::__private::UntaggedVariants for #ident {
                const NAME: &'static str = #name;

                fn variants<__V: ::palimpsest::__private::VariantVisitor>(__visitor: &mut __V) {
                    #(#calls)*
                }
            }
        })
    }

    /// The enum as the user's crate sees it: without serde's derives, which
    /// the remote copy takes, without palimpsest's attributes, and without
    /// its removed variants and fields.
    fn user_enum(&self) -> TokenStream {
        let mut item = self.original.clone();
        item.attrs = user_attrs(item.attrs);
        item.variants = std::mem::take(&mut item.variants)
            .into_iter()
            .zip(&self.variants)
            .filter(|(_, info)| !info.is_removed())
            .map(|(mut variant, _)| {
                variant.attrs.retain(|a| !is_serde(a) && !is_field_attr(a));
                keep_current_fields(&mut variant.fields, |field| {
                    field.attrs.retain(|a| !is_serde(a) && !is_field_attr(a));
                });
                variant
            })
            .collect();
        quote!(#item)
    }

    /// A copy of the enum with the user's serde attributes, derived with
    /// `remote`, each variant and each field of a struct variant also read
    /// under its old names: serde's own code reads and writes the real
    /// enum, as for a struct.
    fn remote_enum(&self, plans: &[(usize, &Container<'_>, EmbeddedPlan<'_>)]) -> TokenStream {
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
        copy.variants = std::mem::take(&mut copy.variants)
            .into_iter()
            .enumerate()
            .zip(&self.variants)
            .filter(|(_, info)| !info.is_removed())
            .map(|((index, mut variant), info)| {
                variant.attrs.retain(is_serde);
                for old in info.attrs.renamed.iter().map(|r| &r.old) {
                    variant
                        .attrs
                        .push(syn::parse_quote!(#[serde(alias = #old)]));
                }
                let payload = plans.iter().find(|(i, ..)| *i == index).map(|(_, c, _)| *c);
                keep_current_fields(&mut variant.fields, |field| {
                    let aliases: Vec<String> = match (payload, &field.ident) {
                        (Some(cont), Some(name)) => cont
                            .fields
                            .iter()
                            .find(|f| f.ident == name)
                            .map(|f| old_names(cont, f).collect())
                            .unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    field.attrs.retain(is_serde);
                    for old in aliases {
                        field.attrs.push(syn::parse_quote!(#[serde(alias = #old)]));
                    }
                    let ty = &field.ty;
                    // In the copy, `Self` would be the copy.
                    let ty = replace_self(quote!(#ty), &self_type);
                    field.ty = syn::parse_quote!(#ty);
                });
                variant
            })
            .collect();
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

    /// `fn __fields`: one probe per newtype variant, whose value is found
    /// under the variant's names as a struct field's under the field's (an
    /// embedded type it holds migrates with the enum), and the payload of
    /// each struct variant. `None` when no variant holds either.
    fn fields_fn(
        &self,
        plans: &[(usize, &Container<'_>, EmbeddedPlan<'_>)],
    ) -> Option<TokenStream> {
        let ident = &self.original.ident;
        let (_, ty_generics, _) = self.original.generics.split_for_impl();
        let self_type = quote!(#ident #ty_generics);
        let mut calls = Vec::new();
        for (index, variant) in self.variants.iter().enumerate() {
            let names = variant.names();
            if plans.iter().any(|(i, ..)| *i == index) {
                let payload = payload_fn_name(index);
                calls.push(quote!(__shape.variant(&[#(#names),*], #payload);));
                continue;
            }
            let syn::Fields::Unnamed(fields) = &variant.original.fields else {
                continue;
            };
            let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
                continue;
            };
            let ty = &field.ty;
            let ty = replace_self(quote!(#ty), &self_type);
            if mentions_generics(&ty, &self.original.generics) {
                continue;
            }
            calls.push(quote! {
                (&&::palimpsest::__private::Probe::<#ty>::new()).probe(__shape, &[#(#names),*]);
            });
        }
        if calls.is_empty() {
            return None;
        }
        Some(quote! {
            fn __fields(__shape: &mut ::palimpsest::__private::Shape) {
                // Autoref specialization: the first for a type that holds
                // embedded types, the second, a no-op, for any other.
                #[allow(unused_imports)]
                use ::palimpsest::__private::{ProbeEmbedded as _, ProbePlain as _};
                #(#calls)*
            }
        })
    }

    /// The history: the representation, then the changes of the variants.
    fn history_fn(
        &self,
        changes: &Changes,
        plans: &[(usize, &Container<'_>, EmbeddedPlan<'_>)],
    ) -> TokenStream {
        let tagging = match &self.serde.tagging {
            Tagging::External => quote!(.externally_tagged()),
            Tagging::Internal { tag } => quote!(.internally_tagged(#tag)),
            Tagging::Adjacent { tag, content } => quote!(.adjacently_tagged(#tag, #content)),
            Tagging::Untagged => quote!(.untagged()),
        };
        let changes = changes.iter().flat_map(|(_, calls)| calls);
        history_fn_of(
            &history_fn_name(),
            &self.original.ident.to_string(),
            self.fields_fn(plans),
            quote!(#tagging #(#changes)*),
        )
    }
}

/// `fn __palimpsest_variant_<index>`: the history of a struct variant's
/// fields.
fn payload_fn_name(index: usize) -> syn::Ident {
    format_ident!("__palimpsest_variant_{}", index)
}

/// serde's name of a type as it reads it: its `#[serde(rename)]`, or its
/// Rust name.
fn serde_de_name(ident: &syn::Ident, attrs: &[syn::Attribute]) -> String {
    let mut name = ident.to_string();
    for attr in attrs.iter().filter(|a| is_serde(a)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                if let Some(renamed) = crate::attr::parse_de_name(&meta)? {
                    name = renamed;
                }
                Ok(())
            } else {
                crate::attr::skip_value(&meta)
            }
        });
    }
    name
}

/// The names of the `#[serde(...)]` arguments in `attrs`.
fn serde_keys(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut keys = Vec::new();
    for attr in attrs.iter().filter(|a| is_serde(a)) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(ident) = meta.path.get_ident() {
                keys.push(ident.to_string());
            }
            crate::attr::skip_value(&meta)
        });
    }
    keys
}
