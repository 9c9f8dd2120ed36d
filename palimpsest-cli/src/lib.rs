//! The `palimpsest` command: check, migrate and count the versioned
//! documents of a corpus (JSONL logs, `.json` files, folders of both), on
//! all cores, in constant memory; built on [`palimpsest_bulk`].
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
//! palimpsest migrate new.jsonl --to 0.1.0 --lossy  # ... letting go what 0.1.0 cannot hold, counted
//! palimpsest migrate shared.jsonl --newer fail      # a document newer than this build fails (default: kept as it is)
//! ```
//!
//! and, about the type itself rather than documents (see
//! [`palimpsest::contract`]):
//!
//! ```text
//! palimpsest schema                         # the current version's JSON Schema
//! palimpsest schema --version 0.1.0 --shape # an older version's shape, as the lock records it
//! palimpsest changelog 0.0.1 0.2.0          # what changed, in Markdown (--json for tools)
//! palimpsest lock                           # lock every version's shape in schema/<Type>/
//! palimpsest lock --check                   # CI gate: exit 1 when the type changed without its version and attribute
//! palimpsest golden tests/fixtures/config   # a sample document per version, kept once written
//! ```
//!
//! `--json` prints the report as JSON for scripts, `--quiet` prints only
//! failures; a progress bar shows on a terminal, never in a pipe. The
//! summary lists the first `--max-errors N` failed documents (20 by
//! default) and counts the rest; `--json` and `--rejects` keep them all.
//! Help and errors are coloured on a terminal only, unless `NO_COLOR` is
//! set; `--color always|never` decides instead. Errors and hints name the
//! program by the name it was run under, so a program of your own built
//! on [`run`] speaks as itself.
//!
//! Before anything is opened for writing, every input is walked and every
//! output checked against the inputs (symbolic links and `..` resolved,
//! files compared by device and inode): refused are an output file (`-o`,
//! `--rejects`, a file of a mirrored `-o` folder) that is an input or lies
//! inside an input folder, an `-o` folder that is, contains or lies inside
//! an input, and two inputs that would be written to the same file (`a/t.jsonl
//! b/t.jsonl -o out`, or one file given twice), and a `--rejects` file that
//! is one the run writes (the `-o` file, or a file of the `-o` folder). See
//! [`palimpsest_bulk::Migrator::plan`]. `--in-place` and `-o` follow a
//! symbolic link: the file it points to is replaced, the link stays.
//!
//! A UTF-8 byte-order mark at the start of a file or of standard input is
//! accepted and kept in the output.
//!
//! Interrupted (SIGINT, SIGTERM, SIGHUP), the command removes the temporary
//! files it is writing and exits with status 130: every file it was
//! replacing stays either old or new. Temporary files a killed run left
//! (`.<name>.<pid>-<n>.palimpsest-tmp`) are removed by the next run that
//! writes into their folder, when their process is gone (on Linux; on
//! other systems they are kept, being hidden from the walk).
//!
//! Exit status:
//!
//! | status | when |
//! |---|---|
//! | 0 | everything is current (`check`) or went through (`migrate`, `stats`) |
//! | 1 | a document failed (it is kept unchanged and listed with its file, line and error), or, for `check`, a document is not current; for `lock`, the type changed without the version and attribute that explain it, or a version is not locked (`--check`) |
//! | 2 | a usage error (a `--to` that names no version of the type included); an input that does not exist or a folder that cannot be listed (`cannot read <path>: <error>`); an output refused because it clashes with the inputs; an output that cannot be written. These are found before anything is written. Also an input that exists but fails when read: the other inputs are still processed, and the summary lists it apart from the failed documents. |
//! | 130 | interrupted by a signal |
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
mod contract;
mod output;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use palimpsest::Versioned;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Runs the command for documents of `T` with the process's arguments,
/// printing to standard output and error.
///
/// It also handles SIGINT, SIGTERM and SIGHUP: the temporary files being
/// written are removed and the process exits with status 130. A program
/// that set a handler of its own before keeps it, and calls
/// [`palimpsest_bulk::remove_temporary_files`] from it.
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
    remove_temporary_files_on_signals();
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
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let program = program_name(&args);
    let color = args::Color::from_args(&args);
    let cli = match args::parse::<T>(&args, &program) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version are answers, not errors: standard output.
            let (to, is_terminal): (&mut dyn Write, bool) = if error.use_stderr() {
                (stderr, io::stderr().is_terminal())
            } else {
                (stdout, io::stdout().is_terminal())
            };
            let rendered = error.render();
            let _ = if color.enabled(is_terminal) {
                write!(to, "{}", rendered.ansi())
            } else {
                write!(to, "{rendered}")
            };
            return u8::try_from(error.exit_code()).unwrap_or(2);
        }
    };
    command::execute::<T>(&cli, &program, stdout, stderr)
}

/// The name the program was run under, as errors and hints name it: a
/// program of the user's own built on [`run`] is not `palimpsest`.
fn program_name(args: &[OsString]) -> String {
    args.first()
        .map(std::path::Path::new)
        .and_then(std::path::Path::file_stem)
        .and_then(|stem| stem.to_str())
        .filter(|stem| !stem.is_empty())
        .unwrap_or("palimpsest")
        .to_owned()
}

/// Installs the handler described at [`run`]. It is not installed by
/// [`run_with`], which tests and programs of their own call, possibly many
/// times in one process.
fn remove_temporary_files_on_signals() {
    // Fails when the program already has a handler (see `run`), or the
    // system refuses one: signals then do what they did before.
    let _ = ctrlc::set_handler(|| {
        palimpsest_bulk::remove_temporary_files();
        // Not through the main thread, which may be blocked on a write.
        std::process::exit(i32::from(command::INTERRUPTED));
    });
}
