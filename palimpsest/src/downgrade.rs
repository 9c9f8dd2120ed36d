//! Writing for readers that have not upgraded: steps undone, newest first.

use serde::Serialize;
use serde_json::Value;

use crate::chain::find_path;
use crate::error::Error;
use crate::migrate::{Report, StepRecord, LEGACY_UNKNOWN, MIGRATED_FROM};
use crate::object::{last_taken_key, rename_key, Object, ObjectPath};
use crate::ops::convert::Undoing;
use crate::ops::moves::{restore_from_metadata, At, MoveOp};
use crate::schema::{Schema, Versioned};
use crate::step::{undo_order, DefaultFn, Op};
use crate::version::Version;
use crate::vocab::names::legacy_key;

/// Whether a downgrade may let go of values the older version has no
/// place for; see [`Schema::downgrade_lossy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loss {
    Refuse,
    Allow,
}

/// A value a lossy downgrade let go: the field, added after the version
/// written, held more than its default. Listed in [`Report::lost`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Lost {
    /// The field's exact path: `tags` at the root, `steps[3].tags` inside
    /// an embedded type.
    pub path: String,
    /// The value it held.
    pub value: Value,
}

/// What every undone step of one downgrade shares.
pub(crate) struct Downward {
    pub(crate) loss: Loss,
    /// The version the document was first written at, as far as it tells:
    /// `<metadata>.migrated_from` when a migration recorded one, else its
    /// own version. A value a step dropped before then was never in it.
    pub(crate) origin: Version,
    /// The version written: fields added after it go.
    pub(crate) target: Version,
}

impl Downward {
    /// Whether the document may have held what a declared drop in the
    /// step into `newer` took: only if it was written before that step.
    pub(crate) fn held_before(&self, newer: &Version) -> bool {
        self.origin < *newer
    }
}

/// Undoes the addition of a field in `added` whose value `held` a
/// downgrade takes out: `Ok(true)` when it held its default, which an
/// older reader does not miss (the caller lists it as dropped); else the
/// value is lost, listed in the report when the loss is allowed and
/// [`Error::WouldLose`] otherwise.
pub(crate) fn let_go(
    undoing: &Undoing<'_>,
    added: &Version,
    loss: Loss,
    path: impl Fn() -> String,
    held: &Value,
    default: &DefaultFn,
    report: &mut Report,
) -> Result<bool, Error> {
    let default = default().map_err(|error| Error::Irreversible {
        type_name: undoing.type_name,
        from: undoing.newer.clone(),
        to: undoing.older.clone(),
        reason: format!(
            "`{}` was added in {added}, and its default cannot be made to compare it with: {error}",
            path()
        ),
    })?;
    // A value with no leaf (an object a move emptied, an empty list)
    // holds nothing an older reader could miss.
    if *held == default || holds_nothing(held) {
        return Ok(true);
    }
    let held = held.clone();
    let path = path();
    if loss == Loss::Refuse {
        return Err(Error::WouldLose {
            type_name: undoing.type_name,
            from: undoing.newer.clone(),
            to: undoing.older.clone(),
            added: added.clone(),
            path,
            value: held,
        });
    }
    report.lost.push(Lost { path, value: held });
    Ok(false)
}

/// Whether `value` has no string, number or boolean anywhere in it.
fn holds_nothing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().all(holds_nothing),
        Value::Object(object) => object.values().all(holds_nothing),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => false,
    }
}

/// Takes out of `object` the fields that `changes` (a downgrade's steps
/// not yet undone, newest first) added and that hold their default,
/// before anything of them is undone, and tells `dropped` each: a default
/// is the current type's value, never converted on the way up, so undoing
/// a conversion, or a move out of it, would turn it into old data the
/// document never held, only for the addition's undo to refuse it or
/// write it. A field a newer step renamed, removed or added again is left
/// to the undo of that step.
pub(crate) fn let_go_defaults<'o>(
    object: &mut Object,
    changes: impl Iterator<Item = &'o [Op]>,
    mut dropped: impl FnMut(&str),
) {
    let mut named: Vec<&str> = Vec::new();
    for ops in changes {
        for op in ops {
            let Op::Default { field, value } = op else {
                continue;
            };
            if named.contains(&field.as_str()) {
                continue;
            }
            let Some(held) = object.get(field) else {
                continue;
            };
            if value().is_ok_and(|default| *held == default) {
                object.remove(field);
                dropped(field);
            }
        }
        named.extend(
            ops.iter()
                .flat_map(|op| match op {
                    Op::Rename { old, new } => [Some(old.as_str()), Some(new.as_str())],
                    Op::Default { field, .. }
                    | Op::Preserve { field, .. }
                    | Op::Drop { field, .. } => [Some(field.as_str()), None],
                    _ => [None, None],
                })
                .flatten(),
        );
    }
}

/// The metadata object of `doc` at `path`, if the document has one: a
/// downgrade takes values out of it and never makes it.
pub(crate) fn metadata_mut<'a>(doc: &'a mut Object, path: &ObjectPath) -> Option<&'a mut Object> {
    path.segments().iter().try_fold(doc, |object, segment| {
        object.get_mut(segment.as_str())?.as_object_mut()
    })
}

/// The value a downgrade writes for a field removed in `version` whose
/// value the document does not hold: its `default`, or `gone`, the reason
/// there is none, for [`Error::Irreversible`].
pub(crate) fn from_default(
    default: Option<&DefaultFn>,
    path: &str,
    version: &Version,
    gone: impl FnOnce() -> String,
) -> Result<Value, String> {
    let default = default.ok_or_else(gone)?;
    default().map_err(|error| {
        format!("`{path}` was removed in {version}, and its default cannot be made: {error}")
    })
}

impl Schema {
    /// Rewrites a document as an older version, for a reader that has not
    /// upgraded: every step undone, newest first. Renames are undone; added
    /// fields removed when they hold their default (listed in the report's
    /// `dropped`); removed fields restored from `<metadata>.legacy_<field>`,
    /// or from their default ([`Step::preserve_or`](crate::Step::preserve_or))
    /// when the document kept no value; hand-written steps undone by their
    /// inverse ([`Step::with_inverse`](crate::Step::with_inverse)). Keys no
    /// field claimed, which a migration kept under
    /// `<metadata>.legacy_unknown` (and, for embedded objects, in
    /// `<metadata>.legacy_nested`, named in
    /// `<metadata>.legacy_nested_unclaimed`), go back where they stood.
    ///
    /// A hand-written step without an inverse, a field removed with `drop`,
    /// or a removed field with neither a kept value nor a default make the
    /// target unreachable. A declared drop ([`Step::drop_path`](crate::Step::drop_path))
    /// does only for a document written before it (its
    /// `<metadata>.migrated_from` says so): one written since never held
    /// the value. On error the document is unchanged.
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::semver("Trace", "0.2.0")
    ///     .metadata("meta")
    ///     .step(Step::new("0.0.1", "0.1.0"))
    ///     .step(Step::new("0.1.0", "0.2.0").rename("result", "outcome").preserve("notes"))
    ///     .build()?;
    /// let mut doc = json!({"schema_version": "0.2.0", "outcome": "ok", "meta": {"legacy_notes": "n"}});
    /// let target = schema.parse_version("0.1.0")?;
    /// schema.downgrade(&mut doc, &target)?;
    /// assert_eq!(doc, json!({"schema_version": "0.1.0", "result": "ok", "notes": "n", "meta": {}}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Irreversible`] for a step that cannot be undone, with the
    /// reason; [`Error::WouldLose`] for an added field that holds more than
    /// its default; [`Error::StepFailed`] when an inverse fails;
    /// [`Error::Conflict`] when an undone rename finds its old name taken;
    /// the errors of [`Schema::detect`]; [`Error::UnknownVersion`] for a
    /// target the history does not name.
    pub fn downgrade(&self, document: &mut Value, target: &Version) -> Result<Report, Error> {
        self.downgrade_with(document, target, Loss::Refuse)
    }

    /// Like [`Schema::downgrade`], letting go of the values of added fields
    /// that hold more than their default, which an older version has no
    /// place for: the report's `lost` lists each, with its exact path.
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Note", 1)
    ///     .step(Step::new(0, 1).add("tags", || json!([])))
    ///     .build()?;
    /// let target = schema.parse_version("0")?;
    /// let mut doc = json!({"schema_version": 1, "text": "hi", "tags": ["ci"]});
    /// assert!(schema.downgrade(&mut doc.clone(), &target).is_err());
    ///
    /// let report = schema.downgrade_lossy(&mut doc, &target)?;
    /// assert_eq!(doc, json!({"schema_version": 0, "text": "hi"}));
    /// assert_eq!(report.lost[0].path, "tags");
    /// assert_eq!(report.lost[0].value, json!(["ci"]));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Schema::downgrade`], but never [`Error::WouldLose`].
    pub fn downgrade_lossy(&self, document: &mut Value, target: &Version) -> Result<Report, Error> {
        self.downgrade_with(document, target, Loss::Allow)
    }

    fn downgrade_with(
        &self,
        document: &mut Value,
        target: &Version,
        loss: Loss,
    ) -> Result<Report, Error> {
        self.in_layout(document, |document| {
            self.downgrade_inline(document, target, loss)
        })
    }

    /// [`Schema::downgrade`] on a document with its version among its fields.
    fn downgrade_inline(
        &self,
        document: &mut Value,
        target: &Version,
        loss: Loss,
    ) -> Result<Report, Error> {
        let (object, from, target) = self.endpoints(document, target)?;
        if from == target {
            return Ok(Report::unchanged(self, from));
        }
        if from < target {
            return Err(Error::Irreversible {
                type_name: self.type_name,
                from,
                to: target,
                reason: "the document is older than that; migrate it instead".to_owned(),
            });
        }
        let path =
            find_path(&self.edges, self.named(&target), self.named(&from)).map_err(|gap| {
                Error::NoPath {
                    type_name: self.type_name,
                    from: from.clone(),
                    to: target.clone(),
                    gap,
                }
            })?;
        let mut work = object.clone();
        work.remove(self.key);
        let down = Downward {
            loss,
            origin: self.origin(&work).unwrap_or_else(|| from.clone()),
            target: target.clone(),
        };
        let mut report = Report::unchanged(self, from);
        for (undone, &index) in path.iter().enumerate().rev() {
            let (step_from, step_to) = &self.edges[index];
            self.restore_nested_unclaimed(&mut work, step_to);
            self.let_go_defaults(&mut work, &path[..=undone], &mut report);
            self.undo_nested(&mut work, step_from, step_to, &down, &mut report)?;
            let undoing = Undoing {
                type_name: self.type_name,
                newer: step_to,
                older: step_from,
            };
            for op in undo_order(&self.ops[index]) {
                self.undo(op, &mut work, &undoing, &down, &mut report)?;
            }
            report.steps.push(StepRecord {
                from: step_to.clone(),
                to: step_from.clone(),
            });
        }
        self.restore_nested_unclaimed(&mut work, &target);
        self.restore_unclaimed(&mut work);
        work.insert(self.key.to_owned(), target.to_value());
        self.normalize_report(&mut report);
        report.to = target;
        *object = work;
        Ok(report)
    }

    /// Takes out, before anything of the last of `steps` is undone, the
    /// fields those steps added that hold their default; see
    /// [`let_go_defaults`].
    fn let_go_defaults(&self, doc: &mut Object, steps: &[usize], report: &mut Report) {
        let newest_first = steps.iter().rev().map(|&index| self.ops[index].as_slice());
        let_go_defaults(doc, newest_first, |field| {
            report.dropped.push(field.to_owned());
        });
    }

    /// The version a migration recorded in `<metadata>.migrated_from`, if
    /// any: the one the document was first written at.
    fn origin(&self, doc: &Object) -> Option<Version> {
        let metadata = self
            .metadata
            .as_ref()?
            .segments()
            .iter()
            .try_fold(doc, |object, segment| {
                object.get(segment.as_str())?.as_object()
            })?;
        self.scheme.parse_value(metadata.get(MIGRATED_FROM)?).ok()
    }

    /// Puts the keys no field claimed, which a migration kept under
    /// `<metadata>.legacy_unknown`, back where they stood: an old document
    /// read by this build and written back as its version is then the
    /// document it was, and an older reader that knew them finds them. A
    /// key the document holds again, or one kept under a suffixed name
    /// because it was kept twice, stays kept.
    fn restore_unclaimed(&self, doc: &mut Object) {
        let Some(path) = &self.metadata else {
            return;
        };
        let Some(metadata) = metadata_mut(doc, path) else {
            return;
        };
        let Some(Value::Object(mut kept)) = metadata.remove(LEGACY_UNKNOWN) else {
            return;
        };
        let restorable: Vec<String> = kept
            .keys()
            .filter(|key| !doc.contains_key(key.as_str()) && *key != self.key)
            .cloned()
            .collect();
        for key in restorable {
            if let Some(value) = kept.remove(&key) {
                doc.insert(key, value);
            }
        }
        if !kept.is_empty() {
            if let Some(metadata) = metadata_mut(doc, path) {
                metadata.insert(LEGACY_UNKNOWN.to_owned(), Value::Object(kept));
            }
        }
    }

    fn undo(
        &self,
        op: &Op,
        doc: &mut Object,
        undoing: &Undoing<'_>,
        down: &Downward,
        report: &mut Report,
    ) -> Result<(), Error> {
        let (older, newer) = (undoing.older, undoing.newer);
        let irreversible = |reason: String| Error::Irreversible {
            type_name: self.type_name,
            from: newer.clone(),
            to: older.clone(),
            reason,
        };
        match op {
            Op::Rename { old, new } => {
                let renamed = rename_key(doc, new, old).map_err(|_| Error::Conflict {
                    type_name: self.type_name,
                    from: newer.clone(),
                    to: older.clone(),
                    old: new.clone(),
                    new: old.clone(),
                })?;
                if renamed {
                    report.renamed.push(format!("{new} -> {old}"));
                }
            }
            Op::Default { field, value } => {
                if let Some(held) = doc.remove(field) {
                    if let_go(
                        undoing,
                        newer,
                        down.loss,
                        || field.clone(),
                        &held,
                        value,
                        report,
                    )? {
                        report.dropped.push(field.clone());
                    }
                }
            }
            Op::Preserve { field, default } => {
                let legacy = legacy_key(field);
                // The value this step moved is the last of its series: one
                // already in `legacy_<field>` made it go to `_2`, and so on.
                let kept = self
                    .metadata
                    .as_ref()
                    .and_then(|path| metadata_mut(doc, path))
                    .and_then(|kept| {
                        last_taken_key(kept, &legacy).and_then(|name| kept.remove(&name))
                    });
                let value = match kept {
                    Some(kept) => kept,
                    None => {
                        let value = from_default(default.as_deref(), field, newer, || {
                            match &self.metadata {
                                Some(metadata) => format!(
                                    "`{field}` was removed in {newer} with no default, and the document has no `{metadata}.{legacy}` to restore"
                                ),
                                None => format!(
                                    "`{field}` was removed in {newer} with no default, and there is no metadata path"
                                ),
                            }
                        })
                        .map_err(irreversible)?;
                        report.defaulted.push(field.clone());
                        value
                    }
                };
                doc.insert(field.clone(), value);
            }
            Op::Drop { field, default } => {
                let value = from_default(default.as_deref(), field, newer, || {
                    format!("`{field}` was dropped in {newer}; its value is gone")
                })
                .map_err(irreversible)?;
                report.defaulted.push(field.clone());
                doc.insert(field.clone(), value);
            }
            Op::Custom(custom) => {
                let back = custom.back.as_ref().ok_or_else(|| {
                    irreversible(format!(
                        "the hand-written step {older} -> {newer} has no inverse (`back`)"
                    ))
                })?;
                back(doc).map_err(|e| self.op_error(e, newer, older))?;
            }
            Op::Convert(conversion) => {
                if conversion.undo(doc, "", undoing)? {
                    report.converted.push(conversion.field().to_owned());
                }
            }
            Op::Moves(MoveOp::DropPath { .. }) if !down.held_before(newer) => {}
            Op::Moves(op) => {
                let metadata = self.metadata.as_ref();
                op.undo(doc, At::ROOT, newer, report, &mut |doc, path| {
                    restore_from_metadata(doc, metadata, path)
                })
                .map_err(|e| e.into_error(self.type_name, newer, older))?;
            }
        }
        Ok(())
    }
}

/// Serializes `value` as documents of an older `version` carry it, for
/// readers that have not upgraded; see [`Schema::downgrade`]. A field added
/// after `version` goes when it holds its default; holding more, it is
/// [`Error::WouldLose`], naming it, unless [`to_value_as_lossy`] lets it go.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Serialize, Deserialize)]
/// struct Trace {
///     #[renamed_from("result", since = "0.2.0")]
///     outcome: String,
///     #[added_in("0.2.0")]
///     #[serde(default)]
///     tags: Vec<String>,
/// }
///
/// let trace = Trace { outcome: "ok".into(), tags: Vec::new() };
/// let old = palimpsest::to_value_as(&trace, "0.1.0")?;
/// assert_eq!(old, serde_json::json!({"schema_version": "0.1.0", "result": "ok"}));
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::MalformedVersion`] for a version that does not parse,
/// [`Error::Serialize`] when the value does not serialize to JSON, then as
/// [`Schema::downgrade`].
pub fn to_value_as<T>(value: &T, version: impl std::fmt::Display) -> Result<Value, Error>
where
    T: Versioned + Serialize,
{
    Ok(serialize_as(value, version, Loss::Refuse)?.0)
}

/// Like [`to_value_as`], letting go of the values of fields added after
/// `version` that hold more than their default, which a document of
/// `version` has no place for: the report lists each in `lost`; see
/// [`Schema::downgrade_lossy`].
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Serialize, Deserialize)]
/// struct Trace {
///     outcome: String,
///     #[added_in("0.2.0")]
///     #[serde(default)]
///     tags: Vec<String>,
/// }
///
/// let trace = Trace { outcome: "ok".into(), tags: vec!["ci".into()] };
/// assert!(palimpsest::to_value_as(&trace, "0.1.0").is_err());
/// let (old, report) = palimpsest::to_value_as_lossy(&trace, "0.1.0")?;
/// assert_eq!(old, serde_json::json!({"schema_version": "0.1.0", "outcome": "ok"}));
/// assert_eq!(report.lost[0].path, "tags");
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`to_value_as`], but never [`Error::WouldLose`].
pub fn to_value_as_lossy<T>(
    value: &T,
    version: impl std::fmt::Display,
) -> Result<(Value, Report), Error>
where
    T: Versioned + Serialize,
{
    serialize_as(value, version, Loss::Allow)
}

fn serialize_as<T>(
    value: &T,
    version: impl std::fmt::Display,
    loss: Loss,
) -> Result<(Value, Report), Error>
where
    T: Versioned + Serialize,
{
    let schema = T::schema();
    let target = schema.parse_version(&version.to_string())?;
    let mut document = crate::to_value(value)?;
    let report = schema.downgrade_with(&mut document, &target, loss)?;
    Ok((document, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::step::Step;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::semver("T", "0.3.0")
            .metadata("m")
            .step(Step::new("0.0.1", "0.1.0").drop_field("gone"))
            .step(
                Step::new("0.1.0", "0.2.0")
                    .rename("a", "b")
                    .add("c", || json!(0)),
            )
            .step(Step::new("0.2.0", "0.3.0").preserve("d"))
            .build()
            .unwrap()
    }

    #[test]
    fn keys_no_field_claimed_go_back_where_they_stood() {
        let schema = Schema::semver("T", "0.2.0")
            .metadata("m")
            .claims(["b"])
            .step(Step::new("0.0.1", "0.1.0"))
            .step(Step::new("0.1.0", "0.2.0").rename("a", "b"))
            .build()
            .unwrap();
        let original = json!({"schema_version": "0.1.0", "a": 1, "stray": "s", "again": 2});
        let mut doc = original.clone();
        schema.migrate(&mut doc).unwrap();
        assert_eq!(
            doc["m"]["legacy_unknown"],
            json!({"stray": "s", "again": 2})
        );
        // The document holds `again` once more: that one stays kept.
        doc["again"] = json!(3);
        schema
            .downgrade(&mut doc, &schema.parse_version("0.1.0").unwrap())
            .unwrap();
        assert_eq!(doc["stray"], "s");
        assert_eq!(doc["a"], 1);
        assert_eq!(doc["again"], 3);
        assert_eq!(doc["m"]["legacy_unknown"], json!({"again": 2}));
    }

    #[test]
    fn undoes_renames_additions_and_removals() {
        let s = schema();
        let mut doc = json!({"schema_version": "0.3.0", "b": 1, "c": 0, "m": {"legacy_d": 3}});
        let report = s
            .downgrade(&mut doc, &s.parse_version("0.1.0").unwrap())
            .unwrap();
        assert_eq!(
            doc,
            json!({"schema_version": "0.1.0", "a": 1, "d": 3, "m": {}})
        );
        assert_eq!(report.dropped, ["c"]);
        assert_eq!(report.steps.len(), 2);
        assert_eq!(report.steps[0].from.to_string(), "0.3.0");
    }

    #[test]
    fn a_removed_value_that_collided_comes_back_from_where_it_went() {
        let s = schema();
        // A `legacy_d` was there before: the migration put `d` in `legacy_d_2`.
        let mut doc =
            json!({"schema_version": "0.2.0", "b": 1, "d": "moved", "m": {"legacy_d": "earlier"}});
        s.migrate(&mut doc).unwrap();
        assert_eq!(doc["m"]["legacy_d_2"], "moved");
        s.downgrade(&mut doc, &s.parse_version("0.2.0").unwrap())
            .unwrap();
        assert_eq!(doc["d"], "moved");
        assert_eq!(doc["m"]["legacy_d"], "earlier");
        assert!(doc["m"].get("legacy_d_2").is_none());
    }

    #[test]
    fn a_removed_value_that_is_not_kept_cannot_be_restored() {
        let s = schema();
        let mut doc = json!({"schema_version": "0.3.0", "b": 1});
        let before = doc.clone();
        let err = s
            .downgrade(&mut doc, &s.parse_version("0.2.0").unwrap())
            .unwrap_err();
        assert_eq!(doc, before);
        assert_eq!(
            err.to_string(),
            "`T`: cannot write version 0.2.0 from 0.3.0: `d` was removed in 0.3.0 with no default, and the document has no `m.legacy_d` to restore"
        );
    }

    #[test]
    fn dropped_fields_and_hand_steps_are_irreversible() {
        let s = schema();
        let mut doc = json!({"schema_version": "0.1.0"});
        let err = s
            .downgrade(&mut doc, &s.parse_version("0.0.1").unwrap())
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("`gone` was dropped in 0.1.0; its value is gone"),
            "{err}"
        );
    }

    #[test]
    fn an_undone_rename_refuses_to_overwrite() {
        let s = schema();
        let mut doc = json!({"schema_version": "0.2.0", "a": 1, "b": 2});
        let err = s
            .downgrade(&mut doc, &s.parse_version("0.1.0").unwrap())
            .unwrap_err();
        assert!(matches!(err, Error::Conflict { .. }), "{err}");
    }

    #[test]
    fn a_target_newer_than_the_document_is_no_downgrade() {
        let s = schema();
        let mut doc = json!({"schema_version": "0.1.0", "a": 1});
        let err = s
            .downgrade(&mut doc, &s.parse_version("0.3.0").unwrap())
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("the document is older than that; migrate it instead"),
            "{err}"
        );
    }
}
