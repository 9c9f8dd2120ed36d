//! The value of a key whose object a move takes a value out of
//! (`metrics`, for `#[moved_from("metrics.duration_ms")]`), read by the
//! field's own `Deserialize` while the moved key is held back: the object
//! streams to its struct, and the moved value waits for the end of the
//! object holding it, where it lands under its new key. The tree engine's
//! move is what this mirrors: `null` or nothing there moves nothing, any
//! value but an object is [`Error::NotAnObject`](crate::Error::NotAnObject),
//! and a second moved key in one object is refused as a repeat.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::seed::{hand_on_key, KeySeed};
use crate::embedded::{same_key, Migration, TakeOut};
use crate::error::Error;

/// Where the moved value goes, and what a failure names.
pub(super) struct TakeOutSlot<'a> {
    pub(super) take: &'a TakeOut,
    /// Its cursor stands at the object holding the source (`steps[3]`).
    pub(super) migration: &'a Migration,
    pub(super) value: &'a mut Option<Value>,
}

impl TakeOutSlot<'_> {
    /// The exact path of the object holding the source: `steps[3]`.
    #[cold]
    fn exact(&self) -> String {
        self.migration.here.borrow_mut().exact_now().to_owned()
    }

    #[cold]
    fn fail<E: serde::de::Error>(&self, error: Error) -> E {
        let message = E::custom(&error);
        self.migration.sink.fail(error);
        message
    }

    #[cold]
    fn not_an_object<E: serde::de::Error>(&self, found: &'static str) -> E {
        self.fail(
            self.migration
                .take_out_error(self.take, &self.exact(), Some(found)),
        )
    }
}

/// The field's seed, reading the source object with the moved key held back.
pub(super) struct TakeOutSeed<'a, S> {
    pub(super) seed: S,
    pub(super) out: TakeOutSlot<'a>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TakeOutSeed<'_, S> {
    type Value = S::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(TakeOutDeserializer {
            inner: deserializer,
            out: self.out,
        })
    }
}

/// A deserializer that hands every visitor on wrapped, so that the map it
/// visits, if any, holds the moved key back.
struct TakeOutDeserializer<'a, D> {
    inner: D,
    out: TakeOutSlot<'a>,
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* TakeOutVisitor { visitor, out: self.out })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for TakeOutDeserializer<'_, D> {
    type Error = D::Error;

    forward!(
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_seq(), deserialize_map(),
        deserialize_identifier(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    );

    // A field that does not read the source object still gives up the
    // value moved out of it: the object is visited, not skipped.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.deserialize_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The field's visitor: a map goes to it with the moved key held back,
/// `null` as it is, anything else is no object to move a value out of.
struct TakeOutVisitor<'a, V> {
    visitor: V,
    out: TakeOutSlot<'a>,
}

macro_rules! not_an_object {
    ($($method:ident($ty:ty) => $found:literal),* $(,)?) => {
        $(
            fn $method<E: serde::de::Error>(self, _: $ty) -> Result<V::Value, E> {
                Err(self.out.not_an_object($found))
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TakeOutVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    not_an_object!(
        visit_bool(bool) => "a boolean",
        visit_i64(i64) => "a number",
        visit_u64(u64) => "a number",
        visit_i128(i128) => "a number",
        visit_u128(u128) => "a number",
        visit_f64(f64) => "a number",
        visit_str(&str) => "a string",
        visit_bytes(&[u8]) => "bytes",
    );

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(self.out.not_an_object("an array"))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(self.out.not_an_object("an enum"))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(TakeOutDeserializer {
            inner: deserializer,
            out: self.out,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(TakeOutDeserializer {
            inner: deserializer,
            out: self.out,
        })
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(TakeOutMap {
            inner: map,
            out: self.out,
        })
    }
}

/// The source object's keys, the moved one held back.
struct TakeOutMap<'a, A> {
    inner: A,
    out: TakeOutSlot<'a>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TakeOutMap<'_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(key) = self.inner.next_key_seed(KeySeed)? else {
                return Ok(None);
            };
            if same_key(self.out.take.inner, &key) {
                let (value, repeat) = super::capture::next_distinct(&mut self.inner)?;
                if repeat.is_some() || self.out.value.is_some() {
                    // Met twice, or a key met twice inside it.
                    let source = format!("{}.{}", self.out.exact(), self.out.take.from_path);
                    let key = match repeat {
                        Some(below) => super::capture::joined_below(&source, &below),
                        None => source,
                    };
                    let error = Error::RepeatedKey {
                        type_name: self.out.migration.root.type_name(),
                        key,
                    };
                    return Err(self.out.fail(error));
                }
                *self.out.value = Some(value);
                continue;
            }
            return hand_on_key(seed, &key).map(Some);
        }
    }

    #[inline]
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        None
    }
}
