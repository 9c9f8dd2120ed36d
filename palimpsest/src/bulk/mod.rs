//! Bulk migration: whole corpora of documents of one versioned type, in
//! constant memory, on all cores, with a report.
//!
//! A [`Migrator`] reads JSONL streams (one document a line), `.json` files
//! (one document each) and folders of both, walked recursively in sorted
//! order. Documents go through in bounded batches: a batch is read, its
//! documents are processed in parallel (rayon), and the results are
//! written in input order, so memory depends on the batch size, never on
//! the corpus.
//!
//! Per document: a document already at the target version is copied
//! through byte for byte (one validating scan, no tree built when it is
//! stamped as palimpsest writes it); an older one is read with
//! [`from_value`](crate::from_value) (migrated and validated into `T`) and
//! written with its version first. A document that fails (invalid JSON or
//! UTF-8, a failing step, a result that does not fit `T`, over the size
//! limit) goes to the output unchanged and is reported with its source and
//! line: nothing is ever lost. A UTF-8 byte-order mark at the start of a
//! file or stream is not part of its first document; it is kept in the
//! file's output (not between the documents of a stream that joins many).
//!
//! # What a run refuses, before it writes anything
//!
//! [`Migrator::run`] first walks the inputs (paths only, so memory grows
//! with the number of files, not their size) and checks its
//! [`Destination`] against them; see [`Migrator::plan`]. It refuses:
//!
//! - an input that does not exist, or a folder it cannot list
//!   ([`RunError::Unreadable`]): the run would otherwise be partial, and a
//!   typo would pass for an empty corpus;
//! - an output file that is an input, or lies inside an input folder
//!   ([`Clash::IsInput`], [`Clash::InsideInput`]): opening it for writing
//!   would destroy the input before it is read, or the walk would read
//!   the output as a source. Links, `..` and hard links are seen through;
//! - an output folder that is, contains or lies inside an input
//!   ([`Clash::ContainsInput`]): its mirrored files could land on inputs;
//! - two sources written to one file ([`Clash::SharedTarget`]): the second
//!   would overwrite the first.
//!
//! Files a caller writes beside a run (a file of rejects) are checked with
//! [`check_output`].
//!
//! # Temporary files
//!
//! Files are replaced crash-safely: written beside the target (a link is
//! followed to the file it points to) as `.<name>.<pid>-<n>.palimpsest-tmp`,
//! fsynced, renamed over it. The ones this process is writing are
//! registered, and [`remove_temporary_files`] removes them from a signal
//! handler. Leftovers of a killed run are removed by the next run that
//! writes into their folder, once per folder, when the process that wrote
//! them no longer exists (told by `/proc` on Linux). Elsewhere they are
//! kept: they are hidden, and no walk reads them. On Linux, a run in
//! another PID namespace (a container) writing into the same folder at the
//! same time is not seen; its temporary file may be removed, which fails
//! its rename and leaves that target old, never lost.
//!
//! ```
//! use std::sync::OnceLock;
//! use palimpsest::bulk::{Migrator, Summary};
//! use palimpsest::{Schema, Step, Versioned};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Config {
//!     capacity: u32,
//! }
//!
//! impl Versioned for Config {
//!     fn schema() -> &'static Schema {
//!         static SCHEMA: OnceLock<Schema> = OnceLock::new();
//!         SCHEMA.get_or_init(|| {
//!             Schema::integer("Config", 2)
//!                 .step(Step::new(0, 1))
//!                 .step(Step::new(1, 2).rename("size", "capacity"))
//!                 .build()
//!                 .expect("the Config schema is valid")
//!         })
//!     }
//! }
//!
//! let old = "{\"size\":1}\n\n{\"schema_version\": 1, \"size\": 2}\n{oops\n";
//! let mut new = Vec::new();
//! let mut summary = Summary::default();
//! Migrator::<Config>::new().jsonl("old.jsonl", old.as_bytes(), &mut new, &mut summary)?;
//! assert_eq!(
//!     String::from_utf8(new).unwrap(),
//!     "{\"schema_version\":2,\"capacity\":1}\n\n{\"schema_version\":2,\"capacity\":2}\n{oops\n"
//! );
//! assert_eq!(summary.failures[0].line, Some(4));
//! # Ok::<(), std::io::Error>(())
//! ```

mod diff;
mod document;
mod fs;
mod paths;
mod report;
mod run;
mod stream;
mod temp;

use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::schema::Versioned;
use crate::version::Version;

pub use diff::{diff, Change};
pub use fs::{sources, Source, Sources};
pub use paths::{check_output, Clash};
pub use report::{BulkError, Document, Failure, Located, Outcome, Summary};
pub use run::{Destination, Plan, RunError};
pub use temp::remove_temporary_files;

/// What a run does with each document that is not at the target version.
///
/// ```
/// use palimpsest::bulk::Mode;
/// assert_eq!(Mode::default(), Mode::Migrate);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// Migrate it and write the result.
    #[default]
    Migrate,
    /// Migrate it and compute the [`Change`]s, for a dry run.
    Diff,
    /// Only detect its version ([`Outcome::Outdated`]): for checks and
    /// statistics, and the output gets every document unchanged.
    Detect,
}

/// Receives every document of a run, in input order, once it is processed.
///
/// [`Summary`] is one; any `FnMut(Document)` closure is another.
///
/// ```
/// use palimpsest::bulk::{Document, Migrator, Observer, Outcome};
/// # use palimpsest::{Schema, Versioned};
/// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
/// # impl Versioned for Config {
/// #     fn schema() -> &'static Schema {
/// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
/// #         S.get_or_init(|| Schema::integer("Config", 1).build().unwrap())
/// #     }
/// # }
/// let mut lines = Vec::new();
/// let mut observer = |document: Document<'_>| {
///     if matches!(document.outcome, Outcome::Blank) {
///         lines.push(document.line);
///     }
/// };
/// Migrator::<Config>::new().jsonl("-", &b"{}\n\n{}\n"[..], std::io::sink(), &mut observer)?;
/// assert_eq!(lines, [Some(2)]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait Observer {
    /// Called once per document (and per source that could not be read).
    fn document(&mut self, document: Document<'_>);
}

impl<F: FnMut(Document<'_>)> Observer for F {
    fn document(&mut self, document: Document<'_>) {
        self(document);
    }
}

/// Migrates documents of `T` in bulk; see the [module documentation](self).
///
/// Built with [`Migrator::new`], then configured: [`to`](Migrator::to) an
/// older version, [`mode`](Migrator::mode), [`threads`](Migrator::threads),
/// [`max_document_bytes`](Migrator::max_document_bytes),
/// [`batch`](Migrator::batch). Run with [`jsonl`](Migrator::jsonl) on one
/// stream or [`run`](Migrator::run) on files and folders.
pub struct Migrator<T> {
    target: Version,
    target_is_current: bool,
    /// `{"<key>":<target>`, the stamp a document written by palimpsest starts with.
    stamp: Vec<u8>,
    /// The length of `{"<key>":` within `stamp`.
    key_len: usize,
    mode: Mode,
    max_document_bytes: u64,
    batch_documents: usize,
    batch_bytes: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
    _type: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Migrator<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("target", &self.target)
            .field("mode", &self.mode)
            .field("max_document_bytes", &self.max_document_bytes)
            .field("batch_documents", &self.batch_documents)
            .field("batch_bytes", &self.batch_bytes)
            .finish_non_exhaustive()
    }
}

impl<T> Default for Migrator<T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Migrator<T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    /// The default size limit of one document: 64 MiB.
    pub const MAX_DOCUMENT_BYTES: u64 = 64 << 20;

    /// A migrator to the current version of `T`, on rayon's global pool,
    /// in batches of at most 128 documents or 4 MiB.
    ///
    /// ```
    /// # use palimpsest::{Schema, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).build().unwrap())
    /// #     }
    /// # }
    /// let migrator = palimpsest::bulk::Migrator::<Config>::new();
    /// assert_eq!(migrator.target().to_string(), "1");
    /// ```
    #[must_use]
    pub fn new() -> Self {
        let current = T::schema().current().clone();
        Self::with_target(current, true)
    }

    fn with_target(target: Version, target_is_current: bool) -> Self {
        let key = serde_json::to_string(T::schema().key()).unwrap_or_default();
        let mut stamp = format!("{{{key}:").into_bytes();
        let key_len = stamp.len();
        stamp.extend_from_slice(target.to_value().to_string().as_bytes());
        Migrator {
            target,
            target_is_current,
            stamp,
            key_len,
            mode: Mode::Migrate,
            max_document_bytes: Self::MAX_DOCUMENT_BYTES,
            batch_documents: 128,
            batch_bytes: 4 << 20,
            pool: None,
            _type: PhantomData,
        }
    }

    /// Targets an older version than the current one, for readers that have
    /// not upgraded: documents are migrated as trees (`T` describes only the
    /// current version) and written with the version key first.
    ///
    /// ```
    /// # use palimpsest::{Schema, Step, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 2).step(Step::new(0, 1).rename("a", "b"))
    /// #             .step(Step::new(1, 2)).build().unwrap())
    /// #     }
    /// # }
    /// use palimpsest::bulk::{Migrator, Summary};
    ///
    /// let migrator = Migrator::<Config>::new().to("1")?;
    /// let mut out = Vec::new();
    /// migrator.jsonl("-", &br#"{"a":1}"#[..], &mut out, &mut Summary::default())?;
    /// assert_eq!(out, br#"{"schema_version":1,"b":1}"#);
    /// assert!(Migrator::<Config>::new().to("7").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The version does not parse, or is not one the history of `T` names.
    pub fn to(self, version: &str) -> Result<Self, crate::Error> {
        let schema = T::schema();
        let target = schema.check_known(schema.parse_version(version)?)?;
        let is_current = target == *schema.current();
        let mut migrator = Self::with_target(target, is_current);
        migrator.mode = self.mode;
        migrator.max_document_bytes = self.max_document_bytes;
        migrator.batch_documents = self.batch_documents;
        migrator.batch_bytes = self.batch_bytes;
        migrator.pool = self.pool;
        Ok(migrator)
    }

    /// The version documents are migrated to.
    #[must_use]
    pub fn target(&self) -> &Version {
        &self.target
    }

    /// What to do with old documents; see [`Mode`].
    ///
    /// ```
    /// # use palimpsest::{Schema, Step, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).step(Step::new(0, 1)).build().unwrap())
    /// #     }
    /// # }
    /// use palimpsest::bulk::{Migrator, Mode, Summary};
    ///
    /// let mut summary = Summary::default();
    /// let detect = Migrator::<Config>::new().mode(Mode::Detect);
    /// detect.jsonl("-", &b"{}\n"[..], std::io::sink(), &mut summary)?;
    /// assert!(!summary.is_clean());
    /// assert_eq!(summary.outdated[0].to_string(), "-:1: version 0");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Runs on a pool of its own with `threads` threads, instead of rayon's
    /// global pool (one thread per core).
    ///
    /// ```
    /// # use palimpsest::{Schema, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).build().unwrap())
    /// #     }
    /// # }
    /// let one = palimpsest::bulk::Migrator::<Config>::new().threads(1)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The pool's threads cannot be started.
    pub fn threads(mut self, threads: usize) -> std::io::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("palimpsest-bulk-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        self.pool = Some(Arc::new(pool));
        Ok(self)
    }

    /// The size limit of one document. A larger JSONL line or `.json` file
    /// is not parsed: it is streamed to the output unchanged and reported
    /// as [`BulkError::TooLarge`], so one huge line never holds the memory.
    ///
    /// ```
    /// # use palimpsest::{Schema, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).build().unwrap())
    /// #     }
    /// # }
    /// use palimpsest::bulk::{Migrator, Summary};
    ///
    /// let input = format!("{{\"big\":\"{}\"}}\n{{}}\n", "x".repeat(100));
    /// let (mut out, mut summary) = (Vec::new(), Summary::default());
    /// Migrator::<Config>::new().max_document_bytes(64).jsonl("-", input.as_bytes(), &mut out, &mut summary)?;
    /// assert_eq!(out, input.as_bytes());
    /// assert_eq!(summary.failures[0].error.kind(), "too_large");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn max_document_bytes(mut self, bytes: u64) -> Self {
        self.max_document_bytes = bytes.max(1);
        self
    }

    /// The size of a batch: at most `documents` documents, and no more
    /// documents once `bytes` are read. Peak memory is about three times
    /// `bytes` (input, output, and the trees being migrated).
    ///
    /// ```
    /// # use palimpsest::{Schema, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).build().unwrap())
    /// #     }
    /// # }
    /// let small = palimpsest::bulk::Migrator::<Config>::new().batch(64, 1 << 20);
    /// ```
    #[must_use]
    pub fn batch(mut self, documents: usize, bytes: usize) -> Self {
        self.batch_documents = documents.max(1);
        self.batch_bytes = bytes.max(1);
        self
    }

    fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}
