//! With integer versions, every integer between the legacy and the current
//! version is a known version (issue 13): a build that bumped the version
//! without changing a field wrote documents every later build reads. A
//! document at such a version has the shape of the named version before
//! it, and takes the same steps; downgrade can write it too.

use palimpsest::{versioned, Error, Schema, Step};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Version 2 was released with no field change; version 3 renamed `size`.
#[versioned(since = 1, version = 3, metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub name: String,
    #[renamed_from("size", since = 3)]
    pub capacity: u32,
    #[serde(default)]
    pub meta: serde_json::Map<String, Value>,
}

const AT_2: &str = r#"{"schema_version": 2, "name": "cache", "size": 8}"#;
const AT_2_KEY_LAST: &str = r#"{"name": "cache", "size": 8, "schema_version": 2}"#;

#[test]
fn a_document_at_an_unnamed_integer_version_migrates_on_every_route() {
    let read = palimpsest::from_str::<Config>(AT_2).unwrap();
    assert_eq!(read.report.from.to_string(), "2");
    assert_eq!(
        read.report.to_string(),
        "`Config`: 2 -> 3 (renamed size -> capacity)"
    );
    let streamed = read.value;
    assert_eq!(streamed.name, "cache");
    assert_eq!(streamed.capacity, 8);
    assert_eq!(streamed.meta["migrated_from"], json!(2));
    assert_eq!(
        streamed.meta["migration_history"],
        json!([{"from": 1, "to": 3}]),
        "the step that ran is the named one"
    );
    let key_last = palimpsest::from_str::<Config>(AT_2_KEY_LAST).unwrap().value;
    let through_serde: Config = serde_json::from_str(AT_2).unwrap();
    let tree = palimpsest::from_value::<Config>(serde_json::from_str(AT_2).unwrap())
        .unwrap()
        .value;
    assert_eq!(key_last, streamed);
    assert_eq!(through_serde, streamed);
    assert_eq!(tree, streamed);
}

#[test]
fn downgrade_writes_an_unnamed_version_in_the_shape_before_it() {
    let config = Config {
        name: "cache".into(),
        capacity: 8,
        meta: Default::default(),
    };
    let old = palimpsest::to_value_as(&config, 2).unwrap();
    assert_eq!(
        old,
        json!({"schema_version": 2, "name": "cache", "size": 8, "meta": {}})
    );
    let back = palimpsest::from_value::<Config>(old).unwrap();
    assert_eq!(back.value.capacity, 8);
    assert_eq!(back.report.from.to_string(), "2");
}

#[test]
fn versions_outside_the_history_stay_unknown_or_newer() {
    let newer =
        palimpsest::from_str::<Config>(r#"{"schema_version": 4, "name": "c", "capacity": 1}"#)
            .unwrap_err();
    assert!(
        newer.to_string().contains("version 4, newer than 3"),
        "{newer}"
    );
    let schema = Schema::integer("Counter", 3)
        .legacy(1)
        .step(Step::new(1, 3))
        .build()
        .unwrap();
    let err = schema
        .migrate(&mut json!({"schema_version": 0}))
        .unwrap_err();
    assert!(matches!(err, Error::UnknownVersion { .. }), "{err}");
}

#[test]
fn the_runtime_schema_knows_the_gaps_too_and_semver_does_not() {
    let schema = Schema::integer("Counter", 5)
        .step(Step::new(0, 2).rename("n", "count"))
        .step(Step::new(2, 5).add("unit", || json!("items")))
        .build()
        .unwrap();
    for (version, steps) in [
        (1, "1 -> 2 -> 5 (renamed n -> count; defaulted unit)"),
        (3, "3 -> 5 (defaulted unit)"),
        (4, "4 -> 5 (defaulted unit)"),
    ] {
        let mut doc = json!({"schema_version": version, "n": 7});
        if version > 2 {
            doc = json!({"schema_version": version, "count": 7});
        }
        let report = schema.migrate(&mut doc).unwrap();
        assert_eq!(report.to_string(), format!("`Counter`: {steps}"));
        assert_eq!(
            doc,
            json!({"schema_version": 5, "count": 7, "unit": "items"})
        );
    }

    let semver = Schema::semver("Trace", "0.2.0")
        .step(Step::new("0.0.1", "0.2.0"))
        .build()
        .unwrap();
    let err = semver
        .migrate(&mut json!({"schema_version": "0.1.0"}))
        .unwrap_err();
    assert!(matches!(err, Error::UnknownVersion { .. }), "{err}");
}
