//! Both names of a renamed field, and keys met twice, on the routes and in
//! the places a first pass left: `deny_unknown_fields` on the fast path,
//! an embedded type's renamed field, the metadata path of a buffered read.

use palimpsest::{versioned, Error};
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Strict {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
}

/// The kind of error `palimpsest::from_str` and `from_value` give, and
/// serde_json's message.
fn refusals<T>(text: &str) -> (Error, Error, String)
where
    T: palimpsest::Versioned + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let from_str = palimpsest::from_str::<T>(text).map(|read| read.value);
    let tree = serde_json::from_str(text).expect("JSON");
    let from_value = palimpsest::from_value::<T>(tree).map(|read| read.value);
    let serde = serde_json::from_str::<T>(text);
    (
        from_str.expect_err(text),
        from_value.expect_err(text),
        serde.expect_err(text).to_string(),
    )
}

/// The struct refuses the version key handed in place of the held-back
/// name as an unknown field; the reader reports the name it held back.
#[test]
fn both_names_with_deny_unknown_fields_are_a_conflict_on_every_route() {
    for text in [
        r#"{"schema_version":"0.2.0","text":"a","body":"b"}"#,
        r#"{"schema_version":"0.2.0","body":"b","text":"a"}"#,
        r#"{"text":"a","schema_version":"0.2.0","body":"b"}"#,
        r#"{"body":"b","text":"a"}"#,
    ] {
        let (from_str, from_value, serde) = refusals::<Strict>(text);
        for error in [&from_str, &from_value] {
            assert!(
                matches!(error, Error::Conflict { old, new, .. } if old == "body" && new == "text"),
                "{text}: {error:?}"
            );
        }
        assert!(
            serde.contains("both the old name `body`"),
            "{text}: {serde}"
        );
    }
    // A field the struct does not know is still refused as one.
    let (from_str, _, serde) =
        refusals::<Strict>(r#"{"schema_version":"0.2.0","text":"a","other":1}"#);
    assert!(matches!(from_str, Error::Mismatch { .. }), "{from_str:?}");
    assert!(serde.contains("unknown field `other`"), "{serde}");
}

#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
struct Outer {
    #[added_in("0.2.0")]
    #[serde(default)]
    count: u32,
    inner: Inner,
    #[serde(default)]
    list: Vec<Inner>,
}

#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
struct Inner {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
}

/// An embedded type's renamed field met under both names is a conflict at
/// every version, as the root's is, wherever the version key stands.
#[test]
fn both_names_in_an_embedded_type_are_a_conflict_at_every_version() {
    for version in ["0.1.0", "0.2.0"] {
        for (inner, list) in [
            (r#"{"text":"a","body":"b"}"#, "[]"),
            (r#"{"body":"b","text":"a"}"#, "[]"),
            (
                r#"{"text":"a"}"#,
                r#"[{"text":"a"},{"body":"b","text":"a"}]"#,
            ),
        ] {
            for text in [
                format!(r#"{{"schema_version":"{version}","inner":{inner},"list":{list}}}"#),
                format!(r#"{{"inner":{inner},"list":{list},"schema_version":"{version}"}}"#),
            ] {
                let (from_str, from_value, serde) = refusals::<Outer>(&text);
                for error in [&from_str, &from_value] {
                    assert!(
                        matches!(error, Error::Conflict { old, new, .. } if old.ends_with("body") && new.ends_with("text")),
                        "{text}: {error:?}"
                    );
                }
                assert!(serde.contains("both the old name"), "{text}: {serde}");
            }
        }
    }
}

/// An old name met twice in an embedded type is a repeated key named as
/// it stands in the document, not as the struct's alias reads it; with
/// `deny_unknown_fields`, both names are still a conflict, not an
/// unknown field; the type read on its own refuses both names too.
#[test]
fn an_embedded_type_read_as_current_refuses_as_a_migration_does() {
    let text = r#"{"schema_version":"0.2.0","inner":{"body":"a","body":"b"}}"#;
    let from_str = palimpsest::from_str::<Outer>(text).unwrap_err();
    assert!(
        matches!(&from_str, Error::RepeatedKey { key, .. } if key == "inner.body"),
        "{from_str:?}"
    );
    let serde = serde_json::from_str::<Outer>(text).unwrap_err();
    assert!(
        serde.to_string().contains("duplicate field `body`"),
        "{serde}"
    );

    for text in [
        r#"{"schema_version":"0.2.0","inner":{"text":"a","body":"b"}}"#,
        r#"{"schema_version":"0.2.0","inner":{"body":"b","text":"a"}}"#,
    ] {
        let (from_str, from_value, serde) = refusals::<StrictOuter>(text);
        for error in [&from_str, &from_value] {
            assert!(
                matches!(error, Error::Conflict { old, new, from, to, .. }
                    if old == "inner.body" && new == "inner.text"
                        && from.to_string() == "0.1.0" && to.to_string() == "0.2.0"),
                "{text}: {error:?}"
            );
        }
        assert!(serde.contains("both the old name `body`"), "{serde}");
    }

    let alone = serde_json::from_str::<Inner>(r#"{"text":"a","body":"b"}"#).unwrap_err();
    assert!(
        alone.to_string().contains(
            "both the old name `body` and the new name `text` of a field of `Inner` are present"
        ),
        "{alone}"
    );
    // Either name alone reads.
    for text in [r#"{"text":"a"}"#, r#"{"body":"a"}"#] {
        assert_eq!(serde_json::from_str::<Inner>(text).unwrap().text, "a");
    }
}

/// A document at a version after the rename, older than the current one:
/// the embedded type, unchanged since, reads as current inside a
/// migration, and both names are the same conflict.
#[test]
fn both_names_in_an_embedded_type_that_no_longer_changes() {
    for text in [
        r#"{"schema_version":"0.2.0","inner":{"text":"a","body":"b"}}"#,
        r#"{"inner":{"body":"b","text":"a"},"schema_version":"0.2.0"}"#,
    ] {
        let (from_str, from_value, serde) = refusals::<Later>(text);
        for error in [&from_str, &from_value] {
            assert!(
                matches!(error, Error::Conflict { old, new, .. }
                    if old == "inner.body" && new == "inner.text"),
                "{text}: {error:?}"
            );
        }
        assert!(serde.contains("both the old name"), "{serde}");
    }
    let read = palimpsest::from_str::<Later>(r#"{"schema_version":"0.2.0","inner":{"body":"b"}}"#)
        .unwrap();
    assert_eq!(read.value.inner.text, "b");
}

/// A binary self-describing format: the struct's own refusal names both
/// names there too.
#[test]
fn both_names_in_an_embedded_type_through_cbor() {
    let document =
        serde_json::json!({"schema_version": "0.2.0", "inner": {"text": "a", "body": "b"}});
    let mut bytes = Vec::new();
    ciborium::into_writer(&document, &mut bytes).unwrap();
    let error = ciborium::from_reader::<Outer, _>(bytes.as_slice()).unwrap_err();
    assert!(
        error.to_string().contains("both the old name `body`"),
        "{error}"
    );
}

#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
struct StrictOuter {
    inner: StrictInner,
}

#[versioned(embedded)]
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictInner {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
}

#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
struct Later {
    #[added_in("0.3.0")]
    #[serde(default)]
    count: u32,
    inner: Inner,
}

/// A hand-written step reads the whole document: the buffered route.
#[versioned(since = 1, metadata = "context.metadata", step(from = 1, to = 2, with = keep_all, combine = "before"))]
#[derive(Debug, Serialize, Deserialize)]
struct Buffered {
    #[added_in(2)]
    #[serde(default)]
    count: u32,
    #[serde(default)]
    context: Context,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Context {
    #[serde(default)]
    metadata: serde_json::Map<String, serde_json::Value>,
}

fn keep_all(_: &mut palimpsest::object::Object) -> Result<(), String> {
    Ok(())
}

/// A key repeated on the metadata path is refused on the buffered route
/// as on the streamed one, wherever the version key stands.
#[test]
fn a_repeated_key_on_the_metadata_path_of_a_buffered_read_is_refused() {
    for (body, key) in [
        (
            r#""context":{"metadata":{"a":1},"metadata":{"b":2}}"#,
            "context.metadata",
        ),
        (
            r#""context":{"metadata":{"a":1,"a":2}}"#,
            "context.metadata.a",
        ),
    ] {
        for text in [
            format!(r#"{{"schema_version":1,{body}}}"#),
            format!(r#"{{{body},"schema_version":1}}"#),
            format!("{{{body}}}"),
        ] {
            let from_str = palimpsest::from_str::<Buffered>(&text).map(|read| read.value);
            assert!(
                matches!(&from_str, Err(Error::RepeatedKey { key: found, .. }) if found == key),
                "{text}: {from_str:?}"
            );
            let serde = serde_json::from_str::<Buffered>(&text)
                .unwrap_err()
                .to_string();
            assert!(
                serde.contains(&format!("`{key}` appears more than once")),
                "{text}: {serde}"
            );
        }
    }
}

/// A key repeated deep inside a value a migration captures (a renamed
/// field's struct, an internally tagged enum's payload) is refused at
/// every version, as the struct refuses it where the input reaches it
/// straight (the current version): a captured value becomes a tree, which
/// keeps only the last.
#[test]
fn a_key_repeated_inside_a_captured_value_is_refused_at_every_version() {
    for (document, repeated) in [
        (
            r#""old":{"a":1,"a":2},"int":{"type":"Note","text":"x"}"#,
            "a",
        ),
        (
            r#""new":{"a":1},"int":{"type":"Note","body":"x","body":"z"}"#,
            "body",
        ),
        (
            r#""new":{"a":1},"int":{"type":"Note","type":"Note","text":"x"}"#,
            "type",
        ),
    ] {
        for version in ["0.1.0", "0.2.0"] {
            let text = format!(r#"{{"schema_version":"{version}",{document}}}"#);
            let error = palimpsest::from_str::<Deep>(&text).map(|read| read.value);
            assert!(
                matches!(&error, Err(Error::RepeatedKey { key, .. }) if key.ends_with(repeated)),
                "{text}: {error:?}"
            );
        }
    }
}

#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
struct Deep {
    #[renamed_from("old", since = "0.2.0")]
    new: Leaf,
    int: Internal,
}

#[derive(Debug, Serialize, Deserialize)]
struct Leaf {
    a: u32,
}

#[versioned(embedded)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
enum Internal {
    Note {
        #[renamed_from("body", since = "0.2.0")]
        text: String,
    },
}

/// Both names of a renamed field of a struct variant, in each tagged
/// representation, at every version: the same conflict, named with its
/// path.
#[test]
fn both_names_in_a_struct_variant_are_a_conflict_at_every_version() {
    for (field, value, old, new) in [
        (
            "ext",
            r#"{"Note":{"text":"a","body":"b"}}"#,
            "ext.Note.body",
            "ext.Note.text",
        ),
        (
            "ext",
            r#"{"Note":{"body":"b","text":"a"}}"#,
            "ext.Note.body",
            "ext.Note.text",
        ),
        (
            "int",
            r#"{"type":"Note","text":"a","body":"b"}"#,
            "int.body",
            "int.text",
        ),
        (
            "int",
            r#"{"body":"b","text":"a","type":"Note"}"#,
            "int.body",
            "int.text",
        ),
        (
            "adj",
            r#"{"t":"Note","c":{"text":"a","body":"b"}}"#,
            "adj.c.body",
            "adj.c.text",
        ),
        (
            "adj",
            r#"{"c":{"body":"b","text":"a"},"t":"Note"}"#,
            "adj.c.body",
            "adj.c.text",
        ),
    ] {
        let mut document = serde_json::json!({
            "ext": {"Note": {"text": "x"}},
            "int": {"type": "Note", "text": "x"},
            "adj": {"t": "Note", "c": {"text": "x"}},
        });
        for version in ["0.1.0", "0.2.0"] {
            document["schema_version"] = version.into();
            let mut text = document.to_string();
            let placeholder = serde_json::to_string(&document[field]).unwrap();
            text = text.replacen(&placeholder, value, 1);
            let (from_str, from_value, serde) = refusals::<Variants>(&text);
            for error in [&from_str, &from_value] {
                assert!(
                    matches!(error, Error::Conflict { old: o, new: n, .. } if o == old && n == new),
                    "{text}: {error:?}"
                );
            }
            assert!(serde.contains("both the old name"), "{text}: {serde}");
        }
    }
    // Either name alone reads, at the current version.
    let text = r#"{"schema_version":"0.2.0","ext":{"Note":{"body":"a"}},"int":{"type":"Note","body":"b"},"adj":{"t":"Note","c":{"body":"c"}}}"#;
    let read = palimpsest::from_str::<Variants>(text).unwrap().value;
    assert_eq!(
        (read.ext, read.int, read.adj),
        (
            External::Note { text: "a".into() },
            Internal::Note { text: "b".into() },
            Adjacent::Note { text: "c".into() }
        )
    );
}

/// A key repeated in a struct variant's payload at the current version is
/// named as it stands in the document.
#[test]
fn a_key_repeated_in_a_variant_at_the_current_version_is_named_as_written() {
    for (field, value, key) in [
        (
            "int",
            r#"{"type":"Note","body":"x","body":"z"}"#,
            "int.body",
        ),
        (
            "adj",
            r#"{"t":"Note","c":{"body":"x","body":"z"}}"#,
            "adj.c.body",
        ),
    ] {
        let document = r#"{"schema_version":"0.2.0","ext":{"Note":{"text":"x"}},"int":{"type":"Note","text":"x"},"adj":{"t":"Note","c":{"text":"x"}}}"#;
        let text = match field {
            "int" => document.replacen(r#"{"type":"Note","text":"x"}"#, value, 1),
            _ => document.replacen(r#"{"t":"Note","c":{"text":"x"}}"#, value, 1),
        };
        let error = palimpsest::from_str::<Variants>(&text).unwrap_err();
        assert!(
            matches!(&error, Error::RepeatedKey { key: k, .. } if k == key),
            "{text}: {error:?}"
        );
    }
}

#[versioned(since = "0.1.0")]
#[derive(Debug, Serialize, Deserialize)]
struct Variants {
    #[added_in("0.2.0")]
    #[serde(default)]
    count: u32,
    ext: External,
    int: Internal,
    adj: Adjacent,
}

#[versioned(embedded)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum External {
    Note {
        #[renamed_from("body", since = "0.2.0")]
        text: String,
    },
}

#[versioned(embedded)]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "c")]
enum Adjacent {
    Note {
        #[renamed_from("body", since = "0.2.0")]
        text: String,
    },
}
