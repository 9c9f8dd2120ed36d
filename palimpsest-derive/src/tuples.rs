//! `#[versioned]` on a tuple struct: read, checked and expanded here, beside
//! the struct's path, whose impls it shares (`expand::Head`).
//!
//! - A newtype (`struct Steps(Vec<Step>)`) is written as its inner value:
//!   it is transparent to migration. `#[versioned(embedded)]` makes its
//!   probe forward to the inner type's, so the embedded types inside are
//!   found through it, as through a `Box`; its serde derives stay its own.
//! - A positional tuple struct (`struct Span(u64, u64, u64)`) is written as
//!   an array: elements are added at its end (`#[added_in]`, with a
//!   default for older, shorter arrays) or removed at any position
//!   (`#[removed_in]`, kept in the root's metadata or dropped). Its
//!   history names positions (`palimpsest/src/embedded/tuple.rs`).
//! - At the top level, neither has a place for the version key: an error
//!   says what to write instead.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Derives;
use crate::attr::{
    is_field_attr, is_serde, ContainerArgs, ContainerSerde, DefaultKind, FieldAttrs, FieldSerde,
};
use crate::check::{check_derives, check_embedded_keys, check_scheme_of_first};
use crate::ctxt::Ctxt;
use crate::expand::{
    embedded_type, history_fn_name, history_fn_of, mentions_generics, probes_fn, remote_name,
    replace_self, user_struct_of, Head, RemoteParts,
};
use crate::version::{Scheme, Version, VersionLit};

/// The tuple struct with everything that makes it evolve, or `None` with
/// the errors in `cx`.
pub fn versioned(cx: &mut Ctxt, args: TokenStream, item: &syn::ItemStruct) -> Option<TokenStream> {
    let syn::Fields::Unnamed(fields) = &item.fields else {
        return None;
    };
    let args = ContainerArgs::parse(cx, args);
    let newtype = fields.unnamed.len() == 1;
    if args.embedded.is_none() {
        let message = if newtype {
            "#[versioned(since = ...)] on a newtype struct: documents write a newtype as its inner value, so it has no object of its own for the version key; put #[versioned(since = ...)] on the struct it wraps (the key goes in that struct's object, and a plain serde newtype writes and reads it stamped), or write #[versioned(embedded)] to use the newtype inside a versioned type"
        } else {
            "#[versioned(since = ...)] on a tuple struct: documents write it as an array, which has no place for the version key; make it a struct with named fields, or write #[versioned(embedded)] and use it inside a versioned struct"
        };
        cx.error_spanned_by(fields, message);
        return None;
    }
    check_embedded_keys(cx, &args);
    let derives = Derives::from_attrs(&item.attrs);
    check_derives(cx, &derives, &item.ident);
    if newtype {
        return newtype_embedded(cx, item, &fields.unnamed[0]);
    }
    // serde reports an attribute it cannot read on the fallback; rules read
    // on guessed defaults would only add wrong errors.
    let serde = ContainerSerde::parse(&item.attrs).ok()?;
    let elements = fields
        .unnamed
        .iter()
        .enumerate()
        .map(|(index, original)| {
            Some(Element {
                original,
                index,
                serde: FieldSerde::parse(&original.attrs).ok()?,
                attrs: FieldAttrs::parse(cx, &original.attrs),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let tuple = Tuple {
        original: item,
        serde,
        derives,
        elements,
    };
    let changes = tuple.check(cx)?;
    Some(tuple.expand(&changes))
}

/// A newtype's field takes no attribute of palimpsest's: documents write
/// the newtype as its inner value, where nothing has a key or a position.
/// Its probe hands the root's pattern to the inner type's unchanged.
fn newtype_embedded(
    cx: &mut Ctxt,
    item: &syn::ItemStruct,
    field: &syn::Field,
) -> Option<TokenStream> {
    for attr in field.attrs.iter().filter(|a| is_field_attr(a)) {
        let name = attr
            .path()
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        cx.error_spanned_by(
            attr,
            format!(
                "#[{name}] on the field of a newtype struct: documents write `{}` as its inner value, with no key or position for #[{name}] to change; write the change on the field that holds the newtype (a conversion of its value included)",
                item.ident
            ),
        );
    }
    if cx.has_errors() {
        return None;
    }
    let ident = &item.ident;
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    let inner = &field.ty;
    let inner = replace_self(quote!(#inner), &quote!(#ident #ty_generics));
    // A type naming the struct's parameters is known per instance: the
    // impl then holds where the inner type holds embedded types, and the
    // probe of `Steps<u64>` finds none, that of `Steps<Step>` the steps.
    let impl_embeds = if mentions_generics(&inner, &item.generics) {
        let mut generics = item.generics.clone();
        generics
            .make_where_clause()
            .predicates
            .push(syn::parse_quote!(#inner: ::palimpsest::__private::Embeds));
        let (impl_generics, _, where_clause) = generics.split_for_impl();
        quote! {
            #[automatically_derived]
            impl #impl_generics ::palimpsest::__private::Embeds for #ident #ty_generics #where_clause {
                fn probe(__shape: &mut ::palimpsest::__private::Shape, __at: ::palimpsest::__private::Pattern) {
                    <#inner as ::palimpsest::__private::Embeds>::probe(__shape, __at);
                }
            }
        }
    } else {
        quote! {
            #[automatically_derived]
            impl #impl_generics ::palimpsest::__private::Embeds for #ident #ty_generics #where_clause {
                fn probe(__shape: &mut ::palimpsest::__private::Shape, __at: ::palimpsest::__private::Pattern) {
                    // Autoref specialization, as a field's probe: the first
                    // for an inner type that holds embedded types, the
                    // second, a no-op, for any other.
                    #[allow(unused_imports)]
                    use ::palimpsest::__private::{ForwardEmbedded as _, ForwardPlain as _};
                    (&&::palimpsest::__private::Probe::<#inner>::new()).forward(__shape, __at);
                }
            }
        }
    };
    // The newtype keeps its serde derives: they write and read it as its
    // inner value, whose own `Deserialize` finds the root's version.
    Some(quote! {
        #item

        #[doc(hidden)]
        const _: () = {
            #impl_embeds
        };
    })
}

struct Tuple<'a> {
    original: &'a syn::ItemStruct,
    serde: ContainerSerde,
    derives: Derives<'a>,
    elements: Vec<Element<'a>>,
}

struct Element<'a> {
    original: &'a syn::Field,
    /// Its position in the struct as written, removed elements included.
    index: usize,
    serde: FieldSerde,
    attrs: FieldAttrs<'a>,
}

impl Element<'_> {
    fn added(&self) -> Option<&VersionLit> {
        self.attrs.added.as_ref().map(|a| &a.version)
    }

    fn removed(&self) -> Option<&VersionLit> {
        self.attrs.removed.as_ref().map(|r| &r.version)
    }

    fn versions(&self) -> impl Iterator<Item = &VersionLit> {
        self.added().into_iter().chain(self.removed())
    }

    /// Whether documents of `version` hold it.
    fn exists_at(&self, version: &Version) -> bool {
        self.added().map_or(true, |a| a.version <= *version)
            && self.removed().map_or(true, |r| r.version > *version)
    }

    /// Whether documents of the version just before `version` hold it.
    fn exists_before(&self, version: &Version) -> bool {
        self.added().map_or(true, |a| a.version < *version)
            && self.removed().map_or(true, |r| r.version >= *version)
    }
}

/// What one version changes in the array: removed elements by their
/// position in the older array, last first, then added elements by their
/// position in the newer one, first first (see `embedded/tuple.rs`).
struct Change<'e, 'a> {
    version: Version,
    removed: Vec<(usize, &'e Element<'a>)>,
    added: Vec<(usize, &'e Element<'a>)>,
}

impl<'a> Tuple<'a> {
    fn check<'e>(&'e self, cx: &mut Ctxt) -> Option<Vec<Change<'e, 'a>>> {
        let lits = || self.elements.iter().flat_map(Element::versions);
        if let Some(scheme) = check_scheme_of_first(cx, &self.original.ident, lits) {
            self.check_after_first_version(cx, scheme);
        }
        self.check_no_renames(cx);
        self.check_not_skipped(cx);
        self.check_added(cx);
        self.check_removed_after_added(cx);
        if cx.has_errors() {
            return None;
        }
        let versions: BTreeSet<Version> = lits().map(|lit| lit.version.clone()).collect();
        self.check_never_one_element(cx, &versions);
        if cx.has_errors() {
            return None;
        }
        Some(
            versions
                .into_iter()
                .map(|version| self.change(version))
                .collect(),
        )
    }

    /// serde writes a tuple struct of one element as that element alone
    /// (a newtype), not as an array: no version may leave one, or the
    /// arrays of the others would not read as it. serde decides by the
    /// elements the struct declares, skipped ones included.
    fn check_never_one_element(&self, cx: &mut Ctxt, versions: &BTreeSet<Version>) {
        let held = |holds: &dyn Fn(&Element<'_>) -> bool| {
            self.elements.iter().filter(|e| holds(e)).count()
        };
        let oldest = versions
            .first()
            .map(|first| (first, held(&|e| e.exists_before(first))));
        let changed = versions.iter().map(|v| (v, held(&|e| e.exists_at(v))));
        let Some((version, _)) = oldest.into_iter().chain(changed).find(|(_, n)| *n == 1) else {
            return;
        };
        let ident = &self.original.ident;
        let when = match oldest {
            Some((first, 1)) if first == version => format!("before {version}"),
            _ => format!("in {version}"),
        };
        cx.error_spanned_by(
            &self.original.fields,
            format!(
                "#[versioned(embedded)]: documents {when} hold one element of `{ident}`, and serde writes a tuple struct of one element as that element alone (a newtype), not as an array; keep two elements or more in every version, or make `{ident}` a newtype whose changes are written on the field holding it"
            ),
        );
    }

    fn change<'e>(&'e self, version: Version) -> Change<'e, 'a> {
        let position = |element: &Element<'_>, holds: fn(&Element<'_>, &Version) -> bool| {
            // serde neither reads nor writes a skipped element: it has
            // no position in the array.
            self.elements[..element.index]
                .iter()
                .filter(|before| !before.serde.skip_de && holds(before, &version))
                .count()
        };
        let mut removed: Vec<_> = self
            .elements
            .iter()
            .filter(|e| e.removed().is_some_and(|r| r.version == version))
            .map(|e| (position(e, |e, v| e.exists_before(v)), e))
            .collect();
        removed.reverse();
        let added = self
            .elements
            .iter()
            .filter(|e| e.added().is_some_and(|a| a.version == version))
            .map(|e| (position(e, |e, v| e.exists_at(v)), e))
            .collect();
        Change {
            version,
            removed,
            added,
        }
    }

    /// A change takes effect in a version that follows the one older
    /// documents have, so never in the first version of its scheme.
    fn check_after_first_version(&self, cx: &mut Ctxt, scheme: Scheme) {
        let first = match scheme {
            Scheme::Semver => Version::semver(semver::Version::new(0, 0, 0)),
            Scheme::Integer => Version::integer(0),
        };
        for element in &self.elements {
            for lit in element.versions() {
                if lit.version.scheme() == scheme && lit.version <= first {
                    cx.error_at(
                        lit.span,
                        format!(
                            "#[versioned(embedded)]: element {} of `{}` changes in version {v}, and no version comes before {v} for older documents to have; a change takes effect in a version after theirs",
                            element.index,
                            self.original.ident,
                            v = lit.version,
                        ),
                    );
                }
            }
        }
    }

    /// An element has a position, not a name: there is no old name to read.
    fn check_no_renames(&self, cx: &mut Ctxt) {
        for element in &self.elements {
            for attr in element
                .original
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("renamed_from"))
            {
                cx.error_spanned_by(
                    attr,
                    format!(
                        "#[renamed_from] on an element of tuple struct `{}`: documents write it as an array, whose elements are known by their position, not by a name, so there is no old name to rename from; an element added at the end takes #[added_in], one taken out #[removed_in]",
                        self.original.ident
                    ),
                );
            }
        }
    }

    /// A skipped element is in no array: no version adds or removes it.
    fn check_not_skipped(&self, cx: &mut Ctxt) {
        for element in self.elements.iter().filter(|e| e.serde.skip_de) {
            let attrs = element.original.attrs.iter();
            for attr in attrs.filter(|a| is_field_attr(a) && !a.path().is_ident("renamed_from")) {
                cx.error_spanned_by(
                    attr,
                    format!(
                        "element {} of `{}` is skipped by serde, so no array holds it and no version adds or removes it; remove this attribute",
                        element.index, self.original.ident
                    ),
                );
            }
        }
    }

    /// An added element has a default for the older, shorter arrays, and
    /// stands at the end: elements after it are added in its version or
    /// later. The default goes into the document as JSON, which a generic
    /// struct's history, built once for every instance, cannot make.
    fn check_added(&self, cx: &mut Ctxt) {
        let ident = &self.original.ident;
        for (at, element) in self.elements.iter().enumerate() {
            // A skipped element is in no array: `check_not_skipped` says so.
            let Some(added) = element
                .attrs
                .added
                .as_ref()
                .filter(|_| !element.serde.skip_de)
            else {
                continue;
            };
            let v = added.version.text();
            let index = element.index;
            let has_default = element.serde.default.is_some() || self.serde.default.is_some();
            if !has_default {
                cx.error_spanned_by(
                    added.attr,
                    format!(
                        "#[added_in({v})]: element {index} of `{ident}` has no default for the older, shorter arrays; add #[serde(default)] or #[serde(default = \"path\")]"
                    ),
                );
            }
            if self.original.generics.params.iter().next().is_some() {
                cx.error_spanned_by(
                    added.attr,
                    format!(
                        "#[added_in({v})] on an element of generic tuple struct `{ident}`: the default an older array is filled with is made once for every instance, which a generic element cannot be; make the struct concrete"
                    ),
                );
            }
            let before_it = |other: &VersionLit| other.version < added.version.version;
            if let Some(later) = self.elements[at + 1..]
                .iter()
                .find(|later| later.added().map_or(true, before_it))
            {
                cx.error_spanned_by(
                    added.attr,
                    format!(
                        "#[added_in({v})]: element {index} of `{ident}` is added in {}, but element {} after it is older; documents write `{ident}` as an array, and an older, shorter one is filled at its end: added elements come last, in the order of their versions",
                        added.version.version, later.index
                    ),
                );
            }
        }
    }

    /// An element is removed after it was added.
    fn check_removed_after_added(&self, cx: &mut Ctxt) {
        for element in &self.elements {
            if let (Some(added), Some(removed)) = (element.added(), element.removed()) {
                if removed.version <= added.version {
                    cx.error_at(
                        removed.span,
                        format!(
                            "#[removed_in({})]: element {} of `{}` is removed in {} but only added in {}; the removal comes after the addition",
                            removed.text(),
                            element.index,
                            self.original.ident,
                            removed.version,
                            added.version
                        ),
                    );
                }
            }
        }
    }

    fn current(&self) -> impl Iterator<Item = &Element<'a>> {
        self.elements.iter().filter(|e| e.attrs.removed.is_none())
    }

    fn head(&self) -> Head<'_> {
        Head {
            ident: &self.original.ident,
            generics: &self.original.generics,
            serialize: self.derives.serialize,
            deserialize: self.derives.deserialize,
        }
    }

    fn expand(&self, changes: &[Change<'_, 'a>]) -> TokenStream {
        embedded_type(
            &self.head(),
            user_struct_of(self.original),
            self.remote_struct(),
            self.history_fn(changes),
            None,
        )
    }

    /// A copy of the struct with the user's serde attributes, derived with
    /// `remote`: serde's own code reads and writes the real struct's
    /// elements, as for a struct with named fields.
    fn remote_struct(&self) -> TokenStream {
        let ident = &self.original.ident;
        let remote = remote_name();
        let generics = &self.original.generics;
        let (_, ty_generics, where_clause) = generics.split_for_impl();
        let remote_type = ident.to_string();
        let self_type = quote!(#ident #ty_generics);
        let RemoteParts {
            derives,
            container_attrs,
            default_fn,
            serde_name,
        } = RemoteParts::new(
            &self.head(),
            &self.original.attrs,
            self.serde.default.as_ref(),
        );
        let elements = self.current().map(|element| {
            let ty = &element.original.ty;
            // In the copy, `Self` would be the copy.
            let ty = replace_self(quote!(#ty), &self_type);
            let serde_attrs = element.original.attrs.iter().filter(|a| is_serde(a));
            quote!(#(#serde_attrs)* #ty)
        });
        quote! {
            #[derive(#(#derives),*)]
            #[serde(crate = "::palimpsest::__private::serde", remote = #remote_type)]
            #serde_name
            #(#container_attrs)*
            #[allow(dead_code)]
            struct #remote #generics (#(#elements),*) #where_clause;

            #default_fn
        }
    }

    /// The history: per version, the positions removed and added, marked
    /// as positions of an array.
    fn history_fn(&self, changes: &[Change<'_, 'a>]) -> TokenStream {
        let changes =
            changes.iter().map(|change| {
                let removed = change.removed.iter().map(|(position, element)| {
                    let position = position.to_string();
                    if element.attrs.removed.as_ref().is_some_and(|r| r.drop) {
                        quote!(.drop_field(#position))
                    } else {
                        quote!(.preserve(#position))
                    }
                });
                let added = change.added.iter().filter_map(|(position, element)| {
                let position = position.to_string();
                let value = self.default_expr(element)?;
                // A function pointer, as for a field: one instantiation of
                // `try_add` for every type of the crate.
                Some(quote!(.try_add(#position, (|| ::palimpsest::__private::default_value(&#value))
                    as ::palimpsest::__private::DefaultFn)))
            });
                let version = &change.version;
                quote!(.change(#version, ::palimpsest::__private::ops() #(#removed)* #(#added)*))
            });
        history_fn_of(
            &history_fn_name(),
            &self.original.ident.to_string(),
            self.elements_fn(),
            quote!(.elements() #(#changes)*),
        )
    }

    /// One probe per element, under its position in current arrays: the
    /// embedded types an element holds migrate with the tuple, found at
    /// the position the element has in each version's arrays.
    fn elements_fn(&self) -> Option<TokenStream> {
        let ident = &self.original.ident;
        let (_, ty_generics, _) = self.original.generics.split_for_impl();
        let self_type = quote!(#ident #ty_generics);
        let probes: Vec<(TokenStream, Vec<String>)> = self
            .current()
            .filter(|element| !element.serde.skip_de)
            .enumerate()
            .filter(|(_, element)| !element.serde.custom_format)
            .filter_map(|(position, element)| {
                let ty = &element.original.ty;
                let ty = replace_self(quote!(#ty), &self_type);
                (!mentions_generics(&ty, &self.original.generics))
                    .then(|| (ty, vec![position.to_string()]))
            })
            .collect();
        probes_fn(&probes)
    }

    /// The Rust default of an added element, for older arrays to be
    /// filled with. `None` for a container default of an element removed
    /// again later, which the struct no longer has (nor do the documents
    /// that reach the current version).
    fn default_expr(&self, element: &Element<'_>) -> Option<TokenStream> {
        let ty = &element.original.ty;
        let ident = &self.original.ident;
        let member = || {
            let at = self.current().position(|e| e.index == element.index)?;
            Some(syn::Index::from(at))
        };
        match (&element.serde.default, &self.serde.default) {
            (Some(DefaultKind::Trait), _) => {
                Some(quote!(<#ty as ::core::default::Default>::default()))
            }
            (Some(DefaultKind::Path(path)), _) => Some(quote!(#path())),
            (None, Some(DefaultKind::Trait)) => {
                let member = member()?;
                Some(quote!(<#ident as ::core::default::Default>::default().#member))
            }
            (None, Some(DefaultKind::Path(path))) => {
                let member = member()?;
                Some(quote!(#path().#member))
            }
            // `skip_deserializing` alone: serde fills it, nothing to insert.
            (None, None) => None,
        }
    }
}
