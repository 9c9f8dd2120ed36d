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

use std::cell::Cell;
use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, Error as _, MapAccess, VariantAccess, Visitor,
};
use serde::Deserialize;
use serde_json::Value;

use super::capture::DistinctValue;
use super::current::{CurrentMap, KeyHook, Watch, Watched, HELD_BACK};
use super::renamed::Handed;
use crate::embedded::{Embedded, EmbeddedHistory, Tagging};
use crate::forward::{forward_deserialize_methods, forward_visit};

/// An object of an embedded type at its current shape: straight into the
/// struct, its map watched when the type has renamed fields.
#[inline]
pub(super) fn read_current<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    let history = T::history();
    if history.is_enum() {
        if !history.payloads_renamed() || traced() {
            return T::deserialize_current(deserializer);
        }
        return read_enum(deserializer, history);
    }
    if !history.has_renamed_fields() || traced() {
        return T::deserialize_current(deserializer);
    }
    read_watched(deserializer, history)
}

/// Reads an enum a variant of which has renamed fields, as current. An
/// externally tagged one names its variant before the payload: the struct
/// variant's map is watched as a struct's is. An internally or adjacently
/// tagged one may name it after: the value is read whole (serde buffers
/// it anyway, and such enums are read only from self-describing formats),
/// its payload checked, then read. An untagged one names none: serde
/// refuses both names as no variant matching.
#[cold]
fn read_enum<'de, T, D>(deserializer: D, history: &'static EmbeddedHistory) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    match history.tagging() {
        Some(Tagging::External) => T::deserialize_current(WatchedEnum {
            inner: deserializer,
            history,
        }),
        Some(tagging @ (Tagging::Internal { .. } | Tagging::Adjacent { .. })) => {
            let mut repeat = None;
            let value = DistinctValue {
                repeat: &mut repeat,
            }
            .deserialize(deserializer)?;
            if let Some(below) = repeat {
                return Err(D::Error::custom(format_args!("duplicate field `{below}`")));
            }
            if let Some(refusal) = refusal_in_payload(history, tagging, &value) {
                return Err(D::Error::custom(refusal));
            }
            T::deserialize_current(value).map_err(D::Error::custom)
        }
        Some(Tagging::Untagged) | None => T::deserialize_current(deserializer),
    }
}

/// The refusal of a tagged value whose struct variant's payload holds two
/// names of one renamed field.
fn refusal_in_payload(
    history: &'static EmbeddedHistory,
    tagging: Tagging,
    value: &Value,
) -> Option<String> {
    let (tag, content) = match tagging {
        Tagging::Internal { tag } => (tag, None),
        Tagging::Adjacent { tag, content } => (tag, Some(content)),
        Tagging::External | Tagging::Untagged => return None,
    };
    let payload = history.renamed_payload(value.get(tag)?.as_str()?)?;
    let object = match content {
        None => value.as_object()?,
        Some(content) => value.get(content)?.as_object()?,
    };
    let handed = Handed::default();
    for key in object.keys() {
        handed.hand(payload.renamed(), key);
    }
    let prefix = content
        .map(|content| format!("{content}."))
        .unwrap_or_default();
    Some(payload.refusal(handed.take()?, (&prefix, false)))
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
            Some(held) => E::custom(history.refusal(held, ("", true))),
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

impl<'f, D> WatchedStruct<'f, D> {
    /// The format's deserializer called with the struct's visitor, whose
    /// map is watched: the struct asks for a map, or for anything when
    /// flattened; whatever else it asks for, its visitor is handed no map.
    #[inline]
    fn forward<'de, V, R>(
        self,
        visitor: V,
        call: impl FnOnce(D, WatchedMap<'f, V>) -> Result<R, D::Error>,
    ) -> Result<R, D::Error>
    where
        D: Deserializer<'de>,
    {
        let watch = self.watch;
        call(
            self.inner,
            WatchedMap {
                inner: visitor,
                watch,
            },
        )
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for WatchedStruct<'_, D> {
    type Error = D::Error;

    forward_deserialize_methods!();

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
    crate::forward::with_text_visits!(forward_visit);
    crate::forward::forward_nested_visits!(visit_some, visit_newtype_struct, visit_seq, visit_enum);
}

/// An externally tagged enum's deserializer: the struct variant it names
/// has its map watched, by that variant's fields.
struct WatchedEnum<D> {
    inner: D,
    history: &'static EmbeddedHistory,
}

impl<D> WatchedEnum<D> {
    /// The format's deserializer called with the enum's visitor, whose
    /// variant is watched: the enum asks for an enum; whatever else, its
    /// visitor is handed no enum.
    #[inline]
    fn forward<'de, V, R>(
        self,
        visitor: V,
        call: impl FnOnce(D, EnumVisitor<V>) -> Result<R, D::Error>,
    ) -> Result<R, D::Error>
    where
        D: Deserializer<'de>,
    {
        let history = self.history;
        call(
            self.inner,
            EnumVisitor {
                inner: visitor,
                history,
            },
        )
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for WatchedEnum<D> {
    type Error = D::Error;

    forward_deserialize_methods!();

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The enum's visitor, handed its variant watched.
struct EnumVisitor<V> {
    inner: V,
    history: &'static EmbeddedHistory,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for EnumVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(WatchedVariant {
            inner: data,
            history: self.history,
            payload: None,
        })
    }

    crate::forward::with_leaf_visits!(forward_visit);
    crate::forward::with_text_visits!(forward_visit);
    crate::forward::forward_nested_visits!(visit_some, visit_newtype_struct, visit_seq, visit_map);
}

/// The enum's access, then its variant's: the variant's name is noted as
/// it is read, and a struct variant with renamed fields has its map
/// watched.
struct WatchedVariant<A> {
    inner: A,
    history: &'static EmbeddedHistory,
    /// The fields' history of the variant named, if it has renamed fields.
    payload: Option<&'static EmbeddedHistory>,
}

/// Notes the variant a name is of, handing the name on as it is.
#[derive(Clone, Copy)]
struct VariantNamed<'c> {
    history: &'static EmbeddedHistory,
    payload: &'c Cell<Option<&'static EmbeddedHistory>>,
}

impl KeyHook for VariantNamed<'_> {
    fn check<E: serde::de::Error>(self, name: &str) -> Result<bool, E> {
        self.payload.set(self.history.renamed_payload(name));
        Ok(true)
    }

    fn substitute(self) -> &'static str {
        ""
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for WatchedVariant<A> {
    type Error = A::Error;
    type Variant = WatchedVariant<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let payload = Cell::new(None);
        let hook = VariantNamed {
            history: self.history,
            payload: &payload,
        };
        let (value, variant) = self.inner.variant_seed(Watched { inner: seed, hook })?;
        Ok((
            value,
            WatchedVariant {
                inner: variant,
                history: self.history,
                payload: payload.get(),
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for WatchedVariant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.newtype_variant_seed(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let Some(payload) = self.payload else {
            return self.inner.struct_variant(fields, visitor);
        };
        watching(payload, |watch| {
            self.inner.struct_variant(
                fields,
                WatchedMap {
                    inner: visitor,
                    watch,
                },
            )
        })
    }
}
