//! Schema versions: semver strings or plain integers, chosen per type.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde::ser::{Serialize, Serializer};
use serde_json::Value;

/// How a type spells its versions.
///
/// Each versioned type picks one scheme: every version it names, and every
/// version its documents carry, is of that scheme.
///
/// ```
/// use palimpsest::Scheme;
///
/// assert_eq!(Scheme::Semver.parse("0.2.0")?.to_string(), "0.2.0");
/// assert_eq!(Scheme::Integer.parse("3")?.to_string(), "3");
/// assert!(Scheme::Integer.parse("0.2.0").is_err());
/// # Ok::<(), palimpsest::version::ParseVersionError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `"schema_version": "1.2.3"`, ordered by semver precedence.
    Semver,
    /// `"schema_version": 3`, ordered as integers.
    Integer,
}

impl Scheme {
    /// Parses the text of a version of this scheme.
    ///
    /// # Errors
    ///
    /// When `text` is not a version of this scheme; the error says why.
    pub fn parse(self, text: &str) -> Result<Version, ParseVersionError> {
        let fail = |reason: String| ParseVersionError {
            text: text.to_owned(),
            reason,
        };
        match self {
            Scheme::Semver => semver::Version::parse(text)
                .map(|v| Version::Semver(Arc::new(v)))
                .map_err(|e| fail(e.to_string())),
            Scheme::Integer => text
                .parse::<u64>()
                .map(Version::Integer)
                .map_err(|_| fail("expected a non-negative integer".to_owned())),
        }
    }

    /// Reads the version a document carries under its version key.
    ///
    /// Semver versions are JSON strings; integer versions are JSON numbers
    /// (a string of digits is accepted too, since some writers quote them).
    ///
    /// # Errors
    ///
    /// When the value is of the wrong kind or does not parse.
    pub fn parse_value(self, value: &Value) -> Result<Version, ParseVersionError> {
        match (self, value) {
            (_, Value::String(text)) => self.parse(text),
            (Scheme::Integer, Value::Number(n)) => {
                n.as_u64()
                    .map(Version::Integer)
                    .ok_or_else(|| ParseVersionError {
                        text: n.to_string(),
                        reason: "expected a non-negative integer".to_owned(),
                    })
            }
            (_, other) => Err(ParseVersionError {
                text: other.to_string(),
                reason: format!("expected {}, found {}", self.expected(), kind_of(other)),
            }),
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Scheme::Semver => "a semver string such as \"0.1.0\"",
            Scheme::Integer => "an integer such as 3",
        }
    }

    /// The default version of documents written before versioning existed:
    /// `0.0.1` for semver, `0` for integers.
    #[must_use]
    pub fn default_legacy(self) -> Version {
        match self {
            Scheme::Semver => Version::Semver(Arc::new(semver::Version::new(0, 0, 1))),
            Scheme::Integer => Version::Integer(0),
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

/// A schema version.
///
/// Cheap to clone: a semver version is shared, so that reports and errors
/// carry versions by value at the cost of a reference count.
///
/// Versions of one scheme are totally ordered; a type never mixes schemes, so
/// the order between a semver and an integer version (integers sort last) only
/// exists to make `Version` usable as a map key.
///
/// ```
/// use palimpsest::Scheme;
///
/// let old = Scheme::Semver.parse("0.9.0")?;
/// let new = Scheme::Semver.parse("0.10.0")?;
/// assert!(old < new); // precedence, not text order
/// # Ok::<(), palimpsest::version::ParseVersionError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// A semver version, written as a string.
    Semver(Arc<semver::Version>),
    /// An integer version, written as a number.
    Integer(u64),
}

impl Version {
    /// The scheme this version belongs to.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        match self {
            Version::Semver(_) => Scheme::Semver,
            Version::Integer(_) => Scheme::Integer,
        }
    }

    /// The version as documents carry it: a string for semver, a number for integers.
    ///
    /// ```
    /// use palimpsest::Scheme;
    /// use serde_json::json;
    ///
    /// assert_eq!(Scheme::Semver.parse("0.1.0")?.to_value(), json!("0.1.0"));
    /// assert_eq!(Scheme::Integer.parse("2")?.to_value(), json!(2));
    /// # Ok::<(), palimpsest::version::ParseVersionError>(())
    /// ```
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            Version::Semver(v) => Value::String(v.to_string()),
            Version::Integer(n) => Value::from(*n),
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Integer(a), Version::Integer(b)) => a.cmp(b),
            (Version::Semver(_), Version::Integer(_)) => Ordering::Less,
            (Version::Integer(_), Version::Semver(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Semver(v) => fmt::Display::fmt(v, f),
            Version::Integer(n) => fmt::Display::fmt(n, f),
        }
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Version::Semver(v) => serializer.collect_str(v),
            Version::Integer(n) => serializer.serialize_u64(*n),
        }
    }
}

/// A version text that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed version {text:?}: {reason}")]
pub struct ParseVersionError {
    /// The text as found.
    pub text: String,
    /// Why it is not a version.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn semver_orders_by_precedence_not_text() {
        let parse = |t| Scheme::Semver.parse(t).unwrap();
        assert!(parse("0.9.0") < parse("0.10.0"));
        assert!(parse("1.0.0-alpha") < parse("1.0.0"));
        assert!(parse("0.0.1") < parse("0.1.0"));
    }

    #[test]
    fn integers_order_numerically() {
        let parse = |t| Scheme::Integer.parse(t).unwrap();
        assert!(parse("9") < parse("10"));
        assert_eq!(parse("3"), Version::Integer(3));
    }

    #[test]
    fn malformed_text_is_quoted() {
        let err = Scheme::Semver.parse("one.two").unwrap_err();
        assert_eq!(err.text, "one.two");
        assert!(err.to_string().contains("\"one.two\""), "{err}");
        assert!(Scheme::Semver.parse("1.0").is_err());
        assert!(Scheme::Integer.parse("-1").is_err());
        assert!(Scheme::Integer.parse("1.0.0").is_err());
    }

    #[test]
    fn values_of_the_wrong_kind_are_rejected() {
        let err = Scheme::Semver.parse_value(&json!(3)).unwrap_err();
        assert!(err.reason.contains("found a number"), "{err}");
        let err = Scheme::Integer.parse_value(&json!([1])).unwrap_err();
        assert!(err.reason.contains("found an array"), "{err}");
        let err = Scheme::Integer.parse_value(&json!(-4)).unwrap_err();
        assert_eq!(err.text, "-4");
        assert!(Scheme::Integer.parse_value(&json!(1.5)).is_err());
    }

    #[test]
    fn integer_versions_accept_numbers_and_digit_strings() {
        assert_eq!(
            Scheme::Integer.parse_value(&json!(3)).unwrap(),
            Version::Integer(3)
        );
        assert_eq!(
            Scheme::Integer.parse_value(&json!("3")).unwrap(),
            Version::Integer(3)
        );
    }

    #[test]
    fn versions_write_as_their_scheme_spells_them() {
        let v = Scheme::Semver.parse("0.1.0").unwrap();
        assert_eq!(serde_json::to_value(&v).unwrap(), json!("0.1.0"));
        assert_eq!(v.to_value(), json!("0.1.0"));
        assert_eq!(serde_json::to_value(Version::Integer(4)).unwrap(), json!(4));
    }

    #[test]
    fn default_legacy_versions() {
        assert_eq!(Scheme::Semver.default_legacy().to_string(), "0.0.1");
        assert_eq!(Scheme::Integer.default_legacy().to_string(), "0");
    }
}
