//! What a fixture check returns: the report of the fixtures that passed,
//! or the error naming the fixture that failed and its [`Problem`].

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::diff::LostValue;
use crate::migrate::{Report, MIGRATED_FROM};
use crate::version::{ParseVersionError, Version};

/// What [`check_fixtures`](super::check_fixtures) checked: one entry per fixture, in path order.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FixtureReport {
    /// The fixtures, sorted by path.
    pub fixtures: Vec<CheckedFixture>,
}

impl FixtureReport {
    /// How many fixtures of `version` were checked.
    #[must_use]
    pub fn count_at(&self, version: &Version) -> usize {
        self.fixtures
            .iter()
            .filter(|f| f.version == *version)
            .count()
    }
}

/// One fixture that passed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CheckedFixture {
    /// The fixture's file.
    pub file: PathBuf,
    /// The version its folder (or file name) names.
    pub version: Version,
    /// What reading it migrated.
    pub report: Report,
    /// How many values (leaves) of the document were found again.
    pub values: usize,
}

/// A fixture that failed a check, or a fixtures folder that could not be
/// read: names the type, the file, its version and what went wrong.
///
/// ```
/// # use std::sync::OnceLock;
/// # use palimpsest::{Schema, Step, Versioned};
/// # use serde::{Deserialize, Serialize};
/// use palimpsest::testing::{check_fixtures, Problem};
///
/// #[derive(Serialize, Deserialize)]
/// struct Note {
///     text: String,
/// }
///
/// impl Versioned for Note {
///     fn schema() -> &'static Schema {
///         static SCHEMA: OnceLock<Schema> = OnceLock::new();
///         // A hand-written step that loses `color`, which the history
///         // never said may go (a `drop_field` would have said so).
///         SCHEMA.get_or_init(|| {
///             Schema::semver("Note", "0.1.0")
///                 .step(Step::new("0.0.1", "0.1.0").with(|doc| {
///                     doc.remove("color");
///                     Ok::<(), &str>(())
///                 }))
///                 .build()
///                 .unwrap()
///         })
///     }
/// }
///
/// # let dir = std::env::temp_dir().join(format!("palimpsest-doc-fixture-error-{}", std::process::id()));
/// # std::fs::create_dir_all(dir.join("0.0.1")).unwrap();
/// # std::fs::write(dir.join("0.0.1/red.json"), r#"{"text": "hi", "color": "red"}"#).unwrap();
/// let err = check_fixtures::<Note>(&dir).unwrap_err();
/// assert_eq!(err.version().map(ToString::to_string).as_deref(), Some("0.0.1"));
/// let Problem::Lost(lost) = err.problem() else { panic!("{err}") };
/// assert_eq!(lost[0].path, "color");
/// assert!(err.to_string().ends_with(r#"value lost: `color` ("red")"#), "{err}");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct FixtureError {
    // Boxed: results of a test helper should stay cheap to move even when
    // the error carries a migration error and a list of values.
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    type_name: &'static str,
    file: PathBuf,
    version: Option<Version>,
    problem: Problem,
}

/// What is wrong with a fixture; see [`FixtureError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The folder or file could not be read.
    #[error("cannot read: {0}")]
    Io(#[source] io::Error),
    /// The folder holds no fixture: a check that checks nothing would pass.
    #[error("no fixtures found: expected <version>/<name>.json or <version>.json")]
    NoFixtures,
    /// A folder or file name that should be a version is not one.
    #[error("the name is not a version of the type: {0}")]
    NotAVersion(#[source] ParseVersionError),
    /// The file is not valid JSON.
    #[error("invalid JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The document carries another version than its folder names.
    #[error("the document is version {found}, not the version its folder names")]
    WrongVersion {
        /// The version the document carries.
        found: Version,
    },
    /// The document does not read into the current type.
    #[error("does not read: {0}")]
    Read(#[source] crate::Error),
    /// The value read does not serialize to JSON.
    #[error("the value read does not serialize: {0}")]
    Write(#[source] serde_json::Error),
    /// The metadata object does not record the version the document came from.
    #[error("`{path}.{MIGRATED_FROM}` is {found}, expected {expected}", found = Shown(found.as_ref()))]
    MigratedFrom {
        /// The metadata path.
        path: String,
        /// What it should record.
        expected: Value,
        /// What it records, if anything.
        found: Option<Value>,
    },
    /// Values of the old document are nowhere in the migrated one.
    #[error("value lost: {}", Lost(.0))]
    Lost(Vec<LostValue>),
}

impl FixtureError {
    pub(super) fn new(
        type_name: &'static str,
        file: &Path,
        version: Option<&Version>,
        problem: Problem,
    ) -> Self {
        FixtureError {
            inner: Box::new(Inner {
                type_name,
                file: file.to_owned(),
                version: version.cloned(),
                problem,
            }),
        }
    }

    /// The versioned type whose fixtures were checked.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.inner.type_name
    }

    /// The fixture, or the folder, at fault.
    #[must_use]
    pub fn file(&self) -> &Path {
        &self.inner.file
    }

    /// The fixture's version, once its name was read as one.
    #[must_use]
    pub fn version(&self) -> Option<&Version> {
        self.inner.version.as_ref()
    }

    /// What went wrong.
    #[must_use]
    pub fn problem(&self) -> &Problem {
        &self.inner.problem
    }
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        write!(f, "`{}` fixture {}", inner.type_name, inner.file.display())?;
        if let Some(version) = &inner.version {
            write!(f, " (version {version})")?;
        }
        write!(f, ": {}", inner.problem)
    }
}

impl std::error::Error for FixtureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner.problem)
    }
}

struct Shown<'a>(Option<&'a Value>);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(value) => fmt::Display::fmt(value, f),
            None => f.write_str("missing"),
        }
    }
}

struct Lost<'a>(&'a [LostValue]);

impl fmt::Display for Lost<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 3;
        for (i, lost) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            fmt::Display::fmt(lost, f)?;
        }
        if self.0.len() > SHOWN {
            write!(f, " and {} more", self.0.len() - SHOWN)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn lost(n: usize) -> Vec<LostValue> {
        (0..n)
            .map(|i| LostValue {
                path: format!("steps[{i}]"),
                value: json!(i),
            })
            .collect()
    }

    #[test]
    fn a_long_list_of_lost_values_is_cut_after_three() {
        let err = FixtureError::new("Note", Path::new("f.json"), None, Problem::Lost(lost(5)));
        assert_eq!(
            err.to_string(),
            "`Note` fixture f.json: value lost: `steps[0]` (0), `steps[1]` (1), `steps[2]` (2) and 2 more"
        );
        let err = FixtureError::new("Note", Path::new("f.json"), None, Problem::Lost(lost(1)));
        assert!(
            err.to_string().ends_with("value lost: `steps[0]` (0)"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_migrated_from_is_said_missing() {
        let problem = Problem::MigratedFrom {
            path: "meta".into(),
            expected: json!("0.0.1"),
            found: None,
        };
        assert_eq!(
            problem.to_string(),
            r#"`meta.migrated_from` is missing, expected "0.0.1""#
        );
    }
}
