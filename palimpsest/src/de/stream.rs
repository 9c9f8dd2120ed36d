//! Reading an old or reordered document without buffering all of it: the
//! keys no migration touches go straight to the struct, the few it may
//! touch are captured and migrated once the map ends (see `StreamPlan`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::{mem, vec};

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess};
use serde_json::{map, Value};

use super::capture::{self, Captured};
use super::scope::Probes;
use super::seed::{KeySeed, StampSeed, StreamedStamp};
use super::{Context, Found, Mode};
use crate::error::Error;
use crate::schema::{Handling, Schema, StreamPlan};
use crate::version::Version;
use crate::vocab::names::{MIGRATED_FROM, MIGRATION_HISTORY};

/// A map that hands the struct the streamed keys of the input, then the
/// captured ones, migrated if the document had to be.
pub(super) struct Streaming<'de, 'c, A> {
    inner: A,
    /// Where the version the document had, the report and a typed error go.
    cx: &'c mut Context,
    schema: &'static Schema,
    plan: &'static StreamPlan,
    /// A key already read from `inner` whose value is still there.
    pending: Option<Cow<'de, str>>,
    /// The value of the version key, once read.
    stamp: Option<StreamedStamp<'de>>,
    /// The version key was read and names the current version: nothing
    /// will be migrated, so the keys still to come pass straight through.
    current: bool,
    captured: Vec<(Cow<'de, str>, Captured<'de>)>,
    /// The keys streamed whose presence a migration asks about, as the
    /// plan's bits.
    noted: u64,
    /// The captured keys, indexed once there are many, so that a key met
    /// twice is found without comparing it with every other.
    seen: Option<HashSet<Cow<'de, str>>>,
    /// After the input ends: the captured entries still to hand on.
    tail: Option<Tail<'de>>,
    /// The value of the tail entry whose key was just handed on.
    tail_value: Option<Captured<'de>>,
    /// The key just handed on, kept so an error in its value can name it:
    /// serde's own errors say what was wrong, not where.
    last_key: Cow<'de, str>,
    /// The fields that hold embedded types, when the root holds any.
    probes: Option<Probes>,
    /// The first key repeated on the metadata path of values captured as
    /// `Value`s (`ValueSeed`), with its depth.
    repeated_on_path: Option<(usize, String)>,
    /// The first key repeated elsewhere in a value captured straight into
    /// a `Value` (`capture::ValueSeed`).
    repeated_elsewhere: Option<String>,
    /// What the migration adds to the metadata held back, when the root has
    /// nothing else to change (`Schema::record_only`): the metadata's root
    /// is then held back as the input lent it, and handed on with the
    /// record added, with no tree made of it nor engine run.
    record: Option<Record>,
}

/// The record of a migration the reader adds to the metadata itself.
struct Record {
    from: Version,
    migrated_from: Value,
    history: Vec<Value>,
}

/// The captured entries, handed on once the input has ended: as they came
/// when the document was current, else as the migration left them.
enum Tail<'de> {
    Current(vec::IntoIter<(Cow<'de, str>, Captured<'de>)>),
    Migrated(map::IntoIter),
}

impl<'de> Iterator for Tail<'de> {
    type Item = (Cow<'de, str>, Captured<'de>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Tail::Current(entries) => entries.next(),
            Tail::Migrated(entries) => entries
                .next()
                .map(|(key, value)| (Cow::Owned(key), Captured::Other(value))),
        }
    }
}

/// Past this many captured keys, a repeated one is looked up in an index
/// rather than by comparing it with each.
const SCAN_LIMIT: usize = 16;

impl<'de, 'c, A: MapAccess<'de>> Streaming<'de, 'c, A> {
    /// `stamp` is the version entry when the caller read it first;
    /// `pending` a key it read but did not capture.
    pub(super) fn new(
        inner: A,
        schema: &'static Schema,
        plan: &'static StreamPlan,
        stamp: Option<StreamedStamp<'de>>,
        pending: Option<Cow<'de, str>>,
        cx: &'c mut Context,
    ) -> Self {
        Streaming {
            inner,
            cx,
            schema,
            plan,
            pending,
            stamp,
            current: false,
            captured: Vec::new(),
            noted: 0,
            seen: None,
            tail: None,
            tail_value: None,
            last_key: Cow::Borrowed(""),
            probes: None,
            repeated_on_path: None,
            repeated_elsewhere: None,
            record: None,
        }
    }

    /// Reads the fields that hold embedded types with the document's
    /// version in scope, or captures them while it is not known.
    pub(super) fn with_probes(mut self, probes: Option<Probes>) -> Self {
        self.probes = probes;
        self
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

    /// Captures an entry for the migration; a key met twice is refused, as
    /// serde refuses a field met twice, rather than one value kept.
    fn capture(&mut self, key: Cow<'de, str>, value: Captured<'de>) -> Result<(), A::Error> {
        let repeated = if self.captured.len() < SCAN_LIMIT {
            self.captured.iter().any(|(captured, _)| *captured == key)
        } else {
            let captured = &self.captured;
            let seen = self
                .seen
                .get_or_insert_with(|| captured.iter().map(|(key, _)| key.clone()).collect());
            !seen.insert(key.clone())
        };
        if repeated {
            return Err(self.repeated(key));
        }
        self.captured.push((key, value));
        Ok(())
    }

    /// The value of `key`, to be captured: read straight into a `Value`
    /// when the document is known to be older, as the migration needs it;
    /// else held as the input lent it, in case it is current.
    fn capture_value(&mut self, key: &str) -> Result<Captured<'de>, A::Error> {
        if self.stamp.is_none() || self.current {
            return self.inner.next_value();
        }
        let segments = match &self.schema.metadata {
            Some(path) if path.segments().first().is_some_and(|root| root == key) => {
                if let Some(record) = self.record_only(key) {
                    self.record = Some(record);
                    return self.inner.next_value();
                }
                path.segments()
            }
            // The migration will read it: a key repeated in it is noted,
            // the tree keeping only the last value, and refused at the end
            // as the held-back route refuses it.
            _ => {
                let (value, repeat) = capture::next_distinct(&mut self.inner)?;
                if let (None, Some(below)) = (&self.repeated_elsewhere, repeat) {
                    self.repeated_elsewhere = Some(capture::joined_below(key, &below));
                }
                return Ok(Captured::Other(value));
            }
        };
        let seed = capture::ValueSeed {
            segments,
            depth: 1,
            repeated: &mut self.repeated_on_path,
            elsewhere: &mut self.repeated_elsewhere,
        };
        self.inner.next_value_seed(seed).map(Captured::Other)
    }

    /// The record the reader may add itself to the metadata whose root is
    /// `key`: the root has nothing else to change, no one reads a report,
    /// and the migration is not refused.
    fn record_only(&self, key: &str) -> Option<Record> {
        if self.cx.mode != Mode::Migrate || self.cx.wants_report || self.cx.typed {
            return None;
        }
        let stamp = self.stamp.as_ref()?;
        let from = || {
            let known = self.probes.as_ref().and_then(Probes::from).cloned();
            known.or_else(|| stamp.detect(self.schema).ok())
        };
        let (from, migrated_from, history) = self.schema.record_only(key, from)?;
        Some(Record {
            from,
            migrated_from,
            history,
        })
    }

    /// Notes a streamed key whose presence a migration asks about.
    fn note(&mut self, bit: u8, key: &Cow<'de, str>) -> Result<(), A::Error> {
        let bit = 1 << bit;
        if self.noted & bit != 0 {
            return Err(self.repeated(key.clone()));
        }
        self.noted |= bit;
        Ok(())
    }

    fn repeated(&mut self, key: Cow<'_, str>) -> A::Error {
        self.cx.fail(Error::RepeatedKey {
            type_name: self.schema.type_name(),
            key: key.into_owned(),
        })
    }

    /// The input has ended: the version is known, migrate what was captured.
    /// The engine sees every key a step could read or change, so its result
    /// (or its error) is the one it would give on the whole document.
    fn finish(&mut self) -> Result<Tail<'de>, A::Error> {
        let mut captured = mem::take(&mut self.captured);
        if self.current {
            self.cx.found = Found::Current;
            return Ok(Tail::Current(captured.into_iter()));
        }
        if let Some(record) = self.record.take() {
            if let Some(from) = self.add_record(&mut captured, record)? {
                self.cx.found = Found::Version(from);
                return Ok(Tail::Current(captured.into_iter()));
            }
        }
        let repeated = self
            .repeated_on_path
            .take()
            .map(|(_, key)| key)
            .or_else(|| {
                let path = self.schema.metadata.as_ref()?;
                capture::repeated_on_path(&captured, path.segments())
            });
        if let Some(key) = repeated {
            return Err(self.repeated(Cow::Owned(key)));
        }
        // Anywhere else: the first met, on either route.
        let mut repeat = self.repeated_elsewhere.take();
        let mut object = capture::object_noting(captured, &mut repeat);
        if let Some(key) = repeat {
            return Err(self.repeated(Cow::Owned(key)));
        }
        // The noted keys went to the struct already: the engine sees a
        // stand-in for each, which no step moves (the plan noted only keys
        // a step asks about), and which is not handed on again.
        for key in self.plan.noted(self.noted) {
            object.insert(key.to_owned(), Value::Null);
        }
        let stamp = self.stamp.take().map(|stamp| stamp.into_value(self.schema));
        self.cx.migrate(self.schema, &mut object, stamp.as_ref())?;
        for key in self.plan.noted(self.noted) {
            object.remove(key);
        }
        Ok(Tail::Migrated(object.into_iter()))
    }

    /// Adds the record to the metadata held back, when the metadata's root
    /// is all that was, and nothing else goes into it: the version the
    /// document had, or `None` when the engine must migrate what was held
    /// back (an object on the path that is not one, a history to extend,
    /// values an embedded reader kept).
    fn add_record(
        &mut self,
        captured: &mut [(Cow<'de, str>, Captured<'de>)],
        record: Record,
    ) -> Result<Option<Version>, A::Error> {
        let kept = (self.cx.nested.as_ref()).is_some_and(|sink| !sink.kept.borrow().is_empty());
        if kept || self.noted != 0 {
            return Ok(None);
        }
        let ([entry], Some(path)) = (captured, &self.schema.metadata) else {
            return Ok(None);
        };
        // Refused as the engine's route refuses them: on the path first,
        // then anywhere.
        let held = std::slice::from_ref(entry);
        let repeated = capture::repeated_on_path(held, path.segments())
            .or_else(|| capture::first_repeat(held));
        if let Some(key) = repeated {
            return Err(self.repeated(Cow::Owned(key)));
        }
        let Some(metadata) = capture::map_at(&mut entry.1, &path.segments()[1..]) else {
            return Ok(None);
        };
        if metadata.iter().any(|(key, _)| key == MIGRATION_HISTORY) {
            return Ok(None);
        }
        if !metadata.iter().any(|(key, _)| key == MIGRATED_FROM) {
            let from = Captured::Other(record.migrated_from);
            metadata.push((Cow::Borrowed(MIGRATED_FROM), from));
        }
        let history = Captured::Other(Value::Array(record.history));
        metadata.push((Cow::Borrowed(MIGRATION_HISTORY), history));
        Ok(Some(record.from))
    }

    fn next_tail<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // A second name of a renamed field is held back (`renamed.rs`).
        let next = loop {
            match self.tail.as_mut().and_then(Iterator::next) {
                Some((key, _)) if !self.cx.handed.hand(&self.schema.renamed, &key) => {}
                next => break next,
            }
        };
        let Some((key, value)) = next else {
            self.cx.handed.refuse(self.schema)?;
            return Ok(None);
        };
        self.tail_value = Some(value);
        self.last_key = key;
        self.hand_key(seed).map(Some)
    }

    /// Hands the struct `last_key`, borrowed where the input lent it.
    fn hand_key<K: DeserializeSeed<'de>>(&self, seed: K) -> Result<K::Value, A::Error> {
        match &self.last_key {
            Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(key)),
            Cow::Owned(key) => seed.deserialize(StrDeserializer::<A::Error>::new(key)),
        }
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
                if self.stamp.is_some() {
                    return Err(self.repeated(key));
                }
                let stamp = self.inner.next_value_seed(StampSeed(self.schema))?;
                self.current = stamp.is_current(self.schema);
                self.stamp = Some(stamp);
                continue;
            }
            let handling = if self.current {
                Handling::Stream
            } else if self.probes.as_ref().is_some_and(|p| p.defers(&key)) {
                // Embedded objects wait for the version, which is not known yet.
                Handling::Capture
            } else {
                self.plan.handling(&key)
            };
            match handling {
                Handling::Stream => {}
                Handling::Note(bit) => self.note(bit, &key)?,
                Handling::Capture => {
                    let value = self.capture_value(&key)?;
                    self.capture(key, value)?;
                    continue;
                }
            }
            if !self.cx.handed.hand(&self.schema.renamed, &key) {
                self.inner.next_value::<IgnoredAny>()?;
                continue;
            }
            self.last_key = key;
            return self.hand_key(seed).map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        // Tail values are migrated already, embedded objects included.
        let _scoped = match (&self.probes, &self.tail) {
            (Some(probes), None) => probes.enter(&self.last_key),
            _ => None,
        };
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

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::{json, Map, Value};

    use crate::{versioned, Error};

    #[versioned(since = "0.1.0", metadata = "context.metadata")]
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Trace {
        #[renamed_from("result", since = "0.2.0")]
        outcome: String,
        #[added_in("0.3.0")]
        #[serde(default)]
        tags: Vec<String>,
        #[removed_in("0.3.0")]
        notes: String,
        #[serde(default)]
        context: Context,
    }

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Context {
        #[serde(default)]
        agent: String,
        #[serde(default)]
        metadata: Map<String, Value>,
    }

    #[test]
    fn held_back_values_of_a_current_document_read_as_they_came() {
        let last = r#"{"context": {"agent": "a\u0062", "metadata": {"run": [1, {"x": null}]}},
            "outcome": "o", "tags": ["t"], "stray": {"s": 1}, "schema_version": "0.3.0"}"#;
        let first = r#"{"schema_version": "0.3.0", "context": {"agent": "ab",
            "metadata": {"run": [1, {"x": null}]}}, "outcome": "o", "tags": ["t"]}"#;
        let expected: Trace = serde_json::from_str(first).unwrap();
        assert_eq!(expected.context.agent, "ab");
        assert_eq!(serde_json::from_str::<Trace>(last).unwrap(), expected);
        // From a reader nothing is borrowed.
        assert_eq!(
            serde_json::from_reader::<_, Trace>(last.as_bytes()).unwrap(),
            expected
        );
        assert_eq!(
            serde_json::from_value::<Trace>(serde_json::from_str(last).unwrap()).unwrap(),
            expected
        );
    }

    #[test]
    fn keys_a_migration_only_asks_about_are_streamed_and_still_counted() {
        // `outcome`, the new name, comes before the old one: still both.
        let both = r#"{"outcome": "o", "result": "r", "notes": "n"}"#;
        let err = crate::from_str::<Trace>(both).unwrap_err();
        assert!(matches!(err, Error::Conflict { .. }), "{err}");
        // Met twice, before the version is known: named, as a captured key is.
        let twice = r#"{"tags": [], "outcome": "o", "tags": [], "schema_version": "0.2.0"}"#;
        let err = crate::from_str::<Trace>(twice).unwrap_err();
        assert!(
            matches!(&err, Error::RepeatedKey { key, .. } if key == "tags"),
            "{err}"
        );
        // An added field the old document already has is kept, not defaulted.
        let read =
            crate::from_str::<Trace>(r#"{"tags": ["t"], "result": "r", "notes": "n"}"#).unwrap();
        assert_eq!(read.value.tags, ["t"]);
        assert!(read.report.defaulted.is_empty(), "{:?}", read.report);
        assert_eq!(read.value.outcome, "r");
    }

    #[test]
    fn a_key_met_twice_among_many_held_back_is_refused() {
        let strays: Vec<String> = (0..40).map(|i| format!("\"stray_{i}\": {i}")).collect();
        let doc = format!(r#"{{"result": "r", "notes": "n", {}}}"#, strays.join(", "));
        let read = crate::from_str::<Trace>(&doc).unwrap();
        assert_eq!(
            read.value.context.metadata["legacy_unknown"]["stray_39"],
            39
        );
        assert_eq!(read.report.preserved.len(), 41, "notes and the strays");
        let twice = doc.replace(r#""notes": "n""#, r#""stray_30": 0"#);
        let err = crate::from_str::<Trace>(&twice).unwrap_err();
        assert!(
            matches!(&err, Error::RepeatedKey { key, .. } if key == "stray_30"),
            "{err}"
        );
    }

    #[test]
    fn keys_repeated_on_the_metadata_path_are_refused_wherever_the_version_is() {
        // Version first, the metadata root is read straight into a `Value`;
        // last, it is held back as it came: the same repeat is named.
        for (body, key) in [
            (
                r#""context": {"metadata": {"k": 1}, "metadata": {"k": 2}}"#,
                "context.metadata",
            ),
            (
                r#""context": {"metadata": {"k": 1, "k": 2}}"#,
                "context.metadata.k",
            ),
            // The repeat nearest the top is named, whichever came first.
            (
                r#""context": {"metadata": {"k": 1, "k": 2}, "metadata": {}}"#,
                "context.metadata",
            ),
            (
                r#""context": {"agent": "a", "agent": "b", "metadata": {"k": 1, "j": 2, "k": 3, "j": 4}}"#,
                "context.metadata.k",
            ),
            // Anywhere else, the first repeat met is named: a tree would
            // keep only its last value.
            (
                r#""context": {"agent": "a", "agent": "b", "metadata": {"run": {"x": 1}}}"#,
                "context.agent",
            ),
            (
                r#""context": {"agent": "a", "metadata": {"run": {"x": 1, "x": 2}}}"#,
                "context.metadata.run.x",
            ),
            (
                r#""context": {"agent": "a", "metadata": {"runs": [{"x": 1}, {"x": 1, "x": 2}]}}"#,
                "context.metadata.runs[1].x",
            ),
            (
                r#""extra": {"y": [1, {"z": 0, "z": 1}]}, "context": {"agent": "a", "agent": "b"}"#,
                "extra.y[1].z",
            ),
        ] {
            for doc in [
                format!(r#"{{"schema_version": "0.1.0", "result": "r", "notes": "n", {body}}}"#),
                format!(r#"{{"result": "r", "notes": "n", {body}, "schema_version": "0.1.0"}}"#),
            ] {
                let err = crate::from_str::<Trace>(&doc).unwrap_err();
                assert!(
                    matches!(&err, Error::RepeatedKey { key: found, .. } if found == key),
                    "{doc}: {err}"
                );
            }
        }
    }

    #[test]
    fn a_streamed_migration_records_what_the_engine_records() {
        let doc = json!({"result": "r", "notes": "n", "context": {"metadata": {"run": 1}}});
        let mut migrated = doc.clone();
        let report = crate::migrate::<Trace>(&mut migrated).unwrap();
        let read: Trace = serde_json::from_value(doc.clone()).unwrap();
        assert_eq!(
            Value::Object(read.context.metadata),
            migrated["context"]["metadata"]
        );
        // Through serde's entry point the report is built only on request.
        let (read, collected) =
            crate::with_report(|| serde_json::from_str::<Trace>(&doc.to_string()));
        assert_eq!(read.unwrap().outcome, "r");
        assert_eq!(collected, Some(report));
    }
}
