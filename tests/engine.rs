//! The engine without the macro: a type implements `Versioned` by hand and
//! reads every fixture of its history, and every failure is a typed error
//! that names the type, the versions and the path, leaving the input as it was.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use palimpsest::object::Object;
use palimpsest::{Error, Schema, Step, Versioned};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// An address book entry. Its history:
/// - 0.0.1 (legacy): `name`, `mail`, `phone`, `notes`, no version key;
/// - 0.1.0: the version key appears;
/// - 0.2.0: `mail` becomes `email`, `tags` is added;
/// - 0.3.0: `phone` is removed, kept in `meta.legacy_phone`.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Contact {
    name: String,
    email: String,
    notes: Vec<String>,
    tags: Vec<String>,
    #[serde(default)]
    meta: Map<String, Value>,
}

impl Versioned for Contact {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::semver("Contact", "0.3.0")
                .metadata("meta")
                .step(Step::new("0.0.1", "0.1.0"))
                .step(
                    Step::new("0.1.0", "0.2.0")
                        .rename("mail", "email")
                        .add("tags", || json!([])),
                )
                .step(Step::new("0.2.0", "0.3.0").preserve("phone"))
                .build()
                .expect("the Contact schema is valid")
        })
    }
}

fn fixture(version: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/contact")
        .join(format!("{version}.json"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const VERSIONS: [&str; 4] = ["0.0.1", "0.1.0", "0.2.0", "0.3.0"];

#[test]
fn every_fixture_reads_into_the_current_type() {
    for version in VERSIONS {
        let old = fixture(version);
        let read = palimpsest::from_value::<Contact>(old.clone())
            .unwrap_or_else(|e| panic!("fixture {version}: {e}"));
        assert_eq!(read.report.from.to_string(), version);
        assert_eq!(read.report.to.to_string(), "0.3.0");
        assert_eq!(read.value.name, old["name"]);
        assert_eq!(Value::from(read.value.notes.clone()), old["notes"]);
        let email = old.get("email").or_else(|| old.get("mail")).unwrap();
        assert_eq!(read.value.email, *email, "fixture {version}");
        if let Some(phone) = old.get("phone") {
            assert_eq!(read.value.meta["legacy_phone"], *phone, "fixture {version}");
        }
    }
}

#[test]
fn each_version_walks_exactly_its_remaining_steps() {
    let steps: Vec<usize> = VERSIONS
        .iter()
        .map(|v| {
            palimpsest::from_value::<Contact>(fixture(v))
                .unwrap()
                .report
                .steps
                .len()
        })
        .collect();
    assert_eq!(steps, [3, 2, 1, 0]);
}

#[test]
fn history_is_recorded_in_the_metadata_object() {
    let read = palimpsest::from_value::<Contact>(fixture("0.0.1")).unwrap();
    assert_eq!(read.value.meta["migrated_from"], "0.0.1");
    assert_eq!(
        read.value.meta["migration_history"],
        json!([
            {"from": "0.0.1", "to": "0.1.0"},
            {"from": "0.1.0", "to": "0.2.0"},
            {"from": "0.2.0", "to": "0.3.0"}
        ])
    );
    let current = palimpsest::from_value::<Contact>(fixture("0.3.0")).unwrap();
    assert_eq!(
        current.value.meta,
        *fixture("0.3.0")["meta"].as_object().unwrap()
    );
}

#[test]
fn detection_and_needs_migration() {
    assert_eq!(
        palimpsest::detect::<Contact>(&fixture("0.0.1"))
            .unwrap()
            .to_string(),
        "0.0.1"
    );
    assert_eq!(
        palimpsest::detect::<Contact>(&fixture("0.2.0"))
            .unwrap()
            .to_string(),
        "0.2.0"
    );
    assert!(palimpsest::needs_migration::<Contact>(&fixture("0.1.0")).unwrap());
    assert!(!palimpsest::needs_migration::<Contact>(&fixture("0.3.0")).unwrap());
}

#[test]
fn migrating_to_an_intermediate_version() {
    let mut doc = fixture("0.0.1");
    let report = palimpsest::migrate_to::<Contact>(&mut doc, "0.2.0").unwrap();
    assert_eq!(report.steps.len(), 2);
    assert_eq!(doc["schema_version"], "0.2.0");
    assert_eq!(doc["email"], "ada@analytical.engine");
    assert_eq!(
        doc["phone"], "+44 20 7946 0018",
        "phone is removed only in 0.3.0"
    );
    assert_eq!(doc["tags"], json!([]));
}

#[test]
fn strict_reads_refuse_old_documents_and_accept_current_ones() {
    let current = palimpsest::from_value_strict::<Contact>(fixture("0.3.0")).unwrap();
    assert_eq!(current.name, "Grace Hopper");
    let err = palimpsest::from_value_strict::<Contact>(fixture("0.2.0")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Contact`: document at `schema_version` is version 0.2.0; strict reading requires 0.3.0 and migrates nothing"
    );
}

#[test]
fn reading_from_text_bytes_and_readers() {
    let text = serde_json::to_string(&fixture("0.1.0")).unwrap();
    let from_str = palimpsest::from_str::<Contact>(&text).unwrap();
    let from_slice = palimpsest::from_slice::<Contact>(text.as_bytes()).unwrap();
    let from_reader = palimpsest::from_reader::<Contact, _>(text.as_bytes()).unwrap();
    assert_eq!(from_str, from_slice);
    assert_eq!(from_str, from_reader);
}

/// Runs a failing migration on a copy of `doc` and checks the copy is
/// untouched; returns the error.
fn migrate_fails(doc: Value) -> Error {
    let mut copy = doc.clone();
    let err = palimpsest::migrate::<Contact>(&mut copy).unwrap_err();
    assert_eq!(
        copy, doc,
        "a failed migration changed the caller's document ({err})"
    );
    err
}

#[test]
fn malformed_version_quotes_the_text() {
    let err = migrate_fails(json!({"schema_version": "zero.one", "name": "x"}));
    assert!(matches!(err, Error::MalformedVersion { .. }));
    assert!(
        err.to_string()
            .starts_with("`Contact`: malformed version \"zero.one\""),
        "{err}"
    );
    assert!(err.to_string().ends_with("at `schema_version`"), "{err}");
}

#[test]
fn a_version_key_of_the_wrong_kind_is_malformed() {
    let err = migrate_fails(json!({"schema_version": 2, "name": "x"}));
    assert_eq!(
        err.to_string(),
        "`Contact`: malformed version \"2\": expected a semver string such as \"0.1.0\", found a number at `schema_version`"
    );
}

#[test]
fn unknown_version_lists_the_known_ones() {
    let err = migrate_fails(json!({"schema_version": "0.1.5"}));
    assert!(matches!(err, Error::UnknownVersion { .. }));
    assert_eq!(
        err.to_string(),
        "`Contact`: unknown schema version 0.1.5 at `schema_version` (known: 0.0.1, 0.1.0, 0.2.0, 0.3.0)"
    );
}

#[test]
fn newer_version_names_both() {
    let err = migrate_fails(json!({"schema_version": "1.0.0"}));
    assert!(matches!(err, Error::NewerVersion { .. }));
    assert_eq!(
        err.to_string(),
        "`Contact`: document at `schema_version` is version 1.0.0, newer than 0.3.0, the newest this build reads"
    );
}

#[test]
fn a_document_that_is_not_an_object() {
    let err = migrate_fails(json!(["name", "x"]));
    assert_eq!(
        err.to_string(),
        "`Contact`: expected an object at `(root)`, found an array"
    );
}

#[test]
fn a_metadata_path_through_a_non_object() {
    let mut doc = fixture("0.2.0");
    doc["meta"] = json!("flat");
    let err = migrate_fails(doc);
    assert!(matches!(err, Error::NotAnObject { .. }));
    assert_eq!(
        err.to_string(),
        "`Contact`: document at version 0.2.0: expected an object at `meta`, found a string"
    );
}

#[test]
fn both_names_of_a_rename() {
    let mut doc = fixture("0.1.0");
    doc["email"] = json!("other@example.org");
    let err = migrate_fails(doc);
    assert!(matches!(err, Error::Conflict { .. }));
    assert_eq!(
        err.to_string(),
        "`Contact`: migrating 0.1.0 -> 0.2.0: both the old name `mail` and the new name `email` are present"
    );
}

#[test]
fn a_target_older_than_the_document() {
    let mut doc = fixture("0.3.0");
    let before = doc.clone();
    let err = palimpsest::migrate_to::<Contact>(&mut doc, "0.1.0").unwrap_err();
    assert_eq!(doc, before);
    assert!(matches!(err, Error::Backward { .. }));
    assert_eq!(
        err.to_string(),
        "`Contact`: cannot migrate from 0.3.0 back to 0.1.0: migration steps only go forward"
    );
}

#[test]
fn a_target_that_is_not_a_version() {
    let mut doc = fixture("0.1.0");
    let err = palimpsest::migrate_to::<Contact>(&mut doc, "latest").unwrap_err();
    assert!(matches!(err, Error::MalformedVersion { .. }), "{err}");
    assert!(err.to_string().contains("\"latest\""), "{err}");
}

#[test]
fn a_document_that_does_not_fit_names_the_field_path() {
    let doc = json!({"schema_version": "0.3.0", "name": "x", "email": "e", "notes": ["ok", 7], "tags": []});
    let err = palimpsest::from_value::<Contact>(doc).unwrap_err();
    assert!(matches!(err, Error::Mismatch { .. }));
    assert_eq!(
        err.to_string(),
        "`Contact`: document at version 0.3.0 does not fit the schema at `notes[1]`: invalid type: integer `7`, expected a string"
    );
    let legacy = json!({"mail": "e", "notes": []});
    let err = palimpsest::from_value::<Contact>(legacy).unwrap_err();
    assert!(err.to_string().contains("missing field `name`"), "{err}");
    // The error names the version the document had, and the one it was
    // migrated to before it was checked.
    assert!(
        err.to_string()
            .starts_with("`Contact`: document at version 0.0.1, migrated to 0.3.0, does not fit"),
        "{err}"
    );
}

#[test]
fn invalid_json_is_a_syntax_error() {
    let err = palimpsest::from_str::<Contact>("{\"name\": ").unwrap_err();
    assert!(matches!(err, Error::Syntax { .. }));
    assert!(
        err.to_string()
            .starts_with("`Contact`: invalid JSON: EOF while parsing"),
        "{err}"
    );
}

/// A history with a gap and a hand-written step that can fail.
struct Ledger;

fn split_amount(doc: &mut Object) -> Result<(), String> {
    let amount = doc.remove("amount").ok_or("no `amount` to split")?;
    let text = amount.as_str().ok_or("`amount` is not a string")?;
    let (value, currency) = text
        .split_once(' ')
        .ok_or_else(|| format!("`amount` {text:?} has no currency"))?;
    doc.insert("value".into(), json!(value));
    doc.insert("currency".into(), json!(currency));
    Ok(())
}

impl Versioned for Ledger {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::integer("Ledger", 4)
                .key("v")
                .step(Step::new(0, 1).with(split_amount))
                // No step leaves 1 for 2: a gap.
                .step(Step::new(2, 3))
                .step(Step::new(3, 4))
                .build()
                .expect("the Ledger schema is valid")
        })
    }
}

#[test]
fn a_failing_hand_written_step_is_wrapped_with_type_and_versions() {
    let doc = json!({"amount": "12"});
    let mut copy = doc.clone();
    let target = Ledger::schema().parse_version("1").unwrap();
    let err = Ledger::schema().migrate_to(&mut copy, &target).unwrap_err();
    assert_eq!(copy, doc);
    assert!(matches!(err, Error::StepFailed { .. }));
    assert_eq!(
        err.to_string(),
        "`Ledger`: step 0 -> 1 failed: `amount` \"12\" has no currency"
    );
    assert_eq!(
        std::error::Error::source(&err).unwrap().to_string(),
        "`amount` \"12\" has no currency"
    );
}

#[test]
fn a_gap_in_the_history_names_both_versions() {
    let mut doc = json!({"amount": "12 EUR"});
    let err = Ledger::schema().migrate(&mut doc).unwrap_err();
    assert_eq!(doc, json!({"amount": "12 EUR"}));
    assert!(matches!(err, Error::NoPath { .. }));
    assert_eq!(
        err.to_string(),
        "`Ledger`: no migration path from 0 to 4: no step leaves 1"
    );
}

#[test]
fn integer_versions_under_a_custom_key() {
    let mut doc = json!({"v": 2, "value": "1"});
    let report = Ledger::schema().migrate(&mut doc).unwrap();
    assert_eq!(report.steps.len(), 2);
    assert_eq!(doc["v"], 4);
    let err = Ledger::schema().detect(&json!({"v": "two"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Ledger`: malformed version \"two\": expected a non-negative integer such as 3, found a string at `v`"
    );
    // Digits in a string are no integer version either: each scheme reads
    // its own JSON kind only.
    let err = Ledger::schema().detect(&json!({"v": "2"})).unwrap_err();
    assert!(matches!(err, Error::MalformedVersion { .. }));
    assert_eq!(
        err.to_string(),
        "`Ledger`: malformed version \"2\": expected a non-negative integer such as 3, found a string at `v`"
    );
}

#[test]
fn an_inconsistent_hand_built_schema_is_a_definition_error() {
    let err = Schema::semver("Broken", "0.2.0")
        .step(Step::new("0.2.0", "0.1.0"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Definition { .. }));
    assert_eq!(
        err.to_string(),
        "`Broken`: invalid schema definition: step from 0.2.0 to 0.1.0 does not go forward; `to` must be after `from`"
    );
    assert_eq!(err.type_name(), "Broken");
}

/// A type that keeps its version as a field, as the guide's Python model
/// did, and says so with `key_is_field`.
#[derive(Debug, Deserialize)]
struct Stamped {
    schema_version: String,
    name: String,
}

impl Versioned for Stamped {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::semver("Stamped", "0.2.0")
                .key_is_field()
                .step(Step::new("0.0.1", "0.2.0").rename("title", "name"))
                .build()
                .expect("the Stamped schema is valid")
        })
    }
}

#[test]
fn a_type_that_reads_its_version_key_sees_it_on_every_path() {
    let current =
        palimpsest::from_str::<Stamped>(r#"{"schema_version": "0.2.0", "name": "n"}"#).unwrap();
    assert_eq!(current.value.schema_version, "0.2.0");
    let late =
        palimpsest::from_str::<Stamped>(r#"{"name": "n", "schema_version": "0.2.0"}"#).unwrap();
    assert_eq!(late.value.schema_version, "0.2.0");
    let legacy = palimpsest::from_str::<Stamped>(r#"{"title": "t"}"#).unwrap();
    assert_eq!(
        (
            legacy.value.schema_version.as_str(),
            legacy.value.name.as_str()
        ),
        ("0.2.0", "t")
    );
}
