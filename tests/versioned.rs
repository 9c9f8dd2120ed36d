//! `#[versioned]` through plain serde: what is written, what is read, and
//! where the type may sit.

use std::collections::{BTreeMap, HashMap};

use palimpsest::{versioned, Error};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The address book entry of `tests/engine.rs`, this time by the macro.
#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Contact {
    name: String,
    #[renamed_from("mail", since = "0.2.0")]
    email: String,
    notes: Vec<String>,
    #[added_in("0.2.0")]
    #[serde(default)]
    tags: Vec<String>,
    #[removed_in("0.3.0")]
    phone: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    meta: Map<String, Value>,
}

fn fixture(version: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/contact/{version}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn grace() -> Contact {
    Contact {
        name: "Grace Hopper".into(),
        email: "grace@cobol.dev".into(),
        notes: vec![],
        tags: vec!["compilers".into()],
        meta: Map::new(),
    }
}

#[test]
fn writing_puts_the_stamp_first_and_drops_removed_fields() {
    let text = serde_json::to_string(&grace()).unwrap();
    assert_eq!(
        text,
        r#"{"schema_version":"0.3.0","name":"Grace Hopper","email":"grace@cobol.dev","notes":[],"tags":["compilers"]}"#
    );
    let value = serde_json::to_value(grace()).unwrap();
    assert_eq!(value["schema_version"], "0.3.0");
}

#[test]
fn every_fixture_of_the_foundation_reads_through_serde() {
    for version in ["0.0.1", "0.1.0", "0.2.0", "0.3.0"] {
        let text = fixture(version);
        let contact: Contact =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{version}: {e}"));
        let old: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(contact.name, old["name"], "{version}");
        assert_eq!(
            contact.email,
            *old.get("email").or(old.get("mail")).unwrap(),
            "{version}"
        );
        if let Some(phone) = old.get("phone") {
            assert_eq!(contact.meta["legacy_phone"], *phone, "{version}");
            assert_eq!(contact.meta["migrated_from"], version);
        }
        // The rich API agrees with plain serde.
        assert_eq!(
            palimpsest::from_str::<Contact>(&text).unwrap().value,
            contact,
            "{version}"
        );
    }
}

#[test]
fn a_legacy_document_reads_with_its_history() {
    let contact: Contact = serde_json::from_str(&fixture("0.0.1")).unwrap();
    assert_eq!(contact.email, "ada@analytical.engine");
    assert!(contact.tags.is_empty());
    assert_eq!(contact.meta["migrated_from"], "0.0.1");
    assert_eq!(
        contact.meta["migration_history"].as_array().unwrap().len(),
        3
    );
    // Written back, it is current, and reads back unchanged.
    let again: Contact = serde_json::from_str(&serde_json::to_string(&contact).unwrap()).unwrap();
    assert_eq!(again, contact);
}

#[test]
fn the_version_key_may_stand_anywhere() {
    let first = r#"{"schema_version":"0.3.0","name":"G","email":"g@x","notes":[],"tags":[]}"#;
    let middle = r#"{"name":"G","email":"g@x","schema_version":"0.3.0","notes":[],"tags":[]}"#;
    let last = r#"{"name":"G","email":"g@x","notes":[],"tags":[],"schema_version":"0.3.0"}"#;
    let a: Contact = serde_json::from_str(first).unwrap();
    let b: Contact = serde_json::from_str(middle).unwrap();
    let c: Contact = serde_json::from_str(last).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert!(a.meta.is_empty(), "a current document is not migrated");
}

#[test]
fn old_names_are_accepted_on_read() {
    let current_with_old_name = r#"{"schema_version":"0.3.0","name":"G","mail":"g@x","notes":[]}"#;
    let contact: Contact = serde_json::from_str(current_with_old_name).unwrap();
    assert_eq!(contact.email, "g@x");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct AddressBook {
    owner: String,
    entries: Vec<Contact>,
    favourite: Option<Contact>,
    by_name: BTreeMap<String, Contact>,
    by_id: HashMap<u32, Contact>,
}

#[test]
fn old_documents_migrate_wherever_the_type_sits() {
    let legacy = fixture("0.0.1");
    let v1 = fixture("0.1.0");
    let text = format!(
        r#"{{"owner": "me", "entries": [{legacy}, {v1}], "favourite": {legacy}, "by_name": {{"ada": {legacy}}}, "by_id": {{"7": {v1}}}}}"#
    );
    let book: AddressBook = serde_json::from_str(&text).unwrap();
    assert_eq!(book.entries[0].email, "ada@analytical.engine");
    assert_eq!(book.entries[1].meta["migrated_from"], "0.1.0");
    assert_eq!(
        book.favourite.as_ref().unwrap().meta["legacy_phone"],
        "+44 20 7946 0018"
    );
    assert_eq!(book.by_name["ada"].meta["migrated_from"], "0.0.1");
    assert_eq!(book.by_id[&7].email, "charles@difference.engine");

    let value: Value = serde_json::from_str(&text).unwrap();
    let from_value: AddressBook = serde_json::from_value(value).unwrap();
    assert_eq!(from_value, book);
    let from_slice: AddressBook = serde_json::from_slice(text.as_bytes()).unwrap();
    assert_eq!(from_slice, book);
    let from_reader: AddressBook = serde_json::from_reader(text.as_bytes()).unwrap();
    assert_eq!(from_reader, book);
}

/// The metadata object may be any map keyed by strings, optional or not;
/// the macro rejects any other type at compile time
/// (tests/ui/metadata/not_an_object.rs).
#[versioned(since = 1, metadata = "history")]
#[derive(Debug, Serialize, Deserialize)]
struct Gauge {
    #[removed_in(1)]
    unit: String,
    #[serde(default)]
    history: Option<HashMap<String, Value>>,
}

#[test]
fn an_optional_map_holds_the_metadata() {
    let gauge: Gauge = serde_json::from_str(r#"{"unit": "m"}"#).unwrap();
    let history = gauge.history.unwrap();
    assert_eq!(history["legacy_unit"], "m");
    assert_eq!(history["migrated_from"], 0);
}

/// Each scheme reads its own JSON kind only, wherever the key stands and
/// whichever way the document is read: the string "5" is no integer
/// version, and the number 1 no semver version.
#[test]
fn a_version_of_the_other_json_kind_is_malformed() {
    let quoted_integer = [
        r#"{"v": "5", "first": "A", "last": "B", "code": "C"}"#,
        r#"{"first": "A", "last": "B", "code": "C", "v": "5"}"#,
    ];
    for doc in quoted_integer {
        let expected = "`Station`: malformed version \"5\": expected a non-negative integer such as 3, found a string at `v`";
        let err = serde_json::from_str::<Station>(doc).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{err}");
        let err = palimpsest::from_str::<Station>(doc).unwrap_err();
        assert!(matches!(err, Error::MalformedVersion { .. }), "{err}");
        assert_eq!(err.to_string(), expected);
    }
    let numbered_semver = [
        r#"{"schema_version": 1, "name": "G", "email": "g@x", "notes": []}"#,
        r#"{"name": "G", "email": "g@x", "notes": [], "schema_version": 1}"#,
    ];
    for doc in numbered_semver {
        let expected = "`Contact`: malformed version \"1\": expected a semver string such as \"0.1.0\", found a number at `schema_version`";
        let err = serde_json::from_str::<Contact>(doc).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{err}");
        let err = palimpsest::from_str::<Contact>(doc).unwrap_err();
        assert!(matches!(err, Error::MalformedVersion { .. }), "{err}");
        assert_eq!(err.to_string(), expected);
    }
}

#[test]
fn errors_through_serde_carry_the_full_message() {
    let err = serde_json::from_str::<Contact>(r#"{"schema_version": "9.0.0"}"#).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "`Contact`: document at `schema_version` is version 9.0.0, newer than 0.3.0"
        ),
        "{err}"
    );
    let err = serde_json::from_str::<Vec<Contact>>(r#"[{"name": "x", "mail": 3, "notes": []}]"#)
        .unwrap_err();
    assert!(err.to_string().contains("at `email`"), "{err}");
    // An old document is streamed: serde's own error gains the type and key.
    let err =
        serde_json::from_str::<Contact>(r#"{"name": 5, "mail": "m", "phone": "p", "notes": []}"#)
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Contact`: at `name`: invalid type: integer `5`, expected a string at line 1 column 10"
    );
    let err = serde_json::from_str::<Contact>("[1, 2]").unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a `Contact` document (an object)"),
        "{err}"
    );
}

#[test]
fn unclaimed_keys_of_old_documents_are_kept() {
    let legacy = r#"{"name": "A", "mail": "a@x", "phone": "1", "notes": [], "fax": "+44 1"}"#;
    let contact: Contact = serde_json::from_str(legacy).unwrap();
    assert_eq!(contact.meta["legacy_unknown"], json!({"fax": "+44 1"}));
    let read = palimpsest::from_str::<Contact>(legacy).unwrap();
    assert!(read
        .report
        .preserved
        .contains(&"meta.legacy_unknown.fax".to_owned()));
    assert!(read
        .report
        .preserved
        .contains(&"meta.legacy_phone".to_owned()));
}

#[test]
fn the_rich_api_works_on_macro_types() {
    let read = palimpsest::from_str::<Contact>(&fixture("0.1.0")).unwrap();
    assert_eq!(read.report.steps.len(), 2);
    assert_eq!(read.report.defaulted, ["tags"], "tags came in 0.2.0");
    let has_tags = palimpsest::from_str::<Contact>(&fixture("0.2.0")).unwrap();
    assert!(has_tags.report.defaulted.is_empty());
    assert_eq!(has_tags.report.preserved, ["meta.legacy_phone"]);
    assert_eq!(Contact::current_version().to_string(), "0.3.0");
    assert!(palimpsest::from_str_strict::<Contact>(&fixture("0.2.0")).is_err());
    let mut value: Value = serde_json::from_str(&fixture("0.0.1")).unwrap();
    palimpsest::migrate_to::<Contact>(&mut value, "0.2.0").unwrap();
    assert_eq!(value["email"], "ada@analytical.engine");
    assert_eq!(value["tags"], json!([]));
}

#[test]
fn a_failed_read_leaves_nothing_half_done() {
    let conflict = r#"{"schema_version": "0.1.0", "name": "x", "mail": "a", "email": "b", "phone": "p", "notes": []}"#;
    let err = palimpsest::from_str::<Contact>(conflict).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    let mut value: Value = serde_json::from_str(conflict).unwrap();
    let before = value.clone();
    assert!(palimpsest::migrate::<Contact>(&mut value).is_err());
    assert_eq!(value, before);
}

/// Every key of the attribute at once: integer versions, a custom key and
/// legacy version, an explicit current version, and hand-written steps.
#[versioned(
    since = 2,
    version = 5,
    legacy = 1,
    key = "v",
    metadata = "extra",
    step(from = 2, to = 3, with = split_name, combine = "before"),
    step(from = 4, to = 5, with = uppercase_code)
)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Station {
    first: String,
    last: String,
    #[added_in(3)]
    #[serde(default = "default_level")]
    level: u8,
    #[removed_in(4, drop)]
    obsolete: bool,
    code: String,
    #[serde(default)]
    extra: BTreeMap<String, Value>,
}

fn default_level() -> u8 {
    1
}

fn split_name(doc: &mut Map<String, Value>) -> Result<(), String> {
    let name = doc.remove("name").ok_or("no `name`")?;
    let name = name.as_str().ok_or("`name` is not a string")?.to_owned();
    let (first, last) = name
        .split_once(' ')
        .ok_or_else(|| format!("cannot split {name:?}"))?;
    doc.insert("first".into(), json!(first));
    doc.insert("last".into(), json!(last));
    Ok(())
}

fn uppercase_code(doc: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(Value::String(code)) = doc.get_mut("code") {
        *code = code.to_uppercase();
    }
    Ok(())
}

#[test]
fn every_key_of_the_attribute() {
    let legacy = r#"{"name": "Ada Lovelace", "obsolete": true, "code": "ab"}"#;
    let station: Station = serde_json::from_str(legacy).unwrap();
    assert_eq!(
        (station.first.as_str(), station.last.as_str()),
        ("Ada", "Lovelace")
    );
    assert_eq!(station.level, 1);
    assert_eq!(station.code, "AB");
    assert_eq!(station.extra["migrated_from"], 1);
    assert_eq!(
        station.extra["migration_history"].as_array().unwrap().len(),
        4
    );
    assert!(
        !station.extra.contains_key("legacy_obsolete"),
        "dropped on purpose"
    );
    let text = serde_json::to_string(&station).unwrap();
    assert!(text.starts_with(r#"{"v":5,"first":"Ada""#), "{text}");

    let read = palimpsest::from_str::<Station>(legacy).unwrap();
    assert_eq!(read.report.dropped, ["obsolete"]);
    assert_eq!(read.report.defaulted, ["level"]);

    let err =
        serde_json::from_str::<Station>(r#"{"v": 2, "name": "Plato", "code": "x"}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("`Station`: step 2 -> 3 failed: cannot split \"Plato\""),
        "{err}"
    );
    let err = serde_json::from_str::<Station>(r#"{"v": "five"}"#).unwrap_err();
    assert!(
        err.to_string().contains("malformed version \"five\""),
        "{err}"
    );
}

/// serde's attributes keep their meaning, and field attributes speak of
/// serde names.
#[versioned(since = "1.0.0", metadata = "extraInfo")]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Camel {
    #[renamed_from("userName", since = "1.1.0")]
    display_name: String,
    #[serde(rename = "ID", alias = "identifier")]
    id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nickname: Option<String>,
    #[serde(with = "as_text")]
    #[added_in("1.1.0")]
    #[serde(default)]
    score: u32,
    #[removed_in("1.2.0")]
    legacy_flag: bool,
    #[serde(default)]
    extra_info: BTreeMap<String, Value>,
}

mod as_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(n: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(n)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[test]
fn serde_attributes_keep_their_meaning() {
    let old = r#"{"userName": "ada", "identifier": 7, "legacyFlag": true}"#;
    let camel: Camel = serde_json::from_str(old).unwrap();
    assert_eq!(camel.display_name, "ada");
    assert_eq!(camel.id, 7);
    assert_eq!(
        camel.score, 0,
        "serde's default fills a field with a custom format"
    );
    assert_eq!(camel.extra_info["legacy_legacyFlag"], true);
    let text = serde_json::to_string(&camel).unwrap();
    assert!(
        text.starts_with(r#"{"schema_version":"1.2.0","displayName":"ada","ID":7,"score":"0","#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<Camel>(&text).unwrap(), camel);

    let unknown =
        r#"{"schema_version": "1.2.0", "displayName": "a", "ID": 1, "score": "2", "surprise": 1}"#;
    let err = serde_json::from_str::<Camel>(unknown).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `surprise`"),
        "{err}"
    );
}

/// `flatten` and container `default` work, and the flattened map collects
/// the keys no field names.
#[versioned(since = "0.1.0")]
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Settings {
    #[renamed_from("colour", since = "0.2.0")]
    color: String,
    #[added_in("0.2.0")]
    width: u32,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

#[test]
fn flatten_and_container_default() {
    let settings: Settings = serde_json::from_str(r#"{"colour": "red", "height": 3}"#).unwrap();
    assert_eq!(settings.color, "red");
    assert_eq!(settings.width, 0);
    assert_eq!(
        settings.rest,
        BTreeMap::from([("height".to_owned(), json!(3))])
    );
    let text = serde_json::to_string(&settings).unwrap();
    assert!(
        text.starts_with(r#"{"schema_version":"0.2.0","color":"red""#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<Settings>(&text).unwrap(), settings);
}

#[test]
fn other_self_describing_formats() {
    let contact: Contact = serde_json::from_str(&fixture("0.0.1")).unwrap();
    // CBOR: written with the stamp, read back through the fast path.
    let mut cbor = Vec::new();
    ciborium::into_writer(&contact, &mut cbor).unwrap();
    let back: Contact = ciborium::from_reader(cbor.as_slice()).unwrap();
    assert_eq!(back, contact);
    // CBOR of a legacy document migrates.
    let legacy: Value = serde_json::from_str(&fixture("0.0.1")).unwrap();
    let mut cbor = Vec::new();
    ciborium::into_writer(&legacy, &mut cbor).unwrap();
    let migrated: Contact = ciborium::from_reader(cbor.as_slice()).unwrap();
    assert_eq!(migrated.email, "ada@analytical.engine");
    // TOML, which has its own idea of tables.
    let text = toml::to_string(&grace()).unwrap();
    assert!(text.starts_with("schema_version = \"0.3.0\""), "{text}");
    assert_eq!(toml::from_str::<Contact>(&text).unwrap(), grace());
    let old = "name = \"Ada\"\nmail = \"ada@x\"\nphone = \"1\"\nnotes = []\n";
    let migrated: Contact = toml::from_str(old).unwrap();
    assert_eq!(migrated.meta["legacy_phone"], "1");
}

#[test]
fn no_value_of_any_contact_fixture_is_lost() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contact");
    let report = palimpsest::testing::assert_fixtures::<Contact>(dir);
    assert_eq!(report.fixtures.len(), 4);
}

mod without_the_trait_in_scope {
    // No `use palimpsest::Versioned` here: the version is asked of the type.
    #[palimpsest::versioned(since = 1, version = 3)]
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Counter {
        count: u64,
    }

    #[test]
    fn the_current_version_is_an_inherent_function() {
        assert_eq!(Counter::current_version().to_string(), "3");
    }
}

#[test]
fn every_contact_round_trips_through_every_version() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contact");
    let report = palimpsest::testing::assert_fixture_round_trips::<Contact>(dir);
    assert_eq!(report.trips, 3);

    // A contact made by this build never had a phone, and `phone` declares
    // no default: an old reader, which requires one, cannot be given this
    // contact, and the check says so rather than invent a number.
    let err = palimpsest::testing::check_round_trips(&[grace()]).unwrap_err();
    assert!(
        matches!(
            err.problem(),
            palimpsest::testing::RoundTripProblem::Downgrade(_)
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("`phone` was removed in 0.3.0"),
        "{err}"
    );
}
