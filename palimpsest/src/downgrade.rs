//! Writing for readers that have not upgraded: steps undone, newest first.

use serde::Serialize;
use serde_json::Value;

use crate::chain::find_path;
use crate::error::Error;
use crate::migrate::{Report, StepRecord, LEGACY_UNKNOWN};
use crate::object::{last_taken_key, object_at, rename_key, Object};
use crate::ops::convert::Undoing;
use crate::ops::moves::restore_from_metadata;
use crate::schema::{Schema, Versioned};
use crate::step::{undo_order, Op};
use crate::version::Version;
use crate::vocab::names::legacy_key;

impl Schema {
    /// Rewrites a document as an older version, for a reader that has not
    /// upgraded: renames are undone, added fields removed (listed in the
    /// report's `dropped`), and removed fields restored from
    /// `<metadata>.legacy_<field>`, newest step first. Keys no field
    /// claimed, which a migration kept under `<metadata>.legacy_unknown`,
    /// go back where they stood.
    ///
    /// Only what field attributes generate can be undone: a hand-written
    /// step, a field removed with `drop`, or a removed field whose value the
    /// document no longer holds make the target unreachable. On error the
    /// document is unchanged.
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
    /// reason; [`Error::Conflict`] when an undone rename finds its old name
    /// taken; the errors of [`Schema::detect`]; [`Error::UnknownVersion`]
    /// for a target the history does not name.
    pub fn downgrade(&self, document: &mut Value, target: &Version) -> Result<Report, Error> {
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
        let mut report = Report::unchanged(self, from);
        for &index in path.iter().rev() {
            let (step_from, step_to) = &self.edges[index];
            self.undo_nested(&mut work, step_from, step_to, &mut report)?;
            for op in undo_order(&self.ops[index]) {
                self.undo(op, &mut work, step_from, step_to, &mut report)?;
            }
            report.steps.push(StepRecord {
                from: step_to.clone(),
                to: step_from.clone(),
            });
        }
        self.restore_unclaimed(&mut work);
        work.insert(self.key.to_owned(), target.to_value());
        self.normalize_report(&mut report);
        report.to = target;
        *object = work;
        Ok(report)
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
        let Some(metadata) = path
            .segments()
            .iter()
            .try_fold(&mut *doc, |object, segment| {
                object.get_mut(segment.as_str())?.as_object_mut()
            })
        else {
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
            if let Ok(metadata) = object_at(doc, path) {
                metadata.insert(LEGACY_UNKNOWN.to_owned(), Value::Object(kept));
            }
        }
    }

    fn undo(
        &self,
        op: &Op,
        doc: &mut Object,
        older: &Version,
        newer: &Version,
        report: &mut Report,
    ) -> Result<(), Error> {
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
            Op::Default { field, .. } => {
                if doc.remove(field).is_some() {
                    report.dropped.push(field.clone());
                }
            }
            Op::Preserve { field } => {
                let legacy = legacy_key(field);
                let metadata = self.metadata.as_ref().ok_or_else(|| {
                    irreversible(format!(
                        "`{field}` was removed in {newer} and there is no metadata path"
                    ))
                })?;
                let kept = object_at(doc, metadata).map_err(|e| Error::NotAnObject {
                    type_name: self.type_name,
                    path: e.path,
                    found: e.found,
                })?;
                // The value this step moved is the last of its series: one
                // already in `legacy_<field>` made it go to `_2`, and so on.
                let kept = last_taken_key(kept, &legacy)
                    .and_then(|name| kept.remove(&name))
                    .ok_or_else(|| {
                        irreversible(format!(
                            "`{field}` was removed in {newer} and the document has no `{metadata}.{legacy}` to restore"
                        ))
                    })?;
                doc.insert(field.clone(), kept);
            }
            Op::Drop { field } => {
                return Err(irreversible(format!(
                    "`{field}` was dropped in {newer}; its value is gone"
                )))
            }
            Op::Custom(_) => {
                return Err(irreversible(format!(
                    "the hand-written step {older} -> {newer} has no inverse"
                )))
            }
            Op::Convert(conversion) => {
                let undoing = Undoing {
                    type_name: self.type_name,
                    newer,
                    older,
                };
                if conversion.undo(doc, "", &undoing)? {
                    report.converted.push(conversion.field().to_owned());
                }
            }
            Op::Moves(op) => {
                let metadata = self.metadata.as_ref();
                op.undo(doc, "", newer, report, &mut |doc, path| {
                    restore_from_metadata(doc, metadata, path)
                })
                .map_err(|e| e.into_error(self.type_name, newer, older))?;
            }
        }
        Ok(())
    }
}

/// Serializes `value` as documents of an older `version` carry it, for
/// readers that have not upgraded; see [`Schema::downgrade`].
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
/// let trace = Trace { outcome: "ok".into(), tags: vec!["ci".into()] };
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
    let schema = T::schema();
    let target = schema.parse_version(&version.to_string())?;
    let mut document = crate::to_value(value)?;
    schema.downgrade(&mut document, &target)?;
    Ok(document)
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
        let mut doc = json!({"schema_version": "0.3.0", "b": 1, "c": 2, "m": {"legacy_d": 3}});
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
            "`T`: cannot write version 0.2.0 from 0.3.0: `d` was removed in 0.3.0 and the document has no `m.legacy_d` to restore"
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
