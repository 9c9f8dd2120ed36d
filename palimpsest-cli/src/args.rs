//! The command line: subcommands and options.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use palimpsest::Versioned;

#[derive(Debug, Parser)]
#[command(version)]
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
    /// List at most N failed documents, then count the rest (`--json`
    /// and `--rejects` keep every one).
    #[arg(long, global = true, value_name = "N", default_value_t = 20)]
    pub(crate) max_errors: usize,
    /// When to colour the output: `auto` colours a terminal unless
    /// `NO_COLOR` is set.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub(crate) color: Color,
}

/// `migrate --newer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum NewerDocuments {
    Keep,
    Fail,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// The choice the arguments make, found before they are parsed: an
    /// error in them is itself printed in colour or not.
    pub(crate) fn from_args(args: &[OsString]) -> Color {
        let mut choice = Color::Auto;
        let mut args = args.iter().skip(1).map(|arg| arg.to_str().unwrap_or(""));
        while let Some(arg) = args.next() {
            if arg == "--" {
                break;
            }
            let value = match arg.strip_prefix("--color") {
                Some("") => args.next().unwrap_or(""),
                Some(rest) => rest.strip_prefix('=').unwrap_or(""),
                None => continue,
            };
            if let Ok(parsed) = Color::from_str(value, false) {
                choice = parsed;
            }
        }
        choice
    }

    /// Whether to colour a stream: `auto` asks whether it is a terminal
    /// and whether `NO_COLOR` is set (to anything but the empty string,
    /// as <https://no-color.org> says).
    pub(crate) fn enabled(self, is_terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            }
        }
    }
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
    #[command(flatten)]
    Contract(ContractCommand),
}

/// The subcommands about the type's schema rather than documents.
#[derive(Debug, Subcommand)]
pub(crate) enum ContractCommand {
    /// Print the JSON Schema of a version's documents (the current one by
    /// default), or with --shape the shape the schema lock records.
    Schema {
        /// The version (default: the current one).
        #[arg(long, value_name = "VERSION")]
        version: Option<String>,
        /// Print the shape (the lock file's form) instead of the JSON Schema.
        #[arg(long)]
        shape: bool,
    },
    /// Print what changed from one version to another: Markdown, or JSON
    /// with --json.
    Changelog {
        /// The older version.
        from: String,
        /// The newer version.
        to: String,
    },
    /// Lock each version's shape in DIR/<Type>/<version>.json: write the
    /// versions not locked yet, and fail (status 1) when the type changed
    /// without the version and attribute that explain it.
    Lock {
        /// Only check: a version not locked yet fails too, unless
        /// PALIMPSEST_BLESS=1 (the CI gate).
        #[arg(long)]
        check: bool,
        /// The lock folder.
        #[arg(default_value = "schema")]
        dir: PathBuf,
    },
    /// Write a sample document of every version into DIR/<version>/NAME.json
    /// (the fixtures layout), keeping the ones already there: golden
    /// documents for later builds to read.
    Golden {
        /// The fixtures folder.
        dir: PathBuf,
        /// The documents' file name, without `.json`.
        #[arg(long, default_value = "golden")]
        name: String,
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
    /// With --to an older version: let go of the values it cannot hold
    /// (fields added later that hold more than their default), counted in
    /// the summary, instead of failing those documents.
    #[arg(long, requires = "to")]
    pub(crate) lossy: bool,
    /// What to do with a document newer than this build knows: keep it
    /// as it is, counted (the default), or fail it.
    #[arg(long, value_enum, value_name = "keep|fail", default_value = "keep")]
    pub(crate) newer: NewerDocuments,
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
    /// is an input, lies inside an input folder, or is a file the run writes.
    #[arg(long, value_name = "FILE")]
    pub(crate) rejects: Option<PathBuf>,
}

/// Parses the arguments, with the program's name, the type's name and
/// its versions in the help.
pub(crate) fn parse<T: Versioned>(args: &[OsString], program: &str) -> Result<Cli, clap::Error> {
    let schema = T::schema();
    let versions: Vec<String> = schema.versions().iter().map(ToString::to_string).collect();
    let about = format!(
        "Check, migrate and count `{}` documents (current version {}; known: {}), and lock their schema",
        schema.type_name(),
        schema.current(),
        versions.join(", ")
    );
    let matches = Cli::command()
        .name(program.to_owned())
        .bin_name(program.to_owned())
        .about(about)
        .try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}
