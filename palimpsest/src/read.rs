//! Reading and migrating documents of a [`Versioned`] type, with typed errors.

use std::fmt;
use std::io;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::de::{self, Context, Located, Mode};
use crate::error::Error;
use crate::migrate::Report;
use crate::newer::Newer;
use crate::schema::Versioned;
use crate::version::Version;

/// A value read from a document, with the report of the migration it went
/// through (empty when the document was current).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Migrated<T> {
    /// The value, at the current version.
    pub value: T,
    /// What the migration did.
    pub report: Report,
}

/// Reads a JSON document into `T`, migrating it first if it is old.
///
/// Unlike `serde_json::from_str`, which migrates too when `T` is
/// `#[versioned]`, this says what ran and fails with a typed [`Error`].
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let read = palimpsest::from_str::<Note>(r#"{"body": "hello"}"#)?;
/// assert_eq!(read.value.text, "hello");
/// assert_eq!(read.report.from.to_string(), "0.0.1");
/// assert_eq!(read.report.steps.len(), 2);
/// assert_eq!(read.value.meta["migrated_from"], "0.0.1");
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Syntax`] for invalid JSON; [`Error::InexactNumber`] for an old
/// document whose migration would keep, under a `legacy_*` key of the
/// metadata, an integer serde_json reads as a rounded `f64` (none is in a
/// build with serde_json's `arbitrary_precision`; see
/// [`Schema::check_numbers`](crate::Schema::check_numbers)); otherwise as
/// [`from_value`].
pub fn from_str<T>(input: &str) -> Result<Migrated<T>, Error>
where
    T: Versioned + DeserializeOwned,
{
    Reader::new().from_str(input)
}

/// Reads a JSON document from bytes; see [`from_str`].
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let read = palimpsest::from_slice::<Note>(br#"{"body": "hi"}"#)?;
/// assert_eq!(read.value.text, "hi");
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`from_str`].
pub fn from_slice<T>(input: &[u8]) -> Result<Migrated<T>, Error>
where
    T: Versioned + DeserializeOwned,
{
    Reader::new().from_slice(input)
}

/// Reads a JSON document from a reader; see [`from_str`].
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let file: &[u8] = br#"{"schema_version": "0.1.0", "body": "hi"}"#;
/// let read = palimpsest::from_reader::<Note, _>(file)?;
/// assert_eq!((read.value.text.as_str(), read.report.steps.len()), ("hi", 1));
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// The input is read once, as it streams: nothing is buffered. Since it
/// cannot be read a second time to place an error, the field path is
/// tracked all along, which costs more than [`from_slice`] on input
/// already in memory.
///
/// # Errors
///
/// As [`from_str`]; an I/O error is reported as [`Error::Syntax`].
pub fn from_reader<T, R>(reader: R) -> Result<Migrated<T>, Error>
where
    T: Versioned + DeserializeOwned,
    R: io::Read,
{
    Reader::new().from_reader(reader)
}

/// Reads a JSON text through the one reader. Only when the document does
/// not fit `T` is the text read again, tracking the field path for the
/// error, so a successful read pays nothing for it.
fn from_text<'de, T, R>(
    mut deserializer: serde_json::Deserializer<R>,
    text: &[u8],
    (mode, newer): (Mode, Option<Newer>),
) -> Result<Migrated<T>, Error>
where
    T: Versioned + DeserializeOwned,
    R: serde_json::de::Read<'de>,
{
    let mut cx = Context::new(mode).with_newer(newer).with_floats_trusted();
    let read = de::read::<T, _>(&mut deserializer, &mut cx).and_then(|value| {
        deserializer.end()?;
        Ok(value)
    });
    let read = finish(read, cx, || {
        let mut track = crate::track::Track::new();
        let mut again = serde_json::Deserializer::from_slice(text);
        let tracked = crate::track::Deserializer::new(&mut again, &mut track);
        let again = &mut Context::new(mode).with_newer(newer).with_floats_trusted();
        let failed = de::read::<T, _>(tracked, again).is_err();
        let tree = serde_json::from_slice::<Value>(text).ok();
        Located {
            path: failed.then(|| track.path().to_string()),
            version: tree.and_then(|tree| T::schema().detect(&tree).ok()),
        }
    })?;
    crate::numbers::check_carried(T::schema(), text, &read.report)?;
    Ok(read)
}

/// The value and its report, or the typed error, of a read through the one
/// reader; `locate` places a document that does not fit `T` at its path.
fn finish<T: Versioned>(
    read: Result<T, serde_json::Error>,
    cx: Context,
    locate: impl FnOnce() -> Located,
) -> Result<Migrated<T>, Error> {
    let schema = T::schema();
    match read {
        Ok(value) => Ok(Migrated {
            value,
            report: cx.into_report(schema),
        }),
        Err(error) => Err(cx.into_error(schema, error, locate)),
    }
}

/// Migrates a parsed document and deserializes it into `T`.
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let err = palimpsest::from_value::<Note>(serde_json::json!({"body": 3})).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "`Note`: document at version 0.0.1, migrated to 0.2.0, does not fit the schema at `text`: invalid type: integer `3`, expected a string"
/// );
/// ```
///
/// A tree has no depth limit of its own: one built by a caller thousands
/// of levels deep overflows the stack here as it does in
/// `serde_json::from_value`, and as dropping it does. Text read by this
/// crate is capped at serde_json's 128 levels.
///
/// # Errors
///
/// [`Error::NotAnObject`], the errors of [`Schema::migrate`](crate::Schema::migrate), and
/// [`Error::Mismatch`] (with the field path) when the migrated document does
/// not fit `T`.
pub fn from_value<T>(document: Value) -> Result<Migrated<T>, Error>
where
    T: Versioned + DeserializeOwned,
{
    Reader::new().from_value(document)
}

/// Reads a tree through the one reader. Only when the document does not
/// fit `T` is it read again, tracking the field path for the error.
fn from_tree<T>(document: Value, (mode, newer): (Mode, Option<Newer>)) -> Result<Migrated<T>, Error>
where
    T: Versioned + DeserializeOwned,
{
    let mut cx = Context::new(mode).with_newer(newer).with_floats_trusted();
    let read = de::read::<T, _>(&document, &mut cx);
    finish(read, cx, || {
        let mut track = crate::track::Track::new();
        let tracked = crate::track::Deserializer::new(&document, &mut track);
        let again = &mut Context::new(mode).with_newer(newer).with_floats_trusted();
        let failed = de::read::<T, _>(tracked, again).is_err();
        Located {
            path: failed.then(|| track.path().to_string()),
            version: T::schema().detect(&document).ok(),
        }
    })
}

/// Reads a JSON document that must already be at the current version: the
/// guide's "user control to disable automatic migration".
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = 1)]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Counter {
///     count: u64,
/// }
///
/// assert_eq!(palimpsest::from_str_strict::<Counter>(r#"{"schema_version": 1, "count": 3}"#)?.count, 3);
/// let err = palimpsest::from_str_strict::<Counter>(r#"{"count": 3}"#).unwrap_err();
/// assert!(matches!(err, palimpsest::Error::Outdated { .. }));
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Outdated`] for a document at any other version, plus the errors
/// of [`from_str`] but those of migration.
pub fn from_str_strict<T>(input: &str) -> Result<T, Error>
where
    T: Versioned + DeserializeOwned,
{
    from_text(
        serde_json::Deserializer::from_str(input),
        input.as_bytes(),
        (Mode::Strict, None),
    )
    .map(|read| read.value)
}

/// Deserializes a parsed document that must already be at the current
/// version; see [`from_str_strict`].
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let current = serde_json::json!({"schema_version": "0.2.0", "text": "hi"});
/// assert_eq!(palimpsest::from_value_strict::<Note>(current)?.text, "hi");
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`from_str_strict`].
pub fn from_value_strict<T>(document: Value) -> Result<T, Error>
where
    T: Versioned + DeserializeOwned,
{
    from_tree(document, (Mode::Strict, None)).map(|read| read.value)
}

/// Migrates a document of `T` to the current version, in place; on error
/// it is unchanged. See [`Schema::migrate`](crate::Schema::migrate).
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let mut doc = serde_json::json!({"body": "hi"});
/// let report = palimpsest::migrate::<Note>(&mut doc)?;
/// assert_eq!(doc["text"], "hi");
/// assert_eq!(doc["meta"]["migrated_from"], "0.0.1");
/// assert_eq!(report.steps.len(), 2);
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`Schema::migrate`](crate::Schema::migrate).
pub fn migrate<T: Versioned>(document: &mut Value) -> Result<Report, Error> {
    T::schema().migrate(document)
}

/// Migrates a document of `T` to the given version, in place; on error it
/// is unchanged. See [`Schema::migrate_to`](crate::Schema::migrate_to).
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let mut doc = serde_json::json!({"body": "hi"});
/// palimpsest::migrate_to::<Note>(&mut doc, "0.1.0")?;
/// assert_eq!(doc["schema_version"], "0.1.0");
/// assert_eq!(doc["body"], "hi", "renamed only in 0.2.0");
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::MalformedVersion`] for a version that does not parse, then as
/// [`Schema::migrate_to`](crate::Schema::migrate_to).
pub fn migrate_to<T: Versioned>(
    document: &mut Value,
    version: impl fmt::Display,
) -> Result<Report, Error> {
    let schema = T::schema();
    let target = schema.parse_version(&version.to_string())?;
    schema.migrate_to(document, &target)
}

/// The version of a document of `T`; see [`Schema::detect`](crate::Schema::detect).
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let version = palimpsest::detect::<Note>(&serde_json::json!({"body": "hi"}))?;
/// assert_eq!(version.to_string(), "0.0.1");
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`Schema::detect`](crate::Schema::detect).
pub fn detect<T: Versioned>(document: &Value) -> Result<Version, Error> {
    T::schema().detect(document)
}

/// Whether a document of `T` is older than the current version.
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// assert!(palimpsest::needs_migration::<Note>(&serde_json::json!({"body": "hi"}))?);
/// assert!(!palimpsest::needs_migration::<Note>(&serde_json::json!({"schema_version": "0.2.0", "text": "hi"}))?);
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`Schema::detect`](crate::Schema::detect).
pub fn needs_migration<T: Versioned>(document: &Value) -> Result<bool, Error> {
    T::schema().needs_migration(document)
}

/// Runs a read through any serde entry point (any format, any position)
/// and returns, beside its result, the report of the migration the
/// outermost `#[versioned]` value went through: `None` when it was current.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = 1)]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Counter {
///     #[renamed_from("n", since = 2)]
///     count: u64,
/// }
///
/// let (counter, report) = palimpsest::with_report(|| serde_json::from_str::<Counter>(r#"{"n": 3}"#));
/// assert_eq!(counter?.count, 3);
/// let report = report.expect("a legacy document migrates");
/// assert_eq!((report.from.to_string(), report.steps.len()), ("0".to_owned(), 2));
///
/// let (_, report) = palimpsest::with_report(|| serde_json::from_str::<Counter>(r#"{"schema_version": 2, "count": 3}"#));
/// assert!(report.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn with_report<R>(read: impl FnOnce() -> R) -> (R, Option<Report>) {
    crate::collect::collect(read)
}

/// Options of a read through the typed entry points: what
/// [`from_str`], [`from_slice`], [`from_reader`] and [`from_value`] do
/// with their defaults, and each of them with a choice of the caller's.
///
/// ```
/// use palimpsest::{versioned, Newer, Reader};
/// use serde::{Deserialize, Serialize};
/// use serde_json::{Map, Value};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     text: String,
///     #[serde(default)]
///     meta: Map<String, Value>,
/// }
///
/// let reader = Reader::new().newer(Newer::Read);
/// let read = reader.from_str::<Note>(r#"{"schema_version": "0.2.0", "text": "hi", "pinned": true}"#)?;
/// assert_eq!(read.value.text, "hi");
/// assert_eq!(read.report.from.to_string(), "0.2.0");
/// assert_eq!(read.value.meta["forward"]["unknown"]["pinned"], true);
/// # Ok::<(), palimpsest::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Reader {
    newer: Option<Newer>,
}

impl Reader {
    /// The defaults: the type's own choices.
    pub fn new() -> Self {
        Reader::default()
    }

    /// What the read does with a document newer than the current version,
    /// whatever the type chose (`#[versioned(newer = "read")]`); see
    /// [`Newer`]. [`Newer::Read`] on a type without a metadata path makes
    /// every read [`Error::Definition`].
    pub fn newer(mut self, newer: Newer) -> Self {
        self.newer = Some(newer);
        self
    }

    fn options<T: Versioned>(&self) -> Result<(Mode, Option<Newer>), Error> {
        if self.newer == Some(Newer::Read) {
            T::schema().check_reads_newer()?;
        }
        Ok((Mode::Migrate, self.newer))
    }

    /// As [`from_str`](crate::from_str), with these options.
    ///
    /// # Errors
    ///
    /// As [`from_str`](crate::from_str).
    pub fn from_str<T>(&self, input: &str) -> Result<Migrated<T>, Error>
    where
        T: Versioned + DeserializeOwned,
    {
        from_text(
            serde_json::Deserializer::from_str(input),
            input.as_bytes(),
            self.options::<T>()?,
        )
    }

    /// As [`from_slice`](crate::from_slice), with these options.
    ///
    /// # Errors
    ///
    /// As [`from_slice`](crate::from_slice).
    pub fn from_slice<T>(&self, input: &[u8]) -> Result<Migrated<T>, Error>
    where
        T: Versioned + DeserializeOwned,
    {
        from_text(
            serde_json::Deserializer::from_slice(input),
            input,
            self.options::<T>()?,
        )
    }

    /// As [`from_reader`](crate::from_reader), with these options.
    ///
    /// # Errors
    ///
    /// As [`from_reader`](crate::from_reader).
    pub fn from_reader<T, R>(&self, reader: R) -> Result<Migrated<T>, Error>
    where
        T: Versioned + DeserializeOwned,
        R: io::Read,
    {
        let (mode, newer) = self.options::<T>()?;
        // Nothing is held whole: the field path of an error is tracked as
        // the document streams by, since the input cannot be read a second
        // time.
        let mut deserializer = serde_json::Deserializer::from_reader(reader);
        let mut track = crate::track::Track::new();
        let mut cx = Context::new(mode).with_newer(newer);
        let tracked = crate::track::Deserializer::new(&mut deserializer, &mut track);
        let read = de::read::<T, _>(tracked, &mut cx).and_then(|value| {
            deserializer.end()?;
            Ok(value)
        });
        finish(read, cx, || Located {
            path: Some(track.path().to_string()),
            version: None,
        })
    }

    /// As [`from_value`](crate::from_value), with these options.
    ///
    /// # Errors
    ///
    /// As [`from_value`](crate::from_value).
    pub fn from_value<T>(&self, document: Value) -> Result<Migrated<T>, Error>
    where
        T: Versioned + DeserializeOwned,
    {
        from_tree(document, self.options::<T>()?)
    }
}
