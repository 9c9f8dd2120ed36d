//! Runs over files and folders: where each source's documents go.

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use palimpsest::Versioned;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::document::Processed;
use crate::fs::{sources, Replacement, Source};
use crate::paths::{file_id, resolve, Clash, Inputs, Targets};
use crate::report::{BulkError, Document, Outcome};
use crate::stream::{split_bom, Sinks, Streamed};
use crate::temp::Sweeper;
use crate::{Migrator, Observer};

/// Where the documents of a [`Migrator::run`] go.
#[non_exhaustive]
pub enum Destination<'a> {
    /// Nowhere: checks, statistics and dry runs.
    Discard,
    /// One JSONL stream, every document in input order (a `.json` document
    /// as its bytes, given a final newline).
    Stream(&'a mut dyn Write),
    /// One JSONL file, written beside and renamed into place when complete.
    /// A symbolic link is followed: the file it points to is written.
    File(PathBuf),
    /// A folder: each source is written at its path relative to the input
    /// it was found under (see [`Source::relative`]), crash-safely, links
    /// followed as with `File`.
    Mirror(PathBuf),
    /// Each source that has a migrated document is replaced by its new
    /// content: written beside, fsynced, renamed over the original, and the
    /// folder fsynced. A kill at any moment leaves every file either fully
    /// old or fully new. Sources with nothing to migrate are not touched.
    ///
    /// A source that is a symbolic link is followed: the file it points to
    /// is replaced (its temporary file written in that file's folder, so
    /// the rename stays on one file system), and the link stays a link.
    InPlace,
}

impl std::fmt::Debug for Destination<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Discard => f.write_str("Discard"),
            Destination::Stream(_) => f.write_str("Stream(..)"),
            Destination::File(path) => f.debug_tuple("File").field(path).finish(),
            Destination::Mirror(path) => f.debug_tuple("Mirror").field(path).finish(),
            Destination::InPlace => f.write_str("InPlace"),
        }
    }
}

/// Why a [`Migrator::run`] stopped. The first two are found before
/// anything is read or written.
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
/// use palimpsest_bulk::{Destination, Migrator, RunError, Summary};
///
/// let dir = tempfile::tempdir()?;
/// let missing = dir.path().join("missing.jsonl");
/// let ran = Migrator::<Config>::new().run(&[missing], Destination::Discard, None, &mut Summary::default());
/// let Err(RunError::Unreadable { path, source }) = ran else { panic!("{ran:?}") };
/// assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// An input does not exist, or a folder under the inputs cannot be
    /// listed.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The input or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The destination clashes with the inputs; see [`Clash`].
    #[error(transparent)]
    Clash(#[from] Clash),
    /// Writing failed: the output, a file of the output folder, a
    /// replacement file, or the rejects.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// For callers that handle every failure as an [`io::Error`]: a clash is
/// [`io::ErrorKind::InvalidInput`], and the [`RunError`] stays inside.
impl From<RunError> for io::Error {
    fn from(error: RunError) -> Self {
        match error {
            RunError::Io(error) => error,
            RunError::Unreadable { ref source, .. } => io::Error::new(source.kind(), error),
            RunError::Clash(_) => io::Error::new(io::ErrorKind::InvalidInput, error),
        }
    }
}

/// A run whose sources are walked and whose destination is checked, ready
/// to start: see [`Migrator::plan`].
pub struct Plan<'m, 'd, T> {
    migrator: &'m Migrator<T>,
    sources: Vec<Source>,
    destination: Destination<'d>,
}

impl<T> std::fmt::Debug for Plan<'_, '_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("sources", &self.sources)
            .field("destination", &self.destination)
            .finish_non_exhaustive()
    }
}

/// A whole-file document read for a batch.
enum Read1 {
    Done(Vec<u8>, Box<Processed>),
    /// Too large to read: its size.
    TooLarge(u64),
    Failed(BulkError),
}

impl<T> Migrator<T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    /// Runs over files and folders (see [`sources`] for what is read), in
    /// order, sending every document to `observer` and failed ones, as
    /// JSONL, to `rejects` too: [`plan`](Migrator::plan), then
    /// [`Plan::run`].
    ///
    /// A file found in a folder that cannot be read is reported as a
    /// failure with its path, and the run goes on.
    ///
    /// ```
    /// # use palimpsest::{Schema, Step, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config { capacity: u32 }
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).step(Step::new(0, 1).rename("size", "capacity")).build().unwrap())
    /// #     }
    /// # }
    /// use palimpsest_bulk::{Destination, Migrator, Summary};
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("a.json"), r#"{"size": 3}"#)?;
    /// std::fs::write(dir.path().join("b.jsonl"), "{\"schema_version\":1,\"capacity\":1}\n")?;
    /// let mut summary = Summary::default();
    /// Migrator::<Config>::new().run(&[dir.path().into()], Destination::InPlace, None, &mut summary)?;
    /// assert_eq!(std::fs::read_to_string(dir.path().join("a.json"))?, r#"{"schema_version":1,"capacity":3}"#);
    /// assert_eq!((summary.migrated, summary.current), (1, 1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Before anything is written: [`RunError::Unreadable`] and
    /// [`RunError::Clash`], see [`plan`](Migrator::plan). Then
    /// [`RunError::Io`] when writing fails.
    pub fn run(
        &self,
        inputs: &[PathBuf],
        destination: Destination<'_>,
        rejects: Option<&mut dyn Write>,
        observer: &mut dyn Observer,
    ) -> Result<(), RunError> {
        self.plan(inputs, destination)?.run(rejects, observer)
    }

    /// Walks the inputs (paths only) and checks the destination against
    /// them, before anything is opened for writing:
    ///
    /// - every input must exist, and every folder under them be listable;
    /// - a [`Destination::File`] must not be an input nor lie inside an
    ///   input folder (see [`check_output`](crate::check_output));
    /// - a [`Destination::Mirror`] folder must not be an input, lie inside
    ///   one or contain one, and none of its files (followed through links)
    ///   may be an input;
    /// - with [`Destination::Mirror`] and [`Destination::InPlace`], no two
    ///   sources may be written to the same file.
    ///
    /// A caller that writes files of its own beside the run checks them
    /// with [`check_output`](crate::check_output) between this and [`Plan::run`].
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
    /// use palimpsest_bulk::{Clash, Destination, Migrator, RunError};
    ///
    /// let dir = tempfile::tempdir()?;
    /// for folder in ["a", "b"] {
    ///     std::fs::create_dir(dir.path().join(folder))?;
    ///     std::fs::write(dir.path().join(folder).join("t.jsonl"), "{}\n")?;
    /// }
    /// let inputs = [dir.path().join("a/t.jsonl"), dir.path().join("b/t.jsonl")];
    /// let out = dir.path().join("out");
    /// let migrator = Migrator::<Config>::new();
    /// let refused = migrator.plan(&inputs, Destination::Mirror(out.clone())).unwrap_err();
    /// assert!(matches!(refused, RunError::Clash(Clash::SharedTarget { .. })));
    /// assert!(!out.exists(), "nothing was written");
    ///
    /// let plan = migrator.plan(&inputs[..1], Destination::Mirror(out.clone()))?;
    /// assert_eq!(plan.sources().len(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RunError::Unreadable`] for the first input that does not exist or
    /// folder that cannot be listed; [`RunError::Clash`] for the first
    /// clash found.
    pub fn plan<'d>(
        &self,
        inputs: &[PathBuf],
        destination: Destination<'d>,
    ) -> Result<Plan<'_, 'd, T>, RunError> {
        let sources = sources(inputs)
            .collect::<Result<Vec<Source>, _>>()
            .map_err(|(path, source)| RunError::Unreadable { path, source })?;
        let checked = Inputs::new(inputs);
        match &destination {
            Destination::File(path) => checked.check_file(path)?,
            Destination::Mirror(root) => {
                checked.check_folder(root)?;
                // Only an existing folder can hold links that lead a file
                // elsewhere; in a new one, files are told apart by name.
                let existing = root.exists();
                let mut targets = Targets::default();
                for source in &sources {
                    let target = root.join(&source.relative);
                    let shown = source.path.as_deref().unwrap_or(Path::new("-"));
                    if existing {
                        let resolved = resolve(&target);
                        checked.check_resolved(&target, &resolved)?;
                        targets.claim(resolved, shown, &target)?;
                    } else {
                        targets.claim(target.clone(), shown, &target)?;
                    }
                }
            }
            Destination::InPlace => {
                // By identity: one stat a source sees through links, `..`
                // and the same file given twice. A source that cannot be
                // read is not written, and is reported by the run.
                let mut targets = Targets::default();
                for path in sources.iter().filter_map(|s| s.path.as_deref()) {
                    if let Some(id) = file_id(path) {
                        targets.claim(id, path, path)?;
                    }
                }
            }
            Destination::Discard | Destination::Stream(_) => {}
        }
        Ok(Plan {
            migrator: self,
            sources,
            destination,
        })
    }
}

impl<T> Plan<'_, '_, T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    /// The sources the run will read, in order.
    #[must_use]
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Checks that a file written beside this run (a file of rejects) is
    /// none of the files the run writes: the output file, or a file of the
    /// output folder, which one would overwrite with the other. Check it
    /// against the inputs too, with [`check_output`](crate::check_output).
    ///
    /// ```
    /// use palimpsest_bulk::{Clash, Destination, Migrator};
    /// # use palimpsest::{Schema, Versioned};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize)]
    /// # struct Note { text: String }
    /// # impl Versioned for Note {
    /// #     fn schema() -> &'static Schema {
    /// #         static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         SCHEMA.get_or_init(|| Schema::integer("Note", 1).build().unwrap())
    /// #     }
    /// # }
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("notes.jsonl"), "")?;
    /// let inputs = [dir.path().join("notes.jsonl")];
    /// let out = dir.path().join("out");
    /// let migrator = Migrator::<Note>::new();
    /// let plan = migrator.plan(&inputs, Destination::Mirror(out.clone())).unwrap();
    /// assert!(plan.check_beside(&dir.path().join("rejects.jsonl")).is_ok());
    /// let clash = plan.check_beside(&out.join("notes.jsonl"));
    /// assert!(matches!(clash, Err(Clash::WrittenByRun { .. })));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Clash::WrittenByRun`], naming the file and the source written to
    /// it.
    pub fn check_beside(&self, output: &Path) -> Result<(), Clash> {
        let resolved = resolve(output);
        let clash = |input: &Path| Clash::WrittenByRun {
            output: output.to_path_buf(),
            input: input.to_path_buf(),
        };
        match &self.destination {
            Destination::File(path) if resolve(path) == resolved => {
                let first = self.sources.first().and_then(|s| s.path.as_deref());
                Err(clash(first.unwrap_or(Path::new("-"))))
            }
            Destination::Mirror(root) => {
                for source in &self.sources {
                    if resolve(&root.join(&source.relative)) == resolved {
                        return Err(clash(source.path.as_deref().unwrap_or(Path::new("-"))));
                    }
                }
                Ok(())
            }
            // In place, the files written are the inputs, which
            // `check_output` refuses.
            _ => Ok(()),
        }
    }

    /// Runs: see [`Migrator::run`].
    ///
    /// # Errors
    ///
    /// Writing failed: the output, a file of the output folder, a
    /// replacement file, or the rejects ([`RunError::Io`]).
    pub fn run(
        self,
        mut rejects: Option<&mut dyn Write>,
        observer: &mut dyn Observer,
    ) -> Result<(), RunError> {
        let Plan {
            migrator,
            sources,
            destination,
        } = self;
        let mut sweeper = Sweeper::default();
        let mut file = match &destination {
            Destination::File(path) => Some(begin(path, &mut sweeper)?),
            _ => None,
        };
        let mut sink = io::sink();
        let target = match (destination, file.as_mut()) {
            (_, Some(file)) => Target::Stream(file),
            (Destination::Stream(out), _) => Target::Stream(&mut *out),
            (Destination::Discard, _) => Target::Stream(&mut sink),
            (Destination::Mirror(root), _) => Target::Mirror(root),
            (_, None) => Target::InPlace,
        };
        let mut run = Run {
            migrator,
            target,
            rejects: reborrow(&mut rejects),
            observer: &mut *observer,
            sweeper,
            stream_started: false,
        };
        let mut documents: Vec<Source> = Vec::new();
        for source in sources {
            if source.whole {
                documents.push(source);
                if documents.len() >= migrator.batch_documents.min(256) {
                    run.documents(&mut documents)?;
                }
            } else {
                run.documents(&mut documents)?;
                run.jsonl(&source)?;
            }
        }
        run.documents(&mut documents)?;
        if let Target::Stream(stream) = run.target {
            stream.flush()?;
        }
        if let Some(rejects) = run.rejects {
            rejects.flush()?;
        }
        if let Some(file) = file {
            file.commit()?;
        }
        Ok(())
    }
}

/// A [`Destination`] once its file, if any, is open.
enum Target<'r> {
    Stream(&'r mut dyn Write),
    Mirror(PathBuf),
    InPlace,
}

struct Run<'r, T> {
    migrator: &'r Migrator<T>,
    target: Target<'r>,
    rejects: Option<&'r mut dyn Write>,
    observer: &'r mut dyn Observer,
    sweeper: Sweeper,
    /// Whether anything went to a [`Target::Stream`] yet: a byte-order
    /// mark is kept only at the very start of a stream, never between
    /// documents.
    stream_started: bool,
}

impl<T> Run<'_, T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    fn unreadable(&mut self, shown: &str, error: io::Error) {
        self.observer.document(Document {
            source: shown,
            line: None,
            original: &[],
            outcome: Outcome::Failed(BulkError::Read(error)),
        });
    }

    /// Where a source's new content goes when it is written file by file.
    fn target(&self, source: &Source) -> Option<PathBuf> {
        match &self.target {
            Target::Mirror(root) => Some(root.join(&source.relative)),
            Target::InPlace => source.path.clone(),
            Target::Stream(_) => None,
        }
    }

    fn stream(&mut self) -> Option<&mut dyn Write> {
        match &mut self.target {
            Target::Stream(out) => Some(&mut **out),
            _ => None,
        }
    }

    fn in_place(&self) -> bool {
        matches!(self.target, Target::InPlace)
    }

    /// Whether the next source written to the stream keeps its byte-order
    /// mark: only the first.
    fn stream_keeps_bom(&mut self) -> bool {
        !std::mem::replace(&mut self.stream_started, true)
    }

    fn begin(&mut self, target: &Path) -> io::Result<Replacement> {
        begin(target, &mut self.sweeper)
    }

    fn jsonl(&mut self, source: &Source) -> io::Result<()> {
        let shown = source.shown();
        let input: Box<dyn Read> = match &source.path {
            None => Box::new(io::stdin().lock()),
            Some(path) => match File::open(path) {
                Ok(file) => Box::new(file),
                Err(error) => {
                    self.unreadable(&shown, error);
                    return Ok(());
                }
            },
        };
        let mut reader = BufReader::with_capacity(1 << 20, input);
        if source.path.is_some() && matches!(io::BufRead::fill_buf(&mut reader), Ok([])) {
            // A log with no line at all is worth a look: reported, and an
            // output folder gets it as it is.
            if let (Some(target), false) = (self.target(source), self.in_place()) {
                self.begin(&target)?.commit()?;
            }
            self.observer.document(Document {
                source: &shown,
                line: None,
                original: &[],
                outcome: Outcome::Failed(BulkError::Empty),
            });
            return Ok(());
        }
        if matches!(self.target, Target::Stream(_)) {
            let keep_bom = self.stream_keeps_bom();
            let Target::Stream(output) = &mut self.target else {
                return Ok(());
            };
            let mut sinks = Sinks {
                output: &mut **output,
                rejects: reborrow(&mut self.rejects),
                keep_bom,
            };
            self.migrator
                .stream(&shown, &mut reader, &mut sinks, self.observer)?;
            return Ok(());
        }
        let Some(target) = self.target(source) else {
            return Ok(());
        };
        let mut replacement = self.begin(&target)?;
        let mut sinks = Sinks {
            output: &mut replacement,
            rejects: reborrow(&mut self.rejects),
            keep_bom: true,
        };
        let Streamed { migrated, complete } =
            self.migrator
                .stream(&shown, &mut reader, &mut sinks, self.observer)?;
        if complete && (migrated > 0 || !self.in_place()) {
            replacement.commit()?;
        }
        Ok(())
    }

    /// Processes a batch of whole-file documents in parallel, then writes
    /// them in order.
    fn documents(&mut self, batch: &mut Vec<Source>) -> io::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let migrator = self.migrator;
        let limit = migrator.max_document_bytes;
        let results: Vec<Read1> = migrator.install(|| {
            batch
                .par_iter()
                .map(
                    |source| match read_document(source.path.as_deref(), limit) {
                        // A byte-order mark is not part of the document.
                        Ok(bytes) if split_bom(&bytes).1.iter().all(u8::is_ascii_whitespace) => {
                            Read1::Failed(BulkError::Empty)
                        }
                        Ok(bytes) => {
                            let processed = migrator.process(split_bom(&bytes).1);
                            Read1::Done(bytes, Box::new(processed))
                        }
                        Err(ReadError::TooLarge(size)) => Read1::TooLarge(size),
                        Err(ReadError::Io(error)) => Read1::Failed(BulkError::Read(error)),
                    },
                )
                .collect()
        });
        for (source, result) in batch.drain(..).zip(results) {
            self.document(&source, result)?;
        }
        Ok(())
    }

    fn document(&mut self, source: &Source, result: Read1) -> io::Result<()> {
        let shown = source.shown();
        let (original, outcome, output) = match result {
            Read1::Done(original, processed) => (original, processed.outcome, processed.output),
            Read1::TooLarge(bytes) => {
                self.copy_whole(source)?;
                let limit = self.migrator.max_document_bytes;
                let outcome = Outcome::Failed(BulkError::TooLarge { bytes, limit });
                self.observer.document(Document {
                    source: &shown,
                    line: None,
                    original: &[],
                    outcome,
                });
                return Ok(());
            }
            Read1::Failed(BulkError::Read(error)) => {
                self.unreadable(&shown, error);
                return Ok(());
            }
            Read1::Failed(error) => (Vec::new(), Outcome::Failed(error), None),
        };
        let (bom, body) = split_bom(&original);
        if matches!(outcome, Outcome::Failed(_)) {
            if let Some(rejects) = reborrow(&mut self.rejects) {
                write_line(rejects, body)?;
            }
        }
        let new = output.as_deref();
        let in_place = self.in_place();
        if matches!(self.target, Target::Stream(_)) {
            let bom = if self.stream_keeps_bom() { bom } else { &[] };
            if let Some(stream) = self.stream() {
                stream.write_all(bom)?;
                write_line(stream, new.unwrap_or(body))?;
            }
        } else if let Some(target) = self.target(source) {
            if new.is_some() || !in_place {
                let mut replacement = self.begin(&target)?;
                match new {
                    Some(new) => {
                        replacement.write_all(bom)?;
                        replacement.write_all(new)?;
                        // A migrated file keeps the final newline the original had.
                        if original.ends_with(b"\n") {
                            replacement.write_all(b"\n")?;
                        }
                    }
                    None => replacement.write_all(&original)?,
                }
                replacement.commit()?;
            }
        }
        self.observer.document(Document {
            source: &shown,
            line: None,
            original: body,
            outcome,
        });
        Ok(())
    }

    /// Copies a document too large to read, unchanged, where it goes.
    fn copy_whole(&mut self, source: &Source) -> io::Result<()> {
        let Some(path) = &source.path else {
            return Ok(());
        };
        let in_place = self.in_place();
        let copy_to = |out: &mut dyn Write| -> io::Result<()> {
            io::copy(&mut File::open(path)?, out)?;
            Ok(())
        };
        if let Some(rejects) = reborrow(&mut self.rejects) {
            copy_to(rejects)?;
            rejects.write_all(b"\n")?;
        }
        if matches!(self.target, Target::Stream(_)) {
            self.stream_started = true;
        }
        if let Some(stream) = self.stream() {
            copy_to(stream)?;
            stream.write_all(b"\n")?;
        } else if let (Some(target), false) = (self.target(source), in_place) {
            let mut replacement = self.begin(&target)?;
            copy_to(&mut replacement)?;
            replacement.commit()?;
        }
        Ok(())
    }
}

/// Shortens the lifetime of a borrowed writer, which `as_deref_mut` cannot
/// do behind `&mut`.
fn reborrow<'s>(writer: &'s mut Option<&mut dyn Write>) -> Option<&'s mut dyn Write> {
    match writer {
        Some(writer) => Some(&mut **writer),
        None => None,
    }
}

fn begin(target: &Path, sweeper: &mut Sweeper) -> io::Result<Replacement> {
    if let Some(parent) = target.parent() {
        if !parent.as_os_str().is_empty() {
            fs::create_dir_all(parent)?;
        }
    }
    Replacement::begin(target, sweeper)
}

/// Writes a document as one JSONL line: its bytes and a newline if it has none.
fn write_line(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(bytes)?;
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    Ok(())
}

enum ReadError {
    TooLarge(u64),
    Io(io::Error),
}

fn read_document(path: Option<&Path>, limit: u64) -> Result<Vec<u8>, ReadError> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let mut file = File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > limit {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The file may grow while it is read: never past the limit.
    Read::by_ref(&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}
