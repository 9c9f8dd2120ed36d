//! The command line: subcommands and options.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use palimpsest::Versioned;

#[derive(Debug, Parser)]
#[command(name = "palimpsest", version)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    #[command(flatten)]
    pub(crate) common: Common,
}

#[derive(Debug, Args)]
pub(crate) struct Common {
    /// Print nothing but failures and fatal errors.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// Print the report as JSON, for scripts.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Worker threads (default: one per core).
    #[arg(long, global = true, value_name = "N")]
    pub(crate) threads: Option<usize>,
    /// Documents (lines, files) larger than this are not parsed but kept
    /// unchanged and reported.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = 64 << 20)]
    pub(crate) max_document_bytes: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Exit with status 1 if any document is not at the current version
    /// (or fails), listing which: a CI gate.
    Check {
        /// JSONL files, `.json` files, folders (walked recursively), `-` for stdin.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Migrate documents to the current version (or `--to` an older one).
    Migrate(Migrate),
    /// Count the documents of each version.
    Stats {
        /// JSONL files, `.json` files, folders (walked recursively), `-` for stdin.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct Migrate {
    /// JSONL files, `.json` files, folders (walked recursively), `-` for stdin.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// The version to migrate to (default: the current one).
    #[arg(long, value_name = "VERSION")]
    pub(crate) to: Option<String>,
    /// Where to write: a file for one input file, else a folder mirroring
    /// the inputs. Without it (and without --in-place), standard output.
    /// Refused when it is an input, lies inside an input folder, or (a
    /// folder) contains an input, or when two inputs would land on one
    /// file. A symbolic link is followed.
    #[arg(long, short, value_name = "OUT", conflicts_with = "in_place")]
    pub(crate) output: Option<PathBuf>,
    /// Replace each file that has old documents, crash-safely: written
    /// beside, fsynced, renamed over. A symbolic link is followed: the file
    /// it points to is replaced and the link stays a link.
    #[arg(long)]
    pub(crate) in_place: bool,
    /// Write nothing; show what would change in each document.
    #[arg(long, conflicts_with_all = ["output", "in_place"])]
    pub(crate) dry_run: bool,
    /// Also copy every failed document here, one a line. Refused when it
    /// is an input or lies inside an input folder.
    #[arg(long, value_name = "FILE")]
    pub(crate) rejects: Option<PathBuf>,
}

/// Parses the arguments, with the type's name and versions in the help.
pub(crate) fn parse<T, I, S>(args: I) -> Result<Cli, clap::Error>
where
    T: Versioned,
    I: IntoIterator<Item = S>,
    S: Into<OsString> + Clone,
{
    let schema = T::schema();
    let versions: Vec<String> = schema.versions().iter().map(ToString::to_string).collect();
    let about = format!(
        "Check, migrate and count `{}` documents (current version {}; known: {})",
        schema.type_name(),
        schema.current(),
        versions.join(", ")
    );
    let matches = Cli::command().about(about).try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}
