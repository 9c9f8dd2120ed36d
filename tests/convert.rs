//! Conversions of a field's value (`#[converted]`, `#[wrapped]`,
//! `#[unwrapped]`, `#[renamed_keys]`), at the top level and in embedded
//! objects at any depth, give the same result on every route: the tree
//! engine, the streaming reader with the version key first, last or
//! absent, a reader, serde's own entry point, and CBOR. A downgrade undoes
//! them, back to the fixtures of every older version.

mod routes;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::Path;

use palimpsest::{versioned, ConvertError, Error, Report, Schema, Step};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A chat log through three versions: in 0.2.0 `user_id` turns from a
/// string into an integer and `environment` from a string into an
/// object; in 0.3.0 `function_call` becomes the list `tool_calls`, the
/// one-element list `model` becomes its element, and metric and MIME keys
/// are renamed.
#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chat {
    #[converted(since = "0.2.0", with = user_id_up, back = user_id_down)]
    pub user_id: u64,
    #[converted(since = "0.2.0", with = environment_up, back = environment_down)]
    pub environment: Environment,
    #[renamed_from("function_call", since = "0.3.0")]
    #[wrapped(since = "0.3.0")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[unwrapped(since = "0.3.0")]
    pub model: String,
    #[renamed_keys(since = "0.3.0", "cpu_ms" = "cpu.ms", "image/jpg" = "image/jpeg")]
    #[serde(default)]
    pub usage: BTreeMap<String, u64>,
    pub messages: Vec<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Message>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub threads: BTreeMap<String, Vec<Message>>,
    #[serde(default)]
    pub context: Context,
}

/// The same changes inside each message, wherever it stands.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    #[converted(since = "0.2.0", with = tokens_up, back = tokens_down)]
    pub tokens: u32,
    #[renamed_from("function_call", since = "0.3.0")]
    #[wrapped(since = "0.3.0")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[unwrapped(since = "0.3.0")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[renamed_keys(since = "0.3.0", "image/jpg" = "image/jpeg")]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attachments: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub name: String,
    pub arguments: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// Typed both ways: a string that is no number is the function's error.
fn user_id_up(id: String) -> Result<u64, std::num::ParseIntError> {
    id.trim().parse()
}

fn user_id_down(id: u64) -> Result<String, Infallible> {
    Ok(id.to_string())
}

/// On the JSON value as it is.
fn environment_up(name: Value) -> Result<Value, Infallible> {
    Ok(json!({ "name": name }))
}

/// A region has no place in the old string.
fn environment_down(mut environment: Value) -> Result<Value, String> {
    if environment.get("region").is_some() {
        return Err("a region cannot be written as a plain environment name".into());
    }
    Ok(environment["name"].take())
}

/// In place.
fn tokens_up(tokens: &mut Value) -> Result<(), String> {
    let text = tokens.as_str().ok_or("tokens are not a string")?;
    *tokens = json!(text.parse::<u32>().map_err(|e| e.to_string())?);
    Ok(())
}

fn tokens_down(tokens: u32) -> Result<String, Infallible> {
    Ok(tokens.to_string())
}

fn fixture(version: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert")
        .join(format!("{version}.json"));
    std::fs::read_to_string(path).unwrap()
}

const OLD_VERSIONS: [&str; 3] = ["0.0.1", "0.1.0", "0.2.0"];

fn message(role: &str, tokens: u32) -> Message {
    Message {
        role: role.into(),
        tokens,
        tool_calls: Vec::new(),
        author: None,
        attachments: BTreeMap::new(),
    }
}

fn call(name: &str, arguments: Value) -> ToolCall {
    ToolCall {
        name: name.into(),
        arguments,
    }
}

/// What the legacy fixture reads as, its metadata aside.
fn legacy_expected() -> Chat {
    Chat {
        user_id: 42,
        environment: Environment {
            name: "prod".into(),
            region: None,
        },
        tool_calls: vec![call("search", json!({"q": "palimpsest"}))],
        model: "gpt-4".into(),
        usage: [("cpu.ms", 120), ("image/jpeg", 2), ("tokens", 900)]
            .map(|(k, v)| (k.to_owned(), v))
            .into(),
        messages: vec![
            Message {
                author: Some("ada".into()),
                attachments: [("image/jpeg".to_owned(), "cat.jpg".to_owned())].into(),
                ..message("user", 12)
            },
            Message {
                tool_calls: vec![call("ls", json!({}))],
                ..message("assistant", 30)
            },
        ],
        pinned: Some(message("system", 3)),
        threads: [(
            "side".to_owned(),
            vec![Message {
                tool_calls: vec![call("cat", json!({"path": "a"}))],
                ..message("user", 7)
            }],
        )]
        .into(),
        context: Context::default(),
    }
}

fn without_metadata(mut chat: Chat) -> Chat {
    chat.context.metadata.clear();
    chat
}

/// The document with its version key moved first, last, or as it came.
fn key_positions(text: &str) -> Vec<(&'static str, String)> {
    let tree: Map<String, Value> = serde_json::from_str(text).unwrap();
    let Some(version) = tree.get("schema_version") else {
        return vec![("no key", text.to_owned())];
    };
    let body: Vec<String> = tree
        .iter()
        .filter(|(k, _)| *k != "schema_version")
        .map(|(k, v)| format!("{}: {v}", Value::from(k.as_str())))
        .collect();
    let body = body.join(", ");
    vec![
        (
            "key first",
            format!(r#"{{"schema_version": {version}, {body}}}"#),
        ),
        (
            "key last",
            format!(r#"{{{body}, "schema_version": {version}}}"#),
        ),
    ]
}

fn every_route(text: &str) -> Vec<(&'static str, Chat, Option<Report>)> {
    routes::every_route(text)
}

#[test]
fn every_route_converts_alike_with_the_key_anywhere() {
    for version in OLD_VERSIONS {
        for (case, text) in key_positions(&fixture(version)) {
            let routes = every_route(&text);
            let (_, first, first_report) = &routes[0];
            for (route, chat, report) in &routes {
                assert_eq!(chat, first, "{version}, {case}: {route}");
                if let Some(report) = report {
                    assert_eq!(
                        Some(report),
                        first_report.as_ref(),
                        "{version}, {case}: {route}"
                    );
                }
            }
        }
    }
    let (_, legacy, _) = &every_route(&fixture("0.0.1"))[0];
    assert_eq!(without_metadata(legacy.clone()), legacy_expected());
}

#[test]
fn the_report_lists_converted_fields_by_path() {
    let report = palimpsest::from_str::<Chat>(&fixture("0.0.1"))
        .unwrap()
        .report;
    assert_eq!(
        report.converted,
        [
            "environment",
            "messages[].attachments",
            "messages[].author",
            "messages[].tokens",
            "messages[].tool_calls",
            "model",
            "pinned.tokens",
            "threads{}[].tokens",
            "threads{}[].tool_calls",
            "tool_calls",
            "usage",
            "user_id",
        ]
    );
    assert!(
        report.to_string().ends_with(
            "; converted environment, messages[].attachments, messages[].author, messages[].tokens, messages[].tool_calls, model, pinned.tokens, threads{}[].tokens, threads{}[].tool_calls, tool_calls, usage, user_id)"
        ),
        "{report}"
    );
    // A 0.2.0 document only goes through the conversions of 0.3.0.
    let report = palimpsest::from_str::<Chat>(&fixture("0.2.0"))
        .unwrap()
        .report;
    assert!(!report.converted.contains(&"user_id".to_owned()));
    assert!(report.converted.contains(&"model".to_owned()));
}

#[test]
fn a_downgrade_writes_every_older_fixture_back() {
    for version in OLD_VERSIONS {
        let old: Value = serde_json::from_str(&fixture(version)).unwrap();
        let read = palimpsest::from_value::<Chat>(old.clone()).unwrap().value;
        let mut written = palimpsest::to_value_as(&read, version).unwrap();
        let written = written.as_object_mut().unwrap();
        // The history the migration recorded stays where it went.
        let context = written.remove("context").unwrap();
        assert_eq!(context["metadata"]["migrated_from"], version);
        let mut expected = old.as_object().unwrap().clone();
        expected.insert("schema_version".into(), json!(version));
        assert_eq!(
            Value::Object(written.clone()),
            Value::Object(expected),
            "{version}"
        );
    }
}

#[test]
fn the_no_loss_check_knows_what_conversions_replaced() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert");
    let report = palimpsest::testing::assert_fixtures::<Chat>(&dir);
    assert_eq!(report.fixtures.len(), OLD_VERSIONS.len());
}

#[test]
fn the_fixtures_and_sample_values_make_the_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert");
    let report = palimpsest::testing::assert_fixture_round_trips::<Chat>(&dir);
    assert_eq!(report.trips, OLD_VERSIONS.len());
    palimpsest::testing::assert_round_trips(&[legacy_expected()]);
}

#[test]
fn a_current_document_reads_with_nothing_converted() {
    let chat = legacy_expected();
    let text = palimpsest::to_string(&chat).unwrap();
    assert!(text.starts_with(r#"{"schema_version":"0.3.0","#), "{text}");
    let read = palimpsest::from_str::<Chat>(&text).unwrap();
    assert!(!read.report.migrated());
    assert!(read.report.converted.is_empty());
    assert_eq!(read.value, chat);
}

#[test]
fn null_wraps_into_the_empty_list_and_absent_stays_absent() {
    let doc = json!({
        "schema_version": "0.2.0", "user_id": 1, "environment": {"name": "e"},
        "function_call": null, "model": ["m"],
        "messages": [{"role": "a", "tokens": 1, "function_call": null}, {"role": "b", "tokens": 2}]
    });
    for (case, text) in key_positions(&doc.to_string()) {
        for (route, chat, report) in every_route(&text) {
            assert!(chat.tool_calls.is_empty(), "{case}: {route}");
            assert!(
                chat.messages.iter().all(|m| m.tool_calls.is_empty()),
                "{case}: {route}"
            );
            if let Some(report) = report {
                // Both objects of `messages[]` are listed once, by the one
                // that had the field.
                assert!(
                    report
                        .converted
                        .contains(&"messages[].tool_calls".to_owned()),
                    "{case}: {route}"
                );
                assert!(
                    report.converted.contains(&"tool_calls".to_owned()),
                    "{case}: {route}"
                );
            }
        }
    }
    // On the tree, the difference shows: `[]` where `null` was, nothing
    // where nothing was.
    let mut tree = doc;
    palimpsest::migrate::<Chat>(&mut tree).unwrap();
    assert_eq!(tree["tool_calls"], json!([]));
    assert_eq!(tree["messages"][0]["tool_calls"], json!([]));
    assert!(tree["messages"][1].get("tool_calls").is_none());
}

/// A 0.1.0 chat with `patch` merged into its top level.
fn chat_with(patch: &Value) -> Value {
    let mut doc: Value = serde_json::from_str(&fixture("0.1.0")).unwrap();
    for (key, value) in patch.as_object().unwrap() {
        doc[key] = value.clone();
    }
    doc
}

/// The typed error of every route that gives one: the tree engine, and the
/// streaming reader with the key first and last.
fn errors(doc: &Value) -> Vec<Error> {
    let mut errors = vec![palimpsest::migrate::<Chat>(&mut doc.clone()).unwrap_err()];
    for (_, text) in key_positions(&doc.to_string()) {
        errors.push(palimpsest::from_str::<Chat>(&text).unwrap_err());
        errors.push(palimpsest::from_reader::<Chat, _>(text.as_bytes()).unwrap_err());
    }
    errors
}

#[test]
fn a_value_that_does_not_fit_the_conversion_names_its_type_and_path() {
    let doc = chat_with(&json!({"user_id": 42}));
    for err in errors(&doc) {
        assert!(
            matches!(&err, Error::Convert { path, reason: ConvertError::Mismatch { expected, .. }, .. } if path == "user_id" && expected.ends_with("String")),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "`Chat`: migrating 0.1.0 -> 0.2.0: cannot convert `user_id`: the value does not fit `alloc::string::String`: invalid type: integer `42`, expected a string"
        );
    }
    let doc = chat_with(&json!({"user_id": "forty-two"}));
    for err in errors(&doc) {
        assert!(
            matches!(
                &err,
                Error::Convert {
                    reason: ConvertError::Failed(_),
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().ends_with(
                "cannot convert `user_id`: the conversion failed: invalid digit found in string"
            ),
            "{err}"
        );
    }
}

#[test]
fn a_failed_conversion_in_an_embedded_object_names_its_exact_path() {
    let doc = chat_with(
        &json!({"messages": [{"role": "a", "tokens": "1"}, {"role": "b", "tokens": "x"}]}),
    );
    for err in errors(&doc) {
        assert_eq!(
            err.to_string(),
            "`Chat`: migrating 0.1.0 -> 0.2.0: cannot convert `messages[1].tokens`: the conversion failed: invalid digit found in string"
        );
    }
    // The serde entry point carries the message.
    let err = serde_json::from_value::<Chat>(doc).unwrap_err();
    assert!(err.to_string().contains("messages[1].tokens"), "{err}");
}

#[test]
fn a_list_of_another_length_is_never_unwrapped() {
    let doc = chat_with(&json!({"model": ["a", "b"]}));
    for err in errors(&doc) {
        assert!(
            matches!(&err, Error::Convert { path, reason: ConvertError::Length { length: 2 }, from, to, .. }
                if path == "model" && from.to_string() == "0.2.0" && to.to_string() == "0.3.0"),
            "{err}"
        );
    }
    let doc = chat_with(&json!({"messages": [{"role": "a", "tokens": "1", "author": []}]}));
    for err in errors(&doc) {
        assert_eq!(
            err.to_string(),
            "`Chat`: migrating 0.2.0 -> 0.3.0: cannot convert `messages[0].author`: expected a list of one element to unwrap, found a list of 0"
        );
    }
}

#[test]
fn a_renamed_key_never_overwrites_the_new_one() {
    let doc = chat_with(&json!({"usage": {"cpu_ms": 1, "cpu.ms": 2}}));
    for err in errors(&doc) {
        assert!(
            matches!(&err, Error::Conflict { old, new, .. } if old == "usage.cpu_ms" && new == "usage.cpu.ms"),
            "{err}"
        );
    }
}

#[test]
fn a_downgrade_that_cannot_convert_back_fails_untouched() {
    let mut chat = legacy_expected();
    chat.environment.region = Some("eu".into());
    let err = palimpsest::to_value_as(&chat, "0.1.0").unwrap_err();
    assert!(
        matches!(&err, Error::Convert { path, reason: ConvertError::Failed(_), .. } if path == "environment"),
        "{err}"
    );
    // Two tool calls cannot be one function call.
    let mut chat = legacy_expected();
    chat.messages[1].tool_calls.push(call("cat", json!({})));
    let err = palimpsest::to_value_as(&chat, "0.2.0").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Chat`: cannot write version 0.2.0 from 0.3.0: `messages[1].tool_calls` holds a list of 2 and version 0.2.0 holds one value there"
    );
}

/// A conversion with no `back`: a downgrade across it is refused, naming
/// the field, whenever the document has a value for it.
#[versioned(since = 1)]
#[derive(Debug, Serialize, Deserialize)]
pub struct Reading {
    #[converted(since = 2, with = celsius)]
    pub temperature: f64,
    #[serde(default)]
    pub note: Option<String>,
}

fn celsius(fahrenheit: f64) -> Result<f64, Infallible> {
    Ok((fahrenheit - 32.0) / 1.8)
}

#[test]
fn a_conversion_without_an_inverse_is_irreversible() {
    let read =
        palimpsest::from_str::<Reading>(r#"{"schema_version": 1, "temperature": 212}"#).unwrap();
    assert!((read.value.temperature - 100.0).abs() < 1e-9);
    let err = palimpsest::to_value_as(&read.value, 1).unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "`Reading`: cannot write version 1 from 2: `temperature` was converted in 2 with no inverse (`back`)"
    );
}

#[test]
fn runtime_steps_take_closures_of_either_kind() {
    let schema = Schema::integer("Metric", 1)
        .step(
            Step::new(0, 1)
                .convert("value", |text: String| text.parse::<f64>())
                .convert("unit", |unit: &mut Value| {
                    *unit = json!({ "symbol": unit.take() });
                    Ok::<(), String>(())
                })
                .wrap("tags")
                .unwrap("hosts")
                .rename_keys("labels", [("old", "new")]),
        )
        .build()
        .unwrap();
    let mut doc =
        json!({"value": "1.5", "unit": "ms", "tags": "a", "hosts": ["h"], "labels": {"old": 1}});
    let report = schema.migrate(&mut doc).unwrap();
    assert_eq!(
        doc,
        json!({"schema_version": 1, "value": 1.5, "unit": {"symbol": "ms"}, "tags": ["a"], "hosts": "h", "labels": {"new": 1}})
    );
    assert_eq!(
        report.converted,
        ["value", "unit", "tags", "hosts", "labels"]
    );
    // Closures fail as functions do: with the field's path.
    let err = schema.migrate(&mut json!({"value": "fast"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Metric`: migrating 0 -> 1: cannot convert `value`: the conversion failed: invalid float literal"
    );
}

#[test]
fn runtime_steps_convert_a_string_into_an_object_and_back() {
    fn split(user: String) -> Result<Value, String> {
        let (name, domain) = user.split_once('@').ok_or("no `@` in the user")?;
        Ok(json!({"name": name, "domain": domain}))
    }
    fn join(user: BTreeMap<String, String>) -> Result<String, String> {
        Ok(format!("{}@{}", user["name"], user["domain"]))
    }
    let schema = Schema::integer("Session", 1)
        .step(Step::new(0, 1).convert_with_inverse("user", split, join))
        .build()
        .unwrap();
    let mut doc = json!({"user": "ada@example.org"});
    let report = schema.migrate(&mut doc).unwrap();
    assert_eq!(doc["user"], json!({"name": "ada", "domain": "example.org"}));
    assert_eq!(report.converted, ["user"]);
    let report = schema
        .downgrade(&mut doc, &schema.parse_version("0").unwrap())
        .unwrap();
    assert_eq!(doc, json!({"schema_version": 0, "user": "ada@example.org"}));
    assert_eq!(report.converted, ["user"]);
    // A failure leaves the document as it was.
    let mut bad = json!({"user": "nobody"});
    let err = schema.migrate(&mut bad).unwrap_err();
    assert_eq!(bad, json!({"user": "nobody"}));
    assert_eq!(
        err.to_string(),
        "`Session`: migrating 0 -> 1: cannot convert `user`: the conversion failed: no `@` in the user"
    );
}

/// The expansion of every conversion is lint-clean and names everything by
/// absolute path: this module denies rustc's warnings and clippy's groups,
/// and shadows the prelude's names and `serde_json`.
#[deny(warnings, unused_qualifications)]
#[deny(clippy::all, clippy::pedantic, clippy::nursery)]
mod clean_and_hygienic {
    #![allow(dead_code)]

    mod shadowed {
        pub struct Result;
        pub struct Option;
        pub struct Vec;
        pub struct String;
        pub struct Ok;
        pub struct Some;
        pub mod serde_json {}
    }
    #[allow(clippy::wildcard_imports, unused_imports)]
    use shadowed::*;

    use palimpsest::versioned;
    use serde::{Deserialize, Serialize};

    type Map = std::collections::BTreeMap<std::string::String, u64>;

    #[versioned(since = 1)]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Everything {
        #[converted(since = 2, with = up, back = down)]
        pub id: u64,
        #[converted(since = 2, with = in_place)]
        pub raw: ::serde_json::Value,
        #[wrapped(since = 2)]
        pub list: std::vec::Vec<u64>,
        #[unwrapped(since = 2)]
        pub single: u64,
        #[renamed_keys(since = 2, "a" = "b")]
        pub map: Map,
        pub inner: std::vec::Vec<Inner>,
    }

    #[versioned(embedded)]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Inner {
        #[converted(since = 2, with = up, back = down)]
        pub id: u64,
        #[wrapped(since = 2)]
        pub list: std::vec::Vec<u64>,
    }

    #[allow(clippy::needless_pass_by_value)] // a typed conversion takes the old value
    fn up(id: std::string::String) -> core::result::Result<u64, std::num::ParseIntError> {
        id.parse()
    }

    #[allow(clippy::unnecessary_wraps)] // the signature a conversion must have
    fn down(id: u64) -> core::result::Result<std::string::String, std::convert::Infallible> {
        core::result::Result::Ok(id.to_string())
    }

    #[allow(clippy::unnecessary_wraps)]
    fn in_place(value: &mut ::serde_json::Value) -> core::result::Result<(), &'static str> {
        *value = ::serde_json::json!([value.take()]);
        core::result::Result::Ok(())
    }

    #[test]
    fn every_conversion_runs() {
        let read = palimpsest::from_str::<Everything>(
            r#"{"schema_version": 1, "id": "1", "raw": 2, "list": 3, "single": [4], "map": {"a": 5}, "inner": [{"id": "6", "list": 7}]}"#,
        )
        .unwrap();
        let written = palimpsest::to_value(&read.value).unwrap();
        assert_eq!(
            written,
            ::serde_json::json!({"schema_version": 2, "id": 1, "raw": [2], "list": [3], "single": 4, "map": {"b": 5}, "inner": [{"id": 6, "list": [7]}]})
        );
    }
}

/// Embedded objects inside a field whose shape changes: before the wrap a
/// call is the field's value, after it an element of its list (and the
/// other way round for an unwrap); the changes of `Call` reach it in
/// either shape, on every route and back.
#[versioned(since = 1, metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    #[renamed_from("function_call", since = 3)]
    #[wrapped(since = 3)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<Call>,
    #[unwrapped(since = 3)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Call>,
    pub turns: Vec<Turn>,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    #[renamed_from("function_call", since = 3)]
    #[wrapped(since = 3)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<Call>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    #[renamed_from("fn", since = 2)]
    pub name: String,
    #[added_in(4)]
    #[serde(default, skip_serializing_if = "is_false")]
    pub ok: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn is_false(value: &bool) -> bool {
    !value
}

#[test]
fn embedded_objects_migrate_before_and_after_their_field_is_reshaped() {
    let old = json!({
        "schema_version": 1,
        "function_call": {"fn": "ls"},
        "last": [{"fn": "cat"}],
        "turns": [{"function_call": {"fn": "rg"}}, {}]
    });
    let call = |name: &str| Call {
        name: name.into(),
        ok: false,
    };
    let expected = Agent {
        tool_calls: vec![call("ls")],
        last: Some(call("cat")),
        turns: vec![
            Turn {
                tool_calls: vec![call("rg")],
            },
            Turn { tool_calls: vec![] },
        ],
        meta: Map::new(),
    };
    for (case, text) in key_positions(&old.to_string()) {
        let mut tree: Value = serde_json::from_str(&text).unwrap();
        let report = palimpsest::migrate::<Agent>(&mut tree).unwrap();
        let read = palimpsest::from_str::<Agent>(&text).unwrap();
        let from_reader = palimpsest::from_reader::<Agent, _>(text.as_bytes()).unwrap();
        let tree: Agent = serde_json::from_value(tree).unwrap();
        for (route, agent) in [
            ("tree engine", &tree),
            ("from_str", &read.value),
            ("from_reader", &from_reader.value),
        ] {
            let mut agent = agent.clone();
            agent.meta.clear();
            assert_eq!(agent, expected, "{case}: {route}");
        }
        assert_eq!(read.report, report, "{case}");
        assert_eq!(
            report.defaulted,
            ["last.ok", "tool_calls[].ok", "turns[].tool_calls[].ok"],
            "{case}"
        );
        // Nothing was left over for `legacy_nested`.
        assert!(
            tree.meta.get("legacy_nested").is_none(),
            "{case}: {:?}",
            tree.meta
        );
    }
    let written = palimpsest::to_value_as(&expected, 1).unwrap();
    let mut written = written.as_object().unwrap().clone();
    written.remove("meta");
    assert_eq!(Value::Object(written), old);
}
