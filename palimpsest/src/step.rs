//! Migration steps and the dict-style operations they are made of.
//!
//! A [`Step`] upgrades a document from one version to the next. It is a list
//! of operations applied in order to the document's top-level object: rename
//! a key, move a removed key into the metadata object, drop a key, insert a
//! default, or run a hand-written function. The operations are also public as
//! plain functions ([`rename_key`], [`preserve_key`], [`insert_default`],
//! [`object_at`]) for hand-written steps that want the same behaviour.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::BoxError;
use crate::version::kind_of;
use crate::vocab::names::legacy_key;

pub use crate::vocab::path::ObjectPath;

/// A JSON object, as steps see a document.
pub type Object = Map<String, Value>;

type CustomFn = dyn Fn(&mut Object) -> Result<(), OpError> + Send + Sync;
type DefaultFn = dyn Fn() -> Result<Value, BoxError> + Send + Sync;

/// One upgrade from a version to the next, made of operations run in order.
///
/// ```
/// use palimpsest::{Schema, Step};
/// use serde_json::json;
///
/// let schema = Schema::semver("Trace", "0.2.0")
///     .metadata("context.metadata")
///     .step(Step::new("0.0.1", "0.1.0"))
///     .step(
///         Step::new("0.1.0", "0.2.0")
///             .rename("result", "outcome")
///             .add("tags", || json!([]))
///             .preserve("notes"),
///     )
///     .build()?;
///
/// let mut doc = json!({"schema_version": "0.1.0", "result": "ok", "notes": "n"});
/// schema.migrate(&mut doc)?;
/// assert_eq!(doc["outcome"], "ok");
/// assert_eq!(doc["tags"], json!([]));
/// assert_eq!(doc["context"]["metadata"]["legacy_notes"], "n");
/// assert_eq!(doc["context"]["metadata"]["migrated_from"], "0.1.0");
/// # Ok::<(), palimpsest::Error>(())
/// ```
pub struct Step {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) ops: Vec<Op>,
}

pub(crate) enum Op {
    Rename {
        old: String,
        new: String,
    },
    Preserve {
        field: String,
    },
    Drop {
        field: String,
    },
    Default {
        field: String,
        value: Box<DefaultFn>,
    },
    Custom(Box<CustomFn>),
}

impl Step {
    /// A step from `from` to `to` that does nothing but restamp the version;
    /// add operations with the builder methods.
    ///
    /// Versions are given as text (`"0.1.0"`) or as integers (`1`), and are
    /// checked against the type's scheme when the schema is built.
    pub fn new(from: impl fmt::Display, to: impl fmt::Display) -> Self {
        Step {
            from: from.to_string(),
            to: to.to_string(),
            ops: Vec::new(),
        }
    }

    /// Moves the value under `old` to `new`. Finding both is an error:
    /// one of them would have to be dropped.
    #[must_use]
    pub fn rename(mut self, old: impl Into<String>, new: impl Into<String>) -> Self {
        self.ops.push(Op::Rename {
            old: old.into(),
            new: new.into(),
        });
        self
    }

    /// Moves the value of a removed `field` into the metadata object as
    /// `legacy_<field>`. The schema must have a metadata path.
    #[must_use]
    pub fn preserve(mut self, field: impl Into<String>) -> Self {
        self.ops.push(Op::Preserve {
            field: field.into(),
        });
        self
    }

    /// Drops a removed `field` and its value. The report lists what was dropped.
    #[must_use]
    pub fn drop_field(mut self, field: impl Into<String>) -> Self {
        self.ops.push(Op::Drop {
            field: field.into(),
        });
        self
    }

    /// Inserts `field` with the value `default` makes, unless the document
    /// already has it.
    #[must_use]
    pub fn add(
        mut self,
        field: impl Into<String>,
        default: impl Fn() -> Value + Send + Sync + 'static,
    ) -> Self {
        self.ops.push(Op::Default {
            field: field.into(),
            value: Box::new(move || Ok(default())),
        });
        self
    }

    /// Like [`Step::add`], for a default whose making may fail (for example
    /// serializing a Rust default value).
    #[must_use]
    pub fn try_add(
        mut self,
        field: impl Into<String>,
        default: impl Fn() -> Result<Value, BoxError> + Send + Sync + 'static,
    ) -> Self {
        self.ops.push(Op::Default {
            field: field.into(),
            value: Box::new(default),
        });
        self
    }

    /// Runs a hand-written function that edits the whole document as a JSON
    /// object (the guide's dict-based migrations). Its error is reported as
    /// [`Error::StepFailed`](crate::Error::StepFailed) with the type and both
    /// versions.
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Person", 2)
    ///     .step(Step::new(0, 1))
    ///     .step(Step::new(1, 2).with(|doc| {
    ///         let full = doc.remove("name").ok_or("no `name` to split")?;
    ///         let full = full.as_str().ok_or("`name` is not a string")?.to_owned();
    ///         let (first, last) = full.split_once(' ').unwrap_or((&full, ""));
    ///         doc.insert("first".into(), json!(first));
    ///         doc.insert("last".into(), json!(last));
    ///         Ok::<_, &str>(())
    ///     }))
    ///     .build()?;
    /// let mut doc = json!({"schema_version": 1, "name": "Ada Lovelace"});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc, json!({"schema_version": 2, "first": "Ada", "last": "Lovelace"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn with<E>(
        self,
        function: impl Fn(&mut Object) -> Result<(), E> + Send + Sync + 'static,
    ) -> Self
    where
        E: Into<BoxError>,
    {
        self.function(function)
    }

    /// Runs a function that receives the document deserialized into `Old`,
    /// a typed snapshot of the version the step starts from, and returns the
    /// next version as any serializable value (the guide's schema-aware
    /// migrations). See [`StepFunction`].
    #[must_use]
    pub fn typed<Old, New, E>(
        self,
        function: impl Fn(Old) -> Result<New, E> + Send + Sync + 'static,
    ) -> Self
    where
        Old: DeserializeOwned,
        New: Serialize,
        E: Into<BoxError>,
    {
        self.function(function)
    }

    /// Runs a function of either kind, told apart by its signature: what
    /// `#[versioned(step(with = path))]` calls.
    #[must_use]
    pub fn function<Kind>(mut self, function: impl StepFunction<Kind>) -> Self {
        self.ops.push(Op::Custom(function.into_body().0));
        self
    }

    /// The version this step starts from, as given.
    #[must_use]
    pub fn from_text(&self) -> &str {
        &self.from
    }

    /// The version this step leads to, as given.
    #[must_use]
    pub fn to_text(&self) -> &str {
        &self.to
    }
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Step")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("ops", &self.ops.len())
            .finish()
    }
}

/// A function a hand-written step runs; see [`Step::with`], [`Step::typed`]
/// and [`Step::function`].
///
/// Two kinds exist, told apart by the function's signature:
///
/// - [`InPlace`]: `fn(&mut Object) -> Result<(), E>` edits the document as a
///   JSON object (the guide's dict-based migrations);
/// - [`Typed`]: `fn(Old) -> Result<New, E>` receives the document already
///   deserialized into `Old`, a typed snapshot of the version the step starts
///   from, and returns the next version as any serializable value (the
///   guide's schema-aware migrations). A document that does not fit `Old` is
///   [`Error::Snapshot`](crate::Error::Snapshot), with the field path.
///
/// In both, `E` is any error convertible into a boxed error (`String`,
/// `&str`, or an error type of the user's). The version key is taken out of
/// the document before the function runs and written back after the last
/// step.
///
/// ```
/// use palimpsest::{Error, Schema, Step};
/// use serde::{Deserialize, Serialize};
/// use serde_json::json;
///
/// #[derive(Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct PointV1 { x: f64, y: f64 }
///
/// #[derive(Serialize)]
/// struct PointV2 { coords: [f64; 2] }
///
/// fn to_v2(old: PointV1) -> Result<PointV2, String> {
///     Ok(PointV2 { coords: [old.x, old.y] })
/// }
///
/// let schema = Schema::integer("Point", 2)
///     .step(Step::new(0, 1))
///     .step(Step::new(1, 2).typed(to_v2))
///     .build()?;
/// let mut doc = json!({"schema_version": 1, "x": 1.0, "y": 2.0});
/// schema.migrate(&mut doc)?;
/// assert_eq!(doc, json!({"schema_version": 2, "coords": [1.0, 2.0]}));
///
/// let mut bad = json!({"schema_version": 1, "x": "one", "y": 2.0});
/// let err = schema.migrate(&mut bad).unwrap_err();
/// assert!(matches!(err, Error::Snapshot { .. }));
/// assert!(err.to_string().contains("at `x`"), "{err}");
/// # Ok::<(), palimpsest::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a step function",
    label = "expected `fn(&mut Map<String, Value>) -> Result<(), E>` or `fn(Old) -> Result<New, E>`",
    note = "a step function edits the document as a JSON object, `fn(&mut serde_json::Map<String, serde_json::Value>) -> Result<(), E>`, or converts a typed snapshot, `fn(Old) -> Result<New, E>` with `Old: Deserialize` and `New: Serialize`",
    note = "`E` converts into `Box<dyn Error + Send + Sync>`: `String`, `&str`, or an error type; the function is `Send + Sync + 'static`"
)]
pub trait StepFunction<Kind>: Send + Sync + 'static {
    /// Wraps the function for the engine.
    fn into_body(self) -> StepBody;
}

/// A step function wrapped for the engine; see [`StepFunction`].
pub struct StepBody(pub(crate) Box<CustomFn>);

impl fmt::Debug for StepBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StepBody")
    }
}

/// The kind of [`StepFunction`] that edits the document in place.
#[derive(Debug)]
pub enum InPlace {}

/// The kind of [`StepFunction`] that converts a typed snapshot.
pub struct Typed<Old, New>(PhantomData<fn(Old) -> New>);

impl<F, E> StepFunction<InPlace> for F
where
    F: Fn(&mut Object) -> Result<(), E> + Send + Sync + 'static,
    E: Into<BoxError>,
{
    fn into_body(self) -> StepBody {
        StepBody(Box::new(move |doc| {
            self(doc).map_err(|e| OpError::Failed(e.into()))
        }))
    }
}

impl<F, Old, New, E> StepFunction<Typed<Old, New>> for F
where
    F: Fn(Old) -> Result<New, E> + Send + Sync + 'static,
    Old: DeserializeOwned,
    New: Serialize,
    E: Into<BoxError>,
{
    fn into_body(self) -> StepBody {
        StepBody(Box::new(move |doc| {
            let old = Value::Object(std::mem::take(doc));
            let mut track = serde_path_to_error::Track::new();
            let deserializer = serde_path_to_error::Deserializer::new(old, &mut track);
            let old = Old::deserialize(deserializer).map_err(|e| OpError::Snapshot {
                snapshot: std::any::type_name::<Old>(),
                path: track.path().to_string(),
                message: e.to_string(),
            })?;
            let new = self(old).map_err(|e| OpError::Failed(e.into()))?;
            match serde_json::to_value(new) {
                Ok(Value::Object(object)) => {
                    *doc = object;
                    Ok(())
                }
                Ok(other) => Err(OpError::Failed(
                    format!("the step returned {}, not an object", kind_of(&other)).into(),
                )),
                Err(e) => Err(OpError::Failed(e.into())),
            }
        }))
    }
}

/// Why an operation could not be applied; the engine adds type and versions.
#[derive(Debug)]
pub(crate) enum OpError {
    Conflict {
        old: String,
        new: String,
    },
    NotAnObject {
        path: String,
        found: &'static str,
    },
    Snapshot {
        snapshot: &'static str,
        path: String,
        message: String,
    },
    Failed(BoxError),
}

impl From<NotAnObject> for OpError {
    fn from(e: NotAnObject) -> Self {
        OpError::NotAnObject {
            path: e.path,
            found: e.found,
        }
    }
}

/// A value on an object path that is not an object.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected an object at `{path}`, found {found}")]
pub struct NotAnObject {
    /// The path up to and including the offending segment.
    pub path: String,
    /// What was found there.
    pub found: &'static str,
}

/// Both names of a rename are present.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("both the old name `{old}` and the new name `{new}` are present")]
pub struct RenameConflict {
    /// The old name.
    pub old: String,
    /// The new name.
    pub new: String,
}

/// The object at `path` inside `doc`, created (with any missing objects on
/// the way) if absent. A `null` on the path counts as absent; any other
/// non-object is an error.
///
/// ```
/// use palimpsest::step::{object_at, ObjectPath};
/// use serde_json::json;
///
/// let mut doc = json!({"context": {}}).as_object().unwrap().clone();
/// let path = ObjectPath::parse("context.metadata").unwrap();
/// object_at(&mut doc, &path)?.insert("k".into(), json!(1));
/// assert_eq!(doc["context"]["metadata"]["k"], 1);
///
/// let mut bad = json!({"context": 3}).as_object().unwrap().clone();
/// assert_eq!(object_at(&mut bad, &path).unwrap_err().path, "context");
/// # Ok::<(), palimpsest::step::NotAnObject>(())
/// ```
///
/// # Errors
///
/// When a value on the path is neither an object nor `null`.
pub fn object_at<'a>(
    doc: &'a mut Object,
    path: &ObjectPath,
) -> Result<&'a mut Object, NotAnObject> {
    let mut current = doc;
    for (depth, segment) in path.segments().iter().enumerate() {
        // An absent or null segment becomes an empty object; the key is
        // copied only then, not on every walk of the path.
        if current.get(segment).map_or(true, Value::is_null) {
            current.insert(segment.clone(), Value::Object(Map::new()));
        }
        current = match current.get_mut(segment) {
            Some(Value::Object(object)) => object,
            other => {
                return Err(NotAnObject {
                    path: path.segments()[..=depth].join("."),
                    found: other.map_or("null", |value| kind_of(value)),
                })
            }
        };
    }
    Ok(current)
}

/// Moves the value under `old` to `new`; returns whether there was one.
///
/// ```
/// use palimpsest::step::rename_key;
/// use serde_json::json;
///
/// let mut doc = json!({"result": "ok"}).as_object().unwrap().clone();
/// assert!(rename_key(&mut doc, "result", "outcome")?);
/// assert_eq!(doc["outcome"], "ok");
/// assert!(!rename_key(&mut doc, "result", "outcome")?);
/// # Ok::<(), palimpsest::step::RenameConflict>(())
/// ```
///
/// # Errors
///
/// When both names are present: keeping either would drop the other's value.
pub fn rename_key(doc: &mut Object, old: &str, new: &str) -> Result<bool, RenameConflict> {
    if !doc.contains_key(old) {
        return Ok(false);
    }
    if doc.contains_key(new) {
        return Err(RenameConflict {
            old: old.to_owned(),
            new: new.to_owned(),
        });
    }
    let value = doc.remove(old).unwrap_or(Value::Null);
    doc.insert(new.to_owned(), value);
    Ok(true)
}

/// Moves the value of `field` into the object at `metadata` as
/// `legacy_<field>`, and returns the metadata key it was stored under.
///
/// A key already taken there (by an earlier migration, say) is never
/// overwritten: the value goes under `legacy_<field>_2`, `_3`, and so on.
///
/// ```
/// use palimpsest::step::{preserve_key, ObjectPath};
/// use serde_json::json;
///
/// let meta = ObjectPath::parse("context.metadata").unwrap();
/// let mut doc = json!({"notes": "keep me"}).as_object().unwrap().clone();
/// assert_eq!(preserve_key(&mut doc, &meta, "notes")?.as_deref(), Some("legacy_notes"));
/// assert_eq!(doc["context"]["metadata"]["legacy_notes"], "keep me");
/// assert!(!doc.contains_key("notes"));
/// # Ok::<(), palimpsest::step::NotAnObject>(())
/// ```
///
/// # Errors
///
/// When the metadata path crosses a non-object; the document is then unchanged.
pub fn preserve_key(
    doc: &mut Object,
    metadata: &ObjectPath,
    field: &str,
) -> Result<Option<String>, NotAnObject> {
    let mut kept = None;
    preserve_with(doc, metadata, field, |name| kept = Some(name.to_owned()))?;
    Ok(kept)
}

/// [`preserve_key`], telling `kept` the metadata key the value went under
/// rather than returning a copy of it.
fn preserve_with(
    doc: &mut Object,
    metadata: &ObjectPath,
    field: &str,
    kept: impl FnOnce(&str),
) -> Result<(), NotAnObject> {
    let Some(value) = doc.remove(field) else {
        return Ok(());
    };
    let target = match object_at(doc, metadata) {
        Ok(target) => target,
        Err(e) => {
            doc.insert(field.to_owned(), value);
            return Err(e);
        }
    };
    let name = free_key(target, legacy_key(field));
    kept(&name);
    target.insert(name, value);
    Ok(())
}

/// `base`, or `base_2`, `base_3`, ... : the first key `object` does not
/// hold, so a value put there never replaces one an earlier migration kept.
pub(crate) fn free_key(object: &Object, base: String) -> String {
    if !object.contains_key(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !object.contains_key(name))
        .unwrap_or_default()
}

/// Inserts `field` with `value` unless the document has it; returns whether
/// it inserted.
///
/// ```
/// use palimpsest::step::insert_default;
/// use serde_json::json;
///
/// let mut doc = json!({"tags": ["a"]}).as_object().unwrap().clone();
/// assert!(!insert_default(&mut doc, "tags", json!([])));
/// assert!(insert_default(&mut doc, "notes", json!("")));
/// assert_eq!(doc["tags"], json!(["a"]));
/// ```
pub fn insert_default(doc: &mut Object, field: &str, value: Value) -> bool {
    if doc.contains_key(field) {
        return false;
    }
    doc.insert(field.to_owned(), value);
    true
}

/// What applying a migration's operations did, for the report: recorded
/// only when someone asked for the report, since most reads discard it.
#[derive(Default)]
pub(crate) struct Applied {
    record: bool,
    pub preserved: Vec<String>,
    pub dropped: Vec<String>,
    pub defaulted: Vec<String>,
}

impl Applied {
    /// An `Applied` that records what ran; the default records nothing.
    pub(crate) fn recording() -> Self {
        Applied {
            record: true,
            ..Applied::default()
        }
    }

    /// Records the metadata path a value was preserved under.
    pub(crate) fn record_preserved(&mut self, path: impl FnOnce() -> String) {
        if self.record {
            self.preserved.push(path());
        }
    }

    fn record_dropped(&mut self, field: &str) {
        if self.record {
            self.dropped.push(field.to_owned());
        }
    }

    fn record_defaulted(&mut self, field: &str) {
        if self.record {
            self.defaulted.push(field.to_owned());
        }
    }
}

impl Op {
    pub(crate) fn apply(
        &self,
        doc: &mut Object,
        metadata: Option<&ObjectPath>,
        applied: &mut Applied,
    ) -> Result<(), OpError> {
        match self {
            Op::Rename { old, new } => {
                rename_key(doc, old, new).map_err(|c| OpError::Conflict {
                    old: c.old,
                    new: c.new,
                })?;
            }
            Op::Preserve { field } => {
                let metadata = metadata.ok_or_else(|| {
                    OpError::Failed(
                        format!("cannot preserve `{field}`: the schema has no metadata path")
                            .into(),
                    )
                })?;
                preserve_with(doc, metadata, field, |name| {
                    applied.record_preserved(|| format!("{metadata}.{name}"));
                })?;
            }
            Op::Drop { field } => {
                if doc.remove(field).is_some() {
                    applied.record_dropped(field);
                }
            }
            Op::Default { field, value } => {
                if !doc.contains_key(field) {
                    let value = value().map_err(OpError::Failed)?;
                    doc.insert(field.clone(), value);
                    applied.record_defaulted(field);
                }
            }
            Op::Custom(function) => function(doc)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        match value {
            Value::Object(o) => o,
            _ => unreachable!("test documents are objects"),
        }
    }

    #[test]
    fn rename_moves_the_value_and_reports_absence() {
        let mut doc = object(json!({"a": 1}));
        assert!(rename_key(&mut doc, "a", "b").unwrap());
        assert_eq!(Value::Object(doc.clone()), json!({"b": 1}));
        assert!(!rename_key(&mut doc, "a", "b").unwrap());
    }

    #[test]
    fn rename_refuses_to_overwrite() {
        let mut doc = object(json!({"a": 1, "b": 2}));
        let err = rename_key(&mut doc, "a", "b").unwrap_err();
        assert_eq!((err.old.as_str(), err.new.as_str()), ("a", "b"));
        assert_eq!(Value::Object(doc), json!({"a": 1, "b": 2}));
    }

    #[test]
    fn preserve_creates_the_metadata_objects() {
        let meta = ObjectPath::parse("context.metadata").unwrap();
        let mut doc = object(json!({"notes": [1, 2], "context": null}));
        let key = preserve_key(&mut doc, &meta, "notes").unwrap();
        assert_eq!(key.as_deref(), Some("legacy_notes"));
        assert_eq!(
            Value::Object(doc),
            json!({"context": {"metadata": {"legacy_notes": [1, 2]}}})
        );
    }

    #[test]
    fn preserve_never_overwrites_an_earlier_value() {
        let meta = ObjectPath::parse("meta").unwrap();
        let mut doc = object(json!({"notes": "new", "meta": {"legacy_notes": "old"}}));
        let key = preserve_key(&mut doc, &meta, "notes").unwrap();
        assert_eq!(key.as_deref(), Some("legacy_notes_2"));
        assert_eq!(
            doc["meta"],
            json!({"legacy_notes": "old", "legacy_notes_2": "new"})
        );
    }

    #[test]
    fn preserve_through_a_non_object_fails_and_leaves_the_document() {
        let meta = ObjectPath::parse("context.metadata").unwrap();
        let mut doc = object(json!({"notes": "n", "context": {"metadata": "oops"}}));
        let before = doc.clone();
        let err = preserve_key(&mut doc, &meta, "notes").unwrap_err();
        assert_eq!(err.path, "context.metadata");
        assert_eq!(err.found, "a string");
        assert_eq!(doc, before);
    }

    #[test]
    fn preserve_of_an_absent_field_does_nothing() {
        let meta = ObjectPath::parse("m").unwrap();
        let mut doc = object(json!({"x": 1}));
        assert_eq!(preserve_key(&mut doc, &meta, "notes").unwrap(), None);
        assert_eq!(Value::Object(doc), json!({"x": 1}));
    }

    #[test]
    fn insert_default_keeps_existing_values() {
        let mut doc = object(json!({"a": 1}));
        assert!(!insert_default(&mut doc, "a", json!(0)));
        assert!(insert_default(&mut doc, "b", json!(0)));
        assert_eq!(Value::Object(doc), json!({"a": 1, "b": 0}));
    }

    #[test]
    fn custom_ops_report_their_error() {
        let op = Op::Custom(Box::new(|_doc| Err(OpError::Failed("nope".into()))));
        let mut doc = Object::new();
        let err = op
            .apply(&mut doc, None, &mut Applied::default())
            .unwrap_err();
        assert!(matches!(err, OpError::Failed(e) if e.to_string() == "nope"));
    }

    #[test]
    fn drop_and_default_are_recorded() {
        let mut applied = Applied::recording();
        let mut doc = object(json!({"old": 1}));
        Op::Drop {
            field: "old".into(),
        }
        .apply(&mut doc, None, &mut applied)
        .unwrap();
        Op::Default {
            field: "new".into(),
            value: Box::new(|| Ok(json!(true))),
        }
        .apply(&mut doc, None, &mut applied)
        .unwrap();
        assert_eq!(Value::Object(doc), json!({"new": true}));
        assert_eq!(applied.dropped, ["old"]);
        assert_eq!(applied.defaulted, ["new"]);
    }
}
