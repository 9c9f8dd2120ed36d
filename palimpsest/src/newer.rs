//! Forward-compatible reads: a document written by a newer build is read
//! as the current struct, and written back as that build wrote it.
//!
//! Reading ([`Schema::keep_newer`]) takes out what this build does not
//! know (the version the document carries, the top-level keys no field
//! claims, the keys of embedded objects no field of theirs claims) and
//! records it in the metadata object as [`FORWARD`]:
//! `{"version": .., "unknown": {key: value}, "nested": {path: value}}`.
//! The struct then carries the record through the program in its metadata
//! field, like any other metadata.
//!
//! Writing ([`write_versioned`]) looks for the record before anything is
//! written, with a probe that visits the metadata field only. Without
//! one (almost always) the value is written as usual, stamp first, with no
//! tree. With one, the value is written through a tree: the record is
//! taken out of the metadata, the unknown keys go back where they stood
//! and the stamp is the version the newer build wrote.

use std::fmt;

use serde::ser::{
    Error as _, Impossible, Serialize, SerializeMap, SerializeStruct, SerializeStructVariant,
    Serializer,
};
use serde_json::{Map, Value};

use crate::envelope::{self, Layout};
use crate::error::Error;
use crate::object::{free_key, object_at, Object};
use crate::schema::Schema;
use crate::ser::{Stamp, Stamped};

/// The metadata key of the record a read of a newer document keeps:
/// `{"version": .., "unknown": {..}, "nested": {..}}`, see [`Newer::Read`].
pub const FORWARD: &str = "forward";

/// The record's key for the version the newer document carried.
const VERSION: &str = "version";
/// The record's key for the top-level keys no field claims.
const UNKNOWN: &str = "unknown";
/// The record's key for the keys of embedded objects no field claims, by path.
const NESTED: &str = "nested";

/// What a read does with a document whose version is newer than the
/// current one: the version key of `#[versioned(newer = "read")]`, of
/// [`SchemaBuilder::newer`](crate::SchemaBuilder::newer) and of
/// [`Reader::newer`](crate::Reader::newer).
///
/// ```
/// use palimpsest::{versioned, Newer};
/// use serde::{Deserialize, Serialize};
/// use serde_json::{json, Map, Value};
///
/// #[versioned(since = 1, version = 2, metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     text: String,
///     #[serde(default)]
///     meta: Map<String, Value>,
/// }
///
/// // A newer build added `color`.
/// let newer = r#"{"schema_version": 3, "text": "hi", "color": "red"}"#;
/// let err = palimpsest::from_str::<Note>(newer).unwrap_err();
/// assert!(matches!(err, palimpsest::Error::NewerVersion { .. }));
///
/// let read = palimpsest::Reader::new().newer(Newer::Read).from_str::<Note>(newer)?;
/// assert_eq!(read.value.text, "hi");
/// assert_eq!(read.value.meta["forward"], json!({"version": 3, "unknown": {"color": "red"}}));
/// // Written back, it is the document the newer build wrote.
/// assert_eq!(
///     palimpsest::to_value(&read.value)?,
///     json!({"schema_version": 3, "text": "hi", "color": "red", "meta": {}}),
/// );
/// # Ok::<(), palimpsest::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Newer {
    /// Refuse it with [`Error::NewerVersion`]: the default, since this build
    /// cannot know what the newer one meant.
    #[default]
    Fail,
    /// Read it as the current version, keeping the version and every key
    /// this build does not know in `<metadata>.forward`, from where writing
    /// the value puts them back. Needs a metadata path. A value this build
    /// would refuse (a newer enum variant) is [`Error::Mismatch`] naming its
    /// path; nothing is guessed.
    Read,
}

impl fmt::Display for Newer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Newer::Fail => "fail",
            Newer::Read => "read",
        })
    }
}

impl Schema {
    /// Why this type cannot read newer documents, if it cannot: the record
    /// goes into the metadata, and a type that reads its version key as a
    /// field would read the newer version into it.
    pub(crate) fn cannot_read_newer(&self) -> Option<String> {
        if self.metadata.is_none() {
            return Some(
                "reading newer documents (`newer = \"read\"`) needs a metadata path to keep \
                 what this build does not know in; set `metadata = \"...\"`"
                    .to_owned(),
            );
        }
        if self.key_is_field {
            return Some(format!(
                "reading newer documents (`newer = \"read\"`) is not possible for a type that \
                 reads its version key `{}` as a field",
                self.key
            ));
        }
        None
    }

    /// The error of a call that asked for newer documents to be read on a
    /// type that cannot read them.
    pub(crate) fn check_reads_newer(&self) -> Result<(), Error> {
        match self.cannot_read_newer() {
            None => Ok(()),
            Some(message) => Err(Error::Definition {
                type_name: self.type_name,
                message,
            }),
        }
    }

    /// Prepares a document newer than this build, carrying `stamp`, to be
    /// read as the current version: its version and the keys no field
    /// claims (top level and embedded objects) move into
    /// `<metadata>.forward`. A record already there (a document an older
    /// build kept part of) stays, beside it.
    pub(crate) fn keep_newer(&self, object: &mut Object, stamp: Value) -> Result<(), Error> {
        let Some(metadata) = &self.metadata else {
            self.check_reads_newer()?;
            return Ok(());
        };
        object.remove(self.key);
        let mut unknown = Map::new();
        if let Some(claims) = &self.claims {
            let keys: Vec<String> = object
                .keys()
                .filter(|key| !claims.contains(*key) && *key != metadata.root())
                .cloned()
                .collect();
            for key in keys {
                if let Some(value) = object.remove(&key) {
                    unknown.insert(key, value);
                }
            }
        }
        let current = self.current.clone();
        let nested = self
            .take_unclaimed_nested(object)
            .map_err(|error| self.op_error(error, &current, &current))?;
        let mut record = Map::new();
        record.insert(VERSION.to_owned(), stamp);
        if !unknown.is_empty() {
            record.insert(UNKNOWN.to_owned(), Value::Object(unknown));
        }
        if !nested.is_empty() {
            record.insert(
                NESTED.to_owned(),
                Value::Object(nested.into_iter().collect()),
            );
        }
        let slot = object_at(object, metadata).map_err(|e| Error::NotAnObject {
            type_name: self.type_name,
            version: None,
            path: e.path,
            found: e.found,
        })?;
        if let Some(earlier) = slot.remove(FORWARD) {
            let name = free_key(slot, FORWARD.to_owned());
            slot.insert(name, earlier);
        }
        slot.insert(FORWARD.to_owned(), Value::Object(record));
        Ok(())
    }

    /// Whether a stamp met first in a stream names a version newer than
    /// the current one.
    pub(crate) fn is_newer_stamp(&self, stamp: &Value) -> bool {
        self.scheme
            .parse_value(stamp)
            .is_ok_and(|version| version > self.current)
    }
}

/// Writes a value of a versioned type whose own `Serialize` is `plain`
/// (no stamp): stamp first, or, for a value read from a newer document,
/// as that document was.
pub(crate) fn write_versioned<P, S>(
    plain: &P,
    schema: &'static Schema,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    P: ?Sized + Serialize,
    S: Serializer,
{
    let mut record = None;
    if let Some(path) = schema.metadata.as_ref().filter(|_| !schema.key_is_field) {
        // The probe fails only where the value itself would.
        let _ = plain.serialize(Probe {
            segments: path.segments(),
            record: &mut record,
        });
    }
    match (record, schema.layout) {
        (Some(record), layout) => write_back(plain, schema, record, layout, serializer),
        (None, Layout::Inline) => plain.serialize(Stamped::new(serializer, schema)),
        (None, Layout::Envelope) => {
            let mut envelope = serializer.serialize_map(Some(2))?;
            envelope.serialize_entry(envelope::VERSION, &Stamp(schema))?;
            envelope.serialize_entry(envelope::DATA, plain)?;
            envelope.end()
        }
    }
}

/// Writes a value carrying a [`FORWARD`] record as the newer document it
/// was read from.
fn write_back<P, S>(
    plain: &P,
    schema: &'static Schema,
    record: Value,
    layout: Layout,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    P: ?Sized + Serialize,
    S: Serializer,
{
    let tree = plain
        .serialize(serde_json::value::Serializer)
        .map_err(S::Error::custom)?;
    let Value::Object(mut document) = tree else {
        return plain.serialize(Stamped::new(serializer, schema));
    };
    let stamp = restore(schema, &mut document, record);
    document.remove(schema.key);
    if layout == Layout::Envelope {
        let mut envelope = serializer.serialize_map(Some(2))?;
        envelope.serialize_entry(envelope::VERSION, &stamp)?;
        envelope.serialize_entry(envelope::DATA, &document)?;
        return envelope.end();
    }
    let mut map = serializer.serialize_map(Some(document.len() + 1))?;
    map.serialize_entry(schema.key, &stamp)?;
    for (key, value) in &document {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Takes the record out of the document's metadata and puts what it kept
/// back where it stood; returns the version to write. What cannot go back
/// (a key the value now holds itself, an embedded object no longer there)
/// stays in the record, in the metadata: never nowhere.
fn restore(schema: &Schema, document: &mut Object, record: Value) -> Value {
    let Value::Object(mut record) = record else {
        return schema.current.to_value();
    };
    let stamp = record
        .remove(VERSION)
        .unwrap_or_else(|| schema.current.to_value());
    let mut left = Map::new();
    if let Some(Value::Object(unknown)) = record.remove(UNKNOWN) {
        let mut kept = Map::new();
        for (key, value) in unknown {
            if document.contains_key(&key) {
                kept.insert(key, value);
            } else {
                document.insert(key, value);
            }
        }
        if !kept.is_empty() {
            left.insert(UNKNOWN.to_owned(), Value::Object(kept));
        }
    }
    if let Some(Value::Object(nested)) = record.remove(NESTED) {
        let mut kept = Map::new();
        for (path, value) in nested {
            if let Err(value) = place(document, &path, value) {
                kept.insert(path, value);
            }
        }
        if !kept.is_empty() {
            left.insert(NESTED.to_owned(), Value::Object(kept));
        }
    }
    // Anything else a newer build put in the record is its own: kept.
    left.extend(record);
    if let Some(metadata) = &schema.metadata {
        if let Ok(slot) = object_at(document, metadata) {
            slot.remove(FORWARD);
            if !left.is_empty() {
                left.insert(VERSION.to_owned(), stamp.clone());
                slot.insert(FORWARD.to_owned(), Value::Object(left));
            }
        }
    }
    stamp
}

/// One step of a path such as `steps[2].calls[0].extra`.
#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of a path as the embedded walk writes them: keys joined by
/// dots, each followed by its array indexes. `None` for one it cannot
/// have written.
fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']')?;
            out.push(Segment::Index(inner[..end].parse().ok()?));
            rest = &inner[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// Puts `value` at `path` in `document`, where the object it belongs to
/// must still stand and must not hold the key; gives it back otherwise.
fn place(document: &mut Object, path: &str, value: Value) -> Result<(), Value> {
    let Some(segments) = segments(path) else {
        return Err(value);
    };
    let Some((Segment::Key(last), parents)) = segments.split_last() else {
        return Err(value);
    };
    let here = match parents.split_first() {
        None => document,
        Some((Segment::Key(first), rest)) => {
            let mut at = document.get_mut(*first);
            for segment in rest {
                at = match (at, segment) {
                    (Some(Value::Object(object)), Segment::Key(key)) => object.get_mut(*key),
                    (Some(Value::Array(items)), Segment::Index(index)) => items.get_mut(*index),
                    _ => None,
                };
            }
            match at {
                Some(Value::Object(object)) => object,
                _ => return Err(value),
            }
        }
        Some(_) => return Err(value),
    };
    if here.contains_key(*last) {
        return Err(value);
    }
    here.insert((*last).to_owned(), value);
    Ok(())
}

/// A serializer that writes nothing: it walks down the metadata path of a
/// value and copies out the [`FORWARD`] record of the object at its end.
/// Every other field is passed over without being visited.
struct Probe<'a> {
    segments: &'a [String],
    record: &'a mut Option<Value>,
}

/// The probe's error: the value's own, which the real write reports.
type ProbeError = serde_json::Error;

impl Probe<'_> {
    /// The key the probe looks for in the object it is in.
    fn wanted(&self) -> &str {
        self.segments.first().map_or(FORWARD, String::as_str)
    }

    /// Visits `value` if `key` is the one looked for.
    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<(), ProbeError> {
        if key == self.wanted() {
            self.descend(value)
        } else {
            Ok(())
        }
    }

    /// Visits the value of the key looked for: the next object on the
    /// path, or at its end the record itself.
    fn descend<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), ProbeError> {
        match self.segments.split_first() {
            Some((_, rest)) => value.serialize(Probe {
                segments: rest,
                record: self.record,
            }),
            None => {
                *self.record = Some(serde_json::to_value(value)?);
                Ok(())
            }
        }
    }
}

/// The probe inside a map, which must see a key before its value.
struct ProbeMap<'a> {
    probe: Probe<'a>,
    /// Whether the last key was the one the probe looks for.
    matched: bool,
}

/// A struct, or a struct variant: each field is looked at by its name.
macro_rules! probe_fields {
    ($($serialize:ident),*) => {
        $(
            impl $serialize for Probe<'_> {
                type Ok = ();
                type Error = ProbeError;

                fn serialize_field<T: ?Sized + Serialize>(
                    &mut self,
                    key: &'static str,
                    value: &T,
                ) -> Result<(), ProbeError> {
                    self.field(key, value)
                }

                fn end(self) -> Result<(), ProbeError> {
                    Ok(())
                }
            }
        )*
    };
}

probe_fields!(SerializeStruct, SerializeStructVariant);

impl SerializeMap for ProbeMap<'_> {
    type Ok = ();
    type Error = ProbeError;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), ProbeError> {
        // Compared in place: most maps on the way are small, and the probe
        // runs on every write.
        self.matched = key.serialize(KeyIs(self.probe.wanted())).unwrap_or(false);
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), ProbeError> {
        if std::mem::take(&mut self.matched) {
            self.probe.descend(value)
        } else {
            Ok(())
        }
    }

    fn end(self) -> Result<(), ProbeError> {
        Ok(())
    }
}

/// The shapes that hold no field, each answered with `$answer`: every
/// scalar but a string, which each serializer answers its own way, and
/// the unit shapes.
macro_rules! nothing_here {
    ($answer:expr) => {
        nothing_here! {
            $answer;
            serialize_bool(bool);
            serialize_i8(i8);
            serialize_i16(i16);
            serialize_i32(i32);
            serialize_i64(i64);
            serialize_u8(u8);
            serialize_u16(u16);
            serialize_u32(u32);
            serialize_u64(u64);
            serialize_f32(f32);
            serialize_f64(f64);
            serialize_char(char);
            serialize_bytes(&[u8]);
            serialize_none();
            serialize_unit();
            serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }
    };
    ($answer:expr; $($method:ident($($ty:ty),*);)*) => {
        $(
            fn $method(self, $(_: $ty),*) -> Result<Self::Ok, ProbeError> {
                Ok($answer)
            }
        )*
    };
}

/// The four sequence shapes of a serializer, each refused with `$why`.
macro_rules! refuse_sequences {
    ($why:literal) => {
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ProbeError> {
            Err(ProbeError::custom($why))
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ProbeError> {
            Err(ProbeError::custom($why))
        }

        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, ProbeError> {
            Err(ProbeError::custom($why))
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, ProbeError> {
            Err(ProbeError::custom($why))
        }
    };
}

impl<'a> Serializer for Probe<'a> {
    type Ok = ();
    type Error = ProbeError;
    type SerializeSeq = Impossible<(), ProbeError>;
    type SerializeTuple = Impossible<(), ProbeError>;
    type SerializeTupleStruct = Impossible<(), ProbeError>;
    type SerializeTupleVariant = Impossible<(), ProbeError>;
    type SerializeMap = ProbeMap<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    nothing_here!(());

    fn serialize_str(self, _: &str) -> Result<(), ProbeError> {
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), ProbeError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), ProbeError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), ProbeError> {
        Ok(())
    }

    // A sequence, a tuple: the metadata path names objects only. The
    // error stops the walk there; the probe ignores it.
    refuse_sequences!("no metadata in a sequence");

    fn serialize_map(self, _: Option<usize>) -> Result<ProbeMap<'a>, ProbeError> {
        Ok(ProbeMap {
            probe: self,
            matched: false,
        })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, ProbeError> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, ProbeError> {
        Ok(self)
    }
}

/// A serializer that answers whether a map key is the string it holds,
/// without copying the key.
struct KeyIs<'a>(&'a str);

impl Serializer for KeyIs<'_> {
    type Ok = bool;
    type Error = ProbeError;
    type SerializeSeq = Impossible<bool, ProbeError>;
    type SerializeTuple = Impossible<bool, ProbeError>;
    type SerializeTupleStruct = Impossible<bool, ProbeError>;
    type SerializeTupleVariant = Impossible<bool, ProbeError>;
    type SerializeMap = Impossible<bool, ProbeError>;
    type SerializeStruct = Impossible<bool, ProbeError>;
    type SerializeStructVariant = Impossible<bool, ProbeError>;

    fn serialize_str(self, key: &str) -> Result<bool, ProbeError> {
        Ok(key == self.0)
    }

    nothing_here!(false);

    // A key that is no string is never the one looked for.
    refuse_sequences!("not a string");

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ProbeError> {
        Err(ProbeError::custom("not a string"))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, ProbeError> {
        Err(ProbeError::custom("not a string"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ProbeError> {
        Err(ProbeError::custom("not a string"))
    }

    fn serialize_some<T: ?Sized + Serialize>(self, key: &T) -> Result<bool, ProbeError> {
        key.serialize(self)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        key: &T,
    ) -> Result<bool, ProbeError> {
        key.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<bool, ProbeError> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_split_into_keys_and_indexes() {
        use Segment::{Index, Key};
        assert_eq!(segments("extra"), Some(vec![Key("extra")]));
        assert_eq!(
            segments("steps[2].calls[0][1].x"),
            Some(vec![
                Key("steps"),
                Index(2),
                Key("calls"),
                Index(0),
                Index(1),
                Key("x")
            ])
        );
        assert_eq!(segments("steps[two].x"), None);
        assert_eq!(segments("steps[1]x"), None);
    }

    #[test]
    fn a_value_goes_back_only_where_its_object_still_stands() {
        let mut doc = json!({"steps": [{"a": 1}], "by": {"k": {"b": 2}}});
        let doc = doc.as_object_mut().unwrap();
        assert_eq!(place(doc, "steps[0].x", json!(1)), Ok(()));
        assert_eq!(place(doc, "by.k.y", json!(2)), Ok(()));
        assert_eq!(place(doc, "steps[3].x", json!(3)), Err(json!(3)));
        assert_eq!(place(doc, "steps[0].a", json!(4)), Err(json!(4)));
        assert_eq!(
            Value::Object(doc.clone()),
            json!({"steps": [{"a": 1, "x": 1}], "by": {"k": {"b": 2, "y": 2}}})
        );
    }

    #[derive(serde::Serialize)]
    struct Doc {
        skipped: Vec<u8>,
        context: Context,
    }

    #[derive(serde::Serialize)]
    struct Context {
        metadata: Map<String, Value>,
    }

    #[test]
    fn the_probe_finds_the_record_down_the_metadata_path() {
        let path = ["context".to_owned(), "metadata".to_owned()];
        let mut metadata = Map::new();
        metadata.insert(FORWARD.to_owned(), json!({"version": 3}));
        let doc = Doc {
            skipped: vec![1],
            context: Context { metadata },
        };
        let mut record = None;
        doc.serialize(Probe {
            segments: &path,
            record: &mut record,
        })
        .unwrap();
        assert_eq!(record, Some(json!({"version": 3})));
        let mut record = None;
        let _ = doc.serialize(Probe {
            segments: &path[..1],
            record: &mut record,
        });
        assert_eq!(record, None);
    }
}
