//! A type's version history: its versions, version key, metadata path and steps.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::chain::find_path;
use crate::embedded::EmbeddedSchema;
use crate::envelope::Layout;
use crate::error::{BoxError, Error};
use crate::newer::Newer;
use crate::object::{Object, ObjectPath};
use crate::shape::{Detected, Keys, Unversioned};
use crate::step::{Op, Step};
use crate::version::{Scheme, Version};
use crate::vocab::history::{
    check_history, parse_metadata_path, DefinitionError, Outline, StepEnds,
};
use crate::vocab::names::DEFAULT_KEY;

/// A type whose documents carry a schema version and migrate on read.
///
/// `#[versioned]` implements it; it can also be implemented by hand, for a
/// type whose `Deserialize` is plain serde, by returning a [`Schema`] kept in
/// a static:
///
/// ```
/// use std::sync::OnceLock;
/// use palimpsest::{Schema, Step, Versioned};
/// use serde::Deserialize;
///
/// #[derive(Debug, Deserialize)]
/// struct Config {
///     capacity: u32,
/// }
///
/// impl Versioned for Config {
///     fn schema() -> &'static Schema {
///         static SCHEMA: OnceLock<Schema> = OnceLock::new();
///         SCHEMA.get_or_init(|| {
///             Schema::integer("Config", 2)
///                 .step(Step::new(0, 1))
///                 .step(Step::new(1, 2).rename("size", "capacity"))
///                 .build()
///                 .expect("the Config schema is valid")
///         })
///     }
/// }
///
/// let read = palimpsest::from_str::<Config>(r#"{"size": 8}"#)?;
/// assert_eq!(read.value.capacity, 8);
/// assert_eq!(read.report.from.to_string(), "0"); // no key: the legacy version
/// # Ok::<(), palimpsest::Error>(())
/// ```
pub trait Versioned: Sized {
    /// The type's version history.
    fn schema() -> &'static Schema;

    /// Deserializes a document already at the current version, with no
    /// detection and no migration.
    ///
    /// The default is the type's own `Deserialize`. `#[versioned]` types
    /// override it, since their `Deserialize` is the one that migrates.
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

    /// The current schema version, the one every document of this type is
    /// written with (the guide's `get_version()`).
    ///
    /// ```
    /// # use std::sync::OnceLock;
    /// # use palimpsest::{Schema, Step, Versioned};
    /// # struct Config;
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static SCHEMA: OnceLock<Schema> = OnceLock::new();
    /// #         SCHEMA.get_or_init(|| Schema::integer("Config", 2).step(Step::new(0, 1)).step(Step::new(1, 2)).build().unwrap())
    /// #     }
    /// # }
    /// assert_eq!(Config::current_version().to_string(), "2");
    /// ```
    #[must_use]
    fn current_version() -> &'static Version {
        Self::schema().current()
    }
}

/// The version history of one type.
///
/// Built once with [`Schema::semver`] or [`Schema::integer`] and the builder
/// methods; `#[versioned]` builds it from the struct's attributes. Besides
/// being the input of the generic functions of this crate, a schema works on
/// `serde_json::Value` documents directly.
///
/// ```
/// use palimpsest::{Schema, Step};
/// use serde_json::json;
///
/// let schema = Schema::semver("Trace", "0.1.0")
///     .metadata("context.metadata")
///     .step(Step::new("0.0.1", "0.1.0"))
///     .build()?;
///
/// let mut legacy = json!({"problem_statement": "p"});
/// assert_eq!(schema.detect(&legacy)?.to_string(), "0.0.1");
/// assert!(schema.needs_migration(&legacy)?);
/// schema.migrate(&mut legacy)?;
/// assert_eq!(legacy["schema_version"], "0.1.0");
/// assert_eq!(legacy["context"]["metadata"]["migrated_from"], "0.0.1");
/// # Ok::<(), palimpsest::Error>(())
/// ```
pub struct Schema {
    pub(crate) type_name: &'static str,
    pub(crate) scheme: Scheme,
    pub(crate) current: Version,
    pub(crate) current_text: String,
    pub(crate) legacy: Version,
    pub(crate) key: &'static str,
    pub(crate) metadata: Option<ObjectPath>,
    pub(crate) edges: Vec<(Version, Version)>,
    pub(crate) ops: Vec<Vec<Op>>,
    pub(crate) known: Vec<Version>,
    /// `known` as JSON, formatted once: every migration writes several.
    known_values: Vec<Value>,
    /// For each step, the entry of the metadata history it appends
    /// (`{"from": .., "to": ..}`), built once: every migration clones some.
    history_entries: Vec<Value>,
    /// For each of `known`, the steps to the current version (or the gap),
    /// found once: reading is where migrations happen, one per document.
    paths_to_current: Vec<Result<Vec<usize>, Version>>,
    pub(crate) claims: Option<BTreeSet<String>>,
    pub(crate) key_is_field: bool,
    /// Whether the type's own `Serialize` writes the version entry, as a
    /// `#[versioned]` type's does; a hand-written one's is plain serde.
    pub(crate) stamps_itself: bool,
    pub(crate) check: Option<Box<CheckFn>>,
    pub(crate) streaming: Option<StreamPlan>,
    /// The embedded types the root's fields hold, if any.
    pub(crate) nested: Option<Box<crate::embedded::Nested>>,
    /// The versions written without a version key, with their keys; empty
    /// when only the legacy version was.
    pub(crate) unversioned: Unversioned,
    /// What a read does with a document newer than the current version.
    pub(crate) newer: Newer,
    /// Where documents carry their version.
    pub(crate) layout: Layout,
    /// The names of renamed fields, current and old, which the struct
    /// reads as one field.
    pub(crate) renamed: crate::de::renamed::RenamedFields,
}

/// How an old or reordered document is read without buffering all of it,
/// worked out once per schema.
///
/// Only a few top-level keys can be touched by a migration: those the
/// operations name, the root of the metadata path, and (with claims and a
/// metadata path) keys no field claims. Every other key reaches the struct
/// unchanged whatever the document's version, so it is streamed. Of the
/// touched ones, those a migration may read, move or change are captured
/// into a small object that the engine migrates at the end of the map,
/// once the version is known, and whose result is handed to the struct
/// after the streamed keys. Those it only asks about (is the new name of a
/// rename taken? is an added field there already?) keep their value
/// whatever the version, so they are streamed too, and only their
/// presence is noted for the engine.
///
/// Hand-written steps see the whole document, so a history with one has no
/// plan and its documents are buffered.
#[derive(Debug)]
pub(crate) struct StreamPlan {
    /// Every top-level key the plan knows, with how a reader that does not
    /// know the version yet handles it, filed by length: a key of the
    /// document is compared byte by byte only with the few known keys as
    /// long as it.
    by_length: Vec<Vec<(String, Handling)>>,
    /// The keys handled as [`Handling::Note`], by their bit.
    noted: Vec<String>,
    /// How keys the plan does not know are handled: captured when they are
    /// moved into the metadata object (no field claims them), else
    /// streamed.
    unknown: Handling,
}

/// What a reader that does not know the document's version yet does with
/// one of its top-level keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handling {
    /// No migration touches it: straight to the struct.
    Stream,
    /// A migration only asks whether the document has it: straight to the
    /// struct, its presence noted as this bit (of 64).
    Note(u8),
    /// A migration may read, move or change it: captured until the version
    /// is known.
    Capture,
}

impl StreamPlan {
    fn new(
        ops: &[Vec<Op>],
        metadata: Option<&ObjectPath>,
        claims: Option<&BTreeSet<String>>,
        key_is_field: bool,
    ) -> Option<Self> {
        if key_is_field {
            return None;
        }
        let mut captured = BTreeSet::new();
        let mut asked = BTreeSet::new();
        for op in ops.iter().flatten() {
            match op {
                // A rename reads and moves its old name; of its new name
                // it only asks whether the document has it.
                Op::Rename { old, new } => {
                    captured.insert(old.as_str());
                    asked.insert(new.as_str());
                }
                Op::Preserve { field, .. } | Op::Drop { field, .. } => {
                    captured.insert(field.as_str());
                }
                Op::Default { field, .. } => {
                    asked.insert(field.as_str());
                }
                // A conversion reads and changes its field's value.
                Op::Convert(conversion) => {
                    captured.insert(conversion.field());
                }
                Op::Moves(op) => {
                    captured.extend(op.captures());
                    asked.extend(op.asks());
                }
                Op::Custom(_) => return None,
            }
        }
        if let Some(path) = metadata {
            captured.insert(path.root());
        }
        // Keys no field claims are moved into the metadata object.
        let unknown_captured = metadata.is_some() && claims.is_some();
        let claimed = |key: &str| claims.is_some_and(|claims| claims.contains(key));
        let mut noted = Vec::new();
        let mut handled: Vec<(&str, Handling)> = Vec::new();
        for key in asked {
            if captured.contains(key) || (unknown_captured && !claimed(key)) || noted.len() == 64 {
                captured.insert(key);
                continue;
            }
            let bit = u8::try_from(noted.len()).unwrap_or(u8::MAX);
            handled.push((key, Handling::Note(bit)));
            noted.push(key.to_owned());
        }
        handled.extend(captured.iter().map(|key| (*key, Handling::Capture)));
        let touched = |key: &str| captured.contains(key) || noted.iter().any(|n| n == key);
        handled.extend(
            claims
                .into_iter()
                .flatten()
                .filter(|key| !touched(key))
                .map(|key| (key.as_str(), Handling::Stream)),
        );
        let mut by_length: Vec<Vec<(String, Handling)>> = Vec::new();
        for (key, handling) in handled {
            if by_length.len() <= key.len() {
                by_length.resize_with(key.len() + 1, Vec::new);
            }
            by_length[key.len()].push((key.to_owned(), handling));
        }
        Some(StreamPlan {
            by_length,
            noted,
            unknown: if unknown_captured {
                Handling::Capture
            } else {
                Handling::Stream
            },
        })
    }

    /// How a reader that does not know the version yet handles `key`.
    pub(crate) fn handling(&self, key: &str) -> Handling {
        let known = self.by_length.get(key.len()).into_iter().flatten();
        match known.into_iter().find(|(known, _)| known == key) {
            Some((_, handling)) => *handling,
            None => self.unknown,
        }
    }

    /// Whether a migration may read, move or create `key`, so that a
    /// migration of a tree must see it.
    pub(crate) fn may_touch(&self, key: &str) -> bool {
        self.handling(key) != Handling::Stream
    }

    /// The keys of the bits set in `bits`, each handled as
    /// [`Handling::Note`] and found in a document.
    pub(crate) fn noted(&self, bits: u64) -> impl Iterator<Item = &str> {
        self.noted
            .iter()
            .enumerate()
            .filter(move |(bit, _)| bits & (1 << bit) != 0)
            .map(|(_, key)| key.as_str())
    }
}

pub(crate) type CheckFn = dyn Fn(&Object, &Version) -> Result<(), BoxError> + Send + Sync;

/// An integrity check as the engine calls it, whatever error type it returns.
pub(crate) fn boxed_check<E>(
    check: impl Fn(&Object, &Version) -> Result<(), E> + Send + Sync + 'static,
) -> Box<CheckFn>
where
    E: Into<BoxError>,
{
    Box::new(move |doc, version| check(doc, version).map_err(Into::into))
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("type_name", &self.type_name)
            .field("current", &self.current)
            .field("legacy", &self.legacy)
            .field("key", &self.key)
            .field("metadata", &self.metadata)
            .field("steps", &self.edges)
            .finish_non_exhaustive()
    }
}

impl Schema {
    /// Starts the schema of a type with semver versions (`"0.1.0"`).
    /// The legacy version defaults to `0.0.1`.
    pub fn semver(type_name: &'static str, current: impl fmt::Display) -> SchemaBuilder {
        SchemaBuilder::new(type_name, Scheme::Semver, current.to_string())
    }

    /// Starts the schema of a type with integer versions (`3`).
    /// The legacy version defaults to `0`.
    pub fn integer(type_name: &'static str, current: u64) -> SchemaBuilder {
        SchemaBuilder::new(type_name, Scheme::Integer, current.to_string())
    }

    /// The type's name, as errors show it.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Semver or integer.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The version documents are written with.
    #[must_use]
    pub fn current(&self) -> &Version {
        &self.current
    }

    /// The version of documents that have no version key.
    #[must_use]
    pub fn legacy(&self) -> &Version {
        &self.legacy
    }

    /// The versions written without a version key, oldest first, with the
    /// keys that tell their documents apart; empty when only the legacy
    /// version was (see [`SchemaBuilder::unversioned`]).
    ///
    /// ```
    /// use palimpsest::{Keys, Schema, Step};
    ///
    /// let schema = Schema::integer("Note", 3)
    ///     .step(Step::new(1, 2).rename("body", "text"))
    ///     .step(Step::new(2, 3))
    ///     .unversioned(1, Keys::new(["body"]))
    ///     .unversioned(2, Keys::new(["text"]))
    ///     .build()?;
    /// let (version, keys) = schema.unversioned().next().expect("two declared");
    /// assert_eq!((version.to_string(), keys.writes("body")), ("1".into(), true));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn unversioned(&self) -> impl Iterator<Item = (&Version, &Keys)> {
        self.unversioned
            .iter()
            .map(|(version, keys)| (version, keys))
    }

    /// The key the version is stored under, `schema_version` by default.
    #[must_use]
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// Where documents carry their version.
    #[must_use]
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The top-level key of a document that holds its version:
    /// [`key`](Self::key) in the inline layout, `"version"` in an envelope.
    ///
    /// ```
    /// use palimpsest::{Layout, Schema};
    ///
    /// assert_eq!(Schema::integer("Note", 1).build()?.stamp_key(), "schema_version");
    /// let enveloped = Schema::integer("Note", 1).layout(Layout::Envelope).build()?;
    /// assert_eq!(enveloped.stamp_key(), "version");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn stamp_key(&self) -> &'static str {
        match self.layout {
            Layout::Inline => self.key,
            Layout::Envelope => crate::envelope::VERSION,
        }
    }

    /// Where migration history and preserved values go, if anywhere.
    #[must_use]
    pub fn metadata(&self) -> Option<&ObjectPath> {
        self.metadata.as_ref()
    }

    /// Every version the history names, oldest first.
    #[must_use]
    pub fn versions(&self) -> &[Version] {
        &self.known
    }

    /// Every step as (from, to), in the order they were registered.
    pub fn steps(&self) -> impl Iterator<Item = (&Version, &Version)> {
        self.edges.iter().map(|(from, to)| (from, to))
    }

    /// Parses a version of this type's scheme.
    ///
    /// ```
    /// use palimpsest::Schema;
    ///
    /// let schema = Schema::integer("Counter", 3).build()?;
    /// assert_eq!(schema.parse_version("2")?.to_string(), "2");
    /// assert!(schema.parse_version("two").is_err());
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MalformedVersion`] when `text` is not a version of the scheme.
    pub fn parse_version(&self, text: &str) -> Result<Version, Error> {
        self.scheme
            .parse(text)
            .map_err(|source| Error::MalformedVersion {
                type_name: self.type_name,
                key: self.key,
                source,
            })
    }

    /// A version this history names, from its text: what a caller that
    /// takes a target version (a command-line flag, a setting) accepts.
    ///
    /// ```
    /// use palimpsest::{Error, Schema, Step};
    ///
    /// let schema = Schema::integer("Counter", 3).legacy(1).step(Step::new(1, 3)).build()?;
    /// assert_eq!(schema.version("3")?, *schema.current());
    /// // An integer between the legacy and the current version is one a
    /// // build wrote with no change.
    /// assert_eq!(schema.version("2")?.to_string(), "2");
    /// assert!(matches!(schema.version("0"), Err(Error::UnknownVersion { .. })));
    /// assert!(matches!(schema.version("4"), Err(Error::NewerVersion { .. })));
    /// assert!(matches!(schema.version("three"), Err(Error::MalformedVersion { .. })));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MalformedVersion`], [`Error::NewerVersion`] or
    /// [`Error::UnknownVersion`].
    pub fn version(&self, text: &str) -> Result<Version, Error> {
        self.check_known(self.parse_version(text)?)
    }

    /// The version a document carries: the value of its version key,
    /// wherever it stands in the object; without one, the legacy version,
    /// or the [unversioned](SchemaBuilder::unversioned) version whose keys
    /// the document fits best.
    ///
    /// ```
    /// use palimpsest::{Error, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::semver("Trace", "0.2.0").step(Step::new("0.0.1", "0.2.0")).build()?;
    /// assert_eq!(schema.detect(&json!({"a": 1, "schema_version": "0.2.0"}))?.to_string(), "0.2.0");
    /// assert_eq!(schema.detect(&json!({"a": 1}))?.to_string(), "0.0.1");
    /// assert!(matches!(schema.detect(&json!({"schema_version": "9.0.0"})), Err(Error::NewerVersion { .. })));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The document is not an object; the key holds no version of this
    /// type's scheme; the version is newer than the current one or is not
    /// one the history names; without a key, [`Error::AmbiguousShape`] when
    /// the document fits several unversioned versions equally.
    pub fn detect(&self, document: &Value) -> Result<Version, Error> {
        let object = document.as_object().ok_or_else(|| Error::NotAnObject {
            type_name: self.type_name,
            version: None,
            path: String::new(),
            found: crate::version::kind_of(document),
        })?;
        self.detect_in(object)
    }

    pub(crate) fn detect_in(&self, object: &Object) -> Result<Version, Error> {
        if let Some(stamp) = self.envelope_stamp(object) {
            // A keyless envelope is judged by its data's keys.
            let data = match object.get(crate::envelope::DATA) {
                Some(Value::Object(data)) => data,
                _ => object,
            };
            return Ok(self.detect_document(data, stamp)?.0);
        }
        Ok(self.detect_document(object, object.get(self.key))?.0)
    }

    /// The version of a document whose version key held `stamp`: the one
    /// it names; without one, the legacy version, the one version declared
    /// unversioned, or the one of several whose keys `object` fits best,
    /// with how each fitted. The one place a keyless document is judged.
    pub(crate) fn detect_document(
        &self,
        object: &Object,
        stamp: Option<&Value>,
    ) -> Result<Detected, Error> {
        if let Some(stamp) = stamp {
            return Ok((self.detect_stamp(stamp)?, None));
        }
        self.check_nested()?;
        match self.unversioned.as_slice() {
            [] => Ok((self.legacy.clone(), None)),
            [(only, _)] => Ok((only.clone(), None)),
            candidates => {
                let inference =
                    crate::shape::classify(self.type_name, self.key, candidates, object)?;
                Ok((inference.version.clone(), Some(inference)))
            }
        }
    }

    /// The version a document's `stamp` (the value of its version key) names.
    pub(crate) fn detect_stamp(&self, stamp: &Value) -> Result<Version, Error> {
        self.check_nested()?;
        let version = self
            .scheme
            .parse_value(stamp)
            .map_err(|source| Error::MalformedVersion {
                type_name: self.type_name,
                key: self.key,
                source,
            })?;
        self.check_known(version)
    }

    /// [`Schema::detect_stamp`] of a text stamp: one written as a known
    /// version is written (every document this schema wrote) is that
    /// version, with no parse; any other is parsed.
    pub(crate) fn detect_text(&self, text: &str) -> Result<Version, Error> {
        let written = self
            .known_values
            .iter()
            .position(|value| value.as_str() == Some(text));
        match written {
            Some(index) => {
                self.check_nested()?;
                Ok(self.known[index].clone())
            }
            None => self.detect_stamp(&Value::String(text.to_owned())),
        }
    }

    /// A version as JSON, as documents and metadata record it.
    pub(crate) fn version_value(&self, version: &Version) -> Value {
        let index = self.known.binary_search(version).ok();
        match index.and_then(|index| self.known_values.get(index)) {
            Some(value) => value.clone(),
            None => version.to_value(),
        }
    }

    /// The entry of the metadata history that step `index` appends.
    pub(crate) fn history_entry(&self, index: usize) -> Value {
        self.history_entries[index].clone()
    }

    /// The steps from a known version to the current one, found at build.
    /// Whether `version` is an integer between the legacy and the current
    /// version that no step names: a build wrote it with no change, so it
    /// is known, and has the shape of the named version before it.
    ///
    /// Semver versions have no such gaps: between `0.1.0` and `0.2.0` lie
    /// `0.1.1`, `0.1.2` and every pre-release, and a document carrying one
    /// the history does not name is more likely a mistake than a build
    /// that changed nothing. Integers are counted one by one, so a missing
    /// one can only be a version that changed nothing.
    fn is_integer_gap(&self, version: &Version) -> bool {
        self.scheme == Scheme::Integer && self.legacy < *version && *version < self.current
    }

    /// The version the history names whose shape a document at `version`
    /// has: itself, or for an integer gap the named version before it.
    /// Steps are found between named versions.
    pub(crate) fn named<'a>(&'a self, version: &'a Version) -> &'a Version {
        match self.known.binary_search(version) {
            Err(index) if index > 0 && self.is_integer_gap(version) => &self.known[index - 1],
            _ => version,
        }
    }

    pub(crate) fn path_to_current(&self, from: &Version) -> Option<&Result<Vec<usize>, Version>> {
        let index = self.known.binary_search(from).ok()?;
        self.paths_to_current.get(index)
    }

    pub(crate) fn check_known(&self, version: Version) -> Result<Version, Error> {
        if version > self.current {
            return Err(Error::NewerVersion {
                type_name: self.type_name,
                key: self.key,
                version,
                current: self.current.clone(),
            });
        }
        if self.known.binary_search(&version).is_err() && !self.is_integer_gap(&version) {
            return Err(Error::UnknownVersion {
                type_name: self.type_name,
                key: self.key,
                version,
                known: self.known.clone(),
            });
        }
        Ok(version)
    }

    /// Whether a document must be migrated to reach the current version.
    ///
    /// # Errors
    ///
    /// As [`Schema::detect`].
    pub fn needs_migration(&self, document: &Value) -> Result<bool, Error> {
        Ok(self.detect(document)? != self.current)
    }

    /// Whether a version as it appears in a stream is the current one,
    /// without parsing it: the fast path of deserialization. Only a semver
    /// version is a string; see [`Scheme`].
    pub(crate) fn is_current_text(&self, text: &str) -> bool {
        self.scheme == Scheme::Semver && text == self.current_text
    }

    /// As [`Schema::is_current_text`], for a number: only an integer
    /// version is one.
    pub(crate) fn is_current_number(&self, n: u64) -> bool {
        self.current.as_integer() == Some(n)
    }
}

/// Builds a [`Schema`]; see [`Schema::semver`] and [`Schema::integer`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct SchemaBuilder {
    type_name: &'static str,
    scheme: Scheme,
    current: String,
    legacy: Option<String>,
    key: &'static str,
    metadata: Option<String>,
    steps: Vec<Step>,
    claims: Option<BTreeSet<String>>,
    key_is_field: bool,
    check: Option<Box<CheckFn>>,
    embedded: Vec<(String, EmbeddedSchema)>,
    unversioned: Vec<(String, Keys)>,
    newer: Newer,
    layout: Layout,
}

impl fmt::Debug for SchemaBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaBuilder")
            .field("type_name", &self.type_name)
            .field("current", &self.current)
            .finish_non_exhaustive()
    }
}

impl SchemaBuilder {
    fn new(type_name: &'static str, scheme: Scheme, current: String) -> Self {
        SchemaBuilder {
            type_name,
            scheme,
            current,
            legacy: None,
            key: DEFAULT_KEY,
            metadata: None,
            steps: Vec::new(),
            claims: None,
            key_is_field: false,
            check: None,
            embedded: Vec::new(),
            unversioned: Vec::new(),
            newer: Newer::Fail,
            layout: Layout::Inline,
        }
    }

    /// The version of documents written before versioning existed.
    pub fn legacy(mut self, version: impl fmt::Display) -> Self {
        self.legacy = Some(version.to_string());
        self
    }

    /// A version whose build wrote no version key, and the keys its
    /// documents have. Declared for several versions (oldest first), a
    /// document without a key is classified by its keys: the version it
    /// fits with the fewest mismatches (see [`Inference`](crate::Inference)) is its version,
    /// and a tie is [`Error::AmbiguousShape`], never a guess. Declared for
    /// one, it is simply the version of keyless documents, as
    /// [`legacy`](Self::legacy) is when none is declared.
    ///
    /// With more than one, a document without a key is read whole before
    /// it is classified: its keys must all be seen first.
    ///
    /// ```
    /// use palimpsest::{Error, Keys, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Note", 3)
    ///     .metadata("meta")
    ///     .step(Step::new(0, 1))
    ///     .step(Step::new(1, 2).rename("body", "text"))
    ///     .step(Step::new(2, 3))
    ///     .unversioned(1, Keys::new(["title", "body"]))
    ///     .unversioned(2, Keys::new(["title", "text"]))
    ///     .build()?;
    /// let mut doc = json!({"title": "t", "body": "b"});
    /// let report = schema.migrate(&mut doc)?;
    /// assert_eq!(report.from.to_string(), "1");
    /// assert_eq!(doc["text"], "b");
    /// assert_eq!(doc["meta"]["inferred_version"]["version"], 1);
    ///
    /// let err = schema.migrate(&mut json!({"title": "t"})).unwrap_err();
    /// assert!(matches!(err, Error::AmbiguousShape { .. }), "{err}");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn unversioned(mut self, version: impl fmt::Display, keys: Keys) -> Self {
        self.unversioned.push((version.to_string(), keys));
        self
    }

    /// The key the version is stored under (default `schema_version`).
    pub fn key(mut self, key: &'static str) -> Self {
        self.key = key;
        self
    }

    /// The dotted path of the object that records migration history
    /// (`migrated_from`, `migration_history`) and preserved values.
    pub fn metadata(mut self, path: &str) -> Self {
        self.metadata = Some(path.to_owned());
        self
    }

    /// Registers a step.
    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The keys the current type reads. With a metadata path, keys of a
    /// migrated document that none of them claims are moved into
    /// `<metadata>.legacy_unknown` instead of being ignored by serde.
    pub fn claims<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.claims = Some(keys.into_iter().map(Into::into).collect());
        self
    }

    /// The type reads the version key itself (it has a field for it), so
    /// the key is left in the document handed to its `Deserialize`. By
    /// default the key is taken out first.
    pub fn key_is_field(mut self) -> Self {
        self.key_is_field = true;
        self
    }

    /// An integrity check run on every old document before its first step
    /// (the guide's "pre-migration data integrity checks"): an error stops
    /// the migration as [`Error::Integrity`], with the document's version.
    ///
    /// ```
    /// use palimpsest::{Error, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::semver("Trace", "0.1.0")
    ///     .check(|doc, _version| match doc.get("problem_statement") {
    ///         Some(p) if p.is_string() => Ok(()),
    ///         _ => Err("no problem statement"),
    ///     })
    ///     .step(Step::new("0.0.1", "0.1.0"))
    ///     .build()?;
    /// let err = schema.migrate(&mut json!({"outcome": "?"})).unwrap_err();
    /// assert!(matches!(err, Error::Integrity { .. }));
    /// assert_eq!(err.to_string(), "`Trace`: document at version 0.0.1 failed its integrity check: no problem statement");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn check<E>(
        mut self,
        check: impl Fn(&Object, &Version) -> Result<(), E> + Send + Sync + 'static,
    ) -> Self
    where
        E: Into<BoxError>,
    {
        self.check = Some(boxed_check(check));
        self
    }

    /// An embedded type the documents hold at `pattern`: a top-level
    /// field's current name, followed by `[]` for the elements of an array
    /// and `{}` for the values of an object (`steps[]`), and further
    /// fields after a dot for a type held inside another (`steps[].calls[]`,
    /// attached inside whatever is attached at `steps[]`). Its changes,
    /// dated in this schema's versions, join its steps: a version inside a
    /// step splits it, before the step's own operations.
    ///
    /// A root with embedded types reads old documents whole, then migrates
    /// them as trees: see [`EmbeddedSchema`] for the rest.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::semver("Trace", "0.3.0")
    ///     .metadata("meta")
    ///     .step(Step::new("0.0.1", "0.1.0"))
    ///     .step(Step::new("0.1.0", "0.3.0").rename("query", "task"))
    ///     .embedded(
    ///         "steps[]",
    ///         EmbeddedSchema::new("TraceStep").change("0.2.0", |s| s.preserve("notes")),
    ///     )
    ///     .build()?;
    /// // 0.2.0 is a version of the schema now.
    /// assert_eq!(schema.versions().len(), 4);
    /// let mut doc = json!({"schema_version": "0.1.0", "steps": [{"notes": "n"}]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["meta"]["legacy_nested"], json!({"steps[0].notes": "n"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn embedded(mut self, pattern: &str, embedded: EmbeddedSchema) -> Self {
        self.embedded.push((pattern.to_owned(), embedded));
        self
    }

    /// What a read does with a document newer than the current version:
    /// [`Newer::Fail`] (the default) or [`Newer::Read`], which needs a
    /// metadata path and the keys the type reads ([`claims`](Self::claims)),
    /// for the keys it does not know to be kept. A caller can still choose
    /// per read with [`Reader::newer`](crate::Reader::newer).
    ///
    /// ```
    /// use palimpsest::{Error, Newer, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Note", 1)
    ///     .metadata("meta")
    ///     .claims(["text", "meta"])
    ///     .newer(Newer::Read)
    ///     .step(Step::new(0, 1))
    ///     .build()?;
    /// # let _ = schema;
    /// let err = Schema::integer("Note", 1).newer(Newer::Read).build().unwrap_err();
    /// assert!(matches!(err, Error::Definition { .. }));
    /// assert!(err.to_string().contains("needs a metadata path"), "{err}");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn newer(mut self, newer: Newer) -> Self {
        self.newer = newer;
        self
    }

    /// Where documents carry their version: [`Layout::Inline`] (the
    /// default) or [`Layout::Envelope`], `{"version": V, "data": {...}}`.
    ///
    /// ```
    /// use palimpsest::{Layout, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Note", 1)
    ///     .layout(Layout::Envelope)
    ///     .step(Step::new(0, 1).rename("body", "text"))
    ///     .build()?;
    /// let mut doc = json!({"body": "hi"});
    /// assert_eq!(schema.detect(&doc)?.to_string(), "0");
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc, json!({"version": 1, "data": {"text": "hi"}}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// Checks the history and builds the schema.
    ///
    /// # Errors
    ///
    /// [`Error::Definition`] when a version does not parse, the current
    /// version is not after the legacy one, the version key is empty, the
    /// metadata path is malformed, a step does not go forward, starts
    /// before the legacy version or leads past the current one, two steps
    /// share both ends, or a step preserves a field without a metadata path;
    /// for an embedded type, when its pattern is malformed or taken, a
    /// version it names is of the other scheme, not after the legacy
    /// version, after the current one or in no step, or it keeps a removed
    /// value without a metadata path. The message names the embedded type
    /// and its pattern.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Error, Schema, Step};
    ///
    /// let err = Schema::semver("Trace", "0.2.0")
    ///     .step(Step::new("0.0.1", "0.2.0"))
    ///     .embedded("steps[]", EmbeddedSchema::new("TraceStep").change("0.3.0", |s| s))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::Definition { .. }));
    /// assert!(err.to_string().contains("embedded type `TraceStep` at `steps[]`"), "{err}");
    /// ```
    pub fn build(self) -> Result<Schema, Error> {
        let type_name = self.type_name;
        let fail = |message: String| Error::Definition { type_name, message };
        let parse = |what: &str, text: &str| {
            self.scheme
                .parse(text)
                .map_err(|e| fail(format!("{what}: {e}")))
        };
        let current = parse("current version", &self.current)?;
        let legacy = match &self.legacy {
            Some(text) => parse("legacy version", text)?,
            None => self.scheme.default_legacy(),
        };
        let metadata = match &self.metadata {
            Some(text) => Some(parse_metadata_path(text).map_err(|e| fail(e.to_string()))?),
            None => None,
        };
        let mut steps = Vec::with_capacity(self.steps.len());
        for step in self.steps {
            if let Some(message) = crate::ops::moves::malformed(&step.ops) {
                return Err(fail(message));
            }
            steps.push(TypedStep {
                from: parse("step", &step.from)?,
                to: parse("step", &step.to)?,
                ops: step.ops,
            });
        }
        let mut unversioned = Vec::with_capacity(self.unversioned.len());
        for (text, keys) in self.unversioned {
            unversioned.push((parse("unversioned version", &text)?, keys));
        }
        let mut history = History {
            type_name,
            current,
            legacy,
            key: self.key,
            metadata,
            steps,
            claims: self.claims,
            key_is_field: self.key_is_field,
            check: self.check,
            unversioned,
        };
        history.check().map_err(|e| fail(e.to_string()))?;
        let nested =
            crate::embedded::runtime::assemble(&mut history, self.embedded).map_err(fail)?;
        history.check_unversioned().map_err(fail)?;
        let mut schema = history.into_schema();
        if self.layout == Layout::Envelope && schema.key_is_field {
            return Err(fail(format!(
                "the envelope layout keeps the version beside the data, so the type cannot read \
                 the version key `{}` as a field",
                schema.key
            )));
        }
        schema.layout = self.layout;
        if self.newer == Newer::Read {
            if let Some(message) = schema.cannot_read_newer() {
                return Err(fail(message));
            }
            if schema.claims.is_none() {
                return Err(fail(
                    "reading newer documents (`newer = \"read\"`) needs the keys the type reads \
                     (`claims`), to tell the keys this build does not know"
                        .to_owned(),
                ));
            }
            schema.newer = Newer::Read;
        }
        if let Some(nested) = nested {
            // The types it holds are plain serde, with no reader that
            // migrates them: an old document is read whole, then migrated.
            schema.streaming = None;
            schema.nested = Some(Box::new(nested));
        }
        Ok(schema)
    }
}

/// A type's history with its versions typed: what a [`Schema`] is
/// assembled from. [`SchemaBuilder::build`] checks its rules at run time;
/// `#[versioned]` checks the same rules, with the same code, at compile
/// time and hands over a history that keeps them.
pub(crate) struct History {
    pub(crate) type_name: &'static str,
    pub(crate) current: Version,
    pub(crate) legacy: Version,
    pub(crate) key: &'static str,
    pub(crate) metadata: Option<ObjectPath>,
    pub(crate) steps: Vec<TypedStep>,
    pub(crate) claims: Option<BTreeSet<String>>,
    pub(crate) key_is_field: bool,
    pub(crate) check: Option<Box<CheckFn>>,
    pub(crate) unversioned: Unversioned,
}

/// A step with its versions parsed.
pub(crate) struct TypedStep {
    pub(crate) from: Version,
    pub(crate) to: Version,
    pub(crate) ops: Vec<Op>,
}

impl History {
    /// The rules of `vocab::history`, first broken first.
    fn check(&self) -> Result<(), DefinitionError> {
        let steps: Vec<StepEnds<'_>> = self
            .steps
            .iter()
            .map(|step| StepEnds {
                from: &step.from,
                to: &step.to,
                preserves: step.ops.iter().any(|op| match op {
                    Op::Preserve { .. } => true,
                    Op::Moves(op) => op.keeps(),
                    _ => false,
                }),
            })
            .collect();
        check_history(&Outline {
            legacy: &self.legacy,
            current: &self.current,
            key: self.key,
            metadata: self.metadata.as_ref(),
            steps: &steps,
        })
    }

    /// The versions declared unversioned are versions of the history,
    /// oldest first, each before the current version (which writes its key).
    fn check_unversioned(&self) -> Result<(), String> {
        let named = |version: &Version| {
            *version == self.legacy
                || self
                    .steps
                    .iter()
                    .any(|step| step.from == *version || step.to == *version)
        };
        let mut previous: Option<&Version> = None;
        for (version, _) in &self.unversioned {
            if *version >= self.current {
                return Err(format!(
                    "unversioned version {version} is not before the current version {}, which writes `{}`",
                    self.current, self.key
                ));
            }
            if !named(version) {
                return Err(format!(
                    "unversioned version {version} is no version of the history: no step starts or ends there"
                ));
            }
            if let Some(previous) = previous.filter(|previous| *previous >= version) {
                return Err(format!(
                    "unversioned versions go oldest first, once each: {version} after {previous}"
                ));
            }
            previous = Some(version);
        }
        for (later, (version, keys)) in self.unversioned.iter().enumerate() {
            let same = self.unversioned[..later]
                .iter()
                .find(|(_, other)| other == keys);
            if let Some((earlier, _)) = same {
                return Err(format!(
                    "unversioned versions {earlier} and {version} have the same keys: a document without `{}` could never be told apart between them",
                    self.key
                ));
            }
        }
        Ok(())
    }

    /// The schema, with what every read needs worked out once. Infallible:
    /// the history's rules hold.
    pub(crate) fn into_schema(self) -> Schema {
        let mut edges = Vec::with_capacity(self.steps.len());
        let mut ops = Vec::with_capacity(self.steps.len());
        let mut known: BTreeSet<Version> = [self.legacy.clone(), self.current.clone()].into();
        for step in self.steps {
            known.insert(step.from.clone());
            known.insert(step.to.clone());
            edges.push((step.from, step.to));
            ops.push(step.ops);
        }
        let paths_to_current = known
            .iter()
            .map(|version| find_path(&edges, version, &self.current))
            .collect();
        // An integrity check sees the whole old document, so a history
        // with one is buffered, like one with a hand-written step; so does
        // a history whose keyless documents are classified by their keys,
        // which must all be seen before the version is known.
        let streaming = if self.check.is_some() || self.unversioned.len() > 1 {
            None
        } else {
            StreamPlan::new(
                &ops,
                self.metadata.as_ref(),
                self.claims.as_ref(),
                self.key_is_field,
            )
        };
        let history_entries = edges
            .iter()
            .map(|(from, to)| {
                let mut entry = serde_json::Map::new();
                entry.insert("from".to_owned(), from.to_value());
                entry.insert("to".to_owned(), to.to_value());
                Value::Object(entry)
            })
            .collect();
        let renamed = crate::de::renamed::RenamedFields::new(&ops);
        Schema {
            type_name: self.type_name,
            scheme: self.current.scheme(),
            current_text: self.current.to_string(),
            current: self.current,
            legacy: self.legacy,
            key: self.key,
            metadata: self.metadata,
            edges,
            ops,
            known_values: known.iter().map(Version::to_value).collect(),
            history_entries,
            paths_to_current,
            known: known.into_iter().collect(),
            claims: self.claims,
            key_is_field: self.key_is_field,
            stamps_itself: false,
            check: self.check,
            streaming,
            nested: None,
            unversioned: self.unversioned,
            newer: Newer::Fail,
            layout: Layout::Inline,
            renamed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn trace() -> Schema {
        Schema::semver("Trace", "0.2.0")
            .step(Step::new("0.0.1", "0.1.0"))
            .step(Step::new("0.1.0", "0.2.0"))
            .build()
            .unwrap()
    }

    #[test]
    fn the_key_may_stand_anywhere() {
        let doc = json!({"a": 1, "b": 2, "schema_version": "0.1.0"});
        assert_eq!(trace().detect(&doc).unwrap().to_string(), "0.1.0");
    }

    #[test]
    fn no_key_is_the_legacy_version() {
        assert_eq!(trace().detect(&json!({})).unwrap().to_string(), "0.0.1");
    }

    #[test]
    fn a_key_of_the_wrong_kind_is_an_error() {
        let err = trace().detect(&json!({"schema_version": 3})).unwrap_err();
        assert!(matches!(err, Error::MalformedVersion { .. }), "{err}");
        let err = trace()
            .detect(&json!({"schema_version": null}))
            .unwrap_err();
        assert!(err.to_string().contains("found null"), "{err}");
    }

    #[test]
    fn newer_and_unknown_versions_are_errors() {
        let err = trace()
            .detect(&json!({"schema_version": "0.3.0"}))
            .unwrap_err();
        assert!(matches!(err, Error::NewerVersion { .. }), "{err}");
        let err = trace()
            .detect(&json!({"schema_version": "0.1.5"}))
            .unwrap_err();
        assert!(matches!(err, Error::UnknownVersion { .. }), "{err}");
        assert!(
            err.to_string().contains("known: 0.0.1, 0.1.0, 0.2.0"),
            "{err}"
        );
    }

    #[test]
    fn fast_comparisons_follow_the_scheme() {
        let s = trace();
        assert!(s.is_current_text("0.2.0"));
        assert!(!s.is_current_text("0.1.0"));
        assert!(!s.is_current_number(2));
        let i = Schema::integer("N", 2).build().unwrap();
        // A string is never an integer version, even the current one's digits.
        assert!(!i.is_current_text("2"));
        assert!(i.is_current_number(2));
        assert!(!i.is_current_number(1));
    }

    #[test]
    fn the_stream_plan_captures_what_a_migration_touches() {
        let s = Schema::semver("T", "0.3.0")
            .metadata("context.metadata")
            .claims(["outcome", "steps", "context", "tags"])
            .step(Step::new("0.1.0", "0.2.0").rename("result", "outcome"))
            .step(
                Step::new("0.2.0", "0.3.0")
                    .preserve("notes")
                    .add("tags", || json!([]))
                    .add("flag", || json!(false)),
            )
            .build()
            .unwrap();
        let plan = s.streaming.as_ref().unwrap();
        // An added key no field claims is moved into the metadata: captured.
        for key in ["result", "notes", "context", "stray", "tag", "flag"] {
            assert_eq!(plan.handling(key), Handling::Capture, "{key}");
        }
        // Of a rename's new name, and of an added field, a migration only
        // asks whether the document has it.
        assert_eq!(plan.handling("outcome"), Handling::Note(0));
        assert_eq!(plan.handling("tags"), Handling::Note(1));
        assert_eq!(plan.noted(0b10).collect::<Vec<_>>(), ["tags"]);
        assert!(plan.may_touch("outcome"));
        assert_eq!(plan.handling("steps"), Handling::Stream);
        assert!(!plan.may_touch("steps"));
        // Without a metadata path a key no field claims stays where it is.
        let s = Schema::semver("T", "0.2.0")
            .claims(["outcome", "steps"])
            .step(Step::new("0.1.0", "0.2.0").rename("result", "outcome"))
            .build()
            .unwrap();
        let plan = s.streaming.as_ref().unwrap();
        assert!(plan.may_touch("result"));
        assert!(!plan.may_touch("stray"));
        assert!(!plan.may_touch("steps"));
    }

    #[test]
    fn hand_written_steps_have_no_stream_plan() {
        let s = Schema::integer("T", 1)
            .step(Step::new(0, 1).with(|_| Ok::<(), String>(())))
            .build()
            .unwrap();
        assert!(s.streaming.is_none());
        let s = Schema::integer("T", 1).key_is_field().build().unwrap();
        assert!(s.streaming.is_none());
    }

    #[test]
    fn inconsistent_histories_are_rejected() {
        let err = |b: SchemaBuilder| b.build().unwrap_err().to_string();
        assert!(err(Schema::semver("T", "0.0.1")).contains("not after the legacy version 0.0.1"));
        assert!(err(Schema::semver("T", "0.1.0").key("")).contains("must not be empty"));
        assert!(err(Schema::semver("T", "0.2.0")
            .legacy("0.1.0")
            .step(Step::new("0.0.1", "0.2.0")))
        .contains("starts before the legacy version 0.1.0"));
        assert!(err(Schema::semver("T", "x")).contains("malformed version \"x\""));
        assert!(
            err(Schema::semver("T", "0.2.0").step(Step::new("0.2.0", "0.1.0")))
                .contains("does not go forward")
        );
        assert!(
            err(Schema::semver("T", "0.2.0").step(Step::new("0.1.0", "0.3.0")))
                .contains("past the current")
        );
        assert!(err(Schema::semver("T", "0.2.0").metadata("a..b")).contains("metadata path"));
        assert!(
            err(Schema::semver("T", "0.2.0").step(Step::new("0.1.0", "0.2.0").preserve("x")))
                .contains("no metadata path")
        );
        assert!(err(Schema::semver("T", "0.2.0")
            .step(Step::new("0.1.0", "0.2.0"))
            .step(Step::new("0.1.0", "0.2.0")))
        .contains("a second step from 0.1.0 to 0.2.0"));
    }
}
