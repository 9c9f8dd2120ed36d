//! Which top-level keys of a document a type ignores when it is read.
//!
//! A typed snapshot step reads the document into a struct of the old
//! version and writes the struct the step returns: a key the snapshot has
//! no field for would vanish between the two, silently. serde's derive
//! reads such a key's value with `deserialize_ignored_any` (and `flatten`
//! or a map reads it with anything else), so a deserializer that notes
//! which values were read that way knows exactly which keys were not
//! claimed, with no `Serialize` asked of the snapshot.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{map, Value};

use crate::object::Object;

/// Deserializes a document, recording in `ignored` the keys whose values
/// the type ignored.
pub(crate) struct Noting<'a, 'n> {
    document: &'a Object,
    ignored: &'n mut Vec<String>,
}

impl<'a, 'n> Noting<'a, 'n> {
    pub(crate) fn new(document: &'a Object, ignored: &'n mut Vec<String>) -> Self {
        Noting { document, ignored }
    }
}

impl<'de> Deserializer<'de> for Noting<'de, '_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(Entries {
            entries: self.document.iter(),
            value: None,
            ignored: self.ignored,
        })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct Entries<'a, 'n> {
    entries: map::Iter<'a>,
    /// The entry whose key was just handed on.
    value: Option<(&'a str, &'a Value)>,
    ignored: &'n mut Vec<String>,
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| serde::de::Error::custom("a value was asked for before its key"))?;
        seed.deserialize(Entry {
            key,
            value,
            ignored: self.ignored,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// One value, read as `&Value` reads it, unless the type ignores it.
struct Entry<'a, 'n> {
    key: &'a str,
    value: &'a Value,
    ignored: &'n mut Vec<String>,
}

/// Each `deserialize_*` of `&Value`, forwarded as it is.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
                self.value.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Entry<'de, '_> {
    type Error = serde_json::Error;

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.ignored.push(self.key.to_owned());
        self.value.deserialize_ignored_any(visitor)
    }

    crate::forward::with_deserialize_methods!(forward);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn object(value: Value) -> Object {
        match value {
            Value::Object(object) => object,
            _ => unreachable!("test documents are objects"),
        }
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Point {
        x: f64,
        #[serde(default)]
        y: Option<f64>,
    }

    #[test]
    fn keys_without_a_field_are_noted() {
        let doc = object(json!({"x": 1.0, "label": "a", "y": null, "extra": {"deep": 1}}));
        let mut ignored = Vec::new();
        Point::deserialize(Noting::new(&doc, &mut ignored)).unwrap();
        assert_eq!(ignored, ["extra", "label"]);
    }

    #[test]
    fn a_map_or_a_flattened_field_claims_everything() {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Open {
            x: f64,
            #[serde(flatten)]
            rest: BTreeMap<String, Value>,
        }
        let doc = object(json!({"x": 1.0, "label": "a"}));
        let mut ignored = Vec::new();
        Open::deserialize(Noting::new(&doc, &mut ignored)).unwrap();
        assert!(ignored.is_empty(), "{ignored:?}");
        BTreeMap::<String, Value>::deserialize(Noting::new(&doc, &mut ignored)).unwrap();
        assert!(ignored.is_empty(), "{ignored:?}");
    }
}
