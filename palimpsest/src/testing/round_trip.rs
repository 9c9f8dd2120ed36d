//! The round-trip law, as Kubernetes states it for its API versions: a
//! value written as any older version and read back is the value it was,
//! and an old document read and written back as its own version is the
//! document it was. Old and new builds running side by side rely on it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::diff::{leaves, render, Leaf};
use super::walk::find_fixtures;
use crate::migrate::{MIGRATED_FROM, MIGRATION_HISTORY};
use crate::schema::{Schema, Versioned};
use crate::version::Version;

/// What [`check_round_trips`] or [`check_fixture_round_trips`] checked.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoundTripReport {
    /// How many trips were made: one per sample (or fixture) and version.
    pub trips: usize,
    /// How many values (leaves) were compared, over all trips.
    pub values: usize,
    /// The trips not made, each with the reason: versions below the lowest
    /// one asked for ([`RoundTrips::down_to`]), or below a step that cannot
    /// be undone ([`RoundTrips::skip_irreversible`]).
    pub skipped: Vec<Skipped>,
}

/// A trip [`RoundTrips`] did not make, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// The sample it would have started from.
    pub origin: Origin,
    /// The older version it would have gone through.
    pub version: Version,
    /// Why it was not made.
    pub reason: String,
}

/// A trip that did not come back as it left: names the type, the sample or
/// fixture, the version and what went wrong.
#[derive(Debug)]
pub struct RoundTripError {
    // Boxed: a test helper's result stays cheap to move.
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    type_name: &'static str,
    origin: Origin,
    version: Version,
    problem: RoundTripProblem,
}

/// Where a failed trip started.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// The sample at this index of the slice given.
    Sample(usize),
    /// A fixture file.
    Fixture(PathBuf),
    /// The fixtures folder itself, which could not be walked.
    Folder(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Sample(index) => write!(f, "sample {index}"),
            Origin::Fixture(path) => write!(f, "fixture {}", path.display()),
            Origin::Folder(path) => write!(f, "fixtures folder {}", path.display()),
        }
    }
}

/// What went wrong on a trip; see [`RoundTripError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoundTripProblem {
    /// The value could not be written as the older version (a step with no
    /// inverse, a value the older version cannot hold).
    #[error("cannot be written as that version: {0}")]
    Downgrade(#[source] crate::Error),
    /// What was written as the older version does not read back.
    #[error("does not read back: {0}")]
    Upgrade(#[source] crate::Error),
    /// A value does not serialize to JSON.
    #[error("does not serialize: {0}")]
    Write(#[source] serde_json::Error),
    /// The fixtures folder could not be walked.
    #[error(transparent)]
    Fixtures(#[from] super::FixtureError),
    /// The trip came back different.
    #[error("came back changed: {}", Changes(.0))]
    Changed(Vec<Change>),
}

/// A value that a trip changed, lost or added, at its path.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Change {
    /// Where, as `steps[2].observation`.
    pub path: String,
    /// The value before the trip, if there was one there.
    pub before: Option<Value>,
    /// The value after it, if there is one there.
    pub after: Option<Value>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |value: &Option<Value>| match value {
            Some(value) => value.to_string(),
            None => "nothing".to_owned(),
        };
        write!(
            f,
            "`{}`: {} became {}",
            self.path,
            shown(&self.before),
            shown(&self.after)
        )
    }
}

struct Changes<'a>(&'a [Change]);

impl fmt::Display for Changes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, change) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{change}")?;
        }
        Ok(())
    }
}

impl RoundTripError {
    fn new(schema: &Schema, origin: Origin, version: Version, problem: RoundTripProblem) -> Self {
        RoundTripError {
            inner: Box::new(Inner {
                type_name: schema.type_name(),
                origin,
                version,
                problem,
            }),
        }
    }

    /// The versioned type.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.inner.type_name
    }

    /// Where the failed trip started.
    #[must_use]
    pub fn origin(&self) -> &Origin {
        &self.inner.origin
    }

    /// The older version the trip went through.
    #[must_use]
    pub fn version(&self) -> &Version {
        &self.inner.version
    }

    /// What went wrong.
    #[must_use]
    pub fn problem(&self) -> &RoundTripProblem {
        &self.inner.problem
    }
}

impl fmt::Display for RoundTripError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        write!(
            f,
            "`{}` {}, through version {}: {}",
            inner.type_name, inner.origin, inner.version, inner.problem
        )
    }
}

impl std::error::Error for RoundTripError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner.problem)
    }
}

/// Writes each sample as every older version the history names and reads
/// it back: each must come back as it was, value for value. The records a
/// migration adds to the metadata object (`migrated_from`,
/// `migration_history`) are not compared: they are what a trip leaves.
///
/// Samples are the values the user's code really makes; a proptest
/// strategy of the type's values makes a thorough check of it
/// (`proptest!(|(sample in traces())| assert_round_trips(&[sample]))`).
///
/// ```
/// use palimpsest::versioned;
/// use palimpsest::testing::{check_round_trips, RoundTripProblem};
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Serialize, Deserialize)]
/// struct Trace {
///     #[renamed_from("result", since = "0.2.0")]
///     outcome: String,
///     #[added_in("0.2.0")]
///     #[serde(default)]
///     tags: Vec<String>,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let plain = Trace { outcome: "ok".into(), tags: vec![], meta: Default::default() };
/// let report = check_round_trips(&[plain])?;
/// assert_eq!(report.trips, 2); // through 0.0.1 and 0.1.0
///
/// // Version 0.1.0 has no field for a tag: writing it would lose the tag,
/// // and the check says so.
/// let tagged = Trace { outcome: "ok".into(), tags: vec!["ci".into()], meta: Default::default() };
/// let err = check_round_trips(&[tagged]).unwrap_err();
/// assert!(matches!(err.problem(), RoundTripProblem::Downgrade(_)), "{err}");
/// assert!(err.to_string().contains("without losing `tags`"), "{err}");
/// # Ok::<(), palimpsest::testing::RoundTripError>(())
/// ```
///
/// # Errors
///
/// The first sample and version, in that order, whose trip fails.
pub fn check_round_trips<T>(samples: &[T]) -> Result<RoundTripReport, RoundTripError>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    RoundTrips::new(samples).check()
}

/// The round trips of [`check_round_trips`], checked down to a lowest
/// version, or past the steps that cannot be undone: a history whose first
/// step drops a value refuses every trip below it, whatever the sample
/// holds. Every trip not made is listed in the report's `skipped`, with
/// its reason.
///
/// ```
/// use palimpsest::versioned;
/// use palimpsest::testing::RoundTrips;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Serialize, Deserialize)]
/// struct Trace {
///     #[renamed_from("result", since = "0.2.0")]
///     outcome: String,
///     // The prototype's debug dump went with versioning.
///     #[removed_in("0.1.0", drop)]
///     debug: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let samples = [Trace { outcome: "ok".into(), meta: Default::default() }];
/// // Below 0.1.0 lies the drop: every trip there is refused.
/// assert!(palimpsest::testing::check_round_trips(&samples).is_err());
///
/// let report = RoundTrips::new(&samples).down_to("0.1.0")?.assert();
/// assert_eq!(report.trips, 1);
/// assert_eq!(report.skipped[0].version.to_string(), "0.0.1");
///
/// let report = RoundTrips::new(&samples).skip_irreversible().assert();
/// assert_eq!(report.trips, 1);
/// assert!(report.skipped[0].reason.ends_with("`debug` was dropped in 0.1.0; its value is gone"));
/// # Ok::<(), palimpsest::Error>(())
/// ```
#[derive(Debug)]
pub struct RoundTrips<'s, T> {
    samples: &'s [T],
    lowest: Option<Version>,
    skip_irreversible: bool,
}

impl<'s, T> RoundTrips<'s, T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    /// The trips of `samples` through every older version.
    #[must_use]
    pub fn new(samples: &'s [T]) -> Self {
        RoundTrips {
            samples,
            lowest: None,
            skip_irreversible: false,
        }
    }

    /// Checks no version older than `version`.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedVersion`](crate::Error::MalformedVersion) or
    /// [`Error::UnknownVersion`](crate::Error::UnknownVersion) when
    /// `version` is not one of `T`'s.
    pub fn down_to(mut self, version: impl fmt::Display) -> Result<Self, crate::Error> {
        self.lowest = Some(T::schema().version(&version.to_string())?);
        Ok(self)
    }

    /// Skips, for each sample, every version its downgrade to is refused as
    /// [`Error::Irreversible`](crate::Error::Irreversible) (a step below
    /// it with no inverse), with the refusal as the reason; any other
    /// failure still fails the check.
    #[must_use]
    pub fn skip_irreversible(mut self) -> Self {
        self.skip_irreversible = true;
        self
    }

    /// Makes the trips; see [`check_round_trips`].
    ///
    /// # Errors
    ///
    /// The first sample and version, in that order, whose trip fails.
    pub fn check(&self) -> Result<RoundTripReport, RoundTripError> {
        let schema = T::schema();
        let mut report = RoundTripReport {
            trips: 0,
            values: 0,
            skipped: Vec::new(),
        };
        for (index, sample) in self.samples.iter().enumerate() {
            let fail = |version: &Version, problem| {
                RoundTripError::new(schema, Origin::Sample(index), version.clone(), problem)
            };
            let mut skip = |version: &Version, reason: String| {
                report.skipped.push(Skipped {
                    origin: Origin::Sample(index),
                    version: version.clone(),
                    reason,
                });
            };
            let current = crate::to_value(sample)
                .map_err(|e| fail(schema.current(), RoundTripProblem::Downgrade(e)))?;
            for version in older_versions(schema) {
                if let Some(lowest) = self.lowest.as_ref().filter(|lowest| version < *lowest) {
                    skip(
                        version,
                        format!("below {lowest}, the lowest version checked"),
                    );
                    continue;
                }
                let old = match crate::to_value_as(sample, version) {
                    Err(e @ crate::Error::Irreversible { .. }) if self.skip_irreversible => {
                        skip(version, e.to_string());
                        continue;
                    }
                    old => old.map_err(|e| fail(version, RoundTripProblem::Downgrade(e)))?,
                };
                let back = crate::from_value::<T>(old)
                    .map_err(|e| fail(version, RoundTripProblem::Upgrade(e)))?;
                let back = serde_json::to_value(&back.value)
                    .map_err(|e| fail(version, RoundTripProblem::Write(e)))?;
                report.values += compare(schema, &current, &back)
                    .map_err(|changes| fail(version, RoundTripProblem::Changed(changes)))?;
                report.trips += 1;
            }
        }
        Ok(report)
    }

    /// [`RoundTrips::check`], panicking with the first failure: for tests.
    ///
    /// # Panics
    ///
    /// When [`RoundTrips::check`] fails; the message is the error's.
    #[track_caller]
    pub fn assert(&self) -> RoundTripReport {
        match self.check() {
            Ok(report) => report,
            Err(error) => panic!("{error}"),
        }
    }
}

/// [`check_round_trips`], panicking with the first failure: for tests.
///
/// # Panics
///
/// When [`check_round_trips`] fails; the message is the error's.
#[track_caller]
pub fn assert_round_trips<T>(samples: &[T]) -> RoundTripReport
where
    T: Versioned + Serialize + DeserializeOwned,
{
    RoundTrips::new(samples).assert()
}

/// Reads each old fixture under `dir` (laid out as for
/// [`check_fixtures`](super::check_fixtures)) into the current type and
/// writes it back as its own version: it must be the document it was,
/// value for value, save the records the migration added to the metadata
/// object. Fixtures of the current version make no trip.
///
/// ```
/// use palimpsest::versioned;
/// use palimpsest::testing::check_fixture_round_trips;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0", metadata = "meta")]
/// #[derive(Serialize, Deserialize)]
/// struct Trace {
///     #[renamed_from("result", since = "0.2.0")]
///     outcome: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// # let dir = std::env::temp_dir().join(format!("palimpsest-doc-round-trip-{}", std::process::id()));
/// # std::fs::create_dir_all(dir.join("0.1.0")).unwrap();
/// # std::fs::write(dir.join("0.1.0/ok.json"), r#"{"schema_version": "0.1.0", "result": "ok"}"#).unwrap();
/// let report = check_fixture_round_trips::<Trace>(&dir)?;
/// assert_eq!(report.trips, 1);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), palimpsest::testing::RoundTripError>(())
/// ```
///
/// # Errors
///
/// The first fixture, in path order, whose trip fails; a folder that
/// cannot be walked.
pub fn check_fixture_round_trips<T>(
    dir: impl AsRef<Path>,
) -> Result<RoundTripReport, RoundTripError>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    let dir = dir.as_ref();
    let schema = T::schema();
    let fixtures = find_fixtures(schema, dir).map_err(|e| {
        RoundTripError::new(
            schema,
            Origin::Folder(dir.to_owned()),
            schema.current().clone(),
            RoundTripProblem::Fixtures(e),
        )
    })?;
    let mut report = RoundTripReport {
        trips: 0,
        values: 0,
        skipped: Vec::new(),
    };
    for (file, version) in fixtures {
        if version == *schema.current() {
            continue;
        }
        let fail = |problem| {
            RoundTripError::new(
                schema,
                Origin::Fixture(file.clone()),
                version.clone(),
                problem,
            )
        };
        let document = super::read_fixture(schema, &file, &version)
            .map_err(|e| fail(RoundTripProblem::Fixtures(e)))?;
        let read = crate::from_value::<T>(document.clone())
            .map_err(|e| fail(RoundTripProblem::Upgrade(e)))?;
        let written = crate::to_value_as(&read.value, &version)
            .map_err(|e| fail(RoundTripProblem::Downgrade(e)))?;
        report.values += compare(schema, &document, &written)
            .map_err(|changes| fail(RoundTripProblem::Changed(changes)))?;
        report.trips += 1;
    }
    Ok(report)
}

/// [`check_fixture_round_trips`], panicking with the first failure: for
/// tests.
///
/// # Panics
///
/// When [`check_fixture_round_trips`] fails; the message is the error's.
#[track_caller]
pub fn assert_fixture_round_trips<T>(dir: impl AsRef<Path>) -> RoundTripReport
where
    T: Versioned + Serialize + DeserializeOwned,
{
    match check_fixture_round_trips::<T>(dir) {
        Ok(report) => report,
        Err(error) => panic!("{error}"),
    }
}

fn older_versions(schema: &Schema) -> impl Iterator<Item = &Version> {
    schema
        .versions()
        .iter()
        .filter(move |version| *version != schema.current())
}

/// The leaves of `before` and `after` compared path by path, or what
/// differs. The version stamp and the migration's own records are left
/// out; so are `null` and empty containers, which hold nothing to lose
/// (an older version may not write a field whose value is empty).
fn compare(schema: &Schema, before: &Value, after: &Value) -> Result<usize, Vec<Change>> {
    let before = comparable(schema, before);
    let after = comparable(schema, after);
    let mut changes = Vec::new();
    for (path, leaf) in &before {
        match after.get(path) {
            Some(other) if other.scalar == leaf.scalar => {}
            other => changes.push(Change {
                path: path.clone(),
                before: Some(leaf.value.clone()),
                after: other.map(|leaf| leaf.value.clone()),
            }),
        }
    }
    for (path, leaf) in &after {
        if !before.contains_key(path) {
            changes.push(Change {
                path: path.clone(),
                before: None,
                after: Some(leaf.value.clone()),
            });
        }
    }
    if changes.is_empty() {
        Ok(before.len())
    } else {
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        Err(changes)
    }
}

fn comparable<'a>(schema: &Schema, document: &'a Value) -> BTreeMap<String, Leaf<'a>> {
    let mut found = Vec::new();
    leaves(document, &mut Vec::new(), &mut found);
    // In the envelope layout the stamp stands beside the data, and the
    // metadata object inside it.
    let key = schema.stamp_key();
    let data = match schema.layout() {
        crate::Layout::Inline => String::new(),
        crate::Layout::Envelope => format!("{}.", crate::envelope::DATA),
    };
    let records: Vec<String> = schema
        .metadata()
        .map(|metadata| {
            [MIGRATED_FROM, MIGRATION_HISTORY]
                .iter()
                .map(|record| format!("{data}{metadata}.{record}"))
                .collect()
        })
        .unwrap_or_default();
    found
        .into_iter()
        .map(|leaf| (render(&leaf.path), leaf))
        .filter(|(path, _)| {
            let is_record = |record: &String| {
                path.strip_prefix(record.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
            };
            path != key && !records.iter().any(is_record)
        })
        .collect()
}
