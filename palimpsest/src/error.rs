//! The one error type of palimpsest.

use std::fmt;

use crate::ops::convert::ConvertError;
use crate::version::{ParseVersionError, Version};

/// The error a hand-written step may return: any error type of the user's.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while detecting, migrating or reading a
/// versioned document.
///
/// Every message names the type, the versions and the field path involved,
/// so a log line alone tells which document failed, where, and why. A failed
/// migration never changes the caller's value.
///
/// ```
/// use palimpsest::{Error, Schema, Step};
/// use serde_json::json;
///
/// let schema = Schema::semver("Config", "0.2.0")
///     .step(Step::new("0.0.1", "0.1.0"))
///     .step(Step::new("0.1.0", "0.2.0").rename("size", "capacity"))
///     .build()?;
///
/// let mut doc = json!({"schema_version": "0.1.0", "size": 1, "capacity": 2});
/// let err = schema.migrate(&mut doc).unwrap_err();
/// assert!(matches!(err, Error::Conflict { .. }));
/// assert_eq!(
///     err.to_string(),
///     "`Config`: migrating 0.1.0 -> 0.2.0: both the old name `size` and the new name `capacity` are present"
/// );
/// assert_eq!(doc["size"], 1); // untouched
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// New variants may come, and the variants that describe a document may
/// gain fields (a version, a path) in a minor release: match them with
/// `..`. [`Error::Syntax`] and [`Error::Serialize`], which code reading or
/// writing documents on palimpsest's behalf builds (the bulk engine does),
/// keep the fields they have.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The version key holds something that is not a version of the type's scheme.
    #[non_exhaustive]
    #[error("`{type_name}`: {source} at `{key}`")]
    MalformedVersion {
        /// The versioned type.
        type_name: &'static str,
        /// The version key.
        key: &'static str,
        /// What was found and why it is not a version.
        #[source]
        source: ParseVersionError,
    },

    /// The document's version is older than the current one but is none of
    /// the versions the type's history names (with integer versions: older
    /// than the legacy one, since every integer between the legacy and the
    /// current version is known).
    #[non_exhaustive]
    #[error("`{type_name}`: unknown schema version {version} at `{key}` (known: {known})", known = VersionList(known))]
    UnknownVersion {
        /// The versioned type.
        type_name: &'static str,
        /// The version key.
        key: &'static str,
        /// The version found.
        version: Version,
        /// Every version the type knows, oldest first.
        known: Vec<Version>,
    },

    /// The document was written by a newer build than this one.
    #[non_exhaustive]
    #[error("`{type_name}`: document at `{key}` is version {version}, newer than {current}, the newest this build reads")]
    NewerVersion {
        /// The versioned type.
        type_name: &'static str,
        /// The version key.
        key: &'static str,
        /// The version found.
        version: Version,
        /// The current version of the type.
        current: Version,
    },

    /// The document, or an object on the metadata path, is not a JSON object.
    #[non_exhaustive]
    #[error("`{type_name}`: {at}expected an object at `{path}`, found {found}", path = Path(path), at = AtVersion(version))]
    NotAnObject {
        /// The versioned type.
        type_name: &'static str,
        /// The version of the document whose migration met the non-object;
        /// `None` when no version was known (the document itself is not an
        /// object, or a reader's own check failed before any step).
        version: Option<Version>,
        /// Where the object was expected; empty for the document itself.
        path: String,
        /// What was found instead.
        found: &'static str,
    },

    /// A rename found both the old and the new name in one document.
    #[non_exhaustive]
    #[error("`{type_name}`: migrating {from} -> {to}: both the old name `{old}` and the new name `{new}` are present")]
    Conflict {
        /// The versioned type.
        type_name: &'static str,
        /// The version the step starts from.
        from: Version,
        /// The version the step leads to.
        to: Version,
        /// The old name of the field.
        old: String,
        /// The new name of the field.
        new: String,
    },

    /// The registered steps do not connect the document's version to the target.
    #[non_exhaustive]
    #[error("`{type_name}`: no migration path from {from} to {to}: no step leaves {gap}")]
    NoPath {
        /// The versioned type.
        type_name: &'static str,
        /// The document's version.
        from: Version,
        /// The version asked for.
        to: Version,
        /// The version the path could not get past.
        gap: Version,
    },

    /// The target is older than the document: steps only go forward.
    #[non_exhaustive]
    #[error(
        "`{type_name}`: cannot migrate from {from} back to {to}: migration steps only go forward"
    )]
    Backward {
        /// The versioned type.
        type_name: &'static str,
        /// The document's version.
        from: Version,
        /// The older version asked for.
        to: Version,
    },

    /// A document cannot be rewritten as the older version asked for.
    #[non_exhaustive]
    #[error("`{type_name}`: cannot write version {to} from {from}: {reason}")]
    Irreversible {
        /// The versioned type.
        type_name: &'static str,
        /// The document's version.
        from: Version,
        /// The older version asked for.
        to: Version,
        /// Which step cannot be undone, and why.
        reason: String,
    },

    /// A downgrade would let go of a value an older version has no place
    /// for: a field added after that version, holding more than its
    /// default. [`Schema::downgrade_lossy`](crate::Schema::downgrade_lossy)
    /// and [`to_value_as_lossy`](crate::to_value_as_lossy) write the
    /// document anyway and list the value in the report's `lost`.
    #[non_exhaustive]
    #[error("`{type_name}`: cannot write version {to} from {from} without losing `{path}`, added in {added}, which holds {value}, not its default; a lossy downgrade lets it go")]
    WouldLose {
        /// The versioned type.
        type_name: &'static str,
        /// The document's version.
        from: Version,
        /// The older version asked for.
        to: Version,
        /// The version that added the field.
        added: Version,
        /// The field's exact path (`steps[3].tags`; `tags` at the root).
        path: String,
        /// The value it holds.
        value: serde_json::Value,
    },

    /// A document without a version key fits the keys of several of the
    /// versions written without one equally well (see
    /// [`SchemaBuilder::unversioned`](crate::SchemaBuilder::unversioned)):
    /// palimpsest does not guess between them.
    #[error(
        "`{type_name}`: a document without `{key}` fits versions {candidates} equally ({mismatches} each; keys that decided nothing: {undecided}): palimpsest does not guess; write `{key}` into the document, or tell these versions' keys apart",
        candidates = VersionList(candidates),
        mismatches = crate::shape::Mismatches(*mismatches),
        undecided = crate::shape::Quoted(undecided)
    )]
    AmbiguousShape {
        /// The versioned type.
        type_name: &'static str,
        /// The version key.
        key: &'static str,
        /// The versions whose keys fit best, equally, oldest first.
        candidates: Vec<Version>,
        /// The mismatches each of them counted.
        mismatches: usize,
        /// The document's keys that every candidate writes, or none does.
        undecided: Vec<String>,
    },

    /// A hand-written step or a conversion needs a context value of a type
    /// the caller did not supply through [`with_context`](crate::with_context).
    #[error("`{type_name}`: step {from} -> {to} needs a context of type `{context}`, and none was given: run the read inside `palimpsest::with_context`")]
    MissingContext {
        /// The versioned type.
        type_name: &'static str,
        /// The version the step starts from (in a downgrade, the newer one).
        from: Version,
        /// The version the step leads to.
        to: Version,
        /// The type of the context the step needs.
        context: &'static str,
    },

    /// A hand-written step returned an error.
    #[non_exhaustive]
    #[error("`{type_name}`: step {from} -> {to} failed: {source}")]
    StepFailed {
        /// The versioned type.
        type_name: &'static str,
        /// The version the step starts from.
        from: Version,
        /// The version the step leads to.
        to: Version,
        /// The step's own error.
        #[source]
        source: BoxError,
    },

    /// A field's value could not be converted by a step (`#[converted]`,
    /// `#[wrapped]`, `#[unwrapped]`, `#[renamed_keys]`), or back by a
    /// downgrade; `reason` says why.
    #[non_exhaustive]
    #[error("`{type_name}`: migrating {from} -> {to}: cannot convert `{path}`: {reason}")]
    Convert {
        /// The versioned type.
        type_name: &'static str,
        /// The version the step starts from (in a downgrade, the newer one).
        from: Version,
        /// The version the step leads to.
        to: Version,
        /// The field path of the value: `user_id`, `steps[3].tool_calls`.
        path: String,
        /// Why it could not be converted.
        #[source]
        reason: ConvertError,
    },

    /// A document does not fit the typed snapshot a step reads it as.
    #[non_exhaustive]
    #[error("`{type_name}`: document at version {version} does not fit the snapshot `{snapshot}` at `{path}`: {message}", path = Path(path))]
    Snapshot {
        /// The versioned type.
        type_name: &'static str,
        /// The snapshot type.
        snapshot: &'static str,
        /// The version the step starts from.
        version: Version,
        /// The field path of the offending value; empty for the document itself.
        path: String,
        /// What serde said.
        message: String,
    },

    /// An old document failed the type's integrity check, run before any
    /// step.
    #[non_exhaustive]
    #[error("`{type_name}`: document at version {version} failed its integrity check: {source}")]
    Integrity {
        /// The versioned type.
        type_name: &'static str,
        /// The document's version.
        version: Version,
        /// The check's own error.
        #[source]
        source: BoxError,
    },

    /// The migrated document does not deserialize into the type.
    #[non_exhaustive]
    #[error("`{type_name}`: document at version {version}{migrated} does not fit the schema at `{path}`: {message}", path = Path(path), migrated = MigratedTo(migrated_to))]
    Mismatch {
        /// The versioned type.
        type_name: &'static str,
        /// The version the document had.
        version: Version,
        /// The version it was migrated to before it was checked, if it was.
        migrated_to: Option<Version>,
        /// The field path of the offending value; empty for the document itself.
        path: String,
        /// What serde said.
        message: String,
    },

    /// A key the migration reads (the version key, an old name, a removed
    /// or unclaimed field), or a field of the struct, appears twice in one
    /// object of the document: keeping either value would drop the other
    /// without a word.
    #[non_exhaustive]
    #[error("`{type_name}`: the key `{key}` appears more than once in the document; both values are kept by refusing it")]
    RepeatedKey {
        /// The versioned type.
        type_name: &'static str,
        /// The repeated key, after the path of its object when that is
        /// not the document itself (`items[0].label`).
        key: String,
    },

    /// An old document holds an integer beyond `u64`/`i64` that this build's
    /// serde_json reads as a rounded `f64`, where palimpsest would carry it
    /// to the migrated document: refused, never rounded. Turn on
    /// serde_json's `arbitrary_precision` feature to keep every number
    /// exactly.
    ///
    /// A reader without the document's text (`serde_json::from_str::<T>`,
    /// `from_reader`) is handed the float, not the digits: it refuses an
    /// integral float beyond `i64`/`u64` bound for the metadata, which may
    /// be such a rounding (`digits_seen` is false). `1e20`, exact, is refused
    /// with it; [`from_str`](crate::from_str) reads the digits and keeps it.
    #[non_exhaustive]
    #[error("{}", Inexact { type_name, version, path, literal, digits_seen: *digits_seen })]
    InexactNumber {
        /// The versioned type.
        type_name: &'static str,
        /// The document's version.
        version: Version,
        /// Dotted path of the number in the document.
        path: String,
        /// The integer as the document spells it; when `digits_seen` is
        /// false, the float the reader was handed, in exponent notation.
        literal: String,
        /// Whether `literal` was read from the document's text, or is a
        /// float that may be the rounding of a longer integer.
        digits_seen: bool,
    },

    /// A value did not serialize as a JSON object that can carry its
    /// version.
    #[error("`{type_name}`: cannot write the document: {source}")]
    Serialize {
        /// The versioned type.
        type_name: &'static str,
        /// What the serializer said.
        #[source]
        source: serde_json::Error,
    },

    /// A strict read met a document that is not at the current version.
    #[non_exhaustive]
    #[error("`{type_name}`: document at `{key}` is version {found}; strict reading requires {current} and migrates nothing")]
    Outdated {
        /// The versioned type.
        type_name: &'static str,
        /// The version key.
        key: &'static str,
        /// The version found.
        found: Version,
        /// The current version of the type.
        current: Version,
    },

    /// The input is not valid JSON.
    #[error("`{type_name}`: invalid JSON: {source}")]
    Syntax {
        /// The versioned type.
        type_name: &'static str,
        /// The parser's error, with line and column.
        #[source]
        source: serde_json::Error,
    },

    /// A schema built by hand is inconsistent (the macro rejects these at compile time).
    #[non_exhaustive]
    #[error("`{type_name}`: invalid schema definition: {message}")]
    Definition {
        /// The versioned type.
        type_name: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    /// Names `version` in an [`Error::NotAnObject`] that a migration of a
    /// document at that version met and that names none yet: the ops that
    /// walk a metadata path know the path, not the document's version.
    pub(crate) fn in_version(mut self, from: &Version) -> Error {
        if let Error::NotAnObject {
            version: version @ None,
            ..
        } = &mut self
        {
            *version = Some(from.clone());
        }
        self
    }

    /// The versioned type the error is about.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Error::MalformedVersion { type_name, .. }
            | Error::UnknownVersion { type_name, .. }
            | Error::NewerVersion { type_name, .. }
            | Error::NotAnObject { type_name, .. }
            | Error::Conflict { type_name, .. }
            | Error::Convert { type_name, .. }
            | Error::NoPath { type_name, .. }
            | Error::Backward { type_name, .. }
            | Error::Irreversible { type_name, .. }
            | Error::WouldLose { type_name, .. }
            | Error::StepFailed { type_name, .. }
            | Error::AmbiguousShape { type_name, .. }
            | Error::MissingContext { type_name, .. }
            | Error::Mismatch { type_name, .. }
            | Error::RepeatedKey { type_name, .. }
            | Error::InexactNumber { type_name, .. }
            | Error::Serialize { type_name, .. }
            | Error::Snapshot { type_name, .. }
            | Error::Integrity { type_name, .. }
            | Error::Outdated { type_name, .. }
            | Error::Syntax { type_name, .. }
            | Error::Definition { type_name, .. } => type_name,
        }
    }
}

/// A field path as messages show it: the document itself is `(root)`.
struct Path<'a>(&'a str);

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() || self.0 == "." {
            f.write_str("(root)")
        } else {
            f.write_str(self.0)
        }
    }
}

/// The message of [`Error::InexactNumber`]: what the digits became, or,
/// without the digits, what the float may have been.
struct Inexact<'a> {
    type_name: &'a str,
    version: &'a Version,
    path: &'a str,
    literal: &'a str,
    digits_seen: bool,
}

impl fmt::Display for Inexact<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Inexact {
            type_name,
            version,
            path,
            literal,
            digits_seen,
        } = self;
        let path = Path(path);
        if *digits_seen {
            let rounded = literal.parse::<f64>().unwrap_or(f64::NAN);
            write!(
                f,
                "`{type_name}`: document at version {version} holds the integer {literal} at `{path}`, which would be migrated as {rounded:e}; enable serde_json's `arbitrary_precision` feature to keep it exact"
            )
        } else {
            write!(
                f,
                "`{type_name}`: document at version {version} would carry the number {literal} to `{path}`, beyond 64-bit integers, which serde_json may have rounded from a longer integer; read the text with `palimpsest::from_str`, or enable serde_json's `arbitrary_precision` feature, to keep it exact"
            )
        }
    }
}

/// `document at version 0.2.0: ` before what a migration of it met, when
/// the version is known.
struct AtVersion<'a>(&'a Option<Version>);

impl fmt::Display for AtVersion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(version) => write!(f, "document at version {version}: "),
            None => Ok(()),
        }
    }
}

/// `, migrated to 0.3.0` after the version of a document that was.
struct MigratedTo<'a>(&'a Option<Version>);

impl fmt::Display for MigratedTo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(version) => write!(f, ", migrated to {version},"),
            None => Ok(()),
        }
    }
}

struct VersionList<'a>(&'a [Version]);

impl fmt::Display for VersionList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            fmt::Display::fmt(v, f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Users return `Result<_, palimpsest::Error>` from their own functions;
    /// past 128 bytes clippy's `result_large_err` would flag every one.
    #[test]
    fn the_error_stays_small_enough_to_return() {
        assert!(
            std::mem::size_of::<Error>() <= 128,
            "{}",
            std::mem::size_of::<Error>()
        );
    }
}
