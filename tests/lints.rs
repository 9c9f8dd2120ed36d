//! The expansion is lint-clean: this crate denies rustc's warnings and
//! clippy's `all` and `pedantic` groups, and CI runs clippy on every target,
//! so any lint the generated code trips fails the build.

#![deny(warnings, missing_docs, unused_qualifications, unreachable_pub)]
#![deny(clippy::all, clippy::pedantic, clippy::nursery)]

use std::borrow::Cow;

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

/// A public type with every kind of field attribute.
#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// The task.
    pub problem_statement: String,
    /// The result.
    #[renamed_from("result", since = "0.2.0")]
    pub outcome: String,
    /// Labels.
    #[added_in("0.2.0")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Old notes.
    #[removed_in("0.3.0")]
    pub notes: String,
    /// Where history goes.
    #[serde(default)]
    pub context: Context,
}

/// The metadata holder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// Migration history and preserved fields.
    #[serde(default)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// A private type, with integer versions, a hand step and only `Deserialize`.
#[versioned(since = 1, step(from = 1, to = 2, with = bump))]
#[derive(Debug, Deserialize)]
struct Settings {
    level: u8,
}

type Object = serde_json::Map<String, serde_json::Value>;

#[allow(clippy::unnecessary_wraps)] // the signature a step must have
fn bump(document: &mut Object) -> Result<(), std::io::Error> {
    document.insert("level".into(), 1.into());
    Ok(())
}

/// A private type with only `Serialize`, generic and with a lifetime.
#[versioned(since = "1.0.0")]
#[derive(Debug, Serialize)]
struct Note<'a, T> {
    text: Cow<'a, str>,
    value: T,
}

/// A type whose metadata object is a field of its own, which the expansion
/// asserts can hold one.
#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Tagged {
    /// Migration history.
    #[serde(default)]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A versioned type holding an embedded one.
#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Log {
    /// What happened.
    pub entries: Vec<Entry>,
}

/// An embedded type, which holds itself.
#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The text.
    #[renamed_from("msg", since = "0.2.0")]
    pub message: String,
    /// Answers.
    #[added_in("0.3.0")]
    #[serde(default)]
    pub replies: Vec<Self>,
    /// Gone.
    #[removed_in("0.3.0", drop)]
    pub scratch: String,
}

/// A versioned type holding embedded enums.
#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Chat {
    /// The parts.
    pub parts: Vec<Part>,
    /// Where removed values go.
    #[serde(default)]
    pub meta: serde_json::Map<String, serde_json::Value>,
}

/// An internally tagged embedded enum with every variant attribute and
/// field attributes in a struct variant.
#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    /// Text.
    #[renamed_from("body", since = "0.2.0")]
    Text {
        /// The words.
        #[renamed_from("words", since = "0.2.0")]
        text: String,
        /// A label.
        #[added_in("0.3.0")]
        #[serde(default)]
        label: String,
        /// Gone.
        #[removed_in("0.3.0")]
        scratch: String,
    },
    /// New.
    #[added_in("0.2.0")]
    Image(Entry),
    /// Gone.
    #[removed_in("0.3.0", fallback = "Other")]
    Audio,
    /// Anything else.
    Other,
}

/// A top-level adjacently tagged enum.
#[versioned(since = 1)]
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Command {
    /// Run it.
    #[renamed_from("Exec", since = 2)]
    Run(String),
    /// Stop.
    Stop,
}

#[test]
fn lint_clean_types_still_work() {
    let trace: Trace =
        serde_json::from_str(r#"{"problemStatement": "p", "result": "r", "notes": "n"}"#).unwrap();
    assert_eq!(trace.outcome, "r");
    let tagged: Tagged = serde_json::from_str("{}").unwrap();
    assert_eq!(tagged.meta.unwrap()["migrated_from"], "0.0.1");
    let log: Log = serde_json::from_str(r#"{"entries": [{"msg": "m"}]}"#).unwrap();
    assert_eq!(log.entries[0].message, "m");
    let chat: Chat =
        serde_json::from_str(r#"{"parts": [{"type": "body", "words": "w", "scratch": ""}]}"#)
            .unwrap();
    assert!(matches!(&chat.parts[0], Part::Text { text, .. } if text == "w"));
    let command: Command = serde_json::from_str(r#"{"kind": "Exec", "data": "ls"}"#).unwrap();
    assert!(matches!(command, Command::Run(_)));
    let settings: Settings = serde_json::from_str("{}").unwrap();
    assert_eq!(settings.level, 1);
    let note = Note {
        text: Cow::Borrowed("t"),
        value: 2,
    };
    assert_eq!(
        serde_json::to_string(&note).unwrap(),
        r#"{"schema_version":"1.0.0","text":"t","value":2}"#
    );
}

/// A module whose only serde types are versioned: its serde import must
/// still count as used.
pub mod only_versioned {
    use palimpsest::versioned;
    use serde::{Deserialize, Serialize};

    /// A counter.
    #[versioned(since = 1)]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Counter {
        /// How many.
        pub count: u64,
    }
}
