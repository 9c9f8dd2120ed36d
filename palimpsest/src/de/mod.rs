//! The one road from a serde input to a versioned value. Every entry point
//! comes here: the `Deserialize` that `#[versioned]` generates, the typed
//! functions of the crate root (`from_str`, `from_value`, ...), and bulk
//! migration through them.
//!
//! The version is detected while the map streams by, and each document
//! takes one of three routes:
//!
//! - fast: the version key comes first and names the current version, as
//!   palimpsest writes it, so the rest of the map goes straight to the
//!   struct with no tree and no copy;
//! - streamed (`stream`): keys no migration can touch go straight to the
//!   struct, the few it may touch are captured and migrated once the map
//!   ends and the version is known;
//! - buffered: a history with a hand-written step sees the whole document,
//!   so the document is buffered into a tree first.
//!
//! Whatever the route, the caller's [`Context`] learns the version the
//! document had, the report of what ran, and the typed error behind a
//! failure, which the format's own error can only carry as text.

mod capture;
mod current;
pub(crate) mod renamed;
mod scope;
mod seed;
mod stream;
mod take;
mod watched;

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::embedded::Sink;
use crate::envelope::{self, Layout};
use crate::error::Error;
use crate::migrate::Report;
use crate::newer::Newer;
use crate::object::Object;
use crate::schema::{Schema, Versioned};
use crate::version::Version;

use current::CurrentMap;
use renamed::Handed;
use scope::Probes;
use seed::{FirstKey, FirstKeySeed, StampSeed};
use stream::Streaming;

pub use scope::deserialize_embedded;

/// How a read treats an old document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Migrate it to the current version.
    #[default]
    Migrate,
    /// Refuse it with [`Error::Outdated`]: the caller disabled migration.
    Strict,
}

/// What one read learns about its document besides the value.
#[derive(Debug, Default)]
pub(crate) struct Context {
    mode: Mode,
    /// The version the document had, once detected.
    found: Found,
    /// The report of the migration, when one ran.
    report: Option<Report>,
    /// The typed error of a failure the reader itself detected (a version,
    /// a step); the format's error only carries its message.
    error: Option<Error>,
    /// Where in a value handed on by a migration the struct failed: such a
    /// value does not come from the input, so no tracker of the input sees it.
    tail_path: Option<String>,
    /// Whether the crate's own entry point reads, which types the error and
    /// places it, or serde's, where the message must say where by itself.
    typed: bool,
    /// What the embedded types streamed with the document's version did,
    /// and the typed error of the first that failed.
    nested: Option<Rc<Sink>>,
    /// Whether anyone reads the report: the crate's own entry points and
    /// `with_report` do, serde's alone does not, so it is not built.
    wants_report: bool,
    /// What the caller asked of a newer document, if it said; the type's
    /// own choice otherwise.
    newer: Option<Newer>,
    /// The document was newer than this build and was read as the current
    /// version (`crate::newer`).
    read_newer: bool,
    /// The names of renamed fields the streamed reader handed the struct.
    handed: Handed,
    /// Whether a float the migration carries to the metadata is taken as
    /// it is: the reader checks the digits of the text itself
    /// (`crate::numbers`), or reads a caller's tree. Otherwise an integral
    /// float beyond 64-bit integers, which may be a longer integer
    /// serde_json rounded, is refused.
    floats_trusted: bool,
    /// The refusal of such a float, given once the value is read, as the
    /// text's check is: a value that does not fit is reported first.
    suspect: Option<Error>,
}

/// Where a document that did not fit failed, found by reading it again.
#[derive(Debug, Default)]
pub(crate) struct Located {
    /// The field path of the failure.
    pub(crate) path: Option<String>,
    /// The version the document has.
    pub(crate) version: Option<Version>,
}

/// The version a document had, as far as the read got.
#[derive(Debug, Default)]
enum Found {
    /// The read failed before the version was known.
    #[default]
    Unknown,
    /// The current version: the fast path does not copy it.
    Current,
    Version(Version),
}

impl Context {
    pub(crate) fn new(mode: Mode) -> Self {
        Context {
            mode,
            typed: true,
            ..Context::default()
        }
    }

    /// The caller's choice for a newer document, over the type's.
    pub(crate) fn with_newer(mut self, newer: Option<Newer>) -> Self {
        self.newer = newer;
        self
    }

    /// A read whose caller vouches for the floats a migration carries:
    /// see `floats_trusted`.
    pub(crate) fn with_floats_trusted(mut self) -> Self {
        self.floats_trusted = true;
        self
    }

    /// Whether this read takes a newer document as the current version.
    fn reads_newer(&self, schema: &Schema) -> bool {
        self.mode == Mode::Migrate && self.newer.unwrap_or(schema.newer) == Newer::Read
    }

    /// The report of a read that succeeded: what ran, or that nothing had to.
    pub(crate) fn into_report(self, schema: &Schema) -> Report {
        let mut report = self
            .report
            .unwrap_or_else(|| Report::unchanged(schema, schema.current().clone()));
        // A newer document says so: it went through no step.
        if let (true, Found::Version(version)) = (self.read_newer, self.found) {
            report.from = version;
        }
        report
    }

    /// The typed error of a read that failed with the format's `error`.
    ///
    /// A failure the reader detected itself comes back as it was. Any other
    /// is the format's: bad syntax, or a document that does not fit the
    /// struct, which `locate` is asked to place: its field path, and its
    /// version when the failure came before the reader met it (a streamed
    /// key of a document whose version key comes later, or never).
    pub(crate) fn into_error(
        self,
        schema: &Schema,
        error: serde_json::Error,
        locate: impl FnOnce() -> Located,
    ) -> Error {
        let nested = self.nested.and_then(|sink| sink.take_error());
        let refused = self.handed.take_refused();
        if let Some(error) = self.error.or(nested).or(refused) {
            return error;
        }
        if !error.is_data() {
            return Error::Syntax {
                type_name: schema.type_name(),
                source: error,
            };
        }
        let message = without_position(&error);
        let located = locate();
        // A path is placed by the reader itself when a migration handed the
        // value on.
        let path = self.tail_path.or(located.path).unwrap_or_default();
        if let Some(error) = schema.struct_refusal(&path, &message) {
            return error;
        }
        let version = match self.found {
            Found::Version(version) => version,
            Found::Current => schema.current().clone(),
            Found::Unknown => located.version.unwrap_or_else(|| schema.current().clone()),
        };
        let migrated_to = (version != *schema.current()).then(|| schema.current().clone());
        Error::Mismatch {
            type_name: schema.type_name(),
            version,
            migrated_to,
            path,
            message,
        }
    }

    /// Detects the version of a document from its `stamp` (the value of its
    /// version key, if it had one) and migrates what was captured of it to
    /// the current version, recording the version, the report and a typed
    /// error. The one place a version read from a document is judged.
    fn migrate<E: serde::de::Error>(
        &mut self,
        schema: &Schema,
        object: &mut Object,
        stamp: Option<&Value>,
    ) -> Result<(), E> {
        let (from, inference) = match schema.detect_document(object, stamp) {
            Ok(detected) => detected,
            Err(Error::NewerVersion { version, .. }) if self.reads_newer(schema) => {
                let stamp = stamp.cloned().unwrap_or(Value::Null);
                schema
                    .keep_newer(object, stamp)
                    .map_err(|error| self.fail(error))?;
                self.found = Found::Version(version);
                self.read_newer = true;
                return Ok(());
            }
            Err(error) => return Err(self.fail(error)),
        };
        self.found = Found::Version(from.clone());
        let result = if self.mode == Mode::Strict && from != *schema.current() {
            Err(Error::Outdated {
                type_name: schema.type_name(),
                key: schema.key(),
                found: from.clone(),
                current: schema.current().clone(),
            })
        } else {
            schema.migrate_read(object, from.clone(), self.wants_report)
        };
        match result {
            Ok(mut report) => {
                if let Some(inference) = inference {
                    schema
                        .record_inference(object, report.as_mut(), inference)
                        .map_err(|error| self.fail(error.in_version(&from)))?;
                }
                if let Some(sink) = &self.nested {
                    let applied = sink.applied.take();
                    if let Some(report) = report.as_mut() {
                        schema.merge_nested(report, applied);
                    }
                    // What the embedded readers kept goes beside what the
                    // engine kept, in the metadata the engine wrote.
                    schema
                        .keep_nested(object, sink.kept.take())
                        .map_err(|error| {
                            let error = schema.op_error(error, &from, schema.current());
                            self.fail(error.in_version(&from))
                        })?;
                }
                if !self.floats_trusted && from != *schema.current() {
                    self.suspect = crate::numbers::check_suspect(schema, object, &from).err();
                }
                if let Some(report) = report.filter(Report::migrated) {
                    crate::collect::record(&report);
                    self.report = Some(report);
                }
                Ok(())
            }
            Err(error) => Err(self.fail(error)),
        }
    }

    /// Captures an entry for the migration; a key met twice is refused, as
    /// serde refuses a field met twice, rather than one value kept.
    fn capture_for<E: serde::de::Error>(
        &mut self,
        schema: &Schema,
        captured: &mut Object,
        key: String,
        value: Value,
    ) -> Result<(), E> {
        match captured.entry(key) {
            serde_json::map::Entry::Vacant(entry) => {
                entry.insert(value);
                Ok(())
            }
            serde_json::map::Entry::Occupied(entry) => Err(self.fail(Error::RepeatedKey {
                type_name: schema.type_name(),
                key: entry.key().clone(),
            })),
        }
    }

    /// Keeps the typed error and hands the format one with its message.
    fn fail<E: serde::de::Error>(&mut self, error: Error) -> E {
        let message = E::custom(&error);
        self.error = Some(error);
        message
    }
}

impl Schema {
    /// The typed error of a struct's refusal at `path` that every other
    /// route types itself. serde's struct refuses a field met twice where
    /// the input reaches it straight (a current document, the keys no
    /// migration touches): the repeated key a reader refuses among those
    /// it captures. An embedded type read as current refuses two names of
    /// a renamed field in words of its own (`renamed.rs`), as the root's
    /// reader, holding back the second, refuses them.
    fn struct_refusal(&self, path: &str, message: &str) -> Option<Error> {
        if let Some(field) = duplicate_field(message) {
            return Some(Error::RepeatedKey {
                type_name: self.type_name(),
                key: key_at(path, field),
            });
        }
        self.embedded_conflict(path, message)
    }
}

/// The field of serde's "duplicate field `name`" (`de::Error::duplicate_field`),
/// the words serde's derived struct refuses a field met twice with.
fn duplicate_field(message: &str) -> Option<&str> {
    message.strip_prefix("duplicate field `")?.strip_suffix('`')
}

/// A key as the path of its object and its name, as field paths show it.
fn key_at(path: &str, key: &str) -> String {
    match path {
        "" | "." => key.to_owned(),
        _ => format!("{path}.{key}"),
    }
}

/// An error of the struct itself (a value that does not fit, a field met
/// twice) through serde's own entry point, named with the type and the
/// version, as the reader's own errors and the streamed values' are.
///
/// Only serde_json's: its messages name nothing but the position, and it
/// places a custom error again where the read stopped, so the message loses
/// nothing. Another format's error is its own (its variants, its position,
/// compared by its users): it is left as it is. The crate's entry points
/// type the error themselves. Called on the error path only.
#[cold]
#[inline(never)]
fn named<E: serde::de::Error>(type_name: &str, version: Option<&Version>, error: E) -> E {
    if std::any::type_name::<E>() != std::any::type_name::<serde_json::Error>() {
        return error;
    }
    let message = error.to_string();
    if message.starts_with(&format!("`{type_name}`:")) {
        return error;
    }
    let at = version.map(|version| format!(" at version {version}"));
    E::custom(format_args!(
        "`{type_name}`: document{}: {}",
        at.as_deref().unwrap_or_default(),
        strip_position(&message)
    ))
}

/// A message without the ` at line L column C` serde_json appends.
fn strip_position(message: &str) -> &str {
    let Some(at) = message.rfind(" at line ") else {
        return message;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match message[at + " at line ".len()..].split_once(" column ") {
        Some((line, column)) if digits(line) && digits(column) => &message[..at],
        _ => message,
    }
}

/// serde_json's message without the ` at line L column C` it appends: the
/// field path says where, the same on every route, text or tree.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if error.line() == 0 {
        return message;
    }
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(message) => message.to_owned(),
        None => message,
    }
}

/// The `Deserialize` of a `#[versioned]` type.
///
/// # Errors
///
/// Whatever the format reports, and every migration error as a custom error
/// carrying its full message.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Versioned + Deserialize<'de>,
    D: Deserializer<'de>,
{
    read(deserializer, &mut Context::default())
}

/// Reads one document of `T`, migrating it as it streams by; see the
/// [module documentation](self).
pub(crate) fn read<'de, T, D>(deserializer: D, cx: &mut Context) -> Result<T, D::Error>
where
    T: Versioned + Deserialize<'de>,
    D: Deserializer<'de>,
{
    // Only the outermost versioned value's report is a `with_report` caller's.
    let depth = crate::collect::enter();
    cx.wants_report = cx.typed || depth.is_some();
    // Embedded types whose versions do not fit the history make every read
    // fail, current documents included.
    if let Err(error) = T::schema().check_nested() {
        return Err(cx.fail(error));
    }
    // `any`, not `map`: formats refuse another shape for `map` before the
    // visitor sees it, and the visitor is what types that error.
    let human_readable = deserializer.is_human_readable();
    let described = Cell::new(false);
    let result = deserializer.deserialize_any(VersionedVisitor {
        cx,
        described: &described,
        _type: PhantomData,
    });
    if let (Ok(_), Some(suspect)) = (&result, cx.suspect.take()) {
        return Err(cx.fail(suspect));
    }
    match result {
        Err(error) if !described.get() && !human_readable => {
            Err(not_self_describing(error, T::schema().type_name()))
        }
        result => result,
    }
}

/// The error of a binary format that gave the reader nothing to visit.
///
/// bincode and postcard cannot say what their data is (`deserialize_any`),
/// and the version a document carries decides its shape, so a versioned
/// type cannot be read from them; their own error does not say so. A
/// self-describing binary format gives nothing to visit only when its
/// input is cut short before the first value, where the note is true but
/// beside the point; text formats always describe, and are left as they are.
fn not_self_describing<E: serde::de::Error>(error: E, type_name: &str) -> E {
    let note = format!(
        "`{type_name}` is versioned, and is read only from a self-describing format such \
         as JSON, CBOR, MessagePack or YAML; bincode, postcard and other formats that do \
         not describe their data cannot carry it: keep the document's JSON or CBOR bytes \
         in the record instead"
    );
    let explained = E::custom(format_args!("{error}: {note}"));
    // A format whose errors drop their message (postcard's all read "Serde
    // Deserialization Error") says more with its own.
    if explained.to_string().contains(&note) {
        explained
    } else {
        error
    }
}

struct VersionedVisitor<'c, T> {
    cx: &'c mut Context,
    /// Set once the format hands the visitor a value: from then on a
    /// failure is about that value, not about the format.
    described: &'c Cell<bool>,
    _type: PhantomData<T>,
}

/// A document that is not a map has nowhere to carry a version: each
/// `visit_*` of another shape keeps the typed error, and hands the format
/// serde's usual message, which its position completes.
macro_rules! not_a_map {
    ($($method:ident($($arg:ident: $ty:ty)?) => $found:literal, $unexpected:expr;)*) => {
        $(
            fn $method<E: serde::de::Error>(self, $($arg: $ty)?) -> Result<T, E> {
                Err(self.not_an_object($found, $unexpected))
            }
        )*
    };
}

impl<T: Versioned> VersionedVisitor<'_, T> {
    fn not_an_object<E: serde::de::Error>(
        self,
        found: &'static str,
        unexpected: Unexpected<'_>,
    ) -> E {
        self.described.set(true);
        let error = E::invalid_type(unexpected, &Expecting(T::schema().type_name()));
        self.cx.error = Some(Error::NotAnObject {
            type_name: T::schema().type_name(),
            version: None,
            path: String::new(),
            found,
        });
        error
    }
}

/// What a versioned type expects, as serde's messages say it.
struct Expecting(&'static str);

impl serde::de::Expected for Expecting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` document (an object)", self.0)
    }
}

impl<'de, T> Visitor<'de> for VersionedVisitor<'_, T>
where
    T: Versioned + Deserialize<'de>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The visits left to serde's defaults (an option, an enum, a newtype)
        // refuse their value through here: the format did describe it.
        self.described.set(true);
        serde::de::Expected::fmt(&Expecting(T::schema().type_name()), f)
    }

    not_a_map! {
        visit_bool(v: bool) => "a boolean", Unexpected::Bool(v);
        visit_i64(v: i64) => "a number", Unexpected::Signed(v);
        visit_u64(v: u64) => "a number", Unexpected::Unsigned(v);
        visit_f64(v: f64) => "a number", Unexpected::Float(v);
        visit_str(v: &str) => "a string", Unexpected::Str(v);
        visit_bytes(v: &[u8]) => "bytes", Unexpected::Bytes(v);
        visit_unit() => "null", Unexpected::Unit;
        visit_none() => "null", Unexpected::Option;
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        Err(self.not_an_object("an array", Unexpected::Seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        self.described.set(true);
        let schema = T::schema();
        let cx = self.cx;
        if schema.layout == Layout::Envelope {
            return visit_envelope(cx, schema, map);
        }
        let mut stamp = None;
        let mut pending = None;
        match map.next_key_seed(FirstKeySeed(schema.key()))? {
            None => {}
            Some(FirstKey::Version) => {
                let first = map.next_value_seed(StampSeed(schema))?;
                // A type that reads the key as a field needs to see it: such
                // a document takes a route that leaves it in.
                if first.is_current(schema) && !schema.key_is_field {
                    cx.found = Found::Current;
                    let repeated = Cell::new(false);
                    let handed = Handed::default();
                    let map = CurrentMap::new(map, schema, &repeated, &handed);
                    return T::deserialize_current(MapAccessDeserializer::new(map)).map_err(
                        |error| {
                            if repeated.get() {
                                cx.error = Some(schema.repeated_key());
                                return error;
                            }
                            let mut error = error;
                            if let Some(refused) = handed.take_refused() {
                                cx.error = Some(refused);
                            } else if let Some(held) =
                                handed.take_held_back_for(&error, schema.key())
                            {
                                error = cx.fail(schema.held_back_error(held));
                            }
                            if cx.typed {
                                return error;
                            }
                            named(schema.type_name(), Some(schema.current()), error)
                        },
                    );
                }
                stamp = Some(first);
            }
            Some(FirstKey::Other(key)) => pending = Some(key),
        }
        // A newer document is read whole, for its unknown keys to be kept
        // wherever they stand: unless its stamp, met first, says it is not.
        // (Asked only of a reader that keeps newer documents.)
        let newer_possible = cx.reads_newer(schema)
            && stamp
                .as_ref()
                .map_or(true, |stamp| schema.is_newer_stamp(&stamp.to_value(schema)));
        if let Some(plan) = schema.streaming.as_ref().filter(|_| !newer_possible) {
            let probes = Probes::new(schema, stamp.as_ref(), cx);
            let mut streaming =
                Streaming::new(map, schema, plan, stamp, pending, cx).with_probes(probes);
            let read = T::deserialize_current(MapAccessDeserializer::new(&mut streaming));
            drop(streaming);
            return read.map_err(|error| {
                if cx.typed || cx.error.is_some() {
                    return error;
                }
                let version = match &cx.found {
                    Found::Version(version) => Some(version),
                    Found::Current => Some(schema.current()),
                    Found::Unknown => None,
                };
                named(schema.type_name(), version, error)
            });
        }
        let mut captured = Map::new();
        if let Some(stamp) = stamp {
            captured.insert(schema.key().to_owned(), stamp.into_value(schema));
        }
        if let Some(key) = pending {
            let value = buffered_value(cx, schema, &mut map, &key)?;
            cx.capture_for::<A::Error>(schema, &mut captured, key.into_owned(), value)?;
        }
        while let Some(key) = map.next_key::<String>()? {
            let value = buffered_value(cx, schema, &mut map, &key)?;
            cx.capture_for::<A::Error>(schema, &mut captured, key, value)?;
        }
        read_buffered(cx, schema, captured)
    }
}

/// The value of `key` in a document read whole. The one on the metadata
/// path is read as the streamed reader captures it, every key of its
/// objects kept, and refused with a key repeated there: a `Value` keeps
/// only the last of two, and the migration reads and writes there.
fn buffered_value<'de, A: MapAccess<'de>>(
    cx: &mut Context,
    schema: &Schema,
    map: &mut A,
    key: &str,
) -> Result<Value, A::Error> {
    let Some(path) = schema.metadata.as_ref().filter(|path| path.root() == key) else {
        return distinct_value(cx, schema, map, key);
    };
    let entries = [(
        std::borrow::Cow::Borrowed(key),
        map.next_value::<capture::Captured>()?,
    )];
    if let Some(key) = capture::repeated_on_path(&entries, path.segments()) {
        return Err(cx.fail(Error::RepeatedKey {
            type_name: schema.type_name(),
            key,
        }));
    }
    let [(_, value)] = entries;
    refuse_repeat(cx, schema, key, value.into_distinct())
}

/// The value of `key` in a document read whole, for the migration: a key
/// repeated in any object of it is refused, a `Value` keeping only the
/// last of two.
fn distinct_value<'de, A: MapAccess<'de>>(
    cx: &mut Context,
    schema: &Schema,
    map: &mut A,
    key: &str,
) -> Result<Value, A::Error> {
    let read = capture::next_distinct(map)?;
    refuse_repeat(cx, schema, key, read)
}

/// The value of `key`, unless a key was repeated `below` it.
fn refuse_repeat<E: serde::de::Error>(
    cx: &mut Context,
    schema: &Schema,
    key: &str,
    (value, below): (Value, Option<String>),
) -> Result<Value, E> {
    match below {
        None => Ok(value),
        Some(below) => Err(cx.fail(Error::RepeatedKey {
            type_name: schema.type_name(),
            key: capture::joined_below(key, &below),
        })),
    }
}

/// Migrates a document read whole, its version among its fields, and
/// deserializes it into `T`.
fn read_buffered<'de, T, E>(cx: &mut Context, schema: &Schema, mut captured: Object) -> Result<T, E>
where
    T: Versioned + Deserialize<'de>,
    E: serde::de::Error,
{
    let stamp = captured.get(schema.key()).cloned();
    cx.migrate(schema, &mut captured, stamp.as_ref())?;
    let from = match &cx.found {
        Found::Version(version) => version.clone(),
        _ => schema.current().clone(),
    };
    let built = build(schema, captured, &from);
    // Nothing was migrated: the document did not fit as it was.
    let built = match built {
        Err(Error::Mismatch {
            type_name,
            version,
            path,
            message,
            ..
        }) if cx.read_newer => Err(Error::Mismatch {
            type_name,
            version,
            migrated_to: None,
            path,
            message,
        }),
        built => built,
    };
    built.map_err(|error| cx.fail(error))
}

/// Reads a document of a type in the envelope layout. The fast path is
/// the envelope as palimpsest writes it: `version` first, current, then
/// `data`, deserialized straight into `T`. Any other document is read
/// whole, opened into its data, and read as a buffered one.
fn visit_envelope<'de, T, A>(
    cx: &mut Context,
    schema: &'static Schema,
    mut map: A,
) -> Result<T, A::Error>
where
    T: Versioned + Deserialize<'de>,
    A: MapAccess<'de>,
{
    let mut envelope = Map::new();
    match map.next_key::<String>()? {
        Some(key) if key == envelope::VERSION => {
            let stamp = map.next_value_seed(StampSeed(schema))?;
            if stamp.is_current(schema) {
                match map.next_key::<String>()? {
                    Some(key) if key == envelope::DATA => {
                        cx.found = Found::Current;
                        let value = map.next_value_seed(CurrentSeed::<T>(PhantomData))?;
                        return match map.next_key::<String>()? {
                            None => Ok(value),
                            Some(key) => Err(cx.fail(Error::Mismatch {
                                type_name: schema.type_name(),
                                version: schema.current().clone(),
                                migrated_to: None,
                                path: String::new(),
                                message: format!(
                                    "unknown key `{key}` beside `{}` and `{}` in an envelope",
                                    envelope::VERSION,
                                    envelope::DATA
                                ),
                            })),
                        };
                    }
                    Some(key) => {
                        let value = distinct_value(cx, schema, &mut map, &key)?;
                        envelope.insert(key, value);
                    }
                    None => {}
                }
            }
            envelope.insert(key, stamp.into_value(schema));
        }
        Some(key) => {
            let value = distinct_value(cx, schema, &mut map, &key)?;
            envelope.insert(key, value);
        }
        None => {}
    }
    while let Some(key) = map.next_key::<String>()? {
        let value = distinct_value(cx, schema, &mut map, &key)?;
        cx.capture_for::<A::Error>(schema, &mut envelope, key, value)?;
    }
    let mut document = Value::Object(envelope);
    schema
        .open_envelope(&mut document)
        .map_err(|error| cx.fail(error))?;
    let Value::Object(captured) = document else {
        return Err(cx.fail(schema.not_an_object(&document)));
    };
    read_buffered(cx, schema, captured)
}

/// Deserializes the data of a current envelope, with no migration.
struct CurrentSeed<T>(PhantomData<T>);

impl<'de, T> serde::de::DeserializeSeed<'de> for CurrentSeed<T>
where
    T: Versioned + Deserialize<'de>,
{
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize_current(deserializer)
    }
}

/// Deserializes an object already at the current version into `T`,
/// tracking the field path for the error; `from` is the version the
/// document had, for the error to name.
pub(crate) fn build<'de, T>(schema: &Schema, mut object: Object, from: &Version) -> Result<T, Error>
where
    T: Versioned + Deserialize<'de>,
{
    if !schema.key_is_field {
        object.remove(schema.key());
    }
    // A second name of a renamed field is held back (`renamed.rs`): the
    // document is refused for it only if the struct takes the rest.
    let handed = Handed::default();
    object.retain(|key, _| handed.hand(&schema.renamed, key));
    let mut track = crate::track::Track::new();
    let deserializer = crate::track::Deserializer::new(Value::Object(object), &mut track);
    let value = T::deserialize_current(deserializer).map_err(|e| {
        let (path, message) = (track.path().to_string(), e.to_string());
        match schema.struct_refusal(&path, &message) {
            Some(error) => error,
            None => Error::Mismatch {
                type_name: schema.type_name(),
                version: from.clone(),
                migrated_to: (from != schema.current()).then(|| schema.current().clone()),
                path,
                message,
            },
        }
    })?;
    match handed.take() {
        Some(held) => Err(schema.held_back_error(held)),
        None => Ok(value),
    }
}
