//! A root's embedded types, assembled once into its schema: found from
//! its probes, checked against its history, and their versions joined
//! into it.

use std::collections::{BTreeSet, VecDeque};

use super::{EmbeddedHistory, RootOutline, Shape, Site};
use crate::error::Error;
use crate::migrate::Report;
use crate::schema::{History, Schema, TypedStep};
use crate::step::Applied;
use crate::version::Version;
use crate::vocab::history::{check_after_legacy, check_not_after_current};
use crate::vocab::names::LEGACY_NESTED;

/// What a root's schema knows of the embedded types its fields hold.
#[derive(Debug)]
pub(crate) struct Nested {
    pub(super) sites: Vec<Site>,
    /// Every version with a change in an embedded type, oldest first,
    /// each once: a sorted list, which a document's range is a slice of.
    versions: Vec<Version>,
    /// Why the definition is inconsistent, if it is: every read fails with it.
    broken: Option<String>,
    /// `<metadata>.legacy_nested`, when the root has a metadata path:
    /// where the values of removed fields and the keys no field claims in
    /// an embedded object of a migrated document are kept, each under its
    /// path in the document.
    pub(super) kept_at: Option<String>,
}

impl Nested {
    /// Finds the embedded types of a root from its probes, checks the
    /// versions they name against the root's history, and joins them into
    /// it. `None` when the root holds no embedded type.
    pub(crate) fn assemble(history: &mut History, outline: &RootOutline) -> Option<Nested> {
        Nested::assemble_sites(history, outline, Shape::of(outline.fields))
    }

    /// As [`Nested::assemble`], with the sites already found: those of an
    /// [`EmbeddedSchema`](super::EmbeddedSchema), whose outline has no probes.
    pub(crate) fn assemble_sites(
        history: &mut History,
        outline: &RootOutline,
        mut sites: Vec<Site>,
    ) -> Option<Nested> {
        if sites.is_empty() {
            return None;
        }
        let changes = history.steps.iter().map(|s| (&s.to, s.ops.as_slice()));
        super::mark_reshaped(&mut sites, changes);
        let mut found: Vec<(&'static EmbeddedHistory, String)> = Vec::new();
        let mut queue: VecDeque<(&'static EmbeddedHistory, String)> = sites
            .iter()
            .map(|site| (site.history(), site.path("")))
            .collect();
        while let Some((embedded, path)) = queue.pop_front() {
            if found.iter().any(|(h, _)| std::ptr::eq(*h, embedded)) {
                continue;
            }
            queue.extend(
                embedded
                    .sites
                    .iter()
                    .map(|site| (site.history(), site.path(&path))),
            );
            found.push((embedded, path));
        }
        let kept_at = history
            .metadata
            .as_ref()
            .map(|path| format!("{path}.{LEGACY_NESTED}"));
        let keeps = kept_at.is_some();
        let mut versions = BTreeSet::new();
        let mut broken = None;
        'check: for (embedded, path) in &found {
            if let Some((what, instead)) = embedded.keeper().filter(|_| !keeps) {
                broken = Some(format!(
                    "embedded type `{}` at `{path}` keeps {what}, but `{}` has no metadata path to keep it in: set `metadata = \"...\"` on it, or {instead}",
                    embedded.type_name, history.type_name
                ));
                break;
            }
            for version in embedded.own_versions() {
                if let Err(reason) = check_embedded_version(history, outline, version) {
                    broken = Some(format!(
                        "embedded type `{}` at `{path}`: {reason}",
                        embedded.type_name
                    ));
                    break 'check;
                }
                versions.insert(version.clone());
            }
        }
        if broken.is_none() {
            broken = join_versions(history, &versions).err();
        }
        Some(Nested {
            sites,
            versions: versions.into_iter().collect(),
            broken,
            kept_at,
        })
    }

    /// The field read under `key` if it holds embedded types.
    pub(crate) fn site(&self, key: &str) -> Option<&Site> {
        self.sites.iter().find(|site| site.reads(key))
    }

    /// Whether the document itself is a value of an embedded enum (a
    /// top-level enum): it is read whole, never streamed.
    pub(crate) fn whole(&self) -> bool {
        self.sites.iter().any(Site::is_whole)
    }

    /// Why the definition is inconsistent, if it is.
    pub(crate) fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// Whether values of embedded objects are kept in the root's metadata.
    pub(crate) fn keeps(&self) -> bool {
        self.kept_at.is_some()
    }

    /// The versions with embedded changes a step from `from` to `to` goes
    /// through, oldest first.
    pub(super) fn versions_between(&self, from: &Version, to: &Version) -> &[Version] {
        let start = self.versions.partition_point(|version| version <= from);
        let end = self.versions.partition_point(|version| version <= to);
        self.versions.get(start..end).unwrap_or_default()
    }
}

/// A version an embedded type names is of its root's scheme, after the
/// root's legacy version and from its `since` on, and not after an
/// explicit current version.
fn check_embedded_version(
    history: &History,
    outline: &RootOutline,
    version: &Version,
) -> Result<(), String> {
    let scheme = history.current.scheme();
    if version.scheme() != scheme {
        return Err(format!(
            "version {version} is {}, but `{}` has versions that are {}",
            version.scheme().describe(),
            history.type_name,
            scheme.describe()
        ));
    }
    check_after_legacy(version, &history.legacy).map_err(|e| e.to_string())?;
    if *version < outline.since {
        return Err(format!(
            "version {version} is before {}, the first versioned schema of `{}` (`since`)",
            outline.since, history.type_name
        ));
    }
    if outline.explicit_version {
        check_not_after_current(version, &history.current)
            .map_err(|e| format!("{e} (`version = ...` on `{}`)", history.type_name))?;
    }
    Ok(())
}

/// Joins versions into a root's history: a version inside a step splits
/// it (the root's own operations run in the second half, into the step's
/// end), a version after the current one becomes the current one.
fn join_versions(history: &mut History, versions: &BTreeSet<Version>) -> Result<(), String> {
    for version in versions {
        let named = *version == history.legacy
            || *version == history.current
            || history
                .steps
                .iter()
                .any(|s| s.from == *version || s.to == *version);
        if named {
            continue;
        }
        if *version > history.current {
            history.steps.push(TypedStep {
                from: history.current.clone(),
                to: version.clone(),
                ops: Vec::new(),
            });
            history.current = version.clone();
            continue;
        }
        let Some(index) = history
            .steps
            .iter()
            .position(|s| s.from < *version && *version < s.to)
        else {
            return Err(format!(
                "version {version} of an embedded type falls in no step of `{}`",
                history.type_name
            ));
        };
        let from = history.steps[index].from.clone();
        history.steps[index].from = version.clone();
        history.steps.insert(
            index,
            TypedStep {
                from,
                to: version.clone(),
                ops: Vec::new(),
            },
        );
    }
    Ok(())
}

impl Schema {
    /// The inconsistency of the root's embedded types with its history, as
    /// the error every read of it returns.
    pub(crate) fn check_nested(&self) -> Result<(), Error> {
        match self.nested.as_ref().and_then(|n| n.broken.as_ref()) {
            None => Ok(()),
            Some(message) => Err(Error::Definition {
                type_name: self.type_name,
                message: message.clone(),
            }),
        }
    }

    /// Whether a top-level key holds embedded types: a migration may
    /// change what is below it.
    pub(crate) fn nests_at(&self, key: &str) -> bool {
        self.nested.as_ref().is_some_and(|n| n.site(key).is_some())
    }

    /// With embedded types, the report's lists are sorted and each path is
    /// listed once: an operation of an embedded type is listed by the
    /// report path of its objects (`steps[].tokens`), however many there
    /// are, and the reader that streams them lists it in the same place.
    pub(crate) fn normalize_report(&self, report: &mut Report) {
        if self.nested.is_none() {
            return;
        }
        for list in [
            &mut report.preserved,
            &mut report.dropped,
            &mut report.defaulted,
            &mut report.renamed,
            &mut report.moved,
            &mut report.declared,
            &mut report.converted,
        ] {
            list.sort();
            list.dedup();
        }
    }

    /// The report paths embedded readers recorded while streaming, added to
    /// the report of the root's migration.
    pub(crate) fn merge_nested(&self, report: &mut Report, streamed: Applied) {
        report.preserved.extend(streamed.preserved);
        report.dropped.extend(streamed.dropped);
        report.defaulted.extend(streamed.defaulted);
        report.renamed.extend(streamed.renamed);
        report.moved.extend(streamed.moved);
        report.declared.extend(streamed.declared);
        report.converted.extend(streamed.converted);
        self.normalize_report(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::step::Op;
    use crate::version::Scheme;

    fn v(text: &str) -> Version {
        Scheme::Semver.parse(text).unwrap()
    }

    fn history(steps: &[(&str, &str)], current: &str) -> History {
        History {
            type_name: "T",
            current: v(current),
            legacy: v("0.0.1"),
            key: "schema_version",
            metadata: None,
            steps: steps
                .iter()
                .map(|(from, to)| TypedStep {
                    from: v(from),
                    to: v(to),
                    ops: vec![Op::Drop {
                        field: format!("into {to}"),
                        default: None,
                    }],
                })
                .collect(),
            claims: None,
            key_is_field: false,
            check: None,
            unversioned: Vec::new(),
        }
    }

    fn ends(history: &History) -> Vec<(String, String, usize)> {
        history
            .steps
            .iter()
            .map(|s| (s.from.to_string(), s.to.to_string(), s.ops.len()))
            .collect()
    }

    #[test]
    fn a_version_inside_a_step_splits_it_before_the_root_operations() {
        let mut h = history(&[("0.0.1", "0.1.0"), ("0.1.0", "0.3.0")], "0.3.0");
        join_versions(&mut h, &[v("0.2.0"), v("0.3.0")].into()).unwrap();
        assert_eq!(
            ends(&h),
            [
                ("0.0.1".into(), "0.1.0".into(), 1),
                ("0.1.0".into(), "0.2.0".into(), 0),
                ("0.2.0".into(), "0.3.0".into(), 1),
            ]
        );
        assert_eq!(h.current, v("0.3.0"));
    }

    #[test]
    fn a_version_after_the_current_one_becomes_current() {
        let mut h = history(&[("0.0.1", "0.1.0")], "0.1.0");
        join_versions(&mut h, &[v("0.2.0"), v("0.4.0")].into()).unwrap();
        assert_eq!(h.current, v("0.4.0"));
        assert_eq!(
            ends(&h)[1..],
            [
                ("0.1.0".into(), "0.2.0".into(), 0),
                ("0.2.0".into(), "0.4.0".into(), 0),
            ]
        );
    }

    #[test]
    fn embedded_versions_are_checked_against_the_root() {
        let h = history(&[("0.0.1", "0.2.0")], "0.2.0");
        let outline = |explicit_version| RootOutline {
            since: v("0.2.0"),
            explicit_version,
            fields: |_| {},
        };
        assert_eq!(
            check_embedded_version(&h, &outline(false), &v("0.3.0")),
            Ok(())
        );
        let err = check_embedded_version(&h, &outline(true), &v("0.3.0")).unwrap_err();
        assert_eq!(
            err,
            "version 0.3.0 is after the current version 0.2.0 (`version = ...` on `T`)"
        );
        let err = check_embedded_version(&h, &outline(false), &v("0.1.0")).unwrap_err();
        assert!(
            err.contains("before 0.2.0, the first versioned schema"),
            "{err}"
        );
        let err = check_embedded_version(&h, &outline(false), &v("0.0.1")).unwrap_err();
        assert!(err.contains("not after the legacy version"), "{err}");
        let err = check_embedded_version(&h, &outline(false), &Version::integer(3)).unwrap_err();
        assert!(err.contains("is an integer"), "{err}");
    }
}
