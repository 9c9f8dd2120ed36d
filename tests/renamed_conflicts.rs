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
#[ignore = "the current version reads an embedded type straight: left to the fix"]
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
