//! Moves between paths of a document, values set outright, and declared
//! drops: the operations of a [`Step`] that reach below the top level of
//! the object they apply to (Cambria's hoist and plunge), or that take a
//! value out of it on purpose.
//!
//! Every one of them runs on the object a step applies to: the document at
//! the top level, or an embedded object, the paths then relative to it.
//! What they take out of the document goes to a [`Keeper`]: the root's
//! metadata object, or `legacy_nested` for an embedded object; with neither,
//! it is listed in the report as dropped. Nothing leaves silently.

use serde_json::{Map, Value};

use crate::error::{BoxError, Error};
use crate::migrate::Report;
use crate::object::{free_key, last_taken_key, object_at, Object, ObjectPath};
use crate::step::{Applied, Op, OpError, Step};
use crate::version::{kind_of, Version};
use crate::vocab::names::legacy_key;

type ValueFn = dyn Fn() -> Result<Value, BoxError> + Send + Sync;

/// How an undo takes back a value a [`Keeper`] kept, by the path it stood
/// at in the object given.
pub(crate) type Restore<'a> = dyn FnMut(&mut Object, &str) -> Result<Option<Value>, Undone> + 'a;

/// What a rename or a move does when the document holds a value under both
/// the old and the new name.
///
/// ```
/// use palimpsest::{Conflict, Schema, Step};
/// use serde_json::json;
///
/// let schema = Schema::integer("Note", 1)
///     .metadata("meta")
///     .step(Step::new(0, 1).rename_with("result", "outcome", Conflict::OldWins))
///     .build()?;
/// let mut doc = json!({"result": "old", "outcome": "new"});
/// let report = schema.migrate(&mut doc)?;
/// assert_eq!(doc["outcome"], "old");
/// // The losing value is kept, never silently lost.
/// assert_eq!(doc["meta"]["legacy_outcome"], "new");
/// assert_eq!(report.preserved, ["meta.legacy_outcome"]);
/// # Ok::<(), palimpsest::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Conflict {
    /// The migration fails with [`Error::Conflict`]: which value is right
    /// is the user's call.
    #[default]
    Error,
    /// The old name's value goes to the new name; the value the new name
    /// held is kept in the metadata (or listed as dropped without one).
    OldWins,
    /// The new name keeps its value; the old name's is kept in the
    /// metadata (or listed as dropped without one).
    NewWins,
}

/// What a [`Step::set`] does with the value it overwrites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Overwritten {
    /// Kept in the metadata as `legacy_<field>`.
    Keep,
    /// Dropped, and listed as dropped in the report.
    Drop,
}

/// The operations of this module, one variant of [`Op`].
pub(crate) enum MoveOp {
    Move {
        from: ObjectPath,
        to: ObjectPath,
        conflict: Conflict,
    },
    Set {
        field: String,
        value: Box<ValueFn>,
        overwritten: Overwritten,
    },
    DropPath {
        path: ObjectPath,
    },
    /// A path given to a builder method that does not parse: reported by
    /// `SchemaBuilder::build`, so no step ever holds one.
    Malformed {
        method: &'static str,
        text: String,
    },
}

fn path_or_malformed(
    method: &'static str,
    text: &str,
    build: impl FnOnce(ObjectPath) -> MoveOp,
) -> MoveOp {
    match ObjectPath::parse(text) {
        Some(path) => build(path),
        None => MoveOp::Malformed {
            method,
            text: text.to_owned(),
        },
    }
}

impl Step {
    /// Moves the value at the dotted path `from` to the dotted path `to`,
    /// both relative to the object the step applies to: out of a nested
    /// object (`"context.env"` to `"environment"`), into one (`"user"` to
    /// `"client.user"`), or sideways. Objects missing on the way to `to`
    /// are created; an object emptied by the move stays, empty. Finding a
    /// value at both ends is [`Error::Conflict`]; a path through a value
    /// that is not an object is [`Error::NotAnObject`], naming it.
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Run", 1)
    ///     .step(Step::new(0, 1).move_value("context.env", "environment").move_value("user", "client.user"))
    ///     .build()?;
    /// let mut doc = json!({"context": {"env": "prod"}, "user": "ada"});
    /// let report = schema.migrate(&mut doc)?;
    /// assert_eq!(doc, json!({
    ///     "schema_version": 1,
    ///     "context": {},
    ///     "environment": "prod",
    ///     "client": {"user": "ada"},
    /// }));
    /// assert_eq!(report.moved, ["context.env -> environment", "user -> client.user"]);
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// A path that does not parse (an empty segment) makes
    /// [`SchemaBuilder::build`](crate::SchemaBuilder::build) fail.
    #[must_use]
    pub fn move_value(self, from: &str, to: &str) -> Self {
        self.move_value_with(from, to, Conflict::Error)
    }

    /// [`Step::move_value`], with what to do when both ends hold a value.
    #[must_use]
    pub fn move_value_with(mut self, from: &str, to: &str, conflict: Conflict) -> Self {
        let op = path_or_malformed("move_value", from, |from| {
            path_or_malformed("move_value", to, |to| MoveOp::Move { from, to, conflict })
        });
        self.ops.push(Op::Moves(op));
        self
    }

    /// [`Step::rename`], with what to do when both names hold a value.
    #[must_use]
    pub fn rename_with(self, old: &str, new: &str, conflict: Conflict) -> Self {
        if conflict == Conflict::Error {
            return self.rename(old, new);
        }
        self.move_value_with(old, new, conflict)
    }

    /// Sets `field` to the value `value` makes, whatever the document held:
    /// the value it overwrites is kept in the metadata object as
    /// `legacy_<field>` (so the schema needs a metadata path), and comes
    /// back from there on a downgrade.
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Job", 1)
    ///     .metadata("meta")
    ///     .step(Step::new(0, 1).set("retries", || json!(3)))
    ///     .build()?;
    /// let mut doc = json!({"retries": 10});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["retries"], 3);
    /// assert_eq!(doc["meta"]["legacy_retries"], 10);
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn set(
        self,
        field: impl Into<String>,
        value: impl Fn() -> Value + Send + Sync + 'static,
    ) -> Self {
        self.push_set(field.into(), infallible(value), Overwritten::Keep)
    }

    /// [`Step::set`], dropping the value it overwrites (listed in the
    /// report's `dropped`): no metadata path needed, and no way back.
    #[must_use]
    pub fn set_dropping(
        self,
        field: impl Into<String>,
        value: impl Fn() -> Value + Send + Sync + 'static,
    ) -> Self {
        self.push_set(field.into(), infallible(value), Overwritten::Drop)
    }

    /// [`Step::set`] for a value whose making may fail (serializing a Rust
    /// value, say); `keep` says whether the overwritten value is kept in
    /// the metadata or dropped.
    #[must_use]
    pub fn try_set(
        self,
        field: impl Into<String>,
        keep: bool,
        value: impl Fn() -> Result<Value, BoxError> + Send + Sync + 'static,
    ) -> Self {
        let overwritten = if keep {
            Overwritten::Keep
        } else {
            Overwritten::Drop
        };
        self.push_set(field.into(), Box::new(value), overwritten)
    }

    fn push_set(mut self, field: String, value: Box<ValueFn>, overwritten: Overwritten) -> Self {
        self.ops.push(Op::Moves(MoveOp::Set {
            field,
            value,
            overwritten,
        }));
        self
    }

    /// Drops the value at the dotted `path` on purpose: the report lists
    /// it as dropped, and the no-loss check of `palimpsest::testing` counts
    /// it as intended.
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Run", 1)
    ///     .step(Step::new(0, 1).drop_path("context.debug"))
    ///     .build()?;
    /// let mut doc = json!({"context": {"debug": true, "env": "prod"}});
    /// let report = schema.migrate(&mut doc)?;
    /// assert_eq!(doc["context"], json!({"env": "prod"}));
    /// assert_eq!(report.dropped, ["context.debug"]);
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    #[must_use]
    pub fn drop_path(mut self, path: &str) -> Self {
        let op = path_or_malformed("drop_path", path, |path| MoveOp::DropPath { path });
        self.ops.push(Op::Moves(op));
        self
    }
}

fn infallible(value: impl Fn() -> Value + Send + Sync + 'static) -> Box<ValueFn> {
    Box::new(move || Ok(value()))
}

/// The first path given to a builder method that does not parse, as
/// `SchemaBuilder::build` reports it.
pub(crate) fn malformed(ops: &[Op]) -> Option<String> {
    ops.iter().find_map(|op| match op {
        Op::Moves(MoveOp::Malformed { method, text }) => Some(format!(
            "Step::{method}: malformed path {text:?}: segments are separated by single dots"
        )),
        _ => None,
    })
}

/// Where the object an operation applies to stands in the document: its
/// exact path (`steps[3]`) and its report path (`steps[]`), both empty at
/// the top level.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub(crate) exact: &'a str,
    pub(crate) pattern: &'a str,
}

impl At<'_> {
    pub(crate) const ROOT: At<'static> = At {
        exact: "",
        pattern: "",
    };
}

/// Where a value an operation takes out of an object goes.
pub(crate) trait Keeper {
    /// Keeps `value`, which stood at `path` in `object` (relative to it),
    /// recording where in `applied`; `false` when there is nowhere to keep
    /// it, and the caller lists it as dropped.
    fn keep(
        &mut self,
        object: &mut Object,
        path: &str,
        value: Value,
        applied: &mut Applied,
    ) -> Result<bool, OpError>;
}

/// The keeper of a document's top level: its metadata object, if it has one.
pub(crate) struct InMetadata<'a>(pub(crate) Option<&'a ObjectPath>);

impl Keeper for InMetadata<'_> {
    fn keep(
        &mut self,
        object: &mut Object,
        path: &str,
        value: Value,
        applied: &mut Applied,
    ) -> Result<bool, OpError> {
        let Some(metadata) = self.0 else {
            return Ok(false);
        };
        let target = object_at(object, metadata)?;
        let name = free_key(target, legacy_key(path));
        applied.record_preserved(|| format!("{metadata}.{name}"));
        target.insert(name, value);
        Ok(true)
    }
}

/// `path` below the object at `at`: `steps[3].context.env`.
fn below(at: &str, path: &str) -> String {
    if at.is_empty() {
        path.to_owned()
    } else {
        format!("{at}.{path}")
    }
}

/// What stands at a path, looked up without changing anything.
enum Found {
    /// A value.
    Value,
    /// Nothing: the last key is absent, or an object on the way is absent
    /// or null (and would be created to put a value there).
    Nothing,
}

/// Looks `path` up in `object`; a value on the way that is neither an
/// object nor null is an error naming it.
fn look_up(object: &Object, path: &ObjectPath, at: &str) -> Result<Found, OpError> {
    let (last, parents) = split(path);
    let mut current = object;
    for (depth, segment) in parents.iter().enumerate() {
        current = match current.get(segment) {
            None | Some(Value::Null) => return Ok(Found::Nothing),
            Some(Value::Object(inner)) => inner,
            Some(other) => {
                return Err(OpError::NotAnObject {
                    path: below(at, &path.segments()[..=depth].join(".")),
                    found: kind_of(other),
                })
            }
        };
    }
    Ok(if current.contains_key(last) {
        Found::Value
    } else {
        Found::Nothing
    })
}

fn split(path: &ObjectPath) -> (&str, &[String]) {
    match path.segments().split_last() {
        Some((last, parents)) => (last, parents),
        None => ("", &[]),
    }
}

/// Takes the value at `path` out, if there is one; the objects on the way
/// stay, emptied or not.
fn take(object: &mut Object, path: &ObjectPath) -> Option<Value> {
    let (last, parents) = split(path);
    let mut current = object;
    for segment in parents {
        current = match current.get_mut(segment) {
            Some(Value::Object(inner)) => inner,
            _ => return None,
        };
    }
    current.remove(last)
}

/// Puts `value` at `path`, creating the objects missing on the way (a
/// `null` on the way counts as missing), replacing a value there.
fn put(object: &mut Object, path: &ObjectPath, value: Value, at: &str) -> Result<(), OpError> {
    let (last, parents) = split(path);
    let mut current = object;
    for (depth, segment) in parents.iter().enumerate() {
        if current.get(segment).map_or(true, Value::is_null) {
            current.insert(segment.clone(), Value::Object(Map::new()));
        }
        current = match current.get_mut(segment) {
            Some(Value::Object(inner)) => inner,
            other => {
                return Err(OpError::NotAnObject {
                    path: below(at, &path.segments()[..=depth].join(".")),
                    found: other.map_or("null", |value| kind_of(value)),
                })
            }
        };
    }
    current.insert(last.to_owned(), value);
    Ok(())
}

impl MoveOp {
    /// Applies the operation to `object`, which stands at `at`.
    pub(crate) fn apply(
        &self,
        object: &mut Object,
        at: At<'_>,
        applied: &mut Applied,
        keeper: &mut dyn Keeper,
    ) -> Result<(), OpError> {
        match self {
            MoveOp::Move { from, to, conflict } => {
                let moved = move_between(object, from, to, *conflict, at, applied, keeper)?;
                if moved {
                    applied.fresh.carried(|| {
                        (
                            below(at.exact, &from.to_string()),
                            below(at.exact, &to.to_string()),
                        )
                    });
                    record_move(applied, from, to, at.pattern);
                }
            }
            // A default this migration inserted is the current value: it is
            // neither replaced nor kept as if the document had held it.
            MoveOp::Set { field, .. } if applied.fresh.is_fresh_below(at.exact, field) => {}
            MoveOp::Set {
                field,
                value,
                overwritten,
            } => {
                // Made first: a failure leaves the old value where it was.
                let value = value().map_err(OpError::Failed)?;
                if let Some(old) = object.remove(field) {
                    lose(object, field, old, *overwritten, at, applied, keeper)?;
                }
                object.insert(field.clone(), value);
            }
            MoveOp::DropPath { path } => {
                if let Found::Value = look_up(object, path, at.exact)? {
                    take(object, path);
                    let path = path.to_string();
                    record_dropped(applied, at.pattern, &path);
                    let entry = below(at.pattern, &path);
                    if !applied.declared.contains(&entry) {
                        applied.declared.push(entry);
                    }
                }
            }
            MoveOp::Malformed { .. } => {}
        }
        Ok(())
    }

    /// The top-level keys of the object the operation may read, move or
    /// change: what a streaming reader captures.
    pub(crate) fn captures(&self) -> impl Iterator<Item = &str> {
        let (first, second) = match self {
            MoveOp::Move { from, to, .. } => (
                Some(from.root()),
                (self.asks().is_none()).then(|| to.root()),
            ),
            MoveOp::Set { field, .. } => (Some(field.as_str()), None),
            MoveOp::DropPath { path } => (Some(path.root()), None),
            MoveOp::Malformed { .. } => (None, None),
        };
        first.into_iter().chain(second)
    }

    /// The top-level key whose presence alone the operation asks about:
    /// the new name of a one-key move that does not overwrite it.
    pub(crate) fn asks(&self) -> Option<&str> {
        match self {
            MoveOp::Move { to, conflict, .. }
                if to.segments().len() == 1 && *conflict != Conflict::OldWins =>
            {
                Some(to.root())
            }
            _ => None,
        }
    }

    /// Whether the operation keeps a value in the metadata object, which
    /// the schema must then have.
    pub(crate) fn keeps(&self) -> bool {
        matches!(
            self,
            MoveOp::Set {
                overwritten: Overwritten::Keep,
                ..
            }
        )
    }

    /// Undoes the operation on `object`, which stands at `at`, for a
    /// downgrade from `version`, the version it took effect in. `restore`
    /// takes back a value a [`Keeper`] kept, by the path it stood at.
    pub(crate) fn undo(
        &self,
        object: &mut Object,
        at: At<'_>,
        version: &Version,
        report: &mut Report,
        restore: &mut Restore<'_>,
    ) -> Result<(), Undone> {
        let exact = at.exact;
        match self {
            MoveOp::Move { from, to, .. } => {
                let mut applied = Applied::recording();
                let moved = move_between(
                    object,
                    to,
                    from,
                    Conflict::Error,
                    at,
                    &mut applied,
                    &mut InMetadata(None),
                )
                .map_err(Undone::from)?;
                if moved
                    && !is_listed(&report.renamed, at.pattern, to.segments(), from.segments())
                    && !is_listed(&report.moved, at.pattern, to.segments(), from.segments())
                {
                    record_move(&mut applied, to, from, at.pattern);
                    report.renamed.append(&mut applied.renamed);
                    report.moved.append(&mut applied.moved);
                }
            }
            MoveOp::Set {
                field,
                overwritten: Overwritten::Keep,
                ..
            } => {
                // Without a kept value (a document written at the newer
                // version, or one the step only inserted into), the value
                // it has now is the best an older reader can get.
                if let Some(old) = restore(object, field)? {
                    object.insert(field.clone(), old);
                }
            }
            MoveOp::Set { field, .. } => {
                return Err(Undone::Irreversible(format!(
                    "`{}` was set in {version}, dropping the value it replaced",
                    below(exact, field)
                )))
            }
            MoveOp::DropPath { path } => {
                return Err(Undone::Irreversible(format!(
                    "`{}` was dropped in {version}; its value is gone",
                    below(exact, &path.to_string())
                )))
            }
            MoveOp::Malformed { .. } => {}
        }
        Ok(())
    }
}

/// Moves the value at `from` to `to` under `conflict`; whether a value
/// arrived at `to`. Everything is checked before anything changes.
fn move_between(
    object: &mut Object,
    from: &ObjectPath,
    to: &ObjectPath,
    conflict: Conflict,
    at: At<'_>,
    applied: &mut Applied,
    keeper: &mut dyn Keeper,
) -> Result<bool, OpError> {
    if let Found::Nothing = look_up(object, from, at.exact)? {
        return Ok(false);
    }
    let taken = matches!(look_up(object, to, at.exact)?, Found::Value);
    if taken {
        match conflict {
            Conflict::Error => {
                return Err(OpError::Conflict {
                    old: below(at.exact, &from.to_string()),
                    new: below(at.exact, &to.to_string()),
                })
            }
            Conflict::NewWins => {
                let old = take(object, from).unwrap_or(Value::Null);
                lose_kept(object, &from.to_string(), old, at, applied, keeper)?;
                return Ok(false);
            }
            Conflict::OldWins => {
                let new = take(object, to).unwrap_or(Value::Null);
                lose_kept(object, &to.to_string(), new, at, applied, keeper)?;
            }
        }
    }
    let value = take(object, from).unwrap_or(Value::Null);
    put(object, to, value, at.exact)?;
    Ok(true)
}

/// Records a move that took place, as renamed when it stays in its object,
/// by the report path `at` of the object: once, however many objects of
/// that path it moved in.
pub(crate) fn record_move(applied: &mut Applied, from: &ObjectPath, to: &ObjectPath, at: &str) {
    if !applied.records() {
        return;
    }
    let stays = from.segments().len() == 1 && to.segments().len() == 1;
    let list = if stays {
        &applied.renamed
    } else {
        &applied.moved
    };
    if is_listed(list, at, from.segments(), to.segments()) {
        return;
    }
    let entry = || {
        format!(
            "{} -> {}",
            below(at, &from.to_string()),
            below(at, &to.to_string())
        )
    };
    if stays {
        applied.record_renamed(entry);
    } else {
        applied.record_moved(entry);
    }
}

/// Whether `list` holds `<at>.<from> -> <at>.<to>`, the paths given by
/// their segments: checked without building the entry, which every object
/// of a report path would build again.
pub(crate) fn is_listed<F: AsRef<str>, T: AsRef<str>>(
    list: &[String],
    at: &str,
    from: &[F],
    to: &[T],
) -> bool {
    list.iter().any(|entry| {
        entry
            .split_once(" -> ")
            .is_some_and(|(old, new)| is_path_below(old, at, from) && is_path_below(new, at, to))
    })
}

/// Whether `text` is `<at>.<segments joined by dots>`.
fn is_path_below<S: AsRef<str>>(text: &str, at: &str, segments: &[S]) -> bool {
    let rest = if at.is_empty() {
        Some(text)
    } else {
        text.strip_prefix(at)
            .and_then(|rest| rest.strip_prefix('.'))
    };
    let Some(mut rest) = rest else {
        return false;
    };
    for (index, segment) in segments.iter().enumerate() {
        if index > 0 {
            let Some(after) = rest.strip_prefix('.') else {
                return false;
            };
            rest = after;
        }
        let Some(after) = rest.strip_prefix(segment.as_ref()) else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

/// A value taken out of its object: kept, or listed as dropped.
fn lose(
    object: &mut Object,
    path: &str,
    value: Value,
    overwritten: Overwritten,
    at: At<'_>,
    applied: &mut Applied,
    keeper: &mut dyn Keeper,
) -> Result<(), OpError> {
    match overwritten {
        Overwritten::Keep => lose_kept(object, path, value, at, applied, keeper)?,
        Overwritten::Drop => record_dropped(applied, at.pattern, path),
    }
    Ok(())
}

fn lose_kept(
    object: &mut Object,
    path: &str,
    value: Value,
    at: At<'_>,
    applied: &mut Applied,
    keeper: &mut dyn Keeper,
) -> Result<(), OpError> {
    if !keeper.keep(object, path, value, applied)? {
        record_dropped(applied, at.pattern, path);
    }
    Ok(())
}

/// Lists `path` below `at` as dropped, once: every object of a report
/// path drops the same.
fn record_dropped(applied: &mut Applied, at: &str, path: &str) {
    let entry = below(at, path);
    if !applied.dropped.contains(&entry) {
        applied.dropped.push(entry);
    }
}

/// Whether the value at `path` of an old document (`steps[3].scratch.tmp`,
/// as the no-loss check renders it) is at or below a path a declared drop
/// took, as the report lists it (`steps[].scratch`): `[]` stands for any
/// index, `{}` for any key of a map.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn declared_dropped(report: &Report, path: &str) -> bool {
    report.declared.iter().any(|pattern| covers(pattern, path))
}

/// Whether `value` at `path` of an old document is the old name of a
/// variant the migration renamed there, as the report lists it
/// (`messages[].role: function -> tool`): a unit variant's name, or an
/// internally or adjacently tagged variant's tag, which the variant's new
/// name replaced.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn variant_renamed(report: &Report, path: &str, value: &Value) -> bool {
    let Some(value) = value.as_str() else {
        return false;
    };
    report.renamed.iter().any(|entry| {
        entry
            .split_once(": ")
            .and_then(|(pattern, names)| Some((pattern, names.split_once(" -> ")?.0)))
            .is_some_and(|(pattern, old)| old == value && covers(pattern, path))
    })
}

fn covers(pattern: &str, path: &str) -> bool {
    let (mut pattern, mut path) = (pattern.as_bytes(), path.as_bytes());
    while let Some((&first, rest)) = pattern.split_first() {
        match (first, rest.first()) {
            (b'[', Some(b']')) => {
                let Some(close) = path.iter().position(|&b| b == b']') else {
                    return false;
                };
                if path.first() != Some(&b'[') {
                    return false;
                }
                path = &path[close + 1..];
                pattern = &rest[1..];
            }
            (b'{', Some(b'}')) => {
                let end = match path.first() {
                    Some(b'.') => path[1..]
                        .iter()
                        .position(|&b| b == b'.' || b == b'[')
                        .map_or(path.len(), |i| i + 1),
                    Some(b'[') => match path.iter().position(|&b| b == b']') {
                        Some(close) => close + 1,
                        None => return false,
                    },
                    _ => return false,
                };
                path = &path[end..];
                pattern = &rest[1..];
            }
            _ => {
                if path.first() != Some(&first) {
                    return false;
                }
                path = &path[1..];
                pattern = rest;
            }
        }
    }
    matches!(path.first(), None | Some(b'.' | b'['))
}

/// Why an operation could not be undone; the caller adds type and versions.
pub(crate) enum Undone {
    Conflict { old: String, new: String },
    NotAnObject { path: String, found: &'static str },
    Irreversible(String),
}

impl From<OpError> for Undone {
    fn from(error: OpError) -> Self {
        match error {
            OpError::Conflict { old, new } => Undone::Conflict { old, new },
            OpError::NotAnObject { path, found } => Undone::NotAnObject { path, found },
            other => Undone::Irreversible(format!("{other:?}")),
        }
    }
}

impl Undone {
    /// The error of a downgrade of `type_name` from `newer` to `older`.
    pub(crate) fn into_error(
        self,
        type_name: &'static str,
        newer: &Version,
        older: &Version,
    ) -> Error {
        match self {
            Undone::Conflict { old, new } => Error::Conflict {
                type_name,
                from: newer.clone(),
                to: older.clone(),
                old,
                new,
            },
            Undone::NotAnObject { path, found } => Error::NotAnObject {
                type_name,
                version: None,
                path,
                found,
            },
            Undone::Irreversible(reason) => Error::Irreversible {
                type_name,
                from: newer.clone(),
                to: older.clone(),
                reason,
            },
        }
    }
}

/// Takes back from the metadata object at `metadata` the value a
/// [`InMetadata`] keeper kept for `path`: the last of its series.
pub(crate) fn restore_from_metadata(
    object: &mut Object,
    metadata: Option<&ObjectPath>,
    path: &str,
) -> Result<Option<Value>, Undone> {
    let Some(metadata) = metadata else {
        return Ok(None);
    };
    let kept = object_at(object, metadata).map_err(|e| Undone::NotAnObject {
        path: e.path,
        found: e.found,
    })?;
    Ok(last_taken_key(kept, &legacy_key(path)).and_then(|name| kept.remove(&name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(text: &str) -> ObjectPath {
        ObjectPath::parse(text).unwrap()
    }

    fn moving(from: &str, to: &str, conflict: Conflict) -> MoveOp {
        MoveOp::Move {
            from: path(from),
            to: path(to),
            conflict,
        }
    }

    fn apply(op: &MoveOp, doc: Value, meta: Option<&str>) -> Result<(Value, Applied), OpError> {
        let Value::Object(mut doc) = doc else {
            unreachable!("test documents are objects")
        };
        let mut applied = Applied::recording();
        let meta = meta.map(path);
        op.apply(
            &mut doc,
            At::ROOT,
            &mut applied,
            &mut InMetadata(meta.as_ref()),
        )?;
        Ok((Value::Object(doc), applied))
    }

    fn fail(op: &MoveOp, doc: Value) -> OpError {
        match apply(op, doc, None) {
            Err(error) => error,
            Ok((doc, _)) => panic!("expected an error, got {doc}"),
        }
    }

    #[test]
    fn a_move_hoists_plunges_and_creates_what_is_missing() {
        let (doc, applied) = apply(
            &moving("a.b.c", "x.y", Conflict::Error),
            json!({"a": {"b": {"c": 1, "d": 2}}, "x": null}),
            None,
        )
        .unwrap();
        assert_eq!(doc, json!({"a": {"b": {"d": 2}}, "x": {"y": 1}}));
        assert_eq!(applied.moved, ["a.b.c -> x.y"]);
        // Nothing at the source: nothing happens, nothing is recorded.
        let (doc, applied) = apply(
            &moving("a.b", "c", Conflict::Error),
            json!({"a": null}),
            None,
        )
        .unwrap();
        assert_eq!(doc, json!({"a": null}));
        assert!(applied.moved.is_empty());
    }

    #[test]
    fn a_move_through_a_non_object_names_the_path() {
        let err = fail(&moving("a.b", "c", Conflict::Error), json!({"a": [1]}));
        assert!(
            matches!(&err, OpError::NotAnObject { path, found: "an array" } if path == "a"),
            "{err:?}"
        );
        let err = fail(
            &moving("a", "b.c.d", Conflict::Error),
            json!({"a": 1, "b": {"c": "s"}}),
        );
        assert!(
            matches!(&err, OpError::NotAnObject { path, found: "a string" } if path == "b.c"),
            "{err:?}"
        );
    }

    #[test]
    fn conflicts_keep_the_loser_or_list_it() {
        let both = json!({"a": 1, "b": 2});
        let err = fail(&moving("a", "b", Conflict::Error), both.clone());
        assert!(matches!(err, OpError::Conflict { .. }));
        let (doc, applied) = apply(
            &moving("a", "b", Conflict::OldWins),
            both.clone(),
            Some("m"),
        )
        .unwrap();
        assert_eq!(doc, json!({"b": 1, "m": {"legacy_b": 2}}));
        assert_eq!(applied.renamed, ["a -> b"]);
        let (doc, applied) = apply(&moving("a", "b", Conflict::NewWins), both, None).unwrap();
        assert_eq!(doc, json!({"b": 2}));
        assert_eq!(applied.dropped, ["a"]);
        assert!(applied.renamed.is_empty());
    }

    #[test]
    fn set_keeps_what_it_overwrites() {
        let op = MoveOp::Set {
            field: "n".into(),
            value: Box::new(|| Ok(json!(3))),
            overwritten: Overwritten::Keep,
        };
        let (doc, applied) = apply(&op, json!({"n": 1}), Some("m")).unwrap();
        assert_eq!(doc, json!({"n": 3, "m": {"legacy_n": 1}}));
        assert_eq!(applied.preserved, ["m.legacy_n"]);
        let (doc, _) = apply(&op, json!({}), Some("m")).unwrap();
        assert_eq!(doc, json!({"n": 3}));
    }

    #[test]
    fn declared_paths_cover_what_is_below_them() {
        assert!(covers("context.debug", "context.debug"));
        assert!(covers("context.debug", "context.debug.level"));
        assert!(covers("context.debug", "context.debug[2]"));
        assert!(!covers("context.debug", "context.debugger"));
        assert!(covers("steps[].scratch.tmp", "steps[12].scratch.tmp"));
        assert!(!covers("steps[].scratch.tmp", "steps.scratch.tmp"));
        assert!(covers("by_agent{}.tmp", "by_agent.critic.tmp"));
        assert!(covers("by_agent{}.tmp", r#"by_agent["odd key"].tmp"#));
        assert!(!covers("by_agent{}.tmp", "by_agent.critic.other"));
    }

    #[test]
    fn a_renamed_variant_is_found_by_its_old_name_under_its_path() {
        let schema = crate::Schema::semver("T", "0.1.0").build().unwrap();
        let mut report = Report::unchanged(&schema, schema.current().clone());
        report.renamed = vec![
            "messages[0].thought -> messages[0].reasoning".into(),
            "messages[].attachments[]: document -> file".into(),
            "messages[].role: function -> tool".into(),
        ];
        let role = |path: &str, name: &str| variant_renamed(&report, path, &json!(name));
        assert!(role("messages[3].role", "function"));
        assert!(role("messages[0].attachments[1].type", "document"));
        assert!(!role("messages[3].role", "tool"));
        assert!(!role("messages[3].name", "function"));
        assert!(!role("messages[0].thought", "messages[0].reasoning"));
        assert!(!variant_renamed(&report, "messages[3].role", &json!(1)));
    }

    #[test]
    fn malformed_paths_are_found() {
        let step = Step::new(0, 1).move_value("a..b", "c");
        assert!(malformed(&step.ops).unwrap().contains("\"a..b\""));
        assert!(malformed(&Step::new(0, 1).drop_path("a.b").ops).is_none());
    }
}
