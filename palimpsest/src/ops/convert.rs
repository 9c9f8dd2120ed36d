//! Conversions of one field's value in a step, after the step's renames
//! (the value is under the field's name in the step's new version):
//!
//! - convert: a function of the user's changes its type or encoding
//!   (`#[converted]`, [`Step::convert`]), with an optional inverse;
//! - wrap: a single value becomes a one-element list (`#[wrapped]`,
//!   [`Step::wrap`]); `null` becomes the empty list;
//! - unwrap: a one-element list becomes its element (`#[unwrapped]`,
//!   [`Step::unwrap`]); any other length is an error, never truncated;
//! - rename keys: the keys of a map-valued field are renamed, all at once
//!   (`#[renamed_keys]`, [`Step::rename_keys`]).
//!
//! A field the document does not have is left absent by all four. The
//! tree engine, the streaming reader (which captures the field, see
//! `StreamPlan`) and the embedded walk apply them with [`Conversion::apply`];
//! a downgrade undoes them with [`Conversion::undo`].

#[cfg(feature = "testing")]
use std::cell::RefCell;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{BoxError, Error};
use crate::object::Object;
use crate::step::{InPlace, OpError, Step, Typed};
use crate::track::{self, Track};
use crate::version::{kind_of, Version};

type ConvertFn = dyn Fn(&mut Value) -> Result<(), ConvertError> + Send + Sync;

/// Why a field's value could not be converted; the engine adds the type,
/// the versions and the field path ([`Error::Convert`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The value does not deserialize into the type a typed conversion
    /// takes.
    #[error("the value does not fit `{expected}`: {message}")]
    Mismatch {
        /// The type the conversion takes.
        expected: &'static str,
        /// What serde said, with the path inside the value when there is one.
        message: String,
    },
    /// The conversion function returned an error, or its result did not
    /// serialize.
    #[error("the conversion failed: {0}")]
    Failed(#[source] BoxError),
    /// A list to unwrap does not hold exactly one element: unwrapping it
    /// would lose the others, or invent a value.
    #[error("expected a list of one element to unwrap, found a list of {length}")]
    Length {
        /// How many elements the list holds.
        length: usize,
    },
    /// The conversion function takes a context value of this type, and the
    /// read has none in scope ([`with_context`](crate::with_context)).
    #[error("the conversion needs a context of type `{context}`, and none was given: run the read inside `palimpsest::with_context`")]
    MissingContext {
        /// The type of the context the conversion needs.
        context: &'static str,
    },
    /// The value is not of the shape the operation works on: a list to
    /// unwrap, an object whose keys to rename.
    #[error("expected {expected}, found {found}")]
    Shape {
        /// What the operation works on.
        expected: &'static str,
        /// What the document holds.
        found: &'static str,
    },
}

/// A function that converts a field's value, in a step or its inverse;
/// see [`Step::convert`] and `#[converted(..., with = path, back = path)]`.
///
/// Two kinds exist, told apart by the function's signature, as for
/// [`StepFunction`](crate::StepFunction):
///
/// - typed, `fn(Old) -> Result<New, E>`: receives the old value
///   deserialized into `Old` and returns the new one as any serializable
///   value. A value that does not fit `Old` is [`Error::Convert`] with
///   [`ConvertError::Mismatch`], naming `Old`, the versions and the field
///   path. With `serde_json::Value` for `Old` and `New`, the function
///   works on the JSON value as it is and never meets a mismatch. Keys of
///   an object value that `Old` has no field for are ignored, as serde
///   ignores them (`#[serde(deny_unknown_fields)]` on `Old` refuses them):
///   the function decides what the new value keeps;
/// - in place, `fn(&mut Value) -> Result<(), E>`: edits the JSON value.
///
/// In both, `E` is any error convertible into a boxed error (`String`,
/// `&str`, or an error type of the user's), reported as
/// [`ConvertError::Failed`]. Either kind may take a value the caller
/// supplies as its last argument, `&C` (`fn(Old, &C) -> Result<New, E>`,
/// `fn(&mut Value, &C)`): see [`with_context`](crate::with_context).
///
/// ```
/// use palimpsest::{ConvertError, Error, Schema, Step};
/// use serde_json::{json, Value};
///
/// fn to_number(id: String) -> Result<u64, std::num::ParseIntError> {
///     id.parse()
/// }
///
/// fn to_text(id: u64) -> Result<String, String> {
///     Ok(id.to_string())
/// }
///
/// fn nest(env: &mut Value) -> Result<(), String> {
///     let name = env.take();
///     *env = json!({"name": name});
///     Ok(())
/// }
///
/// let schema = Schema::integer("Log", 2)
///     .step(Step::new(0, 1))
///     .step(
///         Step::new(1, 2)
///             .convert_with_inverse("user_id", to_number, to_text)
///             .convert("environment", nest),
///     )
///     .build()?;
/// let mut doc = json!({"schema_version": 1, "user_id": "42", "environment": "prod"});
/// let report = schema.migrate(&mut doc)?;
/// assert_eq!(doc, json!({"schema_version": 2, "user_id": 42, "environment": {"name": "prod"}}));
/// assert_eq!(report.converted, ["user_id", "environment"]);
///
/// let mut bad = json!({"schema_version": 1, "user_id": 42});
/// let err = schema.migrate(&mut bad).unwrap_err();
/// assert!(matches!(err, Error::Convert { reason: ConvertError::Mismatch { .. }, .. }));
/// assert_eq!(
///     err.to_string(),
///     "`Log`: migrating 1 -> 2: cannot convert `user_id`: the value does not fit `alloc::string::String`: invalid type: integer `42`, expected a string"
/// );
/// # Ok::<(), palimpsest::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a conversion function",
    label = "expected `fn(Old) -> Result<New, E>` or `fn(&mut Value) -> Result<(), E>`",
    note = "a conversion receives the field's old value deserialized into `Old` and returns the new one, `fn(Old) -> Result<New, E>` with `Old: Deserialize` and `New: Serialize` (`serde_json::Value` for both works on the JSON value as it is), or edits the JSON value in place, `fn(&mut serde_json::Value) -> Result<(), E>`",
    note = "either kind may take a context value as its last argument, `&C`, which the caller supplies with `palimpsest::with_context`",
    note = "`E` converts into `Box<dyn Error + Send + Sync>`: `String`, `&str`, or an error type; the function is `Send + Sync + 'static`"
)]
pub trait ConvertFunction<Kind>: Send + Sync + 'static {
    /// Wraps the function for the engine.
    fn into_body(self) -> ConvertBody;
}

/// A conversion function wrapped for the engine; see [`ConvertFunction`].
pub struct ConvertBody(pub(crate) Box<ConvertFn>);

impl fmt::Debug for ConvertBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConvertBody")
    }
}

impl<F, E> ConvertFunction<InPlace> for F
where
    F: Fn(&mut Value) -> Result<(), E> + Send + Sync + 'static,
    E: Into<BoxError>,
{
    fn into_body(self) -> ConvertBody {
        ConvertBody(Box::new(move |value| {
            self(value).map_err(|e| ConvertError::Failed(e.into()))
        }))
    }
}

impl<F, Old, New, E> ConvertFunction<Typed<Old, New>> for F
where
    F: Fn(Old) -> Result<New, E> + Send + Sync + 'static,
    Old: DeserializeOwned,
    New: Serialize,
    E: Into<BoxError>,
{
    fn into_body(self) -> ConvertBody {
        ConvertBody(Box::new(move |value| {
            let mut track = Track::new();
            let old = Old::deserialize(track::Deserializer::new(&*value, &mut track))
                .map_err(|e| mismatch::<Old>(&track.path().to_string(), &e))?;
            let new = self(old).map_err(|e| ConvertError::Failed(e.into()))?;
            *value = serde_json::to_value(new).map_err(|e| ConvertError::Failed(e.into()))?;
            Ok(())
        }))
    }
}

/// serde's message for a value that does not fit `Old`, with the path
/// inside the value when the failure is below its top (`at `id`: ...`).
fn mismatch<Old>(within: &str, error: &serde_json::Error) -> ConvertError {
    let message = match within {
        "" | "." => error.to_string(),
        within => format!("at `{within}`: {error}"),
    };
    ConvertError::Mismatch {
        expected: std::any::type_name::<Old>(),
        message,
    }
}

/// A change of one field's value; see the [module documentation](self).
pub(crate) struct Conversion {
    field: String,
    change: Change,
}

enum Change {
    Convert {
        up: Box<ConvertFn>,
        down: Option<Box<ConvertFn>>,
    },
    Wrap,
    Unwrap,
    /// `(old, new)` pairs, applied all at once.
    RenameKeys(Vec<(String, String)>),
}

impl Step {
    /// Converts the value of `field` with `up`, a function of either kind
    /// of [`ConvertFunction`], told apart by its signature: what
    /// `#[converted(since = .., with = path)]` calls. A document without
    /// the field is left without it. Downgrading across this step is
    /// [`Error::Irreversible`] for a document that has the field: see
    /// [`Step::convert_with_inverse`].
    #[must_use]
    pub fn convert<Kind>(self, field: impl Into<String>, up: impl ConvertFunction<Kind>) -> Self {
        self.push_conversion(
            field,
            Change::Convert {
                up: up.into_body().0,
                down: None,
            },
        )
    }

    /// Converts the value of `field` with `up`, and back with `down` when
    /// a document is written as an older version
    /// ([`Schema::downgrade`](crate::Schema::downgrade)); see
    /// [`ConvertFunction`].
    #[must_use]
    pub fn convert_with_inverse<Up, Down>(
        self,
        field: impl Into<String>,
        up: impl ConvertFunction<Up>,
        down: impl ConvertFunction<Down>,
    ) -> Self {
        self.push_conversion(
            field,
            Change::Convert {
                up: up.into_body().0,
                down: Some(down.into_body().0),
            },
        )
    }

    /// Wraps the value of `field` into a one-element list: `{..}` becomes
    /// `[{..}]`, `null` the empty list, and an absent field stays absent.
    /// A downgrade takes the element back out (the empty list becomes
    /// `null`); a list of several elements cannot be written as one value,
    /// and is [`Error::Irreversible`].
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Chat", 1)
    ///     .step(Step::new(0, 1).rename("function_call", "tool_calls").wrap("tool_calls"))
    ///     .build()?;
    /// let mut doc = json!({"function_call": {"name": "ls"}});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc, json!({"schema_version": 1, "tool_calls": [{"name": "ls"}]}));
    /// schema.downgrade(&mut doc, &schema.parse_version("0")?)?;
    /// assert_eq!(doc, json!({"schema_version": 0, "function_call": {"name": "ls"}}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn wrap(self, field: impl Into<String>) -> Self {
        self.push_conversion(field, Change::Wrap)
    }

    /// Unwraps the one element of the list in `field`: `[x]` becomes `x`.
    /// A list of any other length is [`Error::Convert`] with
    /// [`ConvertError::Length`], never truncated; `null` and an absent
    /// field stay as they are. A downgrade wraps the value back.
    ///
    /// ```
    /// use palimpsest::{ConvertError, Error, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Job", 1).step(Step::new(0, 1).unwrap("hosts")).build()?;
    /// let mut doc = json!({"hosts": ["a"]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["hosts"], "a");
    /// let err = schema.migrate(&mut json!({"hosts": ["a", "b"]})).unwrap_err();
    /// assert!(matches!(err, Error::Convert { reason: ConvertError::Length { length: 2 }, .. }));
    /// assert_eq!(err.to_string(), "`Job`: migrating 0 -> 1: cannot convert `hosts`: expected a list of one element to unwrap, found a list of 2");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn unwrap(self, field: impl Into<String>) -> Self {
        self.push_conversion(field, Change::Unwrap)
    }

    /// Renames keys of the object in `field`, a map-valued field: each
    /// `(old, new)` pair at once, so pairs may swap two keys. An old key
    /// whose new one is present too is [`Error::Conflict`]; `null` and an
    /// absent field stay as they are. A downgrade renames them back.
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Metrics", 1)
    ///     .step(Step::new(0, 1).rename_keys("usage", [("cpu_ms", "cpu.ms"), ("mem", "mem.bytes")]))
    ///     .build()?;
    /// let mut doc = json!({"usage": {"cpu_ms": 3, "disk": 1}});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["usage"], json!({"cpu.ms": 3, "disk": 1}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn rename_keys<I, O, N>(self, field: impl Into<String>, pairs: I) -> Self
    where
        I: IntoIterator<Item = (O, N)>,
        O: Into<String>,
        N: Into<String>,
    {
        let pairs = pairs
            .into_iter()
            .map(|(old, new)| (old.into(), new.into()))
            .collect();
        self.push_conversion(field, Change::RenameKeys(pairs))
    }

    fn push_conversion(mut self, field: impl Into<String>, change: Change) -> Self {
        self.ops.push(crate::step::Op::Convert(Conversion {
            field: field.into(),
            change,
        }));
        self
    }
}

/// A conversion that changes how many values a field holds: embedded
/// objects below it stand at another depth before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reshape {
    /// One value became a list of one.
    Wrap,
    /// A list of one became its value.
    Unwrap,
}

/// The versions a downgrade goes between, for its errors.
pub(crate) struct Undoing<'a> {
    pub(crate) type_name: &'static str,
    pub(crate) newer: &'a Version,
    pub(crate) older: &'a Version,
}

impl Undoing<'_> {
    fn irreversible(&self, reason: String) -> Error {
        Error::Irreversible {
            type_name: self.type_name,
            from: self.newer.clone(),
            to: self.older.clone(),
            reason,
        }
    }

    fn failed(&self, path: String, reason: ConvertError) -> Error {
        Error::Convert {
            type_name: self.type_name,
            from: self.newer.clone(),
            to: self.older.clone(),
            path,
            reason,
        }
    }
}

impl Conversion {
    /// The key the value is under: the field's name in the step's new
    /// version.
    pub(crate) fn field(&self) -> &str {
        &self.field
    }

    /// Whether it wraps or unwraps the value.
    pub(crate) fn reshape(&self) -> Option<Reshape> {
        match self.change {
            Change::Wrap => Some(Reshape::Wrap),
            Change::Unwrap => Some(Reshape::Unwrap),
            Change::Convert { .. } | Change::RenameKeys(_) => None,
        }
    }

    /// Changes the value of the field in `object`, an object at the exact
    /// path `at` (empty for the document itself); whether the object had
    /// the field, for the report.
    pub(crate) fn apply(&self, object: &mut Object, at: &str) -> Result<bool, OpError> {
        let Some(value) = object.get_mut(&self.field) else {
            return Ok(false);
        };
        let path = || joined(at, &self.field);
        let result = match &self.change {
            Change::Convert { up, .. } => {
                note_consumed(value);
                up(value)
            }
            Change::Wrap => {
                wrap(value);
                Ok(())
            }
            Change::Unwrap => unwrap(value),
            Change::RenameKeys(pairs) => {
                return rename_keys(value, pairs.iter().map(|(o, n)| (o, n)))
                    .map(|()| true)
                    .map_err(|e| match e {
                        KeyError::Conflict { old, new } => OpError::Conflict {
                            old: joined(&path(), &old),
                            new: joined(&path(), &new),
                        },
                        KeyError::Shape(reason) => OpError::Convert {
                            path: path(),
                            reason,
                        },
                    });
            }
        };
        result.map(|()| true).map_err(|reason| OpError::Convert {
            path: path(),
            reason,
        })
    }

    /// Undoes [`Conversion::apply`] on an object at the exact path `at`
    /// of a document written as an older version; whether the object had
    /// the field, for the report.
    pub(crate) fn undo(
        &self,
        object: &mut Object,
        at: &str,
        undoing: &Undoing<'_>,
    ) -> Result<bool, Error> {
        let Some(value) = object.get_mut(&self.field) else {
            return Ok(false);
        };
        let path = joined(at, &self.field);
        match &self.change {
            Change::Convert { down: None, .. } => {
                return Err(undoing.irreversible(format!(
                    "`{path}` was converted in {} with no inverse (`back`)",
                    undoing.newer
                )))
            }
            Change::Convert {
                down: Some(down), ..
            } => {
                down(value).map_err(|reason| undoing.failed(path, reason))?;
            }
            // The inverse of a wrap: the element back out, `null` for none.
            Change::Wrap => match value {
                Value::Array(items) if items.len() <= 1 => {
                    *value = items.pop().unwrap_or(Value::Null);
                }
                Value::Array(items) => {
                    return Err(undoing.irreversible(format!(
                        "`{path}` holds a list of {} and version {} holds one value there",
                        items.len(),
                        undoing.older
                    )))
                }
                other => {
                    let reason = ConvertError::Shape {
                        expected: "a list",
                        found: kind_of(other),
                    };
                    return Err(undoing.failed(path, reason));
                }
            },
            Change::Unwrap => wrap_unwrapped(value),
            Change::RenameKeys(pairs) => {
                rename_keys(value, pairs.iter().map(|(o, n)| (n, o))).map_err(|e| match e {
                    KeyError::Conflict { old, new } => Error::Conflict {
                        type_name: undoing.type_name,
                        from: undoing.newer.clone(),
                        to: undoing.older.clone(),
                        old: joined(&path, &old),
                        new: joined(&path, &new),
                    },
                    KeyError::Shape(reason) => undoing.failed(path.clone(), reason),
                })?;
            }
        }
        Ok(true)
    }
}

#[cfg(feature = "testing")]
thread_local! {
    /// While `palimpsest::testing` reads a fixture: the old values that
    /// conversions replaced, which its no-loss check must not miss.
    static CONSUMED: RefCell<Option<Vec<Value>>> = const { RefCell::new(None) };
}

/// Nothing to note in a build without `testing`: no cost to a read.
#[cfg(not(feature = "testing"))]
fn note_consumed(_: &Value) {}

#[cfg(feature = "testing")]
fn note_consumed(value: &Value) {
    CONSUMED.with(|consumed| {
        if let Some(consumed) = consumed.borrow_mut().as_mut() {
            consumed.push(value.clone());
        }
    });
}

/// Runs `read`, and returns with its result the old values that
/// `#[converted]` functions replaced while it ran, on this thread.
#[cfg(feature = "testing")]
pub(crate) fn consumed_by<R>(read: impl FnOnce() -> R) -> (R, Vec<Value>) {
    /// Puts back what was collected before, even if `read` panics.
    struct Restore(Option<Vec<Value>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CONSUMED.with(|consumed| *consumed.borrow_mut() = previous);
        }
    }
    let restore = Restore(CONSUMED.with(|consumed| consumed.replace(Some(Vec::new()))));
    let result = read();
    let consumed = CONSUMED.with(|consumed| consumed.borrow_mut().take());
    drop(restore);
    (result, consumed.unwrap_or_default())
}

/// `x` becomes `[x]`; `null`, no value, the empty list.
fn wrap(value: &mut Value) {
    *value = match value.take() {
        Value::Null => Value::Array(Vec::new()),
        single => Value::Array(vec![single]),
    };
}

/// The inverse of [`unwrap`]: `x` becomes `[x]`, `null` stays.
fn wrap_unwrapped(value: &mut Value) {
    if !value.is_null() {
        *value = Value::Array(vec![value.take()]);
    }
}

/// `[x]` becomes `x`; `null` stays; anything else is refused.
fn unwrap(value: &mut Value) -> Result<(), ConvertError> {
    match value {
        Value::Null => Ok(()),
        Value::Array(items) if items.len() == 1 => {
            *value = items.pop().unwrap_or(Value::Null);
            Ok(())
        }
        Value::Array(items) => Err(ConvertError::Length {
            length: items.len(),
        }),
        other => Err(ConvertError::Shape {
            expected: "a list of one element",
            found: kind_of(other),
        }),
    }
}

enum KeyError {
    Conflict { old: String, new: String },
    Shape(ConvertError),
}

/// Renames the keys of an object, every pair at once: the old keys are
/// taken out first, so a pair may take a name another pair frees.
fn rename_keys<'p>(
    value: &mut Value,
    pairs: impl Iterator<Item = (&'p String, &'p String)>,
) -> Result<(), KeyError> {
    let map = match value {
        Value::Object(map) => map,
        Value::Null => return Ok(()),
        other => {
            return Err(KeyError::Shape(ConvertError::Shape {
                expected: "an object",
                found: kind_of(other),
            }))
        }
    };
    let taken: Vec<(&String, &String, Value)> = pairs
        .filter_map(|(old, new)| Some((old, new, map.remove(old)?)))
        .collect();
    for (old, new, value) in taken {
        // A key the object keeps, or one an earlier pair renamed to: the
        // caller sees nothing of the half-done renames, as a migration
        // works on a copy it drops on error.
        if map.contains_key(new) {
            return Err(KeyError::Conflict {
                old: old.clone(),
                new: new.clone(),
            });
        }
        map.insert(new.clone(), value);
    }
    Ok(())
}

fn joined(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        serde_json::from_value(value).unwrap()
    }

    fn undoing<'a>(newer: &'a Version, older: &'a Version) -> Undoing<'a> {
        Undoing {
            type_name: "T",
            newer,
            older,
        }
    }

    fn conversion(change: Change) -> Conversion {
        Conversion {
            field: "f".into(),
            change,
        }
    }

    #[test]
    fn wrap_and_its_inverse() {
        let wrapped = conversion(Change::Wrap);
        let (newer, older) = (Version::integer(1), Version::integer(0));
        for (old, new) in [
            (json!({"a": 1}), json!([{"a": 1}])),
            (json!(null), json!([])),
            (json!([1]), json!([[1]])),
        ] {
            let mut doc = object(json!({"f": old.clone()}));
            assert!(wrapped.apply(&mut doc, "").unwrap());
            assert_eq!(doc["f"], new);
            wrapped
                .undo(&mut doc, "", &undoing(&newer, &older))
                .unwrap();
            assert_eq!(doc["f"], old);
        }
        let mut absent = Object::new();
        assert!(!wrapped.apply(&mut absent, "").unwrap());
        assert!(absent.is_empty());
        let mut many = object(json!({"f": [1, 2, 3]}));
        let err = wrapped
            .undo(&mut many, "steps[2]", &undoing(&newer, &older))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`T`: cannot write version 0 from 1: `steps[2].f` holds a list of 3 and version 0 holds one value there"
        );
    }

    #[test]
    fn unwrap_refuses_every_other_length() {
        let unwrapped = conversion(Change::Unwrap);
        for (list, length) in [(json!([]), 0), (json!([1, 2]), 2)] {
            let mut doc = object(json!({"f": list}));
            let err = unwrapped.apply(&mut doc, "x").unwrap_err();
            assert!(
                matches!(&err, OpError::Convert { path, reason: ConvertError::Length { length: l } } if path == "x.f" && *l == length),
                "{err:?}"
            );
        }
        let mut doc = object(json!({"f": "one"}));
        let err = unwrapped.apply(&mut doc, "").unwrap_err();
        assert!(
            matches!(
                &err,
                OpError::Convert {
                    reason: ConvertError::Shape {
                        found: "a string",
                        ..
                    },
                    ..
                }
            ),
            "{err:?}"
        );
        let mut doc = object(json!({"f": null}));
        unwrapped.apply(&mut doc, "").unwrap();
        assert_eq!(doc["f"], Value::Null);
    }

    #[test]
    fn keys_are_renamed_at_once_and_never_overwritten() {
        let swap = conversion(Change::RenameKeys(vec![
            ("a".into(), "b".into()),
            ("b".into(), "a".into()),
        ]));
        let mut doc = object(json!({"f": {"a": 1, "b": 2, "c": 3}}));
        swap.apply(&mut doc, "").unwrap();
        assert_eq!(doc["f"], json!({"a": 2, "b": 1, "c": 3}));
        // Two old keys onto one new key: the second is refused.
        let onto_one = conversion(Change::RenameKeys(vec![
            ("a".into(), "z".into()),
            ("b".into(), "z".into()),
        ]));
        let err = onto_one.apply(&mut doc.clone(), "").unwrap_err();
        assert!(
            matches!(&err, OpError::Conflict { old, new } if old == "f.b" && new == "f.z"),
            "{err:?}"
        );
        let renamed = conversion(Change::RenameKeys(vec![("a".into(), "c".into())]));
        let err = renamed.apply(&mut doc, "m").unwrap_err();
        assert!(
            matches!(&err, OpError::Conflict { old, new } if old == "m.f.a" && new == "m.f.c"),
            "{err:?}"
        );
        let (newer, older) = (Version::integer(1), Version::integer(0));
        let mut doc = object(json!({"f": {"c": 1}}));
        renamed
            .undo(&mut doc, "", &undoing(&newer, &older))
            .unwrap();
        assert_eq!(doc["f"], json!({"a": 1}));
    }
}
