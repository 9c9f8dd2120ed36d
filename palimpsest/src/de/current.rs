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
//!
//! An embedded type with renamed fields, read as current, has its map
//! watched the same way (`watched.rs`): it has no version key, and is
//! handed [`HELD_BACK`] in place of a name held back.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::renamed::{name_bit, Handed, RenamedFields};
use crate::embedded::EmbeddedHistory;
use crate::error::Error;
use crate::forward::forward_deserialize_methods;
use crate::schema::Schema;

/// The key an embedded type's struct is handed in place of a name held
/// back: no struct has a field of that name, so it ignores it as unknown
/// (or refuses it, with `deny_unknown_fields`, which the reader then
/// reports as the name held back).
pub(super) const HELD_BACK: &str = "\0palimpsest: a name held back";

/// The rest of a current document's map, after its version key; or the
/// map of an embedded type read as current.
pub(super) struct CurrentMap<'f, A> {
    inner: A,
    watch: Watch<'f>,
}

/// What every key is compared with, and where a repeat is noted for the
/// reader to type its error.
#[derive(Clone, Copy)]
pub(super) struct Watch<'f> {
    /// A bit of the length and first byte of the version key and of each
    /// name of a renamed field (`renamed::name_bit`): a key without one
    /// is handed on with no comparison, as most keys are.
    filter: u64,
    owner: Owner<'f>,
    /// The names of renamed fields handed on: a second name of one field
    /// is held back (`renamed.rs`).
    handed: &'f Handed,
}

/// Whose map is watched.
#[derive(Clone, Copy)]
enum Owner<'f> {
    /// A root's, after its version key: `repeated` is set when the key
    /// comes again.
    Root {
        schema: &'static Schema,
        repeated: &'f Cell<bool>,
    },
    /// An embedded type's, read as current.
    Embedded(&'static EmbeddedHistory),
}

impl Owner<'_> {
    fn renamed(self) -> &'static RenamedFields {
        match self {
            Owner::Root { schema, .. } => &schema.renamed,
            Owner::Embedded(history) => history.renamed(),
        }
    }

    /// The key the struct is handed in place of a name held back, which
    /// it does not read.
    fn substitute(self) -> &'static str {
        match self {
            Owner::Root { schema, .. } => schema.key(),
            Owner::Embedded(_) => HELD_BACK,
        }
    }
}

impl KeyHook for Watch<'_> {
    /// Whether the struct may be handed `key`; the version key again is
    /// refused.
    #[inline]
    fn check<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        if self.filter & name_bit(key) == 0 {
            return Ok(true);
        }
        self.check_named(key)
    }

    fn substitute(self) -> &'static str {
        self.owner.substitute()
    }
}

impl<'f> Watch<'f> {
    /// The watch of an embedded type's map, read as current.
    pub(super) fn embedded(history: &'static EmbeddedHistory, handed: &'f Handed) -> Self {
        Watch {
            filter: history.renamed().bits(),
            owner: Owner::Embedded(history),
            handed,
        }
    }

    #[inline(never)]
    fn check_named<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        if let Owner::Root { schema, repeated } = self.owner {
            if key == schema.key() {
                return Err(refuse_repeated(schema, repeated));
            }
        }
        Ok(self.handed.hand(self.owner.renamed(), key))
    }

    /// At the map's end: the refusal of a name held back, if any.
    fn end<E: serde::de::Error>(self) -> Result<(), E> {
        match self.owner {
            Owner::Root { schema, .. } => self.handed.refuse(schema),
            Owner::Embedded(history) => match self.handed.take() {
                None => Ok(()),
                Some(held) => Err(E::custom(history.refusal(held, ("", false)))),
            },
        }
    }
}

#[cold]
#[inline(never)]
fn refuse_repeated<E: serde::de::Error>(schema: &Schema, repeated: &Cell<bool>) -> E {
    repeated.set(true);
    E::custom(schema.repeated_key())
}

impl<'f, A> CurrentMap<'f, A> {
    /// An embedded type's map, read as current.
    pub(super) fn embedded(inner: A, watch: Watch<'f>) -> Self {
        CurrentMap { inner, watch }
    }

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
                owner: Owner::Root { schema, repeated },
                handed,
            },
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CurrentMap<'_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.inner.next_key_seed(Watched {
            inner: seed,
            hook: self.watch,
        })?;
        if key.is_none() {
            self.watch.end()?;
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

/// What is done with a string as it is read: a key watched, or a
/// variant's name noted.
pub(super) trait KeyHook: Copy {
    /// Whether a key that is not a string is refused: where no field may
    /// claim one, as an old object's readers would have it.
    const REFUSES_OTHER_KEYS: bool = false;

    /// Whether the reader may be handed `key`; if not, it is handed
    /// [`KeyHook::substitute`] in its place.
    fn check<E: serde::de::Error>(self, key: &str) -> Result<bool, E>;

    /// The key handed on in place of one held back, which the reader does
    /// not read.
    fn substitute(self) -> &'static str;
}

/// A seed, deserializer or visitor of a key (or of a variant's name), with
/// the hook around it: the reader's own visitor sees the key exactly as
/// the format gave it.
pub(super) struct Watched<H, T> {
    pub(super) inner: T,
    pub(super) hook: H,
}

impl<'de, H: KeyHook, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Watched<H, S> {
    type Value = S::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Watched {
            inner: deserializer,
            hook: self.hook,
        })
    }
}

impl<H, D> Watched<H, D> {
    /// The format's key deserializer called with its visitor watched.
    #[inline]
    fn forward<'de, V, R>(
        self,
        visitor: V,
        call: impl FnOnce(D, Watched<H, V>) -> Result<R, D::Error>,
    ) -> Result<R, D::Error>
    where
        D: Deserializer<'de>,
    {
        call(
            self.inner,
            Watched {
                inner: visitor,
                hook: self.hook,
            },
        )
    }
}

impl<'de, H: KeyHook, D: Deserializer<'de>> Deserializer<'de> for Watched<H, D> {
    type Error = D::Error;

    forward_deserialize_methods!();

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

impl<'de, H: KeyHook, V: Visitor<'de>> Watched<H, V> {
    /// The reader's key in place of a name held back, which it does not
    /// read.
    #[cold]
    #[inline(never)]
    fn held_back<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_str(self.hook.substitute())
    }
}

/// Writes each `visit_*` of a key that is not a string: refused when the
/// hook refuses such keys, else handed on as it is.
macro_rules! other_key {
    ($($method:ident($($arg:ident: $ty:ty)?);)*) => {
        $(
            #[inline]
            fn $method<E: serde::de::Error>(self, $($arg: $ty)?) -> Result<V::Value, E> {
                if H::REFUSES_OTHER_KEYS {
                    return Err(E::invalid_type(
                        serde::de::Unexpected::Other("a key that is not a string"),
                        &"a string key",
                    ));
                }
                self.inner.$method($($arg)?)
            }
        )*
    };
}

impl<'de, H: KeyHook, V: Visitor<'de>> Visitor<'de> for Watched<H, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    #[inline]
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<V::Value, E> {
        if !self.hook.check(key)? {
            return self.held_back();
        }
        self.inner.visit_str(key)
    }

    #[inline]
    fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<V::Value, E> {
        if !self.hook.check(key)? {
            return self.held_back();
        }
        self.inner.visit_borrowed_str(key)
    }

    #[inline]
    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<V::Value, E> {
        if !self.hook.check(&key)? {
            return self.held_back();
        }
        self.inner.visit_string(key)
    }

    // Each `visit_*` of a key that is not a string, handed on unwatched
    // unless the hook refuses them.
    crate::forward::with_leaf_visits!(other_key);
    crate::forward::forward_nested_visits!(
        visit_some,
        visit_newtype_struct,
        visit_seq,
        visit_map,
        visit_enum
    );
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
