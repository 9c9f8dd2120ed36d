//! Embedded enums (`#[versioned(embedded)]` on an externally tagged enum)
//! migrate with their root: a variant renamed in a version is read under
//! its old names, whether the document writes it as a string (a unit
//! variant) or as the one key of an object (newtype and struct variants),
//! and every route gives the same result: the tree engine, the streaming
//! reader with the root's version first, last or absent, and a binary
//! self-describing format. Downgrade writes the old names back.
//!
//! The case is an LLM chat log whose message role `"function"` became
//! `"tool"` in 0.2.0.

use palimpsest::{versioned, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatLog {
    pub messages: Vec<Message>,
    /// An enum straight in a field of the root.
    #[serde(default)]
    pub last_role: Option<Role>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
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
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attachment {
    /// Two old names fold into one variant; a downgrade writes the first.
    #[renamed_from("picture", since = "0.2.0")]
    #[renamed_from("img", since = "0.2.0")]
    Image {
        url: String,
    },
    #[renamed_from("doc", since = "0.3.0")]
    File(String),
    /// Renamed twice: `snippet` until 0.2.0, `code_block` until 0.3.0.
    #[renamed_from("snippet", since = "0.2.0")]
    #[renamed_from("code_block", since = "0.3.0")]
    Code(String),
    Text(String),
    /// A newtype variant holding an embedded struct, which migrates with
    /// the enum: renamed in 0.2.0, its value's fields in 0.3.0.
    #[renamed_from("function_call", since = "0.2.0")]
    Call(ToolCall),
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    #[renamed_from("fn", since = "0.3.0")]
    pub name: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub retries: u32,
}

fn old_body() -> String {
    let body = json!({
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "assistant", "content": "calling", "attachments": [
                {"picture": {"url": "a.png"}},
                {"img": {"url": "b.png"}},
                {"doc": "notes.txt"},
                {"snippet": "fn main() {}"},
                {"text": "t"},
                {"function_call": {"fn": "ls"}}
            ]},
            {"role": "function", "content": "42"}
        ],
        "last_role": "function"
    })
    .to_string();
    body[1..body.len() - 1].to_owned()
}

/// A 0.1.0 log, its version key first, last, or absent (legacy 0.0.1,
/// which the same renames bring up).
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

fn message(role: Role, content: &str, attachments: Vec<Attachment>) -> Message {
    Message {
        role,
        content: content.to_owned(),
        attachments,
    }
}

fn expected() -> ChatLog {
    ChatLog {
        messages: vec![
            message(Role::System, "be brief", vec![]),
            message(
                Role::Assistant,
                "calling",
                vec![
                    Attachment::Image {
                        url: "a.png".into(),
                    },
                    Attachment::Image {
                        url: "b.png".into(),
                    },
                    Attachment::File("notes.txt".into()),
                    Attachment::Code("fn main() {}".into()),
                    Attachment::Text("t".into()),
                    Attachment::Call(ToolCall {
                        name: "ls".into(),
                        retries: 0,
                    }),
                ],
            ),
            message(Role::Tool, "42", vec![]),
        ],
        last_role: Some(Role::Tool),
        metadata: Map::new(),
    }
}

fn without_metadata(mut log: ChatLog) -> ChatLog {
    log.metadata.clear();
    log
}

/// Every route a document can take to `ChatLog`.
fn every_route(text: &str) -> Vec<(&'static str, ChatLog)> {
    let tree: Value = serde_json::from_str(text).unwrap();
    let mut migrated = tree.clone();
    palimpsest::migrate::<ChatLog>(&mut migrated).unwrap();
    let mut cbor = Vec::new();
    ciborium::into_writer(&tree, &mut cbor).unwrap();
    vec![
        ("tree engine", serde_json::from_value(migrated).unwrap()),
        (
            "palimpsest::from_str",
            palimpsest::from_str::<ChatLog>(text).unwrap().value,
        ),
        (
            "palimpsest::from_value",
            palimpsest::from_value::<ChatLog>(tree).unwrap().value,
        ),
        (
            "serde_json::from_str",
            serde_json::from_str::<ChatLog>(text).unwrap(),
        ),
        ("ciborium", ciborium::from_reader(cbor.as_slice()).unwrap()),
    ]
}

#[test]
fn renamed_variants_read_alike_on_every_route() {
    for (case, text) in old_documents() {
        let routes = every_route(&text);
        let (_, first) = &routes[0];
        assert_eq!(without_metadata(first.clone()), expected(), "{case}");
        for (route, log) in &routes {
            assert_eq!(log, first, "{case}: {route}");
        }
    }
}

#[test]
fn the_tree_engine_writes_the_current_variant_names() {
    for (case, text) in old_documents() {
        let mut tree: Value = serde_json::from_str(&text).unwrap();
        palimpsest::migrate::<ChatLog>(&mut tree).unwrap();
        assert_eq!(tree["last_role"], "tool", "{case}");
        assert_eq!(tree["messages"][2]["role"], "tool", "{case}");
        assert_eq!(
            tree["messages"][1]["attachments"],
            json!([
                {"image": {"url": "a.png"}},
                {"image": {"url": "b.png"}},
                {"file": "notes.txt"},
                {"code": "fn main() {}"},
                {"text": "t"},
                {"call": {"name": "ls", "retries": 0}}
            ]),
            "{case}"
        );
    }
}

#[test]
fn the_report_lists_the_changes_inside_a_variant_alike_on_every_route() {
    for (case, text) in old_documents() {
        let mut tree: Value = serde_json::from_str(&text).unwrap();
        let report = palimpsest::migrate::<ChatLog>(&mut tree).unwrap();
        assert_eq!(
            report.defaulted,
            ["messages[].attachments[].call.retries"],
            "{case}"
        );
        let streamed = palimpsest::from_str::<ChatLog>(&text).unwrap().report;
        assert_eq!(streamed, report, "{case}");
        let (_, collected) = palimpsest::with_report(|| serde_json::from_str::<ChatLog>(&text));
        assert_eq!(collected, Some(report), "{case}");
    }
}

#[test]
fn the_versions_of_an_embedded_enum_join_the_root_history() {
    let versions: Vec<String> = ChatLog::schema()
        .versions()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(versions, ["0.0.1", "0.1.0", "0.2.0", "0.3.0"]);
}

#[test]
fn a_document_between_two_renames_gets_the_later_ones_only() {
    // At 0.2.0 the role is `tool` and the code block `code_block`, but the
    // file is still `doc`.
    let text = json!({
        "schema_version": "0.2.0",
        "messages": [{"role": "tool", "content": "c", "attachments": [
            {"code_block": "x"}, {"doc": "d"}, {"image": {"url": "u"}}
        ]}]
    })
    .to_string();
    for (route, log) in every_route(&text) {
        assert_eq!(
            log.messages,
            [message(
                Role::Tool,
                "c",
                vec![
                    Attachment::Code("x".into()),
                    Attachment::File("d".into()),
                    Attachment::Image { url: "u".into() },
                ]
            )],
            "{route}"
        );
    }
}

#[test]
fn a_current_document_reads_as_written() {
    let log = without_metadata(expected());
    let text = palimpsest::to_string(&log).unwrap();
    assert!(text.contains(r#""role":"tool""#), "{text}");
    assert!(text.contains(r#"{"code":"fn main() {}"}"#), "{text}");
    for (route, read) in every_route(&text) {
        assert_eq!(read, log, "{route}");
    }
}

#[test]
fn downgrade_writes_the_old_variant_names() {
    let log = without_metadata(expected());
    let old = palimpsest::to_value_as(&log, "0.1.0").unwrap();
    assert_eq!(old["schema_version"], "0.1.0");
    assert_eq!(old["last_role"], "function");
    assert_eq!(old["messages"][2]["role"], "function");
    // Of the two old names of `Image`, the first written.
    assert_eq!(
        old["messages"][1]["attachments"],
        json!([
            {"picture": {"url": "a.png"}},
            {"picture": {"url": "b.png"}},
            {"doc": "notes.txt"},
            {"snippet": "fn main() {}"},
            {"text": "t"},
            {"function_call": {"fn": "ls"}}
        ])
    );
    let between = palimpsest::to_value_as(&log, "0.2.0").unwrap();
    assert_eq!(between["messages"][2]["role"], "tool");
    assert_eq!(
        between["messages"][1]["attachments"],
        json!([
            {"image": {"url": "a.png"}},
            {"image": {"url": "b.png"}},
            {"doc": "notes.txt"},
            {"code_block": "fn main() {}"},
            {"text": "t"},
            {"call": {"fn": "ls"}}
        ])
    );
    // And back up: the written documents read into the same log.
    for written in [old, between] {
        let text = written.to_string();
        for (route, read) in every_route(&text) {
            assert_eq!(without_metadata(read), log, "{route}: {text}");
        }
    }
}

#[test]
fn read_on_its_own_an_embedded_enum_is_current_and_accepts_old_names() {
    // Outside any root no version is known: the value is read as current,
    // where old names are aliases, as a struct's old keys are.
    assert_eq!(
        serde_json::from_str::<Role>(r#""tool""#).unwrap(),
        Role::Tool
    );
    assert_eq!(
        serde_json::from_str::<Role>(r#""function""#).unwrap(),
        Role::Tool
    );
    assert_eq!(serde_json::to_string(&Role::Tool).unwrap(), r#""tool""#);
    let error = serde_json::from_str::<Role>(r#""robot""#).unwrap_err();
    assert!(
        error.to_string().contains("unknown variant `robot`"),
        "{error}"
    );
}

#[test]
fn an_unknown_variant_in_an_old_document_is_an_error_on_every_route() {
    let text = r#"{"schema_version": "0.1.0", "messages": [{"role": "robot", "content": "c"}]}"#;
    let error = palimpsest::from_str::<ChatLog>(text).unwrap_err();
    assert!(
        error.to_string().contains("unknown variant `robot`"),
        "{error}"
    );
    assert!(serde_json::from_str::<ChatLog>(text).is_err());
    let error = palimpsest::from_value::<ChatLog>(serde_json::from_str(text).unwrap()).unwrap_err();
    assert!(
        error.to_string().contains("unknown variant `robot`"),
        "{error}"
    );
}

/// A generic embedded enum: its remote copy and impls carry the parameter.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Labelled<T> {
    #[renamed_from("Old", since = 2)]
    New(T),
    Plain,
}

#[versioned(since = 1)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub cells: Vec<Labelled<u8>>,
}

#[test]
fn a_generic_enum_with_integer_versions_migrates_on_every_route() {
    let text = r#"{"schema_version": 1, "cells": [{"Old": 3}, "Plain"]}"#;
    let expected = Board {
        cells: vec![Labelled::New(3), Labelled::Plain],
    };
    let mut tree: Value = serde_json::from_str(text).unwrap();
    palimpsest::migrate::<Board>(&mut tree).unwrap();
    assert_eq!(tree["cells"], json!([{"New": 3}, "Plain"]));
    assert_eq!(serde_json::from_value::<Board>(tree).unwrap(), expected);
    assert_eq!(serde_json::from_str::<Board>(text).unwrap(), expected);
    assert_eq!(palimpsest::from_str::<Board>(text).unwrap().value, expected);
    let old = palimpsest::to_value_as(&expected, 1).unwrap();
    assert_eq!(
        old,
        json!({"schema_version": 1, "cells": [{"Old": 3}, "Plain"]})
    );
}
