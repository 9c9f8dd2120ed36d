//! One document: read through palimpsest's one reader, copied through when
//! it was at the target version, otherwise written migrated, its version
//! first.

use palimpsest::{Error, Report, Versioned};
use serde::de::DeserializeOwned;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::diff::diff;
use crate::report::{BulkError, Outcome};
use crate::{Migrator, Mode};

/// A processed document: its outcome, and its new bytes when it changed.
pub(crate) struct Processed {
    pub(crate) outcome: Outcome,
    pub(crate) output: Option<Vec<u8>>,
}

impl Processed {
    fn kept(outcome: Outcome) -> Self {
        Processed {
            outcome,
            output: None,
        }
    }

    pub(crate) fn failed(error: impl Into<BulkError>) -> Self {
        Processed::kept(Outcome::Failed(error.into()))
    }

    fn migrated(report: Report, output: Vec<u8>, changes: Option<Vec<crate::Change>>) -> Self {
        Processed {
            outcome: Outcome::Migrated { report, changes },
            output: Some(output),
        }
    }
}

impl<T> Migrator<T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    /// Processes one document (a JSONL line without its terminator, or a
    /// whole `.json` file), with the migrator's context in scope. Never
    /// panics on input.
    pub(crate) fn process(&self, bytes: &[u8]) -> Processed {
        match &self.context {
            Some(context) => palimpsest::with_context(context, || self.process_in_scope(bytes)),
            None => self.process_in_scope(bytes),
        }
    }

    fn process_in_scope(&self, bytes: &[u8]) -> Processed {
        // Checked first, so that such a document is told apart from one
        // that is not JSON.
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.trim(),
            Err(e) => {
                return Processed::failed(BulkError::NotUtf8 {
                    offset: e.valid_up_to(),
                })
            }
        };
        if text.is_empty() {
            return Processed::kept(Outcome::Blank);
        }
        let processed = if self.target_is_current {
            self.upgrade(text)
        } else {
            self.rewrite(text)
        };
        match processed {
            Ok(processed) => processed,
            Err(BulkError::Document(Error::NewerVersion { version, .. })) if !self.fail_newer => {
                Processed::kept(Outcome::Newer(version))
            }
            Err(error) => Processed::failed(error),
        }
    }

    /// To the current version, through `T`: palimpsest's reader says which
    /// version the document had, migrates it if it was old and validates
    /// it, in one pass over the bytes and with no tree when it was current.
    fn upgrade(&self, text: &str) -> Result<Processed, BulkError> {
        // As text, not bytes: it is known to be UTF-8, and `from_slice`
        // would check every string of it again (a sixth of the time of a
        // whole migration, on the benchmark's corpus).
        let read = palimpsest::from_str::<T>(text)?;
        let report = read.report;
        if !report.migrated() {
            return Ok(Processed::kept(Outcome::Current(report.from)));
        }
        if self.mode == Mode::Detect {
            return Ok(Processed::kept(Outcome::Outdated(report.from)));
        }
        // The line is written anew: a number serde_json rounded would come
        // out different, so the document is refused and kept as it was.
        T::schema().check_numbers(text, &report.from)?;
        // Room for what migration usually adds (history, preserved values),
        // so that the buffer is not grown by copies as it is written.
        let mut output = Vec::with_capacity(text.len() + text.len() / 8 + 64);
        palimpsest::to_writer(&mut output, &read.value)?;
        let changes = match self.mode {
            Mode::Diff => Some(diff(
                &parse::<T>(text)?,
                &palimpsest::to_value(&read.value)?,
            )),
            _ => None,
        };
        Ok(Processed::migrated(report, output, changes))
    }

    /// To an older version, which `T` cannot represent: the document is
    /// migrated as a tree, forward or back, and written with its version
    /// key first.
    fn rewrite(&self, text: &str) -> Result<Processed, BulkError> {
        let schema = T::schema();
        let mut value = parse::<T>(text)?;
        let version = schema.detect(&value)?;
        if version == self.target {
            return Ok(Processed::kept(Outcome::Current(version)));
        }
        if self.mode == Mode::Detect {
            return Ok(Processed::kept(Outcome::Outdated(version)));
        }
        schema.check_numbers(text, &version)?;
        let old = (self.mode == Mode::Diff).then(|| value.clone());
        // Older documents walk forward to the target; newer ones are
        // written back for readers that have not upgraded.
        let report = match schema.migrate_to(&mut value, &self.target) {
            Err(Error::Backward { .. }) if self.lossy => {
                schema.downgrade_lossy(&mut value, &self.target)?
            }
            Err(Error::Backward { .. }) => schema.downgrade(&mut value, &self.target)?,
            other => other?,
        };
        let stamped = KeyFirst {
            key: schema.stamp_key(),
            value: &value,
        };
        let output = serde_json::to_vec(&stamped).map_err(|source| Error::Serialize {
            type_name: schema.type_name(),
            source,
        })?;
        let changes = old.map(|old| diff(&old, &value));
        Ok(Processed::migrated(report, output, changes))
    }
}

/// A document as a tree, for the routes that need one.
fn parse<T: Versioned>(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|source| Error::Syntax {
        type_name: T::schema().type_name(),
        source,
    })
}

/// A document written with its version key first, the other keys in
/// order; what palimpsest's own writers do for a value of `T`.
struct KeyFirst<'a> {
    key: &'static str,
    value: &'a Value,
}

impl Serialize for KeyFirst<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Value::Object(object) = self.value else {
            return self.value.serialize(serializer);
        };
        let mut map = serializer.serialize_map(Some(object.len()))?;
        if let Some(version) = object.get(self.key) {
            map.serialize_entry(self.key, version)?;
        }
        for (key, value) in object.iter().filter(|(key, _)| *key != self.key) {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
