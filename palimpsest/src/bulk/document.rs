//! One document: detect its version cheaply, copy it through if current,
//! otherwise migrate it and write it with its version first.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::bulk::diff::diff;
use crate::bulk::report::{BulkError, Outcome};
use crate::bulk::{Migrator, Mode};
use crate::schema::Versioned;
use crate::Error;

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
}

impl<T> Migrator<T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    /// Processes one document (a JSONL line without its terminator, or a
    /// whole `.json` file). Never panics on input.
    pub(crate) fn process(&self, bytes: &[u8]) -> Processed {
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
        let schema = T::schema();
        // The fast path: a document stamped as palimpsest writes it is only
        // scanned for validity, with no tree built.
        if self.has_target_stamp(text.as_bytes())
            && serde_json::from_str::<IgnoredAny>(text).is_ok()
        {
            return Processed::kept(Outcome::Current(self.target.clone()));
        }
        if let Some(read) = self.read_directly(text) {
            return read;
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(source) => {
                return Processed::failed(Error::Syntax {
                    type_name: schema.type_name(),
                    source,
                })
            }
        };
        let version = match schema.detect(&value) {
            Ok(version) => version,
            Err(e) => return Processed::failed(e),
        };
        if version == self.target {
            return Processed::kept(Outcome::Current(version));
        }
        if self.mode == Mode::Detect {
            return Processed::kept(Outcome::Outdated(version));
        }
        let old = (self.mode == Mode::Diff).then(|| value.clone());
        let written = if self.target_is_current {
            self.upgrade(value, text)
        } else {
            self.downgrade(value)
        };
        let (report, output) = match written {
            Ok(written) => written,
            Err(e) => return Processed::failed(e),
        };
        let changes = match old {
            Some(old) => match serde_json::from_slice::<Value>(&output) {
                Ok(new) => Some(diff(&old, &new)),
                Err(e) => return Processed::failed(BulkError::Serialize(e)),
            },
            None => None,
        };
        Processed {
            outcome: Outcome::Migrated { report, changes },
            output: Some(output),
        }
    }

    /// Reads `T` straight from the text, migrating while streaming (see
    /// [`crate::from_str`]), and writes it back. `None` when this route does
    /// not apply (a dry run, an older target) or the read failed: the tree
    /// route then runs, and names the error precisely.
    fn read_directly(&self, text: &str) -> Option<Processed> {
        if !self.target_is_current || self.mode != Mode::Migrate {
            return None;
        }
        let read = crate::from_str::<T>(text).ok()?;
        if !read.report.migrated() {
            // Current, with its key somewhere other than first.
            return Some(Processed::kept(Outcome::Current(self.target.clone())));
        }
        let mut output = Vec::with_capacity(text.len() + text.len() / 8 + 64);
        let written = serde_json::to_writer(&mut output, &read.value)
            .map_err(BulkError::Serialize)
            .and_then(|()| self.stamp(&mut output));
        Some(match written {
            Ok(()) => Processed {
                outcome: Outcome::Migrated {
                    report: read.report,
                    changes: None,
                },
                output: Some(output),
            },
            Err(e) => Processed::failed(e),
        })
    }

    /// Migrates to the current version through `T`, which validates the
    /// result, and writes `T` with the stamp first.
    ///
    /// `T` is read from the migrated tree without tracking field paths;
    /// only a document that does not fit is read again, from `text`, the
    /// slow way that names the path in its error.
    fn upgrade(&self, value: Value, text: &str) -> Result<(crate::Report, Vec<u8>), BulkError> {
        let schema = T::schema();
        let Value::Object(mut object) = value else {
            return Err(schema.not_an_object(&value).into());
        };
        let from = schema.detect_in(&object)?;
        let report = schema.migrate_from(&mut object, from)?;
        if !schema.key_is_field {
            object.remove(schema.key());
        }
        let migrated = match T::deserialize_current(Value::Object(object)) {
            Ok(migrated) => migrated,
            Err(untracked) => {
                let error = crate::from_str::<T>(text)
                    .err()
                    .unwrap_or_else(|| Error::Mismatch {
                        type_name: schema.type_name(),
                        version: report.from.clone(),
                        migrated_to: Some(report.to.clone()),
                        path: String::new(),
                        message: untracked.to_string(),
                    });
                return Err(error.into());
            }
        };
        let mut output = Vec::with_capacity(text.len() + text.len() / 8 + 64);
        serde_json::to_writer(&mut output, &migrated).map_err(BulkError::Serialize)?;
        self.stamp(&mut output)?;
        Ok((report, output))
    }

    /// Migrates the tree to an older target, which `T` cannot represent, and
    /// writes it with the version key first.
    fn downgrade(&self, mut value: Value) -> Result<(crate::Report, Vec<u8>), BulkError> {
        let schema = T::schema();
        // Older documents walk forward to the target; newer ones are
        // written back for readers that have not upgraded.
        let report = match schema.migrate_to(&mut value, &self.target) {
            Err(Error::Backward { .. }) => schema.downgrade(&mut value, &self.target)?,
            other => other?,
        };
        let Value::Object(object) = &value else {
            return Err(schema.not_an_object(&value).into());
        };
        let stamped = KeyFirst {
            key: schema.key(),
            object,
        };
        let output = serde_json::to_vec(&stamped).map_err(BulkError::Serialize)?;
        Ok((report, output))
    }

    /// Whether a document starts with the target's stamp, exactly as
    /// palimpsest writes it: `{"schema_version":"0.3.0",`.
    fn has_target_stamp(&self, text: &[u8]) -> bool {
        text.strip_prefix(self.stamp.as_slice())
            .and_then(|rest| rest.first())
            .is_some_and(|next| matches!(next, b',' | b'}' | b' ' | b'\t' | b'\r' | b'\n'))
    }

    /// Puts the version entry first into `T`'s output when `T`'s own
    /// `Serialize` does not write it (a type implementing [`Versioned`] by
    /// hand over a plain serde derive); `#[versioned]` types write it
    /// themselves and are left alone.
    fn stamp(&self, output: &mut Vec<u8>) -> Result<(), BulkError> {
        let schema = T::schema();
        if output.first() != Some(&b'{') {
            return Err(BulkError::Serialize(serde::ser::Error::custom(
                format_args!(
                    "`{}` does not serialize as a JSON object",
                    schema.type_name()
                ),
            )));
        }
        if output.starts_with(&self.stamp[..self.key_len]) || schema.key_is_field {
            return Ok(());
        }
        let mut entry = self.stamp[1..].to_vec();
        if output.get(1) != Some(&b'}') {
            entry.push(b',');
        }
        output.splice(1..1, entry);
        Ok(())
    }
}

/// An object written with its version key first, the others in order.
struct KeyFirst<'a> {
    key: &'static str,
    object: &'a Map<String, Value>,
}

impl Serialize for KeyFirst<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.object.len()))?;
        if let Some(version) = self.object.get(self.key) {
            map.serialize_entry(self.key, version)?;
        }
        for (key, value) in self.object.iter().filter(|(key, _)| *key != self.key) {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
