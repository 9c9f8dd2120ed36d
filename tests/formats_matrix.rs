//! palimpsest works through every self-describing serde format, not only
//! JSON: one agent trace, kept at every version of its history in
//! `tests/fixtures/formats/` (JSON, YAML, TOML, RON; MessagePack and CBOR
//! are written from those in the test), reads through YAML, TOML,
//! MessagePack (its map form), CBOR, RON, `serde_json::Value` and
//! `serde_json::value::RawValue`:
//!
//! - an old document (legacy, version key last, version key first) reads
//!   as `palimpsest::from_str` reads the JSON of the same document: the
//!   same value, the same preserved metadata, the same report;
//! - a current document reads as plain serde reads it into a twin of the
//!   struct without palimpsest, and a current value writes the very bytes
//!   the twin writes, its version an ordinary first field.
//!
//! Formats that cannot describe their data (bincode, postcard) cannot
//! carry a versioned type: reading one fails, never with a wrong value,
//! with an error that says so (bincode) or the format's own (postcard,
//! whose errors carry no message); the supported alternative, the document
//! kept as JSON or CBOR bytes inside the binary record, migrates old
//! documents as JSON does.

use std::fmt::Debug;
use std::path::Path;

use palimpsest::{versioned, Report};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// An agent's attempt at a task, and what it found.
#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTrace {
    pub problem_statement: String,
    #[renamed_from("result", since = "0.2.0")]
    pub outcome: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.3.0")]
    pub notes: String,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub context: TraceContext,
}

/// One turn of the agent, migrated with the trace that holds it.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    #[renamed_from("thought", since = "0.3.0")]
    pub reasoning: String,
    pub tool: Option<String>,
    pub observation: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceContext {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// The current `AgentTrace` as plain serde sees it, without palimpsest: its
/// version an ordinary first field, which is where palimpsest writes it,
/// and its serde name the same (RON writes it: `AgentTrace(...)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "AgentTrace")]
pub struct PlainTrace {
    pub schema_version: String,
    pub problem_statement: String,
    pub outcome: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub steps: Vec<PlainStep>,
    #[serde(default)]
    pub context: TraceContext,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Step")]
pub struct PlainStep {
    pub reasoning: String,
    pub tool: Option<String>,
    pub observation: String,
}

impl From<PlainTrace> for AgentTrace {
    fn from(plain: PlainTrace) -> Self {
        assert_eq!(plain.schema_version, CURRENT);
        AgentTrace {
            problem_statement: plain.problem_statement,
            outcome: plain.outcome,
            tags: plain.tags,
            steps: plain
                .steps
                .into_iter()
                .map(|step| Step {
                    reasoning: step.reasoning,
                    tool: step.tool,
                    observation: step.observation,
                })
                .collect(),
            context: plain.context,
        }
    }
}

impl From<AgentTrace> for PlainTrace {
    fn from(trace: AgentTrace) -> Self {
        PlainTrace {
            schema_version: CURRENT.to_owned(),
            problem_statement: trace.problem_statement,
            outcome: trace.outcome,
            tags: trace.tags,
            steps: trace
                .steps
                .into_iter()
                .map(|step| PlainStep {
                    reasoning: step.reasoning,
                    tool: step.tool,
                    observation: step.observation,
                })
                .collect(),
            context: trace.context,
        }
    }
}

const CURRENT: &str = "0.3.0";

/// The fixtures' versions, oldest first: legacy (no version key), the key
/// last, the key first, and current.
const OLD: [&str; 3] = ["0.0.1", "0.1.0", "0.2.0"];

fn fixture(version: &str, extension: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(format!("{version}.{extension}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What `palimpsest::from_str` makes of the JSON fixture: the reference
/// every format must meet.
fn from_json(version: &str) -> palimpsest::Migrated<AgentTrace> {
    palimpsest::from_str(&fixture(version, "json")).unwrap()
}

/// A serde data format, as the matrix drives it.
trait Format {
    const NAME: &'static str;
    /// A document in this format.
    type Document: Debug + PartialEq;
    /// The trace of the JSON fixture of `version`, in this format.
    fn document(version: &str) -> Self::Document;
    fn read<T: DeserializeOwned>(document: &Self::Document) -> Result<T, String>;
    fn write<T: Serialize>(value: &T) -> Self::Document;
    /// The JSON fixture of `version` as this format can say it (all of it,
    /// unless the format lacks something JSON has).
    fn expected_tree(version: &str) -> Value {
        serde_json::from_str(&fixture(version, "json")).unwrap()
    }
}

/// Reads `document` into `T` through plain serde, and the report of the
/// migration that ran, if one did.
fn read_with_report<F: Format, T: DeserializeOwned>(
    document: &F::Document,
) -> (Result<T, String>, Option<Report>) {
    palimpsest::with_report(|| F::read::<T>(document))
}

/// The whole matrix for one format: its fixtures say what the JSON ones
/// say; old documents read as `palimpsest::from_str` reads their JSON;
/// current ones read and write as plain serde does for the twin.
fn check<F: Format>() {
    let name = F::NAME;
    for version in OLD.into_iter().chain([CURRENT]) {
        let document = F::document(version);
        let tree: Value = F::read(&document).unwrap();
        assert_eq!(tree, F::expected_tree(version), "{name} {version}: fixture");
    }
    for version in OLD {
        let document = F::document(version);
        let (read, report) = read_with_report::<F, AgentTrace>(&document);
        let read = read.unwrap_or_else(|e| panic!("{name} {version}: {e}"));
        let reference = from_json(version);
        assert_eq!(read, reference.value, "{name} {version}");
        assert_eq!(report.as_ref(), Some(&reference.report), "{name} {version}");
    }

    // The fast path: a current document, its key first.
    let document = F::document(CURRENT);
    let (read, report) = read_with_report::<F, AgentTrace>(&document);
    let read = read.unwrap_or_else(|e| panic!("{name} {CURRENT}: {e}"));
    let plain: PlainTrace = F::read(&document).unwrap();
    assert_eq!(read, AgentTrace::from(plain), "{name} {CURRENT}");
    assert_eq!(report, None, "{name} {CURRENT}: nothing to migrate");
    assert_eq!(read, from_json(CURRENT).value, "{name} {CURRENT}");

    // Writing: the bytes of the twin, which read back on the fast path.
    let written = F::write(&read);
    assert_eq!(written, F::write(&PlainTrace::from(read.clone())), "{name}");
    let (back, report) = read_with_report::<F, AgentTrace>(&written);
    assert_eq!(back.unwrap(), read, "{name}: round trip");
    assert_eq!(report, None, "{name}: round trip");
}

#[test]
fn the_json_reference_migrates_every_version_with_its_history() {
    let history = |from: &[&str]| -> Value {
        from.windows(2)
            .map(|pair| json!({"from": pair[0], "to": pair[1]}))
            .collect()
    };
    let current = from_json(CURRENT).value;
    for (version, path, tags, host) in [
        (
            "0.0.1",
            &["0.0.1", "0.1.0", "0.2.0", "0.3.0"][..],
            false,
            false,
        ),
        ("0.1.0", &["0.1.0", "0.2.0", "0.3.0"][..], false, true),
        ("0.2.0", &["0.2.0", "0.3.0"][..], true, true),
    ] {
        let read = from_json(version);
        let mut expected = current.clone();
        if !tags {
            expected.tags.clear();
        }
        let mut metadata = json!({
            "legacy_notes": "rerun once the cache is clean",
            "migrated_from": version,
            "migration_history": history(path),
        });
        if host {
            metadata["host"] = json!("ci-runner-7");
        }
        expected.context.metadata = serde_json::from_value(metadata).unwrap();
        assert_eq!(read.value, expected, "{version}");
        assert_eq!(read.report.steps.len(), path.len() - 1, "{version}");
        assert_eq!(
            read.report.preserved,
            ["context.metadata.legacy_notes"],
            "{version}"
        );
    }
    assert_eq!(current.steps[0].reasoning, "Read the CI log");
    assert_eq!(current.steps[1].tool, None);
    assert!(from_json(CURRENT).report.steps.is_empty());
}

/// The order of the keys as the fixture has them matters (the version key
/// first, last, or absent take different routes), and serde_json's map
/// sorts its keys: the binary formats are written from the YAML fixture,
/// whose mapping keeps them in order.
fn yaml_tree(version: &str) -> serde_norway::Value {
    serde_norway::from_str(&fixture(version, "yaml")).unwrap()
}

struct Yaml;

impl Format for Yaml {
    const NAME: &'static str = "YAML";
    type Document = String;
    fn document(version: &str) -> String {
        fixture(version, "yaml")
    }
    fn read<T: DeserializeOwned>(document: &String) -> Result<T, String> {
        serde_norway::from_str(document).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> String {
        serde_norway::to_string(value).unwrap()
    }
}

#[test]
fn through_yaml() {
    check::<Yaml>();
}

/// A YAML stream holds many documents, each after a `---`: a corpus of
/// traces of every version reads in one pass, each as its own fixture.
#[test]
fn a_yaml_stream_of_every_version_reads_in_one_pass() {
    let versions: Vec<&str> = OLD.into_iter().chain([CURRENT]).collect();
    let stream: String = versions
        .iter()
        .map(|version| format!("---\n{}", fixture(version, "yaml")))
        .collect();
    let documents = serde_norway::Deserializer::from_str(&stream);
    let mut read = 0;
    for (document, version) in documents.zip(&versions) {
        let (trace, report) = palimpsest::with_report(|| AgentTrace::deserialize(document));
        let reference = from_json(version);
        assert_eq!(trace.unwrap(), reference.value, "{version}");
        let migrated = (*version != CURRENT).then_some(reference.report);
        assert_eq!(report, migrated, "{version}");
        read += 1;
    }
    assert_eq!(read, versions.len());
}

/// TOML has no null, and a table ends only where the next begins, so the
/// fixtures put every table (`[[steps]]`, `[context.metadata]`) after the
/// values, as toml writes them.
struct Toml;

impl Format for Toml {
    const NAME: &'static str = "TOML";
    type Document = String;
    fn document(version: &str) -> String {
        fixture(version, "toml")
    }
    fn read<T: DeserializeOwned>(document: &String) -> Result<T, String> {
        toml::from_str(document).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> String {
        toml::to_string(value).unwrap()
    }
    /// TOML has no null: where the JSON has one, the TOML fixture leaves
    /// the key out (an absent `Option` field is `None` to serde).
    fn expected_tree(version: &str) -> Value {
        fn without_nulls(value: Value) -> Value {
            match value {
                Value::Object(map) => map
                    .into_iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(key, value)| (key, without_nulls(value)))
                    .collect(),
                Value::Array(items) => items.into_iter().map(without_nulls).collect(),
                other => other,
            }
        }
        without_nulls(serde_json::from_str(&fixture(version, "json")).unwrap())
    }
}

#[test]
fn through_toml() {
    check::<Toml>();
}

/// MessagePack in its self-describing form: maps with their keys
/// (`to_vec_named`), as a versioned type needs (see
/// `messagepack_as_arrays_is_refused`).
struct MessagePack;

impl Format for MessagePack {
    const NAME: &'static str = "MessagePack";
    type Document = Vec<u8>;
    fn document(version: &str) -> Vec<u8> {
        Self::write(&yaml_tree(version))
    }
    fn read<T: DeserializeOwned>(document: &Vec<u8>) -> Result<T, String> {
        rmp_serde::from_slice(document).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> Vec<u8> {
        rmp_serde::to_vec_named(value).unwrap()
    }
}

#[test]
fn through_messagepack() {
    check::<MessagePack>();
}

struct Cbor;

impl Format for Cbor {
    const NAME: &'static str = "CBOR";
    type Document = Vec<u8>;
    fn document(version: &str) -> Vec<u8> {
        Self::write(&yaml_tree(version))
    }
    fn read<T: DeserializeOwned>(document: &Vec<u8>) -> Result<T, String> {
        ciborium::from_reader(document.as_slice()).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(value, &mut out).unwrap();
        out
    }
}

#[test]
fn through_cbor() {
    check::<Cbor>();
}

/// RON writes a struct as `(field: value)`, or `Name(field: value)` with
/// its serde name, an `Option` as `Some(..)` and `None`: the fixtures of
/// 0.0.1 and 0.1.0 are written without the names, the others with them,
/// as the test writes. A map of JSON values (the metadata) is a RON map,
/// `{"key": value}`.
struct Ron;

impl Format for Ron {
    const NAME: &'static str = "RON";
    type Document = String;
    fn document(version: &str) -> String {
        fixture(version, "ron")
    }
    fn read<T: DeserializeOwned>(document: &String) -> Result<T, String> {
        ron::from_str(document).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> String {
        let config = ron::ser::PrettyConfig::new().struct_names(true);
        ron::ser::to_string_pretty(value, config).unwrap()
    }
}

#[test]
fn through_ron() {
    check::<Ron>();
}

/// `serde_json::Value` as a format of its own: a document already parsed,
/// read with `serde_json::from_value`.
struct JsonValue;

impl Format for JsonValue {
    const NAME: &'static str = "serde_json::Value";
    type Document = Value;
    fn document(version: &str) -> Value {
        serde_json::from_str(&fixture(version, "json")).unwrap()
    }
    fn read<T: DeserializeOwned>(document: &Value) -> Result<T, String> {
        serde_json::from_value(document.clone()).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> Value {
        serde_json::to_value(value).unwrap()
    }
}

#[test]
fn through_json_value() {
    check::<JsonValue>();
}

#[test]
fn palimpsest_from_value_reads_every_version_as_from_str() {
    for version in OLD.into_iter().chain([CURRENT]) {
        let tree = JsonValue::document(version);
        let read = palimpsest::from_value::<AgentTrace>(tree).unwrap();
        assert_eq!(read, from_json(version), "{version}");
    }
    let current = from_json(CURRENT).value;
    assert_eq!(
        palimpsest::to_value(&current).unwrap(),
        serde_json::to_value(PlainTrace::from(current)).unwrap()
    );
}

/// A trace kept unparsed in an envelope, to be read later.
#[derive(Serialize, Deserialize)]
struct Envelope {
    id: u64,
    trace: Box<RawValue>,
}

#[test]
fn a_raw_value_in_an_envelope_reads_every_version_as_from_str() {
    for version in OLD.into_iter().chain([CURRENT]) {
        let json = fixture(version, "json");
        let envelope: Envelope =
            serde_json::from_str(&format!(r#"{{"id": 7, "trace": {json}}}"#)).unwrap();
        // The raw text is the fixture's, key order and all.
        assert_eq!(envelope.trace.get(), json.trim_end());
        let reference = from_json(version);
        let (read, report) = palimpsest::with_report(|| AgentTrace::deserialize(&*envelope.trace));
        assert_eq!(read.unwrap(), reference.value, "{version}");
        assert_eq!(
            report,
            (version != CURRENT).then(|| reference.report.clone()),
            "{version}"
        );
        let typed = palimpsest::from_str::<AgentTrace>(envelope.trace.get()).unwrap();
        assert_eq!(typed, reference, "{version}");
    }

    // Written into a raw value, a current trace is what the twin writes,
    // and the envelope reads back.
    let current = from_json(CURRENT).value;
    let raw = serde_json::value::to_raw_value(&current).unwrap();
    let plain = serde_json::value::to_raw_value(&PlainTrace::from(current.clone())).unwrap();
    assert_eq!(raw.get(), plain.get());
    let text = serde_json::to_string(&Envelope { id: 8, trace: raw }).unwrap();
    let envelope: Envelope = serde_json::from_str(&text).unwrap();
    assert_eq!(
        serde_json::from_str::<AgentTrace>(envelope.trace.get()).unwrap(),
        current
    );
}

/// bincode and postcard write a value as its fields' bytes in order, with
/// neither names nor types: serde reads them only by asking for each type
/// in turn, and a versioned document's shape depends on its version.
trait NotSelfDescribing {
    const NAME: &'static str;
    fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String>;
    fn write<T: Serialize>(value: &T) -> Vec<u8>;
}

struct Bincode;

impl NotSelfDescribing for Bincode {
    const NAME: &'static str = "bincode";
    fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
        bincode::deserialize(bytes).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> Vec<u8> {
        bincode::serialize(value).unwrap()
    }
}

struct Postcard;

impl NotSelfDescribing for Postcard {
    const NAME: &'static str = "postcard";
    fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
        postcard::from_bytes(bytes).map_err(|e| e.to_string())
    }
    fn write<T: Serialize>(value: &T) -> Vec<u8> {
        postcard::to_allocvec(value).unwrap()
    }
}

/// A record of a binary store that holds a trace as a field.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Record {
    id: u64,
    trace: AgentTrace,
}

/// The supported way to keep a versioned document in a binary record: its
/// JSON (or CBOR) bytes, read with palimpsest once the record is read.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct StoredRecord {
    id: u64,
    trace: Vec<u8>,
}

/// A versioned type read from bincode fails, saying why and what to do
/// instead, whether it stands alone or in a record.
#[test]
fn bincode_refuses_a_versioned_type_saying_why() {
    for error in refusals::<Bincode>() {
        assert_eq!(
            error,
            "Bincode does not support the serde::Deserializer::deserialize_any method: \
             `AgentTrace` is versioned, and is read only from a self-describing format such \
             as JSON, CBOR, MessagePack or YAML; bincode, postcard and other formats that do \
             not describe their data cannot carry it: keep the document's JSON or CBOR \
             bytes in the record instead"
        );
    }
}

/// postcard's errors carry no message (every custom one reads "Serde
/// Deserialization Error"), so the note could not reach its user: a
/// versioned type read from it fails with postcard's own error, and the
/// crate docs say what it means.
#[test]
fn postcard_refuses_a_versioned_type_with_its_own_error() {
    for error in refusals::<Postcard>() {
        assert_eq!(
            error,
            "This is a feature that PostCard will never implement"
        );
    }
}

/// The errors of reading a trace from `F`: on its own, in a record, and
/// from bytes of no trace at all (the format is refused before a byte is
/// read, so no input can come out as a wrong value).
fn refusals<F: NotSelfDescribing>() -> [String; 3] {
    let trace = from_json(CURRENT).value;
    [
        F::read::<AgentTrace>(&F::write(&trace)).unwrap_err(),
        F::read::<Record>(&F::write(&Record { id: 7, trace })).unwrap_err(),
        F::read::<AgentTrace>(&[]).unwrap_err(),
    ]
}

/// The alternative: old documents kept as JSON bytes in the record migrate
/// as `palimpsest::from_slice` reads them anywhere; current ones are
/// written with `palimpsest::to_vec`, or as CBOR.
fn check_stored<F: NotSelfDescribing>() {
    let name = F::NAME;
    for version in OLD.into_iter().chain([CURRENT]) {
        let record = StoredRecord {
            id: 7,
            trace: fixture(version, "json").into_bytes(),
        };
        let back: StoredRecord = F::read(&F::write(&record)).unwrap();
        assert_eq!(back, record, "{name} {version}");
        let read = palimpsest::from_slice::<AgentTrace>(&back.trace).unwrap();
        assert_eq!(read, from_json(version), "{name} {version}");
    }
    let trace = from_json(CURRENT).value;
    let as_json = StoredRecord {
        id: 8,
        trace: palimpsest::to_vec(&trace).unwrap(),
    };
    let back: StoredRecord = F::read(&F::write(&as_json)).unwrap();
    assert_eq!(
        palimpsest::from_slice::<AgentTrace>(&back.trace)
            .unwrap()
            .value,
        trace
    );
    let as_cbor = StoredRecord {
        id: 9,
        trace: Cbor::write(&trace),
    };
    let back: StoredRecord = F::read(&F::write(&as_cbor)).unwrap();
    assert_eq!(
        Cbor::read::<AgentTrace>(&back.trace).unwrap(),
        trace,
        "{name}"
    );
}

#[test]
fn bincode_records_keep_versioned_documents_as_json_or_cbor_bytes() {
    check_stored::<Bincode>();
}

#[test]
fn postcard_records_keep_versioned_documents_as_json_or_cbor_bytes() {
    check_stored::<Postcard>();
}

/// rmp-serde's compact form (`to_vec`) writes a struct as an array of its
/// values, without their names: there is no version key to find, and old
/// fields could not be told from new ones. It is refused, not misread.
#[test]
fn messagepack_as_arrays_is_refused() {
    let trace = from_json(CURRENT).value;
    let bytes = rmp_serde::to_vec(&trace).unwrap();
    let error = rmp_serde::from_slice::<AgentTrace>(&bytes).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: sequence, expected a `AgentTrace` document (an object)"
    );
}

/// A self-describing format keeps its own error, with no note about
/// formats, when its input is cut short or is not a document.
#[test]
fn errors_of_self_describing_formats_are_their_own() {
    let error = serde_json::from_str::<AgentTrace>("")
        .unwrap_err()
        .to_string();
    assert_eq!(error, "EOF while parsing a value at line 1 column 0");
    let error = serde_norway::from_str::<AgentTrace>("[1]")
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "invalid type: sequence, expected a `AgentTrace` document (an object)"
    );
    let bytes = rmp_serde::to_vec_named(&json!("a string")).unwrap();
    let error = rmp_serde::from_slice::<AgentTrace>(&bytes)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "invalid type: string \"a string\", expected a `AgentTrace` document (an object)"
    );
}

/// A versioned type keeps its serde name, or the one its `rename` gives
/// on each side, as the same struct without palimpsest does: RON writes
/// it (`Log(...)`) and checks it where it reads a struct by its name.
mod names {
    use palimpsest::versioned;
    use serde::{Deserialize, Serialize};

    #[versioned(since = "0.1.0")]
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename = "log")]
    pub struct Log {
        pub entries: Vec<Entry>,
    }

    #[versioned(embedded)]
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename(serialize = "entry"))]
    pub struct Entry {
        pub n: u32,
        pub level: Level,
    }

    /// An enum's copy is named as a struct's.
    #[versioned(embedded)]
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename = "level")]
    pub enum Level {
        Info,
        Warning,
    }

    /// The twins, under the same names.
    pub mod plain {
        use serde::{Deserialize, Serialize};

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(rename = "log")]
        pub struct Log {
            pub schema_version: String,
            pub entries: Vec<Entry>,
        }

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(rename(serialize = "entry"))]
        pub struct Entry {
            pub n: u32,
            pub level: Level,
        }

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(rename = "level")]
        pub enum Level {
            Info,
            Warning,
        }
    }
}

#[test]
fn ron_writes_and_checks_the_serde_names_plain_serde_does() {
    use names::{plain, Entry, Level, Log};
    fn write(value: &impl Serialize) -> String {
        let config = ron::ser::PrettyConfig::new()
            .struct_names(true)
            .compact_structs(true)
            .compact_arrays(true);
        ron::ser::to_string_pretty(value, config).unwrap()
    }
    let log = Log {
        entries: vec![Entry {
            n: 1,
            level: Level::Warning,
        }],
    };
    let twin = plain::Log {
        schema_version: "0.1.0".to_owned(),
        entries: vec![plain::Entry {
            n: 1,
            level: plain::Level::Warning,
        }],
    };
    let written = write(&log);
    assert_eq!(written, write(&twin));
    assert_eq!(
        written,
        r#"log(schema_version: "0.1.0", entries: [entry(n: 1, level: Warning)])"#
    );
    // Read, an entry goes by its deserialize name, its own.
    let by_name = r#"log(schema_version: "0.1.0", entries: [Entry(n: 1, level: Warning)])"#;
    assert_eq!(ron::from_str::<Log>(by_name).unwrap(), log);
    assert_eq!(ron::from_str::<plain::Log>(by_name).unwrap(), twin);
    let error = ron::from_str::<Log>(&written).unwrap_err().to_string();
    let plain_error = ron::from_str::<plain::Log>(&written)
        .unwrap_err()
        .to_string();
    assert_eq!(error, plain_error);
    assert!(
        error.contains("Expected struct `Entry` but found `entry`"),
        "{error}"
    );
}
