//! The keys of an embedded object with nothing to change but the keys no
//! field claims to keep ([`KeyTable::keeps_only`]): most objects of an old
//! document whose root keeps values (a struct variant's payload, a struct
//! that never changed).
//!
//! [`EmbeddedMap`](super::EmbeddedMap) reads every key itself and hands
//! it on; here the struct reads its keys from the input as plain serde
//! does, each looked up in the table as it goes by (`Watched`), and its
//! values straight from the input, by the same code that reads them from
//! a current document. A key no field claims is handed on all the same:
//! the struct ignores it, and the value it would skip is captured instead
//! and kept at the end of the object, as the walk keeps it. A struct that
//! refuses unknown keys is never read this way: it would refuse the key.
//!
//! [`KeyTable::keeps_only`]: crate::embedded::KeyTable

use std::cell::Cell;
use std::rc::Rc;

use serde::de::value::UnitDeserializer;
use serde::de::{DeserializeSeed, MapAccess};

use super::{fail, repeated_here, ScopeSite, Scoped};
use crate::de::capture::{self, DistinctValue};
use crate::de::current::{KeyHook, Watched, HELD_BACK};
use crate::embedded::{EmbeddedHistory, Handling, KeyTable, Mark, Migration, Site};
use crate::object::Object;

/// Where the object read stands, for the values it keeps.
pub(super) enum Place<'s> {
    /// Where the cursor stands: an embedded struct's object, which its
    /// reader stepped into.
    Here(&'s ScopeSite),
    /// A struct variant's payload, which the cursor steps into only when
    /// a value is kept (`Some` once it has): most payloads keep none.
    Payload(PayloadSite<'s>, &'s str, Option<Mark>),
}

/// The site of a struct variant's payload, and its table in the document.
#[derive(Clone, Copy)]
pub(super) struct PayloadSite<'s> {
    pub(super) child: &'static Site,
    pub(super) table: &'static KeyTable,
    pub(super) migration: &'s Rc<Migration>,
}

impl PayloadSite<'_> {
    /// The payload's site, put in scope, the cursor stepped into it.
    pub(super) fn scope(self, name: &str) -> ScopeSite {
        ScopeSite::new(self.child, name, self.table, self.migration)
    }

    /// A newtype variant's payload site, if any, in scope while the value
    /// is read.
    pub(super) fn enter(payload: Option<Self>, name: &str) -> Option<Scoped> {
        payload.map(|payload| Scoped::enter(payload.scope(name)))
    }
}

impl Place<'_> {
    fn history(&self) -> &'static EmbeddedHistory {
        match self {
            Place::Here(site) => site.history,
            Place::Payload(payload, ..) => payload.child.history(),
        }
    }

    fn table(&self) -> &'static KeyTable {
        match self {
            Place::Here(site) => site.table,
            Place::Payload(payload, ..) => payload.table,
        }
    }

    fn migration(&self) -> &Migration {
        match self {
            Place::Here(site) => &site.migration,
            Place::Payload(payload, ..) => payload.migration,
        }
    }

    /// Steps the cursor into a payload, once.
    fn enter(&mut self) {
        if let Place::Payload(payload, name, entered @ None) = self {
            let mut here = payload.migration.here.borrow_mut();
            *entered = Some(here.mark());
            here.enter(payload.child, name);
        }
    }

    /// The error of a key repeated at `below` in the object, which a tree
    /// would keep the last value of.
    #[cold]
    fn repeated<E: serde::de::Error>(&mut self, below: &str) -> E {
        self.enter();
        repeated_here(self.migration(), below)
    }
}

impl Drop for Place<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Place::Payload(payload, _, Some(back)) = self {
            if let Ok(mut here) = payload.migration.here.try_borrow_mut() {
                here.back_to(*back);
            }
        }
    }
}

/// A struct's map, the values of the keys no field claims kept.
pub(super) struct KeepingMap<'s, A> {
    inner: A,
    place: Place<'s>,
    /// The key just read, when no field claims it: its value is captured.
    unclaimed: Cell<Option<String>>,
    /// The values of the keys no field claims, made on the first.
    captured: Option<Object>,
}

impl<'de, 's, A: MapAccess<'de>> KeepingMap<'s, A> {
    #[inline]
    pub(super) fn new(inner: A, place: Place<'s>) -> Self {
        KeepingMap {
            inner,
            place,
            unclaimed: Cell::new(None),
            captured: None,
        }
    }

    /// The value of a key no field claims, captured; the struct, which
    /// ignores it, is handed a unit in its place. A key met twice is
    /// refused, a tree keeping only its last value.
    #[cold]
    #[inline(never)]
    fn capture<V: DeserializeSeed<'de>>(
        &mut self,
        key: String,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        let mut repeat = None;
        let value = self.inner.next_value_seed(DistinctValue {
            repeat: &mut repeat,
        })?;
        if let Some(below) = repeat {
            return Err(self.place.repeated(&capture::joined_below(&key, &below)));
        }
        let captured = self.captured.get_or_insert_with(Object::new);
        if captured.contains_key(&key) {
            return Err(self.place.repeated(&key));
        }
        captured.insert(key, value);
        seed.deserialize(UnitDeserializer::new())
    }

    /// The end of an object that had keys no field claims: the walk keeps
    /// them, under the object's exact path, as it keeps them in a tree.
    #[cold]
    #[inline(never)]
    fn keep(&mut self, mut captured: Object) -> Result<(), A::Error> {
        self.place.enter();
        let (history, migration) = (self.place.history(), self.place.migration());
        let mut here = migration.here.borrow_mut();
        let migrated = migration.migrate(&mut captured, history, &mut here);
        drop(here);
        migrated.map_err(|error| fail(migration, error))?;
        // Only keys no field claims are captured (a keep-only table plans
        // every other as handed on), and the walk keeps every such key:
        // none is left. Were one left, the struct would never see it, and
        // the document is refused with it rather than read without it.
        match captured.keys().next() {
            None => Ok(()),
            Some(key) => Err(repeated_here(migration, key)),
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for KeepingMap<'_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.inner.next_key_seed(Watched {
            inner: seed,
            hook: Unclaimed {
                table: self.place.table(),
                noted: &self.unclaimed,
            },
        })?;
        if key.is_none() {
            if let Some(captured) = self.captured.take() {
                self.keep(captured)?;
            }
        }
        Ok(key)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if let Some(key) = self.unclaimed.take() {
            return self.capture(key, seed);
        }
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// Notes a key no field claims as it goes by, to capture its value. A key
/// that is not a string is refused, as the other readers of an old object
/// refuse it: no field claims it by name.
#[derive(Clone, Copy)]
struct Unclaimed<'n> {
    table: &'static KeyTable,
    noted: &'n Cell<Option<String>>,
}

impl KeyHook for Unclaimed<'_> {
    const REFUSES_OTHER_KEYS: bool = true;

    #[inline]
    fn check<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        if matches!(self.table.plan(key).handling, Handling::Capture) {
            self.noted.set(Some(key.to_owned()));
        }
        Ok(true)
    }

    // Every key is handed on.
    fn substitute(self) -> &'static str {
        HELD_BACK
    }
}
