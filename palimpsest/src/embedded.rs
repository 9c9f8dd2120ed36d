//! Embedded types: structs used inside a versioned type, whose field
//! attributes are dated in the versions of the root document that holds
//! them, and which write no version of their own.
//!
//! `#[versioned(embedded)]` gives such a type an [`EmbeddedHistory`]: its
//! changes by version, and where its own embedded fields are. A root finds
//! its embedded types by itself, from its field types: the macro emits one
//! [`Probe`] per field, and autoref specialization picks the
//! [`ProbeEmbedded`] method for a type that [`Embeds`] one (an embedded type,
//! or a `Vec`, `Option`, `Box`, map ... of one, at any depth) and the no-op
//! [`ProbePlain`] method for any other. The root's schema assembles what the
//! probes found once, in [`Nested::assemble`]: the versions the embedded
//! types name join the root's history, and a mismatch becomes an
//! [`Error::Definition`] every read returns.
//!
//! At run time the tree engine walks the document at every step and applies
//! the changes of the step's versions to each embedded object it finds
//! ([`Schema::apply_nested`], undone by [`Schema::undo_nested`]); the
//! streaming reader (`de::scope`) applies the same changes, with the same
//! code ([`Walk`]), while it reads.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::Error;
use crate::migrate::Report;
use crate::schema::{History, Schema, TypedStep};
use crate::step::{rename_key, Applied, Object, Op, OpError, Step};
use crate::version::Version;
use crate::vocab::history::{check_after_legacy, check_not_after_current};

/// A struct whose field attributes are dated in its root's versions:
/// what `#[versioned(embedded)]` implements.
pub trait Embedded: Sized {
    /// The type's changes by version, and where its embedded fields are.
    fn history() -> &'static EmbeddedHistory;

    /// Deserializes an object already at the current version: the type's
    /// own serde derive, with no migration. `#[versioned(embedded)]`
    /// overrides the default wherever the type derives `Deserialize`,
    /// whose impl is then the one that migrates.
    ///
    /// # Errors
    ///
    /// Whatever the deserializer reports.
    fn deserialize_current<'de, D>(deserializer: D) -> Result<Self, D::Error>
    where
        D: Deserializer<'de>,
        Self: Deserialize<'de>,
    {
        Self::deserialize(deserializer)
    }
}

/// A type that holds embedded types: one itself, or a container of one.
/// Each impl adds to the path where the embedded type is found: `[]` for
/// the elements of a sequence, `{}` for the values of a map, nothing for a
/// pointer or an `Option`.
pub trait Embeds {
    /// Records in `shape` the embedded types found at `at`.
    fn probe(shape: &mut Shape, at: Pattern);
}

/// Where one field's value is searched for embedded objects: the names the
/// field is read under, then the containers down to the embedded type.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// The field's serde name first, then the other names it is read
    /// under (aliases, old names).
    names: &'static [&'static str],
    below: Vec<Segment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Segment {
    /// Every element of an array.
    Elements,
    /// Every value of an object.
    Values,
}

impl Pattern {
    fn below(mut self, segment: Segment) -> Self {
        self.below.push(segment);
        self
    }

    /// `steps[]`, `by_name{}`: the field's current name and the containers.
    fn write(&self, out: &mut String) {
        out.push_str(self.names.first().copied().unwrap_or_default());
        for segment in &self.below {
            out.push_str(match segment {
                Segment::Elements => "[]",
                Segment::Values => "{}",
            });
        }
    }
}

/// The embedded types the fields of one type hold, as its probes found them.
#[derive(Default, Debug)]
pub struct Shape {
    sites: Vec<Site>,
}

impl Shape {
    /// Records that an embedded `E` stands at `at`.
    pub fn site<E: Embedded>(&mut self, at: Pattern) {
        self.sites.push(Site {
            at,
            history: E::history,
        });
    }

    fn of(fields: fn(&mut Shape)) -> Vec<Site> {
        let mut shape = Shape::default();
        fields(&mut shape);
        shape.sites
    }
}

/// An embedded type and where it stands, relative to the object holding
/// the field. The history is reached through its function, not built here:
/// a type may hold itself (a tree of steps), and its history is built only
/// when first asked for.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    at: Pattern,
    history: fn() -> &'static EmbeddedHistory,
}

impl Site {
    /// Whether the field is read under `key`.
    pub(crate) fn reads(&self, key: &str) -> bool {
        self.at.names.contains(&key)
    }

    pub(crate) fn history(&self) -> &'static EmbeddedHistory {
        (self.history)()
    }

    /// The report path of the site below an object at `parent`.
    pub(crate) fn path(&self, parent: &str) -> String {
        let mut path = String::with_capacity(parent.len() + 16);
        if !parent.is_empty() {
            path.push_str(parent);
            path.push('.');
        }
        self.at.write(&mut path);
        path
    }
}

/// The field's type, for autoref specialization: `(&&Probe::<T>::new())
/// .probe(..)` resolves to [`ProbeEmbedded`] when `T: Embeds`, and to the
/// no-op [`ProbePlain`] for any other `T`.
pub struct Probe<T>(PhantomData<fn() -> T>);

impl<T> Probe<T> {
    /// A probe of `T`.
    #[must_use]
    pub const fn new() -> Self {
        Probe(PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Probe::new()
    }
}

/// The probe of a type that holds embedded types.
pub trait ProbeEmbedded {
    /// Records the embedded types of a field read under `names`.
    fn probe(&self, shape: &mut Shape, names: &'static [&'static str]);
}

impl<T: Embeds> ProbeEmbedded for &Probe<T> {
    fn probe(&self, shape: &mut Shape, names: &'static [&'static str]) {
        T::probe(
            shape,
            Pattern {
                names,
                below: Vec::new(),
            },
        );
    }
}

/// The probe of any other type: it holds no embedded type.
pub trait ProbePlain {
    /// Does nothing.
    fn probe(&self, shape: &mut Shape, names: &'static [&'static str]);
}

impl<T> ProbePlain for Probe<T> {
    fn probe(&self, _: &mut Shape, _: &'static [&'static str]) {}
}

macro_rules! forward {
    ($segment:expr => $($container:ty),* $(,)?) => {
        $(
            impl<T: Embeds> Embeds for $container {
                fn probe(shape: &mut Shape, at: Pattern) {
                    let at = match $segment {
                        Some(segment) => at.below(segment),
                        None => at,
                    };
                    T::probe(shape, at)
                }
            }
        )*
    };
}

forward!(Some(Segment::Elements) => Vec<T>, VecDeque<T>, BTreeSet<T>, HashSet<T>);
forward!(None::<Segment> => Option<T>, Box<T>, Rc<T>, Arc<T>);

impl<T: Embeds, const N: usize> Embeds for [T; N] {
    fn probe(shape: &mut Shape, at: Pattern) {
        T::probe(shape, at.below(Segment::Elements));
    }
}

impl<K, V: Embeds> Embeds for BTreeMap<K, V> {
    fn probe(shape: &mut Shape, at: Pattern) {
        V::probe(shape, at.below(Segment::Values));
    }
}

impl<K, V: Embeds, S> Embeds for HashMap<K, V, S> {
    fn probe(shape: &mut Shape, at: Pattern) {
        V::probe(shape, at.below(Segment::Values));
    }
}

/// The history of an embedded type: its changes by the version they take
/// effect in, and where its own embedded fields are.
pub struct EmbeddedHistory {
    type_name: &'static str,
    /// Oldest first; each version once.
    changes: Vec<(Version, Vec<Op>)>,
    sites: Vec<Site>,
    /// Keys its changes read, move or create: what its streaming reader
    /// captures.
    touched: BTreeSet<String>,
    /// Every version with a change in this type or in one it holds, at any
    /// depth: found on first use, since a type may hold itself.
    reach: OnceLock<BTreeSet<Version>>,
}

impl std::fmt::Debug for EmbeddedHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let versions: Vec<&Version> = self.changes.iter().map(|(v, _)| v).collect();
        f.debug_struct("EmbeddedHistory")
            .field("type_name", &self.type_name)
            .field("versions", &versions)
            .field("sites", &self.sites)
            .finish_non_exhaustive()
    }
}

impl EmbeddedHistory {
    /// The type's name, as errors show it.
    pub(crate) fn type_name(&self) -> &'static str {
        self.type_name
    }

    pub(crate) fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// Whether a change may read, move or create `key`.
    pub(crate) fn touches(&self, key: &str) -> bool {
        self.touched.contains(key)
    }

    fn ops_at(&self, version: &Version) -> &[Op] {
        self.changes
            .binary_search_by(|(v, _)| v.cmp(version))
            .map_or(&[], |index| &self.changes[index].1)
    }

    /// Whether this type, or one it holds at any depth, changes after
    /// `from`: if not, an object of it at `from` is already current.
    pub(crate) fn changes_after(&'static self, from: &Version) -> bool {
        self.reach()
            .range::<Version, _>((std::ops::Bound::Excluded(from), std::ops::Bound::Unbounded))
            .next()
            .is_some()
    }

    fn changes_at(&'static self, version: &Version) -> bool {
        self.reach().contains(version)
    }

    fn reach(&'static self) -> &'static BTreeSet<Version> {
        self.reach.get_or_init(|| {
            let mut versions = BTreeSet::new();
            for history in reachable(self) {
                versions.extend(history.changes.iter().map(|(v, _)| v.clone()));
            }
            versions
        })
    }
}

/// Every history reachable from `start` through the sites, `start` first,
/// each once.
fn reachable(start: &'static EmbeddedHistory) -> Vec<&'static EmbeddedHistory> {
    let mut seen = vec![start];
    let mut index = 0;
    while let Some(history) = seen.get(index).copied() {
        for site in &history.sites {
            let next = site.history();
            if !seen.iter().any(|h| std::ptr::eq(*h, next)) {
                seen.push(next);
            }
        }
        index += 1;
    }
    seen
}

/// Builds an [`EmbeddedHistory`] from what the macro checked: the history
/// of a `#[versioned(embedded)]` type.
#[must_use]
pub struct EmbeddedChecked(EmbeddedHistory);

impl EmbeddedChecked {
    /// The history of `type_name`, with no change yet.
    pub fn new(type_name: &'static str) -> Self {
        EmbeddedChecked(EmbeddedHistory {
            type_name,
            changes: Vec::new(),
            sites: Vec::new(),
            touched: BTreeSet::new(),
            reach: OnceLock::new(),
        })
    }

    /// The changes that take effect in `version`; versions come oldest first.
    pub fn change(mut self, version: Version, ops: Step) -> Self {
        for op in &ops.ops {
            match op {
                Op::Rename { old, new } => {
                    self.0.touched.insert(old.clone());
                    self.0.touched.insert(new.clone());
                }
                Op::Preserve { field } | Op::Drop { field } | Op::Default { field, .. } => {
                    self.0.touched.insert(field.clone());
                }
                // The macro writes no hand step into an embedded history.
                Op::Custom(_) => {}
            }
        }
        self.0.changes.push((version, ops.ops));
        self
    }

    /// The probes of the type's fields.
    pub fn fields(mut self, fields: fn(&mut Shape)) -> Self {
        self.0.sites = Shape::of(fields);
        self
    }

    /// The history.
    pub fn build(self) -> EmbeddedHistory {
        self.0
    }
}

/// What a root's schema knows of the embedded types its fields hold.
#[derive(Debug)]
pub(crate) struct Nested {
    sites: Vec<Site>,
    /// Every version with a change in an embedded type, oldest first.
    versions: BTreeSet<Version>,
    /// Why the definition is inconsistent, if it is: every read fails with it.
    broken: Option<String>,
}

/// What the root's attributes tell the assembly of its embedded types.
pub(crate) struct RootOutline {
    /// The root's first versioned schema: nothing may change before it.
    pub(crate) since: Version,
    /// Whether the root's current version is given explicitly: then a
    /// newer embedded version is a mistake, else it raises the current one.
    pub(crate) explicit_version: bool,
    pub(crate) fields: fn(&mut Shape),
}

impl Nested {
    /// Finds the embedded types of a root from its probes, checks the
    /// versions they name against the root's history, and joins them into
    /// it. `None` when the root holds no embedded type.
    pub(crate) fn assemble(history: &mut History, outline: &RootOutline) -> Option<Nested> {
        let sites = Shape::of(outline.fields);
        if sites.is_empty() {
            return None;
        }
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
        let mut versions = BTreeSet::new();
        let mut broken = None;
        'check: for (embedded, path) in &found {
            for (version, _) in &embedded.changes {
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
            versions,
            broken,
        })
    }

    /// The field read under `key` if it holds embedded types.
    pub(crate) fn site(&self, key: &str) -> Option<&Site> {
        self.sites.iter().find(|site| site.reads(key))
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

/// The report path (`steps[]`) and the exact path (`steps[3]`) of the
/// embedded object a traversal is at.
struct Cursor {
    pattern: String,
    exact: String,
}

/// A traversal of the embedded objects of a document at one version:
/// what it does to each object, the descent from site to site is shared.
trait Visit {
    type Error;

    fn cursor(&mut self) -> &mut Cursor;

    fn version(&self) -> &Version;

    /// Visits one embedded object, and the ones it holds through
    /// [`visit_sites`].
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), Self::Error>;
}

/// Visits the embedded objects the sites find in `object`, wherever the
/// fields that hold them are read under any of their names.
fn visit_sites<V: Visit>(visit: &mut V, object: &mut Object, sites: &[Site]) -> Result<(), V::Error> {
    for site in sites {
        let history = site.history();
        if !history.changes_at(visit.version()) {
            continue;
        }
        for name in site.at.names {
            let Some(value) = object.get_mut(*name) else {
                continue;
            };
            let cursor = visit.cursor();
            let (pattern, exact) = (cursor.pattern.len(), cursor.exact.len());
            push_key(&mut cursor.pattern, site.at.names[0]);
            push_key(&mut cursor.exact, name);
            let result = visit_value(visit, value, &site.at.below, history);
            let cursor = visit.cursor();
            cursor.pattern.truncate(pattern);
            cursor.exact.truncate(exact);
            result?;
        }
    }
    Ok(())
}

fn visit_value<V: Visit>(
    visit: &mut V,
    value: &mut Value,
    below: &[Segment],
    history: &'static EmbeddedHistory,
) -> Result<(), V::Error> {
    let Some((segment, rest)) = below.split_first() else {
        // Anything else than an object is left to serde, which says what it
        // expected.
        return match value {
            Value::Object(object) => visit.object(object, history),
            _ => Ok(()),
        };
    };
    let pattern = visit.cursor().pattern.len();
    let mut result = Ok(());
    match (segment, value) {
        (Segment::Elements, Value::Array(items)) => {
            visit.cursor().pattern.push_str("[]");
            for (index, item) in items.iter_mut().enumerate() {
                let exact = visit.cursor().exact.len();
                let _ = write!(visit.cursor().exact, "[{index}]");
                result = visit_value(visit, item, rest, history);
                visit.cursor().exact.truncate(exact);
                if result.is_err() {
                    break;
                }
            }
        }
        (Segment::Values, Value::Object(map)) => {
            visit.cursor().pattern.push_str("{}");
            for (key, item) in map.iter_mut() {
                let exact = visit.cursor().exact.len();
                push_key(&mut visit.cursor().exact, key);
                result = visit_value(visit, item, rest, history);
                visit.cursor().exact.truncate(exact);
                if result.is_err() {
                    break;
                }
            }
        }
        _ => {}
    }
    visit.cursor().pattern.truncate(pattern);
    result
}

/// One pass over a document at one version: applies the changes of that
/// version to every embedded object found, recording what it did with the
/// objects' report paths (`steps[].tokens`) and placing errors at their
/// exact paths (`steps[3].thought`).
pub(crate) struct Walk<'a> {
    version: &'a Version,
    applied: &'a mut Applied,
    /// What one object's operations did, before it gets its path.
    scratch: Applied,
    cursor: Cursor,
}

impl<'a> Walk<'a> {
    /// A walk at `version` starting at an object whose report path and
    /// exact path are `at` (empty for the root document).
    pub(crate) fn new(version: &'a Version, at: &str, applied: &'a mut Applied) -> Self {
        Walk {
            version,
            applied,
            scratch: Applied::default(),
            cursor: Cursor {
                pattern: at.to_owned(),
                exact: at.to_owned(),
            },
        }
    }

    /// An operation's error, with the exact paths of the keys it names.
    fn place(&self, error: OpError) -> OpError {
        match error {
            OpError::Conflict { old, new } => OpError::Conflict {
                old: joined(&self.cursor.exact, &old),
                new: joined(&self.cursor.exact, &new),
            },
            other => other,
        }
    }
}

impl Visit for Walk<'_> {
    type Error = OpError;

    fn cursor(&mut self) -> &mut Cursor {
        &mut self.cursor
    }

    fn version(&self) -> &Version {
        self.version
    }

    /// The object's own changes of the walk's version, then the embedded
    /// objects it holds.
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), OpError> {
        for op in history.ops_at(self.version) {
            op.apply(object, None, &mut self.scratch)
                .map_err(|error| self.place(error))?;
            let scratch = std::mem::take(&mut self.scratch);
            let at = &self.cursor.pattern;
            record(&mut self.applied.dropped, at, scratch.dropped);
            record(&mut self.applied.defaulted, at, scratch.defaulted);
            record(&mut self.applied.preserved, at, scratch.preserved);
        }
        visit_sites(self, object, &history.sites)
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn joined(path: &str, key: &str) -> String {
    let mut joined = path.to_owned();
    push_key(&mut joined, key);
    joined
}

/// Adds `<at>.<field>` for each field to `list`, once each: every object
/// of a path records the same entries, so most are listed already, and
/// none is built then.
fn record(list: &mut Vec<String>, at: &str, fields: Vec<String>) {
    for field in fields {
        if !list.iter().any(|path| is_joined(path, at, &field)) {
            list.push(joined(at, &field));
        }
    }
}

/// Whether `path` is `joined(at, key)`.
fn is_joined(path: &str, at: &str, key: &str) -> bool {
    if at.is_empty() {
        return path == key;
    }
    path.len() == at.len() + 1 + key.len()
        && path.starts_with(at)
        && path.ends_with(key)
        && path.as_bytes()[at.len()] == b'.'
}

/// One step undone on the embedded objects of a document.
struct Undo<'a> {
    schema: &'a Schema,
    older: &'a Version,
    newer: &'a Version,
    version: &'a Version,
    report: &'a mut Report,
    cursor: Cursor,
}

impl Undo<'_> {
    fn op(&mut self, op: &Op, object: &mut Object) -> Result<(), Error> {
        let exact = &self.cursor.exact;
        let irreversible = |reason: String| Error::Irreversible {
            type_name: self.schema.type_name,
            from: self.newer.clone(),
            to: self.older.clone(),
            reason,
        };
        match op {
            Op::Rename { old, new } => {
                rename_key(object, new, old).map_err(|_| Error::Conflict {
                    type_name: self.schema.type_name,
                    from: self.newer.clone(),
                    to: self.older.clone(),
                    old: joined(exact, new),
                    new: joined(exact, old),
                })?;
            }
            Op::Default { field, .. } => {
                if object.remove(field).is_some() {
                    let at = &self.cursor.pattern;
                    record(&mut self.report.dropped, at, vec![field.clone()]);
                }
            }
            Op::Drop { field } => {
                return Err(irreversible(format!(
                    "`{}` was dropped in {}; its value is gone",
                    joined(exact, field),
                    self.version
                )))
            }
            Op::Preserve { field } => {
                return Err(irreversible(format!(
                    "`{}` was removed in {}, and removed values of embedded types are not kept yet",
                    joined(exact, field),
                    self.version
                )))
            }
            Op::Custom(_) => {}
        }
        Ok(())
    }
}

impl Visit for Undo<'_> {
    type Error = Error;

    fn cursor(&mut self) -> &mut Cursor {
        &mut self.cursor
    }

    fn version(&self) -> &Version {
        self.version
    }

    /// The embedded objects held first, then the object's own changes in
    /// reverse: the exact inverse of `Walk::object`.
    fn object(&mut self, object: &mut Object, history: &'static EmbeddedHistory) -> Result<(), Error> {
        visit_sites(self, object, &history.sites)?;
        for op in history.ops_at(self.version).iter().rev() {
            self.op(op, object)?;
        }
        Ok(())
    }
}

/// The versions with embedded changes a step from `from` to `to` goes
/// through, oldest first.
fn versions_between<'n>(
    nested: &'n Nested,
    from: &Version,
    to: &Version,
) -> impl DoubleEndedIterator<Item = &'n Version> {
    use std::ops::Bound::{Excluded, Included};
    let range = if from < to {
        Some(nested.versions.range::<Version, _>((Excluded(from), Included(to))))
    } else {
        None
    };
    range.into_iter().flatten()
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

    /// Applies the changes of embedded types that a step from `from` to
    /// `to` goes through, after the root's own operations of the step.
    pub(crate) fn apply_nested(
        &self,
        document: &mut Object,
        from: &Version,
        to: &Version,
        applied: &mut Applied,
    ) -> Result<(), OpError> {
        let Some(nested) = &self.nested else {
            return Ok(());
        };
        for version in versions_between(nested, from, to) {
            visit_sites(&mut Walk::new(version, "", applied), document, &nested.sites)?;
        }
        Ok(())
    }

    /// Undoes what [`Schema::apply_nested`] did for a step from `older` to
    /// `newer`, before the root's own operations of the step are undone.
    pub(crate) fn undo_nested(
        &self,
        document: &mut Object,
        older: &Version,
        newer: &Version,
        report: &mut Report,
    ) -> Result<(), Error> {
        let Some(nested) = &self.nested else {
            return Ok(());
        };
        for version in versions_between(nested, older, newer).rev() {
            let mut undo = Undo {
                schema: self,
                older,
                newer,
                version,
                report,
                cursor: Cursor {
                    pattern: String::new(),
                    exact: String::new(),
                },
            };
            visit_sites(&mut undo, document, &nested.sites)?;
        }
        Ok(())
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
        self.normalize_report(report);
    }
}

/// What an embedded object read while streaming must go through: the
/// version of the document it is in, the root's schema, and where what
/// its reader does is recorded.
pub(crate) struct Migration {
    pub(crate) from: Version,
    pub(crate) root: &'static Schema,
    /// The report paths of what the embedded readers did, and the typed
    /// error of the first that failed.
    pub(crate) sink: Rc<Sink>,
}

/// Where the embedded readers of one root read record what they did.
#[derive(Default)]
pub(crate) struct Sink {
    pub(crate) applied: RefCell<Applied>,
    error: Cell<Option<Error>>,
}

impl Sink {
    /// Keeps the typed error of a failed embedded reader: the first one,
    /// which stopped the read.
    pub(crate) fn fail(&self, error: Error) {
        let first = self.error.take().unwrap_or(error);
        self.error.set(Some(first));
    }

    pub(crate) fn take_error(&self) -> Option<Error> {
        self.error.take()
    }
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink").finish_non_exhaustive()
    }
}

impl Migration {
    /// Applies to an object captured by an embedded reader the changes of
    /// every version after the document's, up to the root's current one.
    pub(crate) fn migrate(
        &self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
        at: &str,
    ) -> Result<(), Error> {
        let Some(nested) = &self.root.nested else {
            return Ok(());
        };
        let mut applied = self.sink.applied.borrow_mut();
        for version in versions_between(nested, &self.from, self.root.current()) {
            // The step of the root's history into `version`, as the tree
            // engine names it in an error.
            let previous = self
                .root
                .versions()
                .iter()
                .take_while(|v| *v < version)
                .last()
                .unwrap_or(&self.from);
            Walk::new(version, at, &mut applied)
                .object(object, history)
                .map_err(|error| self.root.op_error(error, previous, version))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
                    }],
                })
                .collect(),
            claims: None,
            key_is_field: false,
            check: None,
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
        assert_eq!(check_embedded_version(&h, &outline(false), &v("0.3.0")), Ok(()));
        let err = check_embedded_version(&h, &outline(true), &v("0.3.0")).unwrap_err();
        assert_eq!(err, "version 0.3.0 is after the current version 0.2.0 (`version = ...` on `T`)");
        let err = check_embedded_version(&h, &outline(false), &v("0.1.0")).unwrap_err();
        assert!(err.contains("before 0.2.0, the first versioned schema"), "{err}");
        let err = check_embedded_version(&h, &outline(false), &v("0.0.1")).unwrap_err();
        assert!(err.contains("not after the legacy version"), "{err}");
        let err = check_embedded_version(&h, &outline(false), &Version::integer(3)).unwrap_err();
        assert!(err.contains("is an integer"), "{err}");
    }

    #[test]
    fn report_paths_are_listed_once() {
        let mut list = vec!["steps[].tokens".to_owned()];
        record(&mut list, "steps[]", vec!["tokens".into(), "ok".into()]);
        record(&mut list, "", vec!["top".into(), "top".into()]);
        assert_eq!(list, ["steps[].tokens", "steps[].ok", "top"]);
        assert!(is_joined("a.b", "a", "b"));
        assert!(!is_joined("ab.", "a", "b"));
        assert!(!is_joined("a.bc", "a", "b"));
    }

    #[test]
    fn patterns_print_the_current_name_and_the_containers() {
        let site = Site {
            at: Pattern {
                names: &["steps", "actions"],
                below: vec![Segment::Elements, Segment::Values],
            },
            history: || unreachable!("not resolved to print"),
        };
        assert_eq!(site.path(""), "steps[]{}");
        assert_eq!(site.path("run"), "run.steps[]{}");
    }
}
