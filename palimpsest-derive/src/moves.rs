//! Moves, values set outright, conflict policies and declared drops: their
//! attributes, their rules, and the operations they plan.
//!
//! - `#[moved_from("context.env", since = "0.2.0")]` on a field, and
//!   `moved(from = "user", to = "client.user", since = "0.3.0")` on the
//!   container, for a value that changes object;
//! - `#[set(since = "0.3.0", value = expr)]` (`drop` to drop the value it
//!   overwrites) on a field;
//! - `on_conflict = "old_wins" | "new_wins"` on renames and moves;
//! - `dropped("context.debug", since = "0.3.0")` on the container.

use proc_macro2::TokenStream;
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Token};

use crate::ast::{Container, Field};
use crate::ctxt::Ctxt;
use crate::version::{Version, VersionLit};
use crate::vocab::path::ObjectPath;

pub const MOVED_USAGE: &str = "expected #[moved_from(\"context.env\", since = \"0.2.0\")], optionally with on_conflict = \"old_wins\" or \"new_wins\"";
pub const SET_USAGE: &str =
    "expected #[set(since = \"0.3.0\", value = expr)], or #[set(since = \"0.3.0\", value = expr, drop)]";
const CONTAINER_MOVED_USAGE: &str =
    "expected moved(from = \"user\", to = \"client.user\", since = \"0.3.0\")";
const DROPPED_USAGE: &str = "expected dropped(\"context.debug\", since = \"0.3.0\")";

/// The field attributes of this module.
pub const FIELD_ATTRS: [&str; 2] = ["moved_from", "set"];

/// What a rename or a move does when both its ends hold a value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    OldWins,
    NewWins,
}

/// `on_conflict = "old_wins"` as written.
fn parse_conflict(lit: &LitStr) -> syn::Result<Option<Conflict>> {
    match lit.value().as_str() {
        "error" => Ok(None),
        "old_wins" => Ok(Some(Conflict::OldWins)),
        "new_wins" => Ok(Some(Conflict::NewWins)),
        other => Err(syn::Error::new(
            lit.span(),
            format!("`on_conflict`: unknown policy {other:?}; expected \"error\" (the default), \"old_wins\" or \"new_wins\""),
        )),
    }
}

/// `= "old_wins"`, after the key `on_conflict` of `#[renamed_from(...)]`
/// or `#[moved_from(...)]`.
pub fn parse_on_conflict(input: ParseStream<'_>) -> syn::Result<Option<Conflict>> {
    input.parse::<Token![=]>()?;
    let lit: LitStr = input.parse()?;
    parse_conflict(&lit)
}

/// A dotted path literal, with its parse.
pub struct PathLit {
    pub lit: LitStr,
    /// `None` when malformed (reported by the checks).
    pub path: Option<ObjectPath>,
}

impl PathLit {
    fn new(lit: LitStr) -> Self {
        let path = ObjectPath::parse(&lit.value());
        PathLit { lit, path }
    }

    fn text(&self) -> String {
        self.lit.value()
    }
}

/// `#[moved_from("context.env", since = "0.2.0")]`
pub struct MovedFrom {
    pub from: PathLit,
    pub since: VersionLit,
    pub conflict: Option<Conflict>,
}

/// `#[set(since = "0.3.0", value = expr)]`
pub struct SetAttr<'a> {
    pub attr: &'a Attribute,
    pub since: VersionLit,
    pub value: syn::Expr,
    pub drop: bool,
}

/// The attributes of this module on one field.
#[derive(Default)]
pub struct FieldMoves<'a> {
    pub moved: Vec<MovedFrom>,
    pub set: Option<SetAttr<'a>>,
}

/// `moved(from = "user", to = "client.user", since = "0.3.0")`
pub struct ContainerMove {
    pub from: PathLit,
    pub to: PathLit,
    pub since: VersionLit,
    pub conflict: Option<Conflict>,
}

/// `dropped("context.debug", since = "0.3.0")`
pub struct Dropped {
    pub path: PathLit,
    pub since: VersionLit,
}

/// The container arguments of this module.
#[derive(Default)]
pub struct ContainerMoves {
    pub moved: Vec<ContainerMove>,
    pub dropped: Vec<Dropped>,
}

impl<'a> FieldMoves<'a> {
    /// Reads `attr` if it is one of this module's; whether it was.
    pub fn parse(&mut self, cx: &mut Ctxt, attr: &'a Attribute) -> bool {
        if attr.path().is_ident("moved_from") {
            // #[moved_from("context.env", since = "0.2.0")]
            match attr.parse_args::<MovedArgs>() {
                Ok(args) => match VersionLit::parse(&args.since) {
                    Ok(since) => self.moved.push(MovedFrom {
                        from: PathLit::new(args.from),
                        since,
                        conflict: args.conflict,
                    }),
                    Err(e) => cx.syn_error(e),
                },
                Err(e) => cx.syn_error(e),
            }
            true
        } else if attr.path().is_ident("set") {
            // #[set(since = "0.3.0", value = expr, drop)]
            match attr.parse_args::<SetArgs>() {
                Ok(args) => {
                    if self.set.is_some() {
                        cx.error_spanned_by(
                            attr,
                            "duplicate #[set]: a field is set in one version",
                        );
                        return true;
                    }
                    match VersionLit::parse(&args.since) {
                        Ok(since) => {
                            self.set = Some(SetAttr {
                                attr,
                                since,
                                value: args.value,
                                drop: args.drop,
                            });
                        }
                        Err(e) => cx.syn_error(e),
                    }
                }
                Err(e) => cx.syn_error(e),
            }
            true
        } else {
            false
        }
    }

    /// The versions the attributes name.
    pub fn versions(&self) -> impl Iterator<Item = &VersionLit> {
        self.moved
            .iter()
            .map(|m| &m.since)
            .chain(self.set.iter().map(|s| &s.since))
    }
}

impl ContainerMoves {
    /// Reads `meta` if it is one of this module's keys of `#[versioned]`;
    /// `None` when it is not.
    pub fn parse(&mut self, cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> Option<syn::Result<()>> {
        if meta.path.is_ident("moved") {
            // #[versioned(moved(from = "user", to = "client.user", since = "0.3.0"))]
            Some(self.parse_moved(cx, meta))
        } else if meta.path.is_ident("dropped") {
            // #[versioned(dropped("context.debug", since = "0.3.0"))]
            Some(self.parse_dropped(cx, meta))
        } else {
            None
        }
    }

    fn parse_moved(&mut self, cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let span = meta.path.span();
        if !meta.input.peek(syn::token::Paren) {
            cx.error_at(
                span,
                format!("#[versioned]: `moved` takes arguments; {CONTAINER_MOVED_USAGE}"),
            );
            return crate::attr::skip_value(meta);
        }
        let (mut from, mut to, mut since, mut conflict) = (None, None, None, None);
        meta.parse_nested_meta(|inner| {
            let lit = || -> syn::Result<LitStr> { inner.value()?.parse() };
            if inner.path.is_ident("from") {
                from = Some(PathLit::new(lit()?));
            } else if inner.path.is_ident("to") {
                to = Some(PathLit::new(lit()?));
            } else if inner.path.is_ident("since") {
                let value: syn::Lit = inner.value()?.parse()?;
                match VersionLit::parse(&value) {
                    Ok(version) => since = Some(version),
                    Err(e) => cx.syn_error(e),
                }
            } else if inner.path.is_ident("on_conflict") {
                match parse_conflict(&lit()?) {
                    Ok(policy) => conflict = policy,
                    Err(e) => cx.syn_error(e),
                }
            } else {
                let key = inner.path.get_ident().map(ToString::to_string).unwrap_or_default();
                cx.error_spanned_by(
                    &inner.path,
                    format!("#[versioned]: unknown key `{key}` in `moved(...)`; {CONTAINER_MOVED_USAGE}, optionally with on_conflict = \"old_wins\" or \"new_wins\""),
                );
                crate::attr::skip_value(&inner)?;
            }
            Ok(())
        })?;
        match (from, to, since) {
            (Some(from), Some(to), Some(since)) => self.moved.push(ContainerMove {
                from,
                to,
                since,
                conflict,
            }),
            _ => cx.error_at(
                span,
                format!("#[versioned]: `moved(...)` needs `from`, `to` and `since`; {CONTAINER_MOVED_USAGE}"),
            ),
        }
        Ok(())
    }

    fn parse_dropped(&mut self, cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let content;
        if !meta.input.peek(syn::token::Paren) {
            cx.error_spanned_by(
                &meta.path,
                format!("#[versioned]: `dropped` takes arguments; {DROPPED_USAGE}"),
            );
            return crate::attr::skip_value(meta);
        }
        syn::parenthesized!(content in meta.input);
        let args: DroppedArgs = content.parse()?;
        match VersionLit::parse(&args.since) {
            Ok(since) => self.dropped.push(Dropped {
                path: PathLit::new(args.path),
                since,
            }),
            Err(e) => cx.syn_error(e),
        }
        Ok(())
    }

    /// The versions the arguments name.
    pub fn versions(&self) -> impl Iterator<Item = &VersionLit> {
        self.moved
            .iter()
            .map(|m| &m.since)
            .chain(self.dropped.iter().map(|d| &d.since))
    }
}

/// `"path", since = V` followed by `, key = value` pairs read by `more`.
fn path_then_since(
    input: ParseStream<'_>,
    usage: &str,
    attr: &str,
    mut more: impl FnMut(&syn::Ident, ParseStream<'_>) -> syn::Result<()>,
) -> syn::Result<(LitStr, syn::Lit)> {
    let path: LitStr = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("{attr}: the path comes first, as a string; {usage}"),
        )
    })?;
    let mut since = None;
    while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
        let key: syn::Ident = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), format!("{attr}: {usage}")))?;
        if key == "since" {
            input.parse::<Token![=]>()?;
            since = Some(input.parse::<syn::Lit>()?);
        } else {
            more(&key, input)?;
        }
    }
    if !input.is_empty() {
        return Err(input.error(format!("{attr}: unexpected tokens; {usage}")));
    }
    let since = since.ok_or_else(|| {
        syn::Error::new(
            path.span(),
            format!("{attr}: missing `since`, the version the change takes effect in; {usage}"),
        )
    })?;
    Ok((path, since))
}

struct MovedArgs {
    from: LitStr,
    since: syn::Lit,
    conflict: Option<Conflict>,
}

impl Parse for MovedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut conflict = None;
        let (from, since) =
            path_then_since(input, MOVED_USAGE, "#[moved_from(...)]", |key, input| {
                if key != "on_conflict" {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("#[moved_from(...)]: unknown key `{key}`; {MOVED_USAGE}"),
                    ));
                }
                conflict = parse_on_conflict(input)?;
                Ok(())
            })?;
        Ok(MovedArgs {
            from,
            since,
            conflict,
        })
    }
}

struct DroppedArgs {
    path: LitStr,
    since: syn::Lit,
}

impl Parse for DroppedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (path, since) = path_then_since(
            input,
            DROPPED_USAGE,
            "#[versioned]: dropped(...)",
            |key, _| {
                Err(syn::Error::new(
                    key.span(),
                    format!("#[versioned]: unknown key `{key}` in `dropped(...)`; {DROPPED_USAGE}"),
                ))
            },
        )?;
        Ok(DroppedArgs { path, since })
    }
}

struct SetArgs {
    since: syn::Lit,
    value: syn::Expr,
    drop: bool,
}

impl Parse for SetArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (mut since, mut value, mut drop) = (None, None, false);
        while !input.is_empty() {
            let key: syn::Ident = input
                .parse()
                .map_err(|e| syn::Error::new(e.span(), format!("#[set(...)]: {SET_USAGE}")))?;
            if key == "since" {
                input.parse::<Token![=]>()?;
                since = Some(input.parse::<syn::Lit>()?);
            } else if key == "value" {
                input.parse::<Token![=]>()?;
                value = Some(input.parse::<syn::Expr>()?);
            } else if key == "drop" {
                drop = true;
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!("#[set(...)]: unknown key `{key}`; {SET_USAGE}"),
                ));
            }
            if input.parse::<Option<Token![,]>>()?.is_none() {
                break;
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!("#[set(...)]: unexpected tokens; {SET_USAGE}")));
        }
        match (since, value) {
            (Some(since), Some(value)) => Ok(SetArgs { since, value, drop }),
            (None, _) => Err(syn::Error::new(
                input.span(),
                format!("#[set(...)]: missing `since`, the version the value is set in; {SET_USAGE}"),
            )),
            (_, None) => Err(syn::Error::new(
                input.span(),
                format!("#[set(...)]: missing `value`, the value documents get in that version; {SET_USAGE}"),
            )),
        }
    }
}

/// An operation this module plans into a step.
pub enum PlannedMove<'a> {
    Move {
        from: String,
        to: String,
        conflict: Option<Conflict>,
    },
    Set {
        field: &'a Field<'a>,
        name: String,
        drop: bool,
    },
    Drop(String),
}

/// The moves into `version`, field-level and container-level: planned right
/// after the renames, so the value arrives under its new path before
/// anything else of the version acts on it.
pub fn moves_into<'a>(cont: &'a Container<'a>, version: &Version) -> Vec<PlannedMove<'a>> {
    // #[moved_from(...)] leads to the field's name in that version.
    let on_fields = cont.fields.iter().flat_map(|field| {
        let to = crate::check::name_at(field, version);
        field
            .attrs
            .moves
            .moved
            .iter()
            .map(move |m| (&m.from, &m.since, m.conflict, to.clone()))
    });
    let on_container = cont
        .args
        .moves
        .moved
        .iter()
        .map(|m| (&m.from, &m.since, m.conflict, m.to.text()));
    on_fields
        .chain(on_container)
        .filter(|(_, since, ..)| since.version == *version)
        .map(|(from, _, conflict, to)| PlannedMove::Move {
            from: from.text(),
            to,
            conflict,
        })
        .collect()
}

/// The values set in `version`: after renames, moves and conversions,
/// before defaults of added fields.
pub fn sets_into<'a>(cont: &'a Container<'a>, version: &Version) -> Vec<PlannedMove<'a>> {
    cont.fields
        .iter()
        .filter_map(|field| {
            let set = field.attrs.moves.set.as_ref()?;
            (set.since.version == *version).then(|| PlannedMove::Set {
                field,
                name: crate::check::name_at(field, version),
                drop: set.drop,
            })
        })
        .collect()
}

/// The declared drops of `version`: last of the step.
pub fn drops_into<'a>(cont: &'a Container<'a>, version: &Version) -> Vec<PlannedMove<'a>> {
    cont.args
        .moves
        .dropped
        .iter()
        .filter(|d| d.since.version == *version)
        .map(|d| PlannedMove::Drop(d.path.text()))
        .collect()
}

/// Whether one of this module's operations keeps a value in the metadata.
pub fn keeps(op: &PlannedMove<'_>) -> bool {
    matches!(op, PlannedMove::Set { drop: false, .. })
}

/// The builder call of a planned operation.
pub fn op_expr(cont: &Container<'_>, op: &PlannedMove<'_>) -> TokenStream {
    match op {
        PlannedMove::Move { from, to, conflict } => {
            let conflict = match conflict {
                None => quote!(Error),
                Some(Conflict::OldWins) => quote!(OldWins),
                Some(Conflict::NewWins) => quote!(NewWins),
            };
            quote!(.move_value_with(#from, #to, ::palimpsest::Conflict::#conflict))
        }
        PlannedMove::Set { field, name, drop } => {
            let ty = crate::expand::field_type(cont, field);
            let keep = !drop;
            let value = field
                .attrs
                .moves
                .set
                .as_ref()
                .map(|set| &set.value)
                .map_or_else(TokenStream::new, |value| quote!(#value));
            // A function pointer, as for added fields; the value is typed
            // as the field, so a wrong type fails to compile where written.
            quote!(.try_set(#name, #keep, (|| {
                let __value: #ty = #value;
                ::palimpsest::__private::default_value(&__value)
            }) as ::palimpsest::__private::DefaultFn))
        }
        PlannedMove::Drop(path) => quote!(.drop_path(#path)),
    }
}

/// The rules of this module's attributes, on a root (`root` true) or an
/// embedded type.
pub fn check(cx: &mut Ctxt, cont: &Container<'_>, root: bool) {
    check_paths(cx, cont);
    check_moved_while_exists(cx, cont);
    check_container_targets(cx, cont);
    if root {
        check_set_is_kept(cx, cont);
    }
}

/// Paths are dotted keys, and a field is not moved from where it is.
fn check_paths(cx: &mut Ctxt, cont: &Container<'_>) {
    let malformed = |cx: &mut Ctxt, path: &PathLit, what: &str| {
        if path.path.is_none() {
            cx.error_spanned_by(
                &path.lit,
                format!("{what}: malformed path {:?}: a path is keys separated by single dots, e.g. \"context.env\"", path.text()),
            );
        }
    };
    for field in &cont.fields {
        for moved in &field.attrs.moves.moved {
            malformed(cx, &moved.from, "#[moved_from(...)]");
            if moved.from.text() == field.serde_name {
                cx.error_spanned_by(
                    &moved.from.lit,
                    format!(
                        "#[moved_from({:?}, ...)]: that is the path of `{}` itself; name the path older documents carry its value at",
                        moved.from.text(),
                        field.ident
                    ),
                );
            }
        }
    }
    for moved in &cont.args.moves.moved {
        malformed(cx, &moved.from, "#[versioned]: moved(from = ...)");
        malformed(cx, &moved.to, "#[versioned]: moved(to = ...)");
        if moved.from.text() == moved.to.text() {
            cx.error_spanned_by(
                &moved.to.lit,
                "#[versioned]: moved(...): `from` and `to` are the same path; a move goes somewhere else",
            );
        }
    }
    for dropped in &cont.args.moves.dropped {
        malformed(cx, &dropped.path, "#[versioned]: dropped(...)");
    }
}

/// A move, like a rename, comes after the field exists and before it is
/// removed.
fn check_moved_while_exists(cx: &mut Ctxt, cont: &Container<'_>) {
    for field in &cont.fields {
        let dated = field
            .attrs
            .moves
            .moved
            .iter()
            .map(|m| ("#[moved_from]", "moved", &m.since))
            .chain(
                field
                    .attrs
                    .moves
                    .set
                    .iter()
                    .map(|s| ("#[set]", "set", &s.since)),
            );
        for (attr, what, since) in dated {
            if let Some(added) = &field.attrs.added {
                if since.version <= added.version.version {
                    cx.error_at(
                        since.span,
                        format!(
                            "{attr}: `{}` is {what} in {} but only added in {}; it must exist first",
                            field.ident, since.version, added.version.version
                        ),
                    );
                }
            }
            if let Some(removed) = &field.attrs.removed {
                if since.version >= removed.version.version {
                    cx.error_at(
                        since.span,
                        format!(
                            "{attr}: `{}` is {what} in {} but already removed in {}; that comes before the removal",
                            field.ident, since.version, removed.version.version
                        ),
                    );
                }
            }
        }
    }
}

/// A container move leads into a field of the struct.
fn check_container_targets(cx: &mut Ctxt, cont: &Container<'_>) {
    if cont.fields.iter().any(|f| f.serde.flatten) {
        return;
    }
    for moved in &cont.args.moves.moved {
        let Some(to) = &moved.to.path else {
            continue;
        };
        if !cont.current_fields().any(|f| f.serde_name == to.root()) {
            let names: Vec<String> = cont
                .current_fields()
                .map(|f| format!("`{}`", f.serde_name))
                .collect();
            cx.error_spanned_by(
                &moved.to.lit,
                format!(
                    "#[versioned]: moved(to = {:?}): `{}` is not a field of `{}` (fields: {}); a move leads into a field",
                    moved.to.text(),
                    to.root(),
                    cont.ident(),
                    names.join(", ")
                ),
            );
        }
    }
}

/// The value a `#[set]` overwrites goes to the metadata object, unless
/// `drop` says to drop it: nothing is lost silently.
fn check_set_is_kept(cx: &mut Ctxt, cont: &Container<'_>) {
    if cont.args.metadata.is_some() {
        return;
    }
    for field in &cont.fields {
        if let Some(set) = field.attrs.moves.set.as_ref().filter(|s| !s.drop) {
            cx.error_spanned_by(
                set.attr,
                format!(
                    "#[set(since = {}, ...)]: the value `{}` held before {} would be lost: set `metadata = \"...\"` on #[versioned] to keep it as `legacy_{}`, or add `drop` to drop it",
                    set.since.text(),
                    field.ident,
                    set.since.version,
                    field.serde_name,
                ),
            );
        }
    }
}

/// A variant's name is a tag, not a path: it is renamed, never moved nor
/// set, and several old names may fold into it, so no conflict arises.
pub fn reject_on_variant(cx: &mut Ctxt, attrs: &crate::attr::FieldAttrs<'_>) {
    for moved in &attrs.moves.moved {
        cx.error_spanned_by(
            &moved.from.lit,
            "#[moved_from] on an enum variant is not supported; a variant takes #[renamed_from(\"old\", since = \"V\")]",
        );
    }
    if let Some(set) = &attrs.moves.set {
        cx.error_spanned_by(
            set.attr,
            "#[set] on an enum variant is not supported; a variant takes #[renamed_from(\"old\", since = \"V\")]",
        );
    }
    for renamed in attrs.renamed.iter().filter(|r| r.conflict.is_some()) {
        cx.error_spanned_by(
            &renamed.old,
            "#[renamed_from(..., on_conflict = ...)] on an enum variant: a document names one variant, so its old and new names never meet; remove `on_conflict`",
        );
    }
}
