//! The dict-style operations of migration steps, on a document's JSON
//! object: what the declarative operations of a [`Step`](crate::Step) do,
//! as plain functions for hand-written steps that want the same behaviour
//! ([`rename_key`], [`preserve_key`], [`insert_default`], [`object_at`]).

use serde_json::{Map, Value};

use crate::version::kind_of;
use crate::vocab::names::legacy_key;

pub use crate::vocab::path::ObjectPath;

/// A JSON object, as steps see a document.
pub type Object = Map<String, Value>;

/// A value on an object path that is not an object.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("expected an object at `{path}`, found {found}")]
pub struct NotAnObject {
    /// The path up to and including the offending segment.
    pub path: String,
    /// What was found there.
    pub found: &'static str,
}

/// Both names of a rename are present.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
/// use palimpsest::object::{object_at, ObjectPath};
/// use serde_json::json;
///
/// let mut doc = json!({"context": {}}).as_object().unwrap().clone();
/// let path = ObjectPath::parse("context.metadata").unwrap();
/// object_at(&mut doc, &path)?.insert("k".into(), json!(1));
/// assert_eq!(doc["context"]["metadata"]["k"], 1);
///
/// let mut bad = json!({"context": 3}).as_object().unwrap().clone();
/// assert_eq!(object_at(&mut bad, &path).unwrap_err().path, "context");
/// # Ok::<(), palimpsest::object::NotAnObject>(())
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
/// use palimpsest::object::rename_key;
/// use serde_json::json;
///
/// let mut doc = json!({"result": "ok"}).as_object().unwrap().clone();
/// assert!(rename_key(&mut doc, "result", "outcome")?);
/// assert_eq!(doc["outcome"], "ok");
/// assert!(!rename_key(&mut doc, "result", "outcome")?);
/// # Ok::<(), palimpsest::object::RenameConflict>(())
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
/// use palimpsest::object::{preserve_key, ObjectPath};
/// use serde_json::json;
///
/// let meta = ObjectPath::parse("context.metadata").unwrap();
/// let mut doc = json!({"notes": "keep me"}).as_object().unwrap().clone();
/// assert_eq!(preserve_key(&mut doc, &meta, "notes")?.as_deref(), Some("legacy_notes"));
/// assert_eq!(doc["context"]["metadata"]["legacy_notes"], "keep me");
/// assert!(!doc.contains_key("notes"));
/// # Ok::<(), palimpsest::object::NotAnObject>(())
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
pub(crate) fn preserve_with(
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

/// The key of `base`'s series (`base`, `base_2`, `base_3`, ...) that
/// [`free_key`] filled last: the value an undo must take back, since any
/// before it were there already.
pub(crate) fn last_taken_key(object: &Object, base: &str) -> Option<String> {
    if !object.contains_key(base) {
        return None;
    }
    let last = (2..)
        .map(|n| format!("{base}_{n}"))
        .take_while(|name| object.contains_key(name))
        .last();
    Some(last.unwrap_or_else(|| base.to_owned()))
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
/// use palimpsest::object::insert_default;
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
}
