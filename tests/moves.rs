//! Moves between paths (`#[moved_from]`, `moved(...)`), values set outright
//! (`#[set]`), conflict policies of renames and moves (`on_conflict`) and
//! declared drops (`dropped(...)`), at the top level and inside embedded
//! types: every read route gives the same value and the same report, the
//! report lists renames and moves with their paths, nothing is lost, and a
//! downgrade moves the values back.

mod routes;

use palimpsest::{versioned, Conflict, Error, Report, Schema, Step, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(
    since = "0.1.0",
    metadata = "context.metadata",
    moved(from = "user", to = "client.user", since = "0.3.0"),
    dropped("context.debug", since = "0.3.0")
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    #[renamed_from("result", since = "0.2.0")]
    pub outcome: String,
    /// Hoisted out of a nested object.
    #[moved_from("context.env", since = "0.2.0")]
    #[serde(default)]
    pub environment: String,
    /// Where `user` is plunged.
    #[serde(default)]
    pub client: Client,
    #[renamed_from("label", since = "0.3.0", on_conflict = "old_wins")]
    #[serde(default)]
    pub title: String,
    #[set(since = "0.3.0", value = 3)]
    #[serde(default)]
    pub retries: u32,
    pub steps: Vec<RunStep>,
    #[serde(default)]
    pub context: Context,
}

#[versioned(
    embedded,
    moved(from = "who", to = "actor.name", since = "0.3.0"),
    dropped("scratch.tmp", since = "0.3.0")
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStep {
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    #[moved_from("meta.tokens", since = "0.2.0")]
    #[serde(default)]
    pub tokens: u32,
    #[serde(default)]
    pub meta: Map<String, Value>,
    #[serde(default)]
    pub actor: Actor,
    #[serde(default)]
    pub scratch: Map<String, Value>,
    #[set(since = "0.3.0", value = "v3".to_owned())]
    #[serde(default)]
    pub format: String,
    #[renamed_from("status", since = "0.3.0", on_conflict = "new_wins")]
    #[serde(default)]
    pub state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Client {
    #[serde(default)]
    pub user: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

fn fixture(version: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/moves/{version}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture with its version key first (as written), last, and absent
/// (the legacy version, which the same changes lead from).
fn arrangements(version: &str) -> Vec<(String, String)> {
    let text = fixture(version);
    let stamp = format!("\n  \"schema_version\": \"{version}\",");
    assert!(
        text.contains(&stamp),
        "{version}: the key is on the second line"
    );
    let body = text.replacen(&stamp, "", 1);
    let end = body.rfind('}').unwrap();
    let last = format!(
        "{},\n  \"schema_version\": \"{version}\"\n}}",
        body[..end].trim_end()
    );
    let mut out = vec![
        (format!("{version}, key first"), text.clone()),
        (format!("{version}, key last"), last),
    ];
    if version == "0.1.0" {
        out.push((format!("{version}, no key"), body));
    }
    out
}

fn without_metadata(mut run: Run) -> Run {
    run.context.metadata.clear();
    run
}

fn every_route(text: &str) -> Vec<(&'static str, Run, Option<Report>)> {
    routes::every_route(text)
}

#[test]
fn every_route_reads_every_fixture_into_the_current_type_alike() {
    let current = without_metadata(serde_json::from_str(&fixture("0.3.0")).unwrap());
    for version in ["0.1.0", "0.2.0"] {
        for (case, text) in arrangements(version) {
            let routes = every_route(&text);
            let (_, first, first_report) = &routes[0];
            assert_eq!(without_metadata(first.clone()), current, "{case}");
            let metadata = &first.context.metadata;
            assert_eq!(metadata["run"], 7, "{case}");
            assert_eq!(metadata["legacy_retries"], 10, "{case}");
            assert_eq!(
                metadata["legacy_nested"],
                json!({"steps[0].format": "v1", "steps[1].format": "v3"}),
                "{case}"
            );
            for (route, run, report) in &routes {
                assert_eq!(run, first, "{case}: {route}");
                if let Some(report) = report {
                    assert_eq!(Some(report), first_report.as_ref(), "{case}: {route}");
                }
            }
        }
    }
}

#[test]
fn the_report_lists_renames_and_moves_once_by_their_report_paths() {
    let read = palimpsest::from_str::<Run>(&fixture("0.1.0")).unwrap();
    let report = read.report;
    assert_eq!(
        report.renamed,
        [
            "label -> title",
            "result -> outcome",
            "steps[].status -> steps[].state",
            "steps[].thought -> steps[].reasoning",
        ]
    );
    assert_eq!(
        report.moved,
        [
            "context.env -> environment",
            "steps[].meta.tokens -> steps[].tokens",
            "steps[].who -> steps[].actor.name",
            "user -> client.user",
        ]
    );
    assert_eq!(report.dropped, ["context.debug", "steps[].scratch.tmp"]);
    assert_eq!(
        report.preserved,
        [
            "context.metadata.legacy_nested.steps[].format",
            "context.metadata.legacy_retries",
        ]
    );
    let shown = report.to_string();
    assert!(
        shown.starts_with(
            "`Run`: 0.1.0 -> 0.2.0 -> 0.3.0 (renamed label -> title, result -> outcome, "
        ),
        "{shown}"
    );
    assert!(
        shown.contains(
            "; moved context.env -> environment, steps[].meta.tokens -> steps[].tokens, "
        ),
        "{shown}"
    );
    // A document at 0.2.0 went through the renames of 0.3.0 only.
    let read = palimpsest::from_str::<Run>(&fixture("0.2.0")).unwrap();
    assert_eq!(
        read.report.renamed,
        ["label -> title", "steps[].status -> steps[].state"]
    );
}

/// The value of `key` in the document, read with its version first and
/// last, through the tree engine and the streaming reader.
fn read_every_way(doc: &Value) -> Vec<Result<Run, Error>> {
    let Value::Object(object) = doc else {
        unreachable!("test documents are objects")
    };
    let mut last = object.clone();
    let stamp = last.remove("schema_version");
    let mut text = Value::Object(last).to_string();
    if let Some(stamp) = stamp {
        text.pop();
        text.push_str(&format!(r#","schema_version":{stamp}}}"#));
    }
    vec![
        palimpsest::from_value::<Run>(doc.clone()).map(|read| read.value),
        palimpsest::from_str::<Run>(&doc.to_string()).map(|read| read.value),
        palimpsest::from_str::<Run>(&text).map(|read| read.value),
        palimpsest::from_reader::<Run, _>(text.as_bytes()).map(|read| read.value),
    ]
}

fn old(extra: Value) -> Value {
    let mut doc = json!({"schema_version": "0.2.0", "outcome": "o", "steps": [{"reasoning": "r"}]});
    for (key, value) in extra.as_object().unwrap() {
        doc[key] = value.clone();
    }
    doc
}

#[test]
fn a_conflict_policy_keeps_the_losing_value() {
    // `label -> title` with old_wins: the old name's value wins, the new
    // name's is kept. `status -> state` with new_wins: the reverse.
    let doc = old(json!({
        "label": "from label",
        "title": "from title",
        "steps": [{"reasoning": "r", "status": "from status", "state": "from state"}]
    }));
    for read in read_every_way(&doc) {
        let run = read.unwrap();
        assert_eq!(run.title, "from label");
        assert_eq!(run.context.metadata["legacy_title"], "from title");
        assert_eq!(run.steps[0].state, "from state");
        assert_eq!(
            run.context.metadata["legacy_nested"]["steps[0].status"],
            "from status"
        );
    }
    let mut tree = doc.clone();
    let report = palimpsest::migrate::<Run>(&mut tree).unwrap();
    assert!(report.renamed.contains(&"label -> title".to_owned()));
    assert!(
        !report.renamed.iter().any(|r| r.contains("status")),
        "{report}"
    );
    assert!(report
        .preserved
        .contains(&"context.metadata.legacy_nested.steps[].status".to_owned()));
}

#[test]
fn a_move_onto_a_taken_path_is_a_conflict_by_default() {
    let top = old(json!({"user": "ada", "client": {"user": "bob"}}));
    let nested = old(json!({"steps": [{"reasoning": "r", "who": "a", "actor": {"name": "b"}}]}));
    for (doc, names) in [
        (top, ("user", "client.user")),
        (nested, ("steps[0].who", "steps[0].actor.name")),
    ] {
        for read in read_every_way(&doc) {
            match read {
                Err(Error::Conflict { old, new, .. }) => {
                    assert_eq!((old.as_str(), new.as_str()), names);
                }
                other => panic!("expected a conflict, got {other:?}"),
            }
        }
    }
}

/// `meta.tokens -> tokens` is made as `meta` streams by: the rest of
/// `meta` stays, a value at both ends is a conflict whichever comes first,
/// a second `meta` is a repeat, and the report lists the move, as the
/// tree engine does.
#[test]
fn a_value_moved_out_of_an_object_as_it_streams_keeps_every_guarantee() {
    let step = |step: Value| json!({"schema_version": "0.1.0", "result": "o", "steps": [step]});
    let moved = step(json!({"meta": {"tokens": 5, "model": "m"}, "thought": "t"}));
    for read in read_every_way(&moved) {
        let run = read.unwrap();
        assert_eq!(run.steps[0].tokens, 5);
        assert_eq!(
            run.steps[0].meta,
            *json!({"model": "m"}).as_object().unwrap()
        );
    }
    let report = palimpsest::from_str::<Run>(&moved.to_string())
        .unwrap()
        .report;
    assert!(
        report
            .moved
            .contains(&"steps[].meta.tokens -> steps[].tokens".to_owned()),
        "{report}"
    );
    let first = step(json!({"tokens": 1, "meta": {"tokens": 5}, "thought": "t"}));
    let last = step(json!({"meta": {"tokens": 5}, "tokens": 1, "thought": "t"}));
    for doc in [first, last] {
        for read in read_every_way(&doc) {
            match read {
                Err(Error::Conflict { old, new, .. }) => {
                    assert_eq!(
                        (old.as_str(), new.as_str()),
                        ("steps[0].meta.tokens", "steps[0].tokens")
                    );
                }
                other => panic!("expected a conflict, got {other:?}"),
            }
        }
    }
    for text in [
        r#"{"schema_version": "0.1.0", "result": "o", "steps": [{"meta": {"tokens": 1}, "meta": {}}]}"#,
        r#"{"schema_version": "0.1.0", "result": "o", "steps": [{"meta": {"tokens": 1, "tokens": 2}}]}"#,
    ] {
        match palimpsest::from_str::<Run>(text) {
            Err(Error::RepeatedKey { key, .. }) => {
                assert!(key.starts_with("steps[0].meta"), "{key}")
            }
            other => panic!("expected a repeated key, got {other:?}"),
        }
    }
}

#[test]
fn a_path_through_a_non_object_is_an_error_naming_it() {
    let top = json!({"schema_version": "0.1.0", "result": "o", "steps": [], "context": {"env": "e"}, "client": "nobody", "user": "ada"});
    let nested =
        json!({"schema_version": "0.1.0", "result": "o", "steps": [{"thought": "t", "meta": 3}]});
    for (doc, path, found) in [
        (top, "client", "a string"),
        (nested, "steps[0].meta", "a number"),
    ] {
        for read in read_every_way(&doc) {
            match read {
                Err(Error::NotAnObject {
                    path: at,
                    found: what,
                    ..
                }) => assert_eq!((at.as_str(), what), (path, found)),
                other => panic!("expected a path error at {path}, got {other:?}"),
            }
        }
    }
}

#[test]
fn missing_objects_on_the_target_side_are_created_and_emptied_ones_kept() {
    let doc = json!({"schema_version": "0.2.0", "outcome": "o", "user": "ada", "client": null,
        "steps": [{"reasoning": "r", "who": "w", "scratch": {"tmp": 1}}]});
    for read in read_every_way(&doc) {
        let run = read.unwrap();
        assert_eq!(run.client.user, "ada");
        assert_eq!(run.steps[0].actor.name, "w");
        // The emptied source object stays, empty.
        assert_eq!(run.steps[0].scratch, Map::new());
    }
}

/// A history without declared drops, so every step has an inverse.
#[versioned(
    since = "0.1.0",
    metadata = "meta",
    moved(from = "user", to = "client.user", since = "0.2.0")
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hoist {
    #[moved_from("context.env", since = "0.2.0")]
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub client: Client,
    #[set(since = "0.2.0", value = 3)]
    #[serde(default)]
    pub retries: u32,
    #[serde(default)]
    pub steps: Vec<HoistStep>,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

#[versioned(embedded, moved(from = "who", to = "actor.name", since = "0.2.0"))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HoistStep {
    #[moved_from("meta.tokens", since = "0.2.0")]
    #[serde(default)]
    pub tokens: u32,
    #[serde(default)]
    pub actor: Actor,
    #[set(since = "0.2.0", value = "v2".to_owned())]
    #[serde(default)]
    pub format: String,
}

#[test]
fn a_downgrade_moves_values_back_and_restores_what_set_overwrote() {
    let original = json!({
        "schema_version": "0.1.0",
        "user": "ada",
        "context": {"env": "prod"},
        "retries": 10,
        "steps": [{"who": "agent", "meta": {"tokens": 12}, "format": "v1"}]
    });
    let hoist: Hoist = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(
        (
            hoist.environment.as_str(),
            hoist.client.user.as_str(),
            hoist.retries
        ),
        ("prod", "ada", 3)
    );
    assert_eq!(hoist.steps[0].actor.name, "agent");
    assert_eq!(hoist.steps[0].format, "v2");
    let mut back = palimpsest::to_value_as(&hoist, "0.1.0").unwrap();
    // What the migration wrote in the metadata, and the objects emptied on
    // the way, stay: only they differ from the original.
    assert_eq!(back["meta"]["migrated_from"], "0.1.0");
    back.as_object_mut().unwrap().remove("meta");
    assert_eq!(
        back,
        json!({
            "schema_version": "0.1.0",
            "user": "ada",
            "client": {},
            "context": {"env": "prod"},
            "retries": 10,
            "steps": [{"who": "agent", "actor": {}, "meta": {"tokens": 12}, "format": "v1"}]
        })
    );
    // Written at 0.2.0, nothing was overwritten: the values stay as they are.
    let fresh = Hoist {
        environment: "dev".into(),
        client: Client { user: "bob".into() },
        retries: 5,
        steps: vec![],
        meta: Map::new(),
    };
    let back = palimpsest::to_value_as(&fresh, "0.1.0").unwrap();
    assert_eq!(back["user"], "bob");
    assert_eq!(back["context"]["env"], "dev");
    assert_eq!(back["retries"], 5);
    // Moving back onto a taken path is a conflict too, and changes nothing.
    let schema = Hoist::schema();
    let mut doc = json!({"schema_version": "0.2.0", "client": {"user": "a"}, "user": "b"});
    let before = doc.clone();
    let err = schema
        .downgrade(&mut doc, &schema.parse_version("0.1.0").unwrap())
        .unwrap_err();
    assert!(
        matches!(&err, Error::Conflict { old, new, .. } if old == "client.user" && new == "user"),
        "{err}"
    );
    assert_eq!(doc, before);
}

/// An embedded type that keeps what `#[set]` overwrites, in a root with
/// no metadata path to keep it in.
#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Nowhere {
    pub steps: Vec<Kept>,
}

#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
pub struct Kept {
    #[set(since = "0.2.0", value = 1)]
    pub level: u8,
}

#[test]
fn an_embedded_set_needs_a_root_that_keeps_values() {
    let err =
        palimpsest::from_str::<Nowhere>(r#"{"schema_version": "0.2.0", "steps": []}"#).unwrap_err();
    assert!(matches!(err, Error::Definition { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("embedded type `Kept` at `steps[]`"),
        "{err}"
    );
}

#[test]
fn a_declared_drop_cannot_be_undone() {
    // A run written at 0.3.0 never held what the drops of 0.3.0 took.
    let born: Run = serde_json::from_str(&fixture("0.3.0")).unwrap();
    palimpsest::to_value_as(&born, "0.2.0").unwrap();
    // One read from 0.2.0 did (its metadata says so). Embedded objects are
    // undone first, as the newest changes of a step.
    let run: Run = serde_json::from_str(&fixture("0.2.0")).unwrap();
    let err = palimpsest::to_value_as(&run, "0.2.0").unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    assert!(
        err.to_string()
            .ends_with("`steps[0].scratch.tmp` was dropped in 0.3.0; its value is gone"),
        "{err}"
    );
}

#[test]
fn the_runtime_api_moves_sets_and_drops() {
    let schema = Schema::semver("Doc", "0.2.0")
        .metadata("meta")
        .step(Step::new("0.0.1", "0.1.0"))
        .step(
            Step::new("0.1.0", "0.2.0")
                .rename_with("label", "title", Conflict::NewWins)
                .move_value("context.env", "environment")
                .move_value_with("user", "client.user", Conflict::OldWins)
                .set("retries", || json!(3))
                .set_dropping("mode", || json!("fast"))
                .drop_path("context.debug"),
        )
        .build()
        .unwrap();
    let mut doc = json!({
        "schema_version": "0.1.0",
        "label": "l", "title": "t",
        "context": {"env": "prod", "debug": 1},
        "user": "ada", "client": {"user": "bob"},
        "retries": 9, "mode": "slow"
    });
    let report = schema.migrate(&mut doc).unwrap();
    assert_eq!(doc["title"], "t");
    assert_eq!(doc["environment"], "prod");
    assert_eq!(doc["client"], json!({"user": "ada"}));
    assert_eq!(doc["context"], json!({}));
    assert_eq!(
        (doc["retries"].clone(), doc["mode"].clone()),
        (json!(3), json!("fast"))
    );
    let meta = &doc["meta"];
    assert_eq!(
        (
            &meta["legacy_label"],
            &meta["legacy_client.user"],
            &meta["legacy_retries"]
        ),
        (&json!("l"), &json!("bob"), &json!(9))
    );
    assert_eq!(
        report.moved,
        ["context.env -> environment", "user -> client.user"]
    );
    assert_eq!(report.dropped, ["mode", "context.debug"]);
    // Without a metadata path, a losing value is listed as dropped.
    let bare = Schema::integer("Doc", 1)
        .step(Step::new(0, 1).rename_with("a", "b", Conflict::OldWins))
        .build()
        .unwrap();
    let mut doc = json!({"a": 1, "b": 2});
    let report = bare.migrate(&mut doc).unwrap();
    assert_eq!(doc, json!({"schema_version": 1, "b": 1}));
    assert_eq!(report.dropped, ["b"]);
}

#[test]
fn the_runtime_api_refuses_what_it_cannot_do() {
    let err = Schema::integer("Doc", 1)
        .step(Step::new(0, 1).move_value("context..env", "environment"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Definition { .. }), "{err}");
    assert!(
        err.to_string().contains("malformed path \"context..env\""),
        "{err}"
    );
    let err = Schema::integer("Doc", 1)
        .step(Step::new(0, 1).set("retries", || json!(3)))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no metadata path"), "{err}");
}

#[test]
fn a_current_document_reads_as_plain_serde_does() {
    let text = fixture("0.3.0");
    let read = palimpsest::from_str::<Run>(&text).unwrap();
    assert!(!read.report.migrated());
    assert_eq!(read.value, serde_json::from_str::<Run>(&text).unwrap());
    assert_eq!(Run::current_version().to_string(), "0.3.0");
    assert_eq!(Run::schema().versions().len(), 4);
}

#[test]
fn the_no_loss_check_counts_declared_drops_as_intended() {
    let dir = format!("{}/tests/fixtures/moves", env!("CARGO_MANIFEST_DIR"));
    let report = palimpsest::testing::assert_fixtures::<Run>(&dir);
    assert_eq!(report.fixtures.len(), 3);
}

/// Embedded objects whose exact paths a streaming reader cannot count
/// (arrays of arrays, map values), in a root without a metadata path.
#[versioned(since = "0.1.0")]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub rows: Vec<Vec<Cell>>,
    #[serde(default)]
    pub named: std::collections::BTreeMap<String, Cell>,
}

#[versioned(embedded)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    #[renamed_from("val", since = "0.2.0")]
    pub value: u32,
    #[moved_from("style.color", since = "0.2.0")]
    #[serde(default)]
    pub color: String,
}

#[test]
fn reports_are_alike_where_a_reader_cannot_count_exact_paths() {
    let text = r#"{"schema_version": "0.1.0", "rows": [[{"val": 1}], [{"val": 2, "style": {"color": "red"}}]],
        "named": {"corner": {"val": 3}}}"#;
    let mut tree: Value = serde_json::from_str(text).unwrap();
    let expected = palimpsest::migrate::<Grid>(&mut tree).unwrap();
    assert_eq!(
        expected.renamed,
        [
            "named{}.val -> named{}.value",
            "rows[][].val -> rows[][].value",
        ]
    );
    assert_eq!(expected.moved, ["rows[][].style.color -> rows[][].color"]);
    let read = palimpsest::from_str::<Grid>(text).unwrap();
    assert_eq!(read.report, expected);
    assert_eq!(read.value.rows[1][0].color, "red");
    let (_, collected) = palimpsest::with_report(|| serde_json::from_str::<Grid>(text));
    assert_eq!(collected, Some(expected));
}

/// A typed snapshot of a version before a move has no field for the moved
/// value, which stood in another object then.
#[versioned(since = "0.1.0", snapshot(version = "0.1.0", name = SnapV010))]
#[derive(Debug, Serialize, Deserialize)]
pub struct Snap {
    pub name: String,
    #[moved_from("context.env", since = "0.2.0")]
    pub environment: String,
    #[serde(default)]
    pub context: Map<String, Value>,
}

#[test]
fn a_snapshot_before_a_move_reads_the_old_shape() {
    let old: SnapV010 =
        serde_json::from_value(json!({"name": "n", "context": {"env": "prod"}})).unwrap();
    assert_eq!(old.name, "n");
    assert_eq!(old.context["env"], "prod");
    let read: Snap =
        serde_json::from_value(json!({"name": "n", "context": {"env": "prod"}})).unwrap();
    assert_eq!(read.environment, "prod");
}

/// The expansion of this module's attributes names everything by absolute
/// path: a module shadowing the prelude and declaring its own `serde_json`
/// still compiles them.
#[allow(dead_code)]
mod shadowed {
    pub struct Result;
    pub struct Option;
    pub struct Box;
    pub struct String;
    pub struct Ok;
    pub struct Some;
    pub mod serde_json {}
    pub trait Default {}
    pub enum Conflict {}

    use palimpsest::versioned;

    #[versioned(
        since = "0.1.0",
        metadata = "meta",
        moved(
            from = "user",
            to = "client.user",
            since = "0.2.0",
            on_conflict = "new_wins"
        ),
        dropped("context.debug", since = "0.2.0")
    )]
    #[derive(Debug, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Shadowed {
        #[moved_from("context.env", since = "0.2.0", on_conflict = "old_wins")]
        pub environment: ::std::string::String,
        #[renamed_from("label", since = "0.2.0", on_conflict = "new_wins")]
        pub title: ::std::string::String,
        #[set(since = "0.2.0", value = 3)]
        pub retries: u32,
        #[serde(default)]
        pub client: ::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
        #[serde(default)]
        pub meta: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
}

#[test]
fn the_expansion_names_everything_by_absolute_path() {
    let read: shadowed::Shadowed = serde_json::from_value(json!({
        "context": {"env": "e", "debug": 1}, "label": "l", "retries": 1, "user": "u"
    }))
    .unwrap();
    assert_eq!(
        (read.environment.as_str(), read.title.as_str(), read.retries),
        ("e", "l", 3)
    );
    assert_eq!(read.client["user"], "u");
}

/// The expansion of this module's attributes is lint-clean: clippy runs on
/// every target in CI, and this module denies what tests/lints.rs denies.
#[deny(warnings, unused_qualifications, unreachable_pub)]
#[deny(clippy::all, clippy::pedantic, clippy::nursery)]
pub mod linted {
    use palimpsest::versioned;
    use serde::{Deserialize, Serialize};
    use serde_json::{Map, Value};

    /// Every attribute of moves once.
    #[versioned(
        since = "0.1.0",
        metadata = "meta",
        moved(from = "user", to = "client.user", since = "0.2.0"),
        dropped("context.debug", since = "0.2.0")
    )]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Linted {
        #[moved_from("context.env", since = "0.2.0", on_conflict = "old_wins")]
        pub environment: String,
        #[renamed_from("label", since = "0.2.0", on_conflict = "new_wins")]
        pub title: String,
        #[set(since = "0.2.0", value = String::from("v2"))]
        pub format: String,
        #[serde(default)]
        pub client: Map<String, Value>,
        #[serde(default)]
        pub meta: Map<String, Value>,
    }

    /// The same inside an embedded type.
    #[versioned(embedded, moved(from = "who", to = "actor.name", since = "0.2.0"))]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct LintedStep {
        #[moved_from("meta.tokens", since = "0.2.0")]
        pub tokens: u32,
        #[set(since = "0.2.0", value = 1, drop)]
        pub level: u8,
        #[serde(default)]
        pub actor: Map<String, Value>,
    }
}

#[test]
fn the_linted_types_read_old_documents() {
    let read: linted::Linted = serde_json::from_value(json!({
        "context": {"env": "e"}, "label": "l", "format": "v1"
    }))
    .unwrap();
    assert_eq!((read.environment.as_str(), read.title.as_str()), ("e", "l"));
    assert_eq!(
        (read.format.as_str(), &read.meta["legacy_format"]),
        ("v2", &json!("v1"))
    );
    assert!(read.client.is_empty());
    let step: linted::LintedStep =
        serde_json::from_value(json!({"tokens": 1, "level": 1, "actor": {}})).unwrap();
    assert_eq!((step.tokens, step.level, step.actor.len()), (1, 1, 0));
}

#[test]
fn a_fixture_that_held_a_dropped_value_does_not_round_trip_and_says_why() {
    // 0.3.0 drops `scratch.tmp` of each step on purpose (`dropped(..)`):
    // a document that held one cannot be written back as it was, and the
    // round-trip check names the value instead of passing or guessing.
    let dir = format!("{}/tests/fixtures/moves", env!("CARGO_MANIFEST_DIR"));
    let err = palimpsest::testing::check_fixture_round_trips::<Run>(&dir).unwrap_err();
    assert_eq!(err.version().to_string(), "0.1.0");
    assert!(
        err.to_string()
            .contains("`steps[0].scratch.tmp` was dropped in 0.3.0; its value is gone"),
        "{err}"
    );
}
