//! Documents without a version key from more than one old build, classified
//! by their keys (issue 13 item 7): the closest shape wins, a tie is a typed
//! error, on every route, with the macro and with a hand-built schema.

use palimpsest::{versioned, Error, Keys, Schema, Step, INFERRED_VERSION};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Two builds wrote notes without a version key: 0.1.0 with `body`, 0.2.0
/// with `text`. 0.3.0 writes the key and adds `tags`.
#[versioned(since = "0.1.0", metadata = "meta", unversioned = ["0.1.0", "0.2.0"])]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Note {
    title: String,
    #[renamed_from("body", since = "0.2.0")]
    text: String,
    pinned: bool,
    #[added_in("0.3.0")]
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    meta: Map<String, Value>,
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/unversioned_shapes/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn each_build_is_told_apart_by_its_keys() {
    for (name, version) in [("0.1.0.json", "0.1.0"), ("0.2.0.json", "0.2.0")] {
        let read = palimpsest::from_str::<Note>(&fixture(name)).unwrap();
        assert_eq!(read.value.text, "milk, eggs", "{name}");
        assert_eq!(read.report.from.to_string(), version, "{name}");
        let inferred = read
            .report
            .inferred
            .expect("a keyless document is classified");
        assert_eq!(inferred.version.to_string(), version);
        // The winner fits with no mismatch, the other with two: the key it
        // lacks and the key it never wrote.
        let mismatches: Vec<usize> = inferred.fits.iter().map(|fit| fit.mismatches()).collect();
        let expected = if version == "0.1.0" { [0, 2] } else { [2, 0] };
        assert_eq!(mismatches, expected, "{name}");
        // The metadata says which version was inferred, and why.
        let recorded = &read.value.meta[INFERRED_VERSION];
        assert_eq!(recorded["version"], version);
        assert_eq!(recorded["fits"].as_array().map(Vec::len), Some(2));
        assert_eq!(read.value.meta["migrated_from"], version);
    }
}

#[test]
fn the_report_says_why() {
    let read = palimpsest::from_str::<Note>(&fixture("0.1.0.json")).unwrap();
    assert_eq!(
        read.report.inferred.unwrap().to_string(),
        "0.1.0 (0.1.0: no mismatch; 0.2.0: 2 mismatches: missing `text`, unknown `body`)"
    );
}

#[test]
fn a_tie_is_an_error_naming_the_candidates() {
    let err = palimpsest::from_str::<Note>(&fixture("ambiguous.json")).unwrap_err();
    let Error::AmbiguousShape {
        candidates,
        mismatches,
        undecided,
        ..
    } = &err
    else {
        panic!("expected AmbiguousShape, got {err}");
    };
    let candidates: Vec<String> = candidates.iter().map(ToString::to_string).collect();
    assert_eq!(candidates, ["0.1.0", "0.2.0"]);
    assert_eq!(*mismatches, 1);
    assert_eq!(undecided, &["pinned", "title"]);
    assert_eq!(
        err.to_string(),
        "`Note`: a document without `schema_version` fits versions 0.1.0, 0.2.0 equally (1 mismatch each; keys that decided nothing: `pinned`, `title`): palimpsest does not guess; write `schema_version` into the document, or tell these versions' keys apart"
    );
}

#[test]
fn every_route_classifies_alike() {
    let text = fixture("0.2.0.json");
    let tree: Value = serde_json::from_str(&text).unwrap();
    // serde's own entry points, text and tree.
    let from_serde: Note = serde_json::from_str(&text).unwrap();
    let from_tree: Note = serde_json::from_value(tree.clone()).unwrap();
    // The crate's tree engine.
    let mut migrated = tree.clone();
    let report = palimpsest::migrate::<Note>(&mut migrated).unwrap();
    assert_eq!(report.inferred.unwrap().version.to_string(), "0.2.0");
    let from_engine: Note = serde_json::from_value(migrated).unwrap();
    // A binary self-describing format.
    let mut cbor = Vec::new();
    ciborium::into_writer(&tree, &mut cbor).unwrap();
    let from_cbor: Note = ciborium::from_reader(cbor.as_slice()).unwrap();
    for note in [&from_tree, &from_engine, &from_cbor] {
        assert_eq!(note, &from_serde);
    }
    assert_eq!(from_serde.text, "milk, eggs");
    assert_eq!(from_serde.meta[INFERRED_VERSION]["version"], "0.2.0");
    // The ambiguous document fails through serde too, with the same message.
    let err = serde_json::from_str::<Note>(&fixture("ambiguous.json")).unwrap_err();
    assert!(
        err.to_string()
            .contains("fits versions 0.1.0, 0.2.0 equally"),
        "{err}"
    );
}

#[test]
fn keys_no_version_wrote_weigh_the_same_on_every_candidate() {
    let doc = json!({"title": "t", "body": "b", "pinned": true, "colour": "red"});
    let read = palimpsest::from_value::<Note>(doc).unwrap();
    assert_eq!(read.report.from.to_string(), "0.1.0");
    // The stray key is kept in the metadata, as with any migrated document.
    assert_eq!(read.value.meta["legacy_unknown"]["colour"], "red");
}

#[test]
fn documents_with_a_key_are_not_classified() {
    let current = palimpsest::to_string(&Note {
        title: "t".into(),
        text: "x".into(),
        pinned: false,
        tags: vec!["a".into()],
        meta: Map::new(),
    })
    .unwrap();
    let read = palimpsest::from_str::<Note>(&current).unwrap();
    assert!(read.report.inferred.is_none());
    assert!(!read.report.migrated());
    // A stamped old document takes its stamp, whatever its keys look like.
    let read = palimpsest::from_value::<Note>(
        json!({"schema_version": "0.1.0", "title": "t", "body": "b", "pinned": true}),
    )
    .unwrap();
    assert_eq!(read.report.from.to_string(), "0.1.0");
    assert!(read.report.inferred.is_none());
}

#[test]
fn detect_classifies_too() {
    let doc: Value = serde_json::from_str(&fixture("0.2.0.json")).unwrap();
    assert_eq!(
        palimpsest::detect::<Note>(&doc).unwrap().to_string(),
        "0.2.0"
    );
    let ambiguous: Value = serde_json::from_str(&fixture("ambiguous.json")).unwrap();
    assert!(matches!(
        palimpsest::detect::<Note>(&ambiguous),
        Err(Error::AmbiguousShape { .. })
    ));
}

/// The shapes the macro worked out for each unversioned version.
#[test]
fn the_macro_derives_each_shape_from_the_field_attributes() {
    let schema = <Note as palimpsest::Versioned>::schema();
    let shapes: Vec<(String, &Keys)> = schema
        .unversioned()
        .map(|(version, keys)| (version.to_string(), keys))
        .collect();
    assert_eq!(shapes.len(), 2);
    let (v010, v020) = (shapes[0].1, shapes[1].1);
    assert_eq!(
        *v010,
        Keys::new(["body", "pinned", "title"]).optional(["meta"])
    );
    assert_eq!(
        *v020,
        Keys::new(["pinned", "text", "title"]).optional(["meta"])
    );
}

fn hand_built() -> palimpsest::SchemaBuilder {
    Schema::integer("Order", 4)
        .metadata("meta")
        .step(Step::new(1, 2).rename("qty", "quantity"))
        .step(Step::new(2, 3).add("currency", || json!("EUR")))
        .step(Step::new(3, 4))
}

#[test]
fn a_hand_built_schema_classifies_with_the_keys_it_is_given() {
    let schema = hand_built()
        .unversioned(1, Keys::new(["item", "qty"]))
        .unversioned(2, Keys::new(["item", "quantity"]))
        .unversioned(3, Keys::new(["item", "quantity", "currency"]))
        .build()
        .unwrap();
    let mut doc = json!({"item": "pen", "quantity": 2, "currency": "USD"});
    let report = schema.migrate(&mut doc).unwrap();
    assert_eq!(report.from.to_string(), "3");
    assert_eq!(doc["currency"], "USD");
    assert_eq!(doc["meta"][INFERRED_VERSION]["version"], 3);

    let mut doc = json!({"item": "pen", "qty": 2});
    assert_eq!(schema.migrate(&mut doc).unwrap().from.to_string(), "1");
    assert_eq!(doc["quantity"], 2);
    assert_eq!(doc["currency"], "EUR");

    // One version declared: it is the keyless version, nothing to infer.
    let single = hand_built()
        .unversioned(2, Keys::new(["item"]))
        .build()
        .unwrap();
    let report = single
        .migrate(&mut json!({"item": "pen", "qty": 1}))
        .unwrap();
    assert_eq!(report.from.to_string(), "2");
    assert!(report.inferred.is_none());
}

#[test]
fn a_failed_classification_leaves_the_document_untouched() {
    let schema = hand_built()
        .unversioned(1, Keys::new(["item", "qty"]))
        .unversioned(2, Keys::new(["item", "quantity"]))
        .build()
        .unwrap();
    let mut doc = json!({"item": "pen"});
    let err = schema.migrate(&mut doc).unwrap_err();
    assert!(matches!(err, Error::AmbiguousShape { .. }), "{err}");
    assert_eq!(doc, json!({"item": "pen"}));
}

#[test]
fn a_hand_built_schema_checks_its_unversioned_versions() {
    let err = |builder: palimpsest::SchemaBuilder| builder.build().unwrap_err().to_string();
    let unknown = err(hand_built().unversioned(7, Keys::default()));
    assert!(
        unknown.contains("is not before the current version 4"),
        "{unknown}"
    );
    let current = err(hand_built().unversioned(4, Keys::default()));
    assert!(
        current.contains("which writes `schema_version`"),
        "{current}"
    );
    let unnamed = err(Schema::integer("T", 5)
        .step(Step::new(0, 2))
        .step(Step::new(2, 5))
        .unversioned(1, Keys::default()));
    assert!(unnamed.contains("no version of the history"), "{unnamed}");
    let unordered = err(hand_built()
        .unversioned(2, Keys::default())
        .unversioned(1, Keys::default()));
    assert!(
        unordered.contains("oldest first, once each: 1 after 2"),
        "{unordered}"
    );
    let same = err(hand_built()
        .unversioned(1, Keys::new(["item"]))
        .unversioned(2, Keys::new(["item"])));
    assert!(same.contains("1 and 2 have the same keys"), "{same}");
    let malformed = err(hand_built().unversioned("two", Keys::default()));
    assert!(malformed.contains("unversioned version"), "{malformed}");
}

/// Fields removed, moved from a nested path, and a value moved by the
/// container: each version's keys follow them.
#[versioned(
    since = 1,
    version = 3,
    metadata = "meta",
    unversioned = [1, 2],
    moved(from = "owner", to = "team.owner", since = 2)
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Project {
    name: String,
    #[moved_from("settings.visibility", since = 2)]
    visibility: String,
    #[removed_in(2)]
    legacy_id: u64,
    #[serde(default)]
    team: Map<String, Value>,
    #[serde(default)]
    meta: Map<String, Value>,
}

#[test]
fn moves_and_removals_shape_each_version() {
    let schema = <Project as palimpsest::Versioned>::schema();
    let shapes: Vec<&Keys> = schema.unversioned().map(|(_, keys)| keys).collect();
    assert_eq!(
        *shapes[0],
        Keys::new(["legacy_id", "name", "settings"]).optional(["meta", "owner", "team"])
    );
    assert_eq!(
        *shapes[1],
        Keys::new(["name", "visibility"]).optional(["meta", "team"])
    );

    let one =
        json!({"name": "p", "settings": {"visibility": "public"}, "legacy_id": 4, "owner": "ann"});
    let read = palimpsest::from_value::<Project>(one).unwrap();
    assert_eq!(read.report.from.to_string(), "1");
    assert_eq!(read.value.visibility, "public");
    assert_eq!(read.value.team["owner"], "ann");
    assert_eq!(read.value.meta["legacy_legacy_id"], 4);

    let two = json!({"name": "p", "visibility": "private"});
    let read = palimpsest::from_value::<Project>(two).unwrap();
    assert_eq!(read.report.from.to_string(), "2");
    assert_eq!(read.value.visibility, "private");
}

/// Written as an older version, a note carries the version key (a reader
/// of a keyless build ignores it as any key it has no field for), so it
/// comes back by its stamp, with no classification to go wrong.
#[test]
fn notes_round_trip_through_every_older_version() {
    let note = Note {
        title: "groceries".into(),
        text: "milk".into(),
        pinned: true,
        tags: Vec::new(),
        meta: Map::new(),
    };
    let report = palimpsest::testing::check_round_trips(&[note]).unwrap();
    assert_eq!(report.trips, 3); // through 0.0.1, 0.1.0 and 0.2.0
}
