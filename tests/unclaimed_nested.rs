//! Keys of embedded objects that no field claims are kept in the root's
//! `legacy_nested` beside the values the steps took, and marked as such in
//! `legacy_nested_unclaimed` with the version their paths are in: a
//! downgrade puts them back where they stood, as it does the top-level
//! ones of `legacy_unknown`, whichever route read the document. Entries
//! of documents kept without the mark stay kept.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Run {
    #[serde(default)]
    steps: Vec<RunStep>,
    #[serde(default)]
    meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RunStep {
    #[renamed_from("thought", since = "0.2.0")]
    reasoning: String,
    #[removed_in("0.2.0")]
    notes: String,
    #[wrapped(since = "0.2.0")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    calls: Vec<Call>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Call {
    name: String,
}

fn old() -> Value {
    json!({
        "schema_version": "0.1.0",
        "steps": [
            {"thought": "t", "notes": "n", "stray": 1, "calls": {"name": "f", "index": 0}},
            {"thought": "u", "notes": "m"}
        ],
        "extra": true
    })
}

/// `run` read on every route: the tree engine, streamed from JSON text,
/// and streamed from CBOR.
fn every_route() -> Vec<(&'static str, Run)> {
    let text = old().to_string();
    let mut cbor = Vec::new();
    ciborium::into_writer(&old(), &mut cbor).unwrap();
    vec![
        ("tree", palimpsest::from_value::<Run>(old()).unwrap().value),
        (
            "streamed",
            palimpsest::from_str::<Run>(&text).unwrap().value,
        ),
        ("cbor", ciborium::from_reader(cbor.as_slice()).unwrap()),
    ]
}

#[test]
fn unclaimed_keys_are_kept_beside_removed_fields_and_marked() {
    for (route, run) in every_route() {
        assert_eq!(
            run.meta["legacy_nested"],
            json!({
                "steps[0].notes": "n",
                "steps[0].stray": 1,
                "steps[0].calls[0].index": 0,
                "steps[1].notes": "m"
            }),
            "{route}"
        );
        assert_eq!(
            run.meta["legacy_nested_unclaimed"],
            json!({"steps[0].stray": "0.2.0", "steps[0].calls[0].index": "0.2.0"}),
            "{route}"
        );
        assert_eq!(
            run.meta["legacy_unknown"],
            json!({"extra": true}),
            "{route}"
        );
    }
}

#[test]
fn a_downgrade_puts_embedded_unclaimed_keys_back_where_they_stood() {
    for (route, run) in every_route() {
        let mut written = palimpsest::to_value_as(&run, "0.1.0").unwrap();
        let meta = written.as_object_mut().unwrap().remove("meta").unwrap();
        assert_eq!(written, old(), "{route}");
        // Nothing is left kept, not even the marks.
        let mut meta = meta.as_object().unwrap().clone();
        meta.remove(palimpsest::MIGRATED_FROM);
        meta.remove(palimpsest::MIGRATION_HISTORY);
        assert!(meta.is_empty(), "{route}: {meta:?}");
    }
}

#[test]
fn an_unclaimed_key_whose_place_is_taken_stays_kept() {
    let mut run = palimpsest::from_value::<Run>(old()).unwrap().value;
    // The call is gone by the time the log is written back.
    run.steps[0].calls.clear();
    let written = palimpsest::to_value_as(&run, "0.1.0").unwrap();
    assert_eq!(written["steps"][0]["stray"], 1);
    assert_eq!(
        written["meta"]["legacy_nested"],
        json!({"steps[0].calls[0].index": 0})
    );
    assert_eq!(
        written["meta"]["legacy_nested_unclaimed"],
        json!({"steps[0].calls[0].index": "0.2.0"})
    );
}

/// A document kept before the marks existed: its entries are read as
/// they always were, and a downgrade leaves them kept.
#[test]
fn entries_kept_without_marks_stay_kept() {
    let kept = json!({
        "schema_version": "0.2.0",
        "steps": [{"reasoning": "t"}],
        "meta": {"legacy_nested": {"steps[0].stray": 1, "steps[0].notes": "n"}}
    });
    let run = palimpsest::from_value::<Run>(kept).unwrap().value;
    let written = palimpsest::to_value_as(&run, "0.1.0").unwrap();
    assert_eq!(written["steps"], json!([{"thought": "t", "notes": "n"}]));
    assert_eq!(
        written["meta"]["legacy_nested"],
        json!({"steps[0].stray": 1})
    );
}

/// Objects whose types have nothing to change in an old document (a
/// struct that never changed, a struct variant's payload) still keep the
/// keys no field claims, under their exact paths, on every route; a struct
/// that refuses unknown keys has them kept before it could refuse them.
mod nothing_to_change {
    use super::*;

    #[versioned(since = "0.1.0", metadata = "meta")]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Log {
        entries: Vec<Entry>,
        #[serde(default)]
        meta: Map<String, Value>,
    }

    #[versioned(embedded)]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Entry {
        #[renamed_from("msg", since = "0.2.0")]
        text: String,
        source: Source,
        strict: Strict,
        kind: Kind,
    }

    #[versioned(embedded)]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Source {
        file: String,
    }

    #[versioned(embedded)]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        level: u8,
    }

    #[versioned(embedded)]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        #[renamed_from("warn", since = "0.2.0")]
        Warning {
            code: u32,
        },
        Info {
            code: u32,
        },
    }

    fn old() -> Value {
        json!({
            "schema_version": "0.1.0",
            "entries": [
                {
                    "msg": "a",
                    "source": {"file": "f", "line": 3},
                    "strict": {"level": 1, "loud": true},
                    "kind": {"warn": {"code": 1, "level": "high"}}
                },
                {
                    "msg": "b",
                    "source": {"file": "g"},
                    "strict": {"level": 2},
                    "kind": {"info": {"code": 2, "seen": [1, 2]}}
                }
            ]
        })
    }

    /// The document as text, its version first: embedded objects stream
    /// with their changes (the version last, they are read as a tree).
    fn stamped_first(doc: &Value) -> String {
        let mut body = doc.clone();
        let version = body
            .as_object_mut()
            .unwrap()
            .remove("schema_version")
            .unwrap();
        let body = body.to_string();
        format!(r#"{{"schema_version":{version},{}"#, &body[1..])
    }

    fn routes(doc: &Value) -> Vec<(&'static str, Result<Log, String>)> {
        let text = stamped_first(doc);
        let mut cbor = Vec::new();
        ciborium::into_writer(doc, &mut cbor).unwrap();
        vec![
            (
                "tree",
                palimpsest::from_value::<Log>(doc.clone())
                    .map(|read| read.value)
                    .map_err(|e| e.to_string()),
            ),
            (
                "streamed",
                palimpsest::from_str::<Log>(&text)
                    .map(|read| read.value)
                    .map_err(|e| e.to_string()),
            ),
            (
                "cbor",
                ciborium::from_reader(cbor.as_slice()).map_err(|e| e.to_string()),
            ),
        ]
    }

    #[test]
    fn unclaimed_keys_of_unchanged_objects_are_kept() {
        for (route, log) in routes(&old()) {
            let log = log.unwrap_or_else(|e| panic!("{route}: {e}"));
            assert_eq!(log.entries[0].kind, Kind::Warning { code: 1 }, "{route}");
            assert_eq!(log.entries[1].strict, Strict { level: 2 }, "{route}");
            assert_eq!(
                log.meta["legacy_nested"],
                json!({
                    "entries[0].source.line": 3,
                    "entries[0].strict.loud": true,
                    "entries[0].kind.warning.level": "high",
                    "entries[1].kind.info.seen": [1, 2]
                }),
                "{route}"
            );
        }
    }

    #[test]
    fn they_go_back_where_they_stood() {
        for (route, log) in routes(&old()) {
            let log = log.unwrap_or_else(|e| panic!("{route}: {e}"));
            let mut written = palimpsest::to_value_as(&log, "0.1.0").unwrap();
            written.as_object_mut().unwrap().remove("meta");
            assert_eq!(written, old(), "{route}");
        }
    }

    /// An enum that denies unknown fields denies them in its struct
    /// variants too (serde's rule): their unclaimed keys are kept before
    /// the payload's struct could refuse them.
    #[versioned(since = "0.1.0", metadata = "meta")]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Alarms {
        alarms: Vec<Alarm>,
        #[serde(default)]
        meta: Map<String, Value>,
    }

    #[versioned(embedded)]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case", deny_unknown_fields)]
    enum Alarm {
        #[renamed_from("loud", since = "0.2.0")]
        Siren {
            db: u8,
        },
        Light {
            lumens: u32,
        },
    }

    #[test]
    fn a_denying_enums_payload_keeps_its_unclaimed_keys() {
        let doc = json!({
            "schema_version": "0.1.0",
            "alarms": [{"loud": {"db": 90, "color": "red"}}, {"light": {"lumens": 5, "blink": true}}]
        });
        for (route, alarms) in [
            (
                "tree",
                palimpsest::from_value::<Alarms>(doc.clone()).unwrap().value,
            ),
            (
                "streamed",
                serde_json::from_str::<Alarms>(&stamped_first(&doc)).unwrap(),
            ),
        ] {
            assert_eq!(
                alarms.alarms,
                [Alarm::Siren { db: 90 }, Alarm::Light { lumens: 5 }]
            );
            assert_eq!(
                alarms.meta["legacy_nested"],
                json!({"alarms[0].siren.color": "red", "alarms[1].light.blink": true}),
                "{route}"
            );
        }
    }

    #[test]
    fn an_unclaimed_key_met_twice_is_refused_with_its_path() {
        let text = stamped_first(&old());
        for (twice, path) in [
            (
                text.replacen(r#""line":3"#, r#""line":3,"line":4"#, 1),
                "entries[0].source.line",
            ),
            (
                text.replacen(r#""level":"high""#, r#""level":"high","level":"low""#, 1),
                // Named as the kept values are: the variant's current name.
                "entries[0].kind.warning.level",
            ),
            (
                text.replacen(r#""seen":[1,2]"#, r#""seen":[1,{"x":1,"x":2}]"#, 1),
                "entries[1].kind.info.seen[1].x",
            ),
        ] {
            assert_ne!(twice, text);
            let err = palimpsest::from_str::<Log>(&twice).unwrap_err();
            assert!(
                matches!(&err, palimpsest::Error::RepeatedKey { key, .. } if key == path),
                "{path}: {err}"
            );
        }
    }
}
