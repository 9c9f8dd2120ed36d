//! Schema evolution for serde documents, without losing a byte of old data.
//!
//! Annotate a struct once with `#[versioned]`, and every document it writes
//! carries its schema version, while every old document (even one written
//! before versioning existed) is detected and migrated step by step to the
//! current struct, wherever serde reads it.
//!
//! ```
//! use palimpsest::versioned;
//! use serde::{Deserialize, Serialize};
//!
//! #[versioned(since = "0.1.0", metadata = "context.metadata")]
//! #[derive(Debug, Serialize, Deserialize)]
//! pub struct Trace {
//!     pub problem_statement: String,
//!     #[renamed_from("result", since = "0.2.0")]
//!     pub outcome: String,
//!     #[removed_in("0.3.0")]
//!     pub notes: String,
//!     #[serde(default)]
//!     pub context: Context,
//! }
//!
//! #[derive(Debug, Default, Serialize, Deserialize)]
//! pub struct Context {
//!     #[serde(default)]
//!     pub metadata: serde_json::Map<String, serde_json::Value>,
//! }
//!
//! // A document written before versioning existed...
//! let old = r#"{"problem_statement": "p", "result": "done", "notes": "n"}"#;
//! // ...reads through plain serde into the current struct,
//! let trace: Trace = serde_json::from_str(old)?;
//! assert_eq!(trace.outcome, "done");
//! // with nothing lost and the history recorded.
//! assert_eq!(trace.context.metadata["legacy_notes"], "n");
//! assert_eq!(trace.context.metadata["migrated_from"], "0.0.1");
//!
//! // Every document written carries its version, first.
//! let written = serde_json::to_string(&trace)?;
//! assert!(written.starts_with(r#"{"schema_version":"0.3.0","#));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! The engine underneath works without the macro too: implement
//! [`Versioned`] with a [`Schema`] built by hand, and use [`from_str`],
//! [`migrate()`], [`detect`] and the rest for typed errors and a [`Report`]
//! of what ran.
//!
//! New here? The guide, `palimpsest::guide` (built with the `testing`
//! feature, as on docs.rs), walks from a first versioned struct through
//! every kind of change, nested types and enums, old and new builds side by
//! side, the guarantees, the errors and the bulk command; its chapters are
//! `docs/guide/` in the repository.
//!
//! # Formats
//!
//! A versioned type reads and writes through every self-describing serde
//! format, where a document names its fields and says what each value is:
//! old documents migrate as they do from JSON, current ones take the fast
//! path at plain serde's cost, and every document written carries its
//! version first. JSON (text, `serde_json::Value` and `RawValue`), YAML,
//! TOML, CBOR, MessagePack and RON are tested with one trace at every
//! version (`tests/formats_matrix.rs` in the repository). What each asks:
//!
//! - TOML has no null: a `None` field is left out of the document, as
//!   toml leaves it out of any struct, and read back as `None`. Its tables
//!   come after its values, so the version key, written first, stays first.
//! - MessagePack: write with `rmp_serde::to_vec_named`. Its compact form
//!   (`rmp_serde::to_vec`) writes a struct as an array without the field
//!   names, where neither the version key nor an old field can be found:
//!   reading one fails with ``invalid type: sequence, expected a `Trace`
//!   document (an object)``.
//! - RON: documents as RON writes them, `(schema_version: "0.3.0", ...)`,
//!   or `Trace(schema_version: "0.3.0", ...)` with the struct names.
//!
//! Formats that do not describe their data, such as bincode and postcard,
//! cannot carry a versioned type: they read a value only as the shape the
//! reader expects, and a versioned document's shape depends on the version
//! it carries. Writing succeeds (the version is one more field), reading
//! fails: bincode's error ends with ``: `Trace` is versioned, and is read
//! only from a self-describing format [...]``; postcard's errors carry no
//! message, so it fails with its own, `This is a feature that PostCard
//! will never implement`. Never a wrong value. The supported way is to
//! keep the document in the binary record as its JSON (or CBOR) bytes, and
//! read it with palimpsest:
//!
//! ```
//! use palimpsest::versioned;
//! use serde::{Deserialize, Serialize};
//!
//! #[versioned(since = "0.1.0")]
//! #[derive(Debug, PartialEq, Serialize, Deserialize)]
//! pub struct Trace {
//!     #[renamed_from("result", since = "0.2.0")]
//!     pub outcome: String,
//! }
//!
//! /// A record of a binary store (bincode, postcard): the trace is kept
//! /// as the bytes of its JSON document.
//! #[derive(Serialize, Deserialize)]
//! pub struct Record {
//!     pub id: u64,
//!     trace: Vec<u8>,
//! }
//!
//! impl Record {
//!     pub fn new(id: u64, trace: &Trace) -> Result<Self, palimpsest::Error> {
//!         Ok(Record { id, trace: palimpsest::to_vec(trace)? })
//!     }
//!
//!     /// The trace, migrated if an older build wrote the record.
//!     pub fn trace(&self) -> Result<Trace, palimpsest::Error> {
//!         Ok(palimpsest::from_slice(&self.trace)?.value)
//!     }
//! }
//!
//! // A record written before `result` was renamed...
//! let old = Record { id: 1, trace: br#"{"schema_version": "0.1.0", "result": "done"}"#.to_vec() };
//! // ...reads into the current struct.
//! assert_eq!(old.trace()?.outcome, "done");
//! let record = Record::new(2, &Trace { outcome: "ok".into() })?;
//! assert_eq!(record.trace()?, Trace { outcome: "ok".into() });
//! # Ok::<(), palimpsest::Error>(())
//! ```
//!
//! # Cargo features
//!
//! The default build is the engine and the macro, nothing else: it depends
//! on serde, serde_json, semver and thiserror only. The rest is opt-in:
//!
//! | feature | what it adds |
//! |---|---|
//! | `testing` | `palimpsest::testing`: checks for a test suite that every old document kept as a fixture migrates to the current type, with no value lost on the way (`assert_fixtures`), that values and documents round-trip through every older version (`assert_round_trips`, `assert_fixture_round_trips`), and that the schema lock holds (`assert_lock`); includes `contracts` |
//! | `contracts` | `palimpsest::contract`: each version's shape read off the type's serde derive and its history; the schema lock (`Lock`) that fails when a struct changed without the version and attribute that explain it, with the promise of a schema registry's compatibility levels; changelogs between two versions (Markdown and JSON); each version's JSON Schema (`Shape::json_schema`, written from the shape: no schemars, nothing to derive); golden documents, a sample value (`sample`) written as every version (`write_golden`) |
//! | `models` | `palimpsest::models`: the agent execution traces of the migration guide (`ExecutionTrace` and its parts), versioned with palimpsest itself |
//!
//! A test suite usually wants `testing` as a dev-dependency feature only:
//!
//! ```toml
//! [dependencies]
//! palimpsest = "0.1"
//!
//! [dev-dependencies]
//! palimpsest = { version = "0.1", features = ["testing"] }
//! ```

#![deny(missing_docs)]
// docs.rs builds with every feature and `--cfg docsrs`, and marks each
// gated item with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The models module uses `#[versioned]`, whose output names `::palimpsest`.
extern crate self as palimpsest;

mod chain;
mod collect;
mod context;
#[cfg(feature = "contracts")]
#[cfg_attr(docsrs, doc(cfg(feature = "contracts")))]
pub mod contract;
mod de;
mod downgrade;
mod embedded;
mod envelope;
mod error;
mod forward;
// Documentation only, so it exists where docs are built or tested; its
// examples use `palimpsest::testing`, hence the feature.
#[cfg(all(any(doc, doctest), feature = "testing"))]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod guide;
mod ignored;
mod migrate;
#[cfg(feature = "models")]
#[cfg_attr(docsrs, doc(cfg(feature = "models")))]
pub mod models;
mod newer;
mod numbers;
pub mod object;
mod ops;
mod read;
mod schema;
mod ser;
mod shape;
mod step;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod track;
mod version;
mod write;
// Shared with the macro, which uses parts this crate does not (and the
// other way round): see src/vocab/mod.rs, a symlink into palimpsest-derive.
#[allow(dead_code)]
mod vocab;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

// The public API, one name per concept: every item below is reachable by
// this path only (`object` is the one public module of the default build).
pub use context::{with_context, Context};
pub use downgrade::{to_value_as, to_value_as_lossy, Lost};
pub use embedded::EmbeddedSchema;
pub use envelope::Layout;
pub use error::Error;
pub use migrate::{
    Report, StepRecord, LEGACY_NESTED, LEGACY_NESTED_UNCLAIMED, LEGACY_UNKNOWN, MIGRATED_FROM,
    MIGRATION_HISTORY,
};
pub use newer::{Newer, FORWARD};
pub use ops::convert::{ConvertError, ConvertFunction};
pub use ops::moves::Conflict;
pub use read::{
    detect, from_reader, from_slice, from_str, from_str_strict, from_value, from_value_strict,
    migrate, migrate_to, needs_migration, with_report, Migrated, Reader,
};
pub use schema::{Schema, SchemaBuilder, Versioned};
pub use shape::{Fit, Inference, Keys, INFERRED_VERSION};
pub use step::{Step, StepFunction};
pub use version::{ParseVersionError, Scheme, Version};
pub use write::{to_string, to_value, to_vec, to_writer};

/// Makes a struct versioned: its documents carry their schema version, and
/// old documents migrate to the current struct wherever serde reads them.
///
/// It must stand above `#[derive(Serialize, Deserialize)]`, whose work it
/// takes over: the struct's `#[serde(...)]` attributes keep their meaning.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use serde_json::{Map, Value};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Trace {
///     pub problem_statement: String,
///     #[renamed_from("result", since = "0.2.0")]
///     pub outcome: String,
///     #[added_in("0.2.0")]
///     #[serde(default)]
///     pub tags: Vec<String>,
///     #[removed_in("0.3.0")]
///     pub notes: String,
///     #[serde(default)]
///     pub meta: Map<String, Value>,
/// }
///
/// let trace: Trace = serde_json::from_str(r#"{"problem_statement": "p", "result": "r", "notes": "n"}"#)?;
/// assert_eq!(trace.outcome, "r");
/// assert_eq!(trace.meta["legacy_notes"], "n");
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # The attribute's keys
///
/// | key | meaning | default |
/// |---|---|---|
/// | `since = "0.1.0"` | the first versioned schema; required | |
/// | `version = "0.3.0"` | the current version | the highest version named anywhere |
/// | `legacy = "0.0.1"` | the version of documents without a version key | `"0.0.1"`, or `0` for integers |
/// | `unversioned = ["0.1.0", "0.2.0"]` | the versions whose builds wrote no version key, oldest first, each a version of the history before the current one; a document without the key is classified by its keys (see [Documents without a version key](#documents-without-a-version-key-from-several-builds)) | the legacy version alone |
/// | `key = "schema_version"` | the key the version is written under | `"schema_version"` |
/// | `metadata = "context.metadata"` | the dotted path of the object that records migration history and preserved values; its first segment is a field | none |
/// | `step(from = "0.1.0", to = "0.1.1", with = path)` | a hand-written step from a version to the next (repeatable); `path` is a [`Step::with`]-style function on the JSON object, or a [`Step::typed`]-style function from a typed snapshot; where field attributes also act in `to`, `combine = "before"`, `"after"` or `"replace"` says how the two join. [`to_value_as`] across it is [`Error::Irreversible`], naming the step | |
/// | `step(from = "0.1.0", to = "0.1.1", with = up, back = down)` | as above, and `down`, of either kind (typed: `fn(New) -> Result<Old, E>`), undoes `up`: [`to_value_as`] across the step runs it ([`Step::with_inverse`], [`Step::typed_with_inverse`]) | |
/// | `check = path` | an integrity check run on every old document before its first step ([`SchemaBuilder::check`]) | |
/// | `snapshot(version = "0.1.0", name = TraceV010)` | generates `TraceV010`, a plain serde struct with the fields documents of that version carry, under their names then, for a typed step to read | |
/// | `moved(from = "user", to = "client.user", since = "0.3.0")` | documents older than 0.3.0 carry the value at `from`; the step into 0.3.0 moves it to `to` (both dotted paths, `to` inside a field; see [Moves](#moves-set-values-and-declared-drops)); `on_conflict = "old_wins"` or `"new_wins"` as on `renamed_from`; repeatable; also on embedded types | |
/// | `dropped("context.debug", since = "0.3.0")` | the step into 0.3.0 drops the value at that path on purpose: listed in the report's `dropped`, and counted as intended by the no-loss check of `palimpsest::testing`; repeatable; also on embedded types | |
/// | `newer = "read"` | a document newer than the current version (written by a newer build) is read as the current struct, and its version and the keys this build does not know are kept in `<metadata>.forward`, from where writing the value puts them back: an old build round-trips a new document. Needs `metadata`. A caller chooses per read with [`Reader::newer`] (see [Newer documents](#newer-documents)) | `"fail"`: [`Error::NewerVersion`] |
/// | `layout = "envelope"` | documents are `{"version": V, "data": {...}}` (version-migrate's wrapped format) instead of carrying the version key among their fields; the metadata path is inside `data` (see [The envelope layout](#the-envelope-layout)) | `"inline"` |
/// | `embedded` | a type used inside a versioned one: its field attributes (or an enum's variant attributes and the field attributes of its struct variants, or a positional tuple struct's element attributes) are dated in the versions of the document holding it, and it writes no version; it takes none of the keys above (see [Embedded types](#embedded-types), [Embedded enums](#embedded-enums) and [Embedded tuple structs](#embedded-tuple-structs)) | |
///
/// Versions are semver strings (`"0.1.0"`) or integers (`1`), one or the
/// other for a whole type: `#[versioned(since = 1)]` writes
/// `"schema_version": 1`. A document's version is read in the same kind
/// only: a semver version from a JSON string, an integer version from a
/// non-negative JSON integer. The string `"1"` for an integer type, or the
/// number `1` for a semver type, is [`Error::MalformedVersion`], whose
/// message says which kind was expected (see [`Scheme`]).
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = 1)]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Counter {
///     count: u64,
/// }
///
/// let counter: Counter = serde_json::from_str(r#"{"schema_version": 1, "count": 3}"#)?;
/// assert_eq!(counter.count, 3);
/// let err = serde_json::from_str::<Counter>(r#"{"schema_version": "1", "count": 3}"#).unwrap_err();
/// assert!(err.to_string().contains("expected a non-negative integer such as 3, found a string"));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Field attributes
///
/// They speak of the field's serde name, after `rename` and `rename_all`.
///
/// - `#[renamed_from("old", since = "0.2.0")]`: documents older than 0.2.0
///   carry the value under `old`; the step into 0.2.0 moves it (an error if
///   both names are present). `old` is also accepted as an alias on read.
///   Repeatable, for a field renamed several times. With
///   `on_conflict = "old_wins"` (the old name's value wins) or
///   `"new_wins"`, a document holding both names is no error: the losing
///   value is kept in the metadata as `legacy_<name>` (or, without a
///   metadata path, listed in the report's `dropped`).
/// - `#[moved_from("context.env", since = "0.2.0")]`: documents older than
///   0.2.0 carry the value at that dotted path, relative to the object
///   holding the field (out of a nested object, or sideways); the step into
///   0.2.0 moves it. `on_conflict` as on `renamed_from`.
/// - `#[set(since = "0.3.0", value = expr)]`: the step into 0.3.0 sets the
///   field to `expr` (of the field's type), whatever the document held; the
///   value it overwrites is kept as `<metadata>.legacy_<field>`, and comes
///   back from there on a downgrade. Without a `metadata` path, write
///   `#[set(since = "0.3.0", value = expr, drop)]`.
/// - `#[added_in("0.2.0")]`: the field exists from 0.2.0; the step into
///   0.2.0 inserts its default into older documents, so it must have one
///   (`#[serde(default)]`, `#[serde(default = "path")]` or a container
///   default). In a generic struct, or for a field with a `with`-style
///   serde format, the JSON form of the default is not known statically:
///   the field is then filled by serde when the struct is read, and absent
///   from a document migrated with [`migrate()`]. The default is the
///   current type's value, already in its last shape: the conversions,
///   wraps, key renames and `set`s of later versions (and, in an embedded
///   type, of the same version) leave it as it is, and the report lists it
///   as defaulted only; a value a rename or move brings into it is the
///   document's, and goes through them.
///   [`to_value_as`] an older version takes the field out when it holds
///   its default; holding more, it is [`Error::WouldLose`] naming the field
///   and its path, unless [`to_value_as_lossy`] (or
///   [`Schema::downgrade_lossy`]) lets the value go and lists it in the
///   report's [`lost`](Report::lost).
/// - `#[removed_in("0.3.0")]`: the field is gone from the struct from 0.3.0
///   (the macro removes it from the type); the step into 0.3.0 moves its
///   value to `<metadata>.legacy_<field>`, from where [`to_value_as`] an
///   older version gives it back. Without a `metadata` path, write
///   `#[removed_in("0.3.0", drop)]` to say the value may be dropped. A
///   document that holds no value for it (one written at 0.3.0 or later,
///   or a dropped one) gets the field's own default on the way down, if it
///   declares one (`#[serde(default)]` or `#[serde(default = "path")]` on
///   the removed field; at run time [`Step::preserve_or`],
///   [`Step::drop_field_or`]); without one, [`Error::Irreversible`] names
///   the field.
///
/// # Conversions of a field's value
///
/// When a field keeps its name but its value changes shape, one attribute
/// says how. It speaks of the field's name in its version: in the step
/// into that version, renames run first, then conversions, so
/// `#[renamed_from("function_call", since = "0.3.0")] #[wrapped(since =
/// "0.3.0")] tool_calls` wraps the value it renamed. A document without
/// the field is left without it. A field takes one conversion per version.
///
/// | attribute | what the step into `V` does | what writing an older version does ([`to_value_as`]) |
/// |---|---|---|
/// | `#[converted(since = "V", with = up)]` | converts the value with `up`, typed `fn(Old) -> Result<New, E>` (the old value deserialized into `Old`; `serde_json::Value` for both to work on the JSON value) or in place `fn(&mut Value) -> Result<(), E>`, told apart by signature ([`ConvertFunction`]) | [`Error::Irreversible`], naming the field, for a document that has it |
/// | `#[converted(since = "V", with = up, back = down)]` | as above | converts the value back with `down` |
/// | `#[wrapped(since = "V")]` | `x` becomes `[x]`, `null` the empty list `[]` | `[x]` becomes `x`, `[]` becomes `null`; a longer list is [`Error::Irreversible`] |
/// | `#[unwrapped(since = "V")]` | `[x]` becomes `x`; a list of any other length is [`Error::Convert`] naming the path and the length, never truncated; `null` stays | `x` becomes `[x]`; `null` stays |
/// | `#[renamed_keys(since = "V", "cpu_ms" = "cpu.ms", ...)]` | renames keys of the field's object (a map), all pairs at once; an old key whose new one is present too is [`Error::Conflict`] | renames them back |
///
/// A value a conversion cannot take (one that does not fit `Old`, an error
/// of the function, a list of the wrong length) is [`Error::Convert`], with
/// the type, the versions and the field's path; the report lists converted
/// fields in [`Report::converted`]. The same attributes work on the fields
/// of embedded types, at any depth, with paths such as
/// `messages[3].tool_calls`. Embedded objects inside a wrapped or
/// unwrapped field get their own changes in either shape: before the wrap
/// as the field's value, after it as the elements of its list.
/// [`Step::convert`], [`Step::wrap`], [`Step::unwrap`] and
/// [`Step::rename_keys`] are their runtime form.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use std::collections::BTreeMap;
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Chat {
///     #[converted(since = "0.2.0", with = parse_id, back = print_id)]
///     pub user_id: u64,
///     #[renamed_from("function_call", since = "0.2.0")]
///     #[wrapped(since = "0.2.0")]
///     #[serde(default)]
///     pub tool_calls: Vec<serde_json::Value>,
///     #[unwrapped(since = "0.2.0")]
///     pub model: String,
///     #[renamed_keys(since = "0.2.0", "cpu_ms" = "cpu.ms")]
///     pub usage: BTreeMap<String, u64>,
/// }
///
/// fn parse_id(id: String) -> Result<u64, std::num::ParseIntError> {
///     id.parse()
/// }
///
/// fn print_id(id: u64) -> Result<String, std::convert::Infallible> {
///     Ok(id.to_string())
/// }
///
/// let old = r#"{"schema_version": "0.1.0", "user_id": "42", "function_call": {"name": "ls"},
///               "model": ["gpt-4"], "usage": {"cpu_ms": 120}}"#;
/// let read = palimpsest::from_str::<Chat>(old)?;
/// assert_eq!(read.value.user_id, 42);
/// assert_eq!(read.value.tool_calls, [serde_json::json!({"name": "ls"})]);
/// assert_eq!(read.value.model, "gpt-4");
/// assert_eq!(read.value.usage["cpu.ms"], 120);
/// assert_eq!(read.report.converted, ["user_id", "tool_calls", "model", "usage"]);
/// // Every conversion here has an inverse: the old form is written back.
/// let written = palimpsest::to_value_as(&read.value, "0.1.0")?;
/// assert_eq!(written, serde_json::from_str::<serde_json::Value>(old)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Moves, set values and declared drops
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use serde_json::{json, Map, Value};
///
/// #[versioned(
///     since = "0.1.0",
///     metadata = "meta",
///     moved(from = "user", to = "client.user", since = "0.2.0"),
///     dropped("context.debug", since = "0.2.0"),
/// )]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Run {
///     #[moved_from("context.env", since = "0.2.0")]
///     pub environment: String,
///     #[serde(default)]
///     pub client: Map<String, Value>,
///     #[renamed_from("label", since = "0.2.0", on_conflict = "old_wins")]
///     pub title: String,
///     #[set(since = "0.2.0", value = 3)]
///     pub retries: u32,
///     #[serde(default)]
///     pub context: Map<String, Value>,
///     #[serde(default)]
///     pub meta: Map<String, Value>,
/// }
///
/// let old = json!({
///     "schema_version": "0.1.0",
///     "label": "nightly", "title": "stale",
///     "user": "ada", "retries": 10,
///     "context": {"env": "prod", "debug": true},
/// });
/// let read = palimpsest::from_value::<Run>(old)?;
/// let run = read.value;
/// assert_eq!((run.environment.as_str(), run.title.as_str(), run.retries), ("prod", "nightly", 3));
/// assert_eq!(run.client["user"], "ada");
/// // The emptied source object stays; what lost its place is kept.
/// assert_eq!(run.context, Map::new());
/// assert_eq!((&run.meta["legacy_title"], &run.meta["legacy_retries"]), (&json!("stale"), &json!(10)));
/// assert_eq!(read.report.renamed, ["label -> title"]);
/// assert_eq!(read.report.moved, ["context.env -> environment", "user -> client.user"]);
/// assert_eq!(read.report.dropped, ["context.debug"]);
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// - Paths are dotted keys relative to the object holding the field (the
///   document, or an embedded object: inside `#[versioned(embedded)]` types
///   they work the same, and the report lists them once by the report
///   path their objects share, `steps[].who -> steps[].actor.name`).
/// - A move creates the objects missing on its way to the target; one that
///   finds a value at both ends is [`Error::Conflict`] unless `on_conflict`
///   says which wins; a path through a value that is not an object is
///   [`Error::NotAnObject`] naming it. An object a move empties stays,
///   empty.
/// - In one version, renames and moves run first, then conversions, then
///   set values, then defaults of added fields, then declared drops
///   (removed fields go before renames, so a rename may reuse a removed
///   field's name).
/// - [`to_value_as`] moves values back and restores what `set` overwrote
///   (a value set with `drop` is irreversible; the losing value of a
///   conflict stays in the metadata). A declared drop is irreversible for
///   a document written before it (its `<metadata>.migrated_from` says
///   so), and no obstacle for one written since, which never held the
///   value.
/// - At run time: [`Step::move_value`], [`Step::rename_with`] with a
///   [`Conflict`], [`Step::set`], [`Step::drop_path`].
///
/// # What is written, and what is read
///
/// - Every serializer writes `"<key>": <current version>` as the first entry
///   of the struct; a versioned type cannot be written without it.
/// - Every self-describing format ([Formats](crate#formats)) reads old
///   documents, wherever the type sits (top level, `Vec`, `Option`, map
///   values, fields): the version is detected wherever the key stands (no
///   key is the legacy version, or the one of the `unversioned` versions
///   the document's keys fit best), the steps run in order, and the result
///   is deserialized with the struct's serde attributes. A current document whose key comes first, as
///   palimpsest writes it, goes straight to serde with no intermediate tree.
/// - With a `metadata` path, a migrated document records `migrated_from`
///   (the version before its first migration, never overwritten) and
///   `migration_history` (one `{"from", "to"}` per step), and keys of the
///   old document that no field of the struct claims are kept under
///   `<metadata>.legacy_unknown` rather than ignored. Without one, serde's
///   usual rules apply to such keys (ignored, or rejected with
///   `deny_unknown_fields`). A struct with a `flatten` field claims every
///   key, so nothing goes to `legacy_unknown`. Keys a current document
///   carries that no field names are left to serde as usual.
/// - Migration errors reach serde as custom errors with the full message
///   (type, versions, field path); [`from_str`] and the other functions of
///   this crate return them typed, as [`Error`].
///
/// # Documents without a version key from several builds
///
/// When more than one old build wrote no version key, `unversioned` lists
/// their versions, and a document without the key is classified by its
/// keys. The macro works out the keys each version's documents have from
/// the field attributes: a field exists from its `added_in` until its
/// `removed_in`, under its `renamed_from` name (or the first segment of its
/// `moved_from` path) before the rename; a field its reader could do
/// without (a serde default, an `Option`) is a key documents have only
/// sometimes. Against each candidate a document counts one mismatch per
/// key the version always wrote that it lacks, and one per key of its own
/// the version never wrote; the fewest mismatches win. A tie is
/// [`Error::AmbiguousShape`], naming the candidates and the keys that
/// decided nothing: palimpsest never guesses, since a guess migrates a
/// document through steps it already went through (magic_migrate's "ABA
/// problem"). The report's [`Report::inferred`] and, with a metadata path,
/// `<metadata>.inferred_version` say which version was inferred and how
/// each candidate fitted. With several candidates a keyless document is
/// read whole before it is classified (its keys must all be seen first);
/// documents with a key take their usual route. At run time:
/// [`SchemaBuilder::unversioned`] with [`Keys`].
///
/// ```
/// use palimpsest::{versioned, Error};
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = 1, metadata = "meta", unversioned = [1, 2])]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     title: String,
///     #[renamed_from("body", since = 2)]
///     text: String,
///     #[added_in(3)]
///     #[serde(default)]
///     tags: Vec<String>,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// // Written by build 1 (`body`) and build 2 (`text`), neither with a key.
/// let one = palimpsest::from_str::<Note>(r#"{"title": "a", "body": "b"}"#)?;
/// assert_eq!(one.report.from.to_string(), "1");
/// let two = palimpsest::from_str::<Note>(r#"{"title": "a", "text": "b"}"#)?;
/// assert_eq!(two.report.from.to_string(), "2");
/// assert_eq!(two.value.meta["inferred_version"]["version"], 2);
///
/// // `title` alone fits both builds equally: an error, not a guess.
/// let err = palimpsest::from_str::<Note>(r#"{"title": "a"}"#).unwrap_err();
/// assert!(matches!(err, Error::AmbiguousShape { .. }));
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Steps with the caller's context
///
/// A hand-written step or a conversion that needs outside data (a lookup
/// table, a clock, a tenant id) takes it as a last argument, `&C`: the
/// caller puts a [`Context`] holding a `C` in scope for the read with
/// [`with_context`], through any entry point (this crate's functions,
/// serde's, [`Schema::migrate`], at any depth), and no global is needed.
/// The kinds are those of [`StepFunction`] and [`ConvertFunction`] with the
/// context added: `fn(&mut Map<String, Value>, &C)`, `fn(Old, &C) ->
/// Result<New, E>` for steps, `fn(Old, &C) -> Result<New, E>` and
/// `fn(&mut Value, &C)` for conversions. A read that reaches one with no
/// `C` in scope fails with [`Error::MissingContext`] (a conversion with
/// [`ConvertError::MissingContext`]), naming the step and the type. The
/// context is per thread: a bulk migration that spreads documents over
/// threads puts it in scope on each.
///
/// ```
/// use palimpsest::{versioned, with_context, Context};
/// use serde::{Deserialize, Serialize};
///
/// /// The clock the migration reads, so a test can fix it.
/// struct Now(u64);
///
/// fn to_timestamp(age_seconds: u64, now: &Now) -> Result<u64, String> {
///     now.0.checked_sub(age_seconds).ok_or_else(|| "older than the epoch".into())
/// }
///
/// #[versioned(since = 1)]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Event {
///     #[renamed_from("age", since = 2)]
///     #[converted(since = 2, with = to_timestamp)]
///     created_at: u64,
/// }
///
/// let old = r#"{"schema_version": 1, "age": 60}"#;
/// let context = Context::new().with(Now(1_000));
/// let event: Event = with_context(&context, || serde_json::from_str(old))?;
/// assert_eq!(event.created_at, 940);
/// assert!(palimpsest::from_str::<Event>(old).is_err()); // no clock in scope
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Newer documents
///
/// During a rolling deployment, old and new builds run side by side, and
/// an old build meets documents a newer one wrote. By default such a
/// document is [`Error::NewerVersion`]: this build cannot know what the
/// newer one meant. With `newer = "read"` on the type (or
/// [`Reader::new().newer(Newer::Read)`](Reader::newer) for one read;
/// [`SchemaBuilder::newer`] at run time), it is read as the current
/// struct, and what this build does not know is kept in the metadata
/// object, under [`FORWARD`]:
/// `{"version": <the document's>, "unknown": {<top-level keys no field
/// claims>}, "nested": {<keys of embedded objects no field claims, by
/// path, such as "steps[0].confidence">}}`. Writing the value (its
/// `Serialize`, [`to_value`], ...) takes the record out, puts each key
/// back where it stood and writes the newer version: the document goes
/// back as the newer build wrote it, with this build's edits.
///
/// - A value this build would refuse (a newer enum variant, a value of
///   another type) is [`Error::Mismatch`] naming its path; nothing is
///   guessed.
/// - A newer document is read whole, not streamed; so is a document whose
///   version key does not come first, for its version to be known before
///   its keys are handed on.
/// - A key whose object is gone when the value is written (an element
///   removed from a list) stays in the record rather than being lost.
///   Elements are placed back by position: an edit that reorders a list
///   moves the keys with the positions, not with the elements.
/// - A value holding a record is written through a `serde_json::Value`,
///   so it is written as JSON data in any format (bytes as arrays).
///
/// ```
/// use palimpsest::{versioned, FORWARD};
/// use serde::{Deserialize, Serialize};
/// use serde_json::{json, Map, Value};
///
/// #[versioned(since = "0.1.0", metadata = "meta", newer = "read")]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Trace {
///     pub problem: String,
///     pub steps: Vec<Step>,
///     #[serde(default)]
///     pub meta: Map<String, Value>,
/// }
///
/// #[versioned(embedded)]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Step {
///     pub reasoning: String,
/// }
///
/// // Written by a 0.2.0 build, which added `priority` and `steps[].confidence`.
/// let newer = json!({
///     "schema_version": "0.2.0",
///     "problem": "p",
///     "priority": "high",
///     "steps": [{"reasoning": "r", "confidence": 0.9}],
///     "meta": {},
/// });
/// let mut trace: Trace = serde_json::from_value(newer.clone())?;
/// assert_eq!(
///     trace.meta[FORWARD],
///     json!({"version": "0.2.0", "unknown": {"priority": "high"}, "nested": {"steps[0].confidence": 0.9}}),
/// );
/// trace.problem = "q".into();
/// let mut expected = newer;
/// expected["problem"] = json!("q");
/// assert_eq!(serde_json::to_value(&trace)?, expected);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # The envelope layout
///
/// With `layout = "envelope"` (or [`SchemaBuilder::layout`]), documents
/// carry their version beside their data, `{"version": V, "data":
/// {...}}`, the wrapped format of version-migrate, instead of among their
/// fields. Everything else is the same: the same migrations, downgrade
/// ([`to_value_as`] writes the older envelope), [`migrate()`] and the bulk
/// engine, forward reads; the metadata path is inside `data`. It is a
/// `layout = ".."` choice rather than a flag, as `newer` is, to name both
/// shapes (`"inline"` is the default) in the one vocabulary.
///
/// - Written: `"version"` first, then `"data"`. Read: a current envelope
///   written so goes straight to the struct; any other is read whole.
/// - A document that is no envelope (no `data` object, or keys beside
///   `version` and `data`) is the data itself: the legacy version's bare
///   object, or a document written while the type had the inline layout,
///   whose version key says its version. A type can move to the envelope
///   and still read everything it wrote.
/// - The keys are `version` and `data`; the `key` of the attribute is the
///   one the engine uses inside the data while it migrates (see
///   [`Schema::stamp_key`]).
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use serde_json::json;
///
/// #[versioned(since = "0.1.0", layout = "envelope")]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Trace {
///     #[renamed_from("result", since = "0.2.0")]
///     pub outcome: String,
/// }
///
/// let trace: Trace = serde_json::from_str(r#"{"version": "0.1.0", "data": {"result": "ok"}}"#)?;
/// assert_eq!(trace.outcome, "ok");
/// // A bare object is the legacy version's document.
/// let legacy: Trace = serde_json::from_str(r#"{"result": "ok"}"#)?;
/// assert_eq!(legacy.outcome, "ok");
/// assert_eq!(serde_json::to_string(&trace)?, r#"{"version":"0.2.0","data":{"outcome":"ok"}}"#);
/// let old = palimpsest::to_value_as(&trace, "0.1.0")?;
/// assert_eq!(old, json!({"version": "0.1.0", "data": {"result": "ok"}}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Embedded types
///
/// A struct used inside a versioned type changes with it: mark it
/// `#[versioned(embedded)]` and give its fields the same attributes, dated
/// in the versions of the document that holds it. It writes no version of
/// its own; the document's version reaches it while the document is read,
/// and its changes run in the same steps as the root's, at any depth.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use serde_json::{json, Map, Value};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Trace {
///     pub steps: Vec<Step>,
///     #[serde(default)]
///     pub meta: Map<String, Value>,
/// }
///
/// #[versioned(embedded)]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Step {
///     #[renamed_from("thought", since = "0.2.0")]
///     pub reasoning: String,
///     #[added_in("0.2.0")]
///     #[serde(default)]
///     pub tokens: u32,
///     #[removed_in("0.3.0")]
///     pub scratch: String,
/// }
///
/// let old = r#"{"schema_version": "0.1.0", "steps": [{"thought": "t", "scratch": "s", "color": "red"}]}"#;
/// let read = palimpsest::from_str::<Trace>(old)?;
/// assert_eq!(read.value.steps[0].reasoning, "t");
/// // What a step lost is kept under its path: a removed field, and a key
/// // no field claims.
/// assert_eq!(read.value.meta["legacy_nested"], json!({"steps[0].scratch": "s", "steps[0].color": "red"}));
/// // The report lists what changed in embedded objects by their path.
/// assert_eq!(read.report.defaulted, ["steps[].tokens"]);
/// assert_eq!(read.report.preserved, ["meta.legacy_nested.steps[].color", "meta.legacy_nested.steps[].scratch"]);
/// // `Step` named 0.2.0 and 0.3.0: they are versions of `Trace` now.
/// assert_eq!(read.report.to.to_string(), "0.3.0");
/// assert!(palimpsest::to_string(&read.value)?.starts_with(r#"{"schema_version":"0.3.0","steps":[{"reasoning":"t","tokens":0}],"#));
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// - The root finds its embedded types through its field types: directly,
///   or inside `Vec`, `VecDeque`, arrays, sets, `Option`, `Box`, `Rc`,
///   `Arc`, and the values of `BTreeMap` and `HashMap`, nested at any
///   depth. A struct between the root and an embedded type must be
///   embedded too (with no attribute of its own if it does not change).
///   A field whose type is a type parameter, a flattened field, and a
///   field with a `with`-style format are not searched.
/// - The versions an embedded type names join its root's history (the
///   root's current version is the highest named anywhere, unless `version`
///   sets it). One that does not fit the root (newer than its `version`,
///   before its `since`, of the other scheme), or a removed field (or a
///   value a `#[set]` overwrites) to keep in a root without a `metadata`
///   path, cannot be seen by the macro:
///   every read of the root then fails with [`Error::Definition`] saying
///   which type and path.
/// - With a `metadata` path on the root, an embedded object of a migrated
///   document keeps what it loses in `<metadata>.legacy_nested`, under its
///   path in the document (`steps[3].scratch`): removed fields, and keys no
///   field claims. [`to_value_as`] takes removed values back from there.
///   Without one, removed fields say `drop` and unclaimed keys are left to
///   serde, as for the root.
/// - The report lists an embedded change once per path of its objects
///   (`steps[].tokens`, `steps[].calls[].ok`, `by_id{}.tokens` for map
///   values), and, for a root that holds embedded types, lists every path
///   sorted, on every route alike.
/// - Read on its own, outside a root, an embedded type is read as current.
///   A versioned type inside another keeps its own version, as before.
/// - Without the macro, [`EmbeddedSchema`] says the same of a type (its
///   changes by version, enum variants, positional elements), attached to
///   a hand-built [`Schema`] with [`SchemaBuilder::embedded`] under a path
///   pattern (`steps[]`, `steps[].calls[]`, `by_id{}`).
///
/// # Embedded enums
///
/// An enum used inside a versioned type takes `#[versioned(embedded)]` too,
/// in any of serde's representations: externally tagged (the default: a
/// unit variant written as its name, the others as `{"name": ..}`),
/// internally tagged (`#[serde(tag = "type")]`), adjacently tagged
/// (`#[serde(tag = "t", content = "c")]`) and untagged. Its variants take
/// these attributes, speaking of the variant's serde name (after `rename`
/// and `rename_all`):
///
/// | attribute | meaning |
/// |---|---|
/// | `#[renamed_from("old", since = "0.2.0")]` | documents older than 0.2.0 name the variant `old` (the name as a string, the key of the object, or the tag's value); repeatable: several old names in one version fold into the variant, in several versions they are its successive names |
/// | `#[added_in("0.2.0")]` | the variant exists from 0.2.0; nothing changes on the way up, and [`to_value_as`] an older version fails with [`Error::Irreversible`] naming the variant and its path when the document holds it |
/// | `#[removed_in("0.3.0", fallback = "Other")]` | the variant is gone from the type from 0.3.0; an older document's value of it becomes the unit variant `Other` (named by its Rust name), and the value it was, name and payload, is kept in `<metadata>.legacy_nested` under its exact path (`messages[2].role`), from where [`to_value_as`] restores it; add `drop` to keep nothing |
///
/// A removed variant always names a fallback, a unit variant the enum keeps
/// and that exists when the variant goes: the field holding the enum still
/// needs a value, and a unit fallback takes none, so nothing is invented
/// and nothing is lost (the simplest rule that is both; an `Unknown`
/// variant is the usual fallback).
///
/// The named fields of a struct variant take the field attributes
/// (`#[renamed_from]`, `#[added_in]`, `#[removed_in]`), dated in the root's
/// versions, as the fields of an embedded struct; a removed field's value is
/// kept under its path (`messages[1].attachments[0].image.size`, or
/// `messages[1].parts[0].size` where an internally tagged variant's fields
/// stand beside the tag), and so are keys no field of the variant claims.
/// A newtype variant holding an embedded struct (or a container of one)
/// migrates it with the enum. An untagged enum writes no name: its variants
/// take none of the variant attributes (a compile error says so), only the
/// fields of its struct variants change, and an object of an old document
/// is matched to the first struct variant that claims all its keys under
/// their names of any version, as serde tries variants in order. Its
/// schema contract (feature `contracts`) holds each variant's payload, as
/// the macro names them; an untagged enum not marked `embedded` is `any`.
///
/// Every route reads old documents alike (the tree engine, the streaming
/// reader with the root's version first, last or absent, any
/// self-describing format), [`to_value_as`] writes the old names back (of
/// several old names in one version, the first written), and the report
/// lists each renamed variant once per path, in `renamed`
/// (`messages[].role: function -> tool`).
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use serde_json::{json, Map, Value};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// pub struct ChatLog {
///     pub messages: Vec<Message>,
///     #[serde(default)]
///     pub meta: Map<String, Value>,
/// }
///
/// #[versioned(embedded)]
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// pub struct Message {
///     pub role: Role,
///     #[serde(default)]
///     pub parts: Vec<Part>,
/// }
///
/// #[versioned(embedded)]
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// #[serde(rename_all = "snake_case")]
/// pub enum Role {
///     User,
///     #[renamed_from("function", since = "0.2.0")]
///     Tool,
///     #[removed_in("0.3.0", fallback = "Unknown")]
///     Moderator,
///     Unknown,
/// }
///
/// #[versioned(embedded)]
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// #[serde(tag = "type", rename_all = "snake_case")]
/// pub enum Part {
///     Text {
///         #[renamed_from("body", since = "0.2.0")]
///         text: String,
///     },
///     #[added_in("0.3.0")]
///     Image { url: String },
/// }
///
/// let old = r#"{"schema_version": "0.1.0", "messages": [
///     {"role": "function", "parts": [{"type": "text", "body": "42"}]},
///     {"role": "moderator"}
/// ]}"#;
/// let read = palimpsest::from_str::<ChatLog>(old)?;
/// let log = &read.value;
/// assert_eq!(log.messages[0].role, Role::Tool);
/// assert_eq!(log.messages[0].parts, [Part::Text { text: "42".into() }]);
/// assert_eq!(log.messages[1].role, Role::Unknown);
/// assert_eq!(log.meta["legacy_nested"], json!({"messages[1].role": "moderator"}));
/// assert_eq!(
///     read.report.renamed,
///     ["messages[].parts[].body -> messages[].parts[].text", "messages[].role: function -> tool"]
/// );
/// // Written for a 0.1.0 reader: the old names, and the removed variant back.
/// let written = palimpsest::to_value_as(log, "0.1.0")?;
/// assert_eq!(written["messages"][0]["role"], "function");
/// assert_eq!(written["messages"][0]["parts"][0], json!({"type": "text", "body": "42"}));
/// assert_eq!(written["messages"][1]["role"], "moderator");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The fields of a tuple variant have no names, so they take no field
/// attribute.
///
/// # Top-level enums
///
/// An internally or adjacently tagged enum may be a document of its own:
/// `#[versioned(since = ..)]` on it (with `version`, `legacy` and `key` as
/// on a struct) writes the version key first, beside the tag, and every
/// variant attribute and field attribute above applies to the whole
/// document. Its variants share no field to hold a metadata object, so it
/// takes no `metadata` (nor `step`, `check` or `snapshot`: wrap it in a
/// versioned struct for those), and a removal says `drop`. An old document
/// is read whole and migrated; a current one, its key first, goes straight
/// to serde. An externally tagged enum (a unit variant is a bare string)
/// and an untagged one (its value may be anything) have no object of their
/// own to carry the version: a compile error says so.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// #[serde(tag = "type", rename_all = "snake_case")]
/// pub enum Event {
///     #[renamed_from("start", since = "0.2.0")]
///     Begin { at: u64 },
///     End,
/// }
///
/// let event: Event = serde_json::from_str(r#"{"schema_version": "0.1.0", "type": "start", "at": 5}"#)?;
/// assert_eq!(event, Event::Begin { at: 5 });
/// assert_eq!(palimpsest::to_string(&event)?, r#"{"schema_version":"0.2.0","type":"begin","at":5}"#);
/// assert_eq!(palimpsest::to_value_as(&event, "0.1.0")?["type"], "start");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Embedded tuple structs
///
/// A tuple struct has no keys, so it has no place for a version either: it
/// is `#[versioned(embedded)]` only (at the top level, a compile error says
/// what to write instead).
///
/// - A newtype (`struct Steps(Vec<Step>)`) is written as its inner value,
///   and is transparent to migration: the embedded types its inner type
///   holds are found and migrated through it, as through a `Box`. Its
///   field takes no attribute: a change of its value is written on the
///   field that holds the newtype.
/// - A positional tuple struct (two elements or more in every version:
///   serde writes one element alone, as a newtype) is written as an array.
///   `#[added_in("V")]` goes on trailing elements, which older, shorter
///   arrays get as their default (so they need one); `#[removed_in("V")]`
///   takes an element out of older arrays, at any position, into
///   `<metadata>.legacy_nested` under its exact path (`steps[3].span[1]`),
///   or drops it with `drop`. There is no `#[renamed_from]`: an element is
///   known by its position. [`to_value_as`] puts removed elements back from
///   the metadata, and takes added ones out where they hold their default
///   (else [`Error::Irreversible`] names the element). The embedded types
///   an element holds migrate with it, found where the element stands in
///   each version's arrays (`notes[0][2].text`).
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use serde_json::{json, Map, Value};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Trace {
///     pub steps: Steps,
///     #[serde(default)]
///     pub meta: Map<String, Value>,
/// }
///
/// #[versioned(embedded)]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Steps(pub Vec<Step>);
///
/// #[versioned(embedded)]
/// #[derive(Debug, Serialize, Deserialize)]
/// pub struct Step {
///     pub span: Span,
/// }
///
/// /// Start and end; until 0.3.0 the duration stood between them, and from
/// /// 0.2.0 the attempts follow.
/// #[versioned(embedded)]
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// pub struct Span(
///     pub u64,
///     #[removed_in("0.3.0")] u64,
///     pub u64,
///     #[added_in("0.2.0")]
///     #[serde(default)]
///     pub u32,
/// );
///
/// let old = r#"{"schema_version": "0.1.0", "steps": [{"span": [0, 1200, 1200]}]}"#;
/// let read = palimpsest::from_str::<Trace>(old)?;
/// assert_eq!(read.value.steps.0[0].span, Span(0, 1200, 0));
/// assert_eq!(read.value.meta["legacy_nested"], json!({"steps[0].span[1]": 1200}));
/// assert_eq!(read.report.defaulted, ["steps[].span[3]"]);
/// let written = palimpsest::to_value_as(&read.value, "0.1.0")?;
/// assert_eq!(written["steps"], json!([{"span": [0, 1200, 1200]}]));
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// Schema mistakes are compile errors pointing at the attribute at fault:
/// unknown or duplicate keys, a missing `since`, malformed or mixed
/// versions, a version at or below `legacy` or above `version`, a removed
/// field that would be lost, an added field without a default, a rename
/// onto the field's own name or claimed twice, a malformed path, a move
/// from the field's own path or into no field, a set value that would be
/// lost, an unknown `on_conflict` policy, a step out of order or
/// colliding with the field attributes, a metadata path outside the struct;
/// a conversion function of neither signature, a conversion before its
/// field is added or after it is removed, two conversions of a field in one
/// version (wrapped and unwrapped among them), a flattened field converted,
/// a key renamed onto itself, twice, or two keys onto one;
/// on an embedded type, a root's key or a change in the first version of
/// its scheme; on an embedded enum, a variant renamed from its own name or
/// another variant's, an old name claimed twice, a variant renamed or
/// removed outside its life, a removed variant without a fallback or with
/// one that is no unit variant the enum keeps in that version, a variant
/// attribute on an untagged enum or variant, a field attribute in a tuple
/// variant, and the field rules inside struct variants; on a top-level
/// enum, externally tagged or untagged, a struct's key (`metadata`, `step`,
/// `check`, `snapshot`), a missing `since`, a version out of range, a
/// removal without `drop`; on a tuple struct, a version key it cannot
/// carry, an attribute on a newtype's field, a renamed element, an added
/// element without a default or followed by an older one, a version left
/// with one element.
///
/// Unions are not supported.
#[doc(inline)]
pub use palimpsest_derive::versioned;
