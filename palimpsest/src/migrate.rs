//! The engine: applies the chain of steps to a document and records what ran.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::chain::find_path;
use crate::error::Error;
use crate::object::{free_key, object_at, Object};
use crate::schema::Schema;
use crate::shape::Detected;
use crate::step::{Applied, OpError};
use crate::version::{kind_of, Version};

pub use crate::vocab::names::{
    LEGACY_NESTED, LEGACY_NESTED_UNCLAIMED, LEGACY_UNKNOWN, MIGRATED_FROM, MIGRATION_HISTORY,
};

/// What a migration did to one document.
///
/// Every list names what ran by its path in the document, and inside
/// embedded objects by the report path their objects share, `[]` for any
/// element of an array and `{}` for any value of a map
/// (`steps[].thought -> steps[].reasoning`), listed once however many
/// objects it ran in: a report over a document of 10 000 steps stays the
/// size of its history. The exact position of a value kept from one object
/// is the key it has in the metadata's `legacy_nested`
/// (`steps[3].notes`), where a downgrade finds it again; [`Report::lost`]
/// names exact positions too, each beside its value.
///
/// ```
/// use palimpsest::{Schema, Step};
/// use serde_json::json;
///
/// let schema = Schema::integer("Note", 2)
///     .metadata("meta")
///     .step(Step::new(0, 1).add("tags", || json!([])))
///     .step(Step::new(1, 2).preserve("color"))
///     .build()?;
/// let mut doc = json!({"text": "hi", "color": "red"});
/// let report = schema.migrate(&mut doc)?;
/// assert_eq!((report.from.to_string(), report.to.to_string()), ("0".into(), "2".into()));
/// assert_eq!(report.steps.len(), 2);
/// assert_eq!(report.defaulted, ["tags"]);
/// assert_eq!(report.preserved, ["meta.legacy_color"]);
/// # Ok::<(), palimpsest::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The versioned type.
    pub type_name: &'static str,
    /// The version the document had.
    pub from: Version,
    /// The version it has now.
    pub to: Version,
    /// The steps applied, in order.
    pub steps: Vec<StepRecord>,
    /// Metadata paths of values moved there because their field was removed
    /// (`context.metadata.legacy_notes`), or because no field claims them.
    pub preserved: Vec<String>,
    /// Values dropped on purpose: fields removed with `drop`, declared
    /// drops, values a `set` with `drop` overwrote, and the losing value of
    /// a rename or move conflict when there is no metadata path to keep it.
    pub dropped: Vec<String>,
    /// Fields inserted with their default value.
    pub defaulted: Vec<String>,
    /// Renames that took place, `old -> new` (a move within one object
    /// too); inside embedded objects by their report paths
    /// (`steps[].thought -> steps[].reasoning`); for an embedded enum,
    /// the variant a value names (`messages[].role: function -> tool`).
    pub renamed: Vec<String>,
    /// Values moved between paths, `from -> to` (`context.env ->
    /// environment`, `steps[].metrics.duration_ms -> steps[].duration_ms`).
    pub moved: Vec<String>,
    /// Fields whose value was converted (`#[converted]`, `#[wrapped]`,
    /// `#[unwrapped]`, `#[renamed_keys]`), by their path.
    pub converted: Vec<String>,
    /// Values a lossy downgrade ([`Schema::downgrade_lossy`]) let go: those
    /// of fields added after the version written that held more than their
    /// default, each with its exact path. Always empty otherwise.
    pub lost: Vec<crate::Lost>,
    /// Of `dropped`, the paths a declared drop (`dropped(...)`,
    /// [`Step::drop_path`](crate::Step::drop_path)) took: intended, so the
    /// no-loss check of `palimpsest::testing` does not count them as lost.
    #[serde(skip)]
    pub(crate) declared: Vec<String>,
    /// For a document without a version key, of a type with several
    /// versions written without one
    /// ([`SchemaBuilder::unversioned`](crate::SchemaBuilder::unversioned)):
    /// the version its keys fitted best, and how each candidate fitted.
    /// Boxed: few documents have one, and bulk runs keep a report for each.
    pub inferred: Option<Box<crate::Inference>>,
}

impl Report {
    pub(crate) fn unchanged(schema: &Schema, version: Version) -> Self {
        Report {
            type_name: schema.type_name,
            from: version.clone(),
            to: version,
            steps: Vec::new(),
            preserved: Vec::new(),
            dropped: Vec::new(),
            defaulted: Vec::new(),
            renamed: Vec::new(),
            moved: Vec::new(),
            converted: Vec::new(),
            lost: Vec::new(),
            declared: Vec::new(),
            inferred: None,
        }
    }

    /// Whether any step ran.
    #[must_use]
    pub fn migrated(&self) -> bool {
        !self.steps.is_empty()
    }
}

/// The path walked and what moved, on one line:
/// `` `Note`: 0 -> 1 -> 2 (defaulted tags; preserved meta.legacy_color) ``.
///
/// ```
/// use palimpsest::{Schema, Step};
/// use serde_json::json;
///
/// let schema = Schema::integer("Note", 2)
///     .metadata("meta")
///     .step(Step::new(0, 1).add("tags", || json!([])))
///     .step(Step::new(1, 2).preserve("color"))
///     .build()?;
/// let mut doc = json!({"color": "red"});
/// let report = schema.migrate(&mut doc)?;
/// assert_eq!(report.to_string(), "`Note`: 0 -> 1 -> 2 (defaulted tags; preserved meta.legacy_color)");
/// assert_eq!(schema.migrate(&mut doc)?.to_string(), "`Note`: at 2, nothing to migrate");
/// # Ok::<(), palimpsest::Error>(())
/// ```
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: ", self.type_name)?;
        if !self.migrated() {
            return write!(f, "at {}, nothing to migrate", self.to);
        }
        write!(f, "{}", self.from)?;
        for step in &self.steps {
            write!(f, " -> {}", step.to)?;
        }
        let lost: Vec<String> = self.lost.iter().map(|lost| lost.path.clone()).collect();
        let moved = [
            ("renamed", &self.renamed),
            ("moved", &self.moved),
            ("defaulted", &self.defaulted),
            ("preserved", &self.preserved),
            ("dropped", &self.dropped),
            ("converted", &self.converted),
            ("lost", &lost),
        ];
        let mut moved = moved
            .iter()
            .filter(|(_, fields)| !fields.is_empty())
            .peekable();
        if moved.peek().is_none() {
            return Ok(());
        }
        f.write_str(" (")?;
        for (i, (what, fields)) in moved.enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{what} {}", fields.join(", "))?;
        }
        f.write_str(")")
    }
}

/// One step of a migration, as the report and the metadata history record it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StepRecord {
    /// The version the step started from.
    pub from: Version,
    /// The version it led to.
    pub to: Version,
}

/// `0.1.0 -> 0.2.0`.
///
/// ```
/// use palimpsest::{Schema, Step};
///
/// let schema = Schema::integer("Note", 1).step(Step::new(0, 1)).build()?;
/// let report = schema.migrate(&mut serde_json::json!({}))?;
/// assert_eq!(report.steps[0].to_string(), "0 -> 1");
/// # Ok::<(), palimpsest::Error>(())
/// ```
impl fmt::Display for StepRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {}", self.from, self.to)
    }
}

impl Schema {
    /// Migrates a document to the current version, in place.
    ///
    /// A document already current is left as it is (no copy is made). On
    /// error the document is exactly as it was.
    ///
    /// # Errors
    ///
    /// As [`Schema::detect`], plus [`Error::NoPath`], [`Error::Conflict`],
    /// [`Error::StepFailed`] and [`Error::NotAnObject`] for a metadata path
    /// that crosses a non-object.
    pub fn migrate(&self, document: &mut Value) -> Result<Report, Error> {
        self.migrate_to(document, &self.current.clone())
    }

    /// Migrates a document to `target`, which may be older than the current
    /// version (to hand documents to a reader that has not upgraded yet, as
    /// long as the document is not newer than that).
    ///
    /// ```
    /// use palimpsest::{Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::semver("T", "0.2.0")
    ///     .step(Step::new("0.0.1", "0.1.0").rename("a", "b"))
    ///     .step(Step::new("0.1.0", "0.2.0").rename("b", "c"))
    ///     .build()?;
    /// let mut doc = json!({"a": 1});
    /// let target = schema.parse_version("0.1.0")?;
    /// schema.migrate_to(&mut doc, &target)?;
    /// assert_eq!(doc, json!({"schema_version": "0.1.0", "b": 1}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Schema::migrate`], plus [`Error::Backward`] when the document is
    /// newer than `target` and [`Error::UnknownVersion`] for a target the
    /// history does not name.
    pub fn migrate_to(&self, document: &mut Value, target: &Version) -> Result<Report, Error> {
        self.in_layout(document, |document| self.migrate_inline(document, target))
    }

    /// [`Schema::migrate_to`] on a document with its version among its fields.
    fn migrate_inline(&self, document: &mut Value, target: &Version) -> Result<Report, Error> {
        let (object, (from, inference), target) = self.endpoints_inferred(document, target)?;
        if from == target {
            return Ok(Report::unchanged(self, from));
        }
        let mut applied = Applied::recording();
        // Steps work in place; the copy is what makes a failure leave the
        // caller's document untouched. With a stream plan only the keys a
        // step can touch are copied: the rest (most of a large document)
        // stays where it is, whatever the steps do. (A history whose
        // keyless documents are classified has no plan.)
        let Some(plan) = &self.streaming else {
            let mut work = object.clone();
            let path = self.run(&mut work, &from, &target, &mut applied, Stamp::Write)?;
            let mut report = self.report(from, target, &path, applied);
            if let Some(inference) = inference {
                let from = report.from.clone();
                self.record_inference(&mut work, Some(&mut report), inference)
                    .map_err(|error| error.in_version(&from))?;
            }
            *object = work;
            return Ok(report);
        };
        let mut work: Object = object
            .iter()
            .filter(|(k, _)| *k == self.key || plan.may_touch(k) || self.nests_at(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let touched: Vec<String> = work.keys().cloned().collect();
        let path = self.run(&mut work, &from, &target, &mut applied, Stamp::Write)?;
        for key in &touched {
            object.remove(key);
        }
        object.extend(work);
        Ok(self.report(from, target, &path, applied))
    }

    /// The document as an object, its version, and the target checked
    /// against the history: where moving a document between versions, in
    /// either direction, starts.
    pub(crate) fn endpoints<'d>(
        &self,
        document: &'d mut Value,
        target: &Version,
    ) -> Result<(&'d mut Object, Version, Version), Error> {
        let (object, (from, _), target) = self.endpoints_inferred(document, target)?;
        Ok((object, from, target))
    }

    /// As [`Schema::endpoints`], with how a keyless document was classified.
    fn endpoints_inferred<'d>(
        &self,
        document: &'d mut Value,
        target: &Version,
    ) -> Result<(&'d mut Object, Detected, Version), Error> {
        let Value::Object(object) = document else {
            return Err(self.not_an_object(document));
        };
        let target = self.check_known(target.clone())?;
        let detected = self.detect_document(object, object.get(self.key))?;
        Ok((object, detected, target))
    }

    /// Records how a keyless document was classified: in the report, and
    /// in the metadata object when the type has a metadata path.
    pub(crate) fn record_inference(
        &self,
        doc: &mut Object,
        report: Option<&mut Report>,
        inference: crate::Inference,
    ) -> Result<(), Error> {
        if let Some(metadata) = &self.metadata {
            crate::shape::record(doc, metadata, &inference).map_err(|e| Error::NotAnObject {
                type_name: self.type_name,
                version: None,
                path: e.path,
                found: e.found,
            })?;
        }
        if let Some(report) = report {
            report.inferred = Some(Box::new(inference));
        }
        Ok(())
    }

    pub(crate) fn not_an_object(&self, document: &Value) -> Error {
        Error::NotAnObject {
            type_name: self.type_name,
            version: None,
            path: String::new(),
            found: kind_of(document),
        }
    }

    /// Migrates an object a reader captured, whose version `from` it
    /// detected, to the current version, with no copy. The stamp is written
    /// only for a type that reads it as a field (the reader drops it
    /// otherwise), and the report built only when `report` asks for it:
    /// most reads discard it.
    pub(crate) fn migrate_read(
        &self,
        object: &mut Object,
        from: Version,
        report: bool,
    ) -> Result<Option<Report>, Error> {
        if from == self.current {
            return Ok(report.then(|| Report::unchanged(self, from)));
        }
        let mut applied = if report {
            Applied::recording()
        } else {
            Applied::default()
        };
        let stamp = if self.key_is_field {
            Stamp::Write
        } else {
            Stamp::Leave
        };
        let path = self.run(object, &from, &self.current, &mut applied, stamp)?;
        Ok(report.then(|| self.report(from, self.current.clone(), &path, applied)))
    }

    /// What a migration through `steps` did, for a caller that wants to know.
    fn report(&self, from: Version, to: Version, steps: &[usize], applied: Applied) -> Report {
        let mut report = Report {
            type_name: self.type_name,
            from,
            to,
            steps: steps
                .iter()
                .map(|&index| {
                    let (from, to) = &self.edges[index];
                    StepRecord {
                        from: from.clone(),
                        to: to.clone(),
                    }
                })
                .collect(),
            preserved: applied.preserved,
            dropped: applied.dropped,
            defaulted: applied.defaulted,
            renamed: applied.renamed,
            moved: applied.moved,
            converted: applied.converted,
            lost: Vec::new(),
            declared: applied.declared,
            inferred: None,
        };
        self.normalize_report(&mut report);
        report
    }

    /// Applies the steps from `from` to `target` in place, records them in
    /// the metadata, and returns them as indices into `edges`. A non-object
    /// met on the way names the version the document had.
    fn run(
        &self,
        doc: &mut Object,
        from: &Version,
        target: &Version,
        applied: &mut Applied,
        stamp: Stamp,
    ) -> Result<Cow<'_, [usize]>, Error> {
        self.run_steps(doc, from, target, applied, stamp)
            .map_err(|error| error.in_version(from))
    }

    fn run_steps(
        &self,
        doc: &mut Object,
        from: &Version,
        target: &Version,
        applied: &mut Applied,
        stamp: Stamp,
    ) -> Result<Cow<'_, [usize]>, Error> {
        if from > target {
            return Err(Error::Backward {
                type_name: self.type_name,
                from: from.clone(),
                to: target.clone(),
            });
        }
        let (named_from, named_target) = (self.named(from), self.named(target));
        let path = match self
            .path_to_current(named_from)
            .filter(|_| *target == self.current)
        {
            Some(Ok(path)) => Ok(Cow::Borrowed(path.as_slice())),
            Some(Err(gap)) => Err(gap.clone()),
            None => find_path(&self.edges, named_from, named_target).map(Cow::Owned),
        };
        let path = path.map_err(|gap| Error::NoPath {
            type_name: self.type_name,
            from: from.clone(),
            to: target.clone(),
            gap,
        })?;

        if let Some(check) = &self.check {
            check(doc, from).map_err(|source| Error::Integrity {
                type_name: self.type_name,
                version: from.clone(),
                source,
            })?;
        }
        // Steps see the document without its stamp (a typed snapshot has no
        // field for it); the target's stamp is written after the last step.
        doc.remove(self.key);

        for &index in path.iter() {
            let (step_from, step_to) = &self.edges[index];
            for op in &self.ops[index] {
                op.apply(doc, self.metadata.as_ref(), applied)
                    .map_err(|e| self.op_error(e, step_from, step_to))?;
            }
            self.apply_nested(doc, step_from, step_to, applied)
                .map_err(|e| self.op_error(e, step_from, step_to))?;
        }
        if *target == self.current {
            self.preserve_unclaimed(doc, applied)?;
        }
        self.record_history(doc, from, &path)?;
        if stamp == Stamp::Write {
            doc.insert(self.key.to_owned(), self.version_value(target));
        }
        Ok(path)
    }

    pub(crate) fn op_error(&self, error: OpError, from: &Version, to: &Version) -> Error {
        match error {
            OpError::Conflict { old, new } => Error::Conflict {
                type_name: self.type_name,
                from: from.clone(),
                to: to.clone(),
                old,
                new,
            },
            OpError::NotAnObject { path, found } => Error::NotAnObject {
                type_name: self.type_name,
                version: None,
                path,
                found,
            },
            OpError::Snapshot {
                snapshot,
                path,
                message,
            } => Error::Snapshot {
                type_name: self.type_name,
                snapshot,
                version: from.clone(),
                path,
                message,
            },
            OpError::Convert { path, reason } => Error::Convert {
                type_name: self.type_name,
                from: from.clone(),
                to: to.clone(),
                path,
                reason,
            },
            OpError::Failed(source) => Error::StepFailed {
                type_name: self.type_name,
                from: from.clone(),
                to: to.clone(),
                source,
            },
            OpError::MissingContext(context) => Error::MissingContext {
                type_name: self.type_name,
                from: from.clone(),
                to: to.clone(),
                context,
            },
        }
    }

    fn metadata_object<'a>(&self, doc: &'a mut Object) -> Result<Option<&'a mut Object>, Error> {
        let Some(path) = &self.metadata else {
            return Ok(None);
        };
        object_at(doc, path)
            .map(Some)
            .map_err(|e| Error::NotAnObject {
                type_name: self.type_name,
                version: None,
                path: e.path,
                found: e.found,
            })
    }

    fn preserve_unclaimed(&self, doc: &mut Object, applied: &mut Applied) -> Result<(), Error> {
        let (Some(claims), Some(path)) = (&self.claims, &self.metadata) else {
            return Ok(());
        };
        let unclaimed = |key: &str| key != self.key && !claims.contains(key);
        // Most documents have none: then nothing is allocated.
        if !doc.keys().any(|key| unclaimed(key)) {
            return Ok(());
        }
        let keys: Vec<String> = doc.keys().filter(|key| unclaimed(key)).cloned().collect();
        let mut kept = Map::new();
        for key in keys {
            if let Some(value) = doc.remove(&key) {
                kept.insert(key, value);
            }
        }
        let Some(metadata) = self.metadata_object(doc)? else {
            return Ok(());
        };
        match metadata
            .entry(LEGACY_UNKNOWN)
            .or_insert_with(|| Value::Object(Map::new()))
        {
            Value::Object(existing) => {
                // A key an earlier migration already kept there keeps its
                // value; the new one goes beside it, suffixed.
                for (key, value) in kept {
                    let name = free_key(existing, key);
                    applied.record_preserved(|| format!("{path}.{LEGACY_UNKNOWN}.{name}"));
                    existing.insert(name, value);
                }
                Ok(())
            }
            other => Err(Error::NotAnObject {
                type_name: self.type_name,
                version: None,
                path: format!("{path}.{LEGACY_UNKNOWN}"),
                found: kind_of(other),
            }),
        }
    }

    /// The version `from` finds, with what a migration from it writes of
    /// its own when the root has nothing else to change: `migrated_from`
    /// and the history's entries, as [`Schema::record_history`] writes
    /// them. `None` when a step of the root changes one of its keys,
    /// a check reads the document, the version key is a field, or the value
    /// at `key` (the metadata's root) holds embedded types: the engine
    /// migrates what was captured then. The version is asked for last: most
    /// roots change keys of their own, and it is not parsed again for them.
    /// A streamed read adds the record to the metadata it holds back, with
    /// no tree made of it.
    pub(crate) fn record_only(
        &self,
        key: &str,
        from: impl FnOnce() -> Option<Version>,
    ) -> Option<(Version, Value, Vec<Value>)> {
        if self.check.is_some() || self.key_is_field || !self.ops.iter().any(Vec::is_empty) {
            return None;
        }
        if self
            .nested
            .as_ref()
            .is_some_and(|nested| nested.site(key).is_some())
        {
            return None;
        }
        let from = from().filter(|from| *from != self.current)?;
        let Some(Ok(path)) = self.path_to_current(self.named(&from)) else {
            return None;
        };
        if path.iter().any(|&index| !self.ops[index].is_empty()) {
            return None;
        }
        let history = path
            .iter()
            .map(|&index| self.history_entry(index))
            .collect();
        let migrated_from = self.version_value(&from);
        Some((from, migrated_from, history))
    }

    /// Writes `migrated_from` (unless an earlier migration did) and appends
    /// the `steps` that ran to the history, in the metadata object.
    fn record_history(
        &self,
        doc: &mut Object,
        from: &Version,
        steps: &[usize],
    ) -> Result<(), Error> {
        let Some(metadata) = self.metadata_object(doc)? else {
            return Ok(());
        };
        if !metadata.contains_key(MIGRATED_FROM) {
            metadata.insert(MIGRATED_FROM.to_owned(), self.version_value(from));
        }
        let history = metadata
            .entry(MIGRATION_HISTORY)
            .or_insert_with(|| Value::Array(Vec::with_capacity(steps.len())));
        let Value::Array(history) = history else {
            let within = self.metadata.as_ref().map(ToString::to_string);
            return Err(Error::NotAnObject {
                type_name: self.type_name,
                version: None,
                path: format!("{}.{MIGRATION_HISTORY}", within.unwrap_or_default()),
                found: kind_of(history),
            });
        };
        history.extend(steps.iter().map(|&index| self.history_entry(index)));
        Ok(())
    }
}

/// Whether a migration writes the version key once its steps ran: not when
/// the reader would only take it out again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Write,
    Leave,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::step::Step;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::semver("Trace", "0.3.0")
            .metadata("context.metadata")
            .step(Step::new("0.0.1", "0.1.0"))
            .step(Step::new("0.1.0", "0.2.0").rename("result", "outcome"))
            .step(Step::new("0.2.0", "0.3.0").preserve("notes"))
            .build()
            .unwrap()
    }

    #[test]
    fn a_legacy_document_walks_every_step() {
        let mut doc = json!({"result": "ok", "notes": "n"});
        let report = schema().migrate(&mut doc).unwrap();
        assert_eq!(report.steps.len(), 3);
        assert_eq!(
            doc,
            json!({
                "schema_version": "0.3.0",
                "outcome": "ok",
                "context": {"metadata": {
                    "legacy_notes": "n",
                    "migrated_from": "0.0.1",
                    "migration_history": [
                        {"from": "0.0.1", "to": "0.1.0"},
                        {"from": "0.1.0", "to": "0.2.0"},
                        {"from": "0.2.0", "to": "0.3.0"}
                    ]
                }}
            })
        );
    }

    #[test]
    fn migrated_from_is_never_overwritten() {
        let s = schema();
        let mut doc = json!({"result": "ok"});
        let target = s.parse_version("0.2.0").unwrap();
        s.migrate_to(&mut doc, &target).unwrap();
        s.migrate(&mut doc).unwrap();
        let meta = &doc["context"]["metadata"];
        assert_eq!(meta["migrated_from"], "0.0.1");
        assert_eq!(meta["migration_history"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn a_current_document_is_left_alone() {
        let mut doc = json!({"schema_version": "0.3.0", "outcome": "ok"});
        let report = schema().migrate(&mut doc).unwrap();
        assert!(!report.migrated());
        assert_eq!(doc, json!({"schema_version": "0.3.0", "outcome": "ok"}));
    }

    #[test]
    fn a_metadata_path_through_a_non_object_fails_untouched() {
        let mut doc = json!({"result": "ok", "context": ["not", "an", "object"]});
        let before = doc.clone();
        let err = schema().migrate(&mut doc).unwrap_err();
        assert!(
            matches!(&err, Error::NotAnObject { path, found: "an array", .. } if path == "context"),
            "{err}"
        );
        assert_eq!(doc, before);
    }

    #[test]
    fn going_backward_is_an_error() {
        let s = schema();
        let mut doc = json!({"schema_version": "0.3.0"});
        let target = s.parse_version("0.1.0").unwrap();
        let err = s.migrate_to(&mut doc, &target).unwrap_err();
        assert!(matches!(err, Error::Backward { .. }), "{err}");
    }

    #[test]
    fn unclaimed_keys_are_kept_in_metadata() {
        let s = Schema::semver("T", "0.1.0")
            .metadata("meta")
            .claims(["name", "meta"])
            .step(Step::new("0.0.1", "0.1.0"))
            .build()
            .unwrap();
        let mut doc = json!({"name": "n", "stray": 1});
        let report = s.migrate(&mut doc).unwrap();
        assert_eq!(doc["meta"]["legacy_unknown"], json!({"stray": 1}));
        assert!(doc.get("stray").is_none());
        assert_eq!(report.preserved, ["meta.legacy_unknown.stray"]);
    }

    #[test]
    fn an_unclaimed_key_kept_earlier_is_never_overwritten() {
        let s = Schema::semver("T", "0.1.0")
            .metadata("meta")
            .claims(["name", "meta"])
            .step(Step::new("0.0.1", "0.1.0"))
            .build()
            .unwrap();
        let mut doc = json!({"name": "n", "stray": null, "meta": {"legacy_unknown": {"stray": 1, "stray_2": 2}}});
        let report = s.migrate(&mut doc).unwrap();
        assert_eq!(
            doc["meta"]["legacy_unknown"],
            json!({"stray": 1, "stray_2": 2, "stray_3": null})
        );
        assert_eq!(report.preserved, ["meta.legacy_unknown.stray_3"]);
    }

    #[test]
    fn a_history_that_is_not_a_list_fails() {
        let mut doc = json!({"context": {"metadata": {"migration_history": "x"}}});
        let err = schema().migrate(&mut doc).unwrap_err();
        assert!(
            err.to_string()
                .contains("context.metadata.migration_history"),
            "{err}"
        );
    }
}
