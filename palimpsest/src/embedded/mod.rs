//! Embedded types: structs and enums used inside a versioned type, whose field
//! attributes are dated in the versions of the root document that holds
//! them, and which write no version of their own.
//!
//! `#[versioned(embedded)]` gives such a type an [`EmbeddedHistory`]: its
//! changes by version, and where its own embedded fields are. A root finds
//! its embedded types by itself, from its field types: the macro emits one
//! [`Probe`] per field, and autoref specialization picks the
//! [`ProbeEmbedded`] method for a type that [`Embeds`] one (an embedded type,
//! or a `Vec`, `Option`, `Box`, map ... of one, at any depth) and the no-op
//! [`ProbePlain`] method for any other.
//!
//! - `nested`: the root's schema assembles what its probes found, once:
//!   the versions the embedded types name join the root's history, and a
//!   mismatch becomes the `Error::Definition` every read returns.
//! - `walk`: at run time the tree engine walks the document at every step
//!   and applies the changes of the step's versions to each embedded object
//!   it finds, or undoes them; the streaming reader (`de::scope`) applies
//!   the same changes, with the same code, to what it captured.

mod keys;
mod nested;
pub(crate) mod runtime;
mod tuple;
mod unclaimed;
mod variants;
mod walk;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer};

use crate::de::renamed::{embedded_refusal, HeldBack, RenamedFields};
use crate::ops::convert::Reshape;
use crate::ops::moves::MoveOp;
use crate::step::{Op, Step};
use crate::version::Version;

pub(crate) use keys::{same_key, Handling, KeyPlan, KeyTable, TakeOut};
pub(crate) use nested::Nested;
pub use runtime::EmbeddedSchema;
pub use tuple::{ForwardEmbedded, ForwardPlain};
use variants::Variants;
pub(crate) use variants::{Tagging, VariantOp};
pub(crate) use walk::{Cursor, Mark, Migration, Sink};

/// A struct whose field attributes, or an enum whose variant attributes,
/// are dated in its root's versions: what `#[versioned(embedded)]`
/// implements.
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
/// pointer, and a mark no path shows for an `Option`.
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
    /// The value, unless it is `null`.
    Optional,
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
                Segment::Optional => "",
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
            history: Resolve::Lazy(E::history),
            reshaped: Vec::new(),
        });
    }

    /// Records that the payload of the variant read under `names` is an
    /// object whose fields change as `history` says: a struct variant.
    pub fn variant(
        &mut self,
        names: &'static [&'static str],
        history: fn() -> &'static EmbeddedHistory,
    ) {
        self.sites.push(Site {
            at: Pattern {
                names,
                below: Vec::new(),
            },
            history: Resolve::Lazy(history),
            reshaped: Vec::new(),
        });
    }

    /// Records that the whole document is a value of the enum `history`
    /// describes: a top-level versioned enum, whose object carries the
    /// version beside its tag.
    pub fn whole(&mut self, history: fn() -> &'static EmbeddedHistory) {
        self.variant(&[], history);
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
    history: Resolve,
    /// The versions in which the type holding the field wraps or unwraps
    /// its value, oldest first: before them, the value has another shape.
    reshaped: Vec<(Version, Reshape)>,
}

impl Site {
    /// Whether the site is the whole document, not a field of it.
    pub(crate) fn is_whole(&self) -> bool {
        self.at.names.is_empty()
    }

    /// Whether the field's value is the type itself, in every version: no
    /// container, no `Option`, no wrap or unwrap.
    pub(crate) fn holds_directly(&self) -> bool {
        self.at.below.is_empty() && self.reshaped.is_empty()
    }

    /// Whether the field is read under `key`.
    pub(crate) fn reads(&self, key: &str) -> bool {
        self.at.names.contains(&key)
    }

    #[inline]
    pub(crate) fn history(&self) -> &'static EmbeddedHistory {
        match self.history {
            Resolve::Lazy(history) => history(),
            Resolve::Built(history) => history,
        }
    }

    /// The containers below the field in a document whose changes of
    /// `version` are being applied or undone (`None`: at the current
    /// version): the current ones, with each wrap or unwrap after
    /// `version` undone. Before a wrap the value is one element, not a
    /// list of them; before an unwrap, a list of one.
    fn below_at(&self, version: Option<&Version>) -> Cow<'_, [Segment]> {
        let pending = |(since, _): &&(Version, Reshape)| version.is_some_and(|v| since > v);
        if !self.reshaped.iter().any(|r| pending(&r)) {
            return Cow::Borrowed(&self.at.below);
        }
        let mut below = self.at.below.clone();
        for (_, reshape) in self.reshaped.iter().rev().filter(pending) {
            match reshape {
                Reshape::Wrap => {
                    // An `Option` of the list: `null` wraps into `[]`.
                    let first = below.iter().position(|s| *s != Segment::Optional);
                    if let Some(index) = first.filter(|&i| below[i] == Segment::Elements) {
                        below.remove(index);
                    }
                }
                Reshape::Unwrap => below.insert(0, Segment::Elements),
            }
        }
        Cow::Owned(below)
    }

    /// How an object read while streaming learns its exact path: counted
    /// among the elements of the field's array, or the field's own; `None`
    /// where neither says it (nested arrays, map values, optional
    /// elements), and the field is migrated as a tree.
    pub(crate) fn counted(&self) -> Option<Counted> {
        match self.at.below.as_slice() {
            [] | [Segment::Optional] => Some(Counted::Field),
            [Segment::Elements] => Some(Counted::Element),
            _ => None,
        }
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

/// How a site reaches its history.
#[derive(Clone, Copy, Debug)]
enum Resolve {
    /// A `#[versioned(embedded)]` type's, built on first use.
    Lazy(fn() -> &'static EmbeddedHistory),
    /// An [`EmbeddedSchema`]'s, built with its root's schema.
    Built(&'static EmbeddedHistory),
}

/// Where an object read while streaming stands in its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counted {
    /// The field's value itself.
    Field,
    /// The next element of the field's array.
    Element,
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

forward!(Some(Segment::Elements) => Vec<T>, VecDeque<T>, BTreeSet<T>);
forward!(Some(Segment::Optional) => Option<T>);
forward!(None::<Segment> => Box<T>, Rc<T>, Arc<T>);

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

impl<T: Embeds, S> Embeds for HashSet<T, S> {
    fn probe(shape: &mut Shape, at: Pattern) {
        T::probe(shape, at.below(Segment::Elements));
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
    /// An enum: its representation and the changes of its variants. Its
    /// sites are those of its variants' payloads, read under the variants'
    /// names.
    variants: Option<Variants>,
    /// A positional tuple struct: written as an array, its changes name
    /// positions (`tuple.rs`).
    positional: bool,
    /// The keys its fields read; `None` when a flattened field reads any.
    /// Others are kept in the root's metadata when a document migrates.
    claims: Option<BTreeSet<&'static str>>,
    /// `#[serde(deny_unknown_fields)]`: its struct refuses a key it does
    /// not read, so such keys must be kept before the struct sees them.
    denies_unknown: bool,
    /// Every version with a change in this type or in one it holds, at any
    /// depth: found on first use, since a type may hold itself.
    reach: OnceLock<BTreeSet<Version>>,
    /// The names of its renamed fields: read as current, its map is
    /// watched for two names of one field (`de/watched.rs`).
    renamed: RenamedFields,
    /// For an enum, whether a variant's payload has renamed fields: found
    /// on first use, as the sites are.
    payloads_renamed: OnceLock<bool>,
}

impl std::fmt::Debug for EmbeddedHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let versions: Vec<&Version> = self.changes.iter().map(|(v, _)| v).collect();
        f.debug_struct("EmbeddedHistory")
            .field("type_name", &self.type_name)
            .field("versions", &versions)
            .field("sites", &self.sites)
            .field("variants", &self.variants)
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

    /// Whether it is an enum: a value of it is read whole, whatever its
    /// representation, and its changes go through [`Variants`].
    pub(crate) fn is_enum(&self) -> bool {
        self.variants.is_some()
    }

    #[inline]
    pub(crate) fn variants(&self) -> Option<&Variants> {
        self.variants.as_ref()
    }

    /// Whether a value of this enum written as the string `text` (a unit
    /// variant, externally tagged) may change: most are read as they are.
    pub(crate) fn changes_string(&self, text: &str) -> bool {
        self.variants
            .as_ref()
            .is_some_and(|variants| variants.changes_string(text))
    }

    /// Every version with a change of its own, oldest first per kind.
    fn own_versions(&self) -> impl Iterator<Item = &Version> {
        let variants = self.variants.iter().flat_map(Variants::versions);
        self.changes.iter().map(|(v, _)| v).chain(variants)
    }

    /// Whether `key` is one of the keys its fields read.
    fn claims(&self, key: &str) -> bool {
        self.claims
            .as_ref()
            .map_or(true, |claims| claims.contains(key))
    }

    /// The names of its renamed fields.
    pub(crate) fn renamed(&self) -> &RenamedFields {
        &self.renamed
    }

    /// An enum's representation.
    pub(crate) fn tagging(&self) -> Option<Tagging> {
        self.variants.as_ref().map(|variants| variants.tagging)
    }

    /// Whether it is a struct with renamed fields, whose map a reader of
    /// a current value watches.
    pub(crate) fn has_renamed_fields(&self) -> bool {
        self.renamed.bits() != 0
    }

    /// The fields' history of the struct variant `name`, if they have
    /// renamed fields.
    pub(crate) fn renamed_payload(&self, name: &str) -> Option<&'static EmbeddedHistory> {
        let site = self.sites.iter().find(|site| site.reads(name))?;
        Some(site.history()).filter(|payload| payload.has_renamed_fields())
    }

    /// Whether it is an enum a variant of which has a payload with renamed
    /// fields.
    pub(crate) fn payloads_renamed(&self) -> bool {
        *self.payloads_renamed.get_or_init(|| {
            self.variants.is_some()
                && self
                    .sites
                    .iter()
                    .any(|site| site.history().has_renamed_fields())
        })
    }

    /// The message its reader refuses a name held back with, at the
    /// object's end or at the key (`de/renamed.rs`), the names after
    /// `prefix`: the root's reader types it.
    #[cold]
    pub(crate) fn refusal(&self, held: HeldBack, placed: (&str, bool)) -> String {
        let version_of_step = |step: usize| self.changes[step].0.to_string();
        embedded_refusal(&self.renamed, self.type_name, version_of_step, held, placed)
    }

    /// Whether it is a positional tuple struct, whose changes name positions.
    pub(crate) fn positional(&self) -> bool {
        self.positional
    }

    /// Whether its struct ignores the keys it does not read, which are then
    /// known by serde reading their values as ignored.
    pub(crate) fn ignores_unclaimed(&self) -> bool {
        self.claims.is_some() && !self.denies_unknown
    }

    /// Whether `key` is one no field reads.
    pub(crate) fn unclaimed(&self, key: &str) -> bool {
        self.claims
            .as_ref()
            .is_some_and(|claims| !claims.contains(key))
    }

    /// The first change that keeps a value in the root's metadata, as the
    /// error that asks for a metadata path names it: what it keeps, and
    /// how to keep nothing instead.
    fn keeper(&self) -> Option<(String, &'static str)> {
        for (version, ops) in &self.changes {
            for op in ops {
                match op {
                    Op::Preserve { .. } => {
                        let what = "the value of a removed field".to_owned();
                        return Some((what, "write #[removed_in(.., drop)]"));
                    }
                    Op::Moves(moved @ MoveOp::Set { field, .. }) if moved.keeps() => {
                        let what = format!(
                            "the value `#[set(since = \"{version}\", ..)]` replaces in `{field}`"
                        );
                        return Some((what, "write #[set(.., drop)]"));
                    }
                    _ => {}
                }
            }
        }
        let (version, name) = self.variants.as_ref()?.kept_removal()?;
        let what = format!(
            "the value of the variant `{name}`, `#[removed_in(\"{version}\", fallback = ..)]`"
        );
        Some((what, "add `drop` to its #[removed_in(..)]"))
    }

    /// The changes of its fields in `version` (see `contract::history`).
    #[cfg(feature = "contracts")]
    pub(crate) fn field_ops_at(&self, version: &Version) -> &[Op] {
        self.ops_at(version)
    }

    /// The changes of its variants in `version`, for an enum.
    #[cfg(feature = "contracts")]
    pub(crate) fn variant_ops_at(&self, version: &Version) -> &[VariantOp] {
        self.variants
            .as_ref()
            .map_or(&[], |variants| variants.ops_at(version))
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
                versions.extend(history.own_versions().cloned());
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
            variants: None,
            positional: false,
            claims: None,
            denies_unknown: false,
            reach: OnceLock::new(),
            renamed: RenamedFields::default(),
            payloads_renamed: OnceLock::new(),
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
                Op::Preserve { field, .. } | Op::Drop { field, .. } | Op::Default { field, .. } => {
                    self.0.touched.insert(field.clone());
                }
                Op::Convert(conversion) => {
                    self.0.touched.insert(conversion.field().to_owned());
                }
                Op::Moves(op) => self
                    .0
                    .touched
                    .extend(op.captures().chain(op.asks()).map(str::to_owned)),
                // The macro writes no hand step into an embedded history.
                Op::Custom(_) => {}
            }
        }
        self.0.changes.push((version, ops.ops));
        self
    }

    /// The keys the type's fields read: with a metadata path on the root,
    /// others found in an object of a migrated document are kept there.
    pub fn claims(mut self, keys: &'static [&'static str]) -> Self {
        self.0.claims = Some(keys.iter().copied().collect());
        self
    }

    /// Marks the type as one whose struct refuses keys it does not read,
    /// `#[serde(deny_unknown_fields)]`.
    pub fn denies_unknown_fields(mut self) -> Self {
        self.0.denies_unknown = true;
        self
    }

    /// Marks the type as an externally tagged enum (serde's default): a
    /// unit variant is written as its name, the others as `{"name": ..}`.
    pub fn externally_tagged(self) -> Self {
        self.tagging(Tagging::External)
    }

    /// Marks the type as an internally tagged enum, `#[serde(tag = ..)]`:
    /// `{"<tag>": "name", ..fields}`.
    pub fn internally_tagged(self, tag: &'static str) -> Self {
        self.tagging(Tagging::Internal { tag })
    }

    /// Marks the type as an adjacently tagged enum, `#[serde(tag = ..,
    /// content = ..)]`: `{"<tag>": "name", "<content>": ..}`.
    pub fn adjacently_tagged(self, tag: &'static str, content: &'static str) -> Self {
        self.tagging(Tagging::Adjacent { tag, content })
    }

    /// Marks the type as an untagged enum: only its variants' payloads
    /// change.
    pub fn untagged(self) -> Self {
        self.tagging(Tagging::Untagged)
    }

    fn tagging(mut self, tagging: Tagging) -> Self {
        self.0.variants = Some(Variants::new(tagging));
        self
    }

    /// In `version`, the variant named `old` is named `new`. Changes come
    /// after the tagging; of several old names of one variant in one
    /// version, a downgrade writes the one given last.
    pub fn rename_variant(self, version: Version, old: &'static str, new: &'static str) -> Self {
        self.variant_op(version, VariantOp::Rename { old, new })
    }

    /// The variant `name` exists from `version` on.
    pub fn add_variant(self, version: Version, name: &'static str) -> Self {
        self.variant_op(version, VariantOp::Added { name })
    }

    /// The variant `name` is gone from `version` on: a value naming it
    /// becomes the unit variant `fallback` (named as in `version`), and is
    /// kept in the root's metadata if `keep`.
    pub fn remove_variant(
        self,
        version: Version,
        name: &'static str,
        fallback: &'static str,
        keep: bool,
    ) -> Self {
        self.variant_op(
            version,
            VariantOp::Removed {
                name,
                fallback,
                keep,
            },
        )
    }

    fn variant_op(mut self, version: Version, op: VariantOp) -> Self {
        let variants = self
            .0
            .variants
            .get_or_insert_with(|| Variants::new(Tagging::External));
        variants.push(version, op);
        self
    }

    /// The probes of the type's fields.
    pub fn fields(mut self, fields: fn(&mut Shape)) -> Self {
        self.0.sites = Shape::of(fields);
        self
    }

    /// The history.
    pub fn build(mut self) -> EmbeddedHistory {
        let changes = self.0.changes.iter().map(|(v, ops)| (v, ops.as_slice()));
        mark_reshaped(&mut self.0.sites, changes);
        // A struct's fields by name: an enum's are its variants' payloads',
        // a tuple's are positions.
        if self.0.variants.is_none() && !self.0.positional {
            let ops: Vec<&[Op]> = self
                .0
                .changes
                .iter()
                .map(|(_, ops)| ops.as_slice())
                .collect();
            self.0.renamed = RenamedFields::new(&ops);
        }
        self.0
    }
}

/// Records in each site the versions in which `changes` (of the type
/// holding the sites, by version, oldest first) wrap or unwrap its field.
pub(crate) fn mark_reshaped<'o>(
    sites: &mut [Site],
    changes: impl Iterator<Item = (&'o Version, &'o [Op])>,
) {
    for (version, ops) in changes {
        for op in ops {
            let Op::Convert(conversion) = op else {
                continue;
            };
            let Some(reshape) = conversion.reshape() else {
                continue;
            };
            for site in sites.iter_mut().filter(|s| s.reads(conversion.field())) {
                site.reshaped.push((version.clone(), reshape));
            }
        }
    }
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

/// The sites of the embedded types the root holds itself.
#[cfg(feature = "contracts")]
pub(crate) fn root_sites(schema: &crate::Schema) -> &[Site] {
    schema.nested.as_ref().map_or(&[], |nested| &nested.sites)
}

/// Every embedded type a root holds, at any depth, each once: the types
/// whose changes a contract undoes to find an older version's shape.
#[cfg(feature = "contracts")]
pub(crate) fn histories_of(schema: &crate::Schema) -> Vec<&'static EmbeddedHistory> {
    let mut found: Vec<&'static EmbeddedHistory> = Vec::new();
    let mut todo: Vec<&'static EmbeddedHistory> = schema
        .nested
        .iter()
        .flat_map(|nested| nested.sites.iter().map(Site::history))
        .collect();
    while let Some(history) = todo.pop() {
        if !found.iter().any(|seen| std::ptr::eq(*seen, history)) {
            found.push(history);
            todo.extend(history.sites.iter().map(Site::history));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_print_the_current_name_and_the_containers() {
        let site = Site {
            at: Pattern {
                names: &["steps", "actions"],
                below: vec![Segment::Elements, Segment::Values],
            },
            history: Resolve::Lazy(|| unreachable!("not resolved to print")),
            reshaped: Vec::new(),
        };
        assert_eq!(site.path(""), "steps[]{}");
        assert_eq!(site.path("run"), "run.steps[]{}");
    }

    #[test]
    fn before_a_wrap_or_an_unwrap_the_value_has_its_old_shape() {
        let v = Version::integer;
        let site = |below: Vec<Segment>, reshaped: Vec<(Version, Reshape)>| Site {
            at: Pattern {
                names: &["calls"],
                below,
            },
            history: Resolve::Lazy(|| unreachable!("not resolved to reshape")),
            reshaped,
        };
        use Segment::{Elements, Optional, Values};
        // `Option<Vec<Call>>`, wrapped in 3: before, `Option<Call>`.
        let wrapped = site(vec![Optional, Elements], vec![(v(3), Reshape::Wrap)]);
        assert_eq!(*wrapped.below_at(Some(&v(2))), [Optional]);
        assert_eq!(*wrapped.below_at(Some(&v(3))), [Optional, Elements]);
        assert_eq!(*wrapped.below_at(None), [Optional, Elements]);
        // `BTreeMap<_, Call>` unwrapped in 2 and wrapped again in 4: a
        // list of maps before 2, a map until 4, then a list of maps.
        let twice = site(
            vec![Elements, Values],
            vec![(v(2), Reshape::Unwrap), (v(4), Reshape::Wrap)],
        );
        assert_eq!(*twice.below_at(Some(&v(1))), [Elements, Values]);
        assert_eq!(*twice.below_at(Some(&v(3))), [Values]);
        assert_eq!(*twice.below_at(Some(&v(4))), [Elements, Values]);
    }
}
