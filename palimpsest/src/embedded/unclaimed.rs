//! Keys of embedded objects that no field claims, kept in the root's
//! `<metadata>.legacy_nested` beside the values steps took, and told apart
//! from those by `<metadata>.legacy_nested_unclaimed`, which names each
//! with the version whose shape its path is in. A downgrade puts them back
//! when the document it writes has that shape again, so an old document
//! read and written back as its version is the document it was. Entries of
//! documents kept before that object existed are not named in it: they
//! stay kept, as they always did.

use serde_json::Value;

use crate::object::Object;
use crate::schema::Schema;
use crate::version::Version;
use crate::vocab::names::{LEGACY_NESTED, LEGACY_NESTED_UNCLAIMED};

impl Schema {
    /// Puts back the unclaimed keys kept at `version`'s shape, which the
    /// document being downgraded now has: each where it stood, unless the
    /// object it stood in is gone or holds the key again, when it stays
    /// kept.
    pub(crate) fn restore_nested_unclaimed(&self, document: &mut Object, version: &Version) {
        let Some(path) = &self.metadata else {
            return;
        };
        let Some(marks) = crate::downgrade::metadata_mut(document, path)
            .and_then(|metadata| metadata.get(LEGACY_NESTED_UNCLAIMED)?.as_object())
        else {
            return;
        };
        let due: Vec<String> = marks
            .iter()
            .filter(|(_, stood)| self.scheme.parse_value(stood).ok().as_ref() == Some(version))
            .map(|(at, _)| at.clone())
            .collect();
        if due.is_empty() {
            return;
        }
        let mut values = Vec::new();
        if let Some(Value::Object(legacy)) = crate::downgrade::metadata_mut(document, path)
            .and_then(|metadata| metadata.get_mut(LEGACY_NESTED))
        {
            values.extend(
                due.into_iter()
                    .filter_map(|at| legacy.remove(&at).map(|value| (at, value))),
            );
        }
        let mut stays = Vec::new();
        let mut restored = Vec::new();
        for (at, value) in values {
            match slot(document, &at) {
                Some((object, key)) if !object.contains_key(key) => {
                    object.insert(key.to_owned(), value);
                    restored.push(at);
                }
                _ => stays.push((at, value)),
            }
        }
        let Some(metadata) = crate::downgrade::metadata_mut(document, path) else {
            return;
        };
        for (name, keep) in [(LEGACY_NESTED, true), (LEGACY_NESTED_UNCLAIMED, false)] {
            let Some(Value::Object(entries)) = metadata.get_mut(name) else {
                continue;
            };
            if keep {
                entries.extend(stays.iter().cloned());
            } else {
                for at in &restored {
                    entries.remove(at);
                }
            }
            if entries.is_empty() {
                metadata.remove(name);
            }
        }
    }
}

/// The object an exact path of an embedded object's key
/// (`messages[1].tool_calls[0].index`) leads to, and the key; `None` when
/// the path leads nowhere in `document`, or ends at an element.
fn slot<'d, 'p>(document: &'d mut Object, path: &'p str) -> Option<(&'d mut Object, &'p str)> {
    let (parents, key) = match path.rsplit_once('.') {
        Some((parents, key)) => (Some(parents), key),
        None => (None, path),
    };
    if key.is_empty() || key.contains('[') {
        return None;
    }
    let mut object = document;
    for segment in parents.into_iter().flat_map(|parents| parents.split('.')) {
        let (name, indices) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        let mut value = object.get_mut(name)?;
        for index in indices.split_terminator(']') {
            let index: usize = index.strip_prefix('[')?.parse().ok()?;
            value = value.as_array_mut()?.get_mut(index)?;
        }
        object = value.as_object_mut()?;
    }
    Some((object, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_slot_is_found_through_objects_and_elements() {
        let mut doc = json!({"messages": [{}, {"tool_calls": [{"id": "c"}]}], "tools": {"t": {}}});
        let doc = doc.as_object_mut().unwrap();
        let (object, key) = slot(doc, "messages[1].tool_calls[0].index").unwrap();
        assert_eq!(
            (Value::Object(object.clone()), key),
            (json!({"id": "c"}), "index")
        );
        assert!(slot(doc, "tools.t.x").is_some());
        assert!(slot(doc, "stray").is_some());
        assert!(slot(doc, "messages[2].x").is_none());
        assert!(slot(doc, "messages[1]").is_none());
        assert!(slot(doc, "tools.u.x").is_none());
        assert!(slot(doc, "messages[x].y").is_none());
    }
}
