//! Migration steps: a [`Step`] upgrades a document from one version to the
//! next. It is a list of operations applied in order to the document's
//! top-level object: rename a key, move a removed key into the metadata
//! object, drop a key, insert a default, or run a hand-written function.
//! The declarative ones are the functions of [`crate::object`].

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::BoxError;
use crate::ignored::Noting;
use crate::track::{self, Track};
use crate::version::kind_of;

use crate::object::{preserve_with, rename_key, NotAnObject, Object, ObjectPath};
use crate::ops::moves::{At, InMetadata, MoveOp};

type CustomFn = dyn Fn(&mut Object) -> Result<(), OpError> + Send + Sync;
pub(crate) type DefaultFn = dyn Fn() -> Result<Value, BoxError> + Send + Sync;

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
        /// What a downgrade writes when the document kept no value: the
        /// field's default, if it has one.
        default: Option<Box<DefaultFn>>,
    },
    Drop {
        field: String,
        /// What a downgrade writes, the value being gone: the field's
        /// default, if it has one.
        default: Option<Box<DefaultFn>>,
    },
    Default {
        field: String,
        value: Box<DefaultFn>,
    },
    Custom(Custom),
    /// A change of one field's value: see `ops::convert`.
    Convert(crate::ops::convert::Conversion),
    /// Moves between paths, values set outright, declared drops.
    Moves(MoveOp),
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
            default: None,
        });
        self
    }

    /// Like [`Step::preserve`], for a field an older reader can take from
    /// `default` when there is no value to give back: a downgrade of a
    /// document that never held `field` (one written at this version or
    /// later) writes the value `default` makes, where [`Step::preserve`]
    /// alone makes it [`Error::Irreversible`](crate::Error::Irreversible).
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Note", 2)
    ///     .metadata("meta")
    ///     .step(Step::new(0, 1))
    ///     .step(Step::new(1, 2).preserve_or("color", || json!("black")))
    ///     .build()?;
    /// let mut doc = json!({"schema_version": 2, "text": "hi"});
    /// schema.downgrade(&mut doc, &schema.parse_version("1")?)?;
    /// assert_eq!(doc, json!({"schema_version": 1, "text": "hi", "color": "black"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn preserve_or(
        self,
        field: impl Into<String>,
        default: impl Fn() -> Value + Send + Sync + 'static,
    ) -> Self {
        self.try_preserve_or(field, move || Ok(default()))
    }

    /// Like [`Step::preserve_or`], for a default whose making may fail (for
    /// example serializing a Rust default value).
    #[must_use]
    pub fn try_preserve_or(
        mut self,
        field: impl Into<String>,
        default: impl Fn() -> Result<Value, BoxError> + Send + Sync + 'static,
    ) -> Self {
        self.ops.push(Op::Preserve {
            field: field.into(),
            default: Some(Box::new(default)),
        });
        self
    }

    /// Drops a removed `field` and its value. The report lists what was dropped.
    #[must_use]
    pub fn drop_field(mut self, field: impl Into<String>) -> Self {
        self.ops.push(Op::Drop {
            field: field.into(),
            default: None,
        });
        self
    }

    /// Like [`Step::drop_field`], for a field an older reader can take from
    /// `default`: a downgrade writes the value `default` makes, where
    /// [`Step::drop_field`] alone makes it
    /// [`Error::Irreversible`](crate::Error::Irreversible).
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Note", 1)
    ///     .step(Step::new(0, 1).drop_field_or("color", || json!("black")))
    ///     .build()?;
    /// let mut doc = json!({"schema_version": 1, "text": "hi"});
    /// schema.downgrade(&mut doc, &schema.parse_version("0")?)?;
    /// assert_eq!(doc, json!({"schema_version": 0, "text": "hi", "color": "black"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn drop_field_or(
        self,
        field: impl Into<String>,
        default: impl Fn() -> Value + Send + Sync + 'static,
    ) -> Self {
        self.try_drop_field_or(field, move || Ok(default()))
    }

    /// Like [`Step::drop_field_or`], for a default whose making may fail.
    #[must_use]
    pub fn try_drop_field_or(
        mut self,
        field: impl Into<String>,
        default: impl Fn() -> Result<Value, BoxError> + Send + Sync + 'static,
    ) -> Self {
        self.ops.push(Op::Drop {
            field: field.into(),
            default: Some(Box::new(default)),
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
        self.ops.push(Op::Custom(Custom {
            up: function.into_body().0,
            back: None,
        }));
        self
    }

    /// Like [`Step::with`], with `back`, the function that undoes `up`,
    /// for [`Schema::downgrade`](crate::Schema::downgrade) and
    /// [`to_value_as`](crate::to_value_as) to run: without one, a downgrade
    /// across the step is [`Error::Irreversible`](crate::Error::Irreversible).
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::{json, Map, Value};
    ///
    /// fn split(doc: &mut Map<String, Value>) -> Result<(), String> {
    ///     let name = doc.remove("name").ok_or("no `name`")?;
    ///     let name = name.as_str().ok_or("`name` is not a string")?;
    ///     let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    ///     doc.insert("first".into(), json!(first));
    ///     doc.insert("last".into(), json!(last));
    ///     Ok(())
    /// }
    ///
    /// fn join(doc: &mut Map<String, Value>) -> Result<(), String> {
    ///     let first = doc.remove("first").ok_or("no `first`")?;
    ///     let last = doc.remove("last").ok_or("no `last`")?;
    ///     let name = format!("{} {}", first.as_str().unwrap_or(""), last.as_str().unwrap_or(""));
    ///     doc.insert("name".into(), json!(name.trim_end()));
    ///     Ok(())
    /// }
    ///
    /// let schema = Schema::integer("Person", 2)
    ///     .step(Step::new(0, 1))
    ///     .step(Step::new(1, 2).with_inverse(split, join))
    ///     .build()?;
    /// let mut doc = json!({"schema_version": 2, "first": "Ada", "last": "Lovelace"});
    /// schema.downgrade(&mut doc, &schema.parse_version("1")?)?;
    /// assert_eq!(doc, json!({"schema_version": 1, "name": "Ada Lovelace"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn with_inverse<E, B>(
        self,
        up: impl Fn(&mut Object) -> Result<(), E> + Send + Sync + 'static,
        back: impl Fn(&mut Object) -> Result<(), B> + Send + Sync + 'static,
    ) -> Self
    where
        E: Into<BoxError>,
        B: Into<BoxError>,
    {
        self.function_with_inverse(up, back)
    }

    /// Like [`Step::typed`], with `back`, the typed function that turns the
    /// newer snapshot back into the older one; see [`Step::with_inverse`].
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde::{Deserialize, Serialize};
    /// use serde_json::json;
    ///
    /// #[derive(Serialize, Deserialize)]
    /// struct PointV1 { x: f64, y: f64 }
    ///
    /// #[derive(Serialize, Deserialize)]
    /// struct PointV2 { coords: [f64; 2] }
    ///
    /// let schema = Schema::integer("Point", 2)
    ///     .step(Step::new(0, 1))
    ///     .step(Step::new(1, 2).typed_with_inverse(
    ///         |p: PointV1| Ok::<_, String>(PointV2 { coords: [p.x, p.y] }),
    ///         |p: PointV2| Ok::<_, String>(PointV1 { x: p.coords[0], y: p.coords[1] }),
    ///     ))
    ///     .build()?;
    /// let mut doc = json!({"schema_version": 2, "coords": [1.0, 2.0]});
    /// schema.downgrade(&mut doc, &schema.parse_version("1")?)?;
    /// assert_eq!(doc, json!({"schema_version": 1, "x": 1.0, "y": 2.0}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn typed_with_inverse<Old, New, E, B>(
        self,
        up: impl Fn(Old) -> Result<New, E> + Send + Sync + 'static,
        back: impl Fn(New) -> Result<Old, B> + Send + Sync + 'static,
    ) -> Self
    where
        Old: DeserializeOwned + Serialize,
        New: DeserializeOwned + Serialize,
        E: Into<BoxError>,
        B: Into<BoxError>,
    {
        self.function_with_inverse(up, back)
    }

    /// Runs `up` on the way up and `back` on the way down, each of either
    /// kind, told apart by its signature: what
    /// `#[versioned(step(with = up, back = down))]` calls.
    #[must_use]
    pub fn function_with_inverse<Up, Back>(
        mut self,
        up: impl StepFunction<Up>,
        back: impl StepFunction<Back>,
    ) -> Self {
        self.ops.push(Op::Custom(Custom {
            up: up.into_body().0,
            back: Some(back.into_body().0),
        }));
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

/// A hand-written step's function, and its inverse if it was given one.
/// It calls as its function does, so the engine runs it as one.
pub(crate) struct Custom {
    up: Box<CustomFn>,
    pub(crate) back: Option<Box<CustomFn>>,
}

impl Deref for Custom {
    type Target = CustomFn;

    fn deref(&self) -> &CustomFn {
        &*self.up
    }
}

/// A function a hand-written step runs; see [`Step::with`], [`Step::typed`]
/// and [`Step::function`].
///
/// Two kinds exist, told apart by the function's signature:
///
/// - in place, `fn(&mut Object) -> Result<(), E>`, edits the document as a
///   JSON [`Object`](crate::object::Object) (the guide's dict-based
///   migrations);
/// - typed, `fn(Old) -> Result<New, E>`, receives the document already
///   deserialized into `Old`, a typed snapshot of the version the step starts
///   from, and returns the next version as any serializable value (the
///   guide's schema-aware migrations). A document that does not fit `Old` is
///   [`Error::Snapshot`](crate::Error::Snapshot), with the field path.
///
/// In both, `E` is any error convertible into a boxed error (`String`,
/// `&str`, or an error type of the user's). The version key is taken out of
/// the document before the function runs and written back after the last
/// step. Either kind may take a value the caller supplies as its last
/// argument, `&C` (`fn(&mut Object, &C)`, `fn(Old, &C) -> Result<New, E>`):
/// see [`with_context`](crate::with_context).
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
    note = "either kind may take a context value as its last argument, `&C`, which the caller supplies with `palimpsest::with_context`",
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
            let mut track = Track::new();
            let mut ignored = Vec::new();
            let deserializer = track::Deserializer::new(Noting::new(doc, &mut ignored), &mut track);
            let old = Old::deserialize(deserializer).map_err(|e| OpError::Snapshot {
                snapshot: std::any::type_name::<Old>(),
                path: track.path().to_string(),
                message: e.to_string(),
            })?;
            let new = self(old).map_err(|e| OpError::Failed(e.into()))?;
            match serde_json::to_value(new) {
                Ok(Value::Object(mut object)) => {
                    // Keys the snapshot has no field for go on to the next
                    // step as they were, rather than vanish between the two
                    // structs: the end of the migration keeps or refuses
                    // them like any other key no field claims.
                    for key in ignored {
                        if object.contains_key(&key) {
                            return Err(OpError::Failed(format!(
                                "the step wrote `{key}`, which the document also held under a key `{}` has no field for; one of the two values would be lost",
                                std::any::type_name::<Old>()
                            ).into()));
                        }
                        if let Some(value) = doc.remove(&key) {
                            object.insert(key, value);
                        }
                    }
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
    /// A step function needs a context value of this type, and the read
    /// has none in scope.
    MissingContext(&'static str),
    Convert {
        path: String,
        reason: crate::ops::convert::ConvertError,
    },
}

impl From<NotAnObject> for OpError {
    fn from(e: NotAnObject) -> Self {
        OpError::NotAnObject {
            path: e.path,
            found: e.found,
        }
    }
}

/// What applying a migration's operations did, for the report: recorded
/// only when someone asked for the report, since most reads discard it.
#[derive(Default)]
pub(crate) struct Applied {
    record: bool,
    pub preserved: Vec<String>,
    pub dropped: Vec<String>,
    pub defaulted: Vec<String>,
    pub renamed: Vec<String>,
    pub moved: Vec<String>,
    pub converted: Vec<String>,
    pub declared: Vec<String>,
    /// The defaults this migration inserted, kept whether or not it
    /// records: later changes leave them alone.
    pub fresh: crate::ops::fresh::Fresh,
}

impl Applied {
    /// An `Applied` that records what ran; the default records nothing.
    pub(crate) fn recording() -> Self {
        Applied {
            record: true,
            ..Applied::default()
        }
    }

    /// Whether it records: lists nobody reads are not searched either.
    pub(crate) fn records(&self) -> bool {
        self.record
    }

    /// Records the metadata path a value was preserved under.
    pub(crate) fn record_preserved(&mut self, path: impl FnOnce() -> String) {
        if self.record {
            self.preserved.push(path());
        }
    }

    /// Records a rename, `old -> new`, built only when recording.
    pub(crate) fn record_renamed(&mut self, entry: impl FnOnce() -> String) {
        if self.record {
            self.renamed.push(entry());
        }
    }

    /// Records a move between paths, `from -> to`, built only when recording.
    pub(crate) fn record_moved(&mut self, entry: impl FnOnce() -> String) {
        if self.record {
            self.moved.push(entry());
        }
    }

    fn record_dropped(&mut self, field: &str) {
        if self.record {
            self.dropped.push(field.to_owned());
        }
    }

    /// Records that a value went because the history says so (a removal
    /// with `drop`): the no-loss check of `palimpsest::testing` does not
    /// count it as lost.
    pub(crate) fn record_declared(&mut self, path: String) {
        if self.record && !self.declared.contains(&path) {
            self.declared.push(path);
        }
    }

    fn record_defaulted(&mut self, field: &str) {
        if self.record {
            self.defaulted.push(field.to_owned());
        }
    }

    fn record_converted(&mut self, field: &str) {
        if self.record {
            self.converted.push(field.to_owned());
        }
    }
}

/// The order in which a downgrade undoes one step's operations: newest
/// first, save that added fields are taken out only after the renames,
/// moves and conversions are undone (a rename or move into an added field,
/// or into an object inside it, filled it on the way up, and its default
/// was never used: removing the field first would drop what that undo has
/// to take back out), and before removed fields are restored (one may
/// reuse an added field's name).
pub(crate) fn undo_order(ops: &[Op]) -> impl Iterator<Item = &Op> {
    let removed = |op: &&Op| matches!(op, Op::Preserve { .. } | Op::Drop { .. });
    let added = |op: &&Op| matches!(op, Op::Default { .. });
    let others = ops
        .iter()
        .rev()
        .filter(move |op| !removed(op) && !added(op));
    others
        .chain(ops.iter().rev().filter(added))
        .chain(ops.iter().rev().filter(removed))
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
                let renamed = rename_key(doc, old, new).map_err(|c| OpError::Conflict {
                    old: c.old,
                    new: c.new,
                })?;
                if renamed {
                    applied.fresh.carried(|| (old.clone(), new.clone()));
                    applied.record_renamed(|| format!("{old} -> {new}"));
                }
            }
            Op::Preserve { field, .. } => {
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
            Op::Drop { field, .. } => {
                if doc.remove(field).is_some() {
                    applied.record_dropped(field);
                    applied.record_declared(field.clone());
                }
            }
            Op::Default { field, value } => {
                if !doc.contains_key(field) {
                    let value = value().map_err(OpError::Failed)?;
                    doc.insert(field.clone(), value);
                    applied.fresh.defaulted(field.clone());
                    applied.record_defaulted(field);
                }
            }
            Op::Custom(function) => function(doc)?,
            // A default is already in the shape the conversion makes.
            Op::Convert(conversion) if applied.fresh.is_fresh(conversion.field()) => {}
            Op::Convert(conversion) => {
                if conversion.apply(doc, "")? {
                    applied.record_converted(conversion.field());
                }
            }
            Op::Moves(op) => op.apply(doc, At::ROOT, applied, &mut InMetadata(metadata))?,
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
    fn custom_ops_report_their_error() {
        let op = Op::Custom(Custom {
            up: Box::new(|_doc| Err(OpError::Failed("nope".into()))),
            back: None,
        });
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
            default: None,
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
