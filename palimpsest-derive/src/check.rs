//! The rules a versioned struct must follow, one function each, and the
//! history (versions and steps) they leave behind for the expansion.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::{Container, Derives, Field};
use crate::attr::{Combine, ContainerArgs, StepArg};
use crate::ctxt::Ctxt;
use crate::version::{Scheme, Version, VersionLit};
use crate::vocab::history::{self, DefinitionError, Outline, StepEnds};
use crate::vocab::names::{legacy_key, DEFAULT_KEY};
use crate::vocab::path::ObjectPath;

/// The checked history of a struct: what the expansion turns into a schema.
pub struct History<'a> {
    pub legacy: Version,
    pub current: Version,
    pub key: String,
    pub metadata: Option<ObjectPath>,
    pub steps: Vec<PlannedStep<'a>>,
}

pub struct PlannedStep<'a> {
    pub from: Version,
    pub to: Version,
    pub ops: Vec<PlannedOp<'a>>,
}

pub enum PlannedOp<'a> {
    /// A removed field, whose value goes to the metadata.
    Preserve {
        name: String,
        field: &'a Field<'a>,
    },
    /// A field removed with `drop`.
    Drop {
        name: String,
        field: &'a Field<'a>,
    },
    Rename {
        old: String,
        new: String,
    },
    Add {
        field: &'a Field<'a>,
        name: String,
    },
    /// A hand-written step's function, and its inverse if given.
    Custom {
        with: &'a syn::Path,
        back: Option<&'a syn::Path>,
    },
    /// A change of the value of the field named `name` in its version.
    Convert {
        name: String,
        conversion: &'a crate::convert::Conversion<'a>,
    },
    Moves(crate::moves::PlannedMove<'a>),
}

pub fn validate<'a>(cx: &mut Ctxt, cont: &'a Container<'a>) -> Option<History<'a>> {
    if cont.serde_unreadable {
        // serde reports its attribute on the fallback; rules read on
        // guessed names and defaults would only add wrong errors.
        return None;
    }
    check_derives(cx, &cont.derives, cont.ident());
    let since = check_since_present(cx, cont)?;
    let scheme = since.version.scheme();
    check_one_scheme(cx, all_versions(cont), scheme, "`since`");
    let legacy = cont
        .args
        .legacy
        .as_ref()
        .map_or_else(|| scheme.default_legacy(), |l| l.version.clone());
    check_after_legacy(cx, cont, &legacy);
    check_not_before_since(cx, cont, &since.version);
    check_not_after_version(cx, cont);
    check_removed_is_kept(cx, cont);
    check_added_has_default(cx, cont);
    check_removed_after_added(cx, cont);
    check_renames(cx, cont);
    crate::convert::check(cx, cont);
    crate::moves::check(cx, cont, true);
    let metadata = check_metadata_path(cx, cont);
    check_newer_has_metadata(cx, cont);
    check_no_borrowing(cx, cont);
    let key = check_key(cx, cont);
    if cx.has_errors() {
        return None;
    }
    let versions = versions(cont, &legacy);
    // `legacy` is in `versions`, so there is a last one.
    let current = versions.last().cloned().unwrap_or_else(|| legacy.clone());
    check_steps(cx, cont, &versions, &legacy, &current);
    check_snapshots(cx, cont, &versions);
    crate::shapes::check(cx, cont, &versions);
    if cx.has_errors() {
        return None;
    }
    let history = History {
        legacy,
        current,
        key,
        metadata,
        steps: plan_steps(cont, &versions),
    };
    check_planned_history(cx, &history);
    Some(history)
}

/// The checked changes of an embedded type, by the version they take
/// effect in, oldest first: what the expansion turns into its history.
pub struct EmbeddedPlan<'a> {
    pub changes: Vec<(Version, Vec<PlannedOp<'a>>)>,
}

/// The rules of `#[versioned(embedded)]`: those of field attributes that
/// need no root, and what sets an embedded type apart. The versions are
/// its root's, checked against the root's history when the root's schema
/// is assembled: the macro cannot see the root from here.
pub fn validate_embedded<'a>(cx: &mut Ctxt, cont: &'a Container<'a>) -> Option<EmbeddedPlan<'a>> {
    if cont.serde_unreadable {
        return None;
    }
    check_derives(cx, &cont.derives, cont.ident());
    check_embedded_keys(cx, &cont.args);
    let field_lits = || {
        cont.fields
            .iter()
            .flat_map(field_versions)
            .chain(cont.args.moves.versions())
    };
    if let Some(scheme) = check_scheme_of_first(cx, cont.ident(), field_lits) {
        check_after_first_version(cx, cont, scheme);
    }
    check_added_has_default(cx, cont);
    check_removed_after_added(cx, cont);
    check_renames(cx, cont);
    crate::convert::check(cx, cont);
    crate::moves::check(cx, cont, false);
    check_no_borrowing(cx, cont);
    if cx.has_errors() {
        return None;
    }
    let versions: BTreeSet<Version> = field_lits().map(|lit| lit.version.clone()).collect();
    let changes = versions
        .into_iter()
        .map(|version| {
            let ops = ops_into(cont, &version);
            (version, ops)
        })
        .collect();
    Some(EmbeddedPlan { changes })
}

/// An embedded type is dated in the versions of the type holding it and
/// writes no version: none of a root's keys applies to it.
pub fn check_embedded_keys(cx: &mut Ctxt, args: &ContainerArgs) {
    for (key, span) in &args.written {
        cx.error_at(
            *span,
            format!(
                "#[versioned(embedded)]: `{key}` does not apply to an embedded type, which is dated in the versions of the #[versioned] type holding it and writes no version of its own"
            ),
        );
    }
}

/// A change takes effect in a version that follows the one older
/// documents have, so never in the first version of its scheme.
fn check_after_first_version(cx: &mut Ctxt, cont: &Container<'_>, scheme: Scheme) {
    let first = match scheme {
        Scheme::Semver => Version::semver(semver::Version::new(0, 0, 0)),
        Scheme::Integer => Version::integer(0),
    };
    for field in &cont.fields {
        for lit in field_versions(field) {
            if lit.version.scheme() == scheme && lit.version <= first {
                cx.error_at(
                    lit.span,
                    format!(
                        "#[versioned(embedded)]: `{}` changes in version {v}, and no version comes before {v} for older documents to have; a change takes effect in a version after theirs",
                        field.ident,
                        v = lit.version,
                    ),
                );
            }
        }
    }
}

/// The planned history keeps the rules `SchemaBuilder::build` checks,
/// checked here by the same code, so the generated schema is built with
/// no check at run time. The rules above make every planned history keep
/// them; a history that does not is a bug of this crate, reported rather
/// than expanded into a schema that would break them.
fn check_planned_history(cx: &mut Ctxt, history: &History<'_>) {
    let steps: Vec<StepEnds<'_>> = history
        .steps
        .iter()
        .map(|step| StepEnds {
            from: &step.from,
            to: &step.to,
            preserves: step.ops.iter().any(|op| match op {
                PlannedOp::Preserve { .. } => true,
                PlannedOp::Moves(op) => crate::moves::keeps(op),
                _ => false,
            }),
        })
        .collect();
    let outline = Outline {
        legacy: &history.legacy,
        current: &history.current,
        key: &history.key,
        metadata: history.metadata.as_ref(),
        steps: &steps,
    };
    if let Err(error) = history::check_history(&outline) {
        cx.error_at(
            Container::attr_span(),
            format!("#[versioned] planned a history that breaks its rules ({error}); this is a bug of palimpsest, please report it"),
        );
    }
}

/// Every version literal the attributes name, with what named it.
fn all_versions<'a>(cont: &'a Container<'a>) -> Vec<&'a VersionLit> {
    let args = &cont.args;
    let mut lits: Vec<&VersionLit> = [&args.since, &args.version, &args.legacy]
        .into_iter()
        .flatten()
        .collect();
    for step in &args.steps {
        lits.extend(step.from.iter().chain(step.to.iter()));
    }
    lits.extend(args.snapshots.iter().map(|s| &s.version));
    lits.extend(args.moves.versions());
    for field in &cont.fields {
        lits.extend(field_versions(field));
    }
    lits
}

pub fn field_versions<'a>(field: &'a Field<'a>) -> impl Iterator<Item = &'a VersionLit> {
    let attrs = &field.attrs;
    attrs
        .renamed
        .iter()
        .map(|r| &r.since)
        .chain(attrs.removed.iter().map(|r| &r.version))
        .chain(attrs.added.iter().map(|a| &a.version))
        .chain(attrs.convert.versions())
        .chain(attrs.moves.versions())
}

/// `#[versioned]` must stand above `#[derive(Serialize, Deserialize)]`, which
/// it takes over. rustc runs a derive written above an attribute macro on
/// the item as written and hands the macro the item without that derive,
/// so from here "below #[derive]" and "no derive at all" look the same:
/// both get one message naming both causes.
pub fn check_derives(cx: &mut Ctxt, derives: &Derives<'_>, ident: &syn::Ident) {
    if derives.serialize || derives.deserialize {
        return;
    }
    if derives.attrs.is_empty() {
        cx.error_at(
            Container::attr_span(),
            format!(
                "#[versioned] found no #[derive(Serialize, Deserialize)] below it on `{ident}`; it must stand above serde's derives, which it takes over (written below #[derive], it comes too late: the derive has already run)",
            ),
        );
    } else {
        for attr in &derives.attrs {
            cx.error_spanned_by(
                attr,
                format!(
                    "#[versioned]: `{ident}` derives neither Serialize nor Deserialize; add serde's derives here for #[versioned] to take over",
                ),
            );
        }
    }
}

/// `since` names the first versioned schema and is required.
fn check_since_present<'a>(cx: &mut Ctxt, cont: &'a Container<'a>) -> Option<&'a VersionLit> {
    if cont.args.is_missing("since") {
        cx.error_at(
            Container::attr_span(),
            "#[versioned]: missing `since`, the first versioned schema, e.g. #[versioned(since = \"0.1.0\")]",
        );
    }
    cont.args.since.as_ref()
}

/// A type spells all its versions one way: semver strings or integers.
/// `decided_by` names what fixed the scheme, for the message.
/// The scheme of an embedded type's versions, which its first version
/// literal decides (an embedded type has no `since` of its own); every
/// other literal of the other scheme is an error. `None` without any.
pub fn check_scheme_of_first<'a, I>(
    cx: &mut Ctxt,
    ident: &syn::Ident,
    lits: impl Fn() -> I,
) -> Option<Scheme>
where
    I: Iterator<Item = &'a VersionLit>,
{
    let first = lits().next()?;
    let scheme = first.version.scheme();
    let decided_by = format!("the first version of `{ident}`, {},", first.text());
    check_one_scheme(cx, lits(), scheme, &decided_by);
    Some(scheme)
}

pub fn check_one_scheme<'a>(
    cx: &mut Ctxt,
    lits: impl IntoIterator<Item = &'a VersionLit>,
    scheme: Scheme,
    decided_by: &str,
) {
    for lit in lits {
        if lit.version.scheme() != scheme {
            cx.error_at(
                lit.span,
                format!(
                    "#[versioned]: version {} is {}, but {decided_by} makes this type's versions {}; do not mix semver and integer versions",
                    lit.version,
                    lit.version.scheme().describe(),
                    scheme.describe()
                ),
            );
        }
    }
}

/// Every version comes after the legacy version of unversioned documents.
fn check_after_legacy(cx: &mut Ctxt, cont: &Container<'_>, legacy: &Version) {
    // A step may start at the legacy version, and a snapshot may describe
    // it; nothing else may name it.
    let may_be_legacy: Vec<&VersionLit> = cont
        .args
        .steps
        .iter()
        .filter_map(|s| s.from.as_ref())
        .chain(cont.args.snapshots.iter().map(|s| &s.version))
        .collect();
    for lit in all_versions(cont) {
        let is_legacy_itself = cont
            .args
            .legacy
            .as_ref()
            .is_some_and(|l| std::ptr::eq(l, lit));
        let may_be = may_be_legacy.iter().any(|f| std::ptr::eq(*f, lit));
        if is_legacy_itself
            || lit.version.scheme() != legacy.scheme()
            || (may_be && lit.version == *legacy)
        {
            continue;
        }
        if let Err(error) = history::check_after_legacy(&lit.version, legacy) {
            cx.error_at(lit.span, format!("#[versioned]: {error}"));
        }
    }
}

/// Field attributes name versions from `since` on: before it documents
/// carried no version to tell them apart.
fn check_not_before_since(cx: &mut Ctxt, cont: &Container<'_>, since: &Version) {
    for field in &cont.fields {
        for lit in field_versions(field) {
            if lit.version.scheme() == since.scheme() && lit.version < *since {
                cx.error_at(
                    lit.span,
                    format!(
                        "#[versioned]: version {} of `{}` is before `since = {since}`, the first versioned schema",
                        lit.version, field.ident
                    ),
                );
            }
        }
    }
}

/// No version may exceed an explicit `version`, the current one.
fn check_not_after_version(cx: &mut Ctxt, cont: &Container<'_>) {
    let Some(current) = &cont.args.version else {
        return;
    };
    for lit in all_versions(cont) {
        if lit.version.scheme() != current.version.scheme() {
            continue;
        }
        if let Err(error) = history::check_not_after_current(&lit.version, &current.version) {
            cx.error_at(lit.span, format!("#[versioned]: {error} (`version = ...`)"));
        }
    }
}

/// A removed field's value goes into the metadata object, unless `drop`
/// says to drop it: nothing is lost silently.
fn check_removed_is_kept(cx: &mut Ctxt, cont: &Container<'_>) {
    if cont.args.metadata.is_some() {
        return;
    }
    for field in &cont.fields {
        if let Some(removed) = &field.attrs.removed {
            if !removed.drop {
                cx.error_spanned_by(
                    removed.attr,
                    format!(
                        "#[removed_in({v})]: `{name}` would be lost: set `metadata = \"...\"` on #[versioned] to keep it as `{kept}`, or write #[removed_in({v}, drop)] to drop it",
                        v = removed.version.text(),
                        name = field.ident,
                        kept = legacy_key(&field.serde_name),
                    ),
                );
            }
        }
    }
}

/// An added field needs a default for the documents written before it.
fn check_added_has_default(cx: &mut Ctxt, cont: &Container<'_>) {
    for field in &cont.fields {
        if let Some(added) = &field.attrs.added {
            if !field.has_default(&cont.serde) {
                cx.error_spanned_by(
                    added.attr,
                    format!(
                        "#[added_in({})]: `{}` has no default for documents older than it; add #[serde(default)] or #[serde(default = \"path\")]",
                        added.version.text(),
                        field.ident
                    ),
                );
            }
        }
    }
}

/// A field is removed after it was added.
fn check_removed_after_added(cx: &mut Ctxt, cont: &Container<'_>) {
    for field in &cont.fields {
        if let (Some(added), Some(removed)) = (&field.attrs.added, &field.attrs.removed) {
            if removed.version.version <= added.version.version {
                cx.error_at(
                    removed.version.span,
                    format!(
                        "#[removed_in({})]: `{}` is removed in {} but only added in {}; the removal comes after the addition",
                        removed.version.text(),
                        field.ident,
                        removed.version.version,
                        added.version.version
                    ),
                );
            }
        }
    }
}

/// A rename names another name, while the field exists, and no two fields
/// claim one old name in one version.
fn check_renames(cx: &mut Ctxt, cont: &Container<'_>) {
    let mut claimed: BTreeMap<(String, Version), &syn::Ident> = BTreeMap::new();
    for field in &cont.fields {
        let mut seen_versions = BTreeSet::new();
        for renamed in &field.attrs.renamed {
            let old = renamed.old.value();
            if old == field.serde_name {
                let derived = if field.serde.rename_de.is_some() {
                    " (after `rename`)"
                } else if cont.serde.rename_all_de.is_some() {
                    " (after `rename_all`)"
                } else {
                    ""
                };
                cx.error_spanned_by(
                    &renamed.old,
                    format!(
                        "#[renamed_from({old:?}, ...)]: {old:?} is the current serde name of `{}`{derived}; name the key older documents carry",
                        field.ident
                    ),
                );
            }
            if !seen_versions.insert(renamed.since.version.clone()) {
                cx.error_at(
                    renamed.since.span,
                    format!(
                        "#[renamed_from]: `{}` is renamed twice in version {}; one rename per version",
                        field.ident, renamed.since.version
                    ),
                );
            }
            if let Some(added) = &field.attrs.added {
                if renamed.since.version <= added.version.version {
                    cx.error_at(
                        renamed.since.span,
                        format!(
                            "#[renamed_from]: `{}` is renamed in {} but only added in {}; a rename comes after the field exists",
                            field.ident, renamed.since.version, added.version.version
                        ),
                    );
                }
            }
            if let Some(removed) = &field.attrs.removed {
                if renamed.since.version >= removed.version.version {
                    cx.error_at(
                        renamed.since.span,
                        format!(
                            "#[renamed_from]: `{}` is renamed in {} but already removed in {}; a rename comes before the removal",
                            field.ident, renamed.since.version, removed.version.version
                        ),
                    );
                }
            }
            let claim = (old.clone(), renamed.since.version.clone());
            if let Some(other) = claimed.get(&claim) {
                cx.error_spanned_by(
                    &renamed.old,
                    format!(
                        "#[renamed_from]: `{}` and `{}` both claim the old name {old:?} in version {}; one old key becomes one field",
                        other, field.ident, renamed.since.version
                    ),
                );
            } else {
                claimed.insert(claim, field.ident);
            }
        }
    }
}

/// Reading newer documents keeps what this build does not know in the
/// metadata object, so it needs one.
fn check_newer_has_metadata(cx: &mut Ctxt, cont: &Container<'_>) {
    let Some(lit) = &cont.args.newer else {
        return;
    };
    if lit.value() == "read" && cont.args.metadata.is_none() {
        cx.error_spanned_by(
            lit,
            format!(
                "#[versioned]: `newer = \"read\"` keeps the version and the keys of a newer document in the metadata object, but `{}` has none: set `metadata = \"...\"`",
                cont.ident()
            ),
        );
    }
}

/// The metadata object lives inside a field of the struct.
fn check_metadata_path(cx: &mut Ctxt, cont: &Container<'_>) -> Option<ObjectPath> {
    let lit = cont.args.metadata.as_ref()?;
    let path = match history::parse_metadata_path(&lit.value()) {
        Ok(path) => path,
        Err(error) => {
            cx.error_spanned_by(lit, format!("#[versioned]: {error}"));
            return None;
        }
    };
    let root = path.root();
    let has_field = cont.current_fields().any(|f| f.serde_name == root);
    if !has_field && !cont.fields.iter().any(|f| f.serde.flatten) {
        let names: Vec<String> = cont
            .current_fields()
            .map(|f| format!("`{}`", f.serde_name))
            .collect();
        cx.error_spanned_by(
            lit,
            format!(
                "#[versioned]: metadata path \"{path}\" starts at `{root}`, which is not a field of `{}` (fields: {})",
                cont.ident(),
                names.join(", ")
            ),
        );
    }
    Some(path)
}

/// A deserialized field owns its data. An old document is migrated as an
/// owned JSON tree before it becomes the struct, so a field borrowing from
/// the input (serde borrows `&str` and `&[u8]` by itself, anything else
/// with `#[serde(borrow)]`) could not be read from it.
fn check_no_borrowing(cx: &mut Ctxt, cont: &Container<'_>) {
    if !cont.derives.deserialize {
        return;
    }
    const ADVICE: &str = "old documents are migrated in an owned tree before they become the struct, so nothing can borrow from the input; use an owned type such as `String`, or `Cow<'a, str>` without #[serde(borrow)]";
    for field in cont.current_fields() {
        if let Some(borrow) = &field.serde.borrow {
            cx.error_spanned_by(
                borrow,
                format!(
                    "#[versioned] does not support #[serde(borrow)] on `{}`: {ADVICE}",
                    field.ident
                ),
            );
        } else if let syn::Type::Reference(reference) = &field.original.ty {
            if !field.serde.skip_de {
                cx.error_spanned_by(
                    reference,
                    format!(
                        "#[versioned] does not support borrowed fields such as `{}`: {ADVICE}",
                        field.ident
                    ),
                );
            }
        }
    }
}

/// The version key is a key of its own.
fn check_key(cx: &mut Ctxt, cont: &Container<'_>) -> String {
    let key = cont
        .args
        .key
        .as_ref()
        .map_or_else(|| DEFAULT_KEY.to_owned(), syn::LitStr::value);
    let span = cont
        .args
        .key
        .as_ref()
        .map_or_else(Container::attr_span, syn::LitStr::span);
    if let Err(error) = history::check_key(&key) {
        cx.error_at(span, format!("#[versioned]: {error}"));
    }
    if let Some(field) = cont.current_fields().find(|f| f.serde_name == key) {
        cx.error_spanned_by(
            field.ident,
            format!("#[versioned]: field `{}` has the name of the version key {key:?}; the version is written by #[versioned], not by a field (rename the field, or choose another `key = \"...\"`)", field.ident),
        );
    }
    key
}

/// Every version of the history, oldest first.
fn versions(cont: &Container<'_>, legacy: &Version) -> Vec<Version> {
    let mut set = BTreeSet::new();
    set.insert(legacy.clone());
    let args = &cont.args;
    for lit in [&args.since, &args.version].into_iter().flatten() {
        set.insert(lit.version.clone());
    }
    for step in &args.steps {
        set.extend(step.to.iter().map(|t| t.version.clone()));
    }
    for field in &cont.fields {
        set.extend(field_versions(field).map(|l| l.version.clone()));
    }
    set.extend(args.moves.versions().map(|l| l.version.clone()));
    set.into_iter().collect()
}

/// Field attributes that take effect in `version`.
fn has_field_ops(cont: &Container<'_>, version: &Version) -> bool {
    cont.fields
        .iter()
        .any(|f| field_versions(f).any(|l| l.version == *version))
        || cont.args.moves.versions().any(|l| l.version == *version)
}

/// A hand-written step goes from a version of the history to the next one,
/// and says how it combines with what the field attributes generate there.
fn check_steps(
    cx: &mut Ctxt,
    cont: &Container<'_>,
    versions: &[Version],
    legacy: &Version,
    current: &Version,
) {
    // Steps missing an end were reported when the attribute was read.
    let written: Vec<(&StepArg, &VersionLit, &VersionLit)> = cont
        .args
        .steps
        .iter()
        .filter_map(|step| Some((step, step.from.as_ref()?, step.to.as_ref()?)))
        .collect();
    let ends: Vec<StepEnds<'_>> = written
        .iter()
        .map(|(_, from, to)| StepEnds {
            from: &from.version,
            to: &to.version,
            preserves: false,
        })
        .collect();
    for (index, (step, from, to)) in written.iter().enumerate() {
        let rules = history::check_step(index, &ends[index], legacy, current)
            .and_then(|()| history::check_next(index, &ends[index], versions))
            .and_then(|()| history::check_unique(&ends, index));
        if let Err(error) = rules {
            let span = match error {
                DefinitionError::UnknownFrom { .. }
                | DefinitionError::StartsBeforeLegacy { .. } => from.span,
                DefinitionError::Duplicate { .. } => step.span,
                _ => to.span,
            };
            let duplicate = matches!(error, DefinitionError::Duplicate { .. });
            cx.error_at(span, format!("#[versioned]: {error}"));
            if !duplicate {
                continue;
            }
        }
        if has_field_ops(cont, &to.version) && step.combine.is_none() {
            cx.error_at(
                step.span,
                format!(
                    "#[versioned]: step from {} to {} runs beside the step the field attributes generate for {}; say how they combine with `combine = \"before\"`, `\"after\"` or `\"replace\"`",
                    from.version, to.version, to.version
                ),
            );
        }
    }
}

/// A snapshot names an old version of the history, once.
fn check_snapshots(cx: &mut Ctxt, cont: &Container<'_>, versions: &[Version]) {
    let current = versions.last();
    let mut names = BTreeSet::new();
    for snapshot in &cont.args.snapshots {
        let version = &snapshot.version;
        if versions.binary_search(&version.version).is_err() {
            let known: Vec<String> = versions.iter().map(ToString::to_string).collect();
            cx.error_at(
                version.span,
                format!(
                    "#[versioned]: snapshot of version {}: unknown version; the history names {}",
                    version.version,
                    known.join(", ")
                ),
            );
        } else if Some(&version.version) == current {
            cx.error_at(
                version.span,
                format!(
                    "snapshot of version {}: that is the current version, `{}` itself",
                    version.version,
                    cont.ident()
                ),
            );
        }
        if !names.insert(snapshot.name.to_string()) {
            cx.error_spanned_by(
                &snapshot.name,
                format!("#[versioned]: two snapshots named `{}`", snapshot.name),
            );
        }
    }
}

/// Whether `field` exists in documents of `version`.
pub fn exists_at(field: &Field<'_>, version: &Version) -> bool {
    let added_later = matches!(&field.attrs.added, Some(a) if a.version.version > *version);
    let removed_by_then = matches!(&field.attrs.removed, Some(r) if r.version.version <= *version);
    // Before a move, its value stands at another path, in another object.
    let moved_in_later = field
        .attrs
        .moves
        .moved
        .iter()
        .any(|m| m.since.version > *version);
    !added_later && !removed_by_then && !moved_in_later
}

fn plan_steps<'a>(cont: &'a Container<'a>, versions: &[Version]) -> Vec<PlannedStep<'a>> {
    versions
        .windows(2)
        .map(|pair| {
            let (from, to) = (&pair[0], &pair[1]);
            let field_ops = ops_into(cont, to);
            let hand = cont.args.steps.iter().find(|s| {
                s.from.as_ref().is_some_and(|f| f.version == *from)
                    && s.to.as_ref().is_some_and(|t| t.version == *to)
            });
            let ops = match hand {
                None => field_ops,
                Some(step) => {
                    let custom = step.with.iter().map(|with| PlannedOp::Custom {
                        with,
                        back: step.back.as_ref(),
                    });
                    match step.combine.map(|(c, _)| c) {
                        Some(Combine::Before) => custom.chain(field_ops).collect(),
                        Some(Combine::Replace) => custom.collect(),
                        Some(Combine::After) | None => {
                            field_ops.into_iter().chain(custom).collect()
                        }
                    }
                }
            };
            PlannedStep {
                from: from.clone(),
                to: to.clone(),
                ops,
            }
        })
        .collect()
}

/// What the field attributes do in the step into `version`. Removals
/// first, so a rename may reuse a name a removed field freed; then
/// renames, then conversions, on the value under its name in `version`;
/// additions last, so a default never shadows a renamed value.
fn ops_into<'a>(cont: &'a Container<'a>, version: &Version) -> Vec<PlannedOp<'a>> {
    let mut ops = Vec::new();
    for field in &cont.fields {
        if let Some(removed) = field
            .attrs
            .removed
            .as_ref()
            .filter(|r| r.version.version == *version)
        {
            let name = name_at(field, version);
            ops.push(if removed.drop {
                PlannedOp::Drop { name, field }
            } else {
                PlannedOp::Preserve { name, field }
            });
        }
    }
    for field in &cont.fields {
        for renamed in field
            .attrs
            .renamed
            .iter()
            .filter(|r| r.since.version == *version)
        {
            let (old, new) = (renamed.old.value(), name_at(field, version));
            ops.push(match renamed.conflict {
                None => PlannedOp::Rename { old, new },
                conflict => PlannedOp::Moves(crate::moves::PlannedMove::Move {
                    from: old,
                    to: new,
                    conflict,
                }),
            });
        }
    }
    // Then moves, so a value arrives at its new path before anything else
    // of the version acts on it (conversions, then values set outright).
    let moves = crate::moves::moves_into(cont, version);
    ops.extend(moves.into_iter().map(PlannedOp::Moves));
    for field in &cont.fields {
        for conversion in field
            .attrs
            .convert
            .list
            .iter()
            .filter(|c| c.since.version == *version)
        {
            ops.push(PlannedOp::Convert {
                name: name_at(field, version),
                conversion,
            });
        }
    }
    // Values set outright come after conversions: a set value is already
    // of the field's current type.
    let sets = crate::moves::sets_into(cont, version);
    ops.extend(sets.into_iter().map(PlannedOp::Moves));
    for field in &cont.fields {
        if field
            .attrs
            .added
            .as_ref()
            .is_some_and(|a| a.version.version == *version)
        {
            ops.push(PlannedOp::Add {
                field,
                name: name_at(field, version),
            });
        }
    }
    // Declared drops last: what they drop is where every other change left it.
    let drops = crate::moves::drops_into(cont, version).into_iter();
    ops.extend(drops.map(PlannedOp::Moves));
    ops
}

/// The name a field has in documents of `version`: the old name of the
/// first rename after it, or its serde name.
pub fn name_at(field: &Field<'_>, version: &Version) -> String {
    field
        .attrs
        .renamed
        .iter()
        .filter(|r| r.since.version > *version)
        .min_by(|a, b| a.since.version.cmp(&b.since.version))
        .map_or_else(|| field.serde_name.clone(), |r| r.old.value())
}
