//! Tuple structs as embedded types.
//!
//! - A newtype (`struct Steps(Vec<Step>)`) is written as its inner value,
//!   so it is transparent to migration: its probe forwards to the inner
//!   type's ([`ForwardEmbedded`]), as `Box<T>`'s does, and the embedded
//!   types inside are found and migrated through it.
//! - A positional tuple struct (`struct Span(u64, u64, u64)`) is written
//!   as an array. Its history is marked [`EmbeddedChecked::elements`]: its
//!   changes name positions, not keys (`"2"`), each the position the
//!   element has in the array it changes: a removed element's in the
//!   array of the version before, an added one's in the array of its
//!   version. The macro lists the removals of a version last position
//!   first, then the additions first position first, so that each op sees
//!   the positions it names; a downgrade runs them in reverse.
//!
//! An element's path is its array's path and its position: `steps[3].span[1]`
//! exactly, `steps[].span[1]` in the report. The embedded types elements
//! hold are probed under their current position, and found in each
//! version's arrays where [`EmbeddedHistory::element_position`] says.

use serde_json::Value;

use super::walk::Kept;
use super::{Cursor, Site};
use super::{EmbeddedChecked, EmbeddedHistory, Embeds, Pattern, Probe, Shape};
use crate::downgrade::{from_default, let_go, Loss};
use crate::error::Error;
use crate::migrate::Report;
use crate::object::Object;
use crate::ops::convert::Undoing;
use crate::step::{Applied, Op, OpError};
use crate::version::Version;
use crate::vocab::names::LEGACY_NESTED;

/// The probe of a newtype's inner type that holds embedded types: the
/// newtype's own probe hands it the pattern unchanged, since a document
/// writes the newtype as its inner value.
pub trait ForwardEmbedded {
    /// Records the embedded types the inner type holds at `at`.
    fn forward(&self, shape: &mut Shape, at: Pattern);
}

impl<T: Embeds> ForwardEmbedded for &Probe<T> {
    fn forward(&self, shape: &mut Shape, at: Pattern) {
        T::probe(shape, at);
    }
}

/// The probe of any other inner type: it holds no embedded type.
pub trait ForwardPlain {
    /// Does nothing.
    fn forward(&self, shape: &mut Shape, at: Pattern);
}

impl<T> ForwardPlain for Probe<T> {
    fn forward(&self, _: &mut Shape, _: Pattern) {}
}

impl EmbeddedChecked {
    /// Marks the type as a positional tuple struct: documents write it as
    /// an array, and its changes name positions in it.
    pub fn elements(mut self) -> Self {
        self.0.positional = true;
        self
    }
}

impl EmbeddedHistory {
    /// Where the element a site of a positional tuple probed stands in
    /// arrays of `version` (`None`: the current one), or `None` if it is
    /// not in them yet. The probe names its current position; each newer
    /// version's changes, undone, move it: an element added then was not
    /// there before, a removed one stood before it or after.
    pub(super) fn element_position(&self, site: &Site, version: Option<&Version>) -> Option<usize> {
        let mut at = position(site.at.names.first()?)?;
        let Some(version) = version else {
            return Some(at);
        };
        for (_, ops) in self.changes.iter().rev().take_while(|(v, _)| v > version) {
            let mut removed = Vec::new();
            for op in ops {
                match op {
                    Op::Default { field, .. } if position(field) == Some(at) => return None,
                    Op::Preserve { field, .. } | Op::Drop { field, .. } => {
                        removed.extend(position(field))
                    }
                    _ => {}
                }
            }
            removed.sort_unstable();
            for position in removed {
                if position <= at {
                    at += 1;
                }
            }
        }
        Some(at)
    }
}

/// The position an op of a positional tuple names. The macro writes only
/// positions; anything else names no element, and the op is skipped.
fn position(field: &str) -> Option<usize> {
    field.parse().ok()
}

/// `steps[3].span` and 1: `steps[3].span[1]`.
fn element(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// Adds `path` to `list`, once: every array of a report path records the
/// same entry.
fn record(list: &mut Vec<String>, path: String) {
    if !list.contains(&path) {
        list.push(path);
    }
}

/// Where the changes of one array record and keep what they do.
pub(super) struct Elements<'a> {
    pub(super) cursor: &'a Cursor,
    pub(super) applied: &'a mut Applied,
    pub(super) kept: &'a mut Kept,
    /// `<metadata>.legacy_nested`, for the report.
    pub(super) kept_at: Option<&'a str>,
}

impl Elements<'_> {
    /// Applies the ops of one version to the array of a positional tuple.
    /// An array shorter than a position an op names is left to serde,
    /// which says which length it expected.
    pub(super) fn apply(&mut self, items: &mut Vec<Value>, ops: &[Op]) -> Result<(), OpError> {
        let (pattern, exact) = (self.cursor.pattern(), self.cursor.exact());
        for op in ops {
            match op {
                Op::Preserve { field, .. } => {
                    let Some(at) = position(field).filter(|at| *at < items.len()) else {
                        continue;
                    };
                    self.kept.push((element(exact, at), items.remove(at)));
                    let listed = match self.kept_at {
                        Some(kept_at) => format!("{kept_at}.{}", element(pattern, at)),
                        None => element(pattern, at),
                    };
                    record(&mut self.applied.preserved, listed);
                }
                Op::Drop { field, .. } => {
                    let Some(at) = position(field).filter(|at| *at < items.len()) else {
                        continue;
                    };
                    items.remove(at);
                    record(&mut self.applied.dropped, element(pattern, at));
                    record(&mut self.applied.declared, element(pattern, at));
                }
                Op::Default { field, value } => {
                    // Only an array that ends where the element goes: a
                    // longer one has it already.
                    if position(field) == Some(items.len()) {
                        items.push(value().map_err(OpError::Failed)?);
                        record(
                            &mut self.applied.defaulted,
                            element(pattern, items.len() - 1),
                        );
                    }
                }
                // An element has no name to rename or path to move, the
                // macro writes no hand step into an embedded history, and a
                // conversion is written on the field that holds the tuple.
                Op::Rename { .. } | Op::Custom(_) | Op::Convert(_) | Op::Moves(_) => {}
            }
        }
        Ok(())
    }
}

/// One op of a positional tuple's version undone on its array.
pub(super) struct UndoElements<'a> {
    pub(super) cursor: &'a Cursor,
    /// The type and the step undone, for errors.
    pub(super) undoing: Undoing<'a>,
    /// The version whose change is undone.
    pub(super) version: &'a Version,
    pub(super) loss: Loss,
    pub(super) report: &'a mut Report,
    /// The values kept in `legacy_nested`, for removed elements to return.
    pub(super) kept: &'a mut Object,
}

impl UndoElements<'_> {
    /// Undoes `op`, or says why it cannot be.
    pub(super) fn op(&mut self, op: &Op, items: &mut Vec<Value>) -> Result<(), Error> {
        let exact = self.cursor.exact();
        let version = self.version;
        match op {
            Op::Default { field, value } => {
                let Some(at) = position(field).filter(|at| *at < items.len()) else {
                    return Ok(());
                };
                let path = || element(exact, at);
                let (undoing, loss) = (&self.undoing, self.loss);
                if let_go(undoing, version, loss, path, &items[at], value, self.report)? {
                    record(&mut self.report.dropped, element(self.cursor.pattern(), at));
                }
                items.remove(at);
            }
            Op::Preserve { field, default } => {
                let Some(at) = position(field) else {
                    return Ok(());
                };
                let path = element(exact, at);
                if at > items.len() {
                    return Err(self.irreversible(format!(
                        "`{path}` was removed in {version}, and the array holds {} elements, too few to put it back at position {at}",
                        items.len()
                    )));
                }
                let value = match self.kept.remove(&path) {
                    Some(kept) => kept,
                    None => from_default(default.as_deref(), &path, version, || {
                        format!("`{path}` was removed in {version} with no default, and the document keeps no value for it in `{LEGACY_NESTED}`")
                    })
                    .map_err(|reason| self.irreversible(reason))?,
                };
                items.insert(at, value);
            }
            Op::Drop { field, .. } => {
                let at = position(field).unwrap_or_default();
                return Err(self.irreversible(format!(
                    "`{}` was dropped in {version}; its value is gone",
                    element(exact, at)
                )));
            }
            Op::Rename { .. } | Op::Custom(_) | Op::Convert(_) | Op::Moves(_) => {}
        }
        Ok(())
    }

    fn irreversible(&self, reason: String) -> Error {
        Error::Irreversible {
            type_name: self.undoing.type_name,
            from: self.undoing.newer.clone(),
            to: self.undoing.older.clone(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ops() -> Vec<Op> {
        vec![
            Op::Preserve {
                field: "3".into(),
                default: None,
            },
            Op::Drop {
                field: "1".into(),
                default: None,
            },
            Op::Default {
                field: "2".into(),
                value: Box::new(|| Ok(json!(0))),
            },
        ]
    }

    #[test]
    fn removals_then_additions_see_the_positions_they_name() {
        let cursor = Cursor::at("steps[].span", "steps[3].span");
        let (mut applied, mut kept) = (Applied::default(), Kept::default());
        let mut items = vec![json!("a"), json!("b"), json!("c"), json!("d")];
        let mut elements = Elements {
            cursor: &cursor,
            applied: &mut applied,
            kept: &mut kept,
            kept_at: Some("meta.legacy_nested"),
        };
        elements.apply(&mut items, &ops()).unwrap();
        assert_eq!(items, [json!("a"), json!("c"), json!(0)]);
        assert_eq!(kept.taken, [("steps[3].span[3]".to_owned(), json!("d"))]);
        assert_eq!(applied.preserved, ["meta.legacy_nested.steps[].span[3]"]);
        assert_eq!(applied.dropped, ["steps[].span[1]"]);
        assert_eq!(applied.defaulted, ["steps[].span[2]"]);
    }

    #[test]
    fn an_element_is_found_where_each_version_put_it() {
        use crate::__private::{ops, semver};
        // (a, b, c) in 0.1.0; b removed in 0.2.0; d added in 0.3.0: now
        // (a, c, d).
        let history = EmbeddedChecked::new("T")
            .elements()
            .change(semver(0, 2, 0), ops().preserve("1"))
            .change(semver(0, 3, 0), ops().add("2", || json!(0)))
            .build();
        let site = |at: &'static [&'static str]| Site {
            at: Pattern {
                names: at,
                below: Vec::new(),
            },
            history: super::super::Resolve::Lazy(|| unreachable!("not resolved to place it")),
            reshaped: Vec::new(),
        };
        let (c, d) = (site(&["1"]), site(&["2"]));
        // At 0.<minor>.0, or now.
        let at = |site: &Site, minor: Option<u64>| {
            history.element_position(site, minor.map(|m| semver(0, m, 0)).as_ref())
        };
        assert_eq!(at(&c, None), Some(1));
        assert_eq!(at(&c, Some(2)), Some(1));
        assert_eq!(at(&c, Some(1)), Some(2));
        assert_eq!(at(&d, Some(3)), Some(2));
        assert_eq!(at(&d, Some(2)), None);
    }

    #[test]
    fn an_added_element_goes_back_only_with_its_default() {
        let cursor = Cursor::at("span", "steps[3].span");
        let version = Version::integer(2);
        let mut report = Report {
            type_name: "Trace",
            from: version.clone(),
            to: Version::integer(1),
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
        };
        let mut kept = Object::new();
        kept.insert("steps[3].span[3]".into(), json!("d"));
        let older = Version::integer(1);
        let mut undo = UndoElements {
            cursor: &cursor,
            undoing: Undoing {
                type_name: "Trace",
                newer: &version,
                older: &older,
            },
            version: &version,
            loss: Loss::Refuse,
            report: &mut report,
            kept: &mut kept,
        };
        let ops = ops();
        let mut items = vec![json!("a"), json!("c"), json!(7)];
        let error = undo.op(&ops[2], &mut items).unwrap_err().to_string();
        assert!(
            error.contains("without losing `steps[3].span[2]`, added in 2, which holds 7"),
            "{error}"
        );
        items[2] = json!(0);
        undo.op(&ops[2], &mut items).unwrap();
        let error = undo.op(&ops[1], &mut items).unwrap_err().to_string();
        assert!(
            error.contains("`steps[3].span[1]` was dropped in 2"),
            "{error}"
        );
        items.insert(1, json!("b"));
        undo.op(&ops[0], &mut items).unwrap();
        assert_eq!(items, [json!("a"), json!("b"), json!("c"), json!("d")]);
        let error = undo.op(&ops[0], &mut items).unwrap_err().to_string();
        assert!(error.contains("keeps no value for it"), "{error}");
    }
}
