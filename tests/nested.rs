//! Embedded types (`#[versioned(embedded)]`) migrate with their root, at
//! any depth of containers, and every route gives the same result: the
//! tree engine (`palimpsest::migrate`), the streaming reader with the
//! root's version first (the embedded objects migrate as they stream by),
//! and with the version last or absent (the fields holding embedded types
//! are captured until the version is known), through JSON and CBOR.
//! Nothing is lost: removed fields and keys no field claims are kept in the
//! root's metadata under their exact paths.

mod routes;

use std::collections::BTreeMap;

use palimpsest::{versioned, Error, Report, Versioned};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub problem: String,
    /// A field of the root renamed while the type it holds changes too.
    #[renamed_from("actions", since = "0.3.0")]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub pinned: Option<Box<Step>>,
    #[serde(default)]
    pub branches: Vec<Vec<Step>>,
    #[serde(default)]
    pub by_agent: BTreeMap<String, Step>,
    #[serde(default)]
    pub retries: Vec<Step>,
    #[serde(default)]
    pub context: Context,
}

#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tokens: u32,
    #[removed_in("0.3.0")]
    pub scratch: String,
    #[serde(default)]
    pub calls: Vec<Call>,
}

/// Embedded in an embedded type: `steps[].calls[]`.
#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Call {
    #[renamed_from("fn", since = "0.3.0")]
    pub tool: String,
    #[added_in("0.3.0")]
    #[serde(default = "yes")]
    pub ok: bool,
    #[removed_in("0.3.0", drop)]
    pub debug: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// A 0.1.0 trace: removed fields (`scratch` kept, `debug` dropped) and
/// keys no field claims (`color`, `extra`, `mood`, `flag`) at every depth.
fn old_body() -> String {
    let body = json!({
        "problem": "p",
        "actions": [
            {"thought": "look", "scratch": "x", "calls": [{"fn": "ls", "debug": "d"}, {"fn": "cat"}]},
            {"thought": "done", "scratch": ""}
        ],
        "pinned": {"thought": "pin", "color": "red"},
        "branches": [[{"thought": "b", "calls": [{"fn": "x", "extra": 1}]}], []],
        "by_agent": {"critic": {"thought": "c", "mood": "grumpy"}},
        "retries": [{"thought": "again", "scratch": "y", "calls": [{"fn": "rg", "flag": true}]}]
    })
    .to_string();
    body[1..body.len() - 1].to_owned()
}

/// Where the values the embedded objects lost are kept.
fn kept() -> Value {
    json!({
        "steps[0].scratch": "x",
        "steps[1].scratch": "",
        "pinned.color": "red",
        "branches[0][0].calls[0].extra": 1,
        "by_agent.critic.mood": "grumpy",
        "retries[0].scratch": "y",
        "retries[0].calls[0].flag": true
    })
}

/// A 0.1.0 trace, its version key first, last, or absent (legacy, which
/// the history treats as 0.0.1: the same changes apply).
fn old_documents() -> Vec<(&'static str, String)> {
    let body = old_body();
    vec![
        (
            "key first",
            format!(r#"{{"schema_version": "0.1.0", {body}}}"#),
        ),
        (
            "key last",
            format!(r#"{{{body}, "schema_version": "0.1.0"}}"#),
        ),
        ("no key", format!(r#"{{{body}}}"#)),
    ]
}

fn step(reasoning: &str, calls: &[&str]) -> Step {
    Step {
        reasoning: reasoning.to_owned(),
        tokens: 0,
        calls: calls
            .iter()
            .map(|tool| Call {
                tool: (*tool).to_owned(),
                ok: true,
            })
            .collect(),
    }
}

fn without_metadata(mut trace: Trace) -> Trace {
    trace.context.metadata.clear();
    trace
}

fn expected() -> Trace {
    Trace {
        problem: "p".into(),
        steps: vec![step("look", &["ls", "cat"]), step("done", &[])],
        pinned: Some(Box::new(step("pin", &[]))),
        branches: vec![vec![step("b", &["x"])], vec![]],
        by_agent: [("critic".to_owned(), step("c", &[]))].into(),
        retries: vec![step("again", &["rg"])],
        context: Context::default(),
    }
}

fn every_route(text: &str) -> Vec<(&'static str, Trace, Option<Report>)> {
    routes::every_route(text)
}

#[test]
fn every_route_migrates_embedded_objects_at_every_depth_alike() {
    for (case, text) in old_documents() {
        let routes = every_route(&text);
        let (_, first, first_report) = &routes[0];
        assert_eq!(without_metadata(first.clone()), expected(), "{case}");
        assert_eq!(first.context.metadata["legacy_nested"], kept(), "{case}");
        for (route, trace, report) in &routes {
            assert_eq!(trace, first, "{case}: {route}");
            if let Some(report) = report {
                assert_eq!(Some(report), first_report.as_ref(), "{case}: {route}");
            }
        }
    }
}

#[test]
fn the_report_lists_embedded_operations_by_path() {
    let (_, text) = &old_documents()[0];
    let report = palimpsest::from_str::<Trace>(text).unwrap().report;
    assert_eq!(
        report.defaulted,
        [
            "branches[][].calls[].ok",
            "branches[][].tokens",
            "by_agent{}.tokens",
            "pinned.tokens",
            "retries[].calls[].ok",
            "retries[].tokens",
            "steps[].calls[].ok",
            "steps[].tokens",
        ]
    );
    // Kept values are listed where they went, by the path they share.
    assert_eq!(
        report.preserved,
        [
            "context.metadata.legacy_nested.branches[][].calls[].extra",
            "context.metadata.legacy_nested.by_agent{}.mood",
            "context.metadata.legacy_nested.pinned.color",
            "context.metadata.legacy_nested.retries[].calls[].flag",
            "context.metadata.legacy_nested.retries[].scratch",
            "context.metadata.legacy_nested.steps[].scratch",
        ]
    );
    // Only objects that had a value report dropping it.
    assert_eq!(report.dropped, ["steps[].calls[].debug"]);
}

#[test]
fn the_versions_of_embedded_types_join_the_root_history() {
    // `Trace` names 0.1.0 (since) and 0.3.0 (its rename); `Step` adds 0.2.0.
    let schema = Trace::schema();
    let versions: Vec<String> = schema.versions().iter().map(ToString::to_string).collect();
    assert_eq!(versions, ["0.0.1", "0.1.0", "0.2.0", "0.3.0"]);
    let read = palimpsest::from_str::<Trace>(&old_documents()[2].1).unwrap();
    let metadata = &read.value.context.metadata;
    assert_eq!(metadata["migrated_from"], "0.0.1");
    assert_eq!(
        metadata["migration_history"],
        json!([
            {"from": "0.0.1", "to": "0.1.0"},
            {"from": "0.1.0", "to": "0.2.0"},
            {"from": "0.2.0", "to": "0.3.0"}
        ])
    );
}

#[test]
fn a_document_between_two_changes_gets_the_later_ones_only() {
    // At 0.2.0 the steps have `reasoning` and `tokens` already, but the
    // calls still have `fn`.
    let text = r#"{"schema_version": "0.2.0", "problem": "p", "actions": [{"reasoning": "r", "tokens": 7, "calls": [{"fn": "ls"}]}]}"#;
    for (route, trace, _) in every_route(text) {
        assert_eq!(trace.steps[0].tokens, 7, "{route}");
        assert_eq!(trace.steps[0].calls[0].tool, "ls", "{route}");
        assert!(trace.steps[0].calls[0].ok, "{route}");
    }
}

#[test]
fn current_documents_read_straight_and_write_no_embedded_stamp() {
    let trace = expected();
    let text = serde_json::to_string(&trace).unwrap();
    assert!(text.starts_with(r#"{"schema_version":"0.3.0","#), "{text}");
    assert_eq!(text.matches("schema_version").count(), 1, "{text}");
    let read = palimpsest::from_str::<Trace>(&text).unwrap();
    assert!(!read.report.migrated());
    assert_eq!(read.value, trace);
}

#[test]
fn an_embedded_type_read_on_its_own_is_read_as_current() {
    let step: Step = serde_json::from_str(r#"{"reasoning": "r", "tokens": 3}"#).unwrap();
    assert_eq!((step.reasoning.as_str(), step.tokens), ("r", 3));
    // No stamp is written, and no version is looked for.
    assert_eq!(
        serde_json::to_value(&step).unwrap(),
        json!({"reasoning": "r", "tokens": 3, "calls": []})
    );
    let err =
        serde_json::from_str::<Step>(r#"{"schema_version": "0.1.0", "tokens": 3}"#).unwrap_err();
    assert!(
        err.to_string().contains("missing field `reasoning`"),
        "{err}"
    );
}

#[test]
fn old_and_new_names_in_one_embedded_object_conflict_on_every_route() {
    // `retries` streams with the version first, `branches` is captured (a
    // reader cannot count its paths): both name the exact path.
    for (field, path) in [("retries", "retries[1]"), ("branches", "branches[0][1]")] {
        let value = if field == "branches" {
            json!([[{"thought": "a"}, {"thought": "b", "reasoning": "c"}]])
        } else {
            json!([{"thought": "a"}, {"thought": "b", "reasoning": "c"}])
        };
        let text = format!(
            r#"{{"schema_version": "0.1.0", "problem": "p", "actions": [], "{field}": {value}}}"#
        );
        let tree =
            palimpsest::migrate::<Trace>(&mut serde_json::from_str(&text).unwrap()).unwrap_err();
        let streamed = palimpsest::from_str::<Trace>(&text).unwrap_err();
        for err in [&tree, &streamed] {
            assert!(
                matches!(err, Error::Conflict { from, to, .. } if from.to_string() == "0.1.0" && to.to_string() == "0.2.0"),
                "{err}"
            );
            assert_eq!(
                err.to_string(),
                format!("`Trace`: migrating 0.1.0 -> 0.2.0: both the old name `{path}.thought` and the new name `{path}.reasoning` are present")
            );
        }
        let serde = serde_json::from_str::<Trace>(&text).unwrap_err();
        assert!(serde.to_string().contains("both the old name"), "{serde}");
    }
}

/// No metadata path: nothing is kept, so no path needs counting, and
/// every field streams; where a reader cannot count, an error names the
/// path the objects share.
#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Batches {
    pub batches: Vec<Vec<Call>>,
}

#[test]
fn without_a_metadata_path_uncountable_objects_stream_too() {
    let text =
        r#"{"schema_version": "0.1.0", "batches": [[{"fn": "a"}, {"fn": "b", "tool": "c"}]]}"#;
    let tree =
        palimpsest::migrate::<Batches>(&mut serde_json::from_str(text).unwrap()).unwrap_err();
    let reported = palimpsest::from_str::<Batches>(text).unwrap_err();
    assert!(tree.to_string().ends_with("both the old name `batches[0][1].fn` and the new name `batches[0][1].tool` are present"), "{tree}");
    // A read that builds its report streams them too: the report lists
    // renames by the paths the objects share, and needs no exact one.
    let shared =
        "both the old name `batches[][].fn` and the new name `batches[][].tool` are present";
    assert!(reported.to_string().ends_with(shared), "{reported}");
    let streamed = serde_json::from_str::<Batches>(text).unwrap_err();
    assert!(streamed.to_string().contains(shared), "{streamed}");
    // Keys no field claims are left to serde, as a root's are without one.
    let read = palimpsest::from_str::<Batches>(
        r#"{"schema_version": "0.1.0", "batches": [[{"fn": "a", "stray": 1}]]}"#,
    )
    .unwrap();
    assert_eq!(read.value.batches[0][0].tool, "a");
}

#[test]
fn a_strict_read_refuses_an_old_document_with_embedded_types() {
    let (_, text) = &old_documents()[0];
    let err = palimpsest::from_str_strict::<Trace>(text).unwrap_err();
    assert!(matches!(err, Error::Outdated { .. }), "{err}");
}

/// A type that holds itself: the history is found without end, the
/// document is walked as deep as it goes.
#[versioned(since = 1, metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub root: Node,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    #[renamed_from("name", since = 2)]
    pub label: String,
    #[serde(default)]
    pub children: Vec<Self>,
    #[removed_in(3)]
    pub color: String,
}

#[test]
fn a_type_that_holds_itself_migrates_at_every_depth() {
    let texts = [
        r#"{"schema_version": 1, "root": {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}}"#,
        r#"{"root": {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}, "schema_version": 1}"#,
    ];
    for text in texts {
        let read = palimpsest::from_str::<Tree>(text).unwrap();
        let mut tree: Value = serde_json::from_str(text).unwrap();
        palimpsest::migrate::<Tree>(&mut tree).unwrap();
        let migrated: Tree = serde_json::from_value(tree).unwrap();
        assert_eq!(read.value, migrated);
        assert_eq!(read.value.root.children[0].children[0].label, "c");
    }
}

/// An embedded type with no attribute of its own carries its fields'
/// embedded types to the root: `run.steps[]`.
#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub run: Run,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub steps: Vec<Step>,
}

#[test]
fn an_embedded_type_without_changes_carries_the_ones_it_holds() {
    let text = r#"{"schema_version": "0.1.0", "run": {"steps": [{"thought": "t"}]}}"#;
    let read = palimpsest::from_str::<Session>(text).unwrap();
    assert_eq!(read.value.run.steps[0].reasoning, "t");
    assert_eq!(read.report.defaulted, ["run.steps[].tokens"]);
    assert_eq!(Session::current_version().to_string(), "0.3.0");
}

#[test]
fn writing_for_an_older_reader_undoes_embedded_changes() {
    // A tree read from version 1 goes back to it: names restored, removed
    // colors taken back from the metadata.
    let old = json!({"schema_version": 1, "root": {"name": "a", "color": "red", "children": [{"name": "b", "color": "blue", "children": []}]}});
    let tree: Tree = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(
        tree.meta["legacy_nested"],
        json!({"root.color": "red", "root.children[0].color": "blue"})
    );
    let mut written = palimpsest::to_value_as(&tree, 1).unwrap();
    let meta = written.as_object_mut().unwrap().remove("meta").unwrap();
    assert_eq!(written, old);
    assert!(meta.get("legacy_nested").is_none(), "{meta}");
    // A tree made at version 3 has no color to give back.
    let err = palimpsest::to_value_as(
        &Tree {
            meta: Map::new(),
            ..tree
        },
        2,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Tree`: cannot write version 2 from 3: `root.children[0].color` was removed in 3 with no default, and the document keeps no value for it in `legacy_nested`"
    );
    // `Call` dropped its debug value in 0.3.0: a trace cannot go back past it.
    let err = palimpsest::to_value_as(&expected(), "0.2.0").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Trace`: cannot write version 0.2.0 from 0.3.0: `steps[0].calls[0].debug` was dropped in 0.3.0; its value is gone"
    );
}

/// Reads `text` as `T` through the typed reader and through serde, and
/// through the tree engine: each fails with the typed error.
fn every_read_fails<T: Versioned + DeserializeOwned + std::fmt::Debug>(text: &str) -> Vec<Error> {
    let mut tree: Value = serde_json::from_str(text).unwrap();
    let serde = serde_json::from_str::<T>(text).unwrap_err();
    let typed = palimpsest::from_str::<T>(text).unwrap_err();
    assert_eq!(serde.to_string(), typed.to_string());
    vec![
        typed,
        palimpsest::from_value::<T>(tree.clone()).unwrap_err(),
        palimpsest::migrate::<T>(&mut tree).unwrap_err(),
        palimpsest::detect::<T>(&tree).unwrap_err(),
    ]
}

/// `version` on the root says 0.2.0 is current; `Call` names 0.3.0.
#[versioned(since = "0.1.0", version = "0.2.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Pinned {
    pub calls: Vec<Call>,
}

/// The root counts in integers; `Call` in semver strings.
#[versioned(since = 1)]
#[derive(Debug, Serialize, Deserialize)]
pub struct Counted {
    pub call: Option<Call>,
}

/// `Call` changes in 0.3.0, before the root's first versioned schema.
#[versioned(since = "0.5.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Late {
    pub calls: Vec<Call>,
}

/// `Step` keeps its removed `scratch`, but the root has nowhere to keep it.
#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Nowhere {
    pub steps: Vec<Step>,
}

/// `Setting` keeps what its `#[set]` replaces, but the root has nowhere
/// to keep it.
#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct NowhereToSet {
    pub settings: Vec<Setting>,
}

#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
pub struct Setting {
    #[set(since = "0.2.0", value = "utf-8".to_owned())]
    pub encoding: String,
}

/// `Mode` keeps the value of its removed variant, but the root has nowhere
/// to keep it.
#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct NowhereToFallBack {
    pub modes: Vec<Mode>,
}

#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
pub enum Mode {
    Fast,
    #[removed_in("0.2.0", fallback = "Fast")]
    Turbo,
}

#[test]
fn embedded_versions_that_do_not_fit_the_root_fail_every_read() {
    let cases: [(Vec<Error>, &str); 6] = [
        (
            every_read_fails::<Pinned>(r#"{"schema_version": "0.2.0", "calls": []}"#),
            "`Pinned`: invalid schema definition: embedded type `Call` at `calls[]`: version 0.3.0 is after the current version 0.2.0 (`version = ...` on `Pinned`)",
        ),
        (
            every_read_fails::<Counted>(r#"{"schema_version": 1}"#),
            "`Counted`: invalid schema definition: embedded type `Call` at `call`: version 0.3.0 is a semver string, but `Counted` has versions that are an integer",
        ),
        (
            every_read_fails::<Late>(r#"{"calls": []}"#),
            "`Late`: invalid schema definition: embedded type `Call` at `calls[]`: version 0.3.0 is before 0.5.0, the first versioned schema of `Late` (`since`)",
        ),
        (
            every_read_fails::<Nowhere>(r#"{"steps": []}"#),
            "`Nowhere`: invalid schema definition: embedded type `Step` at `steps[]` keeps the value of a removed field, but `Nowhere` has no metadata path to keep it in: set `metadata = \"...\"` on it, or write #[removed_in(.., drop)]",
        ),
        // Regression: the two below were said to keep "a removed field".
        (
            every_read_fails::<NowhereToSet>(r#"{"settings": []}"#),
            "`NowhereToSet`: invalid schema definition: embedded type `Setting` at `settings[]` keeps the value `#[set(since = \"0.2.0\", ..)]` replaces in `encoding`, but `NowhereToSet` has no metadata path to keep it in: set `metadata = \"...\"` on it, or write #[set(.., drop)]",
        ),
        (
            every_read_fails::<NowhereToFallBack>(r#"{"modes": []}"#),
            "`NowhereToFallBack`: invalid schema definition: embedded type `Mode` at `modes[]` keeps the value of the variant `Turbo`, `#[removed_in(\"0.2.0\", fallback = ..)]`, but `NowhereToFallBack` has no metadata path to keep it in: set `metadata = \"...\"` on it, or add `drop` to its #[removed_in(..)]",
        ),
    ];
    for (errors, message) in cases {
        for err in errors {
            assert!(matches!(err, Error::Definition { .. }), "{err}");
            assert_eq!(err.to_string(), message);
        }
    }
}

/// Types that are only written: the embedded one still writes no stamp.
#[versioned(since = 1)]
#[derive(Serialize)]
pub struct Export {
    pub rows: Vec<Row>,
}

#[versioned(embedded)]
#[derive(Serialize)]
pub struct Row {
    #[renamed_from("v", since = 2)]
    pub value: u8,
}

#[test]
fn write_only_types_write_the_root_stamp_alone() {
    let export = Export {
        rows: vec![Row { value: 1 }],
    };
    assert_eq!(
        serde_json::to_value(&export).unwrap(),
        json!({"schema_version": 2, "rows": [{"value": 1}]})
    );
}

#[test]
fn a_value_kept_earlier_is_never_overwritten_on_any_route() {
    // `retries` streams, `branches` goes through the tree engine.
    let text = r#"{"schema_version": "0.2.0", "problem": "p", "actions": [],
        "retries": [{"reasoning": "r", "scratch": "new"}],
        "branches": [[{"reasoning": "b", "scratch": "new too"}]],
        "context": {"metadata": {"legacy_nested": {"retries[0].scratch": "old", "branches[0][0].scratch": "old"}}}}"#;
    for (route, trace, _) in every_route(text) {
        assert_eq!(
            trace.context.metadata["legacy_nested"],
            json!({
                "retries[0].scratch": "old",
                "retries[0].scratch_2": "new",
                "branches[0][0].scratch": "old",
                "branches[0][0].scratch_2": "new too"
            }),
            "{route}"
        );
    }
}

#[test]
fn a_legacy_nested_that_is_not_an_object_fails_on_every_route() {
    let text = r#"{"schema_version": "0.2.0", "problem": "p", "actions": [],
        "retries": [{"reasoning": "r", "scratch": "s"}],
        "context": {"metadata": {"legacy_nested": ["not", "an", "object"]}}}"#;
    let tree = palimpsest::migrate::<Trace>(&mut serde_json::from_str(text).unwrap()).unwrap_err();
    let streamed = palimpsest::from_str::<Trace>(text).unwrap_err();
    for err in [tree, streamed] {
        assert!(
            matches!(&err, Error::NotAnObject { path, found: "an array", .. } if path == "context.metadata.legacy_nested"),
            "{err}"
        );
    }
}
