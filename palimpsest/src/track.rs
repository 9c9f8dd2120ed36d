//! Where in a document a deserialization error happened: `notes[1]`,
//! `context.metadata`, `steps[3].tool`.
//!
//! [`Deserializer`] wraps any serde deserializer (a `serde_json::Value`, a
//! `&mut serde_json::Deserializer<R>`, another format's) and follows the path
//! of the value being read; the [`Track`] it reports to keeps the path at which
//! the first error was seen, as a [`Path`].
//!
//! The design is serde_path_to_error's (David Tolnay, MIT OR Apache-2.0): the
//! same hooks on the same serde calls, the same rule that the first error seen
//! wins, the same printed form, so a path reads byte for byte as it did when
//! that crate was a dependency. The difference is the cost when nothing goes
//! wrong. serde_path_to_error copies every map key into a fresh `String`
//! before reading its value; here the path is a stack of segments plus one
//! text buffer for keys, both owned by the `Track` and reused from key to
//! key, and the path is rendered only on error.
//!
//! Keys are copied into that buffer rather than borrowed: a key handed over
//! as `&'de str` could be kept by reference, but keys read from a stream or
//! with escapes arrive as transient `&str` or `String` and must be copied
//! anyway, and a short copy into a warm buffer costs less than the lifetime
//! `'de` on `Track` would cost its callers.

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, Visitor};

use crate::forward::forward_deserialize_methods;

/// Where the path is followed while a [`Deserializer`] runs, and where the
/// path of the first error is kept.
pub(crate) struct Track {
    state: RefCell<State>,
}

/// The path at which a deserialization error happened, printed as
/// serde_path_to_error prints it: `context.metadata`, `notes[1]`, `.` for the
/// document itself.
#[derive(Debug)]
pub(crate) struct Path(String);

/// A serde deserializer that reads like the one it wraps and follows the path
/// of the value being read in a [`Track`].
pub(crate) struct Deserializer<'t, D> {
    de: D,
    track: &'t Track,
}

impl Track {
    pub(crate) const fn new() -> Self {
        Track {
            state: RefCell::new(State {
                segments: Vec::new(),
                keys: String::new(),
                keys_end: 0,
                failed_at: None,
            }),
        }
    }

    /// The path at which the first error was seen; `.` if none was.
    pub(crate) fn path(self) -> Path {
        let failed_at = self.state.into_inner().failed_at;
        Path(failed_at.unwrap_or_else(|| ".".to_owned()))
    }

    /// Keeps the current path if `result` is the first error seen.
    ///
    /// An error surfaces where it happened and is seen again at every level
    /// on its way out, so the first sighting is the precise one. An error a
    /// `Deserialize` impl recovers from is kept too: serde_path_to_error
    /// behaves so, and a later error usually comes from the same place.
    #[inline]
    fn record<T, E>(&self, result: Result<T, E>) -> Result<T, E> {
        if result.is_err() {
            self.fail();
        }
        result
    }

    #[cold]
    #[inline(never)]
    fn fail(&self) {
        let mut state = self.state.borrow_mut();
        if state.failed_at.is_none() {
            state.failed_at = Some(state.render());
        }
    }

    /// Runs `read` with `step` appended to the path, recording its error there.
    #[inline]
    fn within<T, E>(
        &self,
        step: Option<Step>,
        read: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let Some(step) = step else {
            return self.record(read());
        };
        self.state.borrow_mut().enter(step);
        let result = self.record(read());
        self.state.borrow_mut().leave();
        result
    }

    /// Replaces the pending key (see `State::keys`) with what `write` writes.
    fn capture_key(&self, write: impl FnOnce(&mut String)) {
        let mut state = self.state.borrow_mut();
        let end = state.keys_end;
        if state.keys.capacity() == 0 {
            state.keys.reserve(KEYS_CAPACITY);
        }
        state.keys.truncate(end);
        write(&mut state.keys);
    }
}

/// Room for the keys and segments of most documents' deepest path, so that
/// the first key reserves it once instead of growing by doubling.
const KEYS_CAPACITY: usize = 64;
const SEGMENTS_CAPACITY: usize = 8;

struct State {
    /// The path to the value being read now, outermost first.
    segments: Vec<Segment>,
    /// The texts of the key segments, end to end up to `keys_end`; after it,
    /// the pending key: the last map key or enum variant read, whose value is
    /// not entered yet. Nothing can be read through a `Track` between a key
    /// and its value, so one pending key at a time is enough.
    keys: String,
    keys_end: usize,
    failed_at: Option<String>,
}

#[derive(Clone, Copy)]
enum Segment {
    Index(usize),
    /// A map key or enum variant: `keys[start..end]`.
    Key {
        start: usize,
        end: usize,
    },
    /// A key that is not a string, an integer or a bool.
    Unknown,
}

/// A segment about to be entered.
#[derive(Clone, Copy)]
enum Step {
    Index(usize),
    PendingKey,
    Unknown,
}

impl State {
    fn enter(&mut self, step: Step) {
        if self.segments.capacity() == 0 {
            self.segments.reserve(SEGMENTS_CAPACITY);
        }
        let segment = match step {
            Step::Index(index) => Segment::Index(index),
            Step::PendingKey => {
                let (start, end) = (self.keys_end, self.keys.len());
                self.keys_end = end;
                Segment::Key { start, end }
            }
            Step::Unknown => Segment::Unknown,
        };
        self.segments.push(segment);
    }

    fn leave(&mut self) {
        if let Some(Segment::Key { start, .. }) = self.segments.pop() {
            self.keys_end = start;
        }
    }

    /// serde_path_to_error's form: a key or `?` follows a `.` unless it comes
    /// first, an index is `[i]` glued to what precedes it, no segment is `.`.
    /// Keys are printed as they are, never quoted.
    fn render(&self) -> String {
        if self.segments.is_empty() {
            return ".".to_owned();
        }
        let mut path = String::new();
        for (position, segment) in self.segments.iter().enumerate() {
            let separator = if position == 0 { "" } else { "." };
            match *segment {
                Segment::Index(index) => write!(path, "[{index}]"),
                Segment::Key { start, end } => {
                    write!(path, "{separator}{}", &self.keys[start..end])
                }
                Segment::Unknown => write!(path, "{separator}?"),
            }
            .expect("writing to a String cannot fail");
        }
        path
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'t, D> Deserializer<'t, D> {
    /// Wraps `de`; `track` is borrowed mutably so that it is read only after.
    pub(crate) fn new(de: D, track: &'t mut Track) -> Self {
        Deserializer { de, track }
    }

    fn forward<'de, V, R>(
        self,
        visitor: V,
        call: impl FnOnce(D, TrackedVisitor<'t, V>) -> Result<R, D::Error>,
    ) -> Result<R, D::Error>
    where
        D: de::Deserializer<'de>,
    {
        let track = self.track;
        track.record(call(self.de, TrackedVisitor::new(visitor, track)))
    }
}

impl<'de, D> de::Deserializer<'de> for Deserializer<'_, D>
where
    D: de::Deserializer<'de>,
{
    type Error = D::Error;

    forward_deserialize_methods!();

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// The visitor of a [`Deserializer`]: records errors at its path and wraps
/// whatever it is handed to read further (a deserializer, a sequence, a map,
/// an enum) so that the path follows.
struct TrackedVisitor<'t, V> {
    inner: V,
    track: &'t Track,
}

/// The visits that hand over a value and nothing to read further.
macro_rules! leaf_visits {
    ($($method:ident($($arg:ident: $ty:ty)?);)*) => {$(
        fn $method<E>(self, $($arg: $ty)?) -> Result<Self::Value, E>
        where
            E: de::Error,
        {
            self.leaf(|inner| inner.$method($($arg)?))
        }
    )*};
}

impl<'t, V> TrackedVisitor<'t, V> {
    fn new(inner: V, track: &'t Track) -> Self {
        TrackedVisitor { inner, track }
    }

    fn leaf<R, E>(self, visit: impl FnOnce(V) -> Result<R, E>) -> Result<R, E> {
        self.track.record(visit(self.inner))
    }
}

impl<'de, V> Visitor<'de> for TrackedVisitor<'_, V>
where
    V: Visitor<'de>,
{
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    crate::forward::with_leaf_visits!(leaf_visits);
    crate::forward::with_text_visits!(leaf_visits);

    // `Some` and newtype structs add no segment: `opt.x`, not `opt.?.x`.
    fn visit_some<D>(self, de: D) -> Result<Self::Value, D::Error>
    where
        D: de::Deserializer<'de>,
    {
        let track = self.track;
        track.record(self.inner.visit_some(Deserializer { de, track }))
    }

    fn visit_newtype_struct<D>(self, de: D) -> Result<Self::Value, D::Error>
    where
        D: de::Deserializer<'de>,
    {
        let track = self.track;
        track.record(self.inner.visit_newtype_struct(Deserializer { de, track }))
    }

    fn visit_seq<A>(self, seq: A) -> Result<Self::Value, A::Error>
    where
        A: de::SeqAccess<'de>,
    {
        let track = self.track;
        let seq = TrackedSeq {
            inner: seq,
            index: 0,
            track,
        };
        track.record(self.inner.visit_seq(seq))
    }

    fn visit_map<A>(self, map: A) -> Result<Self::Value, A::Error>
    where
        A: de::MapAccess<'de>,
    {
        let track = self.track;
        let map = TrackedMap {
            inner: map,
            key_read: false,
            track,
        };
        track.record(self.inner.visit_map(map))
    }

    fn visit_enum<A>(self, data: A) -> Result<Self::Value, A::Error>
    where
        A: de::EnumAccess<'de>,
    {
        let track = self.track;
        track.record(self.inner.visit_enum(TrackedEnum { inner: data, track }))
    }
}

/// Reads a sequence element, a map value or a newtype variant's content one
/// `step` further down the path.
struct TrackedSeed<'t, S> {
    inner: S,
    step: Option<Step>,
    track: &'t Track,
}

impl<'t, S> TrackedSeed<'t, S> {
    fn new(inner: S, step: Option<Step>, track: &'t Track) -> Self {
        TrackedSeed { inner, step, track }
    }
}

impl<'de, S> DeserializeSeed<'de> for TrackedSeed<'_, S>
where
    S: DeserializeSeed<'de>,
{
    type Value = S::Value;

    fn deserialize<D>(self, de: D) -> Result<Self::Value, D::Error>
    where
        D: de::Deserializer<'de>,
    {
        let track = self.track;
        track.within(self.step, || {
            self.inner.deserialize(Deserializer { de, track })
        })
    }
}

struct TrackedSeq<'t, A> {
    inner: A,
    index: usize,
    track: &'t Track,
}

impl<'de, A> de::SeqAccess<'de> for TrackedSeq<'_, A>
where
    A: de::SeqAccess<'de>,
{
    type Error = A::Error;

    // An error between elements (`[1 2]`) is the sequence's, not an element's:
    // the element's segment is entered only while the element is read.
    fn next_element_seed<S>(&mut self, seed: S) -> Result<Option<S::Value>, Self::Error>
    where
        S: DeserializeSeed<'de>,
    {
        let seed = TrackedSeed::new(seed, Some(Step::Index(self.index)), self.track);
        self.index += 1;
        self.track.record(self.inner.next_element_seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct TrackedMap<'t, A> {
    inner: A,
    /// Whether the last key read left its text as the pending key; a key
    /// that is not a string, an integer or a bool leaves none and its value
    /// is at `?`.
    key_read: bool,
    track: &'t Track,
}

impl<A> TrackedMap<'_, A> {
    fn take_key(&mut self) -> Step {
        if std::mem::take(&mut self.key_read) {
            Step::PendingKey
        } else {
            Step::Unknown
        }
    }
}

impl<'de, A> de::MapAccess<'de> for TrackedMap<'_, A>
where
    A: de::MapAccess<'de>,
{
    type Error = A::Error;

    // A key that fails to read, or is read and refused (an unknown field
    // under `deny_unknown_fields`), is the error's place: `typo`, or `?`.
    fn next_key_seed<K>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error>
    where
        K: DeserializeSeed<'de>,
    {
        let track = self.track;
        let seed = KeyCapture {
            inner: seed,
            track,
            read: &mut self.key_read,
        };
        let result = self.inner.next_key_seed(seed);
        if result.is_err() {
            let key = self.take_key();
            return track.within(Some(key), || result);
        }
        result
    }

    fn next_value_seed<S>(&mut self, seed: S) -> Result<S::Value, Self::Error>
    where
        S: DeserializeSeed<'de>,
    {
        let seed = TrackedSeed::new(seed, Some(self.take_key()), self.track);
        self.track.record(self.inner.next_value_seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct TrackedEnum<'t, A> {
    inner: A,
    track: &'t Track,
}

impl<'de, 't, A> de::EnumAccess<'de> for TrackedEnum<'t, A>
where
    A: de::EnumAccess<'de>,
{
    type Error = A::Error;
    type Variant = TrackedVariant<'t, A::Variant>;

    // An unknown variant is the enum's error, at the enum's path; what the
    // variant holds is one segment further, named by the variant.
    fn variant_seed<S>(self, seed: S) -> Result<(S::Value, Self::Variant), Self::Error>
    where
        S: DeserializeSeed<'de>,
    {
        let track = self.track;
        let mut read = false;
        let seed = KeyCapture {
            inner: seed,
            track,
            read: &mut read,
        };
        let (value, variant) = track.record(self.inner.variant_seed(seed))?;
        let step = if read {
            Step::PendingKey
        } else {
            Step::Unknown
        };
        let variant = TrackedVariant {
            inner: variant,
            step,
            track,
        };
        Ok((value, variant))
    }
}

struct TrackedVariant<'t, A> {
    inner: A,
    step: Step,
    track: &'t Track,
}

impl<'de, A> de::VariantAccess<'de> for TrackedVariant<'_, A>
where
    A: de::VariantAccess<'de>,
{
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        self.track
            .within(Some(self.step), || self.inner.unit_variant())
    }

    // The newtype adds no segment of its own: `action.Wait`, not `action.Wait.?`.
    fn newtype_variant_seed<S>(self, seed: S) -> Result<S::Value, Self::Error>
    where
        S: DeserializeSeed<'de>,
    {
        let track = self.track;
        let seed = TrackedSeed::new(seed, None, track);
        track.within(Some(self.step), || self.inner.newtype_variant_seed(seed))
    }

    fn tuple_variant<V>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error>
    where
        V: Visitor<'de>,
    {
        let track = self.track;
        let visitor = TrackedVisitor::new(visitor, track);
        track.within(Some(self.step), || self.inner.tuple_variant(len, visitor))
    }

    fn struct_variant<V>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error>
    where
        V: Visitor<'de>,
    {
        let track = self.track;
        let visitor = TrackedVisitor::new(visitor, track);
        track.within(Some(self.step), || {
            self.inner.struct_variant(fields, visitor)
        })
    }
}

/// Reads a map key or an enum variant as the seed, deserializer and visitor
/// it wraps would, and leaves its text as the pending key when it is a
/// string, an integer or a bool, the kinds serde_path_to_error names. What
/// the key holds inside (a key that is itself a struct, in formats that allow
/// it) is not followed.
struct KeyCapture<'a, X> {
    inner: X,
    track: &'a Track,
    read: &'a mut bool,
}

impl<'a, X> KeyCapture<'a, X> {
    fn wrap<Y>(self, inner: Y) -> (X, KeyCapture<'a, Y>) {
        let wrapped = KeyCapture {
            inner,
            track: self.track,
            read: self.read,
        };
        (self.inner, wrapped)
    }

    fn forward<'de, V, R>(
        self,
        visitor: V,
        call: impl FnOnce(X, KeyCapture<'a, V>) -> Result<R, X::Error>,
    ) -> Result<R, X::Error>
    where
        X: de::Deserializer<'de>,
    {
        let (de, visitor) = self.wrap(visitor);
        call(de, visitor)
    }

    fn capture(self, write: impl FnOnce(&mut String)) -> X {
        self.track.capture_key(write);
        *self.read = true;
        self.inner
    }
}

impl<'de, X> DeserializeSeed<'de> for KeyCapture<'_, X>
where
    X: DeserializeSeed<'de>,
{
    type Value = X::Value;

    fn deserialize<D>(self, de: D) -> Result<Self::Value, D::Error>
    where
        D: de::Deserializer<'de>,
    {
        let (seed, de) = self.wrap(de);
        seed.deserialize(de)
    }
}

impl<'de, X> de::Deserializer<'de> for KeyCapture<'_, X>
where
    X: de::Deserializer<'de>,
{
    type Error = X::Error;

    forward_deserialize_methods!();

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Key visits of integers: the key's text is the integer in decimal.
macro_rules! capture_integer_visits {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E>(self, v: $ty) -> Result<Self::Value, E>
        where
            E: de::Error,
        {
            self.capture(|key| write!(key, "{v}").expect("writing to a String cannot fail"))
                .$method(v)
        }
    )*};
}

/// Key visits that leave no text, forwarded unchanged.
macro_rules! plain_visits {
    ($($method:ident($($arg:ident: $ty:ty)?);)*) => {$(
        fn $method<E>(self, $($arg: $ty)?) -> Result<Self::Value, E>
        where
            E: de::Error,
        {
            self.inner.$method($($arg)?)
        }
    )*};
}

/// Key visits that hand over more to read, forwarded unchanged: what is in
/// a key is not followed.
macro_rules! plain_visits_of_more {
    ($($method:ident<$more:ident: $bound:path>;)*) => {$(
        fn $method<$more>(self, more: $more) -> Result<Self::Value, $more::Error>
        where
            $more: $bound,
        {
            self.inner.$method(more)
        }
    )*};
}

impl<'de, X> Visitor<'de> for KeyCapture<'_, X>
where
    X: Visitor<'de>,
{
    type Value = X::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E>
    where
        E: de::Error,
    {
        let text = if v { "true" } else { "false" };
        self.capture(|key| key.push_str(text)).visit_bool(v)
    }

    capture_integer_visits! {
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E>
    where
        E: de::Error,
    {
        self.capture(|key| key.push_str(v)).visit_str(v)
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E>
    where
        E: de::Error,
    {
        self.capture(|key| key.push_str(v)).visit_borrowed_str(v)
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E>
    where
        E: de::Error,
    {
        self.capture(|key| key.push_str(&v)).visit_string(v)
    }

    // serde_path_to_error names neither float nor char keys: `?`.
    plain_visits! {
        visit_f32(v: f32);
        visit_f64(v: f64);
        visit_char(v: char);
        visit_bytes(v: &[u8]);
        visit_borrowed_bytes(v: &'de [u8]);
        visit_byte_buf(v: Vec<u8>);
        visit_unit();
        visit_none();
    }

    plain_visits_of_more! {
        visit_some<D: de::Deserializer<'de>>;
        visit_newtype_struct<D: de::Deserializer<'de>>;
        visit_seq<A: de::SeqAccess<'de>>;
        visit_map<A: de::MapAccess<'de>>;
        visit_enum<A: de::EnumAccess<'de>>;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use serde::de::{DeserializeOwned, IntoDeserializer};
    use serde::Deserialize;
    use serde_json::Value;

    use super::{Deserializer, Track};

    /// The path our `Deserializer` reports reading `json` as `T` from a
    /// string, and from a borrowed and an owned `Value` when `json` parses.
    fn paths<T: DeserializeOwned>(json: &str) -> Vec<String> {
        let mut de = serde_json::Deserializer::from_str(json);
        let mut track = Track::new();
        let read = T::deserialize(Deserializer::new(&mut de, &mut track));
        assert!(
            read.map(drop).and_then(|()| de.end()).is_err(),
            "{json} fits"
        );
        let mut paths = vec![track.path().to_string()];
        if let Ok(value) = serde_json::from_str::<Value>(json) {
            let mut track = Track::new();
            assert!(T::deserialize(Deserializer::new(&value, &mut track)).is_err());
            paths.push(track.path().to_string());
            let mut track = Track::new();
            assert!(T::deserialize(Deserializer::new(value, &mut track)).is_err());
            paths.push(track.path().to_string());
        }
        paths
    }

    /// What serde_path_to_error reports for the same inputs as [`paths`].
    fn reference_paths<T: DeserializeOwned>(json: &str) -> Vec<String> {
        let mut de = serde_json::Deserializer::from_str(json);
        let mut track = serde_path_to_error::Track::new();
        let read = T::deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
        let _ = read.map(drop).and_then(|()| de.end());
        let mut paths = vec![track.path().to_string()];
        if let Ok(value) = serde_json::from_str::<Value>(json) {
            let mut track = serde_path_to_error::Track::new();
            let _ = T::deserialize(serde_path_to_error::Deserializer::new(&value, &mut track));
            paths.push(track.path().to_string());
            let mut track = serde_path_to_error::Track::new();
            let _ = T::deserialize(serde_path_to_error::Deserializer::new(value, &mut track));
            paths.push(track.path().to_string());
        }
        paths
    }

    /// Reading `json` as `T` fails at `expected` whatever the input form, as
    /// serde_path_to_error says it does.
    #[track_caller]
    fn fails_at<T: DeserializeOwned>(json: &str, expected: &str) {
        let ours = paths::<T>(json);
        assert_eq!(ours, reference_paths::<T>(json), "{json}");
        assert!(
            ours.iter().all(|path| path == expected),
            "{json}: {ours:?}, not {expected:?}"
        );
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Trace {
        #[serde(default)]
        notes: Vec<String>,
        #[serde(default)]
        steps: Vec<Step>,
        #[serde(default)]
        context: Context,
        #[serde(default)]
        action: Option<Action>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[allow(dead_code)]
    struct Context {
        metadata: serde_json::Map<String, Value>,
        #[serde(default)]
        scores: BTreeMap<u32, f64>,
        #[serde(default)]
        labels: HashMap<String, Label>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Step {
        tool: String,
        #[serde(default)]
        retries: Option<u8>,
        #[serde(default)]
        wrapped: Option<Wrapped>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Wrapped(Label);

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Label {
        name: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Action {
        Call { tool: String, args: Vec<u32> },
        Wait(u32),
        Pair(u32, String),
        Stop,
    }

    #[test]
    fn the_paths_in_error_messages() {
        fails_at::<Trace>(r#"{"notes": ["a", 7]}"#, "notes[1]");
        fails_at::<Trace>(r#"{"context": {"metadata": 5}}"#, "context.metadata");
        let steps = r#"{"steps": [{"tool": "a"}, {"tool": "b"}, {"tool": "c"}, {"tool": 4}]}"#;
        fails_at::<Trace>(steps, "steps[3].tool");
    }

    #[test]
    fn nested_structs_and_missing_fields() {
        fails_at::<Trace>(
            r#"{"context": {"metadata": {}, "labels": {"x": {"name": 1}}}}"#,
            "context.labels.x.name",
        );
        // A missing field is the struct's error, found once all keys are read.
        fails_at::<Trace>(r#"{"context": {}}"#, "context");
        fails_at::<Trace>(r#"{"steps": [{"retries": 1}]}"#, "steps[0]");
        fails_at::<Trace>(r#"[["a"], 7]"#, "[1]");
        fails_at::<Trace>("7", ".");
    }

    #[test]
    fn sequences() {
        fails_at::<Vec<Vec<u8>>>("[[1], [2, 300]]", "[1][1]");
        fails_at::<Vec<Vec<u8>>>("[[1], 2]", "[1]");
        fails_at::<Trace>(r#"{"notes": "one"}"#, "notes");
        fails_at::<(u8, String)>(r#"[1, 2]"#, "[1]");
    }

    #[test]
    fn maps_with_string_keys_print_them_unquoted() {
        fails_at::<BTreeMap<String, u8>>(r#"{"a": 1, "b c.d": "x"}"#, "b c.d");
        fails_at::<BTreeMap<String, Label>>(r#"{"": {"name": 1}}"#, ".name");
        fails_at::<BTreeMap<String, Vec<u8>>>(r#"{"\u00e9t\u00e9": [1, -1]}"#, "été[1]");
    }

    #[test]
    fn maps_with_integer_and_bool_keys() {
        fails_at::<Trace>(
            r#"{"context": {"metadata": {}, "scores": {"1": 0.5, "2": "high"}}}"#,
            "context.scores.2",
        );
        fails_at::<BTreeMap<i64, u8>>(r#"{"-7": 300}"#, "-7");
        fails_at::<BTreeMap<bool, u8>>(r#"{"true": 1, "false": -1}"#, "false");
        // Other formats hand integer keys over as integers.
        let map = BTreeMap::from([(1_u32, 1_i64), (2, -1)]);
        let mut track = Track::new();
        let de = Deserializer::new(map.into_deserializer(), &mut track);
        let read: Result<BTreeMap<u32, u32>, serde::de::value::Error> =
            Deserialize::deserialize(de);
        assert!(read.is_err());
        assert_eq!(track.path().to_string(), "2");
    }

    /// A map whose keys are floats, which serde_path_to_error does not name.
    #[derive(Debug)]
    struct FloatKeyed;

    impl<'de> Deserialize<'de> for FloatKeyed {
        fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
            struct Entries;
            impl<'de> serde::de::Visitor<'de> for Entries {
                type Value = FloatKeyed;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a map from floats to bytes")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<FloatKeyed, A::Error> {
                    while map.next_entry::<f64, u8>()?.is_some() {}
                    Ok(FloatKeyed)
                }
            }
            de.deserialize_map(Entries)
        }
    }

    #[test]
    fn errors_in_keys() {
        // The key is read, then refused: the error is at the key.
        fails_at::<Label>(r#"{"name": "n", "typo": 1}"#, "typo");
        fails_at::<BTreeMap<String, Label>>(r#"{"k": {"name": "n", "nme": 1}}"#, "k.nme");
        // serde_json refuses a key that is not a number before handing it
        // over, so there is nothing to name.
        fails_at::<BTreeMap<u32, u8>>(r#"{"1": 1, "x": 2}"#, "?");
        // A key that is not named leaves its value at `?`.
        fails_at::<FloatKeyed>(r#"{"1.5": 1, "2.5": -1}"#, "?");
        fails_at::<BTreeMap<String, FloatKeyed>>(r#"{"m": {"0.5": "x"}}"#, "m.?");
        // Broken syntax where a key should be.
        fails_at::<BTreeMap<String, Label>>(r#"{"a": {"name": "n", 5: 1}}"#, "a.?");
        fails_at::<BTreeMap<String, u8>>(r#"{"a": 1,"#, "?");
        // Broken syntax between a key and its value is the map's.
        fails_at::<Vec<BTreeMap<String, u8>>>(r#"[{"a": 1}, {"b" 2}]"#, "[1]");
    }

    #[test]
    fn externally_tagged_enums() {
        fails_at::<Trace>(
            r#"{"action": {"Call": {"tool": 1, "args": []}}}"#,
            "action.Call.tool",
        );
        fails_at::<Trace>(
            r#"{"action": {"Call": {"tool": "t", "args": [1, "x"]}}}"#,
            "action.Call.args[1]",
        );
        fails_at::<Trace>(r#"{"action": {"Call": {"args": []}}}"#, "action.Call");
        fails_at::<Trace>(r#"{"action": {"Wait": "soon"}}"#, "action.Wait");
        fails_at::<Trace>(r#"{"action": {"Pair": [1, 2]}}"#, "action.Pair[1]");
        fails_at::<Trace>(r#"{"action": {"Stop": 1}}"#, "action.Stop");
        // An unknown variant is the enum's error.
        fails_at::<Trace>(r#"{"action": {"Jump": {}}}"#, "action");
        fails_at::<Trace>(r#"{"action": "Jump"}"#, "action");
        fails_at::<Vec<Action>>(r#"["Stop", {"Wait": 1}, {"Wait": -1}]"#, "[2].Wait");
        // Other formats name variants by index: 2 is `Pair`, which a bare
        // integer cannot fill.
        let mut track = Track::new();
        let de = Deserializer::new(2_u32.into_deserializer(), &mut track);
        let read: Result<Action, serde::de::value::Error> = Deserialize::deserialize(de);
        assert!(read.is_err());
        assert_eq!(track.path().to_string(), "2");
    }

    #[test]
    fn options_and_newtypes_add_no_segment() {
        fails_at::<Trace>(
            r#"{"steps": [{"tool": "t", "retries": "x"}]}"#,
            "steps[0].retries",
        );
        fails_at::<Trace>(
            r#"{"steps": [{"tool": "t", "wrapped": {"name": 1}}]}"#,
            "steps[0].wrapped.name",
        );
        fails_at::<Option<Vec<Option<u8>>>>("[null, 1, -1]", "[2]");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Flattened {
        id: u32,
        #[serde(flatten)]
        label: Label,
        #[serde(flatten)]
        rest: BTreeMap<String, u8>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(tag = "kind")]
    #[allow(dead_code)]
    enum Tagged {
        Note { text: String },
    }

    #[test]
    fn flattened_and_buffered_content_fail_at_their_container() {
        // serde reads flattened fields from a buffer it fills first; the
        // buffer is read past the tracking deserializer, so the error is the
        // container's.
        fails_at::<Flattened>(r#"{"id": 1, "name": 2}"#, ".");
        fails_at::<BTreeMap<String, Flattened>>(r#"{"k": {"id": 1, "name": "n", "x": 300}}"#, "k");
        fails_at::<Flattened>(r#"{"id": "1", "name": "n"}"#, "id");
        fails_at::<Vec<Tagged>>(r#"[{"kind": "Note", "text": 1}]"#, "[0]");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Lenient {
        #[serde(deserialize_with = "zero_if_invalid")]
        count: u32,
        name: String,
    }

    fn zero_if_invalid<'de, D: serde::Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
        Ok(Value::deserialize(de)?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0))
    }

    #[test]
    fn the_first_error_seen_wins() {
        fails_at::<Lenient>(r#"{"count": "x", "name": 1}"#, "name");
        // An error a `Deserialize` impl recovers from still holds the place:
        // serde_path_to_error keeps the first error it sees, and so do we.
        fails_at::<BTreeMap<String, Result<u8, String>>>(r#"{"a": {"Err": 5}, "b": 1}"#, "a.Err");
    }

    #[test]
    fn no_error_reads_as_the_root() {
        let mut track = Track::new();
        let value = serde_json::json!({"notes": ["a"], "steps": [{"tool": "t"}], "context": {"metadata": {"k": 1}}});
        let de = Deserializer::new(&value, &mut track);
        let trace = Trace::deserialize(de).expect("the document fits");
        assert_eq!(trace.steps[0].tool, "t");
        assert_eq!(track.path().to_string(), ".");
    }

    #[test]
    fn the_key_buffer_is_reused_from_key_to_key() {
        // 40 keys of 20 bytes, 800 bytes in all, none deeper than 3 keys.
        let metadata: serde_json::Map<String, Value> = (0..40)
            .map(|i| (format!("a-key-of-twenty-b{i:03}"), Value::from(i)))
            .collect();
        let value =
            serde_json::json!({"context": {"metadata": metadata}, "steps": [{"tool": "t"}]});
        let mut track = Track::new();
        Trace::deserialize(Deserializer::new(&value, &mut track)).expect("the document fits");
        let state = track.state.into_inner();
        assert!(state.segments.is_empty());
        assert_eq!(state.keys_end, 0);
        // Room for the deepest path, reserved once, not for every key read.
        assert_eq!(state.keys.capacity(), super::KEYS_CAPACITY);
        assert_eq!(state.segments.capacity(), super::SEGMENTS_CAPACITY);
    }
}
