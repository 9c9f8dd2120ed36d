//! A top-level `#[versioned]` enum, internally or adjacently tagged: its
//! object carries the version key beside the tag. Its history is the one
//! an embedded enum has (`enums.rs`), applied to the whole document; the
//! root around it is a schema with no field of its own, whose versions
//! are the enum's, joined when the schema is assembled.
//!
//! With no field shared by every variant there is nowhere to keep what a
//! migration removes: no `metadata`, so removals say `drop`. Hand-written
//! steps, checks and snapshots are a struct's.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::ContainerArgs;
use crate::ctxt::Ctxt;
use crate::expand::{history_fn_name, impl_root_serde, impl_versioned, schema_fn_of, Head};
use crate::version::{Scheme, Version, VersionLit};
use crate::vocab::history;
use crate::vocab::names::DEFAULT_KEY;

/// The root's keys, checked.
pub struct RootArgs {
    pub since: VersionLit,
    /// `version`, when given.
    pub version: Option<VersionLit>,
    pub legacy: Version,
    pub key: String,
}

/// The keys a top-level enum takes: `since` (required), `version`,
/// `legacy`, `key`; the others need a struct.
pub fn check_args(cx: &mut Ctxt, args: &ContainerArgs, item: &syn::ItemEnum) -> Option<RootArgs> {
    for (key, span) in &args.written {
        if matches!(
            *key,
            "metadata" | "step" | "check" | "snapshot" | "unversioned" | "newer" | "layout"
        ) {
            cx.error_at(
                *span,
                format!("#[versioned]: `{key}` does not apply to a top-level enum, whose variants share no field to hold metadata nor one shape for a step to see; wrap the enum in a #[versioned] struct for it"),
            );
        }
    }
    let Some(since) = args.since.clone() else {
        if args.is_missing("since") {
            cx.error_spanned_by(
                item.enum_token,
                "#[versioned]: missing `since`, the first versioned schema, e.g. #[versioned(since = \"0.1.0\")]",
            );
        }
        return None;
    };
    let scheme = since.version.scheme();
    let legacy = args
        .legacy
        .as_ref()
        .map_or_else(|| scheme.default_legacy(), |l| l.version.clone());
    for lit in [&args.version, &args.legacy].into_iter().flatten() {
        if lit.version.scheme() != scheme {
            cx.error_at(
                lit.span,
                format!(
                    "#[versioned]: {} is {}, but `since` is {}",
                    lit.text(),
                    lit.version.scheme().describe(),
                    scheme.describe()
                ),
            );
        }
    }
    if let Err(error) = history::check_after_legacy(&since.version, &legacy) {
        cx.error_at(since.span, format!("#[versioned]: {error}"));
    }
    let key = args
        .key
        .as_ref()
        .map_or_else(|| DEFAULT_KEY.to_owned(), syn::LitStr::value);
    if let Some(lit) = &args.key {
        if let Err(error) = history::check_key(&key) {
            cx.error_spanned_by(lit, format!("#[versioned]: {error}"));
        }
    }
    Some(RootArgs {
        since,
        version: args.version.clone(),
        legacy,
        key,
    })
}

/// The versions the enum's attributes name lie from `since` on, and not
/// after an explicit `version`.
pub fn check_versions<'a>(
    cx: &mut Ctxt,
    root: &RootArgs,
    lits: impl Iterator<Item = &'a VersionLit>,
) {
    let scheme: Scheme = root.since.version.scheme();
    for lit in lits.filter(|lit| lit.version.scheme() == scheme) {
        if lit.version < root.since.version {
            cx.error_at(
                lit.span,
                format!(
                    "#[versioned]: version {} is before `since = {}`, the first versioned schema",
                    lit.version, root.since.version
                ),
            );
        }
        if let Some(current) = &root.version {
            if let Err(error) = history::check_not_after_current(&lit.version, &current.version) {
                cx.error_at(lit.span, format!("#[versioned]: {error} (`version = ...`)"));
            }
        }
    }
}

/// The enum as a root: `item`, then inside a `const _` its `remote` copy,
/// its `history` (the enum's, whose `fn __palimpsest_history` the schema
/// applies to the whole document), the schema, `Versioned`, a
/// `Serialize` that writes the version first and a `Deserialize` that
/// migrates.
pub fn expand(
    head: &Head<'_>,
    root: &RootArgs,
    item: TokenStream,
    remote: TokenStream,
    history: TokenStream,
) -> TokenStream {
    let history_fn = history_fn_name();
    let name = head.ident.to_string();
    let since = &root.since.version;
    let legacy = &root.legacy;
    let key = &root.key;
    // Assembly raises the current version to the enum's newest, unless
    // `version` gives it.
    let current = root.version.as_ref().map_or(since, |v| &v.version);
    let explicit = root.version.is_some();
    let to_current =
        (current != since).then(|| quote!(.step(#since, #current, ::palimpsest::__private::ops())));
    let fields = quote! {
        fn __fields(__shape: &mut ::palimpsest::__private::Shape) {
            __shape.whole(#history_fn);
        }
    };
    let schema = schema_fn_of(
        Some(fields),
        &quote! {
            ::palimpsest::__private::Checked::new(#name, #current, #legacy, #key)
                .step(#legacy, #since, ::palimpsest::__private::ops())
                #to_current
                .embeds(#since, #explicit, __fields)
                .build()
        },
    );
    let versioned = impl_versioned(head);
    let serde = impl_root_serde(head);
    quote! {
        #item

        #[doc(hidden)]
        const _: () = {
            #remote
            #history
            #schema
            #versioned
            #serde
        };
    }
}
