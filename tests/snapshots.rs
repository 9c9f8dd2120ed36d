//! Schema-aware migrations: a step reads the old document as a typed
//! snapshot of its version, and returns the next version.

use palimpsest::{versioned, Error};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The trace as it is now (0.2.0). In 0.1.0 the environment was spread over
/// top-level keys, `duration` was text such as `"12.5s"`, and `outcome`
/// could be missing.
#[versioned(
    since = "0.1.0",
    version = "0.2.0",
    metadata = "context.metadata",
    step(from = "0.1.0", to = "0.2.0", with = restructure)
)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Trace {
    problem_statement: String,
    outcome: String,
    duration_ms: u64,
    context: Context,
}

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct Context {
    environment: Environment,
    #[serde(default)]
    metadata: Map<String, Value>,
}

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct Environment {
    os: String,
    runtime: String,
}

/// The 0.1.0 shape, written by hand because field types changed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TraceV010 {
    problem_statement: String,
    outcome: Option<String>,
    duration: String,
    os: String,
    python_version: String,
    #[serde(default)]
    context: Option<ContextV010>,
}

#[derive(Deserialize)]
struct ContextV010 {
    #[serde(default)]
    metadata: Map<String, Value>,
}

fn restructure(old: TraceV010) -> Result<Trace, String> {
    let seconds: f64 = old
        .duration
        .strip_suffix('s')
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("duration {:?} is not in seconds", old.duration))?;
    Ok(Trace {
        problem_statement: old.problem_statement,
        outcome: old.outcome.unwrap_or_else(|| "unknown".to_owned()),
        duration_ms: (seconds * 1000.0).round() as u64,
        context: Context {
            environment: Environment {
                os: old.os,
                runtime: format!("python {}", old.python_version),
            },
            metadata: old.context.map(|c| c.metadata).unwrap_or_default(),
        },
    })
}

#[test]
fn a_typed_step_restructures_nested_data_and_changes_types() {
    let old = r#"{"schema_version": "0.1.0", "problem_statement": "p", "duration": "12.5s",
                  "os": "linux", "python_version": "3.11", "context": {"metadata": {"user": "ada"}}}"#;
    let trace: Trace = serde_json::from_str(old).unwrap();
    assert_eq!(
        trace,
        Trace {
            problem_statement: "p".into(),
            outcome: "unknown".into(),
            duration_ms: 12_500,
            context: Context {
                environment: Environment {
                    os: "linux".into(),
                    runtime: "python 3.11".into()
                },
                metadata: json!({
                    "user": "ada",
                    "migrated_from": "0.1.0",
                    "migration_history": [{"from": "0.1.0", "to": "0.2.0"}]
                })
                .as_object()
                .unwrap()
                .clone(),
            },
        }
    );
}

#[test]
fn a_document_that_does_not_fit_the_snapshot_names_the_path() {
    let old = json!({"schema_version": "0.1.0", "problem_statement": "p", "duration": 12, "os": "linux", "python_version": "3.11"});
    let err = palimpsest::from_value::<Trace>(old).unwrap_err();
    assert!(matches!(err, Error::Snapshot { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "`Trace`: document at version 0.1.0 does not fit the snapshot `snapshots::TraceV010` at `duration`: invalid type: integer `12`, expected a string"
    );
    let unknown = json!({"schema_version": "0.1.0", "problem_statement": "p", "duration": "1s", "os": "l", "python_version": "3", "gpu": true});
    let err = palimpsest::from_value::<Trace>(unknown).unwrap_err();
    assert!(err.to_string().contains("unknown field `gpu`"), "{err}");
}

#[test]
fn a_failing_typed_step_is_a_step_error() {
    let old = json!({"schema_version": "0.1.0", "problem_statement": "p", "duration": "soon", "os": "l", "python_version": "3"});
    let err = palimpsest::from_value::<Trace>(old).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Trace`: step 0.1.0 -> 0.2.0 failed: duration \"soon\" is not in seconds"
    );
}

/// When field types did not change, the macro writes the snapshot: the
/// fields of that version under the names they had then.
#[versioned(
    since = "0.1.0",
    metadata = "meta",
    snapshot(version = "0.1.0", name = NoteV010),
    snapshot(version = "0.2.0", name = NoteV020),
    check = has_text
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    #[renamed_from("body", since = "0.2.0")]
    pub text: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub pinned: bool,
    #[removed_in("0.3.0")]
    pub color: String,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

fn has_text(doc: &Map<String, Value>, version: &palimpsest::Version) -> Result<(), String> {
    let key = if version.to_string() == "0.2.0" {
        "text"
    } else {
        "body"
    };
    match doc.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(()),
        _ => Err(format!("`{key}` is missing or empty")),
    }
}

#[test]
fn the_macro_derives_snapshots_of_old_versions() {
    let v1: NoteV010 =
        serde_json::from_value(json!({"body": "hi", "color": "red", "meta": {}})).unwrap();
    assert_eq!(
        v1.text, "hi",
        "Rust names are today's; serde names are 0.1.0's"
    );
    assert_eq!(v1.color, "red");
    let v2 = NoteV020 {
        text: "hi".into(),
        color: "red".into(),
        meta: Map::new(),
    };
    assert_eq!(
        serde_json::to_value(&v2).unwrap(),
        json!({"text": "hi", "color": "red", "meta": {}})
    );
}

#[test]
fn the_integrity_check_runs_before_any_step() {
    let err = serde_json::from_str::<Note>(r#"{"body": "", "color": "red"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("`Note`: document at version 0.0.1 failed its integrity check: `body` is missing or empty"),
        "{err}"
    );
    let note: Note =
        serde_json::from_str(r#"{"schema_version": "0.2.0", "text": "t", "color": "red"}"#)
            .unwrap();
    assert_eq!(note.meta["legacy_color"], "red");
    // Current documents are not checked: they are not migrated.
    let current: Note = serde_json::from_str(r#"{"schema_version": "0.3.0", "text": ""}"#).unwrap();
    assert_eq!(current.text, "");
}

/// A history whose typed step reads a snapshot with no `deny_unknown_fields`:
/// keys it has no field for must not vanish between the two structs.
#[versioned(
    since = 1,
    version = 2,
    metadata = "meta",
    step(from = 1, to = 2, with = split_name)
)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Person {
    first: String,
    last: String,
    #[serde(default)]
    meta: Map<String, Value>,
}

#[derive(Deserialize)]
struct PersonV1 {
    name: String,
}

#[derive(Serialize)]
struct PersonV2 {
    first: String,
    last: String,
}

fn split_name(old: PersonV1) -> Result<PersonV2, String> {
    let (first, last) = old.name.split_once(' ').ok_or("a name has two parts")?;
    Ok(PersonV2 {
        first: first.into(),
        last: last.into(),
    })
}

#[test]
fn keys_a_typed_snapshot_does_not_know_are_kept_not_dropped() {
    let old = json!({"schema_version": 1, "name": "Ada Lovelace", "surprise": 1});
    let read = palimpsest::from_value::<Person>(old.clone()).unwrap();
    assert_eq!(
        (read.value.first.as_str(), read.value.last.as_str()),
        ("Ada", "Lovelace")
    );
    assert_eq!(read.value.meta["legacy_unknown"], json!({"surprise": 1}));
    assert_eq!(read.report.preserved, ["meta.legacy_unknown.surprise"]);
    // The same through serde's streamed read and the tree engine.
    let streamed: Person = serde_json::from_str(&old.to_string()).unwrap();
    assert_eq!(streamed, read.value);
    let mut tree = old;
    palimpsest::migrate::<Person>(&mut tree).unwrap();
    assert_eq!(tree["meta"]["legacy_unknown"], json!({"surprise": 1}));
}

#[test]
fn a_typed_step_that_writes_a_key_the_snapshot_ignored_is_refused() {
    let old = json!({"schema_version": 1, "name": "Ada Lovelace", "first": "Augusta"});
    let before = old.clone();
    let mut doc = old;
    let err = palimpsest::migrate::<Person>(&mut doc).unwrap_err();
    assert!(matches!(err, Error::StepFailed { .. }), "{err}");
    assert!(err.to_string().contains("`first`"), "{err}");
    assert_eq!(
        doc, before,
        "a failed migration leaves the document as it was"
    );
}
