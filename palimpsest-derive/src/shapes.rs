//! `#[versioned(unversioned = ["0.1.0", "0.2.0"])]`: the versions whose
//! builds wrote no version key, checked, and the keys each one's documents
//! have, worked out from the field attributes, for the runtime to classify
//! a keyless document by (`palimpsest::Keys`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::meta::ParseNestedMeta;

use crate::ast::{Container, Field};
use crate::ctxt::Ctxt;
use crate::version::{Version, VersionLit};

const USAGE: &str =
    "expected unversioned = [\"0.1.0\", \"0.2.0\"], the versions written without a version key, oldest first";

/// `unversioned = [..]` as written.
pub struct UnversionedArg {
    pub versions: Vec<VersionLit>,
}

/// Parses the value of `unversioned = [..]`.
pub fn parse(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<UnversionedArg>> {
    let value: syn::Expr = meta.value()?.parse()?;
    let syn::Expr::Array(array) = &value else {
        cx.error_spanned_by(
            &value,
            format!("#[versioned]: `unversioned` takes a list; {USAGE}"),
        );
        return Ok(None);
    };
    let mut versions = Vec::new();
    for elem in &array.elems {
        match elem {
            syn::Expr::Lit(syn::ExprLit { lit, .. }) => match VersionLit::parse(lit) {
                Ok(version) => versions.push(version),
                Err(error) => cx.syn_error(error),
            },
            other => cx.error_spanned_by(
                other,
                format!("#[versioned]: `unversioned` lists versions; {USAGE}"),
            ),
        }
    }
    if array.elems.is_empty() {
        cx.error_spanned_by(
            &value,
            format!("#[versioned]: `unversioned` is empty; {USAGE}"),
        );
    }
    Ok(Some(UnversionedArg { versions }))
}

/// The versions written without a key are versions of the history, oldest
/// first, each before the current version: the current one writes its
/// key, and so does every version after the last one listed.
pub fn check(cx: &mut Ctxt, cont: &Container<'_>, versions: &[Version]) {
    let Some(arg) = &cont.args.unversioned else {
        return;
    };
    // `legacy` is always a version of the history.
    let Some(current) = versions.last() else {
        return;
    };
    let scheme = current.scheme();
    crate::check::check_one_scheme(cx, &arg.versions, scheme, "`since`");
    let mut previous: Option<&Version> = None;
    for lit in arg
        .versions
        .iter()
        .filter(|lit| lit.version.scheme() == scheme)
    {
        let version = &lit.version;
        if version >= current {
            cx.error_at(
                lit.span,
                format!(
                    "#[versioned(unversioned = [..])]: {version} is not before the current version {current}, which writes the version key"
                ),
            );
        } else if !versions.contains(version) {
            let known: Vec<String> = versions.iter().map(ToString::to_string).collect();
            cx.error_at(
                lit.span,
                format!(
                    "#[versioned(unversioned = [..])]: {version} is no version of the history (known: {})",
                    known.join(", ")
                ),
            );
        }
        if let Some(previous) = previous.filter(|previous| *previous >= version) {
            cx.error_at(
                lit.span,
                format!("#[versioned(unversioned = [..])]: versions go oldest first, once each: {version} after {previous}"),
            );
        }
        previous = Some(version);
    }
    if !cx.has_errors() {
        check_shapes_differ(cx, cont, &arg.versions);
    }
}

/// Two versions written without a key with the same keys could never be
/// told apart: every keyless document would fit both equally.
fn check_shapes_differ(cx: &mut Ctxt, cont: &Container<'_>, lits: &[VersionLit]) {
    let shapes: Vec<_> = lits.iter().map(|lit| keys_at(cont, &lit.version)).collect();
    for (later, shape) in shapes.iter().enumerate() {
        if let Some(earlier) = shapes[..later].iter().position(|other| other == shape) {
            cx.error_at(
                lits[later].span,
                format!(
                    "#[versioned(unversioned = [..])]: {} and {} have the same keys, so a document without the version key can never be told apart between them; list only one of them",
                    lits[earlier].version, lits[later].version
                ),
            );
        }
    }
}

/// `.unversioned(V, &[always written], &[sometimes written])` for each
/// version listed.
pub fn expand(cont: &Container<'_>) -> TokenStream {
    let Some(arg) = &cont.args.unversioned else {
        return TokenStream::new();
    };
    let calls = arg.versions.iter().map(|lit| {
        let version = &lit.version;
        let (required, optional) = keys_at(cont, version);
        quote!(.unversioned(#version, &[#(#required),*], &[#(#optional),*]))
    });
    quote!(#(#calls)*)
}

/// The top-level keys documents of `version` have: a field's name in that
/// version, for each field that existed then (added by then, not removed
/// yet), where it stood then (its old name, or the first segment of the
/// path it moved from). A field its reader could do without (a default,
/// an `Option`) is a key documents have only sometimes, as is the first
/// key of a path a later `moved(..)` or `dropped(..)` takes a value from;
/// a flattened field adds keys nobody can list, so none.
fn keys_at(cont: &Container<'_>, version: &Version) -> (Vec<String>, Vec<String>) {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for field in cont.fields.iter().filter(|f| !f.serde.flatten) {
        let attrs = &field.attrs;
        let added = attrs
            .added
            .as_ref()
            .is_some_and(|a| a.version.version > *version);
        let removed = attrs
            .removed
            .as_ref()
            .is_some_and(|r| r.version.version <= *version);
        if added || removed {
            continue;
        }
        let key = key_at(field, version);
        if field.has_default(&cont.serde) || is_option(&field.original.ty) {
            optional.push(key);
        } else {
            required.push(key);
        }
    }
    // A value a container move or a declared drop takes away later stood
    // at its path's first key then, in the documents that had it.
    let moves = &cont.args.moves;
    let later = moves
        .moved
        .iter()
        .map(|m| (&m.from, &m.since))
        .chain(moves.dropped.iter().map(|d| (&d.path, &d.since)))
        .filter(|(_, since)| since.version > *version);
    for (path, _) in later {
        if let Some(root) = path.path.as_ref().and_then(|p| p.segments().first()) {
            optional.push(root.clone());
        }
    }
    for keys in [&mut required, &mut optional] {
        keys.sort();
        keys.dedup();
    }
    optional.retain(|key| !required.contains(key));
    (required, optional)
}

/// The key a field stood under in `version`: undone, the first rename or
/// move after `version` gives it.
fn key_at(field: &Field<'_>, version: &Version) -> String {
    let renames = field
        .attrs
        .renamed
        .iter()
        .map(|r| (&r.since.version, r.old.value()));
    let moves = field.attrs.moves.moved.iter().filter_map(|m| {
        let root = m.from.path.as_ref()?.segments().first()?.clone();
        Some((&m.since.version, root))
    });
    renames
        .chain(moves)
        .filter(|(since, _)| *since > version)
        .min_by(|a, b| a.0.cmp(b.0))
        .map_or_else(|| field.serde_name.clone(), |(_, key)| key)
}

/// Whether a field's type is an `Option`, which serde reads from a
/// document without the key.
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|s| s.ident == "Option"))
}
