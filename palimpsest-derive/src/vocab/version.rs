//! Schema versions: semver strings or plain integers, chosen per type.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// How a type spells its versions.
///
/// Each versioned type picks one scheme: every version it names, and every
/// version its documents carry, is of that scheme. In a document, each
/// scheme reads its own JSON kind only: a semver version is a string
/// (`"schema_version": "0.2.0"`), an integer version a non-negative integer
/// number (`"schema_version": 2`). The string `"2"` is no integer version
/// and the number `1` no semver version: both are
/// [`Error::MalformedVersion`](crate::Error::MalformedVersion), whose
/// message says which kind was expected.
///
/// ```
/// use palimpsest::Scheme;
///
/// assert_eq!(Scheme::Semver.parse("0.2.0")?.to_string(), "0.2.0");
/// assert_eq!(Scheme::Integer.parse("3")?.to_string(), "3");
/// assert!(Scheme::Integer.parse("0.2.0").is_err());
/// # Ok::<(), palimpsest::ParseVersionError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// `"schema_version": "1.2.3"`, ordered by semver precedence. A
    /// document's version must be one the history names: between two
    /// versions lie countless others (`0.1.1`, `0.2.0-rc.1`, ...), and one
    /// no attribute or step names is more likely a mistake than a build
    /// that changed nothing.
    Semver,
    /// `"schema_version": 3`, ordered as integers. Every integer between
    /// the legacy and the current version is a known version: one no
    /// attribute or step names was written by a build that changed
    /// nothing, so its documents have the shape of the named version
    /// before it and take the same steps.
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
                .map(Version::semver)
                .map_err(|e| fail(e.to_string())),
            Scheme::Integer => text
                .parse::<u64>()
                .map(Version::integer)
                .map_err(|_| fail("expected a non-negative integer".to_owned())),
        }
    }

    /// The default version of documents written before versioning existed:
    /// `0.0.1` for semver, `0` for integers.
    ///
    /// ```
    /// use palimpsest::Scheme;
    ///
    /// assert_eq!(Scheme::Semver.default_legacy().to_string(), "0.0.1");
    /// assert_eq!(Scheme::Integer.default_legacy().to_string(), "0");
    /// ```
    #[must_use]
    pub fn default_legacy(self) -> Version {
        match self {
            Scheme::Semver => Version::semver(semver::Version::new(0, 0, 1)),
            Scheme::Integer => Version::integer(0),
        }
    }

    /// The scheme's versions in a few words, as messages name them.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Scheme::Semver => "a semver string",
            Scheme::Integer => "an integer",
        }
    }

    /// What a version of the scheme looks like, with an example.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Scheme::Semver => "a semver string such as \"0.1.0\"",
            Scheme::Integer => "a non-negative integer such as 3",
        }
    }
}

/// A schema version: a semver version or an integer, per the type's
/// [`Scheme`].
///
/// Cheap to clone: a semver version is shared, so that reports and errors
/// carry versions by value at the cost of a reference count.
///
/// Versions of one scheme are totally ordered; a type never mixes schemes, so
/// the order between a semver and an integer version (integers sort last) only
/// exists to make `Version` usable as a map key.
///
/// ```
/// use palimpsest::{Scheme, Version};
///
/// let old = Version::semver(semver::Version::new(0, 9, 0));
/// let new = Scheme::Semver.parse("0.10.0")?;
/// assert!(old < new); // precedence, not text order
/// assert_eq!(new.as_semver(), Some(&semver::Version::new(0, 10, 0)));
/// assert_eq!(new.scheme(), Scheme::Semver);
///
/// let three = Version::integer(3);
/// assert_eq!(three.as_integer(), Some(3));
/// assert_eq!(three.as_semver(), None);
/// assert_eq!(three.to_string(), "3");
/// # Ok::<(), palimpsest::ParseVersionError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Version(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Semver(Arc<semver::Version>),
    Integer(u64),
}

impl Version {
    /// A semver version.
    #[must_use]
    pub fn semver(version: semver::Version) -> Self {
        Version(Repr::Semver(Arc::new(version)))
    }

    /// An integer version.
    #[must_use]
    pub const fn integer(version: u64) -> Self {
        Version(Repr::Integer(version))
    }

    /// The scheme this version belongs to.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        match self.0 {
            Repr::Semver(_) => Scheme::Semver,
            Repr::Integer(_) => Scheme::Integer,
        }
    }

    /// The semver version, if this is one.
    #[must_use]
    pub fn as_semver(&self) -> Option<&semver::Version> {
        match &self.0 {
            Repr::Semver(version) => Some(version),
            Repr::Integer(_) => None,
        }
    }

    /// The integer version, if this is one.
    #[must_use]
    pub fn as_integer(&self) -> Option<u64> {
        match self.0 {
            Repr::Integer(version) => Some(version),
            Repr::Semver(_) => None,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Semver(a), Repr::Semver(b)) => a.cmp(b),
            (Repr::Integer(a), Repr::Integer(b)) => a.cmp(b),
            (Repr::Semver(_), Repr::Integer(_)) => Ordering::Less,
            (Repr::Integer(_), Repr::Semver(_)) => Ordering::Greater,
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
        match &self.0 {
            Repr::Semver(v) => fmt::Display::fmt(v, f),
            Repr::Integer(n) => fmt::Display::fmt(n, f),
        }
    }
}

/// As documents spell it: `Version("0.1.0")`, `Version(3)`.
impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Semver(v) => f.debug_tuple("Version").field(&v.to_string()).finish(),
            Repr::Integer(n) => f.debug_tuple("Version").field(n).finish(),
        }
    }
}

/// A version text that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseVersionError {
    /// The text as found.
    pub text: String,
    /// Why it is not a version.
    pub reason: String,
}

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed version {:?}: {}", self.text, self.reason)
    }
}

impl std::error::Error for ParseVersionError {}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(parse("3"), Version::integer(3));
    }

    #[test]
    fn schemes_sort_apart() {
        assert!(Version::semver(semver::Version::new(9, 9, 9)) < Version::integer(0));
    }

    #[test]
    fn malformed_text_is_quoted() {
        let err = Scheme::Semver.parse("one.two").unwrap_err();
        assert_eq!(err.text, "one.two");
        assert!(
            err.to_string()
                .starts_with("malformed version \"one.two\": "),
            "{err}"
        );
        assert!(Scheme::Semver.parse("1.0").is_err());
        assert!(Scheme::Integer.parse("-1").is_err());
        assert!(Scheme::Integer.parse("1.0.0").is_err());
    }

    #[test]
    fn accessors_answer_for_their_scheme_only() {
        let semver = Scheme::Semver.parse("1.2.3-rc.1").unwrap();
        assert_eq!(semver.scheme(), Scheme::Semver);
        assert_eq!(semver.as_semver().map(|v| v.minor), Some(2));
        assert_eq!(semver.as_integer(), None);
        let integer = Version::integer(7);
        assert_eq!(integer.scheme(), Scheme::Integer);
        assert_eq!(integer.as_integer(), Some(7));
        assert!(integer.as_semver().is_none());
    }

    #[test]
    fn versions_print_as_documents_spell_them() {
        let semver = Scheme::Semver.parse("0.1.0").unwrap();
        assert_eq!(semver.to_string(), "0.1.0");
        assert_eq!(format!("{semver:?}"), "Version(\"0.1.0\")");
        assert_eq!(format!("{:?}", Version::integer(2)), "Version(2)");
    }

    #[test]
    fn default_legacy_versions() {
        assert_eq!(Scheme::Semver.default_legacy().to_string(), "0.0.1");
        assert_eq!(Scheme::Integer.default_legacy(), Version::integer(0));
    }

    #[test]
    fn schemes_describe_their_versions() {
        assert_eq!(Scheme::Semver.describe(), "a semver string");
        assert!(Scheme::Integer.expected().contains("integer"));
    }
}
