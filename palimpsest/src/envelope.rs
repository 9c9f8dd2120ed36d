//! The envelope layout: a document is `{"version": V, "data": {...}}`
//! (version-migrate's wrapped format) instead of an object carrying its
//! version key among its fields.
//!
//! The engine works on one shape only, the inline one: an envelope is
//! opened into its data with the version under the schema's key before a
//! migration, and closed again after it ([`Schema::in_layout`]). A document
//! that is no envelope is read as the data itself: the legacy version's
//! bare object, or a document of a build that wrote the inline layout
//! (its version key says which version), so a type can move to the
//! envelope layout and still read what it wrote before.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::object::Object;
use crate::schema::Schema;

/// The envelope's key for the version.
pub(crate) const VERSION: &str = "version";
/// The envelope's key for the document's data.
pub(crate) const DATA: &str = "data";

/// Where a type's documents carry their version: the `layout` of
/// `#[versioned(layout = "envelope")]` and of
/// [`SchemaBuilder::layout`](crate::SchemaBuilder::layout).
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
/// use serde_json::json;
///
/// #[versioned(since = 1, layout = "envelope")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = 2)]
///     text: String,
/// }
///
/// let note: Note = serde_json::from_value(json!({"version": 1, "data": {"body": "hi"}}))?;
/// assert_eq!(note.text, "hi");
/// // A bare object is the legacy version's document.
/// let note: Note = serde_json::from_value(json!({"body": "hi"}))?;
/// assert_eq!(serde_json::to_string(&note)?, r#"{"version":2,"data":{"text":"hi"}}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// `{"schema_version": V, ...fields}`: the version key first among the
    /// fields. The default.
    #[default]
    Inline,
    /// `{"version": V, "data": {...fields}}`. The metadata path, if any,
    /// is inside `data`.
    Envelope,
}

/// Whether `object` is an envelope: a `data` object, beside at most a
/// `version`, and nothing else.
fn is_envelope(object: &Object) -> bool {
    matches!(object.get(DATA), Some(Value::Object(_)))
        && object.keys().all(|key| key == VERSION || key == DATA)
}

impl Schema {
    /// The version value of a document in the envelope layout, when it is
    /// an envelope: `Some(None)` for one without a version (the legacy
    /// version), `None` for a bare object.
    pub(crate) fn envelope_stamp<'a>(&self, object: &'a Object) -> Option<Option<&'a Value>> {
        (self.layout == Layout::Envelope && is_envelope(object)).then(|| object.get(VERSION))
    }

    /// Runs `work` on a document as the engine sees every document, its
    /// version under the schema's key among its fields: an envelope is
    /// opened first and closed after. A bare object that comes out
    /// carrying a version (a legacy document migrated) is closed into an
    /// envelope too; on error the document is as it was.
    pub(crate) fn in_layout<R>(
        &self,
        document: &mut Value,
        work: impl FnOnce(&mut Value) -> Result<R, Error>,
    ) -> Result<R, Error> {
        if self.layout != Layout::Envelope {
            return work(document);
        }
        let opened = self.open_envelope(document)?;
        let result = work(document);
        let stamped = matches!(document, Value::Object(object) if object.contains_key(self.key));
        if opened || (result.is_ok() && stamped) {
            self.close_envelope(document);
        }
        result
    }

    /// Turns an envelope into its data, the version under the schema's
    /// key; says whether it was one. A bare object is left as it is.
    pub(crate) fn open_envelope(&self, document: &mut Value) -> Result<bool, Error> {
        let Value::Object(object) = document else {
            return Ok(false);
        };
        if !is_envelope(object) {
            return Ok(false);
        }
        let version = object.get(VERSION).cloned();
        let Some(Value::Object(data)) = object.get(DATA) else {
            return Ok(false);
        };
        if let (Some(_), true) = (&version, data.contains_key(self.key)) {
            // Opening would overwrite the data's own value of the key.
            return Err(Error::RepeatedKey {
                type_name: self.type_name,
                key: self.key.to_owned(),
            });
        }
        let Some(Value::Object(mut data)) = object.remove(DATA) else {
            return Ok(false);
        };
        if let Some(version) = version {
            data.insert(self.key.to_owned(), version);
        }
        *document = Value::Object(data);
        Ok(true)
    }

    /// Turns a document with its version among its fields into an
    /// envelope.
    pub(crate) fn close_envelope(&self, document: &mut Value) {
        let Value::Object(object) = document else {
            return;
        };
        let mut data = std::mem::take(object);
        let mut envelope = Map::new();
        if let Some(version) = data.remove(self.key) {
            envelope.insert(VERSION.to_owned(), version);
        }
        envelope.insert(DATA.to_owned(), Value::Object(data));
        *object = envelope;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::step::Step;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::integer("Note", 2)
            .layout(Layout::Envelope)
            .step(Step::new(0, 1))
            .step(Step::new(1, 2).rename("body", "text"))
            .build()
            .unwrap()
    }

    #[test]
    fn only_a_data_object_with_at_most_a_version_is_an_envelope() {
        let envelope = |doc: Value| is_envelope(doc.as_object().unwrap());
        assert!(envelope(json!({"version": 1, "data": {}})));
        assert!(envelope(json!({"data": {"a": 1}})));
        assert!(!envelope(json!({"version": 1, "data": 3})));
        assert!(!envelope(json!({"version": 1, "data": {}, "extra": 1})));
        assert!(!envelope(json!({"version": 1})));
    }

    #[test]
    fn an_envelope_opens_and_closes_around_the_work() {
        let schema = schema();
        let mut doc = json!({"version": 1, "data": {"body": "hi"}});
        let seen = schema
            .in_layout(&mut doc, |inline| Ok(inline.clone()))
            .unwrap();
        assert_eq!(seen, json!({"schema_version": 1, "body": "hi"}));
        assert_eq!(doc, json!({"version": 1, "data": {"body": "hi"}}));
    }

    #[test]
    fn a_data_object_holding_the_key_is_refused() {
        let schema = schema();
        let mut doc = json!({"version": 1, "data": {"schema_version": 3}});
        let err = schema.in_layout(&mut doc, |_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::RepeatedKey { .. }), "{err}");
        assert_eq!(doc, json!({"version": 1, "data": {"schema_version": 3}}));
    }
}
