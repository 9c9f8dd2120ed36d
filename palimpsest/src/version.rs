//! Schema versions: semver strings or plain integers, chosen per type.
//!
//! `Version`, `Scheme` and their parsing are the vocabulary shared with the
//! macro (`src/vocab/version.rs`); this module adds what only documents
//! need: reading a version from, and writing it as, JSON.

use serde::ser::{Serialize, Serializer};
use serde_json::Value;

pub use crate::vocab::version::{ParseVersionError, Scheme, Version};

impl Scheme {
    /// Reads the version a document carries under its version key.
    ///
    /// Each scheme reads its own JSON kind only: a semver version is a
    /// string, an integer version a non-negative integer number. Anything
    /// else (the string `"2"` for an integer version, the number `1` for a
    /// semver one) is an error that says which kind was expected.
    ///
    /// ```
    /// use palimpsest::Scheme;
    /// use serde_json::json;
    ///
    /// assert_eq!(Scheme::Semver.parse_value(&json!("0.2.0"))?.to_string(), "0.2.0");
    /// assert_eq!(Scheme::Integer.parse_value(&json!(2))?.to_string(), "2");
    ///
    /// let err = Scheme::Integer.parse_value(&json!("2")).unwrap_err();
    /// assert_eq!(err.to_string(), "malformed version \"2\": expected a non-negative integer such as 3, found a string");
    /// let err = Scheme::Semver.parse_value(&json!(1)).unwrap_err();
    /// assert_eq!(err.to_string(), "malformed version \"1\": expected a semver string such as \"0.1.0\", found a number");
    /// # Ok::<(), palimpsest::ParseVersionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the value is of the wrong kind or does not parse.
    pub fn parse_value(self, value: &Value) -> Result<Version, ParseVersionError> {
        match (self, value) {
            (Scheme::Semver, Value::String(text)) => self.parse(text),
            (Scheme::Integer, Value::Number(n)) => {
                n.as_u64()
                    .map(Version::integer)
                    .ok_or_else(|| ParseVersionError {
                        text: n.to_string(),
                        reason: format!("expected {}", self.expected()),
                    })
            }
            (_, other) => Err(ParseVersionError {
                text: match other {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                },
                reason: format!("expected {}, found {}", self.expected(), kind_of(other)),
            }),
        }
    }
}

impl Version {
    /// The version as documents carry it: a string for semver, a number for integers.
    ///
    /// ```
    /// use palimpsest::Scheme;
    /// use serde_json::json;
    ///
    /// assert_eq!(Scheme::Semver.parse("0.1.0")?.to_value(), json!("0.1.0"));
    /// assert_eq!(Scheme::Integer.parse("2")?.to_value(), json!(2));
    /// # Ok::<(), palimpsest::ParseVersionError>(())
    /// ```
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self.as_integer() {
            Some(n) => Value::from(n),
            None => Value::String(self.to_string()),
        }
    }
}

/// As documents carry it: a string for semver, a number for integers.
impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_integer() {
            Some(n) => serializer.serialize_u64(n),
            None => serializer.collect_str(self),
        }
    }
}

/// The JSON kind of a value, as error messages name it.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_of_the_wrong_kind_are_rejected() {
        let err = Scheme::Semver.parse_value(&json!(3)).unwrap_err();
        assert!(err.reason.contains("found a number"), "{err}");
        let err = Scheme::Integer.parse_value(&json!([1])).unwrap_err();
        assert!(err.reason.contains("found an array"), "{err}");
        let err = Scheme::Integer.parse_value(&json!(-4)).unwrap_err();
        assert_eq!(err.text, "-4");
        assert!(err.reason.contains("non-negative"), "{err}");
        assert!(Scheme::Integer.parse_value(&json!(1.5)).is_err());
        assert!(Scheme::Semver.parse_value(&json!(null)).is_err());
    }

    #[test]
    fn each_scheme_reads_its_own_json_kind_only() {
        assert_eq!(
            Scheme::Integer.parse_value(&json!(3)).unwrap(),
            Version::integer(3)
        );
        assert_eq!(
            Scheme::Semver.parse_value(&json!("0.3.0")).unwrap(),
            Scheme::Semver.parse("0.3.0").unwrap()
        );
        // A string of digits is no integer version...
        let err = Scheme::Integer.parse_value(&json!("3")).unwrap_err();
        assert_eq!(err.text, "3");
        assert!(
            err.reason.contains("expected a non-negative integer"),
            "{err}"
        );
        assert!(err.reason.contains("found a string"), "{err}");
        // ...and a number no semver version.
        let err = Scheme::Semver.parse_value(&json!(1)).unwrap_err();
        assert_eq!(err.text, "1");
        assert!(err.reason.contains("expected a semver string"), "{err}");
    }

    #[test]
    fn versions_write_as_their_scheme_spells_them() {
        let v = Scheme::Semver.parse("0.1.0").unwrap();
        assert_eq!(serde_json::to_value(&v).unwrap(), json!("0.1.0"));
        assert_eq!(v.to_value(), json!("0.1.0"));
        assert_eq!(serde_json::to_value(Version::integer(4)).unwrap(), json!(4));
        assert_eq!(Version::integer(4).to_value(), json!(4));
    }
}
