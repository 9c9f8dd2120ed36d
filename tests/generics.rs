//! Generic structs and structs with lifetimes: written with their stamp,
//! read back from current and legacy documents.
//!
//! The limits, each a compile error with its own UI case: type parameters
//! must be `DeserializeOwned` for the struct to deserialize, and no field
//! may borrow from the input (`&str`, `#[serde(borrow)]`), since an old
//! document is migrated as an owned tree before it becomes the struct.

use std::borrow::Cow;

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    #[renamed_from("body", since = "0.2.0")]
    pub payload: T,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.2.0")]
    pub sender: String,
    #[serde(default)]
    pub meta: serde_json::Map<String, serde_json::Value>,
}

#[test]
fn generic_struct_writes_its_stamp_first() {
    let envelope = Envelope {
        payload: 7_u32,
        tags: vec!["a".into()],
        meta: serde_json::Map::new(),
    };
    let written = serde_json::to_string(&envelope).unwrap();
    assert!(
        written.starts_with(r#"{"schema_version":"0.2.0","#),
        "{written}"
    );
    assert_eq!(
        serde_json::from_str::<Envelope<u32>>(&written).unwrap(),
        envelope
    );
}

#[test]
fn generic_struct_migrates_a_legacy_document() {
    let legacy = json!({"body": {"x": 1}, "sender": "ann"});
    let envelope: Envelope<serde_json::Value> = serde_json::from_value(legacy).unwrap();
    assert_eq!(envelope.payload, json!({"x": 1}));
    assert!(envelope.tags.is_empty());
    assert_eq!(envelope.meta["legacy_sender"], "ann");
    assert_eq!(envelope.meta["migrated_from"], "0.0.1");
}

#[test]
fn generic_struct_reports_a_payload_of_the_wrong_type() {
    let error = serde_json::from_value::<Envelope<u32>>(json!({"body": "seven", "sender": "ann"}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("payload"), "{error}");
}

/// A lifetime whose fields own what they read: `Cow` without
/// `#[serde(borrow)]` deserializes owned, and serializes borrowed data.
#[versioned(since = "0.1.0")]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Named<'a> {
    #[renamed_from("title", since = "0.2.0")]
    pub name: Cow<'a, str>,
}

#[test]
fn lifetime_struct_writes_borrowed_data_with_its_stamp() {
    let text = String::from("plain");
    let named = Named {
        name: Cow::Borrowed(&text),
    };
    assert_eq!(
        serde_json::to_string(&named).unwrap(),
        r#"{"schema_version":"0.2.0","name":"plain"}"#
    );
}

#[test]
fn lifetime_struct_reads_current_and_legacy_documents() {
    let current: Named<'static> =
        serde_json::from_str(r#"{"schema_version":"0.2.0","name":"plain"}"#).unwrap();
    assert_eq!(current.name, "plain");
    let legacy: Named<'static> = serde_json::from_str(r#"{"title":"old"}"#).unwrap();
    assert_eq!(legacy.name, "old");
}

/// Both at once, read where only owned types will do.
#[versioned(since = 1)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair<'a, K, V>
where
    K: Ord,
{
    pub label: Cow<'a, str>,
    #[renamed_from("entries", since = 2)]
    pub items: std::collections::BTreeMap<K, V>,
}

#[test]
fn lifetime_and_type_parameters_read_from_a_reader() {
    let legacy = br#"{"label":"l","entries":{"a":1}}"#;
    let pair: Pair<'static, String, u8> = serde_json::from_reader(&legacy[..]).unwrap();
    assert_eq!(pair.items["a"], 1);
    assert_eq!(
        serde_json::to_value(&pair).unwrap(),
        json!({"schema_version": 2, "label": "l", "items": {"a": 1}})
    );
}
