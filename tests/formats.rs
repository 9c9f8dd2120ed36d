//! The fast path and the streaming migration are not JSON's: through CBOR
//! (a binary self-describing format whose strings are never borrowed), old
//! and current documents read as they do through the buffered route.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    #[renamed_from("body", since = "0.2.0")]
    pub text: String,
    #[removed_in("0.3.0")]
    pub draft: bool,
    #[serde(default)]
    pub context: Context,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

fn to_cbor(value: &impl Serialize) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).unwrap();
    out
}

#[test]
fn cbor_documents_of_every_version_read_as_the_buffered_route_reads_them() {
    let v = |s: &str| json!(s);
    let docs = [
        vec![("title", v("t")), ("body", v("b")), ("draft", json!(true))],
        vec![
            ("draft", json!(false)),
            ("title", v("t")),
            ("body", v("b")),
            ("schema_version", v("0.1.0")),
        ],
        vec![
            ("schema_version", v("0.2.0")),
            ("title", v("t")),
            ("text", v("b")),
            ("draft", json!(true)),
        ],
        vec![
            ("title", v("t")),
            ("text", v("b")),
            ("schema_version", v("0.3.0")),
        ],
        vec![
            ("schema_version", v("0.3.0")),
            ("title", v("t")),
            ("text", v("b")),
        ],
    ];
    for entries in docs {
        // Written in the order above (a serde_json map would sort the keys).
        let bytes = to_cbor(&Ordered(&entries));
        let read: Report = ciborium::from_reader(bytes.as_slice()).unwrap();
        let tree: Map<String, Value> = entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let buffered = palimpsest::from_value::<Report>(Value::Object(tree)).unwrap();
        assert_eq!(read, buffered.value, "{entries:?}");
        assert_eq!(read.text, "b");
    }
}

#[test]
fn cbor_round_trips_on_the_fast_path() {
    let report = Report {
        title: "t".into(),
        text: "b".into(),
        context: Context::default(),
    };
    let bytes = to_cbor(&report);
    let back: Report = ciborium::from_reader(bytes.as_slice()).unwrap();
    assert_eq!(back, report);
    // The stamp comes first in the binary form too.
    let value: ciborium::Value = ciborium::from_reader(bytes.as_slice()).unwrap();
    let first = value.as_map().unwrap().first().unwrap();
    assert_eq!(first.0.as_text(), Some("schema_version"));
}

/// A map written in the order of its entries.
struct Ordered<'a>(&'a [(&'a str, Value)]);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}
