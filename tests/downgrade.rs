//! Writing for readers that have not upgraded, through every kind of
//! change: hand-written and typed steps undone by their inverse (`back`),
//! removed fields given back from their default when the document kept no
//! value, added fields let go only when they hold their default (or when
//! the caller allows the loss, which the report then lists), and a refusal
//! that names the step really in the way.

use palimpsest::testing::{check_round_trips, Origin, RoundTripProblem, RoundTrips};
use palimpsest::{versioned, Error, Schema, Step};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A profile whose history needs every kind of inverse: the name split in
/// place in 0.2.0, the coordinates turned typed into a pair in 0.3.0,
/// `nickname` dropped with its type's default, `theme` with a default
/// function, `badges` added.
#[versioned(
    since = "0.1.0",
    version = "0.3.0",
    step(from = "0.1.0", to = "0.2.0", with = split_name, back = join_name),
    step(from = "0.2.0", to = "0.3.0", with = to_pair, back = from_pair, combine = "before")
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Profile {
    first: String,
    last: String,
    at: [i64; 2],
    #[removed_in("0.3.0", drop)]
    #[serde(default)]
    nickname: String,
    #[removed_in("0.3.0", drop)]
    #[serde(default = "light")]
    theme: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    badges: Vec<String>,
}

fn light() -> String {
    "light".to_owned()
}

fn split_name(doc: &mut Map<String, Value>) -> Result<(), String> {
    let name = doc.remove("name").ok_or("no `name` to split")?;
    let name = name.as_str().ok_or("`name` is not a string")?;
    let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    doc.insert("first".into(), json!(first));
    doc.insert("last".into(), json!(last));
    Ok(())
}

fn join_name(doc: &mut Map<String, Value>) -> Result<(), String> {
    let first = doc.remove("first").ok_or("no `first` to join")?;
    let last = doc.remove("last").ok_or("no `last` to join")?;
    let (first, last) = (first.as_str().unwrap_or(""), last.as_str().unwrap_or(""));
    let name = if last.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {last}")
    };
    doc.insert("name".into(), json!(name));
    Ok(())
}

/// The coordinates of 0.2.0 as a typed snapshot; the keys it has no field
/// for pass through the step untouched.
#[derive(Serialize, Deserialize)]
struct Coords {
    x: i64,
    y: i64,
}

#[derive(Serialize, Deserialize)]
struct Pair {
    at: [i64; 2],
}

fn to_pair(old: Coords) -> Result<Pair, String> {
    Ok(Pair { at: [old.x, old.y] })
}

fn from_pair(new: Pair) -> Result<Coords, String> {
    Ok(Coords {
        x: new.at[0],
        y: new.at[1],
    })
}

fn ada() -> Profile {
    Profile {
        first: "Ada".into(),
        last: "Lovelace".into(),
        at: [51, 0],
        badges: Vec::new(),
    }
}

#[test]
fn inverses_and_defaults_write_every_older_version() {
    let written = palimpsest::to_value_as(&ada(), "0.1.0").unwrap();
    assert_eq!(
        written,
        json!({
            "schema_version": "0.1.0",
            "name": "Ada Lovelace",
            "x": 51,
            "y": 0,
            "nickname": "",
            "theme": "light",
        })
    );
    let between = palimpsest::to_value_as(&ada(), "0.2.0").unwrap();
    assert_eq!(between["first"], "Ada");
    assert_eq!(between["theme"], "light");
    assert!(between.get("badges").is_none(), "{between}");

    // And each reads back as the profile it came from.
    for old in [written, between] {
        let read = palimpsest::from_value::<Profile>(old).unwrap();
        assert_eq!(read.value.first, "Ada");
        assert_eq!(read.value.at, [51, 0]);
    }
}

/// A removed field kept in the metadata, with a default for documents
/// that never held it.
#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, Serialize, Deserialize)]
struct Sheet {
    title: String,
    #[removed_in("0.2.0")]
    #[serde(default = "light")]
    theme: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    meta: Map<String, Value>,
}

#[test]
fn a_kept_value_wins_over_the_default() {
    let fresh = Sheet {
        title: "t".into(),
        meta: Map::new(),
    };
    assert_eq!(
        palimpsest::to_value_as(&fresh, "0.1.0").unwrap(),
        json!({"schema_version": "0.1.0", "title": "t", "theme": "light"})
    );
    let old = json!({"schema_version": "0.1.0", "title": "t", "theme": "dark"});
    let read = palimpsest::from_value::<Sheet>(old).unwrap();
    let written = palimpsest::to_value_as(&read.value, "0.1.0").unwrap();
    assert_eq!(written["theme"], "dark");
}

#[test]
fn a_profile_round_trips_through_every_version() {
    let report = check_round_trips(&[ada()]).unwrap();
    assert_eq!(report.trips, 3); // 0.0.1, 0.1.0, 0.2.0
}

/// What the round-trip check is told to leave out is listed, never
/// skipped silently; what it is not told to leave out still fails it.
#[test]
fn round_trips_down_to_a_lowest_version_list_what_they_leave_out() {
    let report = RoundTrips::new(&[ada()]).down_to("0.1.0").unwrap().assert();
    assert_eq!(report.trips, 2);
    assert_eq!(report.skipped.len(), 1);
    let skipped = &report.skipped[0];
    assert_eq!(
        (
            &skipped.origin,
            skipped.version.to_string(),
            skipped.reason.as_str()
        ),
        (
            &Origin::Sample(0),
            "0.0.1".to_owned(),
            "below 0.1.0, the lowest version checked"
        )
    );
    assert!(matches!(
        RoundTrips::new(&[ada()]).down_to("0.9.0"),
        Err(Error::NewerVersion { .. } | Error::UnknownVersion { .. })
    ));

    // An added field holding a value is no irreversible step: skipping
    // those does not hide it.
    let mut decorated = ada();
    decorated.badges = vec!["first programmer".into()];
    let err = RoundTrips::new(&[decorated])
        .skip_irreversible()
        .check()
        .unwrap_err();
    assert!(
        matches!(
            err.problem(),
            RoundTripProblem::Downgrade(Error::WouldLose { .. })
        ),
        "{err}"
    );
}

#[test]
fn an_added_field_holding_more_than_its_default_is_named() {
    let mut decorated = ada();
    decorated.badges = vec!["first programmer".into()];
    let err = palimpsest::to_value_as(&decorated, "0.2.0").unwrap_err();
    let Error::WouldLose {
        ref path,
        ref value,
        ref added,
        ..
    } = err
    else {
        panic!("{err}");
    };
    assert_eq!(path, "badges");
    assert_eq!(value, &json!(["first programmer"]));
    assert_eq!(added.to_string(), "0.3.0");
    assert_eq!(
        err.to_string(),
        r#"`Profile`: cannot write version 0.2.0 from 0.3.0 without losing `badges`, added in 0.3.0, which holds ["first programmer"], not its default; a lossy downgrade lets it go"#
    );

    // The round-trip check reports it as the obstacle to writing 0.2.0.
    let err = check_round_trips(&[decorated.clone()]).unwrap_err();
    assert!(
        matches!(
            err.problem(),
            RoundTripProblem::Downgrade(Error::WouldLose { .. })
        ),
        "{err}"
    );

    let (written, report) = palimpsest::to_value_as_lossy(&decorated, "0.2.0").unwrap();
    assert!(written.get("badges").is_none(), "{written}");
    assert_eq!(report.lost.len(), 1);
    assert_eq!(report.lost[0].path, "badges");
    assert_eq!(report.lost[0].value, json!(["first programmer"]));
    assert_eq!(
        report.to_string(),
        "`Profile`: 0.3.0 -> 0.2.0 (defaulted theme, nickname; lost badges)"
    );
}

/// A run whose steps are embedded: the same rule holds inside them.
#[versioned(since = 1, version = 2, metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Run {
    steps: Vec<RunStep>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RunStep {
    action: String,
    #[added_in(2)]
    #[serde(default)]
    retries: u32,
    #[removed_in(2, drop)]
    #[serde(default = "agent")]
    actor: String,
}

fn agent() -> String {
    "agent".to_owned()
}

fn run(retries: [u32; 3]) -> Run {
    Run {
        steps: retries
            .into_iter()
            .map(|retries| RunStep {
                action: "look".into(),
                retries,
            })
            .collect(),
        meta: Map::new(),
    }
}

#[test]
fn inside_embedded_types_added_fields_go_only_with_their_default() {
    let written = palimpsest::to_value_as(&run([0, 0, 0]), 1).unwrap();
    assert_eq!(
        written["steps"][0],
        json!({"action": "look", "actor": "agent"})
    );
    assert_eq!(check_round_trips(&[run([0, 0, 0])]).unwrap().trips, 2);

    let err = palimpsest::to_value_as(&run([0, 2, 5]), 1).unwrap_err();
    assert!(
        matches!(&err, Error::WouldLose { path, value, .. } if path == "steps[1].retries" && *value == json!(2)),
        "{err}"
    );

    let (written, report) = palimpsest::to_value_as_lossy(&run([0, 2, 5]), 1).unwrap();
    assert!(written["steps"][2].get("retries").is_none(), "{written}");
    let lost: Vec<(&str, &Value)> = report
        .lost
        .iter()
        .map(|lost| (lost.path.as_str(), &lost.value))
        .collect();
    assert_eq!(
        lost,
        [
            ("steps[1].retries", &json!(2)),
            ("steps[2].retries", &json!(5))
        ]
    );
}

/// `phone` was removed with neither a kept value nor a default: an old
/// reader requires one, and nothing may invent it.
#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, Serialize, Deserialize)]
struct Card {
    name: String,
    #[removed_in("0.2.0")]
    phone: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    meta: Map<String, Value>,
}

#[test]
fn a_removed_field_without_default_stays_irreversible() {
    let card = Card {
        name: "Grace".into(),
        meta: Map::new(),
    };
    let err = palimpsest::to_value_as(&card, "0.1.0").unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    assert!(
        err.to_string()
            .ends_with("`phone` was removed in 0.2.0 with no default, and the document has no `meta.legacy_phone` to restore"),
        "{err}"
    );
    // A card read from 0.1.0 kept its phone, and gives it back.
    let read =
        palimpsest::from_str::<Card>(r#"{"schema_version": "0.1.0", "name": "G", "phone": "555"}"#)
            .unwrap();
    let written = palimpsest::to_value_as(&read.value, "0.1.0").unwrap();
    assert_eq!(written["phone"], "555");
}

/// A step with no `back`: writing across it names it.
#[versioned(
    since = 1,
    version = 2,
    step(from = 1, to = 2, with = upper)
)]
#[derive(Debug, Serialize, Deserialize)]
struct Shout {
    text: String,
}

fn upper(doc: &mut Map<String, Value>) -> Result<(), &'static str> {
    let text = doc.get_mut("text").ok_or("no `text`")?;
    *text = json!(text
        .as_str()
        .ok_or("`text` is not a string")?
        .to_uppercase());
    Ok(())
}

#[test]
fn a_step_without_inverse_is_irreversible_and_named() {
    let err = palimpsest::to_value_as(&Shout { text: "HI".into() }, 1).unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "`Shout`: cannot write version 1 from 2: the hand-written step 1 -> 2 has no inverse (`back`)"
    );
}

fn person_schema() -> Schema {
    Schema::integer("Person", 3)
        .metadata("meta")
        .step(Step::new(0, 1))
        .step(Step::new(1, 2).with(split_name))
        .step(Step::new(2, 3).drop_path("orig_name"))
        .build()
        .unwrap()
}

#[test]
fn the_refusal_names_the_step_really_in_the_way() {
    let schema = person_schema();
    let target = schema.parse_version("1").unwrap();
    // Written at 3, the document never held `orig_name`: the drop of 3 is
    // no obstacle, the hand-written step of 2 is.
    let mut born = json!({"schema_version": 3, "first": "Ada", "last": "L"});
    let before = born.clone();
    let err = schema.downgrade(&mut born, &target).unwrap_err();
    assert_eq!(born, before);
    assert_eq!(
        err.to_string(),
        "`Person`: cannot write version 1 from 2: the hand-written step 1 -> 2 has no inverse (`back`)"
    );
    // Between 3 and 2 there is nothing in the way.
    let mut born = before.clone();
    schema
        .downgrade(&mut born, &schema.parse_version("2").unwrap())
        .unwrap();
    assert_eq!(
        born,
        json!({"schema_version": 2, "first": "Ada", "last": "L"})
    );

    // Migrated from 2, it may have held `orig_name`: the drop is in the way.
    let mut upgraded =
        json!({"schema_version": 2, "first": "Ada", "last": "L", "orig_name": "A. L."});
    schema.migrate(&mut upgraded).unwrap();
    assert_eq!(upgraded["meta"]["migrated_from"], 2);
    let err = schema.downgrade(&mut upgraded, &target).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("`orig_name` was dropped in 3; its value is gone"),
        "{err}"
    );
}

#[test]
fn runtime_inverses_undo_hand_written_and_typed_steps() {
    let schema = Schema::integer("Person", 3)
        .step(Step::new(0, 1))
        .step(Step::new(1, 2).with_inverse(split_name, join_name))
        .step(Step::new(2, 3).typed_with_inverse(to_pair, from_pair))
        .build()
        .unwrap();
    let old = json!({"schema_version": 1, "name": "Ada Lovelace", "x": 1, "y": 2});
    let mut doc = old.clone();
    schema.migrate(&mut doc).unwrap();
    assert_eq!(
        doc,
        json!({"schema_version": 3, "first": "Ada", "last": "Lovelace", "at": [1, 2]})
    );
    let report = schema
        .downgrade(&mut doc, &schema.parse_version("1").unwrap())
        .unwrap();
    assert_eq!(doc, old);
    assert_eq!(report.steps.len(), 2);
}

#[test]
fn a_failing_inverse_is_a_failed_step_and_leaves_the_document() {
    let schema = Schema::integer("Person", 2)
        .step(Step::new(0, 1))
        .step(Step::new(1, 2).with_inverse(split_name, join_name))
        .build()
        .unwrap();
    let mut doc = json!({"schema_version": 2, "first": "Ada"});
    let before = doc.clone();
    let err = schema
        .downgrade(&mut doc, &schema.parse_version("1").unwrap())
        .unwrap_err();
    assert_eq!(doc, before);
    assert!(matches!(err, Error::StepFailed { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "`Person`: step 2 -> 1 failed: no `last` to join"
    );
}

#[test]
fn runtime_removed_fields_come_back_from_their_default() {
    let schema = Schema::integer("Note", 2)
        .metadata("meta")
        .step(Step::new(0, 1))
        .step(
            Step::new(1, 2)
                .preserve_or("color", || json!("black"))
                .preserve("size")
                .add("tags", || json!([])),
        )
        .build()
        .unwrap();
    let target = schema.parse_version("1").unwrap();

    let mut doc =
        json!({"schema_version": 2, "text": "hi", "tags": [], "meta": {"legacy_size": 3}});
    let report = schema.downgrade(&mut doc, &target).unwrap();
    assert_eq!(
        doc,
        json!({"schema_version": 1, "text": "hi", "color": "black", "size": 3, "meta": {}})
    );
    assert_eq!(report.defaulted, ["color"]);
    assert_eq!(report.dropped, ["tags"]);

    // `size` has no default: without a kept value, it is in the way.
    let mut doc = json!({"schema_version": 2, "text": "hi"});
    let err = schema.downgrade(&mut doc, &target).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("`size` was removed in 2 with no default, and the document has no `meta.legacy_size` to restore"),
        "{err}"
    );

    // A lossy downgrade lets go of added values, never of removed ones.
    let mut doc =
        json!({"schema_version": 2, "text": "hi", "tags": ["a"], "meta": {"legacy_size": 3}});
    let report = schema.downgrade_lossy(&mut doc, &target).unwrap();
    assert_eq!(report.lost.len(), 1);
    assert_eq!(
        (report.lost[0].path.as_str(), &report.lost[0].value),
        ("tags", &json!(["a"]))
    );
    assert!(report.dropped.is_empty(), "{report:?}");
    let mut doc = json!({"schema_version": 2, "text": "hi"});
    assert!(schema.downgrade_lossy(&mut doc, &target).is_err());
}

/// A track of points, the altitude added to each in 2: tuple elements
/// follow the same rule as fields.
#[versioned(since = 1, version = 2)]
#[derive(Debug, Serialize, Deserialize)]
struct Track {
    points: Vec<Point>,
}

#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
struct Point(
    i64,
    i64,
    #[added_in(2)]
    #[serde(default)]
    i64,
);

#[test]
fn added_tuple_elements_go_only_with_their_default_or_when_loss_is_allowed() {
    let flat = Track {
        points: vec![Point(1, 2, 0), Point(3, 4, 0)],
    };
    assert_eq!(
        palimpsest::to_value_as(&flat, 1).unwrap(),
        json!({"schema_version": 1, "points": [[1, 2], [3, 4]]})
    );

    let hilly = Track {
        points: vec![Point(1, 2, 0), Point(3, 4, 9)],
    };
    let err = palimpsest::to_value_as(&hilly, 1).unwrap_err();
    assert!(
        matches!(&err, Error::WouldLose { path, .. } if path == "points[1][2]"),
        "{err}"
    );
    let (written, report) = palimpsest::to_value_as_lossy(&hilly, 1).unwrap();
    assert_eq!(written["points"], json!([[1, 2], [3, 4]]));
    assert_eq!(report.lost.len(), 1);
    assert_eq!(
        (report.lost[0].path.as_str(), &report.lost[0].value),
        ("points[1][2]", &json!(9))
    );
}
