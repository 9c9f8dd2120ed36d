//! Dotted paths to an object inside a document, such as `context.metadata`.

use std::fmt;

/// A dotted path such as `context.metadata`, parsed once.
///
/// The metadata path of a versioned type is one: the object where a
/// migration records its history and preserves removed values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectPath {
    segments: Vec<String>,
}

impl ObjectPath {
    /// Parses a dotted path. Empty segments are rejected.
    ///
    /// ```
    /// use palimpsest::object::ObjectPath;
    ///
    /// assert_eq!(ObjectPath::parse("context.metadata").unwrap().segments(), ["context", "metadata"]);
    /// assert!(ObjectPath::parse("context..metadata").is_none());
    /// ```
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let segments: Vec<String> = text.split('.').map(str::to_owned).collect();
        if segments.iter().any(String::is_empty) {
            return None;
        }
        Some(ObjectPath { segments })
    }

    /// A path from segments a parsed path gave, so known to be non-empty
    /// and without dots: how generated code spells a path it checked.
    pub(crate) fn from_checked_segments(segments: &[&str]) -> Self {
        ObjectPath {
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The path's segments, outermost first.
    #[must_use]
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The outermost segment: the key of the document the path starts at.
    ///
    /// ```
    /// use palimpsest::object::ObjectPath;
    ///
    /// assert_eq!(ObjectPath::parse("context.metadata").unwrap().root(), "context");
    /// ```
    #[must_use]
    pub fn root(&self) -> &str {
        // `parse` never yields an empty path: splitting gives one segment
        // at least, and an empty one is rejected.
        self.segments.first().map_or("", String::as_str)
    }
}

impl fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_reject_empty_segments() {
        assert!(ObjectPath::parse("").is_none());
        assert!(ObjectPath::parse("a.").is_none());
        assert!(ObjectPath::parse(".a").is_none());
        assert!(ObjectPath::parse("a..b").is_none());
    }

    #[test]
    fn object_paths_print_as_written() {
        let path = ObjectPath::parse("context.metadata").unwrap();
        assert_eq!(path.segments(), ["context", "metadata"]);
        assert_eq!(path.root(), "context");
        assert_eq!(path.to_string(), "context.metadata");
        assert_eq!(ObjectPath::parse("meta").unwrap().root(), "meta");
    }

    #[test]
    fn checked_segments_build_the_path_they_came_from() {
        let parsed = ObjectPath::parse("a.b.c").unwrap();
        let segments: Vec<&str> = parsed.segments().iter().map(String::as_str).collect();
        assert_eq!(ObjectPath::from_checked_segments(&segments), parsed);
    }
}
