//! Running a subcommand: the migrator, the destination, the report, the
//! exit status.

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use palimpsest::{Version, Versioned};
use palimpsest_bulk::{check_output, Destination, Failure, Migrator, Mode, RunError, Summary};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::args::{Cli, Command, Migrate};
use crate::output::{Listing, Reporter};

/// Exit status: everything is current or went through.
pub(crate) const OK: u8 = 0;
/// Exit status: a document failed, or `check` found one not current (or
/// `lock` a change the history does not explain).
pub(crate) const FOUND: u8 = 1;
/// Exit status: a usage error, an input that cannot be read, an output
/// refused because it clashes with the inputs, or one that cannot be written.
const FATAL: u8 = 2;
/// Exit status: interrupted by SIGINT, SIGTERM or SIGHUP (128 + SIGINT's
/// number, as shells report an interrupted command).
pub(crate) const INTERRUPTED: u8 = 130;

pub(crate) fn execute<T>(
    cli: &Cli,
    program: &str,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8
where
    T: Versioned + Serialize + DeserializeOwned,
{
    let label = ErrorLabel {
        program,
        color: cli.common.color.enabled(std::io::stderr().is_terminal()),
    };
    match try_execute::<T>(cli, program, stdout, stderr) {
        Ok((status, unreadable)) => {
            // An input that could not be read is an error of the run, as
            // in ripgrep and cargo: said last, on standard error, and the
            // exit status is 2.
            for source in unreadable {
                let _ = writeln!(stderr, "{label} {source}");
            }
            status
        }
        Err(error) => {
            let _ = writeln!(stderr, "{label} {error}");
            FATAL
        }
    }
}

/// `palimpsest: error:`, in bold red on a coloured terminal, as clap
/// prints its own.
#[derive(Clone, Copy)]
struct ErrorLabel<'a> {
    program: &'a str,
    color: bool,
}

impl std::fmt::Display for ErrorLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.color {
            write!(f, "{}: \x1b[1;31merror:\x1b[0m", self.program)
        } else {
            write!(f, "{}: error:", self.program)
        }
    }
}

/// Why `--to` names no version to write: an error that speaks of the flag
/// and lists the versions there are.
fn to_flag_error<T: Versioned>(text: &str, error: palimpsest::Error) -> String {
    let schema = T::schema();
    let known = || {
        let versions: Vec<String> = schema.versions().iter().map(ToString::to_string).collect();
        versions.join(", ")
    };
    match error {
        palimpsest::Error::MalformedVersion { source, .. } => format!(
            "--to {text}: not a version of `{}` ({source}); its versions are {}",
            schema.type_name(),
            known()
        ),
        palimpsest::Error::NewerVersion { .. } => format!(
            "--to {text}: newer than {}, the newest version of `{}` this build knows ({})",
            schema.current(),
            schema.type_name(),
            known()
        ),
        _ => format!(
            "--to {text}: `{}` has no version {text}; its versions are {}",
            schema.type_name(),
            known()
        ),
    }
}

/// What a subcommand asks of the run.
struct Job<'a> {
    name: &'static str,
    paths: &'a [PathBuf],
    mode: Mode,
    listing: Listing,
    to: Option<&'a str>,
    migrate: Option<&'a Migrate>,
}

/// The job of a subcommand that runs over documents; `None` for one about
/// the type's schema.
fn job(command: &Command) -> Option<Job<'_>> {
    Some(match command {
        Command::Check { paths } => Job {
            name: "check",
            paths,
            mode: Mode::Detect,
            listing: Listing::Outdated,
            to: None,
            migrate: None,
        },
        Command::Stats { paths } => Job {
            name: "stats",
            paths,
            mode: Mode::Detect,
            listing: Listing::Nothing,
            to: None,
            migrate: None,
        },
        Command::Migrate(m) => Job {
            name: "migrate",
            paths: &m.paths,
            mode: if m.dry_run { Mode::Diff } else { Mode::Migrate },
            listing: if m.dry_run {
                Listing::Diffs
            } else {
                Listing::Nothing
            },
            to: m.to.as_deref(),
            migrate: Some(m),
        },
        Command::Contract(_) => return None,
    })
}

fn try_execute<T>(
    cli: &Cli,
    program: &str,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(u8, Vec<Failure>), Box<dyn Error>>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    let common = &cli.common;
    let Some(job) = job(&cli.command) else {
        return crate::contract::execute::<T>(cli, program, stdout)
            .map(|status| (status, Vec::new()));
    };
    let fail_newer = job
        .migrate
        .is_some_and(|m| m.newer == crate::args::NewerDocuments::Fail);
    let mut migrator = Migrator::<T>::new()
        .fail_newer(fail_newer)
        .mode(job.mode)
        .max_document_bytes(common.max_document_bytes);
    if let Some(threads) = common.threads {
        migrator = migrator.threads(threads)?;
    }
    if let Some(to) = job.to {
        migrator = migrator
            .to(to)
            .map_err(|error| to_flag_error::<T>(to, error))?
            .lossy(job.migrate.is_some_and(|m| m.lossy));
    }
    let target = migrator.target().clone();

    let kind = destination_kind(&job)?;
    let flag = match kind {
        Kind::InPlace => "--in-place",
        _ => "-o",
    };
    // The documents take standard output when they go there; the report
    // then goes to standard error.
    let (data, report_out): (Option<&mut dyn Write>, &mut dyn Write) = match kind {
        Kind::Stdout => (Some(stdout), stderr),
        _ => (None, stdout),
    };
    let mut data = data.map(BufWriter::new);
    let destination = match kind {
        Kind::Discard => Destination::Discard,
        Kind::InPlace => Destination::InPlace,
        Kind::File(path) => Destination::File(path),
        Kind::Mirror(path) => Destination::Mirror(path),
        Kind::Stdout => match data.as_mut() {
            Some(data) => Destination::Stream(data),
            None => Destination::Discard,
        },
    };
    // Every input is walked and every output checked before anything is
    // opened for writing, the rejects included.
    let planned = migrator
        .plan(job.paths, destination)
        .map_err(|error| refused(flag, error))?;
    let mut rejects = match job.migrate.and_then(|m| m.rejects.as_ref()) {
        Some(path) => {
            check_output(path, job.paths)
                .and_then(|()| planned.check_beside(path))
                .map_err(|clash| refused("--rejects", RunError::Clash(clash)))?;
            Some(BufWriter::new(File::create(path).map_err(|e| {
                format!("cannot create {}: {e}", path.display())
            })?))
        }
        None => None,
    };
    let mut reporter = Reporter::new(
        job.listing,
        common.json,
        common.quiet,
        target.clone(),
        report_out,
        planned.sources(),
    );
    let ran = planned.run(rejects.as_mut().map(|r| r as &mut dyn Write), &mut reporter);
    reporter.finish();
    ran?;
    if let Some(mut data) = data {
        data.flush()?;
    }
    if let Some(error) = reporter.broken.take() {
        return Err(error.into());
    }

    let mut summary = std::mem::take(&mut reporter.summary);
    let status = status(job.name, &summary);
    let out = reporter_out(&mut reporter);
    if common.json {
        let report = JsonReport {
            command: job.name,
            target: &target,
            dry_run: job.mode == Mode::Diff,
            status,
            summary: &summary,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else if common.quiet {
        for failure in summary.failures.iter().take(common.max_errors) {
            writeln!(out, "{failure}")?;
        }
        let omitted = summary.failed - summary.failures.len().min(common.max_errors) as u64;
        if omitted > 0 {
            writeln!(out, "... and {omitted} more")?;
        }
    } else {
        write!(out, "{}", summary.shown(common.max_errors))?;
        if job.name == "check" && status == FOUND && summary.failed == 0 {
            writeln!(
                out,
                "not current: run `{program} migrate` on these documents"
            )?;
        }
    }
    out.flush()?;
    Ok((status, std::mem::take(&mut summary.unreadable)))
}

/// A run refused before it wrote anything: the clash names the flag whose
/// path it is about.
fn refused(flag: &str, error: RunError) -> Box<dyn Error> {
    match error {
        RunError::Clash(clash) => format!("{flag}: {clash}; nothing was written").into(),
        other => other.into(),
    }
}

fn reporter_out<'a>(reporter: &'a mut Reporter<'_>) -> &'a mut dyn Write {
    reporter.out()
}

fn status(command: &str, summary: &Summary) -> u8 {
    if !summary.unreadable.is_empty() {
        return FATAL;
    }
    let clean = if command == "check" {
        summary.is_clean()
    } else {
        summary.failed == 0
    };
    if clean {
        OK
    } else {
        FOUND
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    command: &'static str,
    target: &'a Version,
    dry_run: bool,
    status: u8,
    #[serde(flatten)]
    summary: &'a Summary,
}

enum Kind {
    Discard,
    Stdout,
    InPlace,
    File(PathBuf),
    Mirror(PathBuf),
}

fn destination_kind(job: &Job<'_>) -> Result<Kind, String> {
    let Some(m) = job.migrate.filter(|m| !m.dry_run) else {
        return Ok(Kind::Discard);
    };
    let stdin = job.paths.iter().any(|p| p.as_os_str() == "-");
    if m.in_place {
        if stdin {
            return Err("standard input (-) cannot be migrated in place".into());
        }
        return Ok(Kind::InPlace);
    }
    let Some(output) = &m.output else {
        return Ok(Kind::Stdout);
    };
    let folder = output.is_dir() || job.paths.len() > 1 || job.paths.iter().any(|p| p.is_dir());
    if !folder {
        return Ok(Kind::File(output.clone()));
    }
    if stdin {
        return Err(
            "standard input (-) cannot be mirrored into a folder; use -o FILE with it alone".into(),
        );
    }
    Ok(Kind::Mirror(output.clone()))
}
