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
//!    where removed fields are preserved; save the old values a
//!    `#[converted]` function replaced, which it decided about, the values
//!    a declared drop (`dropped(...)`, `#[removed_in(.., drop)]`,
//!    [`Step::drop_field`](crate::Step::drop_field)) took, and the old names
//!    of renamed enum variants, which the new names stand for. What a
//!    hand-written step loses is lost.
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

mod diff;
mod lock;
mod report;
mod round_trip;
mod walk;

use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::migrate::{Report, MIGRATED_FROM};
use crate::schema::{Schema, Versioned};
use crate::version::Version;
use diff::find_lost;
use walk::find_fixtures;

pub use diff::LostValue;
pub use lock::{assert_lock, check_lock};
pub use report::{CheckedFixture, FixtureError, FixtureReport, Problem};
pub use round_trip::{
    assert_fixture_round_trips, assert_round_trips, check_fixture_round_trips, check_round_trips,
    Change, Origin, RoundTripError, RoundTripProblem, RoundTripReport, RoundTrips, Skipped,
};

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
        let document = read_fixture(schema, &file, &version)?;
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
/// A fixture's document, or the error naming it.
fn read_fixture(schema: &Schema, file: &Path, version: &Version) -> Result<Value, FixtureError> {
    let fail = |problem| FixtureError::new(schema.type_name(), file, Some(version), problem);
    let text = fs::read_to_string(file).map_err(|e| fail(Problem::Io(e)))?;
    serde_json::from_str(&text).map_err(|e| fail(Problem::Json(e)))
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
    let (read, converted) =
        crate::ops::convert::consumed_by(|| crate::from_value::<T>(document.clone()));
    let read = read.map_err(|e| Box::new(Problem::Read(e)))?;
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
    let mut outcome = find_lost(&old, &written);
    excuse_converted(&mut outcome.lost, &converted);
    // Values a declared drop took were meant to go.
    outcome
        .lost
        .retain(|lost| !crate::ops::moves::declared_dropped(&read.report, &lost.path));
    // Nor is the old name of a renamed variant: the new name stands for it.
    outcome
        .lost
        .retain(|lost| !crate::ops::moves::variant_renamed(&read.report, &lost.path, &lost.value));
    if !outcome.lost.is_empty() {
        return Err(Box::new(Problem::Lost(outcome.lost)));
    }
    Ok(Checked {
        report: read.report,
        values: outcome.values,
    })
}

/// Takes out of `lost` the values a `#[converted]` function replaced: the
/// function decided what the new value keeps. Each old value excuses one
/// lost value equal to one of its leaves.
fn excuse_converted(lost: &mut Vec<LostValue>, converted: &[Value]) {
    let mut replaced = Vec::new();
    for value in converted {
        diff::leaves(value, &mut Vec::new(), &mut replaced);
    }
    lost.retain(|missing| {
        match replaced
            .iter()
            .position(|leaf| *leaf.value == missing.value)
        {
            Some(index) => {
                replaced.swap_remove(index);
                false
            }
            None => true,
        }
    });
}

fn lookup<'a>(document: &'a Value, segments: &[String]) -> Option<&'a Value> {
    segments
        .iter()
        .try_fold(document, |value, segment| value.get(segment.as_str()))
}
#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;

    use serde::Deserialize;
    use serde_json::{json, Map};

    use super::*;
    use crate::schema::Schema;
    use crate::step::Step;

    /// A fixtures folder in the temporary directory, removed on drop.
    pub(super) struct Folder(pub(super) PathBuf);

    impl Folder {
        pub(super) fn new(files: &[(&str, &str)]) -> Self {
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
            // A hand-written step that loses a value the history never
            // said may go: what the check is for.
            .step(Step::new("0.1.0", "0.2.0").with(|doc| {
                doc.remove("color");
                Ok::<(), crate::error::BoxError>(())
            }))
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
    fn a_converted_value_excuses_one_lost_value_equal_to_it() {
        let lost = |path: &str, value: Value| LostValue {
            path: path.into(),
            value,
        };
        let mut missing = vec![
            lost("id", json!("42")),
            lost("other_id", json!("42")),
            lost("env", json!("prod")),
        ];
        excuse_converted(&mut missing, &[json!("42"), json!({"name": "prod"})]);
        assert_eq!(missing, [lost("other_id", json!("42"))]);
    }

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
    fn bad_files_are_errors() {
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
            matches!(err.problem(), Problem::Read(crate::Error::Mismatch { .. })),
            "{err}"
        );

        let (err, _folder) = problem::<Note>(&[("README.md", "no fixtures here")]);
        assert!(matches!(err.problem(), Problem::NoFixtures), "{err}");
        assert_eq!(err.version(), None);
    }

    #[test]
    #[should_panic(expected = "value lost: `color` (\"red\")")]
    fn assert_fixtures_panics_with_the_error() {
        let folder = Folder::new(&[("0.0.1/legacy.json", LEGACY)]);
        assert_fixtures::<LossyNote>(&folder.0);
    }
}
