//! What a bulk run found: the per-document outcomes and their summary.

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use palimpsest::{Report, Version};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use crate::diff::Change;

/// Why one document (or one whole source) could not be processed.
///
/// The document itself is never lost: its original bytes go to the output
/// unchanged. [`Failure`] adds where it stood.
///
/// ```
/// use palimpsest_bulk::BulkError;
///
/// let err = BulkError::TooLarge { bytes: 70, limit: 64 };
/// assert_eq!(err.to_string(), "document of 70 bytes or more exceeds the limit of 64 bytes");
/// assert_eq!(err.kind(), "too_large");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BulkError {
    /// Detecting, migrating or validating the document failed.
    #[error(transparent)]
    Document(#[from] palimpsest::Error),
    /// The bytes are not UTF-8, so they are not JSON.
    #[error("invalid UTF-8 at byte {offset} of the document")]
    NotUtf8 {
        /// Offset of the first invalid byte within the document.
        offset: usize,
    },
    /// The document is larger than the configured limit; it was copied
    /// through without being parsed.
    #[error("document of {bytes} bytes or more exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The size seen (at least).
        bytes: u64,
        /// The limit, see [`Migrator::max_document_bytes`](crate::Migrator::max_document_bytes).
        limit: u64,
    },
    /// A file holds no document at all (zero bytes, or only whitespace for
    /// a `.json` file).
    #[error("empty file: no document")]
    Empty,
    /// The source could not be read.
    #[error("cannot read: {0}")]
    Read(#[source] io::Error),
}

impl BulkError {
    /// A short stable name of the kind of failure, for scripts.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            BulkError::Document(palimpsest::Error::Syntax { .. }) => "invalid_json",
            BulkError::Document(palimpsest::Error::Serialize { .. }) => "serialize",
            BulkError::Document(_) => "migration",
            BulkError::NotUtf8 { .. } => "not_utf8",
            BulkError::TooLarge { .. } => "too_large",
            BulkError::Empty => "empty",
            BulkError::Read(_) => "unreadable",
        }
    }
}

/// What happened to one document.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// An empty or whitespace-only line of a JSONL source, kept as it is.
    Blank,
    /// Already at the target version: copied through byte for byte.
    Current(Version),
    /// Older than the target, found by a run that only detects versions.
    Outdated(Version),
    /// Newer than the type's current version, written by a newer build:
    /// copied through byte for byte, unless the run fails such documents
    /// ([`Migrator::fail_newer`](crate::Migrator::fail_newer)).
    Newer(Version),
    /// Migrated; `changes` is filled when the run computes diffs.
    Migrated {
        /// What the migration did.
        report: Report,
        /// The document's changes, for a dry run.
        changes: Option<Vec<Change>>,
    },
    /// Left unchanged in the output because of this error.
    Failed(BulkError),
}

/// One document as an [`Observer`](crate::Observer) sees it, in input order.
#[derive(Debug)]
#[non_exhaustive]
pub struct Document<'a> {
    /// The source as given (a path, or `-` for standard input).
    pub source: &'a str,
    /// The 1-based line of a JSONL source; `None` for a whole-file document.
    pub line: Option<u64>,
    /// The document's original bytes, without the line terminator (for a
    /// document over the size limit, only the part that was read).
    pub original: &'a [u8],
    /// What happened to it.
    pub outcome: Outcome,
}

/// A document that failed, with where it stands.
#[derive(Debug)]
#[non_exhaustive]
pub struct Failure {
    /// The source (file path, or `-` for standard input).
    pub source: String,
    /// The 1-based line in a JSONL source; `None` for a whole file.
    pub line: Option<u64>,
    /// The typed error.
    pub error: BulkError,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", Place(&self.source, self.line), self.error)
    }
}

/// `source:line`, or `source` alone for a whole file.
struct Place<'a>(&'a str, Option<u64>);

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)?;
        match self.1 {
            Some(line) => write!(f, ":{line}"),
            None => Ok(()),
        }
    }
}

impl Serialize for Failure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Failure", 4)?;
        s.serialize_field("source", &self.source)?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("kind", self.error.kind())?;
        s.serialize_field("error", &self.error.to_string())?;
        s.end()
    }
}

/// A document that is not at the target version, with where it stands.
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct Located {
    /// The source (file path, or `-` for standard input).
    pub source: String,
    /// The 1-based line in a JSONL source; `None` for a whole file.
    pub line: Option<u64>,
    /// The version the document has.
    pub version: Version,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: version {}",
            Place(&self.source, self.line),
            self.version
        )
    }
}

/// The report of a whole run: an [`Observer`](crate::Observer) that counts.
///
/// Lists (failures, outdated documents) keep their first
/// [`Summary::LIST_LIMIT`] entries so that memory stays bounded; the counts
/// are always complete.
///
/// ```
/// use palimpsest_bulk::{Migrator, Summary};
/// # use palimpsest::{Schema, Step, Versioned};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize)]
/// # struct Config { capacity: u32 }
/// # impl Versioned for Config {
/// #     fn schema() -> &'static Schema {
/// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
/// #         S.get_or_init(|| Schema::integer("Config", 2).step(Step::new(0, 1))
/// #             .step(Step::new(1, 2).rename("size", "capacity")).build().unwrap())
/// #     }
/// # }
/// let input = "{\"size\": 1}\n{\"schema_version\":2,\"capacity\":2}\nnot json\n";
/// let mut summary = Summary::default();
/// Migrator::<Config>::new().jsonl("-", input.as_bytes(), std::io::sink(), &mut summary)?;
/// assert_eq!((summary.documents, summary.migrated, summary.current, summary.failed), (3, 1, 1, 1));
/// assert_eq!(summary.steps["0 -> 1"], 1);
/// assert_eq!(summary.failures[0].to_string().lines().next().unwrap(),
///            "-:3: `Config`: invalid JSON: expected ident at line 1 column 2");
/// assert!(summary.to_string().starts_with("3 documents: 1 current, 1 migrated, 1 failed\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// A source that cannot be read is not a failed document: it is listed in
/// [`Summary::unreadable`], and a run with any is an error of the run.
#[derive(Debug, Default, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Documents seen (blank lines excluded).
    pub documents: u64,
    /// Documents already at the target version.
    pub current: u64,
    /// Documents migrated.
    pub migrated: u64,
    /// Documents found older than the target by a run that only detects.
    pub found_outdated: u64,
    /// Documents that failed and were kept unchanged.
    pub failed: u64,
    /// Documents newer than the type's current version, kept unchanged.
    pub newer: u64,
    /// Blank lines kept as they were.
    pub blank_lines: u64,
    /// Bytes of input read.
    pub bytes: u64,
    /// Documents per source version.
    pub versions: BTreeMap<Version, u64>,
    /// Steps applied, as `"from -> to"`, with how many documents went through each.
    pub steps: BTreeMap<String, u64>,
    /// Metadata paths of preserved values, with how many documents had each.
    pub preserved: BTreeMap<String, u64>,
    /// Fields inserted with their default, with counts.
    pub defaulted: BTreeMap<String, u64>,
    /// Fields dropped on purpose, with counts.
    pub dropped: BTreeMap<String, u64>,
    /// Values a lossy write to an older version let go (see
    /// [`Migrator::lossy`](crate::Migrator::lossy)), by path, with counts.
    pub lost: BTreeMap<String, u64>,
    /// The first failures, in input order.
    pub failures: Vec<Failure>,
    /// The first documents not at the target version, in input order.
    pub outdated: Vec<Located>,
    /// Sources that could not be read (or stopped being readable part way),
    /// in input order. Their documents are in no count: nothing is known
    /// of them.
    pub unreadable: Vec<Failure>,
}

impl Summary {
    /// How many entries [`Summary::failures`] and [`Summary::outdated`] keep.
    pub const LIST_LIMIT: usize = 10_000;

    /// How many failures [`Summary`]'s `Display` lists before it counts
    /// the rest; see [`Summary::shown`] for another number.
    pub const SHOWN_FAILURES: usize = 20;

    /// Whether every document is at the target version, none failed and
    /// every source was read: the condition of a clean CI gate.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.failed == 0 && self.current == self.documents && self.unreadable.is_empty()
    }

    /// The summary as text, listing at most `max_failures` failures and
    /// counting the rest, so that the counts stay in sight when thousands
    /// of documents fail.
    ///
    /// ```
    /// use palimpsest_bulk::{Migrator, Summary};
    /// # use palimpsest::{Schema, Step, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)]
    /// # struct Config { capacity: u32 }
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).step(Step::new(0, 1)).build().unwrap())
    /// #     }
    /// # }
    /// let input = "not json\n[]\n{\"schema_version\": 1, \"capacity\": 1}\n";
    /// let mut summary = Summary::default();
    /// Migrator::<Config>::new().jsonl("-", input.as_bytes(), std::io::sink(), &mut summary)?;
    /// let text = summary.shown(1).to_string();
    /// assert!(text.starts_with("3 documents: 1 current, 2 failed\n"), "{text}");
    /// assert!(text.contains("  -:1: `Config`: invalid JSON"), "{text}");
    /// assert!(text.ends_with("  ... and 1 more\n"), "{text}");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn shown(&self, max_failures: usize) -> Shown<'_> {
        Shown {
            summary: self,
            max_failures,
        }
    }

    /// Adds one document to the counts.
    pub fn record(&mut self, document: Document<'_>) {
        self.bytes += document.original.len() as u64;
        let outdated = |version: &Version| Located {
            source: document.source.to_owned(),
            line: document.line,
            version: version.clone(),
        };
        match document.outcome {
            Outcome::Blank => {
                self.blank_lines += 1;
                return;
            }
            Outcome::Current(version) => {
                self.current += 1;
                count(&mut self.versions, version.clone());
            }
            Outcome::Newer(version) => {
                self.newer += 1;
                count(&mut self.versions, version.clone());
            }
            Outcome::Outdated(version) => {
                self.found_outdated += 1;
                count(&mut self.versions, version.clone());
                push_bounded(&mut self.outdated, outdated(&version));
            }
            Outcome::Migrated { report, .. } => {
                self.migrated += 1;
                count(&mut self.versions, report.from.clone());
                push_bounded(&mut self.outdated, outdated(&report.from));
                for step in &report.steps {
                    count(&mut self.steps, format!("{} -> {}", step.from, step.to));
                }
                count_all(&mut self.preserved, &report.preserved);
                count_all(&mut self.defaulted, &report.defaulted);
                count_all(&mut self.dropped, &report.dropped);
                for lost in &report.lost {
                    count(&mut self.lost, pattern_of(&lost.path));
                }
            }
            Outcome::Failed(BulkError::Read(error)) => {
                push_bounded(
                    &mut self.unreadable,
                    Failure {
                        source: document.source.to_owned(),
                        line: document.line,
                        error: BulkError::Read(error),
                    },
                );
                return;
            }
            Outcome::Failed(error) => {
                self.failed += 1;
                push_bounded(
                    &mut self.failures,
                    Failure {
                        source: document.source.to_owned(),
                        line: document.line,
                        error,
                    },
                );
            }
        }
        self.documents += 1;
    }
}

impl crate::Observer for Summary {
    fn document(&mut self, document: Document<'_>) {
        self.record(document);
    }
}

fn count<K: Ord>(map: &mut BTreeMap<K, u64>, key: K) {
    *map.entry(key).or_insert(0) += 1;
}

fn count_all(map: &mut BTreeMap<String, u64>, keys: &[String]) {
    for key in keys {
        if let Some(n) = map.get_mut(key) {
            *n += 1;
        } else {
            map.insert(key.clone(), 1);
        }
    }
}

/// `steps[3].tags` counted as `steps[].tags`: one entry per field, not
/// per element, however large the corpus.
fn pattern_of(path: &str) -> String {
    let mut pattern = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                pattern.push('[');
                in_index = true;
            }
            ']' => {
                pattern.push(']');
                in_index = false;
            }
            c if in_index && c.is_ascii_digit() => {}
            c => pattern.push(c),
        }
    }
    pattern
}

fn push_bounded<T>(list: &mut Vec<T>, item: T) {
    if list.len() < Summary::LIST_LIMIT {
        list.push(item);
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.shown(Summary::SHOWN_FAILURES).fmt(f)
    }
}

/// A [`Summary`] as text with at most so many failures listed: see
/// [`Summary::shown`].
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    summary: &'a Summary,
    max_failures: usize,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let summary = self.summary;
        // Migrated and outdated are said when there are any: a run either
        // migrates or only detects, and "0 outdated" after a migration that
        // failed everywhere would mislead.
        write!(
            f,
            "{}: {} current",
            counted(summary.documents, "document", "documents"),
            summary.current
        )?;
        if summary.migrated > 0 {
            write!(f, ", {} migrated", summary.migrated)?;
        }
        if summary.found_outdated > 0 {
            write!(f, ", {} outdated", summary.found_outdated)?;
        }
        if summary.newer > 0 {
            write!(f, ", {} newer (kept)", summary.newer)?;
        }
        write!(f, ", {} failed", summary.failed)?;
        if summary.blank_lines > 0 {
            write!(
                f,
                " ({} kept)",
                counted(summary.blank_lines, "blank line", "blank lines")
            )?;
        }
        writeln!(f)?;
        section(f, "source versions", &summary.versions)?;
        section(f, "steps applied", &summary.steps)?;
        section(f, "fields preserved", &summary.preserved)?;
        section(f, "fields defaulted", &summary.defaulted)?;
        section(f, "fields dropped", &summary.dropped)?;
        if !summary.lost.is_empty() {
            section(f, "values let go (lossy)", &summary.lost)?;
        }
        if !summary.unreadable.is_empty() {
            writeln!(f, "unreadable sources (nothing of them counted):")?;
            for unreadable in &summary.unreadable {
                writeln!(f, "  {unreadable}")?;
            }
        }
        if summary.failed > 0 {
            writeln!(f, "failures (kept unchanged):")?;
            for failure in summary.failures.iter().take(self.max_failures) {
                writeln!(f, "  {failure}")?;
            }
            let listed = summary.failures.len().min(self.max_failures) as u64;
            let omitted = summary.failed - listed;
            if omitted > 0 {
                writeln!(f, "  ... and {omitted} more")?;
            }
        }
        Ok(())
    }
}

/// `1 document`, `2 documents`.
fn counted(n: u64, one: &'static str, many: &'static str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn section<K: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    title: &str,
    map: &BTreeMap<K, u64>,
) -> fmt::Result {
    // Said even when empty: "nothing preserved" is an answer a reader of
    // the summary looks for.
    if map.is_empty() {
        return writeln!(f, "{title}: none");
    }
    writeln!(f, "{title}:")?;
    for (key, n) in map {
        writeln!(f, "  {key}: {n}")?;
    }
    Ok(())
}
