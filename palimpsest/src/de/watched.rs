//! Embedded types read as current, watched for what a migration refuses:
//! two names of one renamed field in one object. serde's struct reads an
//! old name as an alias of the current one, so it meets both as one field
//! twice ("duplicate field"), which names neither key; every older
//! version's migration refuses them as [`Error::Conflict`] with their
//! paths. A struct's map is watched as the root's is (`current.rs`); an
//! enum's struct variants, by the payload each variant names.
//!
//! The reader knows neither the root nor its path: it refuses in words
//! the root's reader types (`renamed.rs`).
//!
//! [`Error::Conflict`]: crate::Error::Conflict

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::current::{CurrentMap, Watch, HELD_BACK};
use super::renamed::Handed;
use crate::embedded::{Embedded, EmbeddedHistory};
use crate::forward::forward_visit;

/// An object of an embedded type at its current shape: straight into the
/// struct, its map watched when the type has renamed fields.
#[inline]
pub(super) fn read_current<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    let history = T::history();
    if history.renamed().bits() == 0 || traced() {
        return T::deserialize_current(deserializer);
    }
    read_watched(deserializer, history)
}

/// Whether a schema contract's tracer reads the value: it hands a struct
/// all the names it reads, old ones included, and learns the shape from
/// serde's own refusals.
#[cfg(feature = "contracts")]
fn traced() -> bool {
    crate::contract::tracing()
}

#[cfg(not(feature = "contracts"))]
fn traced() -> bool {
    false
}

/// Reads an embedded type with renamed fields as current, its map watched:
/// two names of one field are refused as a migration refuses them, not
/// met by the struct as one field twice.
fn read_watched<'de, T, D>(
    deserializer: D,
    history: &'static EmbeddedHistory,
) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    watching(history, |watch| {
        T::deserialize_current(WatchedStruct {
            inner: deserializer,
            watch,
        })
    })
}

/// Runs `read` with the watch of `history`'s map: the struct refusing the
/// key handed in place of a name held back (`deny_unknown_fields`) is
/// refused for the name instead.
fn watching<R, E: serde::de::Error>(
    history: &'static EmbeddedHistory,
    read: impl FnOnce(Watch<'_>) -> Result<R, E>,
) -> Result<R, E> {
    let handed = Handed::default();
    read(Watch::embedded(history, &handed)).map_err(|error| {
        match handed.take_held_back_for(&error, HELD_BACK) {
            Some(held) => E::custom(history.refusal(held, true)),
            None => error,
        }
    })
}

/// The deserializer an embedded type's struct reads itself from: a map it
/// is handed is watched; anything else is the format's, untouched.
struct WatchedStruct<'f, D> {
    inner: D,
    watch: Watch<'f>,
}

/// Each `deserialize_*`, its visitor's map watched: the struct asks for
/// a map, or for anything when flattened; whatever else it asks for, its
/// visitor is handed no map.
macro_rules! watched_map {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* WatchedMap { inner: visitor, watch: self.watch })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for WatchedStruct<'_, D> {
    type Error = D::Error;

    crate::forward::with_deserialize_methods!(watched_map);
    watched_map! {
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The struct's visitor, handed its map watched.
struct WatchedMap<'f, V> {
    inner: V,
    watch: Watch<'f>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for WatchedMap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<V::Value, M::Error> {
        self.inner.visit_map(CurrentMap::embedded(map, self.watch))
    }

    crate::forward::with_leaf_visits!(forward_visit);
    forward_visit! {
        visit_str(v: &str);
        visit_borrowed_str(v: &'de str);
        visit_string(v: String);
    }
    crate::forward::forward_nested_visits!(visit_some, visit_newtype_struct, visit_seq, visit_enum);
}
