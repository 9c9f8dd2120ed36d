//! The envelope layout (`#[versioned(layout = "envelope")]`,
//! `SchemaBuilder::layout`): documents are `{"version": V, "data": {...}}`,
//! read and written with the same migrations as the inline layout, through
//! serde (JSON, CBOR), the rich API, the tree engine, downgrade and the
//! bulk engine. A document without the envelope is the data itself: the
//! legacy version's bare object, or one the type wrote in the inline
//! layout before it moved to the envelope.

use std::sync::OnceLock;

use palimpsest::{versioned, Error, Layout, Newer, Schema, Step, Versioned, FORWARD};
use palimpsest_bulk::{Document, Migrator, Outcome};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "context.metadata", layout = "envelope")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub problem: String,
    #[renamed_from("result", since = "0.2.0")]
    pub outcome: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.3.0")]
    pub notes: String,
    pub steps: Vec<TraceStep>,
    #[serde(default)]
    pub context: Context,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceStep {
    #[renamed_from("thought", since = "0.3.0")]
    pub reasoning: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/envelope/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn tree(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// Every old fixture, and the version it is at.
const OLD: [(&str, &str); 4] = [
    ("0.0.1.json", "0.0.1"),
    ("0.1.0.json", "0.1.0"),
    ("0.2.0.json", "0.2.0"),
    ("inline-0.2.0.json", "0.2.0"),
];

fn check_current(trace: &Trace) {
    assert_eq!(trace.problem, "why is the build red?");
    assert_eq!(trace.outcome, "flaky test");
    assert_eq!(trace.steps[0].reasoning, "read the log");
    assert_eq!(trace.context.metadata["legacy_notes"], "seen twice");
}

fn cbor(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).unwrap();
    bytes
}

#[test]
fn a_value_is_written_in_an_envelope_version_first() {
    let trace: Trace = serde_json::from_str(&fixture("0.3.0.json")).unwrap();
    let text = serde_json::to_string(&trace).unwrap();
    assert!(
        text.starts_with(r#"{"version":"0.3.0","data":{"problem":"#),
        "{text}"
    );
    assert_eq!(palimpsest::to_string(&trace).unwrap(), text);
    assert_eq!(palimpsest::to_value(&trace).unwrap(), tree("0.3.0.json"));
    let written: Value = ciborium::from_reader(cbor(&trace).as_slice()).unwrap();
    assert_eq!(written, tree("0.3.0.json"));
}

#[test]
fn a_current_envelope_is_read_with_no_migration() {
    let read = palimpsest::from_str::<Trace>(&fixture("0.3.0.json")).unwrap();
    assert!(!read.report.migrated());
    check_current(&read.value);
    let trace: Trace = ciborium::from_reader(cbor(&tree("0.3.0.json")).as_slice()).unwrap();
    assert_eq!(trace, read.value);
}

#[test]
fn every_old_document_migrates_on_every_route() {
    for (name, version) in OLD {
        let text = fixture(name);
        let read = palimpsest::from_str::<Trace>(&text).unwrap();
        assert_eq!(read.report.from.to_string(), version, "{name}");
        assert!(read.report.migrated(), "{name}");
        check_current(&read.value);
        assert_eq!(
            read.value.context.metadata["migrated_from"], version,
            "{name}"
        );

        let through_serde: Trace = serde_json::from_str(&text).unwrap();
        assert_eq!(through_serde, read.value, "{name}");
        let from_value = palimpsest::from_value::<Trace>(tree(name)).unwrap();
        assert_eq!(from_value.value, read.value, "{name}");
        let from_cbor: Trace = ciborium::from_reader(cbor(&tree(name)).as_slice()).unwrap();
        assert_eq!(from_cbor, read.value, "{name}");

        // The tree engine writes the envelope, with the same result.
        let mut document = tree(name);
        assert_eq!(
            palimpsest::detect::<Trace>(&document).unwrap().to_string(),
            version
        );
        let report = palimpsest::migrate::<Trace>(&mut document).unwrap();
        assert_eq!(report.from.to_string(), version, "{name}");
        assert_eq!(
            document,
            palimpsest::to_value(&read.value).unwrap(),
            "{name}"
        );
        assert_eq!(document["version"], "0.3.0", "{name}");
    }
}

#[test]
fn the_version_may_come_after_the_data() {
    let reordered =
        r#"{"data": {"problem": "p", "outcome": "o", "steps": []}, "version": "0.3.0"}"#;
    let trace: Trace = serde_json::from_str(reordered).unwrap();
    assert_eq!((trace.problem.as_str(), trace.outcome.as_str()), ("p", "o"));
}

#[test]
fn a_key_beside_the_envelope_is_an_error() {
    let text = r#"{"version": "0.3.0", "data": {"problem": "p", "outcome": "o", "steps": []}, "extra": 1}"#;
    let err = palimpsest::from_str::<Trace>(text).unwrap_err();
    assert!(matches!(err, Error::Mismatch { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "`Trace`: document at version 0.3.0 does not fit the schema at `(root)`: unknown key `extra` beside `version` and `data` in an envelope",
    );
}

#[test]
fn downgrade_writes_the_older_envelope() {
    let trace: Trace = serde_json::from_str(&fixture("0.1.0.json")).unwrap();
    let old = palimpsest::to_value_as(&trace, "0.1.0").unwrap();
    assert_eq!(old["version"], "0.1.0");
    let data = &old["data"];
    assert_eq!(data["result"], "flaky test");
    assert_eq!(data["notes"], "seen twice");
    assert_eq!(data["steps"], json!([{"thought": "read the log"}]));
    // And back up again, to the same value.
    let again = palimpsest::from_value::<Trace>(old).unwrap().value;
    assert_eq!((again.outcome, again.steps), (trace.outcome, trace.steps));
}

#[test]
fn the_bulk_engine_migrates_envelopes_and_bare_documents() {
    let input: String = OLD
        .iter()
        .map(|(name, _)| fixture(name).trim().to_owned() + "\n")
        .collect();
    let mut output = Vec::new();
    let mut outcomes = Vec::new();
    let mut observer = |document: Document<'_>| outcomes.push(document.outcome);
    Migrator::<Trace>::new()
        .jsonl("-", input.as_bytes(), &mut output, &mut observer)
        .unwrap();
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Migrated { .. })),
        "{outcomes:?}"
    );
    let output = String::from_utf8(output).unwrap();
    for line in output.lines() {
        assert!(line.starts_with(r#"{"version":"0.3.0","data":{"#), "{line}");
        check_current(&serde_json::from_str(line).unwrap());
    }
    // Down to 0.2.0, through the tree engine: the envelope, version first.
    let mut output = Vec::new();
    Migrator::<Trace>::new()
        .to("0.2.0")
        .unwrap()
        .jsonl(
            "-",
            fixture("0.3.0.json").as_bytes(),
            &mut output,
            &mut |_: Document<'_>| {},
        )
        .unwrap();
    let line = String::from_utf8(output).unwrap();
    assert!(line.starts_with(r#"{"version":"0.2.0","data":{"#), "{line}");
}

/// A newer build's envelope, read by a type that reads newer documents.
#[versioned(
    since = 1,
    version = 2,
    metadata = "meta",
    layout = "envelope",
    newer = "read"
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[test]
fn a_newer_envelope_round_trips_through_an_older_build() {
    let newer = json!({"version": 3, "data": {"text": "hi", "color": "red", "meta": {}}});
    let note: Note = serde_json::from_value(newer.clone()).unwrap();
    assert_eq!(note.text, "hi");
    assert_eq!(
        note.meta[FORWARD],
        json!({"version": 3, "unknown": {"color": "red"}})
    );
    assert_eq!(palimpsest::to_value(&note).unwrap(), newer);
    let text = serde_json::to_string(&note).unwrap();
    assert!(text.starts_with(r#"{"version":3,"data":{"#), "{text}");
}

/// A hand-written `Versioned` over plain serde derives.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Config {
    capacity: u32,
}

impl Versioned for Config {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::integer("Config", 2)
                .layout(Layout::Envelope)
                .newer(Newer::Fail)
                .step(Step::new(0, 1))
                .step(Step::new(1, 2).rename("size", "capacity"))
                .build()
                .expect("the Config schema is valid")
        })
    }
}

#[test]
fn a_schema_built_at_run_time_reads_and_writes_envelopes() {
    let read = palimpsest::from_str::<Config>(r#"{"version": 1, "data": {"size": 8}}"#).unwrap();
    assert_eq!(read.value, Config { capacity: 8 });
    assert_eq!(read.report.from.to_string(), "1");
    let bare = palimpsest::from_str::<Config>(r#"{"size": 8}"#).unwrap();
    assert_eq!(bare.report.from.to_string(), "0");
    assert_eq!(
        palimpsest::to_value(&read.value).unwrap(),
        json!({"version": 2, "data": {"capacity": 8}})
    );
    assert_eq!(Config::schema().layout(), Layout::Envelope);
    let err = palimpsest::from_str::<Config>(r#"{"version": 3, "data": {}}"#).unwrap_err();
    assert!(matches!(err, Error::NewerVersion { .. }), "{err}");
}

#[test]
fn envelopes_round_trip_through_every_older_version() {
    // The round-trip law holds in the envelope layout as inline: a value
    // written as each older version, in that version's envelope, reads
    // back as itself.
    let trace: Trace = serde_json::from_str(&fixture("0.0.1.json")).unwrap();
    let report = palimpsest::testing::assert_round_trips(&[trace]);
    assert_eq!(report.trips, 3, "down to 0.2.0, 0.1.0 and 0.0.1");
}
