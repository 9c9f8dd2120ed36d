//! Migration testing with real data, in one line.
//!
//! Keep real documents of every old version in a fixtures folder, one
//! subfolder per version:
//!
//! ```text
//! tests/fixtures/execution_trace/
//!     0.0.1/minimal.json
//!     0.0.1/rich.json
//!     0.1.0/typical.json
//!     0.2.0.json          <- a single document may also stand as <version>.json
//! ```
//!
//! and [`assert_fixtures`] checks, for each of them, what the migration
//! guide promises:
//!
//! 1. the document is the version its folder names;
//! 2. it reads into the current type (through [`crate::from_value`], so the
//!    migration runs);
//! 3. for an old document, the type's metadata object records where it came
//!    from: `migrated_from` is the folder's version (or, for a document an
//!    earlier migration already touched, the version it recorded then);
//! 4. nothing is lost: every value of the old document is still somewhere
//!    in the value read, written back to JSON, metadata object included,
//!    where removed fields are preserved.
//!
//! A "value" is a leaf: a string, a number or a boolean. `null`, `[]` and
//! `{}` hold nothing to lose, and the version stamp is not data. Each leaf
//! counts once: a document with "ok" in two places must still have two.
//!
//! ```
//! # use std::sync::OnceLock;
//! # use palimpsest::{Schema, Step, Versioned};
//! # use serde::{Deserialize, Serialize};
//! # #[derive(Serialize, Deserialize)]
//! # struct Note { text: String, #[serde(default)] meta: serde_json::Map<String, serde_json::Value> }
//! # impl Versioned for Note {
//! #     fn schema() -> &'static Schema {
//! #         static SCHEMA: OnceLock<Schema> = OnceLock::new();
//! #         SCHEMA.get_or_init(|| Schema::semver("Note", "0.1.0").metadata("meta")
//! #             .step(Step::new("0.0.1", "0.1.0").rename("body", "text")).build().unwrap())
//! #     }
//! # }
//! # let dir = std::env::temp_dir().join(format!("palimpsest-doc-testing-{}", std::process::id()));
//! # std::fs::create_dir_all(dir.join("0.0.1")).unwrap();
//! # std::fs::write(dir.join("0.0.1/hello.json"), r#"{"body": "hello"}"#).unwrap();
//! // In a test: panics with the file, the version and the path of the
//! // first value lost.
//! palimpsest::testing::assert_fixtures::<Note>(&dir);
//!
//! // Or, to handle the outcome yourself:
//! let report = palimpsest::testing::check_fixtures::<Note>(&dir)?;
//! assert_eq!(report.fixtures.len(), 1);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), palimpsest::testing::FixtureError>(())
//! ```

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::migrate::{Report, MIGRATED_FROM};
use crate::schema::{Schema, Versioned};
use crate::version::{ParseVersionError, Version};

/// What [`check_fixtures`] checked: one entry per fixture, in path order.
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

/// A value of an old document that is nowhere in the migrated one.
#[derive(Clone, Debug, PartialEq)]
pub struct LostValue {
    /// Where it stood in the old document, as `execution_steps[2].observation`.
    pub path: String,
    /// The value.
    pub value: Value,
}

impl fmt::Display for LostValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({})", self.path, self.value)
    }
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
///         // Drops `color` without preserving it anywhere.
///         SCHEMA.get_or_init(|| {
///             Schema::semver("Note", "0.1.0")
///                 .step(Step::new("0.0.1", "0.1.0").drop_field("color"))
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
    fn new(
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

/// Checks every fixture of `T` under `dir`; see the [module docs](self) for
/// the layout and the checks.
///
/// # Errors
///
/// The first fixture, in path order, that fails a check, with its file,
/// version and [`Problem`]; a folder that cannot be read, a folder or file
/// name that is not a version of `T`, or a folder with no fixture at all.
pub fn check_fixtures<T>(dir: impl AsRef<Path>) -> Result<FixtureReport, FixtureError>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    let dir = dir.as_ref();
    let schema = T::schema();
    let mut fixtures = Vec::new();
    for (file, version) in find_fixtures(schema, dir)? {
        let fail = |problem| FixtureError::new(schema.type_name(), &file, Some(&version), problem);
        let text = fs::read_to_string(&file).map_err(|e| fail(Problem::Io(e)))?;
        let document: Value = serde_json::from_str(&text).map_err(|e| fail(Problem::Json(e)))?;
        let checked = check_document::<T>(&document, &version).map_err(|problem| fail(*problem))?;
        fixtures.push(CheckedFixture {
            file,
            version,
            report: checked.report,
            values: checked.values,
        });
    }
    if fixtures.is_empty() {
        return Err(FixtureError::new(
            schema.type_name(),
            dir,
            None,
            Problem::NoFixtures,
        ));
    }
    Ok(FixtureReport { fixtures })
}

/// Checks every fixture of `T` under `dir` and panics with the first
/// failure; see [`check_fixtures`]. Meant for tests:
///
/// ```no_run
/// # use palimpsest::{Schema, Versioned};
/// # #[derive(serde::Serialize, serde::Deserialize)] struct Trace {}
/// # impl Versioned for Trace { fn schema() -> &'static Schema { unimplemented!() } }
/// #[test]
/// fn every_old_trace_migrates_without_loss() {
///     palimpsest::testing::assert_fixtures::<Trace>("tests/fixtures/trace");
/// }
/// ```
///
/// # Panics
///
/// When [`check_fixtures`] fails; the message is the error's.
#[track_caller]
pub fn assert_fixtures<T>(dir: impl AsRef<Path>) -> FixtureReport
where
    T: Versioned + Serialize + DeserializeOwned,
{
    match check_fixtures::<T>(dir) {
        Ok(report) => report,
        Err(error) => panic!("{error}"),
    }
}

/// The fixture files under `dir` with the version each names, sorted by path.
fn find_fixtures(schema: &Schema, dir: &Path) -> Result<Vec<(PathBuf, Version)>, FixtureError> {
    let io_error =
        |path: &Path, e| FixtureError::new(schema.type_name(), path, None, Problem::Io(e));
    let version_of = |path: &Path, name: &str| {
        schema
            .scheme()
            .parse(name)
            .map_err(|e| FixtureError::new(schema.type_name(), path, None, Problem::NotAVersion(e)))
    };
    let mut found = Vec::new();
    for entry in sorted_entries(dir).map_err(|e| io_error(dir, e))? {
        let Some(name) = entry
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
        else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            let version = version_of(&entry, &name)?;
            for file in sorted_entries(&entry).map_err(|e| io_error(&entry, e))? {
                if is_json(&file) {
                    found.push((file, version.clone()));
                }
            }
        } else if is_json(&entry) {
            let stem = name.strip_suffix(".json").unwrap_or(&name);
            found.push((entry.clone(), version_of(&entry, stem)?));
        }
    }
    Ok(found)
}

fn sorted_entries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

fn is_json(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|ext| ext == "json")
}

struct Checked {
    report: Report,
    values: usize,
}

// The problem is boxed only to keep the `Result` small; the caller wraps
// it in a `FixtureError` at once.
fn check_document<T>(document: &Value, version: &Version) -> Result<Checked, Box<Problem>>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    let schema = T::schema();
    let found = schema
        .detect(document)
        .map_err(|e| Box::new(Problem::Read(e)))?;
    if found != *version {
        return Err(Box::new(Problem::WrongVersion { found }));
    }
    let read = crate::from_value::<T>(document.clone()).map_err(|e| Box::new(Problem::Read(e)))?;
    let written = serde_json::to_value(&read.value).map_err(|e| Box::new(Problem::Write(e)))?;

    if let (true, Some(path)) = (read.report.migrated(), schema.metadata()) {
        let segments = path.segments();
        // A document an earlier migration touched keeps the version it
        // recorded then: `migrated_from` is never overwritten.
        let expected = lookup(document, segments)
            .and_then(|metadata| metadata.get(MIGRATED_FROM))
            .cloned()
            .unwrap_or_else(|| version.to_value());
        let recorded = lookup(&written, segments).and_then(|metadata| metadata.get(MIGRATED_FROM));
        if recorded != Some(&expected) {
            return Err(Box::new(Problem::MigratedFrom {
                path: path.to_string(),
                expected,
                found: recorded.cloned(),
            }));
        }
    }

    let mut old = document.clone();
    if let Value::Object(object) = &mut old {
        object.remove(schema.key());
    }
    let outcome = find_lost(&old, &written);
    if !outcome.lost.is_empty() {
        return Err(Box::new(Problem::Lost(outcome.lost)));
    }
    Ok(Checked {
        report: read.report,
        values: outcome.values,
    })
}

fn lookup<'a>(document: &'a Value, segments: &[String]) -> Option<&'a Value> {
    segments
        .iter()
        .try_fold(document, |value, segment| value.get(segment.as_str()))
}

/// One step of the way to a leaf.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// A leaf, compared as JSON means it: `1` and `1.0` are the same number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Scalar<'a> {
    Bool(bool),
    Integer(i128),
    Float(u64),
    Str(&'a str),
}

impl<'a> Scalar<'a> {
    fn of(value: &'a Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(Scalar::Bool(*b)),
            Value::String(s) => Some(Scalar::Str(s)),
            Value::Number(n) => Some(if let Some(i) = n.as_i64() {
                Scalar::Integer(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                Scalar::Integer(i128::from(u))
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                // An integral float within i64 is the integer it spells;
                // the cast is exact there.
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    Scalar::Integer(f as i128)
                } else {
                    Scalar::Float(f.to_bits())
                }
            }),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }
}

struct Leaf<'a> {
    path: Vec<Segment<'a>>,
    value: &'a Value,
    scalar: Scalar<'a>,
}

fn leaves<'a>(value: &'a Value, path: &mut Vec<Segment<'a>>, out: &mut Vec<Leaf<'a>>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                path.push(Segment::Key(key));
                leaves(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Segment::Index(index));
                leaves(child, path, out);
                path.pop();
            }
        }
        other => {
            if let Some(scalar) = Scalar::of(other) {
                out.push(Leaf {
                    path: path.clone(),
                    value: other,
                    scalar,
                });
            }
        }
    }
}

fn at<'a>(mut value: &'a Value, path: &[Segment<'_>]) -> Option<&'a Value> {
    for segment in path {
        value = match segment {
            Segment::Key(key) => value.get(key)?,
            Segment::Index(index) => value.get(index)?,
        };
    }
    Some(value)
}

fn render(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if is_identifier(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Key(key) => {
                let quoted = serde_json::to_string(key).unwrap_or_default();
                let _ = write!(out, "[{quoted}]");
            }
            Segment::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    out
}

fn is_identifier(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

struct Outcome {
    values: usize,
    lost: Vec<LostValue>,
}

/// The leaves of `old` that `new` does not hold, counting repeats.
///
/// A leaf still at its own path is matched there first, so that the path a
/// lost value is reported at is the one that really changed, not an
/// unrelated place that held the same value.
fn find_lost(old: &Value, new: &Value) -> Outcome {
    let mut old_leaves = Vec::new();
    leaves(old, &mut Vec::new(), &mut old_leaves);
    let mut new_leaves = Vec::new();
    leaves(new, &mut Vec::new(), &mut new_leaves);

    let mut available: HashMap<Scalar<'_>, usize> = HashMap::new();
    for leaf in &new_leaves {
        *available.entry(leaf.scalar).or_default() += 1;
    }
    let mut unmatched = Vec::new();
    for leaf in &old_leaves {
        let in_place = at(new, &leaf.path).and_then(Scalar::of) == Some(leaf.scalar);
        if in_place {
            if let Some(count) = available.get_mut(&leaf.scalar) {
                *count = count.saturating_sub(1);
            }
        } else {
            unmatched.push(leaf);
        }
    }
    let mut lost = Vec::new();
    for leaf in unmatched {
        match available.get_mut(&leaf.scalar) {
            Some(count) if *count > 0 => *count -= 1,
            _ => lost.push(LostValue {
                path: render(&leaf.path),
                value: leaf.value.clone(),
            }),
        }
    }
    Outcome {
        values: old_leaves.len(),
        lost,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;

    use serde::Deserialize;
    use serde_json::{json, Map};

    use super::*;
    use crate::step::Step;

    /// A fixtures folder in the temporary directory, removed on drop.
    struct Folder(PathBuf);

    impl Folder {
        fn new(files: &[(&str, &str)]) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let root =
                std::env::temp_dir().join(format!("palimpsest-testing-{}-{n}", std::process::id()));
            fs::create_dir_all(&root).unwrap();
            for (name, text) in files {
                let path = root.join(name);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, text).unwrap();
            }
            Folder(root)
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// Implements `Versioned` with the schema the builder expression makes.
    macro_rules! versioned_by_hand {
        ($ty:ident, $builder:expr) => {
            impl Versioned for $ty {
                fn schema() -> &'static Schema {
                    static SCHEMA: OnceLock<Schema> = OnceLock::new();
                    SCHEMA.get_or_init(|| $builder.build().unwrap())
                }
            }
        };
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct Item {
        name: String,
    }

    /// 0.0.1 -> 0.1.0 renames `body`; 0.1.0 -> 0.2.0 removes `color`,
    /// preserving it in `meta`.
    #[derive(Debug, Serialize, Deserialize)]
    struct Note {
        text: String,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        meta: Map<String, Value>,
    }

    versioned_by_hand!(Note, {
        Schema::semver("Note", "0.2.0")
            .metadata("meta")
            .step(Step::new("0.0.1", "0.1.0").rename("body", "text"))
            .step(Step::new("0.1.0", "0.2.0").preserve("color"))
    });

    /// Note's history, but the step into 0.2.0 drops `color`.
    #[derive(Debug, Serialize, Deserialize)]
    struct LossyNote {
        text: String,
        #[serde(default)]
        meta: Map<String, Value>,
    }

    versioned_by_hand!(LossyNote, {
        Schema::semver("LossyNote", "0.2.0")
            .metadata("meta")
            .step(Step::new("0.0.1", "0.1.0").rename("body", "text"))
            .step(Step::new("0.1.0", "0.2.0").drop_field("color"))
    });

    /// A hand-written step that forges the migration history.
    #[derive(Debug, Serialize, Deserialize)]
    struct ForgedNote {
        text: String,
        #[serde(default)]
        meta: Map<String, Value>,
    }

    versioned_by_hand!(ForgedNote, {
        Schema::semver("ForgedNote", "0.1.0").metadata("meta").step(
            Step::new("0.0.1", "0.1.0").with(|doc| {
                doc.insert("meta".into(), json!({"migrated_from": "0.0.0"}));
                Ok::<(), crate::error::BoxError>(())
            }),
        )
    });

    fn problem<T>(files: &[(&str, &str)]) -> (FixtureError, Folder)
    where
        T: Versioned + Serialize + DeserializeOwned,
    {
        let folder = Folder::new(files);
        let err = check_fixtures::<T>(&folder.0).unwrap_err();
        (err, folder)
    }

    const LEGACY: &str = r#"{"body": "hi", "color": "red", "items": [{"name": "a"}]}"#;
    const MIDDLE: &str = r#"{"schema_version": "0.1.0", "text": "hi", "color": "blue"}"#;

    #[test]
    fn preserving_migrations_pass_and_are_reported() {
        let folder = Folder::new(&[
            ("0.0.1/legacy.json", LEGACY),
            ("0.1.0/middle.json", MIDDLE),
            (
                "0.2.0.json",
                r#"{"schema_version": "0.2.0", "text": "now"}"#,
            ),
            ("README.md", "ignored"),
        ]);
        let report = check_fixtures::<Note>(&folder.0).unwrap();
        let versions: Vec<String> = report
            .fixtures
            .iter()
            .map(|f| f.version.to_string())
            .collect();
        assert_eq!(versions, ["0.0.1", "0.1.0", "0.2.0"]);
        assert_eq!(report.fixtures[0].report.steps.len(), 2);
        assert_eq!(report.fixtures[0].values, 3);
        assert!(!report.fixtures[2].report.migrated());
        assert_eq!(
            report.count_at(&Note::schema().parse_version("0.1.0").unwrap()),
            1
        );
    }

    #[test]
    fn a_dropped_field_is_reported_lost_at_its_path() {
        let (err, _folder) = problem::<LossyNote>(&[("0.1.0/middle.json", MIDDLE)]);
        let Problem::Lost(lost) = err.problem() else {
            panic!("{err}")
        };
        assert_eq!(
            lost,
            &[LostValue {
                path: "color".into(),
                value: json!("blue")
            }]
        );
        assert!(err.file().ends_with("0.1.0/middle.json"));
        assert_eq!(err.version().unwrap().to_string(), "0.1.0");
        let message = err.to_string();
        assert!(message.starts_with("`LossyNote` fixture "), "{message}");
        assert!(
            message.ends_with(r#"middle.json (version 0.1.0): value lost: `color` ("blue")"#),
            "{message}"
        );
    }

    #[test]
    fn a_nested_field_the_struct_ignores_is_lost() {
        let doc = r#"{"schema_version": "0.2.0", "text": "t", "items": [{"name": "a"}, {"name": "b", "size": 3}]}"#;
        let (err, _folder) = problem::<Note>(&[("0.2.0/current.json", doc)]);
        let Problem::Lost(lost) = err.problem() else {
            panic!("{err}")
        };
        assert_eq!(
            lost,
            &[LostValue {
                path: "items[1].size".into(),
                value: json!(3)
            }]
        );
    }

    #[test]
    fn repeated_values_must_all_survive() {
        // "red" survives once (in `text`) but the document held it twice.
        let doc = r#"{"body": "red", "color": "red"}"#;
        let (err, _folder) = problem::<LossyNote>(&[("0.0.1/twice.json", doc)]);
        let Problem::Lost(lost) = err.problem() else {
            panic!("{err}")
        };
        assert_eq!(lost[0].path, "color");
    }

    #[test]
    fn a_value_that_moved_is_not_lost() {
        let old = json!({"a": {"b": "x"}, "n": 1, "odd key": true});
        let new = json!({"moved": ["x"], "n": 1.0, "kept": {"odd key": true}});
        assert!(find_lost(&old, &new).lost.is_empty());
        let outcome = find_lost(&json!({"odd key": [false, null, {}]}), &json!({}));
        assert_eq!(outcome.values, 1);
        assert_eq!(outcome.lost[0].path, r#"["odd key"][0]"#);
    }

    #[test]
    fn migrated_from_must_name_the_fixture_version() {
        let (err, _folder) = problem::<ForgedNote>(&[("0.0.1/a.json", r#"{"text": "t"}"#)]);
        assert!(
            matches!(err.problem(), Problem::MigratedFrom { .. }),
            "{err}"
        );
        assert!(
            err.to_string()
                .ends_with(r#"`meta.migrated_from` is "0.0.0", expected "0.0.1""#),
            "{err}"
        );
    }

    #[test]
    fn an_earlier_migrated_from_is_expected_to_stay() {
        let doc = r#"{"schema_version": "0.1.0", "text": "t", "meta": {"migrated_from": "0.0.1"}}"#;
        let folder = Folder::new(&[("0.1.0/once-migrated.json", doc)]);
        check_fixtures::<Note>(&folder.0).unwrap();
    }

    #[test]
    fn a_document_in_the_wrong_folder_is_an_error() {
        let (err, _folder) = problem::<Note>(&[("0.0.1/middle.json", MIDDLE)]);
        assert!(
            matches!(err.problem(), Problem::WrongVersion { found } if found.to_string() == "0.1.0"),
            "{err}"
        );
    }

    #[test]
    fn bad_folders_and_files_are_errors() {
        let (err, _folder) = problem::<Note>(&[("latest/a.json", "{}")]);
        assert!(matches!(err.problem(), Problem::NotAVersion(_)), "{err}");
        assert!(err.file().ends_with("latest"));

        let (err, _folder) = problem::<Note>(&[("0.0.1/a.json", "{\"body\": ")]);
        assert!(matches!(err.problem(), Problem::Json(_)), "{err}");

        let (err, _folder) = problem::<Note>(&[("0.0.1/a.json", "[1]")]);
        assert!(
            matches!(
                err.problem(),
                Problem::Read(crate::Error::NotAnObject { .. })
            ),
            "{err}"
        );

        let (err, _folder) = problem::<Note>(&[("0.0.1/a.json", r#"{"body": 1}"#)]);
        assert!(
            matches!(err.problem(), Problem::Read(crate::Error::Schema { .. })),
            "{err}"
        );

        let (err, _folder) = problem::<Note>(&[("README.md", "no fixtures here")]);
        assert!(matches!(err.problem(), Problem::NoFixtures), "{err}");
        assert_eq!(err.version(), None);

        let err = check_fixtures::<Note>("/nonexistent/palimpsest/fixtures").unwrap_err();
        assert!(matches!(err.problem(), Problem::Io(_)), "{err}");
    }

    #[test]
    #[should_panic(expected = "value lost: `color` (\"red\")")]
    fn assert_fixtures_panics_with_the_error() {
        let folder = Folder::new(&[("0.0.1/legacy.json", LEGACY)]);
        assert_fixtures::<LossyNote>(&folder.0);
    }
}
