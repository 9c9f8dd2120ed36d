//! Forward-compatible reads: a document written by a newer build is read as
//! the current struct when the type (`#[versioned(newer = "read")]`,
//! `SchemaBuilder::newer`) or the call (`Reader::newer`) says so, and
//! written back as the newer build wrote it: its version, and the keys this
//! build does not know where they stood, at the top level and inside
//! embedded objects. The default stays `Error::NewerVersion`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use palimpsest::{versioned, Error, Newer, Reader, Schema, Step, Versioned, FORWARD};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// This build knows 0.2.0; the fixtures were written by a 0.3.0 build.
#[versioned(since = "0.1.0", metadata = "context.metadata", newer = "read")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub problem: String,
    pub steps: Vec<TraceStep>,
    #[serde(default)]
    pub by_agent: BTreeMap<String, TraceStep>,
    #[serde(default)]
    pub context: Context,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceStep {
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tokens: u32,
    #[serde(default)]
    pub calls: Vec<Call>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub tool: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub ok: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// The same history, without the type's opt-in: only a call can ask.
#[versioned(since = "0.1.0", version = "0.2.0", metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cautious {
    pub problem: String,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

/// No metadata path: nowhere to keep what a newer build wrote.
#[versioned(since = "0.1.0", version = "0.2.0")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bare {
    pub problem: String,
}

/// A step whose `role` a newer build gave a variant this one lacks.
#[versioned(since = "0.1.0", version = "0.2.0", metadata = "meta", newer = "read")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roles {
    pub problem: String,
    pub steps: Vec<RoleStep>,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleStep {
    pub reasoning: String,
    #[serde(default)]
    pub role: Role,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Agent,
    User,
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/forward/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn newer_text() -> String {
    fixture("0.3.0.json")
}

fn newer_tree() -> Value {
    serde_json::from_str(&newer_text()).unwrap()
}

/// What a 0.2.0 build keeps of the 0.3.0 fixture.
fn expected_record() -> Value {
    json!({
        "version": "0.3.0",
        "unknown": {"priority": "high"},
        "nested": {
            "steps[0].confidence": 0.8,
            "steps[0].calls[0].latency_ms": 40,
            "by_agent.critic.mood": "calm",
        },
    })
}

fn check_read(trace: &Trace) {
    assert_eq!(trace.problem, "why is the build red?");
    assert_eq!(trace.steps.len(), 2);
    assert_eq!(trace.steps[0].calls[0].tool, "grep");
    assert_eq!(trace.by_agent["critic"].reasoning, "looks fine");
    let metadata = &trace.context.metadata;
    assert_eq!(metadata[FORWARD], expected_record());
    // The newer build's own metadata is left as it was.
    assert_eq!(metadata["migrated_from"], "0.1.0");
}

#[test]
fn by_default_a_newer_document_is_refused() {
    let err = palimpsest::from_str::<Cautious>(&newer_text()).unwrap_err();
    assert!(matches!(err, Error::NewerVersion { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "`Cautious`: document at `schema_version` is version 0.3.0, newer than 0.2.0, the newest this build reads",
    );
    let err = serde_json::from_str::<Cautious>(&newer_text()).unwrap_err();
    assert!(err.to_string().contains("newer than 0.2.0"), "{err}");
}

#[test]
fn a_type_that_opts_in_reads_a_newer_document_through_serde() {
    let trace: Trace = serde_json::from_str(&newer_text()).unwrap();
    check_read(&trace);
}

#[test]
fn writing_back_gives_the_newer_document_unchanged() {
    let trace: Trace = serde_json::from_str(&newer_text()).unwrap();
    assert_eq!(serde_json::to_value(&trace).unwrap(), newer_tree());
    assert_eq!(palimpsest::to_value(&trace).unwrap(), newer_tree());
    // The newer build's version, first, as palimpsest writes every stamp.
    let text = serde_json::to_string(&trace).unwrap();
    assert!(text.starts_with(r#"{"schema_version":"0.3.0","#), "{text}");
    let text = palimpsest::to_string(&trace).unwrap();
    assert!(text.starts_with(r#"{"schema_version":"0.3.0","#), "{text}");
}

#[test]
fn the_rich_api_reports_the_newer_version_and_no_step() {
    let read = palimpsest::from_str::<Trace>(&newer_text()).unwrap();
    check_read(&read.value);
    assert_eq!(read.report.from.to_string(), "0.3.0");
    assert_eq!(read.report.to.to_string(), "0.2.0");
    assert!(!read.report.migrated());
    let read = palimpsest::from_value::<Trace>(newer_tree()).unwrap();
    check_read(&read.value);
    let read = Reader::new()
        .from_reader::<Trace, _>(newer_text().as_bytes())
        .unwrap();
    check_read(&read.value);
}

#[test]
fn a_stamp_met_last_takes_the_same_route() {
    // serde_json's map is sorted: the version key comes after `problem`.
    let reordered = newer_tree().to_string();
    assert!(!reordered.starts_with(r#"{"schema_version""#));
    let trace: Trace = serde_json::from_str(&reordered).unwrap();
    check_read(&trace);
    assert_eq!(palimpsest::to_value(&trace).unwrap(), newer_tree());
}

#[test]
fn cbor_reads_and_writes_back_the_same() {
    let mut bytes = Vec::new();
    ciborium::into_writer(&newer_tree(), &mut bytes).unwrap();
    let trace: Trace = ciborium::from_reader(bytes.as_slice()).unwrap();
    check_read(&trace);
    let mut written = Vec::new();
    ciborium::into_writer(&trace, &mut written).unwrap();
    let written: Value = ciborium::from_reader(written.as_slice()).unwrap();
    assert_eq!(written, newer_tree());
}

#[test]
fn an_edited_value_keeps_what_it_did_not_know() {
    let mut trace: Trace = serde_json::from_str(&newer_text()).unwrap();
    trace.problem = "the build is green".to_owned();
    trace.steps[1].tokens = 31;
    let mut expected = newer_tree();
    expected["problem"] = json!("the build is green");
    expected["steps"][1]["tokens"] = json!(31);
    assert_eq!(palimpsest::to_value(&trace).unwrap(), expected);
}

#[test]
fn keys_whose_object_is_gone_stay_in_the_record() {
    let mut trace: Trace = serde_json::from_str(&newer_text()).unwrap();
    trace.by_agent.clear();
    let written = palimpsest::to_value(&trace).unwrap();
    assert_eq!(written["schema_version"], "0.3.0");
    assert_eq!(written["priority"], "high");
    assert_eq!(written["steps"][0]["confidence"], 0.8);
    assert_eq!(
        written["context"]["metadata"][FORWARD],
        json!({"version": "0.3.0", "nested": {"by_agent.critic.mood": "calm"}}),
    );
}

#[test]
fn a_call_chooses_over_the_type() {
    let read = Reader::new()
        .newer(Newer::Read)
        .from_str::<Cautious>(&newer_text())
        .unwrap();
    assert_eq!(read.value.problem, "why is the build red?");
    // `Cautious` claims neither `steps` nor `by_agent`: kept too.
    let record = &read.value.meta[FORWARD];
    assert_eq!(record["version"], "0.3.0");
    assert_eq!(record["unknown"]["priority"], "high");
    assert_eq!(record["unknown"]["steps"][0]["confidence"], 0.8);
    let mut expected = newer_tree();
    let context = expected.as_object_mut().unwrap().remove("context").unwrap();
    expected["context"] = context;
    expected["meta"] = json!({});
    assert_eq!(palimpsest::to_value(&read.value).unwrap(), expected);

    let err = Reader::new()
        .newer(Newer::Fail)
        .from_str::<Trace>(&newer_text())
        .unwrap_err();
    assert!(matches!(err, Error::NewerVersion { .. }), "{err}");
}

#[test]
fn a_type_without_metadata_cannot_read_newer_documents() {
    let err = Reader::new()
        .newer(Newer::Read)
        .from_str::<Bare>(r#"{"schema_version": "0.2.0", "problem": "p"}"#)
        .unwrap_err();
    assert!(matches!(err, Error::Definition { .. }), "{err}");
    assert!(err.to_string().contains("needs a metadata path"), "{err}");
}

#[test]
fn a_strict_read_refuses_a_newer_document() {
    let err = palimpsest::from_str_strict::<Trace>(&newer_text()).unwrap_err();
    assert!(matches!(err, Error::NewerVersion { .. }), "{err}");
}

#[test]
fn a_value_this_build_would_refuse_is_a_typed_error_at_its_path() {
    let err = palimpsest::from_str::<Roles>(&fixture("0.3.0-new-variant.json")).unwrap_err();
    let Error::Mismatch {
        version,
        migrated_to,
        path,
        ..
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(
        (version.to_string(), migrated_to, path.as_str()),
        ("0.3.0".to_owned(), &None, "steps[0].role")
    );
    assert_eq!(
        err.to_string(),
        "`Roles`: document at version 0.3.0 does not fit the schema at `steps[0].role`: unknown variant `critic`, expected `agent` or `user`",
    );
}

#[test]
fn current_and_old_documents_are_read_as_before() {
    let read = palimpsest::from_str::<Trace>(&fixture("0.2.0.json")).unwrap();
    assert!(!read.report.migrated());
    assert!(!read.value.context.metadata.contains_key(FORWARD));
    assert_eq!(
        palimpsest::to_value(&read.value).unwrap(),
        serde_json::from_str::<Value>(&fixture("0.2.0.json")).unwrap()
    );
    let old = json!({"problem": "p", "steps": [{"thought": "t", "calls": [{"tool": "ls"}]}]});
    let read = palimpsest::from_str::<Trace>(&old.to_string()).unwrap();
    assert_eq!(read.report.from.to_string(), "0.0.1");
    assert_eq!(read.value.steps[0].reasoning, "t");
    assert!(!read.value.context.metadata.contains_key(FORWARD));
}

/// A hand-written `Versioned` over plain serde derives.
#[derive(Debug, Serialize, Deserialize)]
struct Config {
    capacity: u32,
    #[serde(default)]
    meta: Map<String, Value>,
}

impl Versioned for Config {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::integer("Config", 2)
                .metadata("meta")
                .claims(["capacity", "meta"])
                .newer(Newer::Read)
                .step(Step::new(0, 1))
                .step(Step::new(1, 2).rename("size", "capacity"))
                .build()
                .expect("the Config schema is valid")
        })
    }
}

#[test]
fn a_schema_built_at_run_time_reads_and_writes_back_newer_documents() {
    let newer = json!({"schema_version": 5, "capacity": 8, "eviction": "lru"});
    let read = palimpsest::from_value::<Config>(newer.clone()).unwrap();
    assert_eq!(read.value.capacity, 8);
    assert_eq!(
        read.value.meta[FORWARD],
        json!({"version": 5, "unknown": {"eviction": "lru"}})
    );
    let mut expected = newer;
    expected["meta"] = json!({});
    assert_eq!(palimpsest::to_value(&read.value).unwrap(), expected);
}

#[test]
fn a_schema_built_at_run_time_needs_a_metadata_path_and_claims() {
    let err = Schema::integer("Config", 2)
        .newer(Newer::Read)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Definition { .. }), "{err}");
    let err = Schema::integer("Config", 2)
        .metadata("meta")
        .newer(Newer::Read)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("(`claims`)"), "{err}");
}

#[test]
fn a_value_read_from_a_newer_document_round_trips_through_every_older_version() {
    // Written back for older readers, the value this build read from a
    // newer document loses nothing the older version can hold, and reads
    // back as itself: the forward record rides along in the metadata.
    let trace: Trace = serde_json::from_value(json!({
        "schema_version": "0.2.0",
        "problem": "p",
        "steps": [{"reasoning": "r", "tokens": 0, "calls": [{"tool": "ls", "ok": false}]}],
    }))
    .unwrap();
    let report = palimpsest::testing::assert_round_trips(&[trace]);
    assert_eq!(report.trips, 2, "down to 0.1.0 and 0.0.1");
}
