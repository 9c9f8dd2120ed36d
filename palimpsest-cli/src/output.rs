//! What the command prints while it runs: the progress bar, the documents
//! that are not current, dry-run diffs.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use palimpsest::bulk::{Change, Document, Observer, Outcome, Source, Summary};
use palimpsest::Version;
use serde::Serialize;

/// What the run prints per document, besides counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listing {
    Nothing,
    /// `check`: each document not at the target version.
    Outdated,
    /// `migrate --dry-run`: each document's changes.
    Diffs,
}

/// The observer of a command: counts into a [`Summary`], draws progress,
/// lists documents as they come.
pub(crate) struct Reporter<'w> {
    pub(crate) summary: Summary,
    listing: Listing,
    json: bool,
    target: Version,
    out: &'w mut dyn Write,
    bar: ProgressBar,
    /// The first error met while printing; the run goes on, the command
    /// reports it at the end.
    pub(crate) broken: Option<std::io::Error>,
}

impl<'w> Reporter<'w> {
    pub(crate) fn new(
        listing: Listing,
        json: bool,
        quiet: bool,
        target: Version,
        out: &'w mut dyn Write,
        sources: &[Source],
    ) -> Self {
        let bar = if quiet || json || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            progress_bar(sources)
        };
        Reporter {
            summary: Summary::default(),
            listing: if quiet { Listing::Nothing } else { listing },
            json,
            target,
            out,
            bar,
            broken: None,
        }
    }

    /// Where the report goes.
    pub(crate) fn out(&mut self) -> &mut dyn Write {
        &mut *self.out
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn list(&mut self, document: &Document<'_>) -> std::io::Result<()> {
        let place = Place(document.source, document.line);
        match (&document.outcome, self.listing) {
            (Outcome::Outdated(version), Listing::Outdated) if self.json => {
                // The JSON report lists them at the end.
                let _ = version;
                Ok(())
            }
            (Outcome::Outdated(version), Listing::Outdated) => {
                writeln!(self.out, "{place}: version {version}, not {}", self.target)
            }
            (
                Outcome::Migrated {
                    report,
                    changes: Some(changes),
                },
                Listing::Diffs,
            ) if self.json => {
                let line = DiffLine {
                    source: document.source,
                    line: document.line,
                    from: &report.from,
                    to: &report.to,
                    changes,
                };
                serde_json::to_writer(&mut *self.out, &line)?;
                writeln!(self.out)
            }
            (
                Outcome::Migrated {
                    report,
                    changes: Some(changes),
                },
                Listing::Diffs,
            ) => {
                writeln!(self.out, "{place}: {} -> {}", report.from, report.to)?;
                for change in changes {
                    writeln!(self.out, "    {change}")?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

impl Observer for Reporter<'_> {
    fn document(&mut self, document: Document<'_>) {
        self.bar.inc(document.original.len() as u64 + 1);
        if self.listing != Listing::Nothing {
            let bar = self.bar.clone();
            if let Err(error) = bar.suspend(|| self.list(&document)) {
                self.broken.get_or_insert(error);
            }
        }
        self.summary.record(document);
    }
}

#[derive(Serialize)]
struct DiffLine<'a> {
    source: &'a str,
    line: Option<u64>,
    from: &'a Version,
    to: &'a Version,
    changes: &'a [Change],
}

/// `source:line`, or `source` alone for a whole file.
pub(crate) struct Place<'a>(pub(crate) &'a str, pub(crate) Option<u64>);

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)?;
        match self.1 {
            Some(line) => write!(f, ":{line}"),
            None => Ok(()),
        }
    }
}

/// A bar over the bytes of the sources, or a spinner when they cannot be
/// sized (standard input).
fn progress_bar(sources: &[Source]) -> ProgressBar {
    let mut total = 0u64;
    let mut sized = true;
    for source in sources {
        match source.path.as_deref().map(std::fs::metadata) {
            Some(Ok(meta)) => total += meta.len(),
            Some(Err(_)) => {}
            None => sized = false,
        }
    }
    let bar = if sized {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    };
    let template = if sized {
        "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}"
    } else {
        "{spinner} {bytes} {binary_bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
