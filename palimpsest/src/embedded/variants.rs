//! Embedded enums: how a document writes a variant under each of serde's
//! representations, and the changes of variants by version (renamed,
//! added, removed to a fallback).
//!
//! A variant's name stands in the document as a string (an externally
//! tagged unit variant), as the one key of an object (its other variants),
//! or as the value of the tag key (internally and adjacently tagged); an
//! untagged enum writes none. Its value, the payload, is beside the name:
//! under the name's key, the content key, or in the same object as the
//! tag. The traversal (`walk`) reads both through [`Variants`], so each
//! change is written once for every representation.

use serde_json::{Map, Value};

use crate::version::Version;

/// How serde writes the enum: `#[serde(tag = ..)]`, `#[serde(tag = ..,
/// content = ..)]`, `#[serde(untagged)]`, or none of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tagging {
    /// `"unit"` or `{"name": payload}`.
    External,
    /// `{"<tag>": "name", ..fields}`.
    Internal { tag: &'static str },
    /// `{"<tag>": "name", "<content>": payload}`.
    Adjacent {
        tag: &'static str,
        content: &'static str,
    },
    /// The payload alone: no name to change.
    Untagged,
}

/// A change of the variants in one version.
#[derive(Debug)]
pub(crate) enum VariantOp {
    /// A value naming `old` names `new` from this version on.
    Rename {
        old: &'static str,
        new: &'static str,
    },
    /// The variant exists from this version on: older documents cannot
    /// hold it.
    Added { name: &'static str },
    /// The variant is gone: a value naming it becomes the unit variant
    /// `fallback`, and the value it was is kept in the root's metadata
    /// under its path, unless `keep` is false.
    Removed {
        name: &'static str,
        fallback: &'static str,
        keep: bool,
    },
}

/// The representation of an enum and the changes of its variants.
#[derive(Debug)]
pub(crate) struct Variants {
    pub(super) tagging: Tagging,
    /// Oldest first; each version once.
    changes: Vec<(Version, Vec<VariantOp>)>,
}

impl Variants {
    pub(super) fn new(tagging: Tagging) -> Self {
        Variants {
            tagging,
            changes: Vec::new(),
        }
    }

    /// Adds a change in `version`, after the others of that version.
    pub(super) fn push(&mut self, version: Version, op: VariantOp) {
        match self.changes.binary_search_by(|(v, _)| v.cmp(&version)) {
            Ok(index) => self.changes[index].1.push(op),
            Err(index) => self.changes.insert(index, (version, vec![op])),
        }
    }

    /// Whether a change gives `name` to a variant: a variant added under
    /// it, or one renamed to it.
    pub(super) fn gives(&self, name: &str) -> bool {
        self.changes
            .iter()
            .flat_map(|(_, ops)| ops)
            .any(|op| match op {
                VariantOp::Rename { new, .. } => *new == name,
                VariantOp::Added { name: added } => *added == name,
                VariantOp::Removed { .. } => false,
            })
    }

    pub(super) fn versions(&self) -> impl Iterator<Item = &Version> {
        self.changes.iter().map(|(v, _)| v)
    }

    pub(super) fn ops_at(&self, version: &Version) -> &[VariantOp] {
        self.changes
            .binary_search_by(|(v, _)| v.cmp(version))
            .map_or(&[], |index| &self.changes[index].1)
    }

    /// The first removed variant whose value is kept in the root's
    /// metadata, with the version that removed it.
    pub(super) fn kept_removal(&self) -> Option<(&Version, &'static str)> {
        self.changes.iter().find_map(|(version, ops)| {
            ops.iter().find_map(|op| match op {
                VariantOp::Removed {
                    name, keep: true, ..
                } => Some((version, *name)),
                _ => None,
            })
        })
    }

    /// Whether a string names a variant that some change acts on: only an
    /// externally tagged enum writes a variant as a string.
    pub(super) fn changes_string(&self, text: &str) -> bool {
        self.tagging == Tagging::External
            && self
                .changes
                .iter()
                .flat_map(|(_, ops)| ops)
                .any(|op| match op {
                    VariantOp::Rename { old, .. } => *old == text,
                    VariantOp::Removed { name, .. } => *name == text,
                    VariantOp::Added { .. } => false,
                })
    }

    /// The variant `value` names, if the representation writes one and
    /// the value has the shape of one.
    pub(super) fn name<'v>(&self, value: &'v Value) -> Option<&'v str> {
        match (self.tagging, value) {
            (Tagging::External, Value::String(name)) => Some(name),
            (Tagging::External, Value::Object(object)) if object.len() == 1 => {
                object.keys().next().map(String::as_str)
            }
            (Tagging::Internal { tag } | Tagging::Adjacent { tag, .. }, Value::Object(object)) => {
                object.get(tag).and_then(Value::as_str)
            }
            _ => None,
        }
    }

    /// Makes `value`, which names a variant, name `new` instead, its
    /// payload unchanged.
    pub(super) fn rename(&self, value: &mut Value, new: &str) {
        match (self.tagging, value) {
            (Tagging::External, Value::String(name)) => new.clone_into(name),
            (Tagging::External, Value::Object(object)) => {
                if let Some(old) = object.keys().next().cloned() {
                    if let Some(payload) = object.remove(&old) {
                        object.insert(new.to_owned(), payload);
                    }
                }
            }
            (Tagging::Internal { tag } | Tagging::Adjacent { tag, .. }, Value::Object(object)) => {
                object.insert(tag.to_owned(), Value::String(new.to_owned()));
            }
            _ => {}
        }
    }

    /// The value of the unit variant `name`.
    pub(super) fn unit(&self, name: &str) -> Value {
        match self.tagging {
            Tagging::Internal { tag } | Tagging::Adjacent { tag, .. } => {
                let mut object = Map::new();
                object.insert(tag.to_owned(), Value::String(name.to_owned()));
                Value::Object(object)
            }
            Tagging::External | Tagging::Untagged => Value::String(name.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TAGGINGS: [Tagging; 3] = [
        Tagging::External,
        Tagging::Internal { tag: "type" },
        Tagging::Adjacent {
            tag: "t",
            content: "c",
        },
    ];

    #[test]
    fn each_representation_names_and_renames_a_variant_in_its_place() {
        let documents = [
            (json!("old"), json!({"old": {"x": 1}})),
            (json!({"type": "old"}), json!({"type": "old", "x": 1})),
            (json!({"t": "old"}), json!({"t": "old", "c": {"x": 1}})),
        ];
        let renamed = [
            (json!("new"), json!({"new": {"x": 1}})),
            (json!({"type": "new"}), json!({"type": "new", "x": 1})),
            (json!({"t": "new"}), json!({"t": "new", "c": {"x": 1}})),
        ];
        for ((tagging, (unit, other)), (unit_after, other_after)) in
            TAGGINGS.into_iter().zip(documents).zip(renamed)
        {
            let variants = Variants::new(tagging);
            for (mut value, after) in [(unit, unit_after), (other, other_after)] {
                assert_eq!(variants.name(&value), Some("old"), "{tagging:?}");
                variants.rename(&mut value, "new");
                assert_eq!(value, after, "{tagging:?}");
            }
        }
        let mut external = Variants::new(Tagging::External);
        let v = Version::integer(2);
        external.push(v.clone(), VariantOp::Rename { old: "a", new: "b" });
        external.push(v, VariantOp::Added { name: "c" });
        assert!(external.changes_string("a"));
        assert!(!external.changes_string("b") && !external.changes_string("c"));
        let untagged = Variants::new(Tagging::Untagged);
        assert_eq!(untagged.name(&json!("old")), None);
        assert_eq!(untagged.name(&json!({"old": 1})), None);
    }

    #[test]
    fn a_unit_variant_is_written_as_its_representation_says() {
        let units: Vec<Value> = TAGGINGS
            .into_iter()
            .map(|tagging| Variants::new(tagging).unit("other"))
            .collect();
        assert_eq!(
            units,
            [
                json!("other"),
                json!({"type": "other"}),
                json!({"t": "other"})
            ]
        );
    }

    #[test]
    fn changes_are_kept_by_version_in_the_order_given() {
        let v = |minor| Version::semver(semver::Version::new(0, minor, 0));
        let mut variants = Variants::new(Tagging::External);
        variants.push(v(3), VariantOp::Added { name: "c" });
        variants.push(v(2), VariantOp::Rename { old: "a", new: "b" });
        variants.push(
            v(3),
            VariantOp::Removed {
                name: "d",
                fallback: "b",
                keep: true,
            },
        );
        assert_eq!(variants.versions().collect::<Vec<_>>(), [&v(2), &v(3)]);
        assert_eq!(variants.ops_at(&v(3)).len(), 2);
        assert!(variants.ops_at(&v(1)).is_empty());
        assert_eq!(variants.kept_removal(), Some((&v(3), "d")));
    }
}
