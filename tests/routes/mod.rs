//! Every road from a document's text to a versioned type, for the tests
//! that prove they agree: the tree engine, palimpsest's reads, `serde_json`
//! itself (with the report `with_report` collects) and a binary
//! self-describing format (CBOR, which yields no report). The tree
//! engine's comes first: the others are compared with it.

use palimpsest::{Report, Versioned};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `T` read from `text` on every route, named, with the report the route
/// gives, if any.
pub fn every_route<T>(text: &str) -> Vec<(&'static str, T, Option<Report>)>
where
    T: Versioned + DeserializeOwned,
{
    let tree: Value = serde_json::from_str(text).unwrap();
    let mut migrated = tree.clone();
    let report = palimpsest::migrate::<T>(&mut migrated).unwrap();
    let read = palimpsest::from_str::<T>(text).unwrap();
    let from_value = palimpsest::from_value::<T>(tree.clone()).unwrap();
    let from_reader = palimpsest::from_reader::<T, _>(text.as_bytes()).unwrap();
    let (serde, collected) = palimpsest::with_report(|| serde_json::from_str::<T>(text));
    let mut cbor = Vec::new();
    ciborium::into_writer(&tree, &mut cbor).unwrap();
    let from_cbor: T = ciborium::from_reader(cbor.as_slice()).unwrap();
    vec![
        (
            "tree engine",
            serde_json::from_value(migrated).unwrap(),
            Some(report),
        ),
        ("palimpsest::from_str", read.value, Some(read.report)),
        (
            "palimpsest::from_value",
            from_value.value,
            Some(from_value.report),
        ),
        (
            "palimpsest::from_reader",
            from_reader.value,
            Some(from_reader.report),
        ),
        ("serde_json::from_str", serde.unwrap(), collected),
        ("ciborium", from_cbor, None),
    ]
}
