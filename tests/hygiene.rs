//! The expansion names everything by absolute path: a module that shadows
//! the prelude and declares its own `serde` and `serde_json` still compiles
//! every feature of `#[versioned]`, and reads legacy documents.

// The shadowing items exist only to be in scope.
#![allow(dead_code)]

mod shadowed {
    // Each of these would capture an unqualified name in the expansion.
    pub struct Result;
    pub struct Option;
    pub struct Box;
    pub struct String;
    pub struct Vec;
    pub struct Ok;
    pub struct Err;
    pub struct Some;
    pub struct None;
    pub mod serde {}
    pub mod serde_json {}
    pub trait Serialize {}
    pub trait Deserialize {}
    pub trait Default {}
    pub trait Versioned {}

    use palimpsest::versioned;

    type Object = ::serde_json::Map<::std::string::String, ::serde_json::Value>;

    /// A hand-written step, as users write them beside their types.
    pub fn split_name(
        document: &mut Object,
    ) -> ::core::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>> {
        let full = document
            .remove("name")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let (first, last) = full.split_once(' ').unwrap_or((&full, ""));
        document.insert("first".into(), first.into());
        document.insert("last".into(), last.into());
        ::core::result::Result::Ok(())
    }

    pub fn no_tags() -> ::std::vec::Vec<::std::string::String> {
        ::std::vec::Vec::new()
    }

    #[versioned(
        since = "0.1.0",
        metadata = "context.metadata",
        step(from = "0.2.0", to = "0.3.0", with = split_name, combine = "before")
    )]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Trace {
        #[renamed_from("result", since = "0.2.0")]
        pub outcome: ::std::string::String,
        #[added_in("0.2.0")]
        #[serde(default = "no_tags")]
        pub tags: ::std::vec::Vec<::std::string::String>,
        #[added_in("0.3.0")]
        #[serde(default)]
        pub score: ::core::option::Option<u32>,
        #[removed_in("0.3.0")]
        pub notes: ::std::string::String,
        #[removed_in("0.2.0", drop)]
        pub scratch: ::std::string::String,
        pub first: ::std::string::String,
        pub last: ::std::string::String,
        #[serde(default)]
        pub context: Context,
    }

    #[derive(
        Debug, PartialEq, ::core::default::Default, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Context {
        #[serde(default)]
        pub metadata: Object,
    }

    #[versioned(since = 1, legacy = 0)]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Counter<T> {
        #[renamed_from("n", since = 2)]
        pub count: T,
    }

    #[versioned(since = "0.1.0")]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Log {
        pub entries: ::std::vec::Vec<Entry>,
    }

    #[versioned(embedded)]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Entry {
        #[renamed_from("msg", since = "0.2.0")]
        pub message: ::std::string::String,
        #[added_in("0.2.0")]
        #[serde(default = "no_tags")]
        pub tags: ::std::vec::Vec<::std::string::String>,
        #[serde(default)]
        pub replies: ::std::vec::Vec<Self>,
    }

    #[versioned(since = "0.1.0", metadata = "meta")]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Chat {
        pub parts: ::std::vec::Vec<Part>,
        #[serde(default)]
        pub meta: Object,
    }

    #[versioned(embedded)]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    #[serde(tag = "type")]
    pub enum Part {
        #[renamed_from("Body", since = "0.2.0")]
        Text {
            #[renamed_from("words", since = "0.2.0")]
            text: ::std::string::String,
            #[added_in("0.2.0")]
            #[serde(default = "no_tags")]
            tags: ::std::vec::Vec<::std::string::String>,
        },
        #[added_in("0.2.0")]
        Entry(Entry),
        #[removed_in("0.2.0", fallback = "Other")]
        Audio,
        Other,
    }

    #[versioned(since = 1)]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    #[serde(tag = "kind", content = "data")]
    pub enum Command {
        #[renamed_from("Exec", since = 2)]
        Run(::std::string::String),
        Stop,
    }

    #[versioned(since = 1)]
    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Label<'a> {
        #[added_in(2)]
        #[serde(default)]
        pub text: ::std::borrow::Cow<'a, str>,
    }
}

use shadowed::{Chat, Command, Counter, Label, Log, Part, Trace};

#[test]
fn every_feature_reads_a_legacy_document() {
    let legacy = r#"{"result": "ok", "notes": "n", "scratch": "s", "name": "Ada Lovelace"}"#;
    let trace: Trace = serde_json::from_str(legacy).unwrap();
    assert_eq!(trace.outcome, "ok");
    assert!(trace.tags.is_empty());
    assert_eq!(trace.score, None);
    assert_eq!(
        (trace.first.as_str(), trace.last.as_str()),
        ("Ada", "Lovelace")
    );
    let metadata = &trace.context.metadata;
    assert_eq!(metadata["legacy_notes"], "n");
    assert!(
        !metadata.contains_key("legacy_scratch"),
        "dropped, as asked"
    );
    assert_eq!(metadata["migrated_from"], "0.0.1");

    let written = serde_json::to_value(&trace).unwrap();
    assert_eq!(written["schema_version"], "0.3.0");
    assert_eq!(serde_json::from_value::<Trace>(written).unwrap(), trace);
}

#[test]
fn integer_versions_and_generics_read_a_legacy_document() {
    let counter: Counter<u8> = serde_json::from_str(r#"{"n": 3}"#).unwrap();
    assert_eq!(counter.count, 3);
    assert_eq!(
        serde_json::to_string(&counter).unwrap(),
        r#"{"schema_version":2,"count":3}"#
    );
    let label: Label<'static> = serde_json::from_str("{}").unwrap();
    assert_eq!(label.text, "");
}

#[test]
fn embedded_types_read_a_legacy_document() {
    let log: Log =
        serde_json::from_str(r#"{"entries": [{"msg": "hi", "replies": [{"msg": "yo"}]}]}"#)
            .unwrap();
    assert_eq!(log.entries[0].message, "hi");
    assert_eq!(log.entries[0].replies[0].message, "yo");
    assert!(log.entries[0].replies[0].tags.is_empty());
}

#[test]
fn embedded_and_top_level_enums_read_a_legacy_document() {
    let chat: Chat =
        serde_json::from_str(r#"{"parts": [{"type": "Body", "words": "w"}, {"type": "Audio"}]}"#)
            .unwrap();
    assert_eq!(
        chat.parts,
        [
            Part::Text {
                text: "w".into(),
                tags: vec![]
            },
            Part::Other
        ]
    );
    assert_eq!(chat.meta["legacy_nested"]["parts[1]"]["type"], "Audio");
    let command: Command = serde_json::from_str(r#"{"kind": "Exec", "data": "ls"}"#).unwrap();
    assert_eq!(command, Command::Run("ls".into()));
    assert_eq!(
        serde_json::to_string(&command).unwrap(),
        r#"{"schema_version":2,"kind":"Run","data":"ls"}"#
    );
}
