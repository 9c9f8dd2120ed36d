//! The rules a versioned struct must follow, one function each, and the
//! history (versions and steps) they leave behind for the expansion.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::{Container, Field};
use crate::attr::Combine;
use crate::ctxt::Ctxt;
use crate::version::{Scheme, Version, VersionLit};

/// The checked history of a struct: what the expansion turns into a schema.
pub struct History<'a> {
    pub scheme: Scheme,
    pub legacy: Version,
    pub current: Version,
    pub key: String,
    pub metadata: Option<String>,
    pub steps: Vec<PlannedStep<'a>>,
}

pub struct PlannedStep<'a> {
    pub from: Version,
    pub to: Version,
    pub ops: Vec<PlannedOp<'a>>,
}

pub enum PlannedOp<'a> {
    Preserve(String),
    Drop(String),
    Rename { old: String, new: String },
    Add { field: &'a Field<'a>, name: String },
    Custom(&'a syn::Path),
}

pub fn validate<'a>(cx: &mut Ctxt, cont: &'a Container<'a>) -> Option<History<'a>> {
    check_derives(cx, cont);
    let since = check_since_present(cx, cont)?;
    let scheme = since.version.scheme();
    check_one_scheme(cx, cont, scheme);
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
    check_metadata_path(cx, cont);
    let key = check_key(cx, cont);
    if cx.has_errors() {
        return None;
    }
    let versions = versions(cont, &legacy);
    check_steps(cx, cont, &versions);
    check_snapshots(cx, cont, &versions);
    if cx.has_errors() {
        return None;
    }
    let current = versions
        .last()
        .cloned()
        .unwrap_or_else(|| since.version.clone());
    let steps = plan_steps(cont, &versions);
    Some(History {
        scheme,
        legacy,
        current,
        key,
        metadata: cont.args.metadata.as_ref().map(syn::LitStr::value),
        steps,
    })
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
    for field in &cont.fields {
        lits.extend(field_versions(field));
    }
    lits
}

fn field_versions<'a>(field: &'a Field<'a>) -> impl Iterator<Item = &'a VersionLit> {
    let attrs = &field.attrs;
    attrs
        .renamed
        .iter()
        .map(|r| &r.since)
        .chain(attrs.removed.iter().map(|r| &r.version))
        .chain(attrs.added.iter().map(|a| &a.version))
}

/// `#[versioned]` must stand above `#[derive(Serialize, Deserialize)]`, which
/// it takes over; below it, serde's derives would already have run.
fn check_derives(cx: &mut Ctxt, cont: &Container<'_>) {
    if !cont.derives.serialize && !cont.derives.deserialize {
        cx.error_at(
            Container::attr_span(),
            format!(
                "#[versioned] must stand above #[derive(Serialize, Deserialize)] on `{}`: it found no serde derive to take over (is the attribute below #[derive]?)",
                cont.ident()
            ),
        );
    }
}

/// `since` names the first versioned schema and is required.
fn check_since_present<'a>(cx: &mut Ctxt, cont: &'a Container<'a>) -> Option<&'a VersionLit> {
    if cont.args.since.is_none() {
        cx.error_at(
            Container::attr_span(),
            "#[versioned]: missing `since`, the first versioned schema, e.g. #[versioned(since = \"0.1.0\")]",
        );
    }
    cont.args.since.as_ref()
}

/// A type spells all its versions one way: semver strings or integers.
fn check_one_scheme(cx: &mut Ctxt, cont: &Container<'_>, scheme: Scheme) {
    for lit in all_versions(cont) {
        if lit.version.scheme() != scheme {
            cx.error_at(
                lit.span,
                format!(
                    "version {} is {}, but `since` makes this type's versions {}; do not mix semver and integer versions",
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
    let step_froms: Vec<&VersionLit> = cont
        .args
        .steps
        .iter()
        .filter_map(|s| s.from.as_ref())
        .collect();
    for lit in all_versions(cont) {
        let is_legacy_itself = cont
            .args
            .legacy
            .as_ref()
            .is_some_and(|l| std::ptr::eq(l, lit));
        // A step may start at the legacy version; nothing else may name it.
        let is_step_from = step_froms.iter().any(|f| std::ptr::eq(*f, lit));
        if is_legacy_itself
            || lit.version.scheme() != legacy.scheme()
            || (is_step_from && lit.version == *legacy)
        {
            continue;
        }
        if lit.version <= *legacy {
            cx.error_at(
                lit.span,
                format!(
                    "version {} is not after the legacy version {legacy} given to documents without a version key",
                    lit.version
                ),
            );
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
                        "version {} of `{}` is before `since = {since}`, the first versioned schema",
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
        if lit.version.scheme() == current.version.scheme() && lit.version > current.version {
            cx.error_at(
                lit.span,
                format!(
                    "version {} is after the struct's current version {} (`version = ...`)",
                    lit.version, current.version
                ),
            );
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
                cx.error_at(
                    removed.attr,
                    format!(
                        "#[removed_in({v})]: `{name}` would be lost: set `metadata = \"...\"` on #[versioned] to keep it as `legacy_{serde}`, or write #[removed_in({v}, drop)] to drop it",
                        v = lit_text(&removed.version),
                        name = field.ident,
                        serde = field.serde_name,
                    ),
                );
            }
        }
    }
}

fn lit_text(lit: &VersionLit) -> String {
    match &lit.version {
        Version::Semver(v) => format!("\"{v}\""),
        Version::Integer(n) => n.to_string(),
    }
}

/// An added field needs a default for the documents written before it.
fn check_added_has_default(cx: &mut Ctxt, cont: &Container<'_>) {
    for field in &cont.fields {
        if let Some(added) = &field.attrs.added {
            if !field.has_default(&cont.serde) {
                cx.error_at(
                    added.attr,
                    format!(
                        "#[added_in({})]: `{}` has no default for documents older than it; add #[serde(default)] or #[serde(default = \"path\")]",
                        lit_text(&added.version),
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
                        "#[removed_in({})]: `{}` is removed no later than it is added ({})",
                        lit_text(&removed.version),
                        field.ident,
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
                cx.error_spanned_by(
                    &renamed.old,
                    format!(
                        "#[renamed_from({old:?}, ...)]: that is already the name of `{}`",
                        field.ident
                    ),
                );
            }
            if !seen_versions.insert(renamed.since.version.clone()) {
                cx.error_at(
                    renamed.since.span,
                    format!(
                        "`{}` is renamed twice in version {}",
                        field.ident, renamed.since.version
                    ),
                );
            }
            if let Some(added) = &field.attrs.added {
                if renamed.since.version <= added.version.version {
                    cx.error_at(
                        renamed.since.span,
                        format!(
                            "`{}` is renamed in {} but only added in {}",
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
                            "`{}` is renamed in {} but already removed in {}",
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
                        "`{}` and `{}` both claim the old name {old:?} in version {}",
                        other, field.ident, renamed.since.version
                    ),
                );
            } else {
                claimed.insert(claim, field.ident);
            }
        }
    }
}

/// The metadata object lives inside a field of the struct.
fn check_metadata_path(cx: &mut Ctxt, cont: &Container<'_>) {
    let Some(lit) = &cont.args.metadata else {
        return;
    };
    let path = lit.value();
    if path.is_empty() || path.split('.').any(str::is_empty) {
        cx.error_spanned_by(lit, format!("metadata path {path:?} is malformed; expected dotted field names such as \"context.metadata\""));
        return;
    }
    let first = path.split('.').next().unwrap_or_default();
    let has_field = cont.current_fields().any(|f| f.serde_name == first);
    if !has_field && !cont.fields.iter().any(|f| f.serde.flatten) {
        let names: Vec<String> = cont
            .current_fields()
            .map(|f| format!("`{}`", f.serde_name))
            .collect();
        cx.error_spanned_by(
            lit,
            format!(
                "metadata path {path:?} starts at `{first}`, which is not a field of `{}` (fields: {})",
                cont.ident(),
                names.join(", ")
            ),
        );
    }
}

/// The version key is a key of its own.
fn check_key(cx: &mut Ctxt, cont: &Container<'_>) -> String {
    let key = cont
        .args
        .key
        .as_ref()
        .map_or_else(|| "schema_version".to_owned(), syn::LitStr::value);
    let span = cont
        .args
        .key
        .as_ref()
        .map_or_else(Container::attr_span, syn::LitStr::span);
    if key.is_empty() {
        cx.error_at(span, "the version key must not be empty");
    }
    if let Some(field) = cont.current_fields().find(|f| f.serde_name == key) {
        cx.error_spanned_by(
            field.ident,
            format!("field `{}` has the name of the version key {key:?}; the version is written by #[versioned], not by a field", field.ident),
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
    set.into_iter().collect()
}

/// Field attributes that take effect in `version`.
fn has_field_ops(cont: &Container<'_>, version: &Version) -> bool {
    cont.fields
        .iter()
        .any(|f| field_versions(f).any(|l| l.version == *version))
}

/// A hand-written step goes from a version of the history to the next one,
/// and says how it combines with what the field attributes generate there.
fn check_steps(cx: &mut Ctxt, cont: &Container<'_>, versions: &[Version]) {
    let mut seen: BTreeSet<(Version, Version)> = BTreeSet::new();
    for step in &cont.args.steps {
        let (Some(from), Some(to)) = (&step.from, &step.to) else {
            continue;
        };
        if from.version >= to.version {
            cx.error_at(
                to.span,
                format!(
                    "step from {} to {} does not go forward",
                    from.version, to.version
                ),
            );
            continue;
        }
        let Ok(index) = versions.binary_search(&from.version) else {
            let known: Vec<String> = versions.iter().map(ToString::to_string).collect();
            cx.error_at(
                from.span,
                format!(
                    "step from {}: unknown version; the history names {}",
                    from.version,
                    known.join(", ")
                ),
            );
            continue;
        };
        if versions.get(index + 1) != Some(&to.version) {
            let next = &versions[index + 1];
            cx.error_at(
                to.span,
                format!(
                    "step from {} to {} skips version {next}; steps go from one version to the next",
                    from.version, to.version
                ),
            );
            continue;
        }
        if !seen.insert((from.version.clone(), to.version.clone())) {
            cx.error_at(
                step.span,
                format!("two steps from {} to {}", from.version, to.version),
            );
        }
        if has_field_ops(cont, &to.version) && step.combine.is_none() {
            cx.error_at(
                step.span,
                format!(
                    "step from {} to {} runs beside the step the field attributes generate for {}; say how they combine with `combine = \"before\"`, `\"after\"` or `\"replace\"`",
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
                    "snapshot of version {}: unknown version; the history names {}",
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
                format!("two snapshots named `{}`", snapshot.name),
            );
        }
    }
}

/// Whether `field` exists in documents of `version`.
pub fn exists_at(field: &Field<'_>, version: &Version) -> bool {
    let added = field
        .attrs
        .added
        .as_ref()
        .map_or(true, |a| a.version.version <= *version);
    let not_removed = field
        .attrs
        .removed
        .as_ref()
        .map_or(true, |r| r.version.version > *version);
    added && not_removed
}

fn plan_steps<'a>(cont: &'a Container<'a>, versions: &[Version]) -> Vec<PlannedStep<'a>> {
    versions
        .windows(2)
        .map(|pair| {
            let (from, to) = (&pair[0], &pair[1]);
            let mut field_ops = Vec::new();
            // Removals first, so a rename may reuse a name a removed field freed;
            // additions last, so a default never shadows a renamed value.
            for field in &cont.fields {
                if let Some(removed) = field
                    .attrs
                    .removed
                    .as_ref()
                    .filter(|r| r.version.version == *to)
                {
                    let name = name_at(field, to);
                    field_ops.push(if removed.drop {
                        PlannedOp::Drop(name)
                    } else {
                        PlannedOp::Preserve(name)
                    });
                }
            }
            for field in &cont.fields {
                for renamed in field
                    .attrs
                    .renamed
                    .iter()
                    .filter(|r| r.since.version == *to)
                {
                    field_ops.push(PlannedOp::Rename {
                        old: renamed.old.value(),
                        new: name_at(field, to),
                    });
                }
            }
            for field in &cont.fields {
                if field
                    .attrs
                    .added
                    .as_ref()
                    .is_some_and(|a| a.version.version == *to)
                {
                    field_ops.push(PlannedOp::Add {
                        field,
                        name: name_at(field, to),
                    });
                }
            }
            let hand = cont.args.steps.iter().find(|s| {
                s.from.as_ref().is_some_and(|f| f.version == *from)
                    && s.to.as_ref().is_some_and(|t| t.version == *to)
            });
            let ops = match hand {
                None => field_ops,
                Some(step) => {
                    let custom = step.with.iter().map(PlannedOp::Custom);
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
