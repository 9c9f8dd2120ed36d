//! Each attribute parsed into typed fields; unknown and duplicate keys are
//! rejected here, every one of them in the same pass.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr, Token};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::version::VersionLit;
use crate::vocab::names::DEFAULT_KEY;

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
    /// Keys written, well-formed or not: a malformed `since` is reported
    /// once as malformed, not a second time as missing.
    pub given: Vec<&'static str>,
    /// The arguments stopped parsing at a syntax error (already reported),
    /// so any key may be missing only because it was never reached.
    pub aborted: bool,
    /// `embedded`: the type is dated in the versions of the type holding it.
    pub embedded: Option<Span>,
    /// Every key written but `embedded`, where it was written: an embedded
    /// type takes none of them.
    pub written: Vec<(&'static str, Span)>,
    /// `moved(...)` and `dropped(...)`, which an embedded type takes too.
    pub moves: crate::moves::ContainerMoves,
    /// `unversioned = [..]`: the versions written without a version key.
    pub unversioned: Option<crate::shapes::UnversionedArg>,
    /// `newer = "read"`: documents newer than the current version are read
    /// as it, keeping what this build does not know. `"fail"` is the default.
    pub newer: Option<LitStr>,
    /// `layout = "envelope"`: documents are `{"version": V, "data": {..}}`;
    /// `"inline"` (the version key among the fields) is the default.
    pub layout: Option<LitStr>,
}

/// The keys of `#[versioned(...)]` but `embedded`.
pub const CONTAINER_KEYS: [&str; 10] = [
    "since", "version", "legacy", "key", "metadata", "step", "check", "snapshot", "newer", "layout",
];

/// `snapshot(version = "0.1.0", name = TraceV010)`
pub struct SnapshotArg {
    pub version: VersionLit,
    pub name: syn::Ident,
}

impl ContainerArgs {
    pub fn is_missing(&self, key: &str) -> bool {
        !self.aborted && !self.given.contains(&key)
    }
}

/// `step(from = "0.1.0", to = "0.2.0", with = path, back = path, combine = "after")`
pub struct StepArg {
    pub span: Span,
    pub from: Option<VersionLit>,
    pub to: Option<VersionLit>,
    pub with: Option<syn::Path>,
    /// The inverse of `with`, for a downgrade to run.
    pub back: Option<syn::Path>,
    pub combine: Option<(Combine, Span)>,
}

const STEP_USAGE: &str =
    "expected step(from = \"0.1.0\", to = \"0.2.0\", with = path::to::function)";

const BACK_USAGE: &str =
    "expected step(from = \"0.1.0\", to = \"0.2.0\", with = path::to::up, back = path::to::down), `down` undoing `up`";

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
            if let Some(key) = CONTAINER_KEYS.iter().find(|key| meta.path.is_ident(key)) {
                out.written
                    .push((*key, syn::spanned::Spanned::span(&meta.path)));
            }
            if meta.path.is_ident("embedded") {
                // #[versioned(embedded)]
                if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
                    cx.error_spanned_by(
                        &meta.path,
                        "#[versioned]: `embedded` takes no value; write #[versioned(embedded)]",
                    );
                    skip_value(&meta)?;
                } else if out.embedded.is_some() {
                    cx.error_spanned_by(&meta.path, "#[versioned]: duplicate `embedded`");
                }
                // Meant as embedded either way: no error about a root's keys.
                out.embedded = Some(syn::spanned::Spanned::span(&meta.path));
                Ok(())
            } else if meta.path.is_ident("since") {
                // #[versioned(since = "0.1.0")]
                set_version(cx, &meta, &mut out.since, &mut out.given, "since")
            } else if meta.path.is_ident("version") {
                // #[versioned(version = "0.3.0")]
                set_version(cx, &meta, &mut out.version, &mut out.given, "version")
            } else if meta.path.is_ident("legacy") {
                // #[versioned(legacy = "0.0.1")]
                set_version(cx, &meta, &mut out.legacy, &mut out.given, "legacy")
            } else if meta.path.is_ident("key") {
                // #[versioned(key = "schema_version")]
                set_str(cx, &meta, &mut out.key, "key", &format!("{DEFAULT_KEY:?}"))
            } else if meta.path.is_ident("metadata") {
                // #[versioned(metadata = "context.metadata")]
                set_str(
                    cx,
                    &meta,
                    &mut out.metadata,
                    "metadata",
                    "\"context.metadata\"",
                )
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
            } else if meta.path.is_ident("unversioned") {
                // #[versioned(unversioned = ["0.1.0", "0.2.0"])]
                out.written
                    .push(("unversioned", syn::spanned::Spanned::span(&meta.path)));
                let duplicate = out.unversioned.is_some();
                if let Some(parsed) = crate::shapes::parse(cx, &meta)? {
                    if duplicate {
                        cx.error_spanned_by(&meta.path, "#[versioned]: duplicate `unversioned`");
                    } else {
                        out.unversioned = Some(parsed);
                    }
                }
                Ok(())
            } else if meta.path.is_ident("newer") {
                // #[versioned(newer = "read")]
                let choices = [
                    ("read", "read a newer document as the current version, keeping what this build does not know"),
                    ("fail", "the default"),
                ];
                set_choice(cx, &meta, &mut out.newer, "newer", &choices)
            } else if meta.path.is_ident("layout") {
                // #[versioned(layout = "envelope")]
                let choices = [
                    ("envelope", "{\"version\": .., \"data\": {..}}"),
                    ("inline", "the version key among the fields, the default"),
                ];
                set_choice(cx, &meta, &mut out.layout, "layout", &choices)
            } else if let Some(parsed) = out.moves.parse(cx, &meta) {
                parsed
            } else {
                let name = path_name(&meta.path);
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "#[versioned]: unknown key `{name}`; `since`, `version`, `legacy`, `unversioned`, `key`, `metadata`, `step`, `check`, `snapshot`, `newer`, `layout`, `moved`, `dropped`, `embedded`"
                    ),
                );
                skip_value(&meta)
            }
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, args) {
            out.aborted = true;
            cx.syn_error(e);
        }
        out
    }
}

/// Sets the function `key` of `step(...)` names by its path, once; `what`
/// says what the function is for, `usage` how the key is written.
fn set_function(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<syn::Path>,
    key: &str,
    (what, usage): (&str, &str),
) -> syn::Result<()> {
    let value: syn::Expr = meta.value()?.parse()?;
    let syn::Expr::Path(syn::ExprPath {
        path, qself: None, ..
    }) = value
    else {
        cx.error_spanned_by(
            &value,
            format!("#[versioned]: `{key}` names {what} by its path; {usage}"),
        );
        return Ok(());
    };
    if slot.is_some() {
        cx.error_spanned_by(
            &meta.path,
            format!("#[versioned]: duplicate `{key}` in `step(...)`"),
        );
    } else {
        *slot = Some(path);
    }
    Ok(())
}

impl StepArg {
    fn parse(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Self> {
        let mut step = StepArg {
            span: syn::spanned::Spanned::span(&meta.path),
            from: None,
            to: None,
            with: None,
            back: None,
            combine: None,
        };
        if !meta.input.peek(syn::token::Paren) {
            cx.error_spanned_by(
                &meta.path,
                format!("#[versioned]: `step` takes arguments; {STEP_USAGE}"),
            );
            skip_value(meta)?;
            return Ok(step);
        }
        let mut given = Vec::new();
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("from") {
                // step(from = "0.1.0", ...)
                set_version(cx, &inner, &mut step.from, &mut given, "from")
            } else if inner.path.is_ident("to") {
                // step(to = "0.2.0", ...)
                set_version(cx, &inner, &mut step.to, &mut given, "to")
            } else if inner.path.is_ident("with") {
                // step(with = crate::migrations::split_name, ...)
                given.push("with");
                let what = ("the step's function", STEP_USAGE);
                set_function(cx, &inner, &mut step.with, "with", what)
            } else if inner.path.is_ident("back") {
                // step(..., back = crate::migrations::join_name)
                given.push("back");
                let what = ("the function that undoes the step", BACK_USAGE);
                set_function(cx, &inner, &mut step.back, "back", what)
            } else if inner.path.is_ident("combine") {
                // step(..., combine = "after")
                given.push("combine");
                let Some(lit) = parse_lit_str(cx, &inner, "combine", "\"after\"")? else {
                    return Ok(());
                };
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
                } else {
                    step.combine = Some((combine, lit.span()));
                }
                Ok(())
            } else {
                let name = path_name(&inner.path);
                cx.error_spanned_by(
                    &inner.path,
                    format!("#[versioned]: unknown key `{name}` in `step(...)`; expected `from`, `to`, `with`, `back`, `combine`"),
                );
                skip_value(&inner)
            }
        })?;
        let missing: Vec<&str> = ["from", "to", "with"]
            .into_iter()
            .filter(|key| !given.contains(key))
            .collect();
        if !missing.is_empty() {
            cx.error_at(
                step.span,
                format!(
                    "#[versioned]: `step(...)` is missing {}; {STEP_USAGE}",
                    join_keys(&missing)
                ),
            );
        }
        Ok(step)
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c`.
fn join_keys(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

impl SnapshotArg {
    fn parse(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<Self>> {
        let span = syn::spanned::Spanned::span(&meta.path);
        let mut version = None;
        let mut given = Vec::new();
        let mut name = None;
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("version") {
                set_version(cx, &inner, &mut version, &mut given, "version")
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
    given: &mut Vec<&'static str>,
    name: &'static str,
) -> syn::Result<()> {
    // Any expression parses, so a wrong value is reported and the keys
    // after it are still read.
    let value: syn::Expr = meta.value()?.parse()?;
    let duplicate = given.contains(&name);
    given.push(name);
    if duplicate {
        cx.error_spanned_by(&meta.path, format!("#[versioned]: duplicate `{name}`"));
        return Ok(());
    }
    let syn::Expr::Lit(syn::ExprLit { lit, .. }) = &value else {
        cx.error_spanned_by(
            &value,
            format!("#[versioned]: `{name}` expects a version: a semver string such as \"0.1.0\" or an integer such as 1"),
        );
        return Ok(());
    };
    match VersionLit::parse(lit) {
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
    example: &str,
) -> syn::Result<()> {
    let duplicate = slot.is_some();
    let Some(lit) = parse_lit_str(cx, meta, name, example)? else {
        return Ok(());
    };
    if duplicate {
        cx.error_spanned_by(&meta.path, format!("#[versioned]: duplicate `{name}`"));
    } else {
        *slot = Some(lit);
    }
    Ok(())
}

/// `name = "choice"`, one of `choices` (each with what it means, for the
/// error); the first choice is the example of the syntax.
fn set_choice(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<LitStr>,
    name: &str,
    choices: &[(&str, &str)],
) -> syn::Result<()> {
    let example = format!("{:?}", choices.first().map_or("", |(choice, _)| *choice));
    set_str(cx, meta, slot, name, &example)?;
    let Some(given) = slot.as_ref().map(LitStr::value) else {
        return Ok(());
    };
    if !choices.iter().any(|(choice, _)| *choice == given) {
        let expected: Vec<String> = choices
            .iter()
            .map(|(choice, meaning)| format!("{choice:?} ({meaning})"))
            .collect();
        cx.error_spanned_by(
            slot.take(),
            format!(
                "#[versioned]: unknown {name} {given:?}; expected {}",
                expected.join(" or ")
            ),
        );
    }
    Ok(())
}

/// The string value of `name = "..."`; anything else is reported and
/// skipped, so the keys after it are still read.
fn parse_lit_str(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta<'_>,
    name: &str,
    example: &str,
) -> syn::Result<Option<LitStr>> {
    let value: syn::Expr = meta.value()?.parse()?;
    if let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(lit),
        ..
    }) = value
    {
        return Ok(Some(lit));
    }
    cx.error_spanned_by(
        &value,
        format!("#[versioned]: `{name}` expects a string, e.g. {name} = {example}"),
    );
    Ok(None)
}

/// Skips the value of a key we do not know, so parsing goes on and every
/// other error is reported too.
pub fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
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
pub struct FieldAttrs<'a> {
    pub renamed: Vec<Renamed>,
    pub removed: Option<Removed<'a>>,
    pub added: Option<Added<'a>>,
    /// `#[converted]`, `#[wrapped]`, `#[unwrapped]`, `#[renamed_keys]`.
    pub convert: crate::convert::FieldConversions<'a>,
    pub moves: crate::moves::FieldMoves<'a>,
}

/// `#[renamed_from("result", since = "0.2.0")]`, optionally with
/// `on_conflict = "old_wins"`
pub struct Renamed {
    pub old: LitStr,
    pub since: VersionLit,
    pub conflict: Option<crate::moves::Conflict>,
}

/// `#[removed_in("0.3.0")]` or `#[removed_in("0.3.0", drop)]`
pub struct Removed<'a> {
    pub attr: &'a Attribute,
    pub version: VersionLit,
    pub drop: bool,
}

/// `#[added_in("0.2.0")]`
pub struct Added<'a> {
    pub attr: &'a Attribute,
    pub version: VersionLit,
}

pub const FIELD_ATTRS: [&str; 3] = ["renamed_from", "removed_in", "added_in"];

const RENAMED_USAGE: &str = "expected #[renamed_from(\"old_name\", since = \"0.2.0\")]";
const REMOVED_USAGE: &str = "expected #[removed_in(\"0.3.0\")] or #[removed_in(\"0.3.0\", drop)]";
const ADDED_USAGE: &str = "expected #[added_in(\"0.2.0\")]";

pub fn is_field_attr(attr: &Attribute) -> bool {
    FIELD_ATTRS
        .iter()
        .chain(&crate::moves::FIELD_ATTRS)
        .any(|name| attr.path().is_ident(name))
        || crate::convert::is_conversion_attr(attr)
}

impl<'a> FieldAttrs<'a> {
    pub fn parse(cx: &mut Ctxt, attrs: &'a [Attribute]) -> Self {
        let mut out = FieldAttrs::default();
        for attr in attrs.iter().filter(|a| is_field_attr(a)) {
            if crate::convert::is_conversion_attr(attr) {
                out.convert.parse(cx, attr);
                continue;
            }
            if out.moves.parse(cx, attr) {
                continue;
            }
            let usage = if attr.path().is_ident("renamed_from") {
                RENAMED_USAGE
            } else if attr.path().is_ident("removed_in") {
                REMOVED_USAGE
            } else {
                ADDED_USAGE
            };
            // #[added_in] or #[added_in = "0.2.0"]: the version is missing
            // or not in parentheses.
            if !matches!(attr.meta, syn::Meta::List(_)) {
                let name = path_name(attr.path());
                cx.error_spanned_by(attr, format!("#[{name}] takes arguments; {usage}"));
                continue;
            }
            if attr.path().is_ident("renamed_from") {
                // #[renamed_from("result", since = "0.2.0")]
                match attr.parse_args::<RenamedArgs>() {
                    Ok(args) => match VersionLit::parse(&args.since) {
                        Ok(since) => out.renamed.push(Renamed {
                            old: args.old,
                            since,
                            conflict: args.conflict,
                        }),
                        Err(e) => cx.syn_error(e),
                    },
                    Err(e) => cx.syn_error(e),
                }
            } else if attr.path().is_ident("removed_in") {
                // #[removed_in("0.3.0")] or #[removed_in("0.3.0", drop)]
                let args = match attr.parse_args::<RemovedArgs>() {
                    Ok(args) => args,
                    Err(e) => {
                        cx.syn_error(e);
                        continue;
                    }
                };
                if out.removed.is_some() {
                    cx.error_spanned_by(attr, "duplicate #[removed_in]: a field is removed once");
                    continue;
                }
                match VersionLit::parse(&args.version) {
                    Ok(version) => {
                        out.removed = Some(Removed {
                            attr,
                            version,
                            drop: args.drop,
                        });
                    }
                    Err(e) => cx.syn_error(e),
                }
            } else {
                // #[added_in("0.2.0")]
                let lit = match attr.parse_args_with(parse_version_arg) {
                    Ok(lit) => lit,
                    Err(e) => {
                        cx.syn_error(e);
                        continue;
                    }
                };
                if out.added.is_some() {
                    cx.error_spanned_by(attr, "duplicate #[added_in]: a field is added once");
                    continue;
                }
                match VersionLit::parse(&lit) {
                    Ok(version) => out.added = Some(Added { attr, version }),
                    Err(e) => cx.syn_error(e),
                }
            }
        }
        out
    }
}

/// The whole argument list of `#[added_in(...)]`: one version literal.
fn parse_version_arg(input: ParseStream<'_>) -> syn::Result<syn::Lit> {
    let lit = parse_version_lit(input, ADDED_USAGE)?;
    input.parse::<Option<Token![,]>>()?;
    if !input.is_empty() {
        return Err(input.error(format!(
            "#[added_in(...)]: unexpected tokens; {ADDED_USAGE}"
        )));
    }
    Ok(lit)
}

/// A version literal, or an error naming the attribute's syntax.
fn parse_version_lit(input: ParseStream<'_>, usage: &str) -> syn::Result<syn::Lit> {
    if input.is_empty() {
        return Err(syn::Error::new(
            input.span(),
            format!("missing version; {usage}"),
        ));
    }
    input.parse::<syn::Lit>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("a version is a literal such as \"0.2.0\" or 2; {usage}"),
        )
    })
}

struct RenamedArgs {
    old: LitStr,
    since: syn::Lit,
    conflict: Option<crate::moves::Conflict>,
}

impl Parse for RenamedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let usage = RENAMED_USAGE;
        let old: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("#[renamed_from(...)]: the old name comes first, as a string; {usage}"),
            )
        })?;
        if input.is_empty() {
            return Err(syn::Error::new(
                old.span(),
                format!("#[renamed_from(...)]: missing `since`, the version the new name starts in; {usage}"),
            ));
        }
        input.parse::<Token![,]>()?;
        let key: syn::Ident = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), format!("#[renamed_from(...)]: {usage}")))?;
        if key != "since" {
            return Err(syn::Error::new(
                key.span(),
                format!("#[renamed_from(...)]: unknown key `{key}`; {usage}"),
            ));
        }
        input.parse::<Token![=]>()?;
        let since = parse_version_lit(input, usage)?;
        let mut conflict = None;
        if input.parse::<Option<Token![,]>>()?.is_some() && input.peek(syn::Ident) {
            // #[renamed_from("result", since = "0.2.0", on_conflict = "old_wins")]
            let key: syn::Ident = input.parse()?;
            if key != "on_conflict" {
                return Err(syn::Error::new(
                    key.span(),
                    format!("#[renamed_from(...)]: unknown key `{key}`; {usage}, optionally with on_conflict = \"old_wins\" or \"new_wins\""),
                ));
            }
            conflict = crate::moves::parse_on_conflict(input)?;
            input.parse::<Option<Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error(format!("#[renamed_from(...)]: unexpected tokens; {usage}")));
        }
        Ok(RenamedArgs {
            old,
            since,
            conflict,
        })
    }
}

struct RemovedArgs {
    version: syn::Lit,
    drop: bool,
}

impl Parse for RemovedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let version = parse_version_lit(input, REMOVED_USAGE)?;
        let mut drop = false;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let word: syn::Ident = input.parse().map_err(|e| {
                syn::Error::new(e.span(), format!("#[removed_in(...)]: {REMOVED_USAGE}"))
            })?;
            if word != "drop" {
                return Err(syn::Error::new(
                    word.span(),
                    format!("#[removed_in(...)]: unknown option `{word}`; {REMOVED_USAGE}"),
                ));
            }
            drop = true;
            input.parse::<Option<Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error(format!(
                "#[removed_in(...)]: unexpected tokens; {REMOVED_USAGE}"
            )));
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
    /// `#[serde(borrow)]`, kept for the error saying a versioned struct
    /// cannot borrow.
    pub borrow: Option<syn::Path>,
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
                } else if meta.path.is_ident("borrow") {
                    // #[serde(borrow)] or #[serde(borrow = "'a")]
                    out.borrow = Some(meta.path.clone());
                    skip_value(&meta)?;
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

/// Which sides a container's `#[serde(rename = ...)]` names, as
/// (serialize, deserialize); attributes serde would reject count for none.
pub fn container_renamed(attrs: &[Attribute]) -> (bool, bool) {
    let mut sides = (false, false);
    for attr in attrs.iter().filter(|a| is_serde(a)) {
        let _ = attr.parse_nested_meta(|meta| {
            if !meta.path.is_ident("rename") {
                return skip_value(&meta);
            }
            // #[serde(rename = "x")]
            if meta.input.peek(Token![=]) {
                sides = (true, true);
                return skip_value(&meta);
            }
            // #[serde(rename(serialize = "a", deserialize = "b"))]
            meta.parse_nested_meta(|inner| {
                sides.0 |= inner.path.is_ident("serialize");
                sides.1 |= inner.path.is_ident("deserialize");
                skip_value(&inner)
            })
        });
    }
    sides
}

/// The deserialize side of `name = "x"` or `name(serialize = "a", deserialize = "b")`.
pub fn parse_de_name(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<String>> {
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
