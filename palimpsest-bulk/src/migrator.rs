//! The migrator: its target, its mode and its batches, and what it tells
//! an observer.

use std::marker::PhantomData;
use std::sync::Arc;

use palimpsest::{Version, Versioned};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Document;

/// What a run does with each document that is not at the target version.
///
/// In every mode, a document is read the way a migration reads it: one
/// that a migration would fail on, or a current one that does not fit
/// `T`, is reported as [`Outcome::Failed`](crate::Outcome::Failed), so that a check and a dry run
/// predict what the migration will do.
///
/// ```
/// use palimpsest_bulk::Mode;
/// assert_eq!(Mode::default(), Mode::Migrate);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// Migrate it and write the result.
    #[default]
    Migrate,
    /// Migrate it and compute the [`Change`](crate::Change)s, for a dry run.
    Diff,
    /// Only say its version ([`Outcome::Outdated`](crate::Outcome::Outdated)): for checks and
    /// statistics, and the output gets every document unchanged.
    Detect,
}

/// Receives every document of a run, in input order, once it is processed.
///
/// [`Summary`](crate::Summary) is one; any `FnMut(Document)` closure is another.
///
/// ```
/// use palimpsest_bulk::{Document, Migrator, Observer, Outcome};
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

/// Migrates documents of `T` in bulk; see the [crate documentation](crate).
///
/// Built with [`Migrator::new`], then configured: [`to`](Migrator::to) an
/// older version, [`mode`](Migrator::mode), [`threads`](Migrator::threads),
/// [`max_document_bytes`](Migrator::max_document_bytes),
/// [`batch`](Migrator::batch). Run with [`jsonl`](Migrator::jsonl) on one
/// stream or [`run`](Migrator::run) on files and folders.
pub struct Migrator<T> {
    pub(crate) target: Version,
    /// Whether `target` is the current version of `T`: documents are then
    /// read into `T`, which the older versions it cannot describe are not.
    pub(crate) target_is_current: bool,
    pub(crate) mode: Mode,
    /// Whether a document written back as an older version may lose the
    /// values that version cannot hold; see [`Migrator::lossy`].
    pub(crate) lossy: bool,
    /// Whether a document newer than `T` knows is a failure rather than
    /// left as it is; see [`Migrator::fail_newer`].
    pub(crate) fail_newer: bool,
    pub(crate) max_document_bytes: u64,
    pub(crate) batch_documents: usize,
    pub(crate) batch_bytes: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
    /// What the steps of `T` may take, put in scope on every worker.
    pub(crate) context: Option<palimpsest::Context>,
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
    /// let migrator = palimpsest_bulk::Migrator::<Config>::new();
    /// assert_eq!(migrator.target().to_string(), "1");
    /// ```
    #[must_use]
    pub fn new() -> Self {
        let current = T::schema().current().clone();
        Self::with_target(current, true)
    }

    fn with_target(target: Version, target_is_current: bool) -> Self {
        Migrator {
            target,
            target_is_current,
            mode: Mode::Migrate,
            lossy: false,
            fail_newer: false,
            max_document_bytes: Self::MAX_DOCUMENT_BYTES,
            batch_documents: 128,
            batch_bytes: 4 << 20,
            pool: None,
            context: None,
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
    /// use palimpsest_bulk::{Migrator, Summary};
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
    pub fn to(self, version: &str) -> Result<Self, palimpsest::Error> {
        let schema = T::schema();
        let target = schema.version(version)?;
        let is_current = target == *schema.current();
        let mut migrator = Self::with_target(target, is_current);
        migrator.mode = self.mode;
        migrator.lossy = self.lossy;
        migrator.fail_newer = self.fail_newer;
        migrator.max_document_bytes = self.max_document_bytes;
        migrator.batch_documents = self.batch_documents;
        migrator.batch_bytes = self.batch_bytes;
        migrator.pool = self.pool;
        migrator.context = self.context;
        Ok(migrator)
    }

    /// Lets a document written back as an older version (see
    /// [`Migrator::to`]) lose the values that version cannot hold: fields
    /// added later that hold more than their default. Each value let go is
    /// listed in the document's report ([`palimpsest::Report::lost`]) and
    /// counted in [`Summary::lost`](crate::Summary::lost). Without it such a
    /// document fails with [`palimpsest::Error::WouldLose`] and is kept
    /// unchanged.
    ///
    /// ```
    /// # use palimpsest::{Schema, Step, Versioned};
    /// # use serde_json::json;
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 2).step(Step::new(0, 1))
    /// #             .step(Step::new(1, 2).add("tags", || json!([]))).build().unwrap())
    /// #     }
    /// # }
    /// use palimpsest_bulk::{Migrator, Summary};
    ///
    /// let doc = &br#"{"schema_version":2,"tags":["ci"]}"#[..];
    /// let mut summary = Summary::default();
    /// Migrator::<Config>::new().to("1")?.jsonl("-", doc, std::io::sink(), &mut summary)?;
    /// assert_eq!(summary.failed, 1);
    ///
    /// let (mut out, mut summary) = (Vec::new(), Summary::default());
    /// Migrator::<Config>::new().to("1")?.lossy(true).jsonl("-", doc, &mut out, &mut summary)?;
    /// assert_eq!(out, br#"{"schema_version":1}"#);
    /// assert_eq!(summary.lost["tags"], 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn lossy(mut self, lossy: bool) -> Self {
        self.lossy = lossy;
        self
    }

    /// Makes a document newer than the current version of `T` (written by
    /// a newer build) a failure, [`palimpsest::Error::NewerVersion`]. By
    /// default it is left as it is, copied through byte for byte, and
    /// counted as [`Outcome::Newer`](crate::Outcome::Newer): an old build
    /// migrating a shared corpus does not touch what a newer one wrote.
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
    /// use palimpsest_bulk::{Migrator, Summary};
    ///
    /// let doc = &br#"{"schema_version":2,"new":1}"#[..];
    /// let (mut out, mut summary) = (Vec::new(), Summary::default());
    /// Migrator::<Config>::new().jsonl("-", doc, &mut out, &mut summary)?;
    /// assert_eq!((summary.newer, summary.failed), (1, 0));
    /// assert_eq!(out, doc);
    ///
    /// let mut summary = Summary::default();
    /// Migrator::<Config>::new().fail_newer(true).jsonl("-", doc, std::io::sink(), &mut summary)?;
    /// assert_eq!((summary.newer, summary.failed), (0, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fail_newer(mut self, fail: bool) -> Self {
        self.fail_newer = fail;
        self
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
    /// use palimpsest_bulk::{Migrator, Mode, Summary};
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

    /// The context the steps and conversions of `T` read (see
    /// [`palimpsest::with_context`]), put in scope for every document, on
    /// whichever thread of the pool it is migrated.
    ///
    /// ```
    /// use palimpsest::{versioned, Context};
    /// use palimpsest_bulk::{Migrator, Summary};
    /// use serde::{Deserialize, Serialize};
    ///
    /// struct Tenant(&'static str);
    ///
    /// fn qualify(id: String, tenant: &Tenant) -> Result<String, String> {
    ///     Ok(format!("{}/{id}", tenant.0))
    /// }
    ///
    /// #[versioned(since = 1)]
    /// #[derive(Serialize, Deserialize)]
    /// struct Ticket {
    ///     #[converted(since = 2, with = qualify)]
    ///     id: String,
    /// }
    ///
    /// let input = b"{\"id\": \"7\"}\n{\"id\": \"8\"}\n";
    /// let migrator = Migrator::<Ticket>::new().context(Context::new().with(Tenant("acme")));
    /// let mut out = Vec::new();
    /// migrator.jsonl("-", &input[..], &mut out, &mut Summary::default())?;
    /// assert_eq!(
    ///     String::from_utf8(out)?,
    ///     "{\"schema_version\":2,\"id\":\"acme/7\"}\n{\"schema_version\":2,\"id\":\"acme/8\"}\n"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn context(mut self, context: palimpsest::Context) -> Self {
        self.context = Some(context);
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
    /// let one = palimpsest_bulk::Migrator::<Config>::new().threads(1)?;
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
    /// as [`BulkError::TooLarge`](crate::BulkError::TooLarge), so one huge line never holds the memory.
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
    /// use palimpsest_bulk::{Migrator, Summary};
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
    /// let small = palimpsest_bulk::Migrator::<Config>::new().batch(64, 1 << 20);
    /// ```
    #[must_use]
    pub fn batch(mut self, documents: usize, bytes: usize) -> Self {
        self.batch_documents = documents.max(1);
        self.batch_bytes = bytes.max(1);
        self
    }

    pub(crate) fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}
