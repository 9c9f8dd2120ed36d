//! The runtime form of embedded types (`EmbeddedSchema`, attached with
//! `SchemaBuilder::embedded`) does what `#[versioned(embedded)]` does: on
//! the same documents, a hand-built schema and the macro's give the same
//! migrated documents, the same reports (paths included), keep the same
//! values in `legacy_nested`, and downgrade alike. The macro's types are
//! copied from tests/agent_trace.rs (structs at two depths, on its
//! fixtures) and tests/enums_evolve.rs (enums in every representation);
//! plain serde copies of the agent trace read through `palimpsest::from_str`
//! and `from_value` with a hand-written `Versioned` impl.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use palimpsest::{versioned, EmbeddedSchema, Error, Schema, Step, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

// The agent trace of tests/agent_trace.rs, as the macro writes it.

#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTrace {
    #[renamed_from("query", since = "0.2.0")]
    pub task: String,
    pub model: String,
    pub steps: Vec<AgentStep>,
    pub final_answer: Option<String>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStep {
    pub index: u32,
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    pub observation: Option<String>,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub duration_ms: u64,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    #[renamed_from("name", since = "0.3.0")]
    pub tool: String,
    pub arguments: Value,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub id: Option<String>,
}

// The same trace, plain serde, whose history is written by hand.

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlainTrace {
    pub task: String,
    pub model: String,
    pub steps: Vec<PlainStep>,
    pub final_answer: Option<String>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlainStep {
    pub index: u32,
    pub reasoning: String,
    #[serde(default)]
    pub tool_calls: Vec<PlainCall>,
    pub observation: Option<String>,
    #[serde(default)]
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlainCall {
    pub tool: String,
    pub arguments: Value,
    #[serde(default)]
    pub id: Option<String>,
}

/// What `#[versioned(embedded)]` says of `AgentStep` and `ToolCall`, said
/// at run time. The root's own steps end at 0.2.0, as the macro's do; the
/// embedded types' versions are written as steps here, since a hand-built
/// schema states its current version.
fn agent_trace_schema() -> Schema {
    let call = EmbeddedSchema::new("ToolCall")
        .claims(["tool", "arguments", "id"])
        .change("0.2.0", |s| s.add("id", || Value::Null))
        .change("0.3.0", |s| s.rename("name", "tool"));
    let step = EmbeddedSchema::new("AgentStep")
        .claims([
            "index",
            "reasoning",
            "tool_calls",
            "observation",
            "duration_ms",
        ])
        .change("0.2.0", |s| s.rename("thought", "reasoning"))
        .change("0.3.0", |s| s.add("duration_ms", || json!(0)));
    Schema::semver("AgentTrace", "0.3.0")
        .metadata("metadata")
        .claims([
            "task",
            "query",
            "model",
            "steps",
            "final_answer",
            "metadata",
        ])
        .step(Step::new("0.0.1", "0.1.0"))
        .step(Step::new("0.1.0", "0.2.0").rename("query", "task"))
        .step(Step::new("0.2.0", "0.3.0"))
        .embedded("steps[]", step)
        .embedded("steps[].tool_calls[]", call)
        .build()
        .unwrap()
}

impl Versioned for PlainTrace {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(agent_trace_schema)
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agent_trace")
}

/// Every agent trace fixture, with the version its folder names.
fn every_fixture() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for version in std::fs::read_dir(fixtures()).unwrap() {
        let version = version.unwrap().path();
        let name = version.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&version).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            found.push((name.clone(), text));
        }
    }
    found.sort();
    assert!(found.len() >= 7, "the agent trace fixtures are missing");
    found
}

/// The document and report `schema` makes of `document`, by the tree engine.
fn migrated(schema: &Schema, document: &Value) -> (Value, palimpsest::Report) {
    let mut document = document.clone();
    let report = schema.migrate(&mut document).unwrap();
    (document, report)
}

#[test]
fn the_runtime_schema_has_the_macros_versions() {
    let runtime = PlainTrace::schema();
    let derived = AgentTrace::schema();
    assert_eq!(runtime.versions(), derived.versions());
    assert_eq!(
        runtime.steps().collect::<Vec<_>>(),
        derived.steps().collect::<Vec<_>>()
    );
}

#[test]
fn every_fixture_migrates_to_the_same_document_and_report() {
    for (version, text) in every_fixture() {
        let document: Value = serde_json::from_str(&text).unwrap();
        let (by_macro, macro_report) = migrated(AgentTrace::schema(), &document);
        let (by_hand, report) = migrated(PlainTrace::schema(), &document);
        assert_eq!(by_hand, by_macro, "{version}");
        assert_eq!(report, macro_report, "{version}");
    }
}

#[test]
fn every_fixture_reads_alike_through_the_hand_written_impl() {
    for (version, text) in every_fixture() {
        let derived = palimpsest::from_str::<AgentTrace>(&text).unwrap();
        let streamed = palimpsest::from_str::<PlainTrace>(&text).unwrap();
        let tree: Value = serde_json::from_str(&text).unwrap();
        let from_value = palimpsest::from_value::<PlainTrace>(tree).unwrap();
        let expected = serde_json::to_value(&derived.value).unwrap();
        // The macro's type writes its version; the plain one does not.
        let mut written = serde_json::to_value(&streamed.value).unwrap();
        written["schema_version"] = expected["schema_version"].clone();
        assert_eq!(written, expected, "{version}");
        assert_eq!(streamed.value, from_value.value, "{version}");
        assert_eq!(streamed.report, derived.report, "{version}");
        assert_eq!(from_value.report, derived.report, "{version}");
    }
}

#[test]
fn a_key_no_step_field_claims_is_kept_and_added_fields_are_listed_by_path() {
    let text = std::fs::read_to_string(fixtures().join("0.0.1/no_tool_calls.json")).unwrap();
    let read = palimpsest::from_str::<PlainTrace>(&text).unwrap();
    assert_eq!(
        read.value.metadata["legacy_nested"],
        json!({"steps[0].confidence": 0.9})
    );
    assert_eq!(
        read.report.preserved,
        ["metadata.legacy_nested.steps[].confidence"]
    );
    let text = std::fs::read_to_string(fixtures().join("0.0.1/debugging_session.json")).unwrap();
    let read = palimpsest::from_str::<PlainTrace>(&text).unwrap();
    assert_eq!(
        read.report.defaulted,
        ["steps[].duration_ms", "steps[].tool_calls[].id"]
    );
    assert_eq!(read.value.metadata["migrated_from"], "0.0.1");
}

#[test]
fn the_current_trace_writes_back_as_the_macros_at_every_version() {
    let text = std::fs::read_to_string(fixtures().join("0.3.0/debugging_session.json")).unwrap();
    let current: Value = serde_json::from_str(&text).unwrap();
    let plain: PlainTrace = serde_json::from_value(current.clone()).unwrap();
    for version in ["0.0.1", "0.1.0", "0.2.0"] {
        let target = PlainTrace::schema().version(version).unwrap();
        let mut by_hand = current.clone();
        // The durations, added in 0.3.0, have no place before: both
        // forms refuse them by the same name, and list the same losses.
        let refused = PlainTrace::schema()
            .downgrade(&mut by_hand.clone(), &target)
            .unwrap_err();
        let macro_refused = AgentTrace::schema()
            .downgrade(&mut current.clone(), &target)
            .unwrap_err();
        assert_eq!(refused.to_string(), macro_refused.to_string(), "{version}");
        let report = PlainTrace::schema()
            .downgrade_lossy(&mut by_hand, &target)
            .unwrap();
        let mut by_macro = current.clone();
        let macro_report = AgentTrace::schema()
            .downgrade_lossy(&mut by_macro, &target)
            .unwrap();
        assert!(!report.lost.is_empty(), "{version}");
        assert_eq!(by_hand, by_macro, "{version}");
        assert_eq!(report, macro_report, "{version}");
        assert_eq!(
            palimpsest::to_value_as_lossy(&plain, version).unwrap().0,
            by_macro,
            "{version}"
        );
    }
}

// The chat log of tests/enums_evolve.rs: embedded enums in every serde
// representation.

#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatLog {
    pub messages: Vec<Message>,
    #[serde(default)]
    pub last_role: Option<Role>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    User,
    Assistant,
    #[renamed_from("function", since = "0.2.0")]
    Tool,
    #[added_in("0.2.0")]
    Developer,
    #[removed_in("0.3.0", fallback = "Unknown")]
    Moderator,
    Unknown,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attachment {
    #[renamed_from("picture", since = "0.2.0")]
    Image {
        #[renamed_from("href", since = "0.3.0")]
        url: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        alt: String,
        #[removed_in("0.3.0")]
        size: u64,
    },
    Text(String),
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    Text {
        #[renamed_from("body", since = "0.2.0")]
        text: String,
    },
    #[renamed_from("function_call", since = "0.2.0")]
    ToolCall {
        name: String,
        #[added_in("0.3.0")]
        #[serde(default)]
        id: String,
    },
    #[removed_in("0.3.0", fallback = "Other")]
    Audio {
        #[renamed_from("src", since = "0.2.0")]
        url: String,
    },
    Other,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Event {
    #[renamed_from("start", since = "0.2.0")]
    Begin {
        #[renamed_from("t", since = "0.3.0")]
        at: u64,
    },
    End,
    #[added_in("0.3.0")]
    Pause(u64),
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Content {
    Parts {
        #[renamed_from("items", since = "0.2.0")]
        parts: Vec<String>,
    },
    Text(String),
}

fn role() -> EmbeddedSchema {
    EmbeddedSchema::new("Role")
        .externally_tagged()
        .rename_variant("0.2.0", "function", "tool")
        .add_variant("0.2.0", "developer")
        .remove_variant("0.3.0", "moderator", "unknown")
}

/// What the attributes of `ChatLog`'s embedded enums say, at run time.
fn chat_log_schema() -> Schema {
    let image = EmbeddedSchema::new("Attachment::Image")
        .claims(["url", "alt"])
        .change("0.2.0", |s| s.add("alt", || json!("")))
        .change("0.3.0", |s| s.preserve("size").rename("href", "url"));
    let attachment = EmbeddedSchema::new("Attachment")
        .rename_variant("0.2.0", "picture", "image")
        .variant("image", image);
    let part = EmbeddedSchema::new("Part")
        .internally_tagged("type")
        .rename_variant("0.2.0", "function_call", "tool_call")
        .remove_variant("0.3.0", "audio", "other")
        .variant(
            "text",
            EmbeddedSchema::new("Part::Text")
                .claims(["text"])
                .change("0.2.0", |s| s.rename("body", "text")),
        )
        .variant(
            "tool_call",
            EmbeddedSchema::new("Part::ToolCall")
                .claims(["name", "id"])
                .change("0.3.0", |s| s.add("id", || json!(""))),
        )
        .variant(
            "audio",
            EmbeddedSchema::new("Part::Audio")
                .claims(["url"])
                .change("0.2.0", |s| s.rename("src", "url")),
        );
    let event = EmbeddedSchema::new("Event")
        .adjacently_tagged("kind", "data")
        .rename_variant("0.2.0", "start", "begin")
        .add_variant("0.3.0", "pause")
        .variant(
            "begin",
            EmbeddedSchema::new("Event::Begin")
                .claims(["at"])
                .change("0.3.0", |s| s.rename("t", "at")),
        );
    let content = EmbeddedSchema::new("Content").untagged().variant(
        "Parts",
        EmbeddedSchema::new("Content::Parts")
            .claims(["parts"])
            .change("0.2.0", |s| s.rename("items", "parts")),
    );
    let message = EmbeddedSchema::new("Message")
        .claims(["role", "attachments", "parts", "events", "content"])
        .embedded("role", role())
        .embedded("attachments[]", attachment)
        .embedded("parts[]", part)
        .embedded("events[]", event)
        .embedded("content", content);
    Schema::semver("ChatLog", "0.3.0")
        .metadata("metadata")
        .claims(["messages", "last_role", "metadata"])
        .step(Step::new("0.0.1", "0.1.0"))
        .step(Step::new("0.1.0", "0.2.0"))
        .step(Step::new("0.2.0", "0.3.0"))
        .embedded("messages[]", message)
        .embedded("last_role", role())
        .build()
        .unwrap()
}

fn old_chat_log() -> Value {
    json!({
        "schema_version": "0.1.0",
        "messages": [
            {"role": "system", "content": {"items": ["a", "b"]}},
            {
                "role": "function",
                "attachments": [{"picture": {"href": "a.png", "size": 3}}, {"text": "t"}],
                "parts": [
                    {"type": "text", "body": "hi"},
                    {"type": "function_call", "name": "ls"},
                    {"type": "audio", "src": "x.mp3"}
                ],
                "events": [{"kind": "start", "data": {"t": 5}}, {"kind": "end"}]
            },
            {"role": "moderator", "content": "x", "mood": "calm"}
        ],
        "last_role": "function"
    })
}

#[test]
fn enums_in_every_representation_migrate_as_the_macros_do() {
    let runtime = chat_log_schema();
    assert_eq!(runtime.versions(), ChatLog::schema().versions());
    let old = old_chat_log();
    let mut legacy = old.clone();
    legacy.as_object_mut().unwrap().remove("schema_version");
    for document in [old, legacy] {
        let (by_macro, macro_report) = migrated(ChatLog::schema(), &document);
        let (by_hand, report) = migrated(&runtime, &document);
        assert_eq!(by_hand, by_macro);
        assert_eq!(report, macro_report);
        // What the log lost, and a key no field of a message claims.
        assert_eq!(
            by_hand["metadata"]["legacy_nested"],
            json!({
                "messages[1].attachments[0].image.size": 3,
                "messages[1].parts[2]": {"type": "audio", "url": "x.mp3"},
                "messages[2].role": "moderator",
                "messages[2].mood": "calm"
            })
        );
        // And the macro's type reads what the runtime schema wrote.
        serde_json::from_value::<ChatLog>(by_hand).unwrap();
    }
}

#[test]
fn enums_downgrade_as_the_macros_do() {
    let runtime = chat_log_schema();
    let (current, _) = migrated(&runtime, &old_chat_log());
    for version in ["0.2.0", "0.1.0", "0.0.1"] {
        let target = runtime.version(version).unwrap();
        let mut by_hand = current.clone();
        let report = runtime.downgrade(&mut by_hand, &target).unwrap();
        let mut by_macro = current.clone();
        let macro_report = ChatLog::schema().downgrade(&mut by_macro, &target).unwrap();
        assert_eq!(by_hand, by_macro, "{version}");
        assert_eq!(report, macro_report, "{version}");
    }
    // A variant added in 0.3.0 cannot be written before it.
    let mut paused = json!({
        "schema_version": "0.3.0",
        "messages": [{"role": "user", "events": [{"kind": "pause", "data": 3}]}]
    });
    let err = runtime
        .downgrade(&mut paused, &runtime.version("0.2.0").unwrap())
        .unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    assert!(err.to_string().contains("pause"), "{err}");
}

/// The `Error::Definition` message of a runtime schema that fails to build.
fn definition_error(builder: palimpsest::SchemaBuilder) -> String {
    match builder.build() {
        Err(Error::Definition {
            type_name, message, ..
        }) => {
            assert_eq!(type_name, "Trace");
            message
        }
        other => panic!("expected a definition error, got {other:?}"),
    }
}

fn trace(current: &str) -> palimpsest::SchemaBuilder {
    Schema::semver("Trace", current).step(Step::new("0.0.1", current))
}

#[test]
fn a_malformed_runtime_definition_is_an_error_naming_the_type_and_pattern() {
    let step = || EmbeddedSchema::new("TraceStep");
    let cases = [
        (
            trace("0.2.0").embedded("steps[0]", step()),
            "embedded type `TraceStep`: malformed pattern `steps[0]`: `[0]` after `steps`",
        ),
        (
            trace("0.2.0").embedded("steps[]..calls", step()),
            "embedded type `TraceStep`: malformed pattern `steps[]..calls`: `` names no field",
        ),
        (
            trace("0.2.0").embedded("steps[]", step().change("0.3.0", |s| s)),
            "embedded type `TraceStep` at `steps[]`: version 0.3.0 is after the current version 0.2.0",
        ),
        (
            trace("0.2.0").embedded("steps[]", step().change(2, |s| s)),
            "embedded type `TraceStep` at `steps[]`: version 2 is an integer",
        ),
        (
            trace("0.2.0").embedded("steps[]", step().change("two", |s| s)),
            "embedded type `TraceStep` at `steps[]`: malformed version \"two\"",
        ),
        (
            trace("0.2.0").embedded("steps[]", step().change("0.0.1", |s| s)),
            "embedded type `TraceStep` at `steps[]`: ",
        ),
        (
            trace("0.2.0")
                .embedded("steps[]", step())
                .embedded("steps[]", EmbeddedSchema::new("Other")),
            "embedded types `TraceStep` and `Other` are both attached at `steps[]`",
        ),
        (
            trace("0.2.0").embedded(
                "steps[].calls[]",
                EmbeddedSchema::new("Call").change("0.2.0", |s| s.preserve("x")),
            ),
            "embedded type `Call` at `steps[].calls[]` keeps the value of a removed field, but `Trace` has no metadata path",
        ),
        (
            trace("0.2.0").embedded(
                "steps[]",
                step().change("0.2.0", |s| s.move_value("a..b", "c")),
            ),
            "embedded type `TraceStep` at `steps[]`: Step::move_value: malformed path",
        ),
        (
            trace("0.2.0").embedded(
                "events[]",
                EmbeddedSchema::new("Event")
                    .untagged()
                    .embedded("calls[]", step()),
            ),
            "embedded type `Event` at `events[]`: an enum holds embedded types in its variants' payloads",
        ),
    ];
    for (builder, expected) in cases {
        let message = definition_error(builder);
        assert!(
            message.starts_with(expected),
            "{message}\nexpected: {expected}"
        );
    }
}

#[test]
fn a_type_attached_below_another_is_found_whatever_the_order() {
    let call = || EmbeddedSchema::new("Call").change(2, |s| s.rename("name", "tool"));
    let step = || EmbeddedSchema::new("Step").change(2, |s| s.rename("thought", "reasoning"));
    let document = json!({"actions": [{"thought": "t", "calls": [{"name": "ls"}]}]});
    let expected = json!({
        "schema_version": 2,
        "steps": [{"reasoning": "t", "calls": [{"tool": "ls"}]}]
    });
    let root = || Schema::integer("Trace", 2).step(Step::new(0, 2).rename("actions", "steps"));
    // The root's field was renamed: its embedded types are found under
    // the old name too.
    for schema in [
        root()
            .embedded("steps[]", step())
            .embedded("steps[].calls[]", call()),
        root()
            .embedded("steps[].calls[]", call())
            .embedded("steps[]", step()),
        root().embedded("steps[]", step().embedded("calls[]", call())),
    ] {
        let mut migrated = document.clone();
        schema.build().unwrap().migrate(&mut migrated).unwrap();
        assert_eq!(migrated, expected);
    }
    // With nothing attached at `steps[]`, the calls are found all the same.
    let schema = root().embedded("steps[].calls[]", call()).build().unwrap();
    let mut migrated = document;
    schema.migrate(&mut migrated).unwrap();
    assert_eq!(
        migrated["steps"],
        json!([{"thought": "t", "calls": [{"tool": "ls"}]}])
    );
}

// The positional tuples of tests/tuples.rs: newtypes are transparent, and
// the changes of a positional tuple name positions.

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TupleTrace {
    pub task: String,
    pub steps: Steps,
    #[serde(default)]
    pub retries: Batch<TupleStep>,
    #[serde(default)]
    pub context: Context,
}

#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Steps(pub Vec<TupleStep>);

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
pub struct TupleStep {
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    pub span: Span,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tokens: TokenCount,
    #[serde(default)]
    pub marks: Vec<Mark>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCount(pub u32);

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

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark(pub String, pub u32, #[removed_in("0.3.0", drop)] f32);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// What the attributes of `TupleTrace`'s types say, at run time: a newtype
/// is written as its inner value, so its pattern is the inner one's.
fn tuple_trace_schema() -> Schema {
    let step = || {
        EmbeddedSchema::new("TupleStep")
            .claims(["reasoning", "span", "tokens", "marks"])
            .change("0.2.0", |s| {
                s.rename("thought", "reasoning").add("tokens", || json!(0))
            })
            .embedded(
                "span",
                EmbeddedSchema::new("Span")
                    .positional()
                    .change("0.2.0", |s| s.add("3", || json!(0)))
                    .change("0.3.0", |s| s.preserve("1")),
            )
            .embedded(
                "marks[]",
                EmbeddedSchema::new("Mark")
                    .positional()
                    .change("0.3.0", |s| s.drop_field("2")),
            )
    };
    Schema::semver("TupleTrace", "0.3.0")
        .metadata("context.metadata")
        .claims(["task", "steps", "retries", "context"])
        .step(Step::new("0.0.1", "0.1.0"))
        .step(Step::new("0.1.0", "0.2.0"))
        .step(Step::new("0.2.0", "0.3.0"))
        .embedded("steps[]", step())
        .embedded("retries[]", step())
        .build()
        .unwrap()
}

fn tuple_fixture(version: &str) -> Value {
    let path = fixtures().join(format!("../tuples/{version}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn positional_tuples_migrate_and_downgrade_as_the_macros_do() {
    let runtime = tuple_trace_schema();
    assert_eq!(runtime.versions(), TupleTrace::schema().versions());
    for version in ["0.1.0", "0.2.0", "0.3.0"] {
        let document = tuple_fixture(version);
        let (by_macro, macro_report) = migrated(TupleTrace::schema(), &document);
        let (by_hand, report) = migrated(&runtime, &document);
        assert_eq!(by_hand, by_macro, "{version}");
        assert_eq!(report, macro_report, "{version}");
        serde_json::from_value::<TupleTrace>(by_hand.clone()).unwrap();
        if version == "0.1.0" {
            assert_eq!(
                by_hand["context"]["metadata"]["legacy_nested"]["steps[1].span[1]"],
                800
            );
        }
        // Back to 0.2.0 the durations return from the metadata.
        let target = runtime.version("0.2.0").unwrap();
        let mut back_by_hand = by_hand.clone();
        let mut back_by_macro = by_macro;
        let undone = runtime.downgrade(&mut back_by_hand, &target);
        let macro_undone = TupleTrace::schema().downgrade(&mut back_by_macro, &target);
        assert_eq!(
            undone.map_err(|e| e.to_string()),
            macro_undone.map_err(|e| e.to_string()),
            "{version}"
        );
        assert_eq!(back_by_hand, back_by_macro, "{version}");
    }
}
