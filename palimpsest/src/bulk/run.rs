//! Runs over files and folders: where each source's documents go.

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::bulk::document::Processed;
use crate::bulk::fs::{sources, Replacement, Source};
use crate::bulk::report::{BulkError, Document, Outcome};
use crate::bulk::stream::{Sinks, Streamed};
use crate::bulk::{Migrator, Observer};
use crate::schema::Versioned;

/// Where the documents of a [`Migrator::run`] go.
#[non_exhaustive]
pub enum Destination<'a> {
    /// Nowhere: checks, statistics and dry runs.
    Discard,
    /// One JSONL stream, every document in input order (a `.json` document
    /// as its bytes, given a final newline).
    Stream(&'a mut dyn Write),
    /// One JSONL file, written beside and renamed into place when complete.
    File(PathBuf),
    /// A folder: each source is written at its path relative to the input
    /// it was found under (see [`Source::relative`]), crash-safely.
    Mirror(PathBuf),
    /// Each source that has a migrated document is replaced by its new
    /// content: written beside, fsynced, renamed over the original, and the
    /// folder fsynced. A kill at any moment leaves every file either fully
    /// old or fully new. Sources with nothing to migrate are not touched.
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

/// A whole-file document read for a batch.
enum Read1 {
    Done(Vec<u8>, Processed),
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
    /// JSONL, to `rejects` too.
    ///
    /// A source that cannot be read, or a folder that cannot be listed, is
    /// reported as a failure with its path and the run goes on.
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
    /// use palimpsest::bulk::{Destination, Migrator, Summary};
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
    /// Writing failed: the output, a file of the output folder, a
    /// replacement file, or the rejects.
    pub fn run(
        &self,
        inputs: &[PathBuf],
        destination: Destination<'_>,
        mut rejects: Option<&mut dyn Write>,
        observer: &mut dyn Observer,
    ) -> io::Result<()> {
        let mut file = match &destination {
            Destination::File(path) => Some(begin(path)?),
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
            migrator: self,
            target,
            rejects: reborrow(&mut rejects),
            observer: &mut *observer,
        };
        let mut documents: Vec<Source> = Vec::new();
        for source in sources(inputs) {
            match source {
                Ok(source) if source.whole => {
                    documents.push(source);
                    if documents.len() >= self.batch_documents.min(256) {
                        run.documents(&mut documents)?;
                    }
                }
                Ok(source) => {
                    run.documents(&mut documents)?;
                    run.jsonl(&source)?;
                }
                Err((path, error)) => {
                    run.documents(&mut documents)?;
                    run.unreadable(&path.display().to_string(), error);
                }
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
                begin(&target)?.commit()?;
            }
            self.observer.document(Document {
                source: &shown,
                line: None,
                original: &[],
                outcome: Outcome::Failed(BulkError::Empty),
            });
            return Ok(());
        }
        if let Target::Stream(output) = &mut self.target {
            let mut sinks = Sinks {
                output: &mut **output,
                rejects: reborrow(&mut self.rejects),
            };
            self.migrator
                .stream(&shown, &mut reader, &mut sinks, self.observer)?;
            return Ok(());
        }
        let Some(target) = self.target(source) else {
            return Ok(());
        };
        let mut replacement = begin(&target)?;
        let mut sinks = Sinks {
            output: &mut replacement,
            rejects: reborrow(&mut self.rejects),
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
                        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {
                            Read1::Failed(BulkError::Empty)
                        }
                        Ok(bytes) => {
                            let processed = migrator.process(&bytes);
                            Read1::Done(bytes, processed)
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
        let failed = matches!(outcome, Outcome::Failed(_));
        if failed {
            if let Some(rejects) = reborrow(&mut self.rejects) {
                write_line(rejects, &original)?;
            }
        }
        let new = output.as_deref();
        let in_place = self.in_place();
        if let Some(stream) = self.stream() {
            write_line(stream, new.unwrap_or(&original))?;
        } else if let Some(target) = self.target(source) {
            if new.is_some() || !in_place {
                let mut replacement = begin(&target)?;
                replacement.write_all(new.unwrap_or(&original))?;
                // A migrated file keeps the final newline the original had.
                if new.is_some() && original.ends_with(b"\n") {
                    replacement.write_all(b"\n")?;
                }
                replacement.commit()?;
            }
        }
        self.observer.document(Document {
            source: &shown,
            line: None,
            original: &original,
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
        if let Some(stream) = self.stream() {
            copy_to(stream)?;
            stream.write_all(b"\n")?;
        } else if let (Some(target), false) = (self.target(source), in_place) {
            let mut replacement = begin(&target)?;
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

fn begin(target: &Path) -> io::Result<Replacement> {
    if let Some(parent) = target.parent() {
        if !parent.as_os_str().is_empty() {
            fs::create_dir_all(parent)?;
        }
    }
    Replacement::begin(target)
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
