//! The seeds that read a document's first key, its other keys and its
//! version value without copying them where the format lends its text.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{
    BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer,
};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::error::Error;
use crate::schema::Schema;
use crate::version::Version;

/// The first key of a document: the version key, or any other key.
pub(super) enum FirstKey<'de> {
    Version,
    Other(Cow<'de, str>),
}

/// Reads the first key, comparing it with the version key without a copy,
/// so the fast path allocates nothing even from a reader.
pub(super) struct FirstKeySeed(pub(super) &'static str);

impl<'de> DeserializeSeed<'de> for FirstKeySeed {
    type Value = FirstKey<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FirstKeySeed {
    type Value = FirstKey<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        if key == self.0 {
            Ok(FirstKey::Version)
        } else {
            Ok(FirstKey::Other(Cow::Borrowed(key)))
        }
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if key == self.0 {
            Ok(FirstKey::Version)
        } else {
            Ok(FirstKey::Other(Cow::Owned(key.to_owned())))
        }
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Self::Value, E> {
        if key == self.0 {
            Ok(FirstKey::Version)
        } else {
            Ok(FirstKey::Other(Cow::Owned(key)))
        }
    }
}

/// Reads a key, borrowed from the input where the format allows.
pub(super) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    #[inline]
    fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key))
    }
}

/// Hands a key read with [`KeySeed`] on to `seed`, borrowed if it was.
#[inline]
pub(super) fn hand_on_key<'de, K, E>(seed: K, key: &Cow<'de, str>) -> Result<K::Value, E>
where
    K: DeserializeSeed<'de>,
    E: serde::de::Error,
{
    match key {
        Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::<E>::new(key)),
        Cow::Owned(key) => seed.deserialize(StrDeserializer::<E>::new(key)),
    }
}

/// The version value as it came from the stream, borrowed where the format
/// allows, so the fast path allocates nothing for it.
pub(super) enum StreamedStamp<'de> {
    /// The current version, recognized before the text had to be kept.
    Current,
    Text(Cow<'de, str>),
    Number(u64),
    Other(Value),
}

impl StreamedStamp<'_> {
    pub(super) fn is_current(&self, schema: &Schema) -> bool {
        match self {
            StreamedStamp::Current => true,
            StreamedStamp::Text(text) => schema.is_current_text(text),
            StreamedStamp::Number(n) => schema.is_current_number(*n),
            StreamedStamp::Other(_) => false,
        }
    }

    /// The version the stamp names ([`Schema::detect_stamp`]).
    pub(super) fn detect(&self, schema: &Schema) -> Result<Version, Error> {
        match self {
            StreamedStamp::Text(text) => schema.detect_text(text),
            _ => schema.detect_stamp(&self.to_value(schema)),
        }
    }

    /// The stamp as JSON, leaving it in place.
    pub(super) fn to_value(&self, schema: &Schema) -> Value {
        match self {
            StreamedStamp::Current => schema.current().to_value(),
            StreamedStamp::Text(text) => Value::String(text.to_string()),
            StreamedStamp::Number(n) => Value::from(*n),
            StreamedStamp::Other(value) => value.clone(),
        }
    }

    pub(super) fn into_value(self, schema: &Schema) -> Value {
        match self {
            StreamedStamp::Current => schema.current().to_value(),
            StreamedStamp::Text(text) => Value::String(text.into_owned()),
            StreamedStamp::Number(n) => Value::from(n),
            StreamedStamp::Other(value) => value,
        }
    }
}

/// Reads the version value; a text stamp that names the current version is
/// recognized in place, so even a reader that cannot lend its text (an
/// `io::Read`) costs no copy on the fast path.
pub(super) struct StampSeed(pub(super) &'static Schema);

impl<'de> DeserializeSeed<'de> for StampSeed {
    type Value = StreamedStamp<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(StampVisitor(self.0))
    }
}

struct StampVisitor(&'static Schema);

impl<'de> Visitor<'de> for StampVisitor {
    type Value = StreamedStamp<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a schema version")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(StreamedStamp::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        if self.0.is_current_text(v) {
            return Ok(StreamedStamp::Current);
        }
        Ok(StreamedStamp::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(StreamedStamp::Text(Cow::Owned(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(StreamedStamp::Number(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(v).map_or(StreamedStamp::Other(Value::from(v)), StreamedStamp::Number))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(StreamedStamp::Other(Value::from(v)))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(StreamedStamp::Other(Value::Bool(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(StreamedStamp::Other(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(StreamedStamp::Other(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(deserializer).map(StreamedStamp::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(StreamedStamp::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(StreamedStamp::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_keep_their_kind() {
        let schema: &'static Schema =
            Box::leak(Box::new(Schema::semver("T", "0.2.0").build().unwrap()));
        let read = |text: &'static str| {
            StampSeed(schema)
                .deserialize(&mut serde_json::Deserializer::from_str(text))
                .unwrap()
        };
        assert!(matches!(
            read("\"0.1.0\""),
            StreamedStamp::Text(Cow::Borrowed("0.1.0"))
        ));
        assert!(matches!(read("3"), StreamedStamp::Number(3)));
        assert_eq!(read("[1]").into_value(schema), serde_json::json!([1]));
        assert_eq!(read("-2").into_value(schema), serde_json::json!(-2));
        // From a reader the text is transient: the current one is not copied.
        let mut de = serde_json::Deserializer::from_reader("\"0.2.0\"".as_bytes());
        let stamp = StampSeed(schema).deserialize(&mut de).unwrap();
        assert!(matches!(stamp, StreamedStamp::Current));
        assert_eq!(stamp.into_value(schema), "0.2.0");
    }

    #[test]
    fn the_first_key_is_compared_without_a_copy() {
        let mut de = serde_json::Deserializer::from_str("\"schema_version\"");
        assert!(matches!(
            FirstKeySeed("schema_version").deserialize(&mut de).unwrap(),
            FirstKey::Version
        ));
        let mut de = serde_json::Deserializer::from_str("\"name\"");
        assert!(
            matches!(FirstKeySeed("schema_version").deserialize(&mut de).unwrap(), FirstKey::Other(k) if k == "name")
        );
    }
}
