//! Documents without a version key from more than one old build, told
//! apart by their keys.
//!
//! A type may have been written without a version key by several builds
//! (`#[versioned(unversioned = ["0.1.0", "0.2.0"])]`,
//! [`SchemaBuilder::unversioned`](crate::SchemaBuilder::unversioned)). Each
//! such version has a shape: the top-level keys its build wrote, every time
//! ([`Keys::new`]) or only sometimes ([`Keys::optional`]). A keyless
//! document is compared with each shape, and the closest one is its version.
//!
//! "Closest" is counted in mismatches. Against a version `V`:
//!
//! - each key `V` always writes that the document lacks is one mismatch
//!   (`missing`);
//! - each key of the document that `V` never writes is one mismatch
//!   (`unknown`).
//!
//! The version with the fewest mismatches wins. When several share the
//! fewest, the keys cannot tell them apart and the read fails with
//! [`Error::AmbiguousShape`], naming the candidates and the document's keys
//! that decided nothing: palimpsest never guesses (picking the oldest, as
//! some libraries do, migrates a newer document through steps it already
//! went through: magic_migrate's "ABA problem").

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::object::{object_at, Object, ObjectPath};
use crate::version::Version;

/// The metadata entry recording the version a keyless document was
/// classified as, and how each candidate fitted ([`Inference`]).
pub const INFERRED_VERSION: &str = "inferred_version";

/// The top-level keys the build of one version wrote: those it always
/// wrote, and those it wrote only sometimes (a field skipped when empty).
///
/// ```
/// use palimpsest::Keys;
///
/// let keys = Keys::new(["title", "text"]).optional(["tags"]);
/// assert!(keys.writes("tags"));
/// assert!(!keys.writes("body"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    required: BTreeSet<String>,
    optional: BTreeSet<String>,
}

impl Keys {
    /// The keys every document of the version has.
    pub fn new<I, S>(required: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Keys {
            required: required.into_iter().map(Into::into).collect(),
            optional: BTreeSet::new(),
        }
    }

    /// Adds keys some documents of the version have and others do not.
    #[must_use]
    pub fn optional<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.optional.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Whether the version writes `key`, always or sometimes.
    #[must_use]
    pub fn writes(&self, key: &str) -> bool {
        self.required.contains(key) || self.optional.contains(key)
    }

    /// How a document with the keys of `object` fits these keys.
    fn fit(&self, version: &Version, object: &Object) -> Fit {
        Fit {
            version: version.clone(),
            missing: self
                .required
                .iter()
                .filter(|key| !object.contains_key(*key))
                .cloned()
                .collect(),
            unknown: object
                .keys()
                .filter(|key| !self.writes(key))
                .cloned()
                .collect(),
        }
    }
}

/// The version a document without a version key was classified as, and
/// how each candidate fitted; see [`Report::inferred`](crate::Report::inferred).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Inference {
    /// The version whose keys fitted best.
    pub version: Version,
    /// Every candidate, oldest first, with its mismatches.
    pub fits: Vec<Fit>,
}

/// How a keyless document fitted the keys of one candidate version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Fit {
    /// The candidate version.
    pub version: Version,
    /// Keys the version always wrote that the document lacks.
    pub missing: Vec<String>,
    /// Keys of the document the version never wrote.
    pub unknown: Vec<String>,
}

impl Fit {
    /// Missing and unknown keys together: fewer is closer.
    #[must_use]
    pub fn mismatches(&self) -> usize {
        self.missing.len() + self.unknown.len()
    }
}

/// `0.2.0 (0.1.0: 2 mismatches: missing `body`, unknown `text`; 0.2.0: no mismatch)`.
///
/// ```
/// use palimpsest::{Keys, Schema, Step};
/// use serde_json::json;
///
/// let schema = Schema::semver("Note", "0.3.0")
///     .step(Step::new("0.1.0", "0.2.0").rename("body", "text"))
///     .step(Step::new("0.2.0", "0.3.0"))
///     .unversioned("0.1.0", Keys::new(["body"]))
///     .unversioned("0.2.0", Keys::new(["text"]))
///     .build()?;
/// let report = schema.migrate(&mut json!({"text": "hi"}))?;
/// assert_eq!(
///     report.inferred.expect("a keyless document").to_string(),
///     "0.2.0 (0.1.0: 2 mismatches: missing `body`, unknown `text`; 0.2.0: no mismatch)"
/// );
/// # Ok::<(), palimpsest::Error>(())
/// ```
impl fmt::Display for Inference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.version)?;
        for (i, fit) in self.fits.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", fit.version, Mismatches(fit.mismatches()))?;
            let mut sep = ": ";
            for (what, keys) in [("missing", &fit.missing), ("unknown", &fit.unknown)] {
                if !keys.is_empty() {
                    write!(f, "{sep}{what} {}", Quoted(keys))?;
                    sep = ", ";
                }
            }
        }
        f.write_str(")")
    }
}

/// `no mismatch`, `1 mismatch`, `2 mismatches`.
pub(crate) struct Mismatches(pub(crate) usize);

impl fmt::Display for Mismatches {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("no mismatch"),
            1 => f.write_str("1 mismatch"),
            n => write!(f, "{n} mismatches"),
        }
    }
}

/// Keys as errors and reports quote them: `` `a`, `b` ``.
pub(crate) struct Quoted<'a>(pub(crate) &'a [String]);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, key) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{key}`")?;
        }
        Ok(())
    }
}

/// A document's version, and for a keyless one classified by its keys,
/// how it was.
pub(crate) type Detected = (Version, Option<Inference>);

/// The versions written without a key, oldest first, each with its keys.
pub(crate) type Unversioned = Vec<(Version, Keys)>;

/// The version of a document without a version key, among `candidates`
/// (at least two); see the [module documentation](self).
pub(crate) fn classify(
    type_name: &'static str,
    key: &'static str,
    candidates: &[(Version, Keys)],
    object: &Object,
) -> Result<Inference, Error> {
    let fits: Vec<Fit> = candidates
        .iter()
        .map(|(version, keys)| keys.fit(version, object))
        .collect();
    let fewest = fits.iter().map(Fit::mismatches).min().unwrap_or(0);
    let closest: Vec<&(Version, Keys)> = candidates
        .iter()
        .zip(&fits)
        .filter(|(_, fit)| fit.mismatches() == fewest)
        .map(|(candidate, _)| candidate)
        .collect();
    match closest.as_slice() {
        [(version, _)] => Ok(Inference {
            version: version.clone(),
            fits,
        }),
        tied => Err(Error::AmbiguousShape {
            type_name,
            key,
            candidates: tied.iter().map(|(version, _)| version.clone()).collect(),
            mismatches: fewest,
            // A key the tied versions all write, or none of them does,
            // counted alike for each.
            undecided: object
                .keys()
                .filter(|doc_key| {
                    let writers = tied.iter().filter(|(_, keys)| keys.writes(doc_key)).count();
                    writers == 0 || writers == tied.len()
                })
                .cloned()
                .collect(),
        }),
    }
}

/// Records `inference` in the metadata object of a migrated document, at
/// [`INFERRED_VERSION`].
pub(crate) fn record(
    doc: &mut Object,
    metadata: &ObjectPath,
    inference: &Inference,
) -> Result<(), crate::object::NotAnObject> {
    let entry = serde_json::to_value(inference).unwrap_or(Value::Null);
    object_at(doc, metadata)?.insert(INFERRED_VERSION.to_owned(), entry);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn candidates() -> Unversioned {
        let v = |text: &str| crate::version::Scheme::Semver.parse(text).unwrap();
        vec![
            (v("0.1.0"), Keys::new(["title", "body"])),
            (v("0.2.0"), Keys::new(["title", "text"]).optional(["tags"])),
        ]
    }

    fn object(value: Value) -> Object {
        match value {
            Value::Object(object) => object,
            _ => unreachable!("the tests pass objects"),
        }
    }

    #[test]
    fn the_fewest_mismatches_win() {
        let doc = object(json!({"title": "t", "text": "x", "tags": []}));
        let inference = classify("Note", "v", &candidates(), &doc).unwrap();
        assert_eq!(inference.version.to_string(), "0.2.0");
        assert_eq!(inference.fits[0].missing, ["body"]);
        assert_eq!(inference.fits[0].unknown, ["tags", "text"]);
        assert_eq!(inference.fits[1].mismatches(), 0);
    }

    #[test]
    fn an_optional_key_missing_is_no_mismatch() {
        let doc = object(json!({"title": "t", "text": "x"}));
        let inference = classify("Note", "v", &candidates(), &doc).unwrap();
        assert_eq!(inference.version.to_string(), "0.2.0");
    }

    #[test]
    fn a_tie_names_the_candidates_and_the_keys_that_decided_nothing() {
        let doc = object(json!({"title": "t", "stray": 1}));
        let err = classify("Note", "v", &candidates(), &doc).unwrap_err();
        let Error::AmbiguousShape {
            candidates,
            undecided,
            mismatches,
            ..
        } = &err
        else {
            panic!("{err}");
        };
        assert_eq!(candidates.len(), 2);
        assert_eq!(*mismatches, 2);
        assert_eq!(undecided, &["stray", "title"]);
    }
}
