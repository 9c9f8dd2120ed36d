//! The three ways a document reaches a `#[versioned]` struct give the same
//! result: the fast path (current, key first), the streaming migration
//! (old or reordered documents read through serde), and the buffered
//! migration (`palimpsest::from_str`, which parses a `Value` first).

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub problem_statement: String,
    #[renamed_from("result", since = "0.2.0")]
    pub outcome: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.4.0")]
    pub notes: String,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub context: Context,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub tool: String,
    pub arguments: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// The same history with no metadata path: removed values are dropped.
#[versioned(since = 1)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counter {
    #[renamed_from("n", since = 2)]
    pub count: u64,
    #[removed_in(3, drop)]
    pub unit: String,
    #[added_in(3)]
    #[serde(default = "default_step")]
    pub step: u64,
}

fn default_step() -> u64 {
    1
}

/// A hand-written step needs the whole document: this type is buffered.
#[versioned(since = 1, metadata = "meta", step(from = 1, to = 2, with = split_name, combine = "before"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    #[added_in(2)]
    #[serde(default)]
    pub first: String,
    #[added_in(2)]
    #[serde(default)]
    pub last: String,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

fn split_name(doc: &mut palimpsest::object::Object) -> Result<(), String> {
    let Some(full) = doc.remove("name") else {
        return Ok(());
    };
    let full = full.as_str().ok_or("`name` is not a string")?.to_owned();
    let (first, last) = full.split_once(' ').unwrap_or((&full, ""));
    doc.insert("first".into(), json!(first));
    doc.insert("last".into(), json!(last));
    Ok(())
}

/// Every document of `fields` with its version entry (if any) first, in
/// the middle and last, and with the object keys in reverse.
fn arrangements(version: Option<Value>, fields: &Value) -> Vec<String> {
    let fields: Vec<(String, Value)> = fields
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let write = |entries: &[(String, Value)]| {
        let body: Vec<String> = entries
            .iter()
            .map(|(k, v)| format!("{}:{}", json!(k), v))
            .collect();
        format!("{{{}}}", body.join(","))
    };
    let mut reversed = fields.clone();
    reversed.reverse();
    let Some(version) = version else {
        return vec![write(&fields), write(&reversed)];
    };
    let stamp = ("schema_version".to_owned(), version);
    let mut out = Vec::new();
    for base in [&fields, &reversed] {
        for at in [0, base.len() / 2, base.len()] {
            let mut entries = base.clone();
            entries.insert(at, stamp.clone());
            out.push(write(&entries));
        }
    }
    out
}

/// Reads `doc` every way and checks they agree; returns the value.
fn agree<T>(doc: &str) -> Result<T, String>
where
    T: palimpsest::Versioned
        + serde::de::DeserializeOwned
        + Serialize
        + PartialEq
        + std::fmt::Debug,
{
    let streamed = serde_json::from_str::<T>(doc);
    let from_tree = serde_json::from_value::<T>(serde_json::from_str(doc).unwrap());
    let buffered = palimpsest::from_str::<T>(doc);
    match (streamed, from_tree, buffered) {
        (Ok(streamed), Ok(from_tree), Ok(buffered)) => {
            assert_eq!(streamed, buffered.value, "streamed vs buffered: {doc}");
            assert_eq!(from_tree, buffered.value, "from a tree vs buffered: {doc}");
            // And the value written back reads the same on the fast path.
            let written = serde_json::to_string(&streamed).unwrap();
            assert_eq!(serde_json::from_str::<T>(&written).unwrap(), streamed);
            Ok(streamed)
        }
        (Err(streamed), Err(from_tree), Err(buffered)) => {
            let buffered = buffered.to_string();
            for other in [streamed.to_string(), from_tree.to_string()] {
                assert!(
                    other.contains(&buffered) || kind_matches(&other, &buffered),
                    "different errors for {doc}: {other} / {buffered}"
                );
            }
            Err(buffered)
        }
        (s, t, b) => panic!(
            "the paths disagree on {doc}: streamed {:?}, from a tree {:?}, buffered {:?}",
            s.map(|_| ()),
            t.map(|_| ()),
            b.map(|_| ())
        ),
    }
}

/// serde's own errors (a missing field, a wrong type) carry the type and a
/// field path on the buffered route, and the type, the top-level key and a
/// position on the streamed one; the message after them is the same.
fn kind_matches(streamed: &str, buffered: &str) -> bool {
    let head = streamed.split(" at line ").next().unwrap_or(streamed);
    let message = head.rsplit_once("`: ").map_or(head, |(_, message)| message);
    // An error of the struct through serde names the version it met.
    let message = message
        .strip_prefix("document at version ")
        .and_then(|rest| rest.split_once(": "))
        .map_or(message, |(_, message)| message);
    buffered.ends_with(message)
}

fn trace_fields(version: &str) -> Value {
    let mut doc = json!({
        "problem_statement": "fix the bug",
        "steps": [{"tool": "grep", "arguments": {"pattern": "x"}}],
        "context": {"agent": "a", "metadata": {"run": 7}},
    });
    let o = doc.as_object_mut().unwrap();
    let name = if version < "0.2.0" {
        "result"
    } else {
        "outcome"
    };
    o.insert(name.into(), json!("done"));
    if version >= "0.3.0" {
        o.insert("tags".into(), json!(["t"]));
    }
    if version < "0.4.0" {
        o.insert("notes".into(), json!({"free": "text"}));
    }
    doc
}

#[test]
fn every_trace_version_and_key_position_reads_the_same() {
    for version in ["0.0.1", "0.1.0", "0.2.0", "0.3.0", "0.4.0"] {
        let stamp = (version != "0.0.1").then(|| json!(version));
        let fields = trace_fields(version);
        for doc in arrangements(stamp.clone(), &fields).into_iter().chain(
            arrangements(None, &fields)
                .into_iter()
                .filter(|_| stamp.is_none()),
        ) {
            let trace: Trace = agree(&doc).unwrap();
            assert_eq!(trace.outcome, "done", "{doc}");
            let meta = &trace.context.metadata;
            assert_eq!(meta["run"], 7, "{doc}");
            if version == "0.4.0" {
                assert!(!meta.contains_key("migrated_from"), "{doc}");
            } else {
                assert_eq!(meta["migrated_from"], version, "{doc}");
                assert_eq!(meta["legacy_notes"], json!({"free": "text"}), "{doc}");
            }
        }
    }
}

#[test]
fn edge_documents_read_the_same() {
    let cases = [
        r#"{"problem_statement": "p", "result": "r", "notes": "n"}"#,
        // A stray key of an old document is kept in the metadata...
        r#"{"problem_statement": "p", "result": "r", "stray": [1, 2]}"#,
        // ...and one of a current document is ignored, as serde does.
        r#"{"problem_statement": "p", "outcome": "r", "stray": 1, "schema_version": "0.4.0"}"#,
        // A value already preserved by an earlier migration is not overwritten.
        r#"{"schema_version": "0.3.0", "problem_statement": "p", "outcome": "r", "notes": "new",
            "context": {"metadata": {"legacy_notes": "old"}}}"#,
        r#"{"notes": "new", "problem_statement": "p", "outcome": "r", "schema_version": "0.3.0",
            "context": {"metadata": {"legacy_notes": "old", "migrated_from": "0.0.1",
            "migration_history": [{"from": "0.0.1", "to": "0.1.0"}]}}}"#,
        r#"{"problem_statement": "p", "result": "r", "context": null}"#,
        r#"{"problem_statement": "p", "result": "r", "context": {"metadata": null}}"#,
        // An old name in a current document is read as an alias.
        r#"{"problem_statement": "p", "result": "r", "schema_version": "0.4.0"}"#,
        r#"{"schema_version": "0.4.0", "problem_statement": "p", "result": "r"}"#,
        // Escaped keys come as owned strings.
        r#"{"problem\u005fstatement": "p", "res\u0075lt": "r", "schema\u005fversion": "0.1.0"}"#,
    ];
    for doc in cases {
        agree::<Trace>(doc).unwrap();
    }
}

#[test]
fn failures_fail_on_every_path() {
    let cases = [
        // Both names of a rename: the typed conflict, not a duplicate field.
        (
            r#"{"problem_statement": "p", "result": "r", "outcome": "o"}"#,
            "both the old name",
        ),
        (
            r#"{"outcome": "o", "problem_statement": "p", "result": "r", "schema_version": "0.1.0"}"#,
            "both the old name",
        ),
        (
            r#"{"problem_statement": "p", "result": "r", "context": 3}"#,
            "expected an object at `context`",
        ),
        (
            r#"{"problem_statement": "p", "result": "r", "context": {"metadata": []}}"#,
            "context.metadata",
        ),
        (
            r#"{"problem_statement": "p", "result": "r", "schema_version": "9.0.0"}"#,
            "newer",
        ),
        (
            r#"{"problem_statement": "p", "result": "r", "schema_version": "0.1.5"}"#,
            "0.1.5",
        ),
        (
            r#"{"problem_statement": "p", "result": "r", "schema_version": null}"#,
            "null",
        ),
        (
            r#"{"result": "r", "schema_version": "0.1.0"}"#,
            "problem_statement",
        ),
        (r#"{"problem_statement": 1, "result": "r"}"#, "invalid type"),
        (r#"{}"#, "missing field `problem_statement`"),
    ];
    for (doc, needle) in cases {
        let err = agree::<Trace>(doc).unwrap_err();
        assert!(err.contains(needle), "{doc}: {err}");
    }
}

#[test]
fn histories_without_metadata_stream_too() {
    for doc in [
        r#"{"n": 3, "unit": "m"}"#,
        r#"{"unit": "m", "n": 3, "schema_version": 1}"#,
        r#"{"schema_version": 2, "count": 3, "unit": "m"}"#,
        r#"{"count": 3, "step": 5, "schema_version": 3}"#,
        r#"{"schema_version": 3, "count": 3}"#,
    ] {
        let counter: Counter = agree(doc).unwrap();
        assert_eq!(counter.count, 3, "{doc}");
    }
    let counter: Counter = agree(r#"{"n": 3, "unit": "m"}"#).unwrap();
    assert_eq!(counter.step, 1);
}

#[test]
fn hand_written_steps_are_buffered_and_agree() {
    for doc in [
        r#"{"name": "Ada Lovelace"}"#,
        r#"{"name": "Ada Lovelace", "schema_version": 1, "meta": {"k": 1}}"#,
        r#"{"first": "Ada", "schema_version": 2, "last": "Lovelace"}"#,
        r#"{"schema_version": 2, "first": "Ada", "last": "Lovelace"}"#,
    ] {
        let person: Person = agree(doc).unwrap();
        assert_eq!(
            (person.first.as_str(), person.last.as_str()),
            ("Ada", "Lovelace")
        );
    }
}

#[test]
fn nested_and_repeated_documents_stream() {
    let docs = format!(
        "[{}, {}, {}]",
        r#"{"problem_statement": "p", "result": "r", "notes": "n"}"#,
        r#"{"schema_version": "0.4.0", "problem_statement": "p", "outcome": "r"}"#,
        r#"{"outcome": "r", "problem_statement": "p", "schema_version": "0.2.0"}"#,
    );
    let read: Vec<Trace> = serde_json::from_str(&docs).unwrap();
    let value: Value = serde_json::from_str(&docs).unwrap();
    for (trace, doc) in read.iter().zip(value.as_array().unwrap()) {
        let buffered = palimpsest::from_value::<Trace>(doc.clone()).unwrap().value;
        assert_eq!(*trace, buffered);
    }
}

#[test]
fn migrating_a_value_in_place_agrees_with_reading_it() {
    for version in ["0.0.1", "0.1.0", "0.2.0", "0.3.0"] {
        let mut doc = trace_fields(version);
        if version != "0.0.1" {
            doc["schema_version"] = json!(version);
        }
        doc["stray"] = json!({"kept": true});
        let read = palimpsest::from_value::<Trace>(doc.clone()).unwrap().value;
        palimpsest::migrate::<Trace>(&mut doc).unwrap();
        assert_eq!(doc["schema_version"], "0.4.0");
        assert_eq!(
            doc["context"]["metadata"]["legacy_unknown"]["stray"]["kept"],
            true
        );
        assert_eq!(
            serde_json::from_value::<Trace>(doc).unwrap(),
            read,
            "{version}"
        );
    }
    // A failure leaves the document as it was.
    let mut doc = json!({"problem_statement": "p", "result": "r", "outcome": "o", "notes": 1});
    let before = doc.clone();
    palimpsest::migrate::<Trace>(&mut doc).unwrap_err();
    assert_eq!(doc, before);
}

#[test]
fn a_repeated_key_is_an_error_on_every_route() {
    // As on the fast path and with plain serde: no value is dropped unsaid.
    let doc = r#"{"problem_statement": "a", "problem_statement": "b", "result": "r"}"#;
    let err = serde_json::from_str::<Trace>(doc).unwrap_err();
    assert!(
        err.to_string()
            .contains("duplicate field `problem_statement`"),
        "{err}"
    );
    let current =
        r#"{"schema_version": "0.4.0", "outcome": "a", "outcome": "b", "problem_statement": "p"}"#;
    assert!(serde_json::from_str::<Trace>(current).is_err());
    // The crate's entry points type it as every other repeated key: the
    // policy (README, "Nothing lost") is one error for a repeated key on
    // every route, whether the struct or the reader meets it twice.
    let typed = palimpsest::from_str::<Trace>(doc).unwrap_err();
    assert!(
        matches!(&typed, palimpsest::Error::RepeatedKey { key, .. } if key == "problem_statement"),
        "{typed}"
    );
    // A key the migration itself reads (here the old name `result`) is
    // refused with the key named, whichever value came first.
    let renamed = r#"{"problem_statement": "p", "result": "a", "result": "b"}"#;
    for err in [
        palimpsest::from_str::<Trace>(renamed).unwrap_err(),
        palimpsest::from_slice::<Trace>(renamed.as_bytes()).unwrap_err(),
        palimpsest::from_reader::<Trace, _>(renamed.as_bytes()).unwrap_err(),
    ] {
        assert!(
            matches!(&err, palimpsest::Error::RepeatedKey { key, .. } if key == "result"),
            "{err}"
        );
    }
    let err = serde_json::from_str::<Trace>(renamed).unwrap_err();
    assert!(
        err.to_string().contains("`result` appears more than once"),
        "{err}"
    );
    let stamp_twice =
        r#"{"schema_version": "0.1.0", "problem_statement": "p", "schema_version": "0.4.0"}"#;
    assert!(matches!(
        palimpsest::from_str::<Trace>(stamp_twice),
        Err(palimpsest::Error::RepeatedKey { .. })
    ));
}

/// Every fixture of the trace models, read each way (the address book's
/// are in tests/versioned.rs), then written back and read on the fast path.
#[test]
fn every_fixture_reads_the_same_every_way() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/execution_trace");
    let mut seen = 0;
    for version in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(version.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let trace = agree::<palimpsest::models::trace::ExecutionTrace>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // Written back, it is current with its key first: the fast path.
            let written = serde_json::to_string(&trace).unwrap();
            assert!(written.starts_with(r#"{"schema_version":"0.1.0","#));
            seen += 1;
        }
    }
    assert!(
        seen >= 8,
        "only {seen} fixtures found under {}",
        root.display()
    );
}

#[test]
fn an_error_before_the_version_is_met_still_names_the_version_the_document_had() {
    // `problem_statement` streams straight to the struct and fails there,
    // before the reader knows the document has no key (legacy) or a late one.
    for (doc, version) in [
        (r#"{"problem_statement": 5, "result": "r"}"#, "0.0.1"),
        (
            r#"{"problem_statement": 5, "result": "r", "schema_version": "0.1.0"}"#,
            "0.1.0",
        ),
    ] {
        let expected = format!("document at version {version}, migrated to 0.4.0, does not fit");
        let from_text = palimpsest::from_str::<Trace>(doc).unwrap_err();
        let tree: serde_json::Value = serde_json::from_str(doc).unwrap();
        let from_tree = palimpsest::from_value::<Trace>(tree).unwrap_err();
        for err in [from_text, from_tree] {
            assert!(err.to_string().contains(&expected), "{err}");
            assert!(err.to_string().contains("at `problem_statement`"), "{err}");
        }
    }
}

/// A history whose root changes nothing itself: its step renames a field
/// of the embedded entries only. A streamed read adds the migration's
/// record to the metadata it holds back by itself, with no engine run:
/// it must agree with the engine's route whatever the metadata holds.
mod record_only {
    use super::*;

    #[versioned(since = "0.1.0", metadata = "context.metadata")]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Journal {
        pub entries: Vec<Entry>,
        #[serde(default)]
        pub context: Context,
    }

    #[versioned(embedded)]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Entry {
        #[renamed_from("msg", since = "0.2.0")]
        pub text: String,
    }

    #[test]
    fn the_record_is_the_engines_whatever_the_metadata_holds() {
        let entries = json!([{"msg": "a"}, {"msg": "b"}]);
        let mut read = 0;
        for context in [
            json!({"agent": "x", "metadata": {"run": 1}}),
            json!({"metadata": {"run": {"nested": [1, {"k": "v"}]}}, "agent": "x"}),
            json!({"agent": "x"}),
            json!({"agent": "x", "metadata": {}}),
            json!({"metadata": {"migrated_from": "0.0.1", "run": 2}}),
            json!({"metadata": {"migration_history": [{"from": "0.0.1", "to": "0.1.0"}]}}),
        ] {
            let fields = json!({"entries": entries, "context": context});
            for doc in arrangements(Some(json!("0.1.0")), &fields) {
                let journal: Journal = agree(&doc).unwrap();
                assert_eq!(journal.entries[1].text, "b", "{doc}");
                let metadata = &journal.context.metadata;
                assert!(metadata.contains_key("migrated_from"), "{doc}");
                assert!(metadata["migration_history"].is_array(), "{doc}");
                read += 1;
            }
        }
        assert_eq!(read, 36);
        // With no context at all, the engine makes the path.
        let journal: Journal = agree(r#"{"schema_version": "0.1.0", "entries": []}"#).unwrap();
        assert_eq!(journal.context.metadata["migrated_from"], "0.1.0");
    }

    #[test]
    fn metadata_that_cannot_hold_the_record_fails_on_every_route() {
        for context in [
            json!({"metadata": {"migration_history": "x"}}),
            json!({"metadata": []}),
            json!([1]),
            json!({"agent": 5, "metadata": {}}),
        ] {
            let fields = json!({"entries": [], "context": context});
            for doc in arrangements(Some(json!("0.1.0")), &fields) {
                let err = agree::<Journal>(&doc).unwrap_err();
                assert!(err.contains("context"), "{doc}: {err}");
            }
        }
    }

    #[test]
    fn a_key_repeated_in_the_metadata_root_is_refused_by_name() {
        for (context, key) in [
            (r#"{"metadata": {"k": 1, "k": 2}}"#, "context.metadata.k"),
            (
                r#"{"metadata": {}, "metadata": {"k": 1}}"#,
                "context.metadata",
            ),
            (r#"{"agent": "a", "agent": "b"}"#, "context.agent"),
            (
                r#"{"metadata": {"runs": [{"x": 1}, {"x": 1, "x": 2}]}}"#,
                "context.metadata.runs[1].x",
            ),
        ] {
            let doc =
                format!(r#"{{"schema_version": "0.1.0", "entries": [], "context": {context}}}"#);
            let typed = palimpsest::from_str::<Journal>(&doc).unwrap_err();
            assert!(
                matches!(&typed, palimpsest::Error::RepeatedKey { key: found, .. } if found == key),
                "{doc}: {typed}"
            );
            let err = serde_json::from_str::<Journal>(&doc)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("`{key}` appears more than once")),
                "{doc}: {err}"
            );
        }
    }
}
