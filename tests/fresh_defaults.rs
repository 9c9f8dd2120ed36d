//! A field added in a version gets, in a document older than that, the
//! current type's default: a value already in the current shape. The
//! conversions, wraps, key renames and `set`s of later versions (and,
//! inside an embedded type, of the same version) leave it as it is, on
//! every reading route, and a downgrade takes it out without undoing them
//! on it; a value moved into it is old data and goes through them all.

#[path = "routes/mod.rs"]
mod routes;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::num::ParseIntError;

use palimpsest::versioned;
use routes::every_route;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Version 2 added `owner` (an account number as text) and `labels` (one
/// label); version 3 made the owner a number and the labels a list.
#[versioned(since = 1, metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Account {
    name: String,
    #[added_in(2)]
    #[converted(since = 3, with = parse_id, back = print_id)]
    #[serde(default)]
    owner: u64,
    #[added_in(2)]
    #[wrapped(since = 3)]
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    meta: Map<String, Value>,
}

/// Version 2 added a plan and per-plan limits by name; version 3 put every
/// account on the `basic` plan, and renamed the `seats` limit `users`.
#[versioned(since = 1, metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Subscription {
    #[added_in(2)]
    #[set(since = 3, value = "basic".to_owned())]
    #[serde(default = "free")]
    plan: String,
    #[added_in(2)]
    #[renamed_keys(since = 3, "seats" = "users", "users" = "seats")]
    #[serde(default = "limits")]
    limits: BTreeMap<String, u64>,
    #[serde(default)]
    meta: Map<String, Value>,
}

fn parse_id(id: String) -> Result<u64, ParseIntError> {
    id.parse()
}

fn print_id(id: u64) -> Result<String, Infallible> {
    Ok(id.to_string())
}

fn free() -> String {
    "free".to_owned()
}

/// Version 3 swapped the two names: a default renamed as old data would
/// come out swapped.
fn limits() -> BTreeMap<String, u64> {
    BTreeMap::from([("seats".to_owned(), 1), ("users".to_owned(), 5)])
}

/// `value` written as `version`, without the metadata the trip left.
fn written_back<T: palimpsest::Versioned + Serialize>(value: &T, version: u32) -> Value {
    let mut written = palimpsest::to_value_as(value, version).unwrap();
    written.as_object_mut().unwrap().remove("meta");
    written
}

/// `text` read, then written back as `version`; see [`written_back`].
fn read_and_written_back<T>(text: &str, version: u32) -> Value
where
    T: palimpsest::Versioned + Serialize + serde::de::DeserializeOwned,
{
    written_back(&palimpsest::from_str::<T>(text).unwrap().value, version)
}

fn text_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn a_top_level_default_is_not_converted_by_later_versions() {
    let text = r#"{"schema_version": 1, "name": "ada"}"#;
    for (route, account, report) in every_route::<Account>(text) {
        assert_eq!(account.owner, 0, "{route}");
        assert!(account.labels.is_empty(), "{route}");
        let Some(report) = report else { continue };
        assert_eq!(report.defaulted, ["owner", "labels"], "{route}");
        assert!(report.converted.is_empty(), "{route}: {report}");
    }
}

/// A default stands as the current value: a later `set` neither replaces
/// it nor keeps it as a value the document held.
#[test]
fn a_top_level_default_is_neither_set_nor_kept_nor_renamed() {
    let text = r#"{"schema_version": 1}"#;
    for (route, subscription, report) in every_route::<Subscription>(text) {
        assert_eq!(subscription.plan, "free", "{route}");
        assert_eq!(subscription.limits, limits(), "{route}");
        assert!(subscription.meta.get("legacy_plan").is_none(), "{route}");
        let Some(report) = report else { continue };
        assert_eq!(report.defaulted, ["plan", "limits"], "{route}");
        assert!(report.converted.is_empty(), "{route}: {report}");
        assert!(report.preserved.is_empty(), "{route}: {report}");
    }
    let text = r#"{"schema_version": 2, "plan": "trial", "limits": {"seats": 3}}"#;
    for (route, subscription, _) in every_route::<Subscription>(text) {
        assert_eq!(subscription.plan, "basic", "{route}");
        assert_eq!(
            subscription.limits,
            BTreeMap::from([("users".to_owned(), 3)]),
            "{route}"
        );
        assert_eq!(subscription.meta["legacy_plan"], "trial", "{route}");
    }
}

#[test]
fn a_value_the_document_held_is_still_converted() {
    let text = r#"{"schema_version": 2, "name": "ada", "owner": "42", "labels": "vip"}"#;
    for (route, account, report) in every_route::<Account>(text) {
        assert_eq!(account.owner, 42, "{route}");
        assert_eq!(account.labels, ["vip"], "{route}");
        let Some(report) = report else { continue };
        assert_eq!(report.converted, ["owner", "labels"], "{route}");
    }
}

#[test]
fn a_downgrade_takes_a_default_out_without_undoing_conversions_on_it() {
    let account = palimpsest::from_str::<Account>(r#"{"schema_version": 1, "name": "ada"}"#)
        .unwrap()
        .value;
    assert_eq!(
        written_back(&account, 1),
        json!({"schema_version": 1, "name": "ada"})
    );
    assert_eq!(
        palimpsest::testing::check_round_trips(&[account])
            .unwrap()
            .trips,
        3
    );
}

/// Version 3 grouped the caller's id under `caller`, a number from then
/// on; each entry gained a label and a rank (as text) in version 2, a
/// list of labels and a numeric rank in 3.
#[versioned(
    since = 1,
    metadata = "meta",
    moved(from = "caller_id", to = "caller.id", since = 3)
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Log {
    #[added_in(3)]
    #[serde(default)]
    caller: Caller,
    entries: Vec<Entry>,
    #[serde(default)]
    meta: Map<String, Value>,
}

#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Caller {
    #[converted(since = 3, with = parse_id, back = print_id)]
    id: u64,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    text: String,
    #[added_in(2)]
    #[wrapped(since = 3)]
    #[serde(default)]
    labels: Vec<String>,
    #[added_in(2)]
    #[converted(since = 3, with = parse_id, back = print_id)]
    #[serde(default)]
    rank: u64,
}

#[test]
fn an_embedded_default_is_not_converted_by_its_own_version_or_later_ones() {
    let text = r#"{"schema_version": 1, "entries": [{"text": "a"}]}"#;
    for (route, log, report) in every_route::<Log>(text) {
        assert_eq!(log.caller, Caller::default(), "{route}");
        assert!(log.entries[0].labels.is_empty(), "{route}");
        assert_eq!(log.entries[0].rank, 0, "{route}");
        let Some(report) = report else { continue };
        assert_eq!(
            report.defaulted,
            ["caller", "entries[].labels", "entries[].rank"],
            "{route}"
        );
        assert!(report.converted.is_empty(), "{route}: {report}");
    }
    assert_eq!(read_and_written_back::<Log>(text, 1), text_value(text));
}

#[test]
fn a_value_moved_into_an_embedded_default_is_converted() {
    let text = r#"{"schema_version": 2, "caller_id": "7", "entries": [{"text": "a", "labels": "x", "rank": "4"}]}"#;
    for (route, log, report) in every_route::<Log>(text) {
        assert_eq!(log.caller.id, 7, "{route}");
        assert_eq!(log.entries[0].labels, ["x"], "{route}");
        assert_eq!(log.entries[0].rank, 4, "{route}");
        let Some(report) = report else { continue };
        assert_eq!(
            report.converted,
            ["caller.id", "entries[].labels", "entries[].rank"],
            "{route}"
        );
    }
    assert_eq!(read_and_written_back::<Log>(text, 2), text_value(text));
}
