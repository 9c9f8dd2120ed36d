//! The fast path's map. A current document whose version key came first
//! goes straight to the struct, which does not know the version key: a
//! second one would reach it as an unknown key and be ignored, while every
//! other route refuses it as [`Error::RepeatedKey`]. This map hands the
//! struct the input's entries as they are and only watches each key go by,
//! a comparison with the version key and (by length first) with the names
//! of renamed fields, so the fast path keeps its cost.
//!
//! The second name of a renamed field is held back (`renamed.rs`): the
//! struct is handed the version key in its place, which it ignores as it
//! would a second version key, and the map's end refuses the document.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

use super::renamed::{name_bit, Handed};
use crate::error::Error;
use crate::schema::Schema;

/// The rest of a current document's map, after its version key.
pub(super) struct CurrentMap<'f, A> {
    inner: A,
    watch: Watch<'f>,
}

/// What every key is compared with, and where a repeat is noted for the
/// reader to type its error.
#[derive(Clone, Copy)]
struct Watch<'f> {
    /// A bit of the length and first byte of the version key and of each
    /// name of a renamed field (`renamed::name_bit`): a key without one
    /// is handed on with no comparison, as most keys are.
    filter: u64,
    /// The version key, held apart from the schema for the comparison.
    key: &'static str,
    schema: &'static Schema,
    repeated: &'f Cell<bool>,
    /// The names of renamed fields handed on: a second name of one field
    /// is held back (`renamed.rs`).
    handed: &'f Handed,
}

impl Watch<'_> {
    /// Whether the struct may be handed `key`; the version key again is
    /// refused.
    #[inline]
    fn check<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        if self.filter & name_bit(key) == 0 {
            return Ok(true);
        }
        self.check_named(key)
    }

    #[inline(never)]
    fn check_named<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        if key == self.key {
            return Err(self.refuse());
        }
        Ok(self.handed.hand(self.schema, key))
    }

    #[cold]
    #[inline(never)]
    fn refuse<E: serde::de::Error>(self) -> E {
        self.repeated.set(true);
        E::custom(self.schema.repeated_key())
    }
}

impl<'f, A> CurrentMap<'f, A> {
    /// `repeated` is set when the version key comes again; `handed` notes
    /// the names of renamed fields.
    pub(super) fn new(
        inner: A,
        schema: &'static Schema,
        repeated: &'f Cell<bool>,
        handed: &'f Handed,
    ) -> Self {
        CurrentMap {
            inner,
            watch: Watch {
                filter: schema.renamed.bits() | name_bit(schema.key()),
                key: schema.key(),
                schema,
                repeated,
                handed,
            },
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CurrentMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.inner.next_key_seed(Watched {
            inner: seed,
            watch: self.watch,
        })?;
        if key.is_none() {
            self.watch.handed.refuse()?;
        }
        Ok(key)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A seed, deserializer or visitor of a key, with the watch around it: the
/// struct's own key visitor sees the key exactly as the format gave it.
struct Watched<'f, T> {
    inner: T,
    watch: Watch<'f>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Watched<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Watched {
            inner: deserializer,
            watch: self.watch,
        })
    }
}

/// Each `deserialize_*` of the format's key deserializer, its visitor watched.
macro_rules! watched_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* Watched { inner: visitor, watch: self.watch })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Watched<'_, D> {
    type Error = D::Error;

    // The crate's one list of `Deserializer`'s methods (`forward.rs`),
    // and the one it leaves to each forwarder.
    crate::forward::with_deserialize_methods!(watched_deserialize);
    watched_deserialize! {
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Each `visit_*` of a key that is not a string, handed on unwatched.
macro_rules! forward_visit {
    ($($method:ident($($arg:ident: $ty:ty)?);)*) => {
        $(
            fn $method<E: serde::de::Error>(self, $($arg: $ty)?) -> Result<V::Value, E> {
                self.inner.$method($($arg)?)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Watched<'_, V> {
    /// The struct's key in place of a name held back: the version key,
    /// which it ignores.
    #[cold]
    #[inline(never)]
    fn held_back<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_str(self.watch.key)
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Watched<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<V::Value, E> {
        if !self.watch.check(key)? {
            return self.held_back();
        }
        self.inner.visit_str(key)
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<V::Value, E> {
        if !self.watch.check(key)? {
            return self.held_back();
        }
        self.inner.visit_borrowed_str(key)
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<V::Value, E> {
        if !self.watch.check(&key)? {
            return self.held_back();
        }
        self.inner.visit_string(key)
    }

    forward_visit! {
        visit_bool(v: bool);
        visit_i8(v: i8);
        visit_i16(v: i16);
        visit_i32(v: i32);
        visit_i64(v: i64);
        visit_i128(v: i128);
        visit_u8(v: u8);
        visit_u16(v: u16);
        visit_u32(v: u32);
        visit_u64(v: u64);
        visit_u128(v: u128);
        visit_f32(v: f32);
        visit_f64(v: f64);
        visit_char(v: char);
        visit_bytes(v: &[u8]);
        visit_borrowed_bytes(v: &'de [u8]);
        visit_byte_buf(v: Vec<u8>);
        visit_none();
        visit_unit();
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(deserializer)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<V::Value, S::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<V::Value, M::Error> {
        self.inner.visit_map(map)
    }

    fn visit_enum<En: EnumAccess<'de>>(self, data: En) -> Result<V::Value, En::Error> {
        self.inner.visit_enum(data)
    }
}

impl Schema {
    /// The error of a document whose version key comes twice.
    pub(crate) fn repeated_key(&self) -> Error {
        Error::RepeatedKey {
            type_name: self.type_name(),
            key: self.key().to_owned(),
        }
    }
}
