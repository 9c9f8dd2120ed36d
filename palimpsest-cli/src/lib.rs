//! The `palimpsest` command: check, migrate and count the versioned
//! documents of a corpus (JSONL logs, `.json` files, folders of both), on
//! all cores, in constant memory; built on [`palimpsest::bulk`].
//!
//! The command is generic over the document type, so the same command
//! serves a type of your own. The whole recipe:
//!
//! ```no_run
//! use palimpsest::versioned;
//! use serde::{Deserialize, Serialize};
//!
//! #[versioned(since = 1)]
//! #[derive(Serialize, Deserialize)]
//! struct Config {
//!     #[renamed_from("size", since = 2)]
//!     capacity: u32,
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     palimpsest_cli::run::<Config>()
//! }
//! ```
//!
//! (`examples/own_type.rs` is that program with its type.) Then:
//!
//! ```text
//! palimpsest check corpus/                  # CI gate: exit 1 when anything is old, listing it
//! palimpsest stats corpus/                  # documents per version
//! palimpsest migrate old.jsonl > new.jsonl  # to standard output
//! palimpsest migrate corpus/ -o migrated/   # a folder, mirrored
//! palimpsest migrate corpus/ --in-place     # crash-safe: write beside, fsync, rename
//! palimpsest migrate corpus/ --dry-run      # what would change, document by document
//! palimpsest migrate old.jsonl --to 0.1.0   # for readers that have not upgraded
//! ```
//!
//! `--json` prints the report as JSON for scripts, `--quiet` prints only
//! failures; a progress bar shows on a terminal, never in a pipe.
//!
//! Exit status: 0 when everything is current (check) or went through
//! (migrate, stats); 1 when a document failed (it is kept unchanged and
//! listed with its file, line and error) or, for `check`, when a document
//! is not current; 2 for a usage error or an output that cannot be written.
//!
//! ```
//! use palimpsest::models::trace::ExecutionTrace;
//!
//! let dir = tempfile::tempdir()?;
//! let file = dir.path().join("traces.jsonl");
//! std::fs::write(&file, "{\"problem_statement\":\"p\",\"outcome\":\"done\"}\n")?;
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! let status = palimpsest_cli::run_with::<ExecutionTrace, _, _>(
//!     ["palimpsest", "check", file.to_str().unwrap()],
//!     &mut out,
//!     &mut err,
//! );
//! assert_eq!(status, 1);
//! assert!(String::from_utf8(out).unwrap().contains("traces.jsonl:1: version 0.0.1"));
//! # Ok::<(), std::io::Error>(())
//! ```

#![deny(missing_docs)]

mod args;
mod command;
mod output;
#[doc(hidden)]
pub mod test_support;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use palimpsest::Versioned;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Runs the command for documents of `T` with the process's arguments,
/// printing to standard output and error.
///
/// ```no_run
/// use palimpsest::models::trace::ExecutionTrace;
///
/// fn main() -> std::process::ExitCode {
///     palimpsest_cli::run::<ExecutionTrace>()
/// }
/// ```
#[must_use]
pub fn run<T>() -> ExitCode
where
    T: Versioned + Serialize + DeserializeOwned,
{
    ExitCode::from(run_with::<T, _, _>(
        std::env::args_os(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    ))
}

/// Runs the command for documents of `T` with the given arguments (the
/// first is the program name) and writers, and returns the exit status;
/// see the [crate documentation](crate) for an example. The progress bar
/// is drawn only when the real standard error is a terminal.
pub fn run_with<T, I, S>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    T: Versioned + Serialize + DeserializeOwned,
    I: IntoIterator<Item = S>,
    S: Into<OsString> + Clone,
{
    let cli = match args::parse::<T, _, _>(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version are answers, not errors: standard output.
            let to: &mut dyn Write = if error.use_stderr() { stderr } else { stdout };
            let _ = write!(to, "{}", error.render().ansi());
            return u8::try_from(error.exit_code()).unwrap_or(2);
        }
    };
    command::execute::<T>(&cli, stdout, stderr)
}
