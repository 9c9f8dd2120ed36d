//! Tuple structs embedded in an agent trace: newtypes (`Steps`,
//! `Batch<T>`, `TokenCount`) are written as their inner value and migrate
//! through it; positional tuples (`Span`, `Mark`) are written as arrays
//! whose elements are added at the end or removed at any position. Every
//! route gives the same result: the tree engine, the streaming reader
//! (version first, last, or absent), `serde_json` directly, and CBOR; and a
//! current trace is written back to the older versions where nothing it
//! holds would be lost. The expansions are lint-clean, as tests/lints.rs
//! checks for structs.

#![deny(warnings, unused_qualifications)]
#![deny(clippy::all, clippy::pedantic, clippy::nursery)]

mod routes;

use std::fs;

use palimpsest::{versioned, Error, Report, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub task: String,
    /// A newtype at the root: its steps migrate through it.
    pub steps: Steps,
    /// A generic newtype: `Batch<Step>` holds embedded steps.
    #[serde(default)]
    pub retries: Batch<Step>,
    #[serde(default)]
    pub context: Context,
}

#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Steps(pub Vec<Step>);

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch<T>(pub Vec<T>);

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    pub span: Span,
    /// A newtype around a plain value: nothing to probe inside.
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tokens: TokenCount,
    #[serde(default)]
    pub marks: Vec<Mark>,
}

/// The tokens a step used.
#[versioned(embedded)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCount(pub u32);

/// Start and end of a step in milliseconds, then how many attempts it
/// took (from 0.2.0). Until 0.3.0 the duration stood between them: it is
/// kept in the trace's metadata when an older trace migrates.
#[versioned(embedded)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span(
    pub u64,
    #[removed_in("0.3.0")] u64,
    pub u64,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub u32,
);

/// A label on a line of the step's output; the confidence score it
/// carried until 0.3.0 is dropped, as the user declared.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark(pub String, pub u32, #[removed_in("0.3.0", drop)] f32);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

fn fixture(version: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/tuples/{version}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn step(reasoning: &str, span: Span, tokens: u32, marks: &[(&str, u32)]) -> Step {
    Step {
        reasoning: reasoning.to_owned(),
        span,
        tokens: TokenCount(tokens),
        marks: marks
            .iter()
            .map(|(label, line)| Mark((*label).to_owned(), *line))
            .collect(),
    }
}

/// Every fixture as the current type holds it, metadata aside: a 0.1.0
/// trace had no attempts nor tokens, so they read as their defaults.
fn expected(version: &str) -> Trace {
    let (attempts, tokens) = match version {
        "0.1.0" => ([0, 0, 0], [0, 0, 0]),
        _ => ([1, 3, 1], [310, 95, 40]),
    };
    Trace {
        task: "fix the flaky test".into(),
        steps: Steps(vec![
            step(
                "read the log",
                Span(0, 1200, attempts[0]),
                tokens[0],
                &[("log", 12), ("timeout", 40)],
            ),
            step("rerun it", Span(1200, 2000, attempts[1]), tokens[1], &[]),
        ]),
        retries: Batch(vec![step(
            "rerun with a longer timeout",
            Span(2000, 2500, attempts[2]),
            tokens[2],
            &[],
        )]),
        context: Context::default(),
    }
}

/// The durations the spans lost, under their exact paths.
fn kept() -> Value {
    json!({
        "steps[0].span[1]": 1200,
        "steps[1].span[1]": 800,
        "retries[0].span[1]": 500
    })
}

fn without_metadata(mut trace: Trace) -> Trace {
    trace.context.metadata.clear();
    trace
}

/// The document with its version key first, last, or, for a 0.1.0 one,
/// absent (a legacy trace, which the history treats as 0.0.1: the same
/// changes apply).
fn placements(text: &str) -> Vec<(&'static str, String)> {
    let document: Map<String, Value> = serde_json::from_str(text).unwrap();
    let key = document["schema_version"].clone();
    let mut body = document;
    body.remove("schema_version");
    let mut last = body.clone();
    last.insert("schema_version".into(), key.clone());
    let mut placements = vec![
        ("key first", text.to_owned()),
        ("key last", Value::Object(last).to_string()),
    ];
    if key == "0.1.0" {
        placements.push(("no key", Value::Object(body).to_string()));
    }
    placements
}

fn every_route(text: &str) -> Vec<(&'static str, Trace, Option<Report>)> {
    routes::every_route(text)
}

#[test]
fn every_fixture_reads_alike_on_every_route() {
    for version in ["0.1.0", "0.2.0", "0.3.0"] {
        for (placement, text) in placements(&fixture(version)) {
            let case = format!("{version}, {placement}");
            let routes = every_route(&text);
            let (_, first, first_report) = &routes[0];
            assert_eq!(without_metadata(first.clone()), expected(version), "{case}");
            let legacy = first.context.metadata.get("legacy_nested");
            if version == "0.3.0" {
                assert_eq!(legacy, None, "{case}");
            } else {
                assert_eq!(legacy, Some(&kept()), "{case}");
            }
            for (route, trace, report) in &routes {
                assert_eq!(trace, first, "{case}: {route}");
                if let Some(report) = report {
                    assert_eq!(Some(report), first_report.as_ref(), "{case}: {route}");
                }
            }
        }
    }
}

#[test]
fn the_report_lists_elements_by_their_position() {
    let report = palimpsest::from_str::<Trace>(&fixture("0.1.0"))
        .unwrap()
        .report;
    assert_eq!(
        report.defaulted,
        [
            "retries[].span[3]",
            "retries[].tokens",
            "steps[].span[3]",
            "steps[].tokens"
        ]
    );
    assert_eq!(
        report.preserved,
        [
            "context.metadata.legacy_nested.retries[].span[1]",
            "context.metadata.legacy_nested.steps[].span[1]"
        ]
    );
    assert_eq!(report.dropped, ["steps[].marks[][2]"]);
    // From 0.2.0, only the removals remain to do.
    let report = palimpsest::from_str::<Trace>(&fixture("0.2.0"))
        .unwrap()
        .report;
    assert!(report.defaulted.is_empty(), "{report:?}");
    assert_eq!(report.dropped, ["steps[].marks[][2]"]);
}

#[test]
fn current_traces_write_arrays_and_newtypes_as_their_values() {
    let trace = expected("0.2.0");
    let written: Value = serde_json::to_value(&trace).unwrap();
    let current: Value = serde_json::from_str(&fixture("0.3.0")).unwrap();
    assert_eq!(written, current);
    let read = palimpsest::from_str::<Trace>(&fixture("0.3.0")).unwrap();
    assert!(!read.report.migrated());
    assert_eq!(read.value, trace);
}

#[test]
fn an_older_reader_gets_its_arrays_back() {
    // Read from 0.2.0 and written back: the durations return from the
    // metadata into the middle of each span. The marks' confidence was
    // dropped: a trace with marks cannot go back past 0.3.0.
    let mut old: Value = serde_json::from_str(&fixture("0.2.0")).unwrap();
    old["steps"][0]["marks"] = json!([]);
    let trace: Trace = serde_json::from_value(old.clone()).unwrap();
    let mut written = palimpsest::to_value_as(&trace, "0.2.0").unwrap();
    let metadata = written["context"]
        .as_object_mut()
        .unwrap()
        .remove("metadata")
        .unwrap();
    old["context"].as_object_mut().unwrap().remove("metadata");
    assert_eq!(written, old);
    assert!(metadata.get("legacy_nested").is_none(), "{metadata}");
    // Down to 0.1.0, the attempts are taken out: only where they hold
    // their default.
    let err = palimpsest::to_value_as(&trace, "0.1.0").unwrap_err();
    assert!(matches!(err, Error::WouldLose { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "`Trace`: cannot write version 0.1.0 from 0.2.0 without losing `steps[0].span[3]`, added in 0.2.0, which holds 1, not its default; a lossy downgrade lets it go"
    );
    let from_010: Trace = serde_json::from_str(&fixture("0.1.0")).unwrap();
    let err = palimpsest::to_value_as(&from_010, "0.2.0").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Trace`: cannot write version 0.2.0 from 0.3.0: `steps[0].marks[0][2]` was dropped in 0.3.0; its value is gone"
    );
    let mut no_marks = from_010;
    no_marks.steps.0[0].marks.clear();
    let written = palimpsest::to_value_as(&no_marks, "0.1.0").unwrap();
    let mut old: Value = serde_json::from_str(&fixture("0.1.0")).unwrap();
    old["steps"][0]["marks"] = json!([]);
    assert_eq!(written["steps"], old["steps"]);
    assert_eq!(written["retries"], old["retries"]);
    // A trace made at 0.3.0 keeps no duration to give back.
    let err = palimpsest::to_value_as(&expected("0.2.0"), "0.2.0").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Trace`: cannot write version 0.2.0 from 0.3.0: `steps[0].span[1]` was removed in 0.3.0 with no default, and the document keeps no value for it in `legacy_nested`"
    );
}

#[test]
fn the_versions_of_tuples_join_the_root_history() {
    let versions: Vec<String> = Trace::schema()
        .versions()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(versions, ["0.0.1", "0.1.0", "0.2.0", "0.3.0"]);
}

#[test]
fn a_tuple_read_on_its_own_is_read_as_current() {
    let span: Span = serde_json::from_str("[1, 2, 3]").unwrap();
    assert_eq!(span, Span(1, 2, 3));
    // serde fills a trailing element from its default, as for any tuple.
    assert_eq!(
        serde_json::from_str::<Span>("[1, 2]").unwrap(),
        Span(1, 2, 0)
    );
    let err = serde_json::from_str::<Span>("[1, 2, 3, 4]").unwrap_err();
    assert!(err.to_string().contains("trailing"), "{err}");
    assert_eq!(serde_json::to_string(&TokenCount(7)).unwrap(), "7");
}

#[test]
fn a_short_old_array_is_left_to_serde_which_names_the_length() {
    // A 0.1.0 span needs its three elements; with two, the duration is
    // taken out and serde misses the end.
    let text =
        r#"{"schema_version": "0.1.0", "task": "t", "steps": [{"thought": "x", "span": [0, 5]}]}"#;
    let tree = palimpsest::from_value::<Trace>(serde_json::from_str(text).unwrap()).unwrap_err();
    let streamed = palimpsest::from_str::<Trace>(text).unwrap_err();
    for err in [tree, streamed] {
        assert!(err.to_string().contains("invalid length 1"), "{err}");
    }
}

/// A plain serde newtype around a versioned struct writes and reads it
/// with its stamp: what the error on `#[versioned(since = ..)]` on a
/// newtype advises (`tests/ui/tuples/top_level_newtype.rs`).
#[test]
fn a_plain_newtype_around_a_versioned_struct_carries_its_stamp() {
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct Archived(Trace);

    let archived: Archived = serde_json::from_str(&fixture("0.1.0")).unwrap();
    assert_eq!(without_metadata(archived.0.clone()), expected("0.1.0"));
    let text = serde_json::to_string(&archived).unwrap();
    assert!(text.starts_with(r#"{"schema_version":"0.3.0","#), "{text}");
}

#[test]
fn no_value_of_a_fixture_is_lost_but_the_declared_drops() {
    // The 0.2.0 fixture's marks carry confidence scores, which 0.3.0 drops
    // as the user declared (`drop`): the no-loss check excuses them, and
    // finds nothing else missing in any fixture.
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tuples");
    let scored = fs::read_to_string(format!("{fixtures}/0.2.0.json")).unwrap();
    assert!(scored.contains(r#"["log", 12, 0.9]"#), "{scored}");
    let report = palimpsest::testing::check_fixtures::<Trace>(fixtures)
        .unwrap_or_else(|err| panic!("{err}"));
    let counts: Vec<String> = Trace::schema()
        .versions()
        .iter()
        .map(|version| format!("{version}: {}", report.count_at(version)))
        .collect();
    assert_eq!(counts, ["0.0.1: 0", "0.1.0: 1", "0.2.0: 1", "0.3.0: 1"]);
}

/// A point whose third coordinate went away in version 2.
#[versioned(embedded)]
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point(pub i64, pub i64, #[removed_in(2)] i64);

/// No metadata path: the removed coordinate has nowhere to go.
#[versioned(since = 1)]
#[derive(Debug, Serialize, Deserialize)]
pub struct Plot {
    /// The points.
    pub points: Vec<Point>,
}

#[test]
fn a_removed_element_kept_needs_a_metadata_path() {
    let text = r#"{"schema_version": 1, "points": [[1, 2, 3]]}"#;
    let tree = palimpsest::from_value::<Plot>(serde_json::from_str(text).unwrap()).unwrap_err();
    let streamed = palimpsest::from_str::<Plot>(text).unwrap_err();
    for err in [tree, streamed] {
        assert!(matches!(err, Error::Definition { .. }), "{err}");
        assert!(
            err.to_string().contains("embedded type `Point` at `points[]` keeps the value of a removed field, but `Plot` has no metadata path"),
            "{err}"
        );
    }
}

/// A note whose text was called `msg` before version 2, and which lost its
/// color in version 3.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The text.
    #[renamed_from("msg", since = 2)]
    pub text: String,
    #[removed_in(3)]
    color: String,
}

/// A line number, its author until version 3, the note on it, and the
/// replies to the note from version 2: the notes migrate at the position
/// their element has in each version.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotated(
    pub u32,
    #[removed_in(3)] String,
    pub Note,
    #[added_in(2)]
    #[serde(default)]
    pub Vec<Note>,
);

/// Notes on lines.
#[versioned(since = 1, metadata = "meta")]
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notebook {
    /// The notes.
    pub notes: Vec<Annotated>,
    /// Where removed values go.
    #[serde(default)]
    pub meta: Map<String, Value>,
}

fn note(text: &str) -> Note {
    Note {
        text: text.to_owned(),
    }
}

#[test]
fn embedded_types_in_elements_migrate_at_their_position_in_each_version() {
    let first = r#"{"schema_version": 1, "notes": [[3, "ada", {"msg": "m", "color": "red"}]]}"#;
    let second = r#"{"notes": [[4, "bob", {"text": "t", "color": "blue"}, [{"text": "r", "color": "green"}]]], "schema_version": 2}"#;
    let expected = [
        (
            first,
            Annotated(3, note("m"), vec![]),
            json!({"notes[0][1]": "ada", "notes[0][1].color": "red"}),
        ),
        (
            second,
            Annotated(4, note("t"), vec![note("r")]),
            json!({"notes[0][1]": "bob", "notes[0][1].color": "blue", "notes[0][2][0].color": "green"}),
        ),
    ];
    for (text, annotated, kept) in expected {
        for (placement, text) in placements(text) {
            let tree: Value = serde_json::from_str(&text).unwrap();
            let mut cbor = Vec::new();
            ciborium::into_writer(&tree, &mut cbor).unwrap();
            let routes = [
                (
                    "tree",
                    palimpsest::from_value::<Notebook>(tree).unwrap().value,
                ),
                (
                    "stream",
                    palimpsest::from_str::<Notebook>(&text).unwrap().value,
                ),
                ("serde_json", serde_json::from_str(&text).unwrap()),
                ("ciborium", ciborium::from_reader(cbor.as_slice()).unwrap()),
            ];
            for (route, notebook) in routes {
                let case = format!("{route}, {placement}: {text}");
                assert_eq!(notebook.notes, std::slice::from_ref(&annotated), "{case}");
                assert_eq!(notebook.meta["legacy_nested"], kept, "{case}");
            }
        }
    }
    // Written back, each element and note is where an older reader
    // expects it.
    let notebook: Notebook = serde_json::from_str(first).unwrap();
    let written = palimpsest::to_value_as(&notebook, 1).unwrap();
    let old: Value = serde_json::from_str(first).unwrap();
    assert_eq!(written["notes"], old["notes"]);
    let report = palimpsest::from_str::<Notebook>(second).unwrap().report;
    assert_eq!(
        report.preserved,
        [
            "meta.legacy_nested.notes[][1]",
            "meta.legacy_nested.notes[][1].color",
            "meta.legacy_nested.notes[][2][].color"
        ]
    );
}

/// A reading, a cache no document holds, and the unit it was taken in
/// until version 2.
#[versioned(embedded)]
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample(
    pub u32,
    #[serde(skip)] pub u32,
    #[removed_in(2)] String,
    pub u32,
);

/// Samples, with a metadata path for the units.
#[versioned(since = 1, metadata = "meta")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Series {
    /// The samples.
    pub samples: Vec<Sample>,
    /// Where the units go.
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[test]
fn a_skipped_element_has_no_position() {
    let text = r#"{"schema_version": 1, "samples": [[7, "ms", 8]]}"#;
    for (route, series) in [
        (
            "tree",
            palimpsest::from_value::<Series>(serde_json::from_str(text).unwrap()).unwrap(),
        ),
        ("stream", palimpsest::from_str::<Series>(text).unwrap()),
    ] {
        assert_eq!(series.value.samples, [Sample(7, 0, 8)], "{route}");
        assert_eq!(
            series.value.meta["legacy_nested"],
            json!({"samples[0][1]": "ms"}),
            "{route}"
        );
    }
    assert_eq!(
        serde_json::to_value(Sample(7, 5, 8)).unwrap(),
        json!([7, 8])
    );
}

/// The expansions of tuple structs name everything by absolute path, as
/// `tests/hygiene.rs` checks for structs: a module shadowing the prelude
/// and serde's names still compiles them, and reads old documents.
mod shadowed {
    #![allow(dead_code)]

    pub struct Result;
    pub struct Option;
    pub struct Vec;
    pub struct Ok;
    pub struct Some;
    pub mod serde {}
    pub mod serde_json {}
    pub trait Serialize {}
    pub trait Deserialize {}
    pub trait Default {}

    use palimpsest::versioned;

    #[versioned(since = 1, metadata = "meta")]
    #[derive(Debug, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Route {
        pub legs: Legs<Leg>,
        #[serde(default)]
        pub meta: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }

    #[versioned(embedded)]
    #[derive(Debug, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Legs<T>(pub ::std::vec::Vec<T>);

    #[versioned(embedded)]
    #[derive(Debug, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
    #[serde(default)]
    pub struct Leg(
        pub u32,
        #[removed_in(2)] u32,
        pub u32,
        #[added_in(3)] pub ::core::option::Option<u32>,
    );

    impl ::core::default::Default for Leg {
        fn default() -> Self {
            Self(0, 0, ::core::option::Option::Some(1))
        }
    }
}

#[test]
fn tuple_expansions_are_hygienic() {
    let route: shadowed::Route =
        serde_json::from_str(r#"{"schema_version": 1, "legs": [[1, 2, 3], [4, 5, 6]]}"#).unwrap();
    // The container's default fills the added element.
    assert_eq!(
        route.legs.0,
        [shadowed::Leg(1, 3, Some(1)), shadowed::Leg(4, 6, Some(1))]
    );
    assert_eq!(
        route.meta["legacy_nested"],
        json!({"legs[0][1]": 2, "legs[1][1]": 5})
    );
}

#[test]
fn a_fixture_whose_element_was_dropped_does_not_round_trip_and_says_why() {
    // 0.3.0 removes the marks' third element with `drop`: a document that
    // held one cannot be written back as it was, and the check names it.
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tuples");
    let err = palimpsest::testing::check_fixture_round_trips::<Trace>(fixtures).unwrap_err();
    assert_eq!(err.version().to_string(), "0.1.0");
    assert!(
        err.to_string()
            .contains("`steps[0].marks[0][2]` was dropped in 0.3.0; its value is gone"),
        "{err}"
    );
}
