//! The schema lock catches each kind of change made to a struct without
//! the version and attribute that explain it, with the message the user
//! sees; and it passes the changes the history declares.

use std::path::PathBuf;

use palimpsest::contract::{Compatibility, Contract, Lock, LockError};
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

/// A fresh lock folder for one test.
fn lock_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "palimpsest-contracts-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The problems the check of `After` reports against the lock `Before`
/// wrote.
fn problems<Before, After>(test: &str) -> Vec<String>
where
    Before: palimpsest::Versioned + serde::de::DeserializeOwned,
    After: palimpsest::Versioned + serde::de::DeserializeOwned,
{
    let dir = lock_dir(test);
    Lock::new(&dir).bless(true).check::<Before>().unwrap();
    let outcome = Lock::new(&dir).bless(false).check::<After>();
    std::fs::remove_dir_all(&dir).unwrap();
    match outcome {
        Err(LockError::Changed { problems, .. }) => problems,
        other => panic!("expected the lock to fail, got {other:?}"),
    }
}

mod v1 {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub count: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: Status,
        pub parts: Vec<Part>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub enum Status {
        Draft,
        Published { at: u64 },
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Part {
        pub text: String,
    }
}

mod renamed {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub name: String,
        pub count: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: super::v1::Status,
        pub parts: Vec<super::v1::Part>,
    }
}

#[test]
fn a_rename_without_its_attribute() {
    assert_eq!(
        problems::<v1::Doc, renamed::Doc>("rename"),
        ["`title` was renamed to `name` without a new version and `#[renamed_from(\"title\", since = ...)]`"]
    );
}

mod renamed_in_a_new_version {
    use super::*;

    // A new version, but no `#[renamed_from]`.
    #[versioned(since = "0.1.0", version = "0.3.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub name: String,
        #[added_in("0.3.0")]
        #[serde(default)]
        pub extra: bool,
        pub count: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: super::v1::Status,
        pub parts: Vec<super::v1::Part>,
    }
}

#[test]
fn a_rename_in_a_new_version_without_its_attribute() {
    let problems = problems::<v1::Doc, renamed_in_a_new_version::Doc>("rename-versioned");
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.contains(
        &"`title` was renamed to `name` in 0.3.0 without `#[renamed_from(\"title\", since = \"0.3.0\")]`".to_owned()
    ));
    assert!(problems
        .iter()
        .any(|p| p.starts_with("version 0.3.0 is not locked")));
}

mod declared {
    use super::*;

    // The same change, declared: the lock passes (and writes 0.3.0).
    #[versioned(since = "0.1.0", version = "0.3.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        #[renamed_from("title", since = "0.3.0")]
        pub name: String,
        pub count: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: super::v1::Status,
        pub parts: Vec<super::v1::Part>,
    }
}

#[test]
fn a_declared_rename_passes_and_blesses_the_new_version() {
    let dir = lock_dir("declared");
    Lock::new(&dir).bless(true).check::<v1::Doc>().unwrap();
    let unblessed = Lock::new(&dir).bless(false).check::<declared::Doc>();
    assert!(matches!(unblessed, Err(LockError::Changed { problems, .. })
        if problems.len() == 1 && problems[0].starts_with("version 0.3.0 is not locked")));
    let blessed = Lock::new(&dir)
        .bless(true)
        .check::<declared::Doc>()
        .unwrap();
    assert_eq!(blessed.checked, ["0.0.1", "0.1.0", "0.2.0"]);
    assert_eq!(blessed.written, [dir.join("Doc").join("0.3.0.json")]);
    // A reader that does not migrate cannot follow a rename.
    let promised = Lock::new(&dir)
        .promise(Compatibility::Backward)
        .check::<declared::Doc>();
    let Err(LockError::Changed { problems, .. }) = promised else {
        panic!("a rename breaks a backward promise: {promised:?}");
    };
    assert!(
        problems.contains(&"0.2.0 to 0.3.0 is breaking, `Doc` promises backward compatible: `title` of `Doc` renamed to `name`".to_owned()),
        "{problems:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

mod removed {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: super::v1::Status,
        pub parts: Vec<super::v1::Part>,
    }
}

#[test]
fn a_removal_without_its_attribute() {
    assert_eq!(
        problems::<v1::Doc, removed::Doc>("removal"),
        ["`count` was removed without a new version and `#[removed_in(...)]`"]
    );
}

mod added {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub count: String,
        pub pages: u32,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: super::v1::Status,
        pub parts: Vec<super::v1::Part>,
    }
}

#[test]
fn an_addition_without_a_default() {
    assert_eq!(
        problems::<v1::Doc, added::Doc>("addition"),
        ["`pages` was added without a new version and `#[added_in(...)]` and `#[serde(default)]` (older documents lack it)"]
    );
}

mod retyped {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.3.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub count: u64,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        #[added_in("0.3.0")]
        #[serde(default)]
        pub extra: bool,
        pub status: super::v1::Status,
        pub parts: Vec<super::v1::Part>,
    }
}

#[test]
fn a_type_change_without_a_conversion() {
    let problems = problems::<v1::Doc, retyped::Doc>("retype");
    assert_eq!(
        problems[1],
        "`count` changed from string to integer in 0.3.0 with no conversion (`#[converted(..., since = \"0.3.0\")]`)"
    );
}

mod variants {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub count: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: Status,
        pub parts: Vec<super::v1::Part>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub enum Status {
        Draft,
        Published { at: u64 },
        Archived,
    }
}

#[test]
fn a_variant_added_without_its_attribute() {
    assert_eq!(
        problems::<v1::Doc, variants::Doc>("variant"),
        ["variant `Archived` of `Status` was added without a new version and `#[added_in(...)]`"]
    );
}

mod nested {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub count: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        pub status: super::v1::Status,
        pub parts: Vec<Part>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Part {
        pub text: String,
        pub weight: f64,
    }
}

#[test]
fn a_nested_change() {
    assert_eq!(
        problems::<v1::Doc, nested::Doc>("nested"),
        ["`Part.weight` was added without a new version and `#[added_in(...)]` and `#[serde(default)]` (older documents lack it)"]
    );
}

#[test]
fn older_shapes_undo_the_history() {
    let contract = Contract::of::<declared::Doc>().unwrap();
    let shape = |version| serde_json::to_value(contract.shape(version).unwrap()).unwrap();
    assert_eq!(
        shape("0.2.0")["types"]["Doc"]["struct"]["title"]["type"],
        "string"
    );
    assert!(shape("0.1.0")["types"]["Doc"]["struct"]
        .get("tags")
        .is_none());
    assert_eq!(
        shape("0.3.0")["types"]["Doc"]["struct"]["tags"]["optional"],
        true
    );
    assert_eq!(
        shape("0.3.0")["types"]["Status"]["enum"]["Published"]["struct"]["at"]["type"],
        "integer"
    );
    assert!(shape("0.0.1").get("key").is_none());
    let changelog = contract.changelog("0.1.0", "0.3.0").unwrap();
    assert_eq!(
        changelog.to_string(),
        "# Doc: 0.1.0 to 0.3.0\n\n## 0.1.0 to 0.2.0\n\n- Doc: `tags` added\n\n## 0.2.0 to 0.3.0\n\n- Doc: `title` renamed to `name`\n"
    );
}

mod flattened {
    use super::*;

    // serde reads a struct with a flattened field as a map, naming its
    // fields nowhere: the lock learns the required ones all the same.
    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub parts: Vec<Part>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Part {
        pub text: String,
        pub weight: u32,
        #[serde(flatten)]
        pub extra: serde_json::Map<String, serde_json::Value>,
    }
}

mod flattened_renamed {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub parts: Vec<Part>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Part {
        pub body: String,
        pub weight: u32,
        #[serde(flatten)]
        pub extra: serde_json::Map<String, serde_json::Value>,
    }
}

#[test]
fn a_struct_with_a_flattened_field() {
    let contract = Contract::of::<flattened::Doc>().unwrap();
    let part = serde_json::to_value(contract.current()).unwrap()["types"]["Part"].clone();
    assert_eq!(
        part,
        serde_json::json!({"struct": {"text": {"type": "string"}, "weight": {"type": "integer"}}})
    );
    assert_eq!(
        problems::<flattened::Doc, flattened_renamed::Doc>("flattened"),
        ["`Part.text` was renamed to `body` without a new version and `#[renamed_from(\"text\", since = ...)]`"]
    );
}

mod tagged {
    use super::*;

    // serde reads an internally tagged enum as any document, naming its
    // tag, variants and fields only in its errors.
    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub items: Vec<Item>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum Item {
        Image { url: String },
        Note { text: String },
    }
}

mod tagged_renamed {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub items: Vec<Item>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum Item {
        Image { src: String },
        Note { text: String },
    }
}

#[test]
fn an_internally_tagged_enum() {
    let contract = Contract::of::<tagged::Doc>().unwrap();
    let item = serde_json::to_value(contract.current()).unwrap()["types"]["Item"].clone();
    assert_eq!(
        item,
        serde_json::json!({"enum": {
            "image": {"struct": {"url": {"type": "any"}}},
            "note": {"struct": {"text": {"type": "any"}}},
        }})
    );
    let problems = problems::<tagged::Doc, tagged_renamed::Doc>("tagged");
    assert_eq!(
        problems,
        [
            "`Item::image.url` was removed without a new version and `#[removed_in(...)]`",
            "`Item::image.src` was added without a new version and `#[added_in(...)]` and `#[serde(default)]` (older documents lack it)"
        ]
    );
}

#[test]
fn every_version_has_a_json_schema() {
    use serde_json::json;

    let contract = Contract::of::<declared::Doc>().unwrap();
    let current = contract.current().json_schema();
    assert_eq!(
        current["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(current["allOf"], json!([{"$ref": "#/$defs/Doc"}]));
    assert_eq!(
        current["properties"]["schema_version"],
        json!({"const": "0.3.0"})
    );
    assert_eq!(
        current["$defs"]["Status"],
        json!({"oneOf": [
            {"const": "Draft"},
            {
                "type": "object",
                "properties": {"Published": {
                    "type": "object",
                    "properties": {"at": {"type": "integer"}},
                    "required": ["at"]
                }},
                "required": ["Published"],
                "additionalProperties": false
            }
        ]})
    );
    assert_eq!(
        current["$defs"]["Doc"]["properties"]["parts"],
        json!({"type": "array", "items": {"$ref": "#/$defs/Part"}})
    );
    // An older version: its own field names, its own version key.
    let old = contract.shape("0.2.0").unwrap().json_schema();
    assert_eq!(
        old["properties"]["schema_version"],
        json!({"const": "0.2.0"})
    );
    assert_eq!(
        old["$defs"]["Doc"]["required"],
        json!(["count", "parts", "status", "title"])
    );
    // The legacy version's documents carry no key.
    let legacy = contract.shape("0.0.1").unwrap().json_schema();
    assert!(legacy.get("required").is_none());

    // An internally tagged enum: the tag beside each variant's fields.
    let tagged = Contract::of::<tagged::Doc>()
        .unwrap()
        .current()
        .json_schema();
    assert_eq!(
        tagged["$defs"]["Item"]["oneOf"][0],
        json!({
            "type": "object",
            "properties": {"kind": {"const": "image"}, "url": {}},
            "required": ["kind", "url"]
        })
    );
}

mod parsed {
    use super::*;

    // Types that parse their string: the tracer tries other strings
    // until one reads.
    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub host: std::net::IpAddr,
        pub port: std::num::NonZeroU16,
        pub name: String,
    }
}

#[test]
fn a_type_that_refuses_a_sample_string_is_given_others() {
    let contract = Contract::of::<parsed::Doc>().unwrap();
    let doc = serde_json::to_value(contract.current()).unwrap()["types"]["Doc"].clone();
    assert_eq!(doc["struct"]["host"]["type"], "string");
    let sample = palimpsest::contract::sample::<parsed::Doc>().unwrap();
    assert_eq!(sample.host.to_string(), "127.0.0.1");
    assert_eq!(sample.name, "name");
}

mod adjacent {
    use super::*;

    // serde reads an adjacently tagged enum as a struct of its tag and
    // content keys, and names its variants to the tag's reader.
    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Log {
        pub events: Vec<Event>,
    }

    #[versioned(embedded)]
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "kind", content = "data", rename_all = "snake_case")]
    pub enum Event {
        Begin {
            at: u64,
            by: String,
        },
        End,
        #[added_in("0.2.0")]
        Pause(u64),
        Pair(u8, bool),
    }
}

mod adjacent_added {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Log {
        pub events: Vec<Event>,
    }

    #[versioned(embedded)]
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "kind", content = "data", rename_all = "snake_case")]
    pub enum Event {
        Begin {
            at: u64,
            by: String,
        },
        End,
        #[added_in("0.2.0")]
        Pause(u64),
        Pair(u8, bool),
        Resume(String),
    }
}

#[test]
fn an_adjacently_tagged_enum_is_locked() {
    use serde_json::json;

    let contract = Contract::of::<adjacent::Log>().unwrap();
    let current = serde_json::to_value(contract.current()).unwrap();
    assert_eq!(
        current["types"]["Event"],
        json!({"enum": {
            "begin": {"struct": {"at": {"type": "integer"}, "by": {"type": "string"}}},
            "end": "unit",
            "pair": {"tuple": ["integer", "bool"]},
            "pause": {"newtype": "integer"},
        }})
    );
    assert_eq!(current["tags"], json!({"Event": "kind"}));
    assert_eq!(current["contents"], json!({"Event": "data"}));
    // The history undoes the added variant.
    let old = serde_json::to_value(contract.shape("0.1.0").unwrap()).unwrap();
    assert!(old["types"]["Event"]["enum"].get("pause").is_none());
    assert_eq!(old["contents"], json!({"Event": "data"}));

    let dir = lock_dir("adjacent-locked");
    Lock::new(&dir)
        .bless(true)
        .check::<adjacent::Log>()
        .unwrap();
    let again = Lock::new(&dir).bless(false).check::<adjacent::Log>();
    std::fs::remove_dir_all(&dir).unwrap();
    again.unwrap();
}

#[test]
fn a_variant_added_to_an_adjacently_tagged_enum_without_its_attribute() {
    assert_eq!(
        problems::<adjacent::Log, adjacent_added::Log>("adjacent"),
        ["variant `resume` of `Event` was added without a new version and `#[added_in(...)]`"]
    );
}

/// Whether `value` fits `schema`, for the keywords the shapes' schemas
/// use: enough to hold a real document against one.
fn fits(root: &serde_json::Value, schema: &serde_json::Value, value: &serde_json::Value) -> bool {
    use serde_json::Value;

    let all = |key: &str| -> Vec<&Value> {
        schema
            .get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().collect())
            .unwrap_or_default()
    };
    if let Some(Value::String(reference)) = schema.get("$ref") {
        let name = reference.trim_start_matches("#/$defs/");
        return fits(root, &root["$defs"][name], value);
    }
    if let Some(expected) = schema.get("const") {
        return expected == value;
    }
    let type_fits = match schema.get("type").and_then(Value::as_str) {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("null") => value.is_null(),
        Some(other) => panic!("type {other} not checked"),
    };
    let required = all("required")
        .iter()
        .all(|key| value.get(key.as_str().unwrap()).is_some());
    let properties =
        schema
            .get("properties")
            .and_then(Value::as_object)
            .map_or(true, |properties| {
                properties.iter().all(|(key, schema)| {
                    value
                        .get(key)
                        .map_or(true, |field| fits(root, schema, field))
                })
            });
    let items = match (schema.get("items"), value.as_array()) {
        (Some(item), Some(values)) => values.iter().all(|value| fits(root, item, value)),
        _ => true,
    };
    let prefix = match value.as_array() {
        Some(values) if schema.get("prefixItems").is_some() => {
            let prefix = all("prefixItems");
            prefix.len() == values.len()
                && prefix
                    .iter()
                    .zip(values)
                    .all(|(schema, value)| fits(root, schema, value))
        }
        _ => true,
    };
    let one_of = schema.get("oneOf").is_none()
        || all("oneOf")
            .iter()
            .filter(|one| fits(root, one, value))
            .count()
            == 1;
    let all_of = all("allOf").iter().all(|one| fits(root, one, value));
    type_fits && required && properties && items && prefix && one_of && all_of
}

#[test]
fn an_adjacently_tagged_enum_has_a_json_schema() {
    use adjacent::{Event, Log};
    use serde_json::json;

    let schema = Contract::of::<Log>().unwrap().current().json_schema();
    assert_eq!(
        schema["$defs"]["Event"]["oneOf"][0],
        json!({
            "type": "object",
            "properties": {
                "kind": {"const": "begin"},
                "data": {
                    "type": "object",
                    "properties": {"at": {"type": "integer"}, "by": {"type": "string"}},
                    "required": ["at", "by"]
                }
            },
            "required": ["kind", "data"]
        })
    );
    // A unit variant's content is not written.
    assert_eq!(
        schema["$defs"]["Event"]["oneOf"][1],
        json!({"type": "object", "properties": {"kind": {"const": "end"}}, "required": ["kind"]})
    );
    let log = Log {
        events: vec![
            Event::Begin {
                at: 3,
                by: "ada".into(),
            },
            Event::Pause(5),
            Event::Pair(1, true),
            Event::End,
        ],
    };
    let document = palimpsest::to_value(&log).unwrap();
    assert!(fits(&schema, &schema, &document), "{document}");
    // The schema holds: a payload of the wrong kind, or a tag naming no
    // variant, does not fit.
    let mut wrong = document.clone();
    wrong["events"][1]["data"] = json!("five");
    assert!(!fits(&schema, &schema, &wrong));
    let mut unknown = document;
    unknown["events"][3]["kind"] = json!("halt");
    assert!(!fits(&schema, &schema, &unknown));
}

mod adjacent_root {
    use super::*;

    /// A versioned type that is itself adjacently tagged.
    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "kind", content = "data")]
    pub enum Command {
        Run(String),
        Stop,
    }
}

#[test]
fn a_versioned_adjacently_tagged_enum_is_traced() {
    let contract = Contract::of::<adjacent_root::Command>().unwrap();
    let shape = serde_json::to_value(contract.current()).unwrap();
    assert_eq!(
        shape["types"]["Command"],
        serde_json::json!({"enum": {"Run": {"newtype": "string"}, "Stop": "unit"}})
    );
    assert_eq!(shape["contents"], serde_json::json!({"Command": "data"}));
}

mod adjacent_content_renamed {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Log {
        pub events: Vec<Event>,
    }

    #[versioned(embedded)]
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
    pub enum Event {
        Begin {
            at: u64,
            by: String,
        },
        End,
        #[added_in("0.2.0")]
        Pause(u64),
        Pair(u8, bool),
    }
}

#[test]
fn a_moved_content_key_fails_the_lock() {
    assert_eq!(
        problems::<adjacent::Log, adjacent_content_renamed::Log>("adjacent-content"),
        ["`Event` changed its shape without a new version"]
    );
}

/// What the shape reader sees of the types serde reads out of its reach
/// (types that hold themselves, untagged enums, fields with defaults in a
/// struct serde reads as a map), and where a type's lock folder is.
mod shapes {
    use super::*;

    /// The current shape's definition of `name`, as its lock file holds it.
    fn definition(contract: &Contract, name: &str) -> serde_json::Value {
        serde_json::to_value(contract.current()).unwrap()["types"][name].clone()
    }

    mod expression {
        use super::*;

        // The first variant holds the enum itself: the sample takes it at the
        // first level and another variant inside, or it would never end.
        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Formula {
            pub expr: Expr,
        }

        #[derive(Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Expr {
            Neg(Box<Expr>),
            Add(Box<Expr>, Box<Expr>),
            Lit(i64),
        }
    }

    mod expression_changed {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Formula {
            pub expr: Expr,
        }

        #[derive(Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Expr {
            Neg(Box<Expr>),
            Add(Box<Expr>, Box<Expr>),
            Lit(String),
        }
    }

    #[test]
    fn an_enum_whose_first_variant_holds_itself_is_traced_to_its_end() {
        let contract = Contract::of::<expression::Formula>().unwrap();
        assert_eq!(
            definition(&contract, "Expr"),
            serde_json::json!({"enum": {
                "neg": {"newtype": "Expr"},
                "add": {"tuple": ["Expr", "Expr"]},
                "lit": {"newtype": "integer"},
            }})
        );
        let sample = palimpsest::contract::sample::<expression::Formula>().unwrap();
        assert!(matches!(sample.expr, expression::Expr::Neg(_)));
        assert_eq!(
            problems::<expression::Formula, expression_changed::Formula>("shapes-expression"),
            ["`Expr::lit` changed its shape without a new version"]
        );
    }

    mod tree {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Outline {
            pub root: Node,
        }

        // A struct holding itself through a sequence and an option, and an
        // enum holding the struct in its first variant.
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Node {
            pub label: String,
            pub children: Vec<Node>,
            pub link: Option<Box<Node>>,
            pub kind: Kind,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub enum Kind {
            Alias(Box<Node>),
            Leaf,
        }
    }

    mod tree_changed {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Outline {
            pub root: Node,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub struct Node {
            pub title: String,
            pub children: Vec<Node>,
            pub link: Option<Box<Node>>,
            pub kind: Kind,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub enum Kind {
            Alias(Box<Node>),
            Leaf,
        }
    }

    #[test]
    fn a_struct_that_holds_itself_is_traced_and_locked() {
        let contract = Contract::of::<tree::Outline>().unwrap();
        assert_eq!(
            definition(&contract, "Node"),
            serde_json::json!({"struct": {
                "label": {"type": "string"},
                "children": {"type": "array<Node>"},
                "link": {"type": "option<Node>", "optional": true},
                "kind": {"type": "Kind"},
            }})
        );
        assert_eq!(
            problems::<tree::Outline, tree_changed::Outline>("shapes-tree"),
            ["`Node.label` was renamed to `title` without a new version and `#[renamed_from(\"label\", since = ...)]`"]
        );
    }

    mod endless {
        use super::*;

        // No document of it ends: each link needs another.
        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Chain {
            pub first: Link,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub struct Link {
            pub next: Box<Link>,
        }

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Loop {
            pub step: Step,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub enum Step {
            Again(Box<Step>),
            Twice(Box<Step>, Box<Step>),
        }
    }

    #[test]
    fn a_type_with_no_finite_document_is_an_error_not_a_hang() {
        assert_eq!(
            Contract::of::<endless::Chain>().unwrap_err().to_string(),
            "the shape of `Chain` cannot be read off its serde derive: `Link` holds itself with no way to end a document (no option, sequence, map or variant without it)"
        );
        assert_eq!(
            Contract::of::<endless::Loop>().unwrap_err().to_string(),
            "the shape of `Loop` cannot be read off its serde derive: every variant of `Step` holds `Step`: no document of it ends"
        );
    }

    mod note {
        use super::*;

        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Note {
            #[renamed_from("body", since = "0.2.0")]
            pub text: String,
        }
    }

    mod memo {
        use super::*;

        // `Note` renamed in Rust only: its serde name, and so its lock
        // folder, changes with it.
        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Memo {
            #[renamed_from("body", since = "0.2.0")]
            pub text: String,
        }
    }

    mod memo_keeping_its_name {
        use super::*;

        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(rename = "Note")]
        pub struct Memo {
            #[renamed_from("body", since = "0.2.0")]
            pub text: String,
        }
    }

    #[test]
    fn a_lock_folder_is_keyed_by_the_serde_name_of_the_type() {
        let dir = lock_dir("shapes-renamed-type");
        let written = Lock::new(&dir).bless(true).check::<note::Note>().unwrap();
        assert_eq!(written.written.len(), 3);
        assert!(dir.join("Note").join("0.2.0.json").is_file());

        // Renamed in Rust, with serde's name kept: the same folder, and it holds.
        let kept = Lock::new(&dir)
            .bless(false)
            .check::<memo_keeping_its_name::Memo>()
            .unwrap();
        assert_eq!(kept.checked, ["0.0.1", "0.1.0", "0.2.0"]);

        // Renamed in Rust only: the check says where its history is, and
        // blessing does not start a second one.
        for bless in [false, true] {
            let error = Lock::new(&dir)
                .bless(bless)
                .check::<memo::Memo>()
                .unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "the schema lock of `Memo` fails:\n  - {} is missing, and {} locks the same shapes under the name `Note`: the type's serde name changed from `Note` to `Memo` (renaming the Rust type renames it). Documents do not hold the name: keep the lock with `#[serde(rename = \"Note\")]` on the type, or move the folder to {}",
                    dir.join("Memo").display(),
                    dir.join("Note").display(),
                    dir.join("Memo").display(),
                )
            );
        }
        assert!(!dir.join("Memo").exists());

        // Once the folder is moved, the history holds under the new name.
        std::fs::rename(dir.join("Note"), dir.join("Memo")).unwrap();
        let moved = Lock::new(&dir).bless(false).check::<memo::Memo>().unwrap();
        assert_eq!(moved.checked, ["0.0.1", "0.1.0", "0.2.0"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    mod adjacent {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Feed {
            pub events: Vec<Event>,
        }

        // serde reads a struct variant's content as a map and names none of
        // its fields: the ones with a default are asked for by index.
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(tag = "t", content = "c", rename_all = "snake_case")]
        pub enum Event {
            Click {
                x: u32,
                #[serde(default)]
                button: String,
                #[serde(default, rename = "mods")]
                modifiers: Vec<String>,
            },
            Quit,
        }
    }

    mod adjacent_changed {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Feed {
            pub events: Vec<Event>,
        }

        #[derive(Debug, Serialize, Deserialize)]
        #[serde(tag = "t", content = "c", rename_all = "snake_case")]
        pub enum Event {
            Click {
                x: u32,
                #[serde(default)]
                button: u8,
                #[serde(default, rename = "mods")]
                modifiers: Vec<String>,
            },
            Quit,
        }
    }

    #[test]
    fn an_adjacently_tagged_struct_variant_shows_its_fields_with_a_default() {
        let contract = Contract::of::<adjacent::Feed>().unwrap();
        assert_eq!(
            definition(&contract, "Event"),
            serde_json::json!({"enum": {
                "click": {"struct": {
                    "x": {"type": "integer"},
                    "button": {"type": "string", "optional": true},
                    "mods": {"type": "array<string>", "optional": true},
                }},
                "quit": "unit",
            }})
        );
        assert_eq!(
            problems::<adjacent::Feed, adjacent_changed::Feed>("shapes-adjacent"),
            ["`Event::click.button` changed from string to integer without a new version and a conversion (`#[converted(..., since = ...)]`)"]
        );
    }

    mod flattened {
        use super::*;

        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub title: String,
            pub parts: Vec<Part>,
        }

        // serde reads a struct with a flattened field as a map and names its
        // fields nowhere: the required ones are learned from its errors, the
        // ones with a default by trying the names the trace and the history
        // know: `weight` is added in `Part`'s history, `title` is a field of
        // `Doc`.
        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Part {
            pub text: String,
            #[added_in("0.2.0")]
            #[serde(default)]
            pub weight: u32,
            #[serde(default)]
            pub title: Option<String>,
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    }

    mod flattened_changed {
        use super::*;

        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub title: String,
            pub parts: Vec<Part>,
        }

        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Part {
            pub text: String,
            #[added_in("0.2.0")]
            #[serde(default)]
            pub weight: f64,
            #[serde(default)]
            pub title: Option<String>,
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    }

    #[test]
    fn a_flattened_struct_shows_the_fields_with_a_default_it_can_be_asked_for() {
        let contract = Contract::of::<flattened::Doc>().unwrap();
        assert_eq!(
            definition(&contract, "Part"),
            serde_json::json!({"struct": {
                "text": {"type": "string"},
                "weight": {"type": "integer", "optional": true},
                "title": {"type": "option<string>", "optional": true},
            }})
        );
        assert_eq!(
            problems::<flattened::Doc, flattened_changed::Doc>("shapes-flattened"),
            ["`Part.weight` changed from integer to number without a new version and a conversion (`#[converted(..., since = ...)]`)"]
        );
    }

    mod untagged {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub id: Id,
            pub ids: Vec<Id>,
        }

        // Neither variant takes the unit value a document's `any` is first
        // given: serde tries each on its own buffer of the value, so the
        // tracer gives it one kind of value after another until one does.
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum Id {
            Num(u64),
            Name(String),
        }
    }

    #[test]
    fn an_untagged_enum_is_any_and_its_trace_ends() {
        let contract = Contract::of::<untagged::Doc>().unwrap();
        assert_eq!(
            definition(&contract, "Doc"),
            serde_json::json!({"struct": {
                "id": {"type": "any"},
                "ids": {"type": "array<any>"},
            }})
        );
        let sample = palimpsest::contract::sample::<untagged::Doc>().unwrap();
        assert!(matches!(sample.id, untagged::Id::Num(_)), "{sample:?}");
    }

    mod serde_renamed_before {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Plan {
            pub steps: Vec<Step>,
        }

        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(rename = "Stage")]
        pub struct Step {
            pub label: String,
        }
    }

    mod serde_renamed_after {
        use super::*;

        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Plan {
            pub steps: Vec<Step>,
        }

        // The shape names the type as serde does (`Stage`), the history
        // as Rust does (`Step`).
        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(rename = "Stage")]
        pub struct Step {
            #[renamed_from("label", since = "0.2.0")]
            pub name: String,
            #[added_in("0.2.0")]
            #[serde(default)]
            pub weight: u32,
        }
    }

    #[test]
    fn an_embedded_type_renamed_for_serde_has_its_history_undone() {
        let contract = Contract::of::<serde_renamed_after::Plan>().unwrap();
        let old = serde_json::to_value(contract.shape("0.1.0").unwrap()).unwrap();
        assert_eq!(
            old["types"]["Stage"],
            serde_json::json!({"struct": {"label": {"type": "string"}}})
        );
        // The lock written at 0.1.0 still holds once the field is renamed
        // and another added in 0.2.0.
        let dir = lock_dir("shapes-serde-renamed");
        Lock::new(&dir)
            .bless(true)
            .check::<serde_renamed_before::Plan>()
            .unwrap();
        let report = Lock::new(&dir)
            .bless(true)
            .check::<serde_renamed_after::Plan>();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(report.unwrap().checked, ["0.0.1", "0.1.0"]);
    }

    mod untagged_before {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub id: Id,
            pub ids: Vec<Id>,
        }

        // serde tries the variants on its own buffer of the value; the
        // macro names them, so each payload is traced as its own value.
        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum Id {
            Num(u64),
            Pair(u32, String),
            Named(Label),
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub struct Label {
            pub text: String,
        }
    }

    mod untagged_field_renamed {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub id: Id,
            pub ids: Vec<Id>,
        }

        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum Id {
            Num(u64),
            Pair(u32, String),
            Named(Label),
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub struct Label {
            pub name: String,
        }
    }

    mod untagged_variant_added {
        use super::untagged_before::Label;
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub id: Id,
            pub ids: Vec<Id>,
        }

        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum Id {
            Num(u64),
            Pair(u32, String),
            Named(Label),
            Flag(bool),
        }
    }

    mod untagged_variant_removed {
        use super::untagged_before::Label;
        use super::*;

        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub id: Id,
            pub ids: Vec<Id>,
        }

        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum Id {
            Num(u64),
            Named(Label),
        }
    }

    mod untagged_variant_declared {
        use super::untagged_before::Label;
        use super::*;

        #[versioned(since = "0.1.0", version = "0.2.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub id: Id,
            pub ids: Vec<Id>,
        }

        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum Id {
            Num(u64),
            Pair(u32, String),
            Named(Label),
            // Documents hold no variant name: the new version alone
            // declares it.
            Flag(bool),
        }
    }

    #[test]
    fn an_embedded_untagged_enum_is_the_union_of_its_variants() {
        let contract = Contract::of::<untagged_before::Doc>().unwrap();
        assert_eq!(
            definition(&contract, "Doc"),
            serde_json::json!({"struct": {
                "id": {"type": "Id"},
                "ids": {"type": "array<Id>"},
            }})
        );
        assert_eq!(
            definition(&contract, "Id"),
            serde_json::json!({"untagged": {
                "Num": {"newtype": "integer"},
                "Pair": {"tuple": ["integer", "string"]},
                "Named": {"newtype": "Label"},
            }})
        );
        assert_eq!(
            definition(&contract, "Label"),
            serde_json::json!({"struct": {"text": {"type": "string"}}})
        );
        let schema = contract.current().json_schema();
        assert_eq!(
            schema["$defs"]["Id"],
            serde_json::json!({"anyOf": [
                {"$ref": "#/$defs/Label"},
                {"type": "integer"},
                {
                    "type": "array",
                    "prefixItems": [{"type": "integer"}, {"type": "string"}],
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]})
        );
        let sample = palimpsest::contract::sample::<untagged_before::Doc>().unwrap();
        assert!(
            matches!(sample.id, untagged_before::Id::Num(_)),
            "{sample:?}"
        );
    }

    #[test]
    fn a_change_inside_an_embedded_untagged_enum_fails_the_lock() {
        assert_eq!(
            problems::<untagged_before::Doc, untagged_field_renamed::Doc>("shapes-untagged-field"),
            ["`Label.text` was renamed to `name` without a new version and `#[renamed_from(\"text\", since = ...)]`"]
        );
        assert_eq!(
            problems::<untagged_before::Doc, untagged_variant_added::Doc>("shapes-untagged-variant"),
            ["variant `Flag` of the untagged enum `Id` was added without a new version: add one (documents hold no variant name, so no attribute declares it; older documents still read)"]
        );
        // A new version does not make 0.1.0's documents of `Pair` read.
        assert_eq!(
            problems::<untagged_before::Doc, untagged_variant_removed::Doc>("shapes-untagged-removed")[1..],
            ["variant `Pair` of the untagged enum `Id` was removed in 0.2.0: documents that hold its payload no longer read; keep the variant, or convert the field that holds the enum (`#[converted(..., since = \"0.2.0\")]`)"]
        );
        let dir = lock_dir("shapes-untagged-declared");
        Lock::new(&dir)
            .bless(true)
            .check::<untagged_before::Doc>()
            .unwrap();
        let report = Lock::new(&dir)
            .bless(true)
            .check::<untagged_variant_declared::Doc>();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(report.unwrap().checked, ["0.0.1", "0.1.0"]);
    }

    mod untagged_tree {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Doc {
            pub tree: Tree,
        }

        // Its first variant holds itself: inside it, the buffered value is
        // given one kind after another until a variant takes it.
        #[versioned(embedded)]
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum Tree {
            Node(Vec<Tree>),
            Wrap(Box<Self>, u8),
            // Its fields are read by no type of their own: not traced.
            Pos { x: u8 },
            Empty,
            Leaf(u64),
        }
    }

    #[test]
    fn an_embedded_untagged_enum_that_holds_itself_is_traced() {
        let contract = Contract::of::<untagged_tree::Doc>().unwrap();
        assert_eq!(
            definition(&contract, "Tree"),
            serde_json::json!({"untagged": {
                "Node": {"newtype": "array<Tree>"},
                "Wrap": {"tuple": ["Tree", "integer"]},
                "Pos": "unknown",
                "Empty": "unit",
                "Leaf": {"newtype": "integer"},
            }})
        );
    }

    mod external_struct_variant {
        use super::*;

        #[versioned(since = "0.1.0")]
        #[derive(Debug, Serialize, Deserialize)]
        pub struct Log {
            pub events: Vec<Event>,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub enum Event {
            Begin {
                at: u64,
                #[serde(default)]
                by: String,
                note: Option<String>,
            },
            End,
        }
    }

    #[test]
    fn an_externally_tagged_struct_variant_shows_the_fields_a_document_may_leave_out() {
        let contract = Contract::of::<external_struct_variant::Log>().unwrap();
        assert_eq!(
            definition(&contract, "Event"),
            serde_json::json!({"enum": {
                "Begin": {"struct": {
                    "at": {"type": "integer"},
                    "by": {"type": "string", "optional": true},
                    "note": {"type": "option<string>", "optional": true},
                }},
                "End": "unit",
            }})
        );
    }
}
