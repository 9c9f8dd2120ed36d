//! Running a subcommand: the migrator, the destination, the report, the
//! exit status.

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use palimpsest::bulk::{Destination, Migrator, Mode, Summary};
use palimpsest::{Version, Versioned};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::args::{Cli, Command, Migrate};
use crate::output::{Listing, Reporter};

/// Exit status: everything is current or went through.
const OK: u8 = 0;
/// Exit status: a document failed, or `check` found one not current.
const FOUND: u8 = 1;
/// Exit status: a usage error, or an output that cannot be written.
const FATAL: u8 = 2;

pub(crate) fn execute<T>(cli: &Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    T: Versioned + Serialize + DeserializeOwned,
{
    match try_execute::<T>(cli, stdout, stderr) {
        Ok(status) => status,
        Err(error) => {
            let _ = writeln!(stderr, "palimpsest: error: {error}");
            FATAL
        }
    }
}

/// What a subcommand asks of the run.
struct Plan<'a> {
    name: &'static str,
    paths: &'a [PathBuf],
    mode: Mode,
    listing: Listing,
    to: Option<&'a str>,
    migrate: Option<&'a Migrate>,
}

fn plan(command: &Command) -> Plan<'_> {
    match command {
        Command::Check { paths } => Plan {
            name: "check",
            paths,
            mode: Mode::Detect,
            listing: Listing::Outdated,
            to: None,
            migrate: None,
        },
        Command::Stats { paths } => Plan {
            name: "stats",
            paths,
            mode: Mode::Detect,
            listing: Listing::Nothing,
            to: None,
            migrate: None,
        },
        Command::Migrate(m) => Plan {
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
    }
}

fn try_execute<T>(
    cli: &Cli,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Box<dyn Error>>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    let common = &cli.common;
    let plan = plan(&cli.command);
    let mut migrator = Migrator::<T>::new()
        .mode(plan.mode)
        .max_document_bytes(common.max_document_bytes);
    if let Some(threads) = common.threads {
        migrator = migrator.threads(threads)?;
    }
    if let Some(to) = plan.to {
        migrator = migrator.to(to)?;
    }
    let target = migrator.target().clone();

    let kind = destination_kind(&plan)?;
    let mut rejects = match plan.migrate.and_then(|m| m.rejects.as_ref()) {
        Some(path) => {
            Some(BufWriter::new(File::create(path).map_err(|e| {
                format!("cannot create {}: {e}", path.display())
            })?))
        }
        None => None,
    };
    // The documents take standard output when they go there; the report
    // then goes to standard error.
    let (data, report_out): (Option<&mut dyn Write>, &mut dyn Write) = match kind {
        Kind::Stdout => (Some(stdout), stderr),
        _ => (None, stdout),
    };
    let mut data = data.map(BufWriter::new);
    let mut reporter = Reporter::new(
        plan.listing,
        common.json,
        common.quiet,
        target.clone(),
        report_out,
        plan.paths,
    );
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
    let ran = migrator.run(
        plan.paths,
        destination,
        rejects.as_mut().map(|r| r as &mut dyn Write),
        &mut reporter,
    );
    reporter.finish();
    ran?;
    if let Some(mut data) = data {
        data.flush()?;
    }
    if let Some(error) = reporter.broken.take() {
        return Err(error.into());
    }

    let summary = std::mem::take(&mut reporter.summary);
    let status = status(plan.name, &summary);
    let out = reporter_out(&mut reporter);
    if common.json {
        let report = JsonReport {
            command: plan.name,
            target: &target,
            dry_run: plan.mode == Mode::Diff,
            status,
            summary: &summary,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else if common.quiet {
        for failure in &summary.failures {
            writeln!(out, "{failure}")?;
        }
    } else {
        write!(out, "{summary}")?;
        if plan.name == "check" && status == FOUND && summary.failed == 0 {
            writeln!(
                out,
                "not current: run `palimpsest migrate` on these documents"
            )?;
        }
    }
    out.flush()?;
    Ok(status)
}

fn reporter_out<'a>(reporter: &'a mut Reporter<'_>) -> &'a mut dyn Write {
    reporter.out()
}

fn status(command: &str, summary: &Summary) -> u8 {
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

fn destination_kind(plan: &Plan<'_>) -> Result<Kind, String> {
    let Some(m) = plan.migrate.filter(|m| !m.dry_run) else {
        return Ok(Kind::Discard);
    };
    let stdin = plan.paths.iter().any(|p| p.as_os_str() == "-");
    if m.in_place {
        if stdin {
            return Err("standard input (-) cannot be migrated in place".into());
        }
        return Ok(Kind::InPlace);
    }
    let Some(output) = &m.output else {
        return Ok(Kind::Stdout);
    };
    let folder = output.is_dir() || plan.paths.len() > 1 || plan.paths.iter().any(|p| p.is_dir());
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
