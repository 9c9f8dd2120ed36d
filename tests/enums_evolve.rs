//! Embedded enums evolve in every serde representation: variants renamed,
//! added, removed to a fallback (the value they held kept in the root's
//! metadata at its exact path), and the fields of struct variants renamed,
//! added and removed, dated in the root's versions. Every route agrees:
//! the tree engine, the streaming reader with the root's version first,
//! last or absent, serde_json directly, and CBOR through ciborium; the
//! report lists what changed by path; downgrade writes the old names back
//! and restores what a removal kept.
//!
//! A session whose enum only ever renamed a variant (the shape an old
//! enum reads itself in, its old names as aliases) reads from MessagePack
//! by name, and refuses a variant named by its index.
//!
//! The case is an LLM chat log over three versions: roles
//! (externally tagged unit variants), attachments (externally tagged
//! struct variants), message parts (internally tagged), events (adjacently
//! tagged) and content (untagged).

mod routes;

use std::path::{Path, PathBuf};

use palimpsest::{versioned, Error, Report, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

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

/// Externally tagged unit variants: written as their names.
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
    /// Gone in 0.3.0: its values become `Unknown`, kept in the metadata.
    #[removed_in("0.3.0", fallback = "Unknown")]
    Moderator,
    Unknown,
}

/// Externally tagged struct variants whose fields change.
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

/// Internally tagged: the name under `type`, beside the fields.
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
    /// Its field changes until it goes: what is kept has the fields of 0.2.0.
    #[removed_in("0.3.0", fallback = "Other")]
    Audio {
        #[renamed_from("src", since = "0.2.0")]
        url: String,
    },
    Other,
}

/// Adjacently tagged: the name under `kind`, the payload under `data`.
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

/// Untagged: no name, only the fields of its struct variants change. An
/// object reads as the first struct variant that claims all its keys.
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

fn old_body() -> String {
    let body = json!({
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
            {"role": "moderator", "content": "x"}
        ],
        "last_role": "function"
    })
    .to_string();
    body[1..body.len() - 1].to_owned()
}

/// A 0.1.0 log, its version key first, last, or absent (legacy 0.0.1,
/// which the same changes bring up).
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

fn message(role: Role) -> Message {
    Message {
        role,
        attachments: Vec::new(),
        parts: Vec::new(),
        events: Vec::new(),
        content: None,
    }
}

fn expected() -> ChatLog {
    ChatLog {
        messages: vec![
            Message {
                content: Some(Content::Parts {
                    parts: vec!["a".into(), "b".into()],
                }),
                ..message(Role::System)
            },
            Message {
                attachments: vec![
                    Attachment::Image {
                        url: "a.png".into(),
                        alt: String::new(),
                    },
                    Attachment::Text("t".into()),
                ],
                parts: vec![
                    Part::Text { text: "hi".into() },
                    Part::ToolCall {
                        name: "ls".into(),
                        id: String::new(),
                    },
                    Part::Other,
                ],
                events: vec![Event::Begin { at: 5 }, Event::End],
                ..message(Role::Tool)
            },
            Message {
                content: Some(Content::Text("x".into())),
                ..message(Role::Unknown)
            },
        ],
        last_role: Some(Role::Tool),
        metadata: Map::new(),
    }
}

/// What the old log loses, kept under the exact paths it had.
fn kept() -> Value {
    json!({
        "messages[1].attachments[0].image.size": 3,
        "messages[1].parts[2]": {"type": "audio", "url": "x.mp3"},
        "messages[2].role": "moderator"
    })
}

/// The old log read: its metadata keeps what it lost, for a downgrade to
/// restore.
fn migrated() -> ChatLog {
    let (_, text) = &old_documents()[0];
    palimpsest::from_str::<ChatLog>(text).unwrap().value
}

fn without_metadata(mut log: ChatLog) -> ChatLog {
    log.metadata.clear();
    log
}

fn every_route(text: &str) -> Vec<(&'static str, ChatLog, Option<Report>)> {
    routes::every_route(text)
}

#[test]
fn every_representation_reads_an_old_log_alike_on_every_route() {
    for (case, text) in old_documents() {
        for (route, log, _) in every_route(&text) {
            assert_eq!(without_metadata(log.clone()), expected(), "{case}: {route}");
            assert_eq!(log.metadata["legacy_nested"], kept(), "{case}: {route}");
        }
    }
}

#[test]
fn the_report_lists_renamed_variants_and_what_changed_inside_them() {
    for (case, text) in old_documents() {
        let routes = every_route(&text);
        let report = routes[0].2.clone().unwrap();
        assert_eq!(
            variant_renames(&report),
            [
                "last_role: function -> tool",
                "messages[].attachments[]: picture -> image",
                "messages[].events[]: start -> begin",
                "messages[].parts[]: function_call -> tool_call",
                "messages[].role: function -> tool",
            ],
            "{case}"
        );
        assert_eq!(
            report.defaulted,
            [
                "messages[].attachments[].image.alt",
                "messages[].parts[].id"
            ],
            "{case}"
        );
        assert_eq!(
            report.preserved,
            [
                "metadata.legacy_nested.messages[].attachments[].image.size",
                "metadata.legacy_nested.messages[].parts[]",
                "metadata.legacy_nested.messages[].role",
            ],
            "{case}"
        );
        assert!(
            report
                .to_string()
                .contains("renamed last_role: function -> tool, "),
            "{report}"
        );
        for (route, _, other) in &routes {
            if let Some(other) = other {
                assert_eq!(other, &report, "{case}: {route}");
            }
        }
    }
}

#[test]
fn the_tree_engine_writes_each_representation_current() {
    let (_, text) = &old_documents()[0];
    let mut tree: Value = serde_json::from_str(text).unwrap();
    palimpsest::migrate::<ChatLog>(&mut tree).unwrap();
    let messages = &tree["messages"];
    assert_eq!(messages[2]["role"], "unknown");
    assert_eq!(
        messages[1]["attachments"][0],
        json!({"image": {"url": "a.png", "alt": ""}})
    );
    assert_eq!(
        messages[1]["parts"],
        json!([
            {"type": "text", "text": "hi"},
            {"type": "tool_call", "name": "ls", "id": ""},
            {"type": "other"}
        ])
    );
    assert_eq!(
        messages[1]["events"],
        json!([{"kind": "begin", "data": {"at": 5}}, {"kind": "end"}])
    );
    assert_eq!(messages[0]["content"], json!({"parts": ["a", "b"]}));
}

#[test]
fn a_current_log_reads_as_written() {
    let mut log = expected();
    log.messages[1].events.push(Event::Pause(3));
    log.messages.push(message(Role::Developer));
    let text = palimpsest::to_string(&log).unwrap();
    assert!(text.contains(r#"{"kind":"pause","data":3}"#), "{text}");
    for (route, read, report) in every_route(&text) {
        assert_eq!(read, log, "{route}");
        if let Some(report) = report {
            assert!(!report.migrated(), "{route}: {report}");
        }
    }
}

#[test]
fn downgrade_writes_old_names_and_restores_removed_variants() {
    for (case, text) in old_documents() {
        let log = palimpsest::from_str::<ChatLog>(&text).unwrap().value;
        let old = palimpsest::to_value_as(&log, "0.1.0").unwrap();
        let mut original: Value = serde_json::from_str(&text).unwrap();
        original["schema_version"] = json!("0.1.0");
        let mut written = old.clone();
        // The metadata the migration wrote stays: the history of the log.
        written.as_object_mut().unwrap().remove("metadata");
        assert_eq!(written, original, "{case}");
        assert_eq!(old["metadata"].get("legacy_nested"), None, "{case}");
        // And up again: the same log on every route.
        for (route, read, _) in every_route(&old.to_string()) {
            assert_eq!(without_metadata(read), expected(), "{case}: {route}");
        }
    }
}

#[test]
fn downgrade_between_versions_undoes_only_the_later_changes() {
    let (_, text) = &old_documents()[0];
    let log = palimpsest::from_str::<ChatLog>(text).unwrap().value;
    let between = palimpsest::to_value_as(&log, "0.2.0").unwrap();
    let messages = &between["messages"];
    assert_eq!(messages[1]["role"], "tool");
    assert_eq!(messages[2]["role"], "moderator");
    assert_eq!(
        messages[1]["attachments"][0],
        json!({"image": {"href": "a.png", "alt": "", "size": 3}})
    );
    assert_eq!(
        messages[1]["parts"][1],
        json!({"type": "tool_call", "name": "ls"})
    );
    assert_eq!(
        messages[1]["parts"][2],
        json!({"type": "audio", "url": "x.mp3"})
    );
    assert_eq!(
        messages[1]["events"][0],
        json!({"kind": "begin", "data": {"t": 5}})
    );
    // Down from 0.3.0, no variant changed its name: none is listed.
    let schema = ChatLog::schema();
    let mut document = palimpsest::to_value(&log).unwrap();
    let report = schema
        .downgrade(&mut document, &schema.parse_version("0.2.0").unwrap())
        .unwrap();
    assert!(variant_renames(&report).is_empty(), "{report}");
    let report = schema
        .downgrade(&mut document, &schema.parse_version("0.1.0").unwrap())
        .unwrap();
    assert_eq!(
        variant_renames(&report),
        [
            "last_role: tool -> function",
            "messages[].attachments[]: image -> picture",
            "messages[].events[]: begin -> start",
            "messages[].parts[]: tool_call -> function_call",
            "messages[].role: tool -> function",
        ]
    );
}

#[test]
fn an_added_variant_cannot_be_written_before_it_existed() {
    let mut log = migrated();
    log.messages[0].role = Role::Developer;
    let err = palimpsest::to_value_as(&log, "0.1.0").unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    assert!(
        err.to_string().ends_with(
            "`messages[0].role` holds the variant `developer`, added in 0.2.0; documents before it cannot carry it"
        ),
        "{err}"
    );
    // Nor an added newtype variant of an adjacently tagged enum.
    let mut log = migrated();
    log.messages[1].events.push(Event::Pause(1));
    let err = palimpsest::to_value_as(&log, "0.2.0").unwrap_err();
    assert!(
        err.to_string()
            .ends_with("`messages[1].events[2]` holds the variant `pause`, added in 0.3.0; documents before it cannot carry it"),
        "{err}"
    );
    assert!(palimpsest::to_value_as(&log, "0.3.0").is_ok());
}

#[test]
fn read_on_its_own_an_enum_is_current_and_accepts_old_names() {
    let part: Part = serde_json::from_str(r#"{"type": "function_call", "name": "ls"}"#).unwrap();
    assert_eq!(
        part,
        Part::ToolCall {
            name: "ls".into(),
            id: String::new()
        }
    );
    let event: Event = serde_json::from_str(r#"{"kind": "start", "data": {"t": 1}}"#).unwrap();
    assert_eq!(event, Event::Begin { at: 1 });
    let content: Content = serde_json::from_str(r#"{"items": ["a"]}"#).unwrap();
    assert_eq!(
        content,
        Content::Parts {
            parts: vec!["a".into()]
        }
    );
    // A removed variant is gone from the type.
    assert!(serde_json::from_str::<Role>(r#""moderator""#).is_err());
}

#[test]
fn an_unknown_variant_of_a_tagged_enum_is_serdes_error_on_every_route() {
    let text = r#"{"schema_version": "0.1.0", "messages": [{"role": "user", "parts": [{"type": "video"}]}]}"#;
    let error = palimpsest::from_str::<ChatLog>(text).unwrap_err();
    assert!(
        error.to_string().contains("unknown variant `video`"),
        "{error}"
    );
    let error = palimpsest::from_value::<ChatLog>(serde_json::from_str(text).unwrap()).unwrap_err();
    assert!(
        error.to_string().contains("unknown variant `video`"),
        "{error}"
    );
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/enums")
}

#[test]
fn fixtures_of_every_version_read_into_the_current_log() {
    let mut versions = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        for (route, log, _) in every_route(&text) {
            assert_eq!(without_metadata(log.clone()), expected(), "{name}: {route}");
            if name != "0.3.0" {
                assert_eq!(log.metadata["legacy_nested"], kept(), "{name}: {route}");
            }
        }
        versions.push(name);
    }
    versions.sort();
    assert_eq!(versions, ["0.0.1", "0.1.0", "0.2.0", "0.3.0"]);
}

#[test]
fn written_back_to_each_older_version_the_log_is_its_fixture() {
    let current: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("0.3.0.json")).unwrap())
            .unwrap();
    // The 0.3.0 fixture keeps what 0.2.0 documents lost, as a migrated log would.
    let log: ChatLog = serde_json::from_value(current).unwrap();
    for version in ["0.1.0", "0.2.0"] {
        let fixture: Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures().join(format!("{version}.json"))).unwrap(),
        )
        .unwrap();
        let mut written = palimpsest::to_value_as(&log, version).unwrap();
        written.as_object_mut().unwrap().remove("metadata");
        assert_eq!(written, fixture, "{version}");
    }
}

/// Through a binary self-describing format: the downgraded log, written
/// as CBOR, reads back.
#[test]
fn a_downgraded_log_round_trips_through_cbor() {
    let log = migrated();
    let old = palimpsest::to_value_as(&log, "0.1.0").unwrap();
    assert_eq!(old["messages"][2]["role"], "moderator");
    let mut cbor = Vec::new();
    ciborium::into_writer(&old, &mut cbor).unwrap();
    let read: ChatLog = ciborium::from_reader(cbor.as_slice()).unwrap();
    assert_eq!(read.metadata["legacy_nested"], kept());
    assert_eq!(without_metadata(read), without_metadata(log));
}

/// A run whose steps each hold an externally tagged enum that only ever
/// renamed a variant: the shape an old enum reads itself in, its old
/// names as aliases.
#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub turns: Vec<Turn>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub call: Tool,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    #[renamed_from("function_call", since = "0.2.0")]
    ToolCall {
        name: String,
    },
    Answer {
        text: String,
    },
}

/// A format may name a variant by its index, as MessagePack can: in an
/// old document that is refused, as a name that is no string is, rather
/// than read with no lookup of what its payload keeps (the `extra` key
/// here, which no field claims).
#[test]
fn an_old_variant_named_by_its_index_is_refused_not_read_unkept() {
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct OldSession<K: Ord> {
        schema_version: &'static str,
        turns: Vec<OldTurn<K>>,
    }
    #[derive(Serialize)]
    struct OldTurn<K: Ord> {
        call: BTreeMap<K, OldCall>,
    }
    #[derive(Serialize)]
    struct OldCall {
        name: &'static str,
        extra: u32,
    }
    fn document<K: Ord + Serialize>(variant: K) -> Vec<u8> {
        let call = OldCall {
            name: "search",
            extra: 3,
        };
        let old = OldSession {
            schema_version: "0.1.0",
            turns: vec![OldTurn {
                call: BTreeMap::from([(variant, call)]),
            }],
        };
        rmp_serde::to_vec_named(&old).unwrap()
    }
    // Named, the old name reads, and the key no field claims is kept.
    let session: Session = rmp_serde::from_slice(&document("function_call")).unwrap();
    assert_eq!(
        session.turns[0].call,
        Tool::ToolCall {
            name: "search".into()
        }
    );
    assert_eq!(
        session.metadata["legacy_nested"],
        json!({"turns[0].call.tool_call.extra": 3})
    );
    let err = rmp_serde::from_slice::<Session>(&document(0u32)).unwrap_err();
    assert!(err.to_string().contains("not a string"), "{err}");
}

/// A plan whose job's field is an enum (the field's value the enum
/// itself, which the reader of an old job hands the enum's own
/// deserializer): a variant renamed in 0.2.0, a field of its payload in
/// 0.3.0.
#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub job: Job,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub stage: Stage,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    #[renamed_from("fetch", since = "0.2.0")]
    Download {
        #[renamed_from("link", since = "0.3.0")]
        url: String,
    },
    Done,
}

/// Every version of the plan reads alike on every route, the payload's
/// field renamed whether or not its variant still is, what no field
/// claims kept, and both names of the payload's field refused as the
/// migration refuses them.
#[test]
fn an_enum_field_reads_old_documents_alike_on_every_route() {
    let download = Stage::Download { url: "u".into() };
    for (version, stage) in [
        ("0.1.0", r#"{"fetch": {"link": "u"}}"#),
        ("0.2.0", r#"{"download": {"link": "u"}}"#),
        ("0.3.0", r#"{"download": {"url": "u"}}"#),
    ] {
        let text = format!(r#"{{"schema_version": "{version}", "job": {{"stage": {stage}}}}}"#);
        for (route, plan, _) in routes::every_route::<Plan>(&text) {
            assert_eq!(plan.job.stage, download, "{version} {route}");
        }
    }
    let text =
        r#"{"schema_version": "0.1.0", "job": {"stage": {"fetch": {"link": "u", "size": 2}}}}"#;
    for (route, plan, _) in routes::every_route::<Plan>(text) {
        assert_eq!(plan.job.stage, download, "{route}");
        assert_eq!(
            plan.metadata["legacy_nested"],
            json!({"job.stage.download.size": 2}),
            "{route}"
        );
    }
    let both =
        r#"{"schema_version": "0.2.0", "job": {"stage": {"download": {"link": "a", "url": "b"}}}}"#;
    let err = palimpsest::from_str::<Plan>(both).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    let streamed = serde_json::from_str::<Plan>(both).unwrap_err();
    assert!(
        streamed.to_string().contains("job.stage.download.link"),
        "{streamed}"
    );
}

/// A newtype variant of an internally tagged enum holds an embedded
/// struct, whose fields stand beside the tag; keys no field of a payload
/// claims are kept, as an embedded struct's are.
#[versioned(since = 1, metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub steps: Vec<Action>,
    #[serde(default)]
    pub labels: Vec<Labelled<u8>>,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum Action {
    #[renamed_from("Exec", since = 2)]
    Call(Call),
    Wait {
        #[renamed_from("secs", since = 3)]
        seconds: u32,
    },
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    #[renamed_from("fn", since = 3)]
    pub tool: String,
}

/// A generic enum: the fields of its struct variant change with integer
/// versions too.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Labelled<T> {
    Tagged {
        #[renamed_from("v", since = 2)]
        value: T,
    },
    Plain,
}

#[test]
fn payloads_of_newtype_and_generic_variants_migrate_and_keep_unclaimed_keys() {
    let text = r#"{"schema_version": 1, "steps": [
        {"op": "Exec", "fn": "ls", "color": "red"},
        {"op": "Wait", "secs": 2}
    ], "labels": [{"Tagged": {"v": 3, "extra": true}}, "Plain"]}"#;
    let expected = Run {
        steps: vec![
            Action::Call(Call { tool: "ls".into() }),
            Action::Wait { seconds: 2 },
        ],
        labels: vec![Labelled::Tagged { value: 3 }, Labelled::Plain],
        meta: Map::new(),
    };
    let tree: Value = serde_json::from_str(text).unwrap();
    let mut migrated = tree.clone();
    let report = palimpsest::migrate::<Run>(&mut migrated).unwrap();
    assert_eq!(migrated["steps"][0], json!({"op": "Call", "tool": "ls"}));
    let mut cbor = Vec::new();
    ciborium::into_writer(&tree, &mut cbor).unwrap();
    let streamed = palimpsest::from_str::<Run>(text).unwrap();
    assert_eq!(streamed.report, report);
    let reads: Vec<Run> = vec![
        serde_json::from_value(migrated).unwrap(),
        streamed.value,
        palimpsest::from_value::<Run>(tree).unwrap().value,
        serde_json::from_str(text).unwrap(),
        ciborium::from_reader(cbor.as_slice()).unwrap(),
    ];
    for read in reads {
        assert_eq!(
            read.meta["legacy_nested"],
            json!({"steps[0].color": "red", "labels[0].Tagged.extra": true})
        );
        let mut read = read;
        read.meta.clear();
        assert_eq!(read, expected);
    }
    assert_eq!(variant_renames(&report), ["steps[]: Exec -> Call"]);
    let mut run = expected.clone();
    run.meta.insert("legacy_nested".into(), json!({}));
    let old = palimpsest::to_value_as(&run, 1).unwrap();
    assert_eq!(
        old["steps"],
        json!([{"op": "Exec", "fn": "ls"}, {"op": "Wait", "secs": 2}])
    );
    assert_eq!(old["labels"], json!([{"Tagged": {"v": 3}}, "Plain"]));
}

/// A top-level internally tagged enum: its object carries the version
/// beside the tag, and the whole document is the enum's value.
#[versioned(since = "0.1.0")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signal {
    #[renamed_from("start", since = "0.2.0")]
    Begin {
        #[renamed_from("t", since = "0.2.0")]
        at: u64,
        #[added_in("0.3.0")]
        #[serde(default)]
        note: String,
    },
    End,
    #[added_in("0.3.0")]
    Pause {
        secs: u64,
    },
    /// No metadata to keep it in: dropped, said so.
    #[removed_in("0.3.0", fallback = "End", drop)]
    Crash {
        code: u32,
    },
}

/// A top-level adjacently tagged enum, with integer versions and a key of
/// its own.
#[versioned(since = 1, key = "v")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Command {
    #[renamed_from("Exec", since = 2)]
    Run(String),
    Stop,
}

/// Every route a document can take to a versioned `T`.
fn every_root_route<T>(text: &str) -> Vec<(&'static str, T)>
where
    T: Versioned + serde::de::DeserializeOwned + Serialize,
{
    let tree: Value = serde_json::from_str(text).unwrap();
    let mut migrated = tree.clone();
    palimpsest::migrate::<T>(&mut migrated).unwrap();
    let mut cbor = Vec::new();
    ciborium::into_writer(&tree, &mut cbor).unwrap();
    vec![
        ("tree engine", serde_json::from_value(migrated).unwrap()),
        (
            "palimpsest::from_str",
            palimpsest::from_str::<T>(text).unwrap().value,
        ),
        (
            "palimpsest::from_reader",
            palimpsest::from_reader::<T, _>(text.as_bytes())
                .unwrap()
                .value,
        ),
        (
            "palimpsest::from_value",
            palimpsest::from_value::<T>(tree).unwrap().value,
        ),
        (
            "serde_json::from_str",
            serde_json::from_str::<T>(text).unwrap(),
        ),
        ("ciborium", ciborium::from_reader(cbor.as_slice()).unwrap()),
    ]
}

#[test]
fn a_top_level_tagged_enum_migrates_on_every_route() {
    let cases = [
        (
            json!({"schema_version": "0.1.0", "type": "start", "t": 5}),
            Signal::Begin {
                at: 5,
                note: String::new(),
            },
        ),
        (
            json!({"type": "start", "t": 5}),
            Signal::Begin {
                at: 5,
                note: String::new(),
            },
        ),
        (
            json!({"type": "crash", "code": 3, "schema_version": "0.2.0"}),
            Signal::End,
        ),
        (
            json!({"schema_version": "0.3.0", "type": "pause", "secs": 2}),
            Signal::Pause { secs: 2 },
        ),
    ];
    for (document, expected) in cases {
        let text = document.to_string();
        for (route, signal) in every_root_route::<Signal>(&text) {
            assert_eq!(signal, expected, "{text}: {route}");
        }
    }
    let text = r#"{"schema_version": "0.1.0", "type": "start", "t": 5}"#;
    let report = palimpsest::from_str::<Signal>(text).unwrap().report;
    // The variant the document names, then a field of its payload.
    assert_eq!(report.renamed, ["start -> begin", "t -> at"]);
    assert_eq!(report.defaulted, ["note"]);
    let text = r#"{"v": 1, "kind": "Exec", "data": "ls"}"#;
    for (route, command) in every_root_route::<Command>(text) {
        assert_eq!(command, Command::Run("ls".into()), "{route}");
    }
    for (route, command) in every_root_route::<Command>(r#"{"kind": "Stop"}"#) {
        assert_eq!(command, Command::Stop, "{route}");
    }
}

#[test]
fn a_top_level_tagged_enum_is_written_with_its_version_and_back() {
    let begin = Signal::Begin {
        at: 5,
        note: "n".into(),
    };
    assert_eq!(
        palimpsest::to_string(&begin).unwrap(),
        r#"{"schema_version":"0.3.0","type":"begin","at":5,"note":"n"}"#
    );
    assert_eq!(
        serde_json::to_value(Signal::End).unwrap(),
        json!({"schema_version": "0.3.0", "type": "end"})
    );
    // `note`, added in 0.3.0, holds more than its default: writing 0.1.0
    // lets it go only when asked to.
    let err = palimpsest::to_value_as(&begin, "0.1.0").unwrap_err();
    assert!(
        matches!(err, palimpsest::Error::WouldLose { ref path, .. } if path == "note"),
        "{err}"
    );
    let (old, report) = palimpsest::to_value_as_lossy(&begin, "0.1.0").unwrap();
    assert_eq!(
        old,
        json!({"schema_version": "0.1.0", "type": "start", "t": 5})
    );
    assert_eq!(report.lost.len(), 1);
    assert_eq!(
        (report.lost[0].path.as_str(), &report.lost[0].value),
        ("note", &json!("n"))
    );
    let err = palimpsest::to_value_as(&Signal::Pause { secs: 1 }, "0.2.0").unwrap_err();
    assert!(
        err.to_string()
            .ends_with("the document is the variant `pause`, added in 0.3.0; documents before it cannot carry it"),
        "{err}"
    );
    let run = Command::Run("ls".into());
    assert_eq!(
        serde_json::to_value(&run).unwrap(),
        json!({"v": 2, "kind": "Run", "data": "ls"})
    );
    assert_eq!(
        palimpsest::to_value_as(&run, 1).unwrap(),
        json!({"v": 1, "kind": "Exec", "data": "ls"})
    );
    // A current document, its key first, reads straight.
    let text = palimpsest::to_string(&begin).unwrap();
    for (route, signal) in every_root_route::<Signal>(&text) {
        assert_eq!(signal, begin, "{route}");
    }
}

/// Field attributes speak of the serde names a struct variant's fields
/// have after the enum's `rename_all_fields` or the variant's `rename_all`.
#[versioned(since = 1)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub notices: Vec<Notice>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum Notice {
    Sent {
        #[renamed_from("sentOn", since = 2)]
        sent_at: u64,
    },
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    Failed {
        #[added_in(2)]
        #[serde(default)]
        retry_count: u32,
    },
}

#[test]
fn field_attributes_in_variants_speak_of_renamed_fields() {
    let text = r#"{"schema_version": 1, "notices": [{"Sent": {"sentOn": 7}}, {"Failed": {}}]}"#;
    let expected = Inbox {
        notices: vec![
            Notice::Sent { sent_at: 7 },
            Notice::Failed { retry_count: 0 },
        ],
    };
    for (route, inbox) in every_root_route::<Inbox>(text) {
        assert_eq!(inbox, expected, "{route}");
    }
    let mut tree: Value = serde_json::from_str(text).unwrap();
    palimpsest::migrate::<Inbox>(&mut tree).unwrap();
    assert_eq!(
        tree["notices"],
        json!([{"Sent": {"sentAt": 7}}, {"Failed": {"RETRY_COUNT": 0}}])
    );
    let old = palimpsest::to_value_as(&expected, 1).unwrap();
    assert_eq!(
        old["notices"],
        json!([{"Sent": {"sentOn": 7}}, {"Failed": {}}])
    );
}

/// The renamed variants of a report, `path: old -> new`; the report lists
/// the renamed fields inside their payloads beside them, by exact path.
fn variant_renames(report: &palimpsest::Report) -> Vec<&str> {
    report
        .renamed
        .iter()
        .filter(|entry| entry.contains(": "))
        .map(String::as_str)
        .collect()
}

#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub status: Status,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// A catch-all variant (`#[serde(other)]`) takes any name no variant has.
#[versioned(embedded)]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[renamed_from("open", since = "0.2.0")]
    Active,
    Closed,
    #[serde(other)]
    Unknown,
}

/// An old document's variant name that no version of the enum knows is
/// read into the catch-all variant, as serde reads it; the name it had
/// should be kept in the root's metadata at its path, as an unclaimed key
/// is, and go back on downgrade. Today every route drops it (the no-loss
/// check says so: below).
#[test]
#[ignore = "finding: a name #[serde(other)] catches in an old document is lost"]
fn an_old_name_a_catch_all_variant_takes_is_kept() {
    let text = r#"{"schema_version": "0.1.0", "status": "archived"}"#;
    for (route, ticket, _) in routes::every_route::<Ticket>(text) {
        assert_eq!(ticket.status, Status::Unknown, "{route}");
        assert_eq!(
            ticket.metadata.get("legacy_nested"),
            Some(&json!({"status": "archived"})),
            "{route}"
        );
    }
}

/// Until the name is kept, a user's fixtures tell them: the no-loss check
/// reports the name the catch-all variant took the place of.
#[test]
fn the_no_loss_check_reports_a_name_a_catch_all_variant_takes() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ticket");
    let err = palimpsest::testing::check_fixtures::<Ticket>(fixtures).unwrap_err();
    let palimpsest::testing::Problem::Lost(lost) = err.problem() else {
        panic!("{err}");
    };
    let lost: Vec<(&str, &Value)> = lost.iter().map(|l| (l.path.as_str(), &l.value)).collect();
    assert_eq!(lost, [("status", &json!("archived"))], "{err}");
}
