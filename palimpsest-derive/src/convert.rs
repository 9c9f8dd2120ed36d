//! The attributes that change a field's value in a version, read, checked
//! and expanded into the step's operations:
//!
//! - `#[converted(since = "0.2.0", with = path, back = path)]`
//! - `#[wrapped(since = "0.2.0")]`, `#[unwrapped(since = "0.2.0")]`
//! - `#[renamed_keys(since = "0.2.0", "cpu_ms" = "cpu.ms", ...)]`
//!
//! Each speaks of the field's name in its version: in a step, renames run
//! first, so the value is under that name when it is converted.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Token};

use crate::ast::Container;
use crate::ctxt::Ctxt;
use crate::version::{Version, VersionLit};

/// The attributes of this file, by name.
pub const ATTRS: [&str; 4] = ["converted", "wrapped", "unwrapped", "renamed_keys"];

const CONVERTED_USAGE: &str =
    "expected #[converted(since = \"0.2.0\", with = path::to::up, back = path::to::down)] (`back` is optional)";
const WRAPPED_USAGE: &str = "expected #[wrapped(since = \"0.2.0\")]";
const UNWRAPPED_USAGE: &str = "expected #[unwrapped(since = \"0.2.0\")]";
const RENAMED_KEYS_USAGE: &str =
    "expected #[renamed_keys(since = \"0.2.0\", \"old_key\" = \"new_key\", ...)]";

pub fn is_conversion_attr(attr: &Attribute) -> bool {
    ATTRS.iter().any(|name| attr.path().is_ident(name))
}

/// One conversion of a field's value, in the version `since`.
pub struct Conversion<'a> {
    pub attr: &'a Attribute,
    pub since: VersionLit,
    pub kind: Kind,
}

pub enum Kind {
    Convert {
        with: syn::Path,
        back: Option<syn::Path>,
    },
    Wrap,
    Unwrap,
    /// `(old, new)` pairs.
    RenameKeys(Vec<(LitStr, LitStr)>),
}

impl Kind {
    fn attr_name(&self) -> &'static str {
        match self {
            Kind::Convert { .. } => "converted",
            Kind::Wrap => "wrapped",
            Kind::Unwrap => "unwrapped",
            Kind::RenameKeys(_) => "renamed_keys",
        }
    }
}

impl Conversion<'_> {
    /// `#[wrapped(since = "0.2.0")]`, as messages quote it.
    fn quoted(&self) -> String {
        format!(
            "#[{}(since = {})]",
            self.kind.attr_name(),
            self.since.text()
        )
    }
}

/// Reads one of [`ATTRS`]; `None` when it is malformed (reported in `cx`).
pub fn parse<'a>(cx: &mut Ctxt, attr: &'a Attribute) -> Option<Conversion<'a>> {
    let name = ATTRS.iter().find(|name| attr.path().is_ident(name))?;
    let usage = match *name {
        "converted" => CONVERTED_USAGE,
        "wrapped" => WRAPPED_USAGE,
        "unwrapped" => UNWRAPPED_USAGE,
        _ => RENAMED_KEYS_USAGE,
    };
    // #[wrapped] or #[wrapped = "0.2.0"]: no arguments in parentheses.
    if !matches!(attr.meta, syn::Meta::List(_)) {
        cx.error_spanned_by(attr, format!("#[{name}] takes arguments; {usage}"));
        return None;
    }
    let args = match attr.parse_args_with(|input: ParseStream<'_>| Args::parse(input, name, usage))
    {
        Ok(args) => args,
        Err(e) => {
            cx.syn_error(e);
            return None;
        }
    };
    let mut missing = Vec::new();
    if args.since.is_none() {
        missing.push("`since`");
    }
    let kind = match *name {
        "converted" => match args.with {
            Some(with) => Some(Kind::Convert {
                with,
                back: args.back,
            }),
            None => {
                missing.push("`with`");
                None
            }
        },
        "wrapped" => Some(Kind::Wrap),
        "unwrapped" => Some(Kind::Unwrap),
        _ => Some(Kind::RenameKeys(args.pairs)),
    };
    if !missing.is_empty() {
        cx.error_spanned_by(
            attr,
            format!(
                "#[{name}(...)] is missing {}; {usage}",
                missing.join(" and ")
            ),
        );
    }
    let since = match VersionLit::parse(&args.since?) {
        Ok(since) => since,
        Err(e) => {
            cx.syn_error(e);
            return None;
        }
    };
    Some(Conversion {
        attr,
        since,
        kind: kind?,
    })
}

/// The arguments of any of the four attributes; which ones each takes is
/// checked as they are read.
#[derive(Default)]
struct Args {
    since: Option<syn::Lit>,
    with: Option<syn::Path>,
    back: Option<syn::Path>,
    pairs: Vec<(LitStr, LitStr)>,
}

impl Args {
    fn parse(input: ParseStream<'_>, name: &str, usage: &str) -> syn::Result<Self> {
        let mut args = Args::default();
        let error = |span: proc_macro2::Span, what: String| {
            syn::Error::new(span, format!("#[{name}(...)]: {what}; {usage}"))
        };
        while !input.is_empty() {
            if input.peek(LitStr) {
                // #[renamed_keys(..., "cpu_ms" = "cpu.ms")]
                let old: LitStr = input.parse()?;
                if name != "renamed_keys" {
                    return Err(error(old.span(), "unexpected string".to_owned()));
                }
                input.parse::<Token![=]>()?;
                let new: LitStr = input
                    .parse()
                    .map_err(|e| error(e.span(), "the new key is a string".to_owned()))?;
                args.pairs.push((old, new));
            } else {
                let key: syn::Ident = input
                    .parse()
                    .map_err(|e| error(e.span(), "unexpected tokens".to_owned()))?;
                input.parse::<Token![=]>()?;
                let takes = match key.to_string().as_str() {
                    "since" => true,
                    "with" | "back" => name == "converted",
                    _ => false,
                };
                if !takes {
                    return Err(error(key.span(), format!("unknown key `{key}`")));
                }
                if key == "since" {
                    let lit: syn::Lit = input.parse().map_err(|e| {
                        error(
                            e.span(),
                            "a version is a literal such as \"0.2.0\" or 2".to_owned(),
                        )
                    })?;
                    if args.since.replace(lit).is_some() {
                        return Err(error(key.span(), "duplicate `since`".to_owned()));
                    }
                } else {
                    // with = path::to::function
                    let value: syn::Expr = input.parse()?;
                    let syn::Expr::Path(syn::ExprPath {
                        path, qself: None, ..
                    }) = value
                    else {
                        return Err(error(
                            value.span(),
                            format!("`{key}` names a function by its path"),
                        ));
                    };
                    let slot = if key == "with" {
                        &mut args.with
                    } else {
                        &mut args.back
                    };
                    if slot.replace(path).is_some() {
                        return Err(error(key.span(), format!("duplicate `{key}`")));
                    }
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// The conversions of one field, as written.
#[derive(Default)]
pub struct FieldConversions<'a> {
    pub list: Vec<Conversion<'a>>,
}

impl<'a> FieldConversions<'a> {
    /// Reads `attr`, one of [`ATTRS`], into the list.
    pub fn parse(&mut self, cx: &mut Ctxt, attr: &'a Attribute) {
        if let Some(conversion) = parse(cx, attr) {
            self.list.push(conversion);
        }
    }

    /// The versions the conversions take effect in.
    pub fn versions(&self) -> impl Iterator<Item = &VersionLit> {
        self.list.iter().map(|c| &c.since)
    }

    /// The first attribute written, for an item that takes none.
    pub fn first_attr(&self) -> Option<&'a Attribute> {
        self.list.first().map(|c| c.attr)
    }

    /// The name of the first attribute written.
    pub fn first_name(&self) -> &'static str {
        self.list
            .first()
            .map_or("converted", |c| c.kind.attr_name())
    }
}

/// Conversions change the value of a field that exists, one per version,
/// and a key rename renames distinct keys to other, distinct keys.
pub fn check(cx: &mut Ctxt, cont: &Container<'_>) {
    for field in &cont.fields {
        let attrs = &field.attrs;
        let mut by_version: BTreeMap<&Version, &Conversion<'_>> = BTreeMap::new();
        for conversion in &attrs.convert.list {
            let since = &conversion.since.version;
            let quoted = conversion.quoted();
            if field.serde.flatten {
                cx.error_spanned_by(
                    conversion.attr,
                    format!("{quoted}: `{}` is flattened, so it has no value of its own to convert; convert the fields of its type instead", field.ident),
                );
            }
            if let Some(added) = attrs.added.as_ref().filter(|a| a.version.version >= *since) {
                cx.error_at(
                    conversion.since.span,
                    format!(
                        "{quoted}: `{}` is only added in {}; a conversion changes the value older documents carry, so it comes after the field exists",
                        field.ident, added.version.version
                    ),
                );
            }
            if let Some(removed) = attrs
                .removed
                .as_ref()
                .filter(|r| r.version.version <= *since)
            {
                cx.error_at(
                    conversion.since.span,
                    format!(
                        "{quoted}: `{}` is already removed in {}; a conversion comes before the removal",
                        field.ident, removed.version.version
                    ),
                );
            }
            if let Some(other) = by_version.insert(since, conversion) {
                let message = if matches!(
                    (&other.kind, &conversion.kind),
                    (Kind::Wrap, Kind::Unwrap) | (Kind::Unwrap, Kind::Wrap)
                ) {
                    format!(
                        "{quoted}: `{}` is wrapped and unwrapped in the same version {since}; each undoes the other, so write neither",
                        field.ident
                    )
                } else {
                    format!(
                        "{quoted}: `{}` is already changed in version {since} by #[{}]; one conversion per field and version (a #[converted] function can do both)",
                        field.ident,
                        other.kind.attr_name()
                    )
                };
                cx.error_at(conversion.since.span, message);
            }
            if let Kind::RenameKeys(pairs) = &conversion.kind {
                check_key_pairs(cx, conversion, pairs);
            }
        }
    }
}

/// A key rename names at least one key; each old key once, each new key
/// once, never a key onto itself.
fn check_key_pairs(cx: &mut Ctxt, conversion: &Conversion<'_>, pairs: &[(LitStr, LitStr)]) {
    if pairs.is_empty() {
        cx.error_spanned_by(
            conversion.attr,
            format!("#[renamed_keys(...)] renames no key; {RENAMED_KEYS_USAGE}"),
        );
    }
    let mut olds = Vec::new();
    let mut news = Vec::new();
    for (old, new) in pairs {
        let (old_text, new_text) = (old.value(), new.value());
        if old_text == new_text {
            cx.error_spanned_by(
                new,
                format!("#[renamed_keys(...)]: {old_text:?} is renamed onto itself"),
            );
        }
        if olds.contains(&old_text) {
            cx.error_spanned_by(
                old,
                format!("#[renamed_keys(...)]: the key {old_text:?} is renamed twice"),
            );
        }
        if news.contains(&new_text) {
            cx.error_spanned_by(
                new,
                format!("#[renamed_keys(...)]: two keys are renamed to {new_text:?}; one of their values would be lost"),
            );
        }
        olds.push(old_text);
        news.push(new_text);
    }
}

/// The builder call of one conversion of the field named `name` in its
/// version. A function path keeps its span: a function of the wrong
/// signature is reported there, by `ConvertFunction`'s message.
pub fn op_expr(name: &str, conversion: &Conversion<'_>) -> TokenStream {
    match &conversion.kind {
        Kind::Convert { with, back: None } => {
            quote_spanned!(with.span()=> .convert(#name, #with))
        }
        Kind::Convert {
            with,
            back: Some(back),
        } => {
            // Each function checked on its own, spanned at its path, so an
            // error points there and at nothing else.
            let check = |function: &syn::Path| quote_spanned!(function.span()=> ::palimpsest::__private::conversion(#function));
            let (with, back) = (check(with), check(back));
            quote!(.convert_with_inverse(#name, #with, #back))
        }
        Kind::Wrap => quote!(.wrap(#name)),
        Kind::Unwrap => quote!(.unwrap(#name)),
        Kind::RenameKeys(pairs) => {
            let pairs = pairs.iter().map(|(old, new)| quote!((#old, #new)));
            quote!(.rename_keys(#name, [#(#pairs),*]))
        }
    }
}
