//! The traversal of a document's embedded objects at one version: the
//! tree engine's steps ([`Schema::apply_nested`]), their inverse
//! ([`Schema::undo_nested`]), and the objects an embedded reader captured
//! while streaming ([`Migration`]) all apply changes with this code.

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::rc::Rc;

use serde_json::Value;

use super::{EmbeddedHistory, Segment, Site};
use crate::error::Error;
use crate::migrate::Report;
use crate::schema::Schema;
use crate::step::{rename_key, Applied, Object, Op, OpError};
use crate::version::Version;

/// The report path (`steps[]`) and the exact path (`steps[3]`) of the
/// embedded object a traversal is at.
struct Cursor {
    pattern: String,
    exact: String,
}

/// A traversal of the embedded objects of a document at one version:
/// what it does to each object, the descent from site to site is shared.
trait Visit {
    type Error;

    fn cursor(&mut self) -> &mut Cursor;

    fn version(&self) -> &Version;

    /// Visits one embedded object, and the ones it holds through
    /// [`visit_sites`].
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), Self::Error>;
}

/// Visits the embedded objects the sites find in `object`, wherever the
/// fields that hold them are read under any of their names.
fn visit_sites<V: Visit>(
    visit: &mut V,
    object: &mut Object,
    sites: &[Site],
) -> Result<(), V::Error> {
    for site in sites {
        let history = site.history();
        if !history.changes_at(visit.version()) {
            continue;
        }
        for name in site.at.names {
            let Some(value) = object.get_mut(*name) else {
                continue;
            };
            let cursor = visit.cursor();
            let (pattern, exact) = (cursor.pattern.len(), cursor.exact.len());
            push_key(&mut cursor.pattern, site.at.names[0]);
            push_key(&mut cursor.exact, name);
            let result = visit_value(visit, value, &site.at.below, history);
            let cursor = visit.cursor();
            cursor.pattern.truncate(pattern);
            cursor.exact.truncate(exact);
            result?;
        }
    }
    Ok(())
}

fn visit_value<V: Visit>(
    visit: &mut V,
    value: &mut Value,
    below: &[Segment],
    history: &'static EmbeddedHistory,
) -> Result<(), V::Error> {
    let Some((segment, rest)) = below.split_first() else {
        // Anything else than an object is left to serde, which says what it
        // expected.
        return match value {
            Value::Object(object) => visit.object(object, history),
            _ => Ok(()),
        };
    };
    let pattern = visit.cursor().pattern.len();
    let mut result = Ok(());
    match (segment, value) {
        (Segment::Elements, Value::Array(items)) => {
            visit.cursor().pattern.push_str("[]");
            for (index, item) in items.iter_mut().enumerate() {
                let exact = visit.cursor().exact.len();
                let _ = write!(visit.cursor().exact, "[{index}]");
                result = visit_value(visit, item, rest, history);
                visit.cursor().exact.truncate(exact);
                if result.is_err() {
                    break;
                }
            }
        }
        (Segment::Values, Value::Object(map)) => {
            visit.cursor().pattern.push_str("{}");
            for (key, item) in map.iter_mut() {
                let exact = visit.cursor().exact.len();
                push_key(&mut visit.cursor().exact, key);
                result = visit_value(visit, item, rest, history);
                visit.cursor().exact.truncate(exact);
                if result.is_err() {
                    break;
                }
            }
        }
        _ => {}
    }
    visit.cursor().pattern.truncate(pattern);
    result
}

/// One pass over a document at one version: applies the changes of that
/// version to every embedded object found, recording what it did with the
/// objects' report paths (`steps[].tokens`) and placing errors at their
/// exact paths (`steps[3].thought`).
pub(crate) struct Walk<'a> {
    version: &'a Version,
    applied: &'a mut Applied,
    /// What one object's operations did, before it gets its path.
    scratch: Applied,
    cursor: Cursor,
}

impl<'a> Walk<'a> {
    /// A walk at `version` starting at an object whose report path and
    /// exact path are `at` (empty for the root document).
    pub(crate) fn new(version: &'a Version, at: &str, applied: &'a mut Applied) -> Self {
        Walk {
            version,
            applied,
            scratch: Applied::default(),
            cursor: Cursor {
                pattern: at.to_owned(),
                exact: at.to_owned(),
            },
        }
    }

    /// An operation's error, with the exact paths of the keys it names.
    fn place(&self, error: OpError) -> OpError {
        match error {
            OpError::Conflict { old, new } => OpError::Conflict {
                old: joined(&self.cursor.exact, &old),
                new: joined(&self.cursor.exact, &new),
            },
            other => other,
        }
    }
}

impl Visit for Walk<'_> {
    type Error = OpError;

    fn cursor(&mut self) -> &mut Cursor {
        &mut self.cursor
    }

    fn version(&self) -> &Version {
        self.version
    }

    /// The object's own changes of the walk's version, then the embedded
    /// objects it holds.
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), OpError> {
        for op in history.ops_at(self.version) {
            op.apply(object, None, &mut self.scratch)
                .map_err(|error| self.place(error))?;
            let scratch = std::mem::take(&mut self.scratch);
            let at = &self.cursor.pattern;
            record(&mut self.applied.dropped, at, scratch.dropped);
            record(&mut self.applied.defaulted, at, scratch.defaulted);
            record(&mut self.applied.preserved, at, scratch.preserved);
        }
        visit_sites(self, object, &history.sites)
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn joined(path: &str, key: &str) -> String {
    let mut joined = path.to_owned();
    push_key(&mut joined, key);
    joined
}

/// Adds `<at>.<field>` for each field to `list`, once each: every object
/// of a path records the same entries, so most are listed already, and
/// none is built then.
fn record(list: &mut Vec<String>, at: &str, fields: Vec<String>) {
    for field in fields {
        if !list.iter().any(|path| is_joined(path, at, &field)) {
            list.push(joined(at, &field));
        }
    }
}

/// Whether `path` is `joined(at, key)`.
fn is_joined(path: &str, at: &str, key: &str) -> bool {
    if at.is_empty() {
        return path == key;
    }
    path.len() == at.len() + 1 + key.len()
        && path.starts_with(at)
        && path.ends_with(key)
        && path.as_bytes()[at.len()] == b'.'
}

/// One step undone on the embedded objects of a document.
struct Undo<'a> {
    schema: &'a Schema,
    older: &'a Version,
    newer: &'a Version,
    version: &'a Version,
    report: &'a mut Report,
    cursor: Cursor,
}

impl Undo<'_> {
    fn op(&mut self, op: &Op, object: &mut Object) -> Result<(), Error> {
        let exact = &self.cursor.exact;
        let irreversible = |reason: String| Error::Irreversible {
            type_name: self.schema.type_name,
            from: self.newer.clone(),
            to: self.older.clone(),
            reason,
        };
        match op {
            Op::Rename { old, new } => {
                rename_key(object, new, old).map_err(|_| Error::Conflict {
                    type_name: self.schema.type_name,
                    from: self.newer.clone(),
                    to: self.older.clone(),
                    old: joined(exact, new),
                    new: joined(exact, old),
                })?;
            }
            Op::Default { field, .. } => {
                if object.remove(field).is_some() {
                    let at = &self.cursor.pattern;
                    record(&mut self.report.dropped, at, vec![field.clone()]);
                }
            }
            Op::Drop { field } => {
                return Err(irreversible(format!(
                    "`{}` was dropped in {}; its value is gone",
                    joined(exact, field),
                    self.version
                )))
            }
            Op::Preserve { field } => {
                return Err(irreversible(format!(
                    "`{}` was removed in {}, and removed values of embedded types are not kept yet",
                    joined(exact, field),
                    self.version
                )))
            }
            Op::Custom(_) => {}
        }
        Ok(())
    }
}

impl Visit for Undo<'_> {
    type Error = Error;

    fn cursor(&mut self) -> &mut Cursor {
        &mut self.cursor
    }

    fn version(&self) -> &Version {
        self.version
    }

    /// The embedded objects held first, then the object's own changes in
    /// reverse: the exact inverse of `Walk::object`.
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), Error> {
        visit_sites(self, object, &history.sites)?;
        for op in history.ops_at(self.version).iter().rev() {
            self.op(op, object)?;
        }
        Ok(())
    }
}

impl Schema {
    /// Applies the changes of embedded types that a step from `from` to
    /// `to` goes through, after the root's own operations of the step.
    pub(crate) fn apply_nested(
        &self,
        document: &mut Object,
        from: &Version,
        to: &Version,
        applied: &mut Applied,
    ) -> Result<(), OpError> {
        let Some(nested) = &self.nested else {
            return Ok(());
        };
        for version in nested.versions_between(from, to) {
            visit_sites(
                &mut Walk::new(version, "", applied),
                document,
                &nested.sites,
            )?;
        }
        Ok(())
    }

    /// Undoes what [`Schema::apply_nested`] did for a step from `older` to
    /// `newer`, before the root's own operations of the step are undone.
    pub(crate) fn undo_nested(
        &self,
        document: &mut Object,
        older: &Version,
        newer: &Version,
        report: &mut Report,
    ) -> Result<(), Error> {
        let Some(nested) = &self.nested else {
            return Ok(());
        };
        for version in nested.versions_between(older, newer).rev() {
            let mut undo = Undo {
                schema: self,
                older,
                newer,
                version,
                report,
                cursor: Cursor {
                    pattern: String::new(),
                    exact: String::new(),
                },
            };
            visit_sites(&mut undo, document, &nested.sites)?;
        }
        Ok(())
    }
}

/// What an embedded object read while streaming must go through: the
/// version of the document it is in, the root's schema, and where what
/// its reader does is recorded.
pub(crate) struct Migration {
    pub(crate) from: Version,
    pub(crate) root: &'static Schema,
    /// The report paths of what the embedded readers did, and the typed
    /// error of the first that failed.
    pub(crate) sink: Rc<Sink>,
}

/// Where the embedded readers of one root read record what they did.
#[derive(Default)]
pub(crate) struct Sink {
    pub(crate) applied: RefCell<Applied>,
    error: Cell<Option<Error>>,
}

impl Sink {
    /// Keeps the typed error of a failed embedded reader: the first one,
    /// which stopped the read.
    pub(crate) fn fail(&self, error: Error) {
        let first = self.error.take().unwrap_or(error);
        self.error.set(Some(first));
    }

    pub(crate) fn take_error(&self) -> Option<Error> {
        self.error.take()
    }
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink").finish_non_exhaustive()
    }
}

impl Migration {
    /// Applies to an object captured by an embedded reader the changes of
    /// every version after the document's, up to the root's current one.
    pub(crate) fn migrate(
        &self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
        at: &str,
    ) -> Result<(), Error> {
        let Some(nested) = &self.root.nested else {
            return Ok(());
        };
        let mut applied = self.sink.applied.borrow_mut();
        for version in nested.versions_between(&self.from, self.root.current()) {
            // The step of the root's history into `version`, as the tree
            // engine names it in an error.
            let previous = self
                .root
                .versions()
                .iter()
                .take_while(|v| *v < version)
                .last()
                .unwrap_or(&self.from);
            Walk::new(version, at, &mut applied)
                .object(object, history)
                .map_err(|error| self.root.op_error(error, previous, version))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_paths_are_listed_once() {
        let mut list = vec!["steps[].tokens".to_owned()];
        record(&mut list, "steps[]", vec!["tokens".into(), "ok".into()]);
        record(&mut list, "", vec!["top".into(), "top".into()]);
        assert_eq!(list, ["steps[].tokens", "steps[].ok", "top"]);
        assert!(is_joined("a.b", "a", "b"));
        assert!(!is_joined("ab.", "a", "b"));
        assert!(!is_joined("a.bc", "a", "b"));
    }
}
