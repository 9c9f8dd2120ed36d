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
