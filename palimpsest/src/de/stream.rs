//! Reading an old or reordered document without buffering all of it: the
//! keys no migration touches go straight to the struct, the few it may
//! touch are captured and migrated once the map ends (see `StreamPlan`).

use std::borrow::Cow;
use std::mem;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{DeserializeSeed, Error as _, MapAccess};
use serde_json::{map, Value};

use super::seed::{KeySeed, StampSeed};
use super::Context;
use crate::object::Object;
use crate::schema::{Schema, StreamPlan};

/// A map that hands the struct the streamed keys of the input, then the
/// migrated captured ones.
pub(super) struct Streaming<'de, 'c, A> {
    inner: A,
    /// Where the version the document had, the report and a typed error go.
    cx: &'c mut Context,
    schema: &'static Schema,
    plan: &'static StreamPlan,
    /// A key already read from `inner` whose value is still there.
    pending: Option<Cow<'de, str>>,
    captured: Object,
    /// The version key was read and names the current version: nothing
    /// will be migrated, so the keys still to come pass straight through.
    current: bool,
    /// After the input ends: the migrated captured entries still to hand on.
    tail: Option<map::IntoIter>,
    /// The value of the tail entry whose key was just handed on.
    tail_value: Option<Value>,
    /// The key just handed on, kept so an error in its value can name it:
    /// serde's own errors say what was wrong, not where.
    last_key: Cow<'de, str>,
}

impl<'de, 'c, A: MapAccess<'de>> Streaming<'de, 'c, A> {
    /// `captured` holds what the caller already took from the input (the
    /// version entry when it came first); `pending` a key it read but did
    /// not capture.
    pub(super) fn new(
        inner: A,
        schema: &'static Schema,
        plan: &'static StreamPlan,
        captured: Object,
        pending: Option<Cow<'de, str>>,
        cx: &'c mut Context,
    ) -> Self {
        Streaming {
            inner,
            cx,
            schema,
            plan,
            pending,
            captured,
            current: false,
            tail: None,
            tail_value: None,
            last_key: Cow::Borrowed(""),
        }
    }

    /// An error in the value of the last key, with the type and the key,
    /// for a reader through serde's entry points: nothing else says where.
    fn at_last_key(&self, error: impl std::fmt::Display) -> A::Error {
        A::Error::custom(format_args!(
            "`{}`: at `{}`: {error}",
            self.schema.type_name(),
            self.last_key
        ))
    }

    fn capture(&mut self, key: String, value: Value) -> Result<(), A::Error> {
        self.cx
            .capture_for(self.schema, &mut self.captured, key, value)
    }

    fn captures(&self, key: &str) -> bool {
        !self.current && self.plan.captures(key, self.schema.claims.as_ref())
    }

    /// The input has ended: the version is known, migrate what was captured.
    /// The engine sees every key a step could read or change, so its result
    /// (or its error) is the one it would give on the whole document.
    fn finish(&mut self) -> Result<map::IntoIter, A::Error> {
        let mut captured = mem::take(&mut self.captured);
        if self.current {
            self.cx.found = super::Found::Current;
        } else {
            self.cx.migrate(self.schema, &mut captured)?;
        }
        captured.remove(self.schema.key());
        Ok(captured.into_iter())
    }

    fn next_tail<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some((key, value)) = self.tail.as_mut().and_then(Iterator::next) else {
            return Ok(None);
        };
        self.tail_value = Some(value);
        self.last_key = Cow::Owned(key);
        seed.deserialize(StrDeserializer::<A::Error>::new(&self.last_key))
            .map(Some)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Streaming<'de, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if self.tail.is_some() {
            return self.next_tail(seed);
        }
        loop {
            let key = match self.pending.take() {
                Some(key) => key,
                None => match self.inner.next_key_seed(KeySeed)? {
                    Some(key) => key,
                    None => {
                        self.tail = Some(self.finish()?);
                        return self.next_tail(seed);
                    }
                },
            };
            if key == self.schema.key() {
                let stamp = self.inner.next_value_seed(StampSeed(self.schema))?;
                self.current = stamp.is_current(self.schema);
                let value = stamp.into_value(self.schema);
                self.capture(key.into_owned(), value)?;
                continue;
            }
            if self.captures(&key) {
                let value: Value = self.inner.next_value()?;
                self.capture(key.into_owned(), value)?;
                continue;
            }
            self.last_key = key;
            return match &self.last_key {
                Cow::Borrowed(key) => {
                    seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(key))
                }
                Cow::Owned(key) => seed.deserialize(StrDeserializer::<A::Error>::new(key)),
            }
            .map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.tail_value.take() {
            Some(value) if self.cx.typed => {
                let mut track = crate::track::Track::new();
                let tracked = crate::track::Deserializer::new(value, &mut track);
                seed.deserialize(tracked).map_err(|e| {
                    self.cx.tail_path = Some(join(&self.last_key, &track.path().to_string()));
                    A::Error::custom(e)
                })
            }
            Some(value) => seed.deserialize(value).map_err(|e| self.at_last_key(e)),
            None if self.cx.typed => self.inner.next_value_seed(seed),
            None => self
                .inner
                .next_value_seed(seed)
                .map_err(|e| self.at_last_key(e)),
        }
    }
}

/// The path of a value under a top-level key: the key, then the path within.
fn join(key: &str, within: &str) -> String {
    match within {
        "" | "." => key.to_owned(),
        _ if within.starts_with('[') => format!("{key}{within}"),
        _ => format!("{key}.{within}"),
    }
}
