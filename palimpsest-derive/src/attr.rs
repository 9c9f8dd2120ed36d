//! Each attribute parsed into typed fields; unknown and duplicate keys are
//! rejected here, every one of them in the same pass.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr, Token};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::version::VersionLit;

/// The arguments of `#[versioned(...)]`.
#[derive(Default)]
pub struct ContainerArgs {
    pub since: Option<VersionLit>,
    pub version: Option<VersionLit>,
    pub legacy: Option<VersionLit>,
    pub key: Option<LitStr>,
    pub metadata: Option<LitStr>,
    pub steps: Vec<StepArg>,
    pub check: Option<syn::Path>,
    pub snapshots: Vec<SnapshotArg>,
}

/// `snapshot(version = "0.1.0", name = TraceV010)`
pub struct SnapshotArg {
    pub version: VersionLit,
    pub name: syn::Ident,
}

/// `step(from = "0.1.0", to = "0.2.0", with = path, combine = "after")`
pub struct StepArg {
    pub span: Span,
    pub from: Option<VersionLit>,
    pub to: Option<VersionLit>,
    pub with: Option<syn::Path>,
    pub combine: Option<(Combine, Span)>,
}

/// How a hand-written step joins the step the field attributes generate
/// for the same versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    Before,
    After,
    Replace,
}

impl ContainerArgs {
    pub fn parse(cx: &mut Ctxt, args: TokenStream) -> Self {
        let mut out = ContainerArgs::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("since") {
                // #[versioned(since = "0.1.0")]
                set_version(cx, &meta, &mut out.since, "since")
            } else if meta.path.is_ident("version") {
                // #[versioned(version = "0.3.0")]
                set_version(cx, &meta, &mut out.version, "version")
            } else if meta.path.is_ident("legacy") {
                // #[versioned(legacy = "0.0.1")]
                set_version(cx, &meta, &mut out.legacy, "legacy")
            } else if meta.path.is_ident("key") {
                // #[versioned(key = "schema_version")]
                set_str(cx, &meta, &mut out.key, "key")
            } else if meta.path.is_ident("metadata") {
                // #[versioned(metadata = "context.metadata")]
                set_str(cx, &meta, &mut out.metadata, "metadata")
            } else if meta.path.is_ident("check") {
                // #[versioned(check = path::to::integrity_check)]
                let path: syn::Path = meta.value()?.parse()?;
                if out.check.is_some() {
                    cx.error_spanned_by(&meta.path, "#[versioned]: duplicate `check`");
                }
                out.check = Some(path);
                Ok(())
            } else if meta.path.is_ident("snapshot") {
                // #[versioned(snapshot(version = "0.1.0", name = TraceV010))]
                if let Some(snapshot) = SnapshotArg::parse(cx, &meta)? {
                    out.snapshots.push(snapshot);
                }
                Ok(())
            } else if meta.path.is_ident("step") {
                // #[versioned(step(from = "0.1.0", to = "0.1.1", with = path))]
                out.steps.push(StepArg::parse(cx, &meta)?);
                Ok(())
            } else {
                let name = path_name(&meta.path);
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "#[versioned]: unknown key `{name}`; expected one of `since`, `version`, `legacy`, `key`, `metadata`, `step`, `check`, `snapshot`"
                    ),
                );
                skip_value(&meta)
            }
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, args) {
            cx.syn_error(e);
        }
        out
    }
}

impl StepArg {
    fn parse(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Self> {
        let mut step = StepArg {
            span: syn::spanned::Spanned::span(&meta.path),
            from: None,
            to: None,
            with: None,
            combine: None,
        };
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("from") {
                set_version(cx, &inner, &mut step.from, "from")
            } else if inner.path.is_ident("to") {
                set_version(cx, &inner, &mut step.to, "to")
            } else if inner.path.is_ident("with") {
                let path: syn::Path = inner.value()?.parse()?;
                if step.with.is_some() {
                    cx.error_spanned_by(&inner.path, "#[versioned]: duplicate `with` in `step(...)`");
                }
                step.with = Some(path);
                Ok(())
            } else if inner.path.is_ident("combine") {
                let lit: LitStr = inner.value()?.parse()?;
                let combine = match lit.value().as_str() {
                    "before" => Combine::Before,
                    "after" => Combine::After,
                    "replace" => Combine::Replace,
                    other => {
                        cx.error_spanned_by(
                            &lit,
                            format!("#[versioned]: unknown combine {other:?}; expected \"before\", \"after\" or \"replace\""),
                        );
                        return Ok(());
                    }
                };
                if step.combine.is_some() {
                    cx.error_spanned_by(&inner.path, "#[versioned]: duplicate `combine` in `step(...)`");
                }
                step.combine = Some((combine, lit.span()));
                Ok(())
            } else {
                let name = path_name(&inner.path);
                cx.error_spanned_by(
                    &inner.path,
                    format!("#[versioned]: unknown key `{name}` in `step(...)`; expected `from`, `to`, `with`, `combine`"),
                );
                skip_value(&inner)
            }
        })?;
        if step.from.is_none() || step.to.is_none() || step.with.is_none() {
            let missing: Vec<&str> = [
                ("from", step.from.is_none()),
                ("to", step.to.is_none()),
                ("with", step.with.is_none()),
            ]
            .into_iter()
            .filter_map(|(key, missing)| missing.then_some(key))
            .collect();
            cx.error_at(
                step.span,
                format!("#[versioned]: `step(...)` needs `{}`", missing.join("`, `")),
            );
        }
        Ok(step)
    }
}

impl SnapshotArg {
    fn parse(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<Self>> {
        let span = syn::spanned::Spanned::span(&meta.path);
        let mut version = None;
        let mut name = None;
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("version") {
                set_version(cx, &inner, &mut version, "version")
            } else if inner.path.is_ident("name") {
                let ident: syn::Ident = inner.value()?.parse()?;
                if name.is_some() {
                    cx.error_spanned_by(&inner.path, "#[versioned]: duplicate `name` in `snapshot(...)`");
                }
                name = Some(ident);
                Ok(())
            } else {
                let key = path_name(&inner.path);
                cx.error_spanned_by(
                    &inner.path,
                    format!("#[versioned]: unknown key `{key}` in `snapshot(...)`; expected `version`, `name`"),
                );
                skip_value(&inner)
            }
        })?;
        match (version, name) {
            (Some(version), Some(name)) => Ok(Some(SnapshotArg { version, name })),
            _ => {
                cx.error_at(
                    span,
                    "#[versioned]: `snapshot(...)` needs `version` and `name`, e.g. snapshot(version = \"0.1.0\", name = TraceV010)",
                );
                Ok(None)
            }
        }
    }
}

fn path_name(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

fn set_version(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<VersionLit>,
    name: &str,
) -> syn::Result<()> {
    let lit: syn::Lit = meta.value()?.parse()?;
    if slot.is_some() {
        cx.error_spanned_by(&meta.path, format!("#[versioned]: duplicate `{name}`"));
        return Ok(());
    }
    match VersionLit::parse(&lit) {
        Ok(version) => *slot = Some(version),
        Err(e) => cx.syn_error(e),
    }
    Ok(())
}

fn set_str(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<LitStr>,
    name: &str,
) -> syn::Result<()> {
    let lit: LitStr = meta.value()?.parse()?;
    if slot.is_some() {
        cx.error_spanned_by(&meta.path, format!("#[versioned]: duplicate `{name}`"));
    } else {
        *slot = Some(lit);
    }
    Ok(())
}

/// Skips the value of a key we do not know, so parsing goes on and every
/// other error is reported too.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// The palimpsest attributes of one field.
#[derive(Default)]
pub struct FieldAttrs {
    pub renamed: Vec<Renamed>,
    pub removed: Option<Removed>,
    pub added: Option<Added>,
}

/// `#[renamed_from("result", since = "0.2.0")]`
pub struct Renamed {
    pub old: LitStr,
    pub since: VersionLit,
}

/// `#[removed_in("0.3.0")]` or `#[removed_in("0.3.0", drop)]`
pub struct Removed {
    pub attr: Span,
    pub version: VersionLit,
    pub drop: bool,
}

/// `#[added_in("0.2.0")]`
pub struct Added {
    pub attr: Span,
    pub version: VersionLit,
}

pub const FIELD_ATTRS: [&str; 3] = ["renamed_from", "removed_in", "added_in"];

pub fn is_field_attr(attr: &Attribute) -> bool {
    FIELD_ATTRS.iter().any(|name| attr.path().is_ident(name))
}

impl FieldAttrs {
    pub fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut out = FieldAttrs::default();
        for attr in attrs {
            let span = attr
                .path()
                .get_ident()
                .map_or_else(Span::call_site, syn::Ident::span);
            let whole = syn::spanned::Spanned::span(attr);
            if attr.path().is_ident("renamed_from") {
                match attr.parse_args::<RenamedArgs>() {
                    Ok(args) => match VersionLit::parse(&args.since) {
                        Ok(since) => out.renamed.push(Renamed {
                            old: args.old,
                            since,
                        }),
                        Err(e) => cx.syn_error(e),
                    },
                    Err(e) => cx.syn_error(e),
                }
            } else if attr.path().is_ident("removed_in") {
                match attr.parse_args::<RemovedArgs>() {
                    Ok(args) => {
                        if out.removed.is_some() {
                            cx.error_at(span, "duplicate #[removed_in] on one field");
                            continue;
                        }
                        match VersionLit::parse(&args.version) {
                            Ok(version) => {
                                out.removed = Some(Removed {
                                    attr: whole,
                                    version,
                                    drop: args.drop,
                                });
                            }
                            Err(e) => cx.syn_error(e),
                        }
                    }
                    Err(e) => cx.syn_error(e),
                }
            } else if attr.path().is_ident("added_in") {
                match attr.parse_args::<syn::Lit>() {
                    Ok(lit) => {
                        if out.added.is_some() {
                            cx.error_at(span, "duplicate #[added_in] on one field");
                            continue;
                        }
                        match VersionLit::parse(&lit) {
                            Ok(version) => {
                                out.added = Some(Added {
                                    attr: whole,
                                    version,
                                })
                            }
                            Err(e) => cx.syn_error(e),
                        }
                    }
                    Err(e) => cx.syn_error(syn::Error::new(
                        e.span(),
                        format!("#[added_in(...)]: {e}; expected #[added_in(\"0.2.0\")]"),
                    )),
                }
            }
        }
        out
    }
}

struct RenamedArgs {
    old: LitStr,
    since: syn::Lit,
}

impl Parse for RenamedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let usage = "expected #[renamed_from(\"old_name\", since = \"0.2.0\")]";
        let old: LitStr = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), format!("#[renamed_from(...)]: {usage}")))?;
        if input.is_empty() {
            return Err(syn::Error::new(
                old.span(),
                format!("#[renamed_from(...)]: missing `since`; {usage}"),
            ));
        }
        input.parse::<Token![,]>()?;
        let key: syn::Ident = input.parse()?;
        if key != "since" {
            return Err(syn::Error::new(
                key.span(),
                format!("#[renamed_from(...)]: unknown key `{key}`; {usage}"),
            ));
        }
        input.parse::<Token![=]>()?;
        let since = input.parse()?;
        input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(input.error(format!("#[renamed_from(...)]: unexpected tokens; {usage}")));
        }
        Ok(RenamedArgs { old, since })
    }
}

struct RemovedArgs {
    version: syn::Lit,
    drop: bool,
}

impl Parse for RemovedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let version = input.parse()?;
        let mut drop = false;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let word: syn::Ident = input.parse()?;
            if word != "drop" {
                return Err(syn::Error::new(
                    word.span(),
                    format!("#[removed_in(...)]: unknown option `{word}`; expected #[removed_in(\"0.3.0\")] or #[removed_in(\"0.3.0\", drop)]"),
                ));
            }
            drop = true;
            input.parse::<Option<Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error("#[removed_in(...)]: unexpected tokens"));
        }
        Ok(RemovedArgs { version, drop })
    }
}

/// What the macro needs to know of a field's `#[serde(...)]` attributes.
#[derive(Default)]
pub struct FieldSerde {
    pub rename_de: Option<String>,
    pub aliases: Vec<String>,
    pub default: Option<DefaultKind>,
    pub flatten: bool,
    pub skip_de: bool,
    pub custom_format: bool,
}

pub enum DefaultKind {
    Trait,
    Path(syn::ExprPath),
}

/// What the macro needs to know of the container's `#[serde(...)]` attributes.
#[derive(Default)]
pub struct ContainerSerde {
    pub rename_all_de: Option<RenameRule>,
    pub default: Option<DefaultKind>,
    pub deny_unknown_fields: bool,
}

pub fn is_serde(attr: &Attribute) -> bool {
    attr.path().is_ident("serde")
}

impl FieldSerde {
    pub fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = FieldSerde::default();
        for attr in attrs.iter().filter(|a| is_serde(a)) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    // #[serde(rename = "x")] or #[serde(rename(serialize = "a", deserialize = "b"))]
                    if let Some(name) = parse_de_name(&meta)? {
                        out.rename_de = Some(name);
                    }
                } else if meta.path.is_ident("alias") {
                    out.aliases.push(meta.value()?.parse::<LitStr>()?.value());
                } else if meta.path.is_ident("default") {
                    out.default = Some(parse_default(&meta)?);
                } else if meta.path.is_ident("flatten") {
                    out.flatten = true;
                } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_deserializing") {
                    out.skip_de = true;
                } else if meta.path.is_ident("with")
                    || meta.path.is_ident("serialize_with")
                    || meta.path.is_ident("deserialize_with")
                {
                    out.custom_format = true;
                    skip_value(&meta)?;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

impl ContainerSerde {
    pub fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = ContainerSerde::default();
        for attr in attrs.iter().filter(|a| is_serde(a)) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    // #[serde(rename_all = "camelCase")] or rename_all(deserialize = "...")
                    if let Some(rule) = parse_de_name(&meta)? {
                        out.rename_all_de = RenameRule::from_str(&rule);
                    }
                } else if meta.path.is_ident("default") {
                    out.default = Some(parse_default(&meta)?);
                } else if meta.path.is_ident("deny_unknown_fields") {
                    out.deny_unknown_fields = true;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// The deserialize side of `name = "x"` or `name(serialize = "a", deserialize = "b")`.
fn parse_de_name(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<String>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse::<LitStr>()?.value()));
    }
    let mut de = None;
    meta.parse_nested_meta(|inner| {
        let value = inner.value()?.parse::<LitStr>()?.value();
        if inner.path.is_ident("deserialize") {
            de = Some(value);
        }
        Ok(())
    })?;
    Ok(de)
}

fn parse_default(meta: &ParseNestedMeta<'_>) -> syn::Result<DefaultKind> {
    if meta.input.peek(Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        Ok(DefaultKind::Path(lit.parse()?))
    } else {
        Ok(DefaultKind::Trait)
    }
}
