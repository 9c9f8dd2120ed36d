//! The values a streamed read holds back until it knows the document's
//! version, their text borrowed from the input where the format lends it.
//!
//! A document that turns out current hands them to the struct as they are,
//! which costs about what reading them in place would have: no tree of
//! owned keys and strings built only to be taken apart. One that must be
//! migrated turns them into the `serde_json::Value`s the engine works on.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::vec;

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::{forward_to_deserialize_any, Deserialize};
use serde_json::{Map, Value};

use super::seed::KeySeed;

/// A value held back from the input: strings and keys as the format lent
/// them, everything else as the `Value` serde_json would have made.
///
/// Read back, it behaves as that `Value` does, but for its borrowed text
/// and for the keys of its objects, which come in the document's order and
/// all of them: a key repeated in an object reaches a struct twice, and is
/// refused there, as it is when read straight from the input.
#[derive(Debug, PartialEq)]
pub(super) enum Captured<'de> {
    Str(Cow<'de, str>),
    Seq(Vec<Captured<'de>>),
    Map(Vec<(Cow<'de, str>, Captured<'de>)>),
    /// Null, a boolean, a number, or what serde_json alone knows how to
    /// read (a number of arbitrary precision, a raw value).
    Other(Value),
}

impl Captured<'_> {
    /// The value as serde_json's `Value`, a repeated key keeping its last
    /// value, as serde_json's own keeps it: what a map-typed field is read
    /// from.
    pub(super) fn into_value(self) -> Value {
        self.into_tree(&mut None)
    }

    /// The value as the `Value` the migration engine edits, with the path
    /// below it of the first key repeated in one of its objects, which the
    /// tree keeps only the last of: the reader refuses the document for it.
    pub(super) fn into_distinct(self) -> (Value, Option<String>) {
        let mut repeat = None;
        let value = self.into_tree(&mut repeat);
        (value, repeat)
    }

    fn into_tree(self, repeat: &mut Option<String>) -> Value {
        match self {
            Captured::Str(text) => Value::String(text.into_owned()),
            Captured::Seq(items) => {
                let mut array = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    let mut below = None;
                    array.push(item.into_tree(&mut below));
                    note_below(repeat, below, || format!("[{index}]"));
                }
                Value::Array(array)
            }
            Captured::Map(entries) => Value::Object(object_noting(entries, repeat)),
            Captured::Other(value) => value,
        }
    }
}

/// Notes in `repeat`, if it holds nothing yet, the path of a repeat found
/// `below` an entry whose own segment is `segment`.
#[inline]
fn note_below(
    repeat: &mut Option<String>,
    below: Option<String>,
    segment: impl FnOnce() -> String,
) {
    if let (None, Some(below)) = (&repeat, below) {
        *repeat = Some(joined_below(&segment(), &below));
    }
}

/// Inserts an entry, its key noted in `repeat` (if it holds nothing yet)
/// when the object has it already: the last value is kept, as a `Value`
/// keeps it, for the reader to refuse the document with the key.
#[inline]
fn insert_noting(
    object: &mut Map<String, Value>,
    key: String,
    value: Value,
    repeat: &mut Option<String>,
) {
    match object.entry(key) {
        serde_json::map::Entry::Vacant(entry) => {
            entry.insert(value);
        }
        serde_json::map::Entry::Occupied(mut entry) => {
            if repeat.is_none() {
                *repeat = Some(entry.key().clone());
            }
            entry.insert(value);
        }
    }
}

/// `segment` followed by the path `below` it: `a.b`, `a[2]`, `[1].b`.
pub(super) fn joined_below(segment: &str, below: &str) -> String {
    if below.starts_with('[') {
        format!("{segment}{below}")
    } else {
        format!("{segment}.{below}")
    }
}

/// The first key repeated on the metadata path of captured entries: in an
/// object along the path, its next segment; in the metadata object itself,
/// any key. The migration reads and writes there (`migrated_from`, the
/// history, the kept values), and a `Value` keeps only a repeated key's
/// last value: the reader refuses the document before it is one.
///
/// The key comes with the path of its object (`context.metadata`). The
/// top-level keys were checked as they were captured.
pub(super) fn repeated_on_path(
    entries: &[(Cow<'_, str>, Captured<'_>)],
    segments: &[String],
) -> Option<String> {
    let mut entries = entries;
    let mut at = String::new();
    for (depth, segment) in segments.iter().enumerate() {
        let mut found = entries.iter().filter(|(key, _)| key == segment);
        let (_, value) = found.next()?;
        if depth > 0 && found.next().is_some() {
            return Some(format!("{at}.{segment}"));
        }
        if !at.is_empty() {
            at.push('.');
        }
        at.push_str(segment);
        let Captured::Map(inner) = value else {
            return None;
        };
        entries = inner;
    }
    let mut seen = Seen::default();
    let repeated = (0..entries.len()).find(|&index| seen.repeats(entries, index))?;
    Some(format!("{at}.{}", entries[repeated].0))
}

/// Up to this many keys, a repeated one is found by comparing each key
/// with those before it.
const SCAN_LIMIT: usize = 16;

/// The keys of one object met so far, asked of each entry in turn.
#[derive(Default)]
struct Seen<'e> {
    set: Option<HashSet<&'e str>>,
}

impl<'e> Seen<'e> {
    /// Whether the key of `entries[index]` is one of those before it. An
    /// object holds a handful of keys, mostly: compared pairwise, with no
    /// set to allocate and hash into, unless it holds many.
    fn repeats(&mut self, entries: &'e [(Cow<'_, str>, Captured<'_>)], index: usize) -> bool {
        let key = &entries[index].0;
        if entries.len() <= SCAN_LIMIT {
            return entries[..index].iter().any(|(other, _)| other == key);
        }
        let set = (self.set).get_or_insert_with(|| HashSet::with_capacity(entries.len()));
        !set.insert(key.as_ref())
    }
}

/// Captured entries as an object. Inserted one by one: collecting a map
/// first gathers and sorts its entries in a vector of their own, which
/// costs more than the handful a document holds.
///
/// The path of the first key repeated in it, or in any object below it,
/// is noted in `repeat`: a `Value` keeps a repeated key's last value.
pub(super) fn object_noting(
    entries: Vec<(Cow<'_, str>, Captured<'_>)>,
    repeat: &mut Option<String>,
) -> Map<String, Value> {
    let mut object = Map::new();
    for (key, value) in entries {
        let mut below = None;
        let value = value.into_tree(&mut below);
        note_below(repeat, below, || key.clone().into_owned());
        insert_noting(&mut object, key.into_owned(), value, repeat);
    }
    object
}

/// The first key repeated in captured `entries` or below them, with its
/// path, as [`object_noting`] would note it (a value's own repeats before
/// its key's), with no tree made of them: for entries handed on as they
/// are.
pub(super) fn first_repeat(entries: &[(Cow<'_, str>, Captured<'_>)]) -> Option<String> {
    let mut seen = Seen::default();
    for (index, (key, value)) in entries.iter().enumerate() {
        if let Some(below) = repeat_below(value) {
            return Some(joined_below(key, &below));
        }
        if seen.repeats(entries, index) {
            return Some(key.clone().into_owned());
        }
    }
    None
}

fn repeat_below(value: &Captured<'_>) -> Option<String> {
    match value {
        Captured::Map(entries) => first_repeat(entries),
        Captured::Seq(items) => items.iter().enumerate().find_map(|(index, item)| {
            let below = repeat_below(item)?;
            Some(joined_below(&format!("[{index}]"), &below))
        }),
        Captured::Str(_) | Captured::Other(_) => None,
    }
}

/// The entries of the object at `segments` below the captured object
/// `value`, the objects missing on the way made, as the engine makes them;
/// `None`, with nothing made, when a value on the way is not an object.
pub(super) fn map_at<'v, 'de>(
    value: &'v mut Captured<'de>,
    segments: &[String],
) -> Option<&'v mut Vec<(Cow<'de, str>, Captured<'de>)>> {
    if !reaches_object(value, segments) {
        return None;
    }
    let Captured::Map(entries) = value else {
        return None;
    };
    let mut entries = entries;
    for segment in segments {
        let at = match entries.iter().position(|(key, _)| key == segment) {
            Some(at) => at,
            None => {
                entries.push((Cow::Owned(segment.clone()), Captured::Map(Vec::new())));
                entries.len() - 1
            }
        };
        let Captured::Map(inner) = &mut entries[at].1 else {
            return None;
        };
        entries = inner;
    }
    Some(entries)
}

/// Whether every value on the way to `segments` below `value` is an
/// object, as far as they go.
fn reaches_object(value: &Captured<'_>, segments: &[String]) -> bool {
    let Captured::Map(entries) = value else {
        return false;
    };
    let mut entries = entries;
    for segment in segments {
        match entries.iter().find(|(key, _)| key == segment) {
            None => return true,
            Some((_, Captured::Map(inner))) => entries = inner,
            Some(_) => return false,
        }
    }
    true
}

/// The visits of scalars, each made the `Value` serde_json's own visitor
/// makes of it, then `$wrap`ped.
macro_rules! scalars {
    ($output:ty, $wrap:expr) => {
        scalars!(@ $output, $wrap; visit_bool(bool) visit_i64(i64) visit_u64(u64)
            visit_i128(i128) visit_u128(u128) visit_f64(f64));
    };
    (@ $output:ty, $wrap:expr; $($method:ident($ty:ty))*) => {
        $(
            fn $method<E: serde::de::Error>(self, v: $ty) -> Result<$output, E> {
                Value::deserialize(v.into_deserializer()).map($wrap)
            }
        )*
    };
}

/// The visits of strings, units and scalars of a visitor making the
/// `Value` serde_json's own visitor makes.
macro_rules! leaf_values {
    () => {
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }

        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        scalars!(Value, std::convert::identity);
    };
}

/// A value read into the `Value` a migration edits, as serde_json reads
/// it, with the path below it of the first key repeated in one of its
/// objects noted in `repeat` (the tree keeps only the last value): the
/// reader that asked refuses the document for it.
pub(super) struct DistinctValue<'r> {
    pub(super) repeat: &'r mut Option<String>,
}

/// The next value of `map`, read as [`DistinctValue`] reads it.
#[inline]
pub(super) fn next_distinct<'de, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<(Value, Option<String>), A::Error> {
    let mut repeat = None;
    let value = map.next_value_seed(DistinctValue {
        repeat: &mut repeat,
    })?;
    Ok((value, repeat))
}

/// The items of `seq`, each read as [`DistinctValue`] reads it, with the
/// path (`[2].a`) of the first key repeated in one of them.
pub(super) fn distinct_items<'de, A: SeqAccess<'de>>(
    mut seq: A,
) -> Result<(Vec<Value>, Option<String>), A::Error> {
    let mut items = with_capacity(seq.size_hint());
    let mut repeat = None;
    loop {
        let mut below = None;
        let Some(item) = seq.next_element_seed(DistinctValue { repeat: &mut below })? else {
            break;
        };
        let index = items.len();
        items.push(item);
        note_below(&mut repeat, below, || format!("[{index}]"));
    }
    Ok((items, repeat))
}

impl<'de> DeserializeSeed<'de> for DistinctValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DistinctValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        let (first, mut map) = match open(map)? {
            Opening::Empty => return Ok(Value::Object(Map::new())),
            Opening::Private(value) => return Ok(value),
            Opening::Key(first, map) => (first, map),
        };
        let mut object = Map::new();
        let mut key = Some(first);
        while let Some(next) = key.take() {
            let mut below = None;
            let value = map.next_value_seed(DistinctValue { repeat: &mut below })?;
            note_below(self.repeat, below, || next.clone().into_owned());
            insert_noting(&mut object, next.into_owned(), value, self.repeat);
            key = map.next_key_seed(KeySeed)?;
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        let (items, repeat) = distinct_items(seq)?;
        if self.repeat.is_none() {
            *self.repeat = repeat;
        }
        Ok(Value::Array(items))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    leaf_values!();
}

/// The value of a key captured when the document is known to be older
/// (its version came first): read straight into the `Value` the engine
/// edits, with no [`Captured`] made only to be turned into one.
///
/// A `Value` keeps only a repeated key's last value: the first repeat is
/// noted in `repeated`, the one nearest the top winning. On the metadata
/// path, `segments` (the first, the top-level key, is the caller's), that
/// is the one [`repeated_on_path`] finds.
pub(super) struct ValueSeed<'p> {
    pub(super) segments: &'p [String],
    pub(super) depth: usize,
    pub(super) repeated: &'p mut Option<(usize, String)>,
    /// The first key repeated anywhere else in the value: off the path,
    /// or below the metadata object's own keys. Named only when none is
    /// on the path, as the held-back route names it (`stream.rs`).
    pub(super) elsewhere: &'p mut Option<String>,
}

impl ValueSeed<'_> {
    fn note(&mut self, key: &str) {
        if self
            .repeated
            .as_ref()
            .is_some_and(|(depth, _)| *depth <= self.depth)
        {
            return;
        }
        *self.repeated = Some((self.depth, self.at(key)));
    }

    /// The path of `key`, or of a path below it, in the object read here.
    fn at(&self, key: &str) -> String {
        let mut at = self.segments[..self.depth].join(".");
        at.push('.');
        at.push_str(key);
        at
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<Value, A::Error> {
        let (first, mut map) = match open(map)? {
            Opening::Empty => return Ok(Value::Object(Map::new())),
            Opening::Private(value) => return Ok(value),
            Opening::Key(first, map) => (first, map),
        };
        // In the metadata object, no key is on the path any further.
        let inside = self.depth == self.segments.len();
        let mut object = Map::new();
        let mut key = Some(first);
        while let Some(next) = key.take() {
            let on_path = !inside && next == self.segments[self.depth];
            let value = if on_path {
                map.next_value_seed(ValueSeed {
                    segments: self.segments,
                    depth: self.depth + 1,
                    repeated: self.repeated,
                    elsewhere: self.elsewhere,
                })?
            } else {
                let mut below = None;
                let value = map.next_value_seed(DistinctValue { repeat: &mut below })?;
                if let (None, Some(below)) = (&self.elsewhere, below) {
                    *self.elsewhere = Some(self.at(&joined_below(&next, &below)));
                }
                value
            };
            let mut repeated = None;
            insert_noting(&mut object, next.into_owned(), value, &mut repeated);
            if let Some(key) = repeated {
                if inside || on_path {
                    self.note(&key);
                } else if self.elsewhere.is_none() {
                    *self.elsewhere = Some(self.at(&key));
                }
            }
            key = map.next_key_seed(KeySeed)?;
        }
        Ok(Value::Object(object))
    }

    // Anything but an object is read as serde_json reads it, a key
    // repeated in it noted as elsewhere.

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        let (items, repeat) = distinct_items(seq)?;
        if let (None, Some(below)) = (&self.elsewhere, repeat) {
            *self.elsewhere = Some(format!("{}{below}", self.segments[..self.depth].join(".")));
        }
        Ok(Value::Array(items))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    leaf_values!();
}

impl<'de> Deserialize<'de> for Captured<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CaptureVisitor)
    }
}

struct CaptureVisitor;

/// Where serde_json's private map keys start: it hands a number of
/// arbitrary precision, and a raw value, as a map with one such key.
const SERDE_JSON_PRIVATE: &str = "$serde_json::private::";

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = Captured<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde_json's own words: a value that fits no `Value` is refused
        // with the message it would have had.
        f.write_str("any valid JSON value")
    }

    scalars!(Captured<'de>, Captured::Other);

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Captured::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Captured::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Captured::Str(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Captured::Other(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Captured::Other(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Captured::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = with_capacity(seq.size_hint());
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Captured::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let (first, mut map) = match open(map)? {
            Opening::Empty => return Ok(Captured::Map(Vec::new())),
            Opening::Private(value) => return Ok(Captured::Other(value)),
            Opening::Key(first, map) => (first, map),
        };
        let mut entries = with_capacity(map.size_hint());
        entries.push((first, map.next_value()?));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            entries.push((key, map.next_value()?));
        }
        Ok(Captured::Map(entries))
    }
}

/// A map whose first key is read.
enum Opening<'de, A> {
    Empty,
    /// serde_json's private map (a number of arbitrary precision, a raw
    /// value), read whole as the `Value` serde_json makes of it.
    Private(Value),
    Key(Cow<'de, str>, A),
}

fn open<'de, A: MapAccess<'de>>(mut map: A) -> Result<Opening<'de, A>, A::Error> {
    let Some(first) = map.next_key_seed(KeySeed)? else {
        return Ok(Opening::Empty);
    };
    if first.starts_with(SERDE_JSON_PRIVATE) {
        let resumed = Resumed {
            first: Some(first),
            map,
        };
        return Value::deserialize(MapAccessDeserializer::new(resumed)).map(Opening::Private);
    }
    Ok(Opening::Key(first, map))
}

/// A vector for as many items as a format announces, within reason; one
/// that announces nothing grows from four, the first push's own size.
fn with_capacity<T>(hint: Option<usize>) -> Vec<T> {
    hint.map_or_else(Vec::new, |n| Vec::with_capacity(n.min(1024)))
}

/// A map whose first key was already read, for serde_json's `Value` to
/// read whole.
struct Resumed<'de, A> {
    first: Option<Cow<'de, str>>,
    map: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Resumed<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(key) => seed.deserialize(key.into_deserializer()).map(Some),
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

impl<'de> Deserializer<'de> for Captured<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self {
            Captured::Str(Cow::Borrowed(text)) => visitor.visit_borrowed_str(text),
            Captured::Str(Cow::Owned(text)) => visitor.visit_string(text),
            Captured::Seq(items) => {
                let len = items.len();
                let mut access = Items(items.into_iter());
                let value = visitor.visit_seq(&mut access)?;
                if access.0.len() > 0 {
                    return Err(serde_json::Error::invalid_length(
                        len,
                        &"fewer elements in array",
                    ));
                }
                Ok(value)
            }
            Captured::Map(entries) => Entries::visit(entries, KeyKind::Text, visitor),
            Captured::Other(value) => value.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        match self {
            Captured::Other(value) => value.deserialize_option(visitor),
            captured => visitor.visit_some(captured),
        }
    }

    // A map read as a map is handed its entries as they were captured,
    // each key read as serde_json reads an object's key (a number, where
    // the map wants one: `MapKey`). An enum its variant, a newtype
    // serde_json's raw value: serde_json's `Value` reads each its own
    // way, so they are read by it.

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self {
            Captured::Map(entries) => Entries::visit(entries, KeyKind::Map, visitor),
            other => other.into_value().deserialize_map(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.into_value().deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.into_value().deserialize_newtype_struct(name, visitor)
    }

    // A float of arbitrary precision (a serde_json feature) is read as
    // its `Value` reads it, which parses its text.

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self {
            Captured::Other(value) => value.deserialize_f32(visitor),
            captured => captured.deserialize_any(visitor),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self {
            Captured::Other(value) => value.deserialize_f64(visitor),
            captured => captured.deserialize_any(visitor),
        }
    }

    // For the others serde_json's `Value` does what `deserialize_any` does:
    // visits what it holds, which the visitor takes or refuses.
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char str string bytes
        byte_buf unit unit_struct seq tuple tuple_struct struct identifier
        ignored_any
    }
}

/// The items of a captured sequence, read back.
struct Items<'de>(vec::IntoIter<Captured<'de>>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, serde_json::Error> {
        self.0.next().map(|item| seed.deserialize(item)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a captured map, read back.
struct Entries<'de> {
    entries: vec::IntoIter<(Cow<'de, str>, Captured<'de>)>,
    value: Option<Captured<'de>>,
    keys: KeyKind,
}

impl<'de> Entries<'de> {
    /// Hands `visitor` the entries, their keys read as `keys` says; all of
    /// them must be read.
    fn visit<V: Visitor<'de>>(
        entries: Vec<(Cow<'de, str>, Captured<'de>)>,
        keys: KeyKind,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        let len = entries.len();
        let mut access = Entries {
            entries: entries.into_iter(),
            value: None,
            keys,
        };
        let value = visitor.visit_map(&mut access)?;
        if access.entries.len() > 0 {
            return Err(serde_json::Error::invalid_length(
                len,
                &"fewer elements in map",
            ));
        }
        Ok(value)
    }
}

/// How the keys of captured entries are read.
#[derive(Clone, Copy)]
enum KeyKind {
    /// As text: by a struct, or by `deserialize_any`.
    Text,
    /// As serde_json reads an object's keys for a map, which may want
    /// them as numbers.
    Map,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, serde_json::Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        match self.keys {
            KeyKind::Text => seed.deserialize(Key(key)).map(Some),
            KeyKind::Map => seed.deserialize(MapKey(key)).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, serde_json::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value),
            None => Err(serde_json::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A key of a captured map read by a struct or by `deserialize_any`: text
/// only (a map read as a map goes through serde_json's `Value`, which
/// reads keys as numbers too).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.0 {
            Cow::Borrowed(key) => visitor.visit_borrowed_str(key),
            Cow::Owned(key) => visitor.visit_string(key),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A key of a captured map read as a map: text where the map wants text,
/// most often; anything else (a number, a boolean, an enum) read by
/// serde_json's own reader of an object's keys, which a one-entry object
/// hands it, so that it is parsed, and refused, exactly as serde_json
/// does with a `Value`.
struct MapKey<'de>(Cow<'de, str>);

impl MapKey<'_> {
    #[cold]
    fn through_json<'a, S: DeserializeSeed<'a>>(
        self,
        seed: S,
    ) -> Result<S::Value, serde_json::Error> {
        let mut object = Map::new();
        object.insert(self.0.into_owned(), Value::Null);
        Value::Object(object).deserialize_map(FirstKey(seed))
    }
}

/// Reads the one key of an object with `seed`.
struct FirstKey<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for FirstKey<S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with one key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        map.next_key_seed(self.0)?
            .ok_or_else(|| A::Error::custom("an object with one key"))
    }
}

/// Each method reads the key through serde_json's reader of keys.
macro_rules! through_json {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, serde_json::Error> {
            struct Call<V> {
                visitor: V,
                $($arg: $ty,)*
            }
            impl<'a, V: Visitor<'a>> DeserializeSeed<'a> for Call<V> {
                type Value = V::Value;

                fn deserialize<D: Deserializer<'a>>(self, key: D) -> Result<V::Value, D::Error> {
                    key.$method($(self.$arg,)* self.visitor)
                }
            }
            self.through_json(Call { visitor, $($arg,)* })
        }
    )*};
}

impl<'de> Deserializer<'de> for MapKey<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        Key(self.0).deserialize_any(visitor)
    }

    // Map keys cannot be null.
    fn deserialize_option<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        visitor.visit_newtype_struct(self)
    }

    crate::forward::with_scalar_methods!(through_json);
    through_json! {
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn capture(text: &str) -> Captured<'_> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn text_is_borrowed_where_the_input_lends_it() {
        let captured = capture(r#"{"a": "x", "b\u0063": ["y\n", 1, null, true, 2.5, -3]}"#);
        let Captured::Map(entries) = &captured else {
            panic!("{captured:?}")
        };
        assert!(matches!(
            entries[0],
            (Cow::Borrowed("a"), Captured::Str(Cow::Borrowed("x")))
        ));
        // An escaped key or string cannot be borrowed.
        assert!(matches!(&entries[1].0, Cow::Owned(key) if key == "bc"));
        assert_eq!(
            captured.into_value(),
            json!({"a": "x", "bc": ["y\n", 1, null, true, 2.5, -3]})
        );
    }

    #[test]
    fn read_back_it_gives_what_the_value_gives() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Inner<'a> {
            name: &'a str,
            tags: Vec<String>,
            extra: Option<u8>,
            map: std::collections::BTreeMap<u32, bool>,
            kind: Kind,
            any: Value,
        }
        #[derive(Debug, PartialEq, Deserialize)]
        enum Kind {
            Unit,
            Pair(u8, u8),
        }
        let text = r#"{"name": "n", "tags": ["a"], "extra": null, "map": {"7": true},
            "kind": {"Pair": [1, 2]}, "any": {"z": [1, {"y": null}], "a": "b"}}"#;
        let read = Inner::deserialize(capture(text)).unwrap();
        let through_value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(read.tags, ["a"]);
        assert!(read.map[&7]);
        assert_eq!(read.name, "n");
        assert_eq!(read.kind, Kind::Pair(1, 2));
        assert_eq!(read.any, through_value["any"]);
        assert_eq!(Kind::deserialize(capture(r#""Unit""#)).unwrap(), Kind::Unit);
    }

    #[test]
    fn a_repeated_key_is_found_among_few_keys_and_many() {
        for count in [3, 40] {
            let keys: Vec<String> = (0..count).map(|i| format!(r#""k{i}": {i}"#)).collect();
            let path = ["meta".to_owned()];
            let unique = format!(r#"{{"meta": {{{}}}}}"#, keys.join(", "));
            let Captured::Map(entries) = capture(&unique) else {
                panic!("{unique}")
            };
            assert_eq!(repeated_on_path(&entries, &path), None, "{count}");
            assert_eq!(first_repeat(&entries), None, "{count}");
            let twice = format!(r#"{{"meta": {{{}, "k1": 0}}}}"#, keys.join(", "));
            let Captured::Map(entries) = capture(&twice) else {
                panic!("{twice}")
            };
            let found = Some("meta.k1".to_owned());
            assert_eq!(repeated_on_path(&entries, &path), found, "{count}");
            assert_eq!(first_repeat(&entries), found, "{count}");
        }
    }

    #[test]
    fn maps_read_their_keys_as_the_value_reads_them() {
        use std::collections::BTreeMap;
        #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
        enum Side {
            Left,
            Right,
        }
        fn same<T>(text: &str)
        where
            T: for<'a> Deserialize<'a> + PartialEq + fmt::Debug,
        {
            let value: Value = serde_json::from_str(text).unwrap();
            let through_value = T::deserialize(value).map_err(|e| e.to_string());
            let captured = T::deserialize(capture(text)).map_err(|e| e.to_string());
            assert_eq!(captured, through_value, "{text}");
        }
        same::<BTreeMap<u8, u8>>(r#"{"7": 1, "200": 2}"#);
        same::<BTreeMap<u8, u8>>(r#"{"300": 1}"#);
        same::<BTreeMap<u8, u8>>(r#"{"x": 1}"#);
        same::<BTreeMap<u8, u8>>(r#"{" 7": 1}"#);
        same::<BTreeMap<i64, u8>>(r#"{"-7": 1, "7 ": 2}"#);
        same::<BTreeMap<bool, u8>>(r#"{"true": 1, "false": 2}"#);
        same::<BTreeMap<bool, u8>>(r#"{"yes": 1}"#);
        same::<BTreeMap<Side, u8>>(r#"{"Left": 1, "Right": 2}"#);
        same::<BTreeMap<Side, u8>>(r#"{"Up": 1}"#);
        same::<BTreeMap<Option<String>, u8>>(r#"{"a": 1}"#);
        same::<BTreeMap<String, Value>>(r#"{"b": [1, {"c": null}], "a": "x", "b": 2}"#);
        same::<Map<String, Value>>(r#"{"k\u0065y": {"n": 2.5}}"#);
        // Borrowed where the input lends it.
        let text = r#"{"a": 1}"#;
        let borrowed = BTreeMap::<&str, u8>::deserialize(capture(text)).unwrap();
        assert_eq!(borrowed["a"], 1);
    }

    #[test]
    fn errors_read_as_the_value_words_them() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Strict {
            n: u8,
        }
        for text in [
            r#"{"n": "x"}"#,
            r#"{"n": 300}"#,
            r#"[1, 2]"#,
            r#""s""#,
            r#"{"n": [1]}"#,
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            let expected = Strict::deserialize(value).unwrap_err().to_string();
            let found = Strict::deserialize(capture(text)).unwrap_err().to_string();
            assert_eq!(found, expected, "{text}");
        }
        let value_error = <(u8,)>::deserialize(json!([1, 2])).unwrap_err();
        let captured_error = <(u8,)>::deserialize(capture("[1, 2]")).unwrap_err();
        assert_eq!(captured_error.to_string(), value_error.to_string());
    }
}
