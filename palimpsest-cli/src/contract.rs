//! The subcommands about the type's schema: `schema`, `changelog`, `lock`
//! and `golden`, on [`palimpsest::contract`].

use std::error::Error;
use std::io::Write;

use palimpsest::contract::{sample, write_golden, Contract, Lock, LockError};
use palimpsest::Versioned;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

use crate::args::{Cli, Command, ContractCommand};
use crate::command::{FOUND, OK};

pub(crate) fn execute<T>(
    cli: &Cli,
    program: &str,
    stdout: &mut dyn Write,
) -> Result<u8, Box<dyn Error>>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    let Command::Contract(command) = &cli.command else {
        return Err("not a subcommand about the schema".into());
    };
    let json = cli.common.json;
    match command {
        ContractCommand::Schema { version, shape } => {
            let contract = Contract::of::<T>()?;
            let shape_of = match version {
                None => contract.current(),
                Some(version) => contract
                    .shape(version)
                    .ok_or_else(|| no_shape(&contract, version))?,
            };
            let printed = if *shape {
                serde_json::to_value(shape_of)?
            } else {
                shape_of.json_schema()
            };
            print_json(stdout, &printed)?;
            Ok(OK)
        }
        ContractCommand::Changelog { from, to } => {
            let changelog = Contract::of::<T>()?.changelog(from, to)?;
            if json {
                print_json(stdout, &changelog)?;
            } else {
                write!(stdout, "{changelog}")?;
            }
            Ok(OK)
        }
        ContractCommand::Lock { check, dir } => {
            let mut lock = Lock::new(dir);
            if !check {
                lock = lock.bless(true);
            }
            let (report, problems) = match lock.check::<T>() {
                Ok(report) => (Some(report), Vec::new()),
                Err(LockError::Changed { problems, .. }) => (None, problems),
                Err(other) => return Err(other.into()),
            };
            let status = if problems.is_empty() { OK } else { FOUND };
            let report = report.unwrap_or_default();
            if json {
                let printed = json!({
                    "command": "lock",
                    "type": T::schema().type_name(),
                    "status": status,
                    "checked": report.checked,
                    "written": report.written,
                    "unverified": report.unverified,
                    "problems": problems,
                });
                print_json(stdout, &printed)?;
                return Ok(status);
            }
            let type_name = T::schema().type_name();
            if !problems.is_empty() {
                writeln!(stdout, "the schema lock of `{type_name}` fails:")?;
                for problem in &problems {
                    writeln!(stdout, "  - {problem}")?;
                }
                writeln!(
                    stdout,
                    "declare the change, then run `{program} lock` to lock its new version"
                )?;
                return Ok(status);
            }
            for path in &report.written {
                writeln!(stdout, "wrote {}", path.display())?;
            }
            if !report.checked.is_empty() {
                writeln!(
                    stdout,
                    "`{type_name}` matches its lock: {}",
                    report.checked.join(", ")
                )?;
            }
            if !report.unverified.is_empty() {
                writeln!(
                    stdout,
                    "no declared shape (a hand-written step or a move leads out of it): {}",
                    report.unverified.join(", ")
                )?;
            }
            Ok(status)
        }
        ContractCommand::Golden { dir, name } => {
            let report = write_golden(dir, name, &sample::<T>()?)?;
            if json {
                let unwritable: Vec<_> = report
                    .unwritable
                    .iter()
                    .map(|(version, error)| json!({"version": version, "error": error.to_string()}))
                    .collect();
                let printed = json!({
                    "command": "golden",
                    "written": report.written,
                    "kept": report.kept,
                    "unwritable": unwritable,
                });
                print_json(stdout, &printed)?;
                return Ok(OK);
            }
            for path in &report.written {
                writeln!(stdout, "wrote {}", path.display())?;
            }
            for path in &report.kept {
                writeln!(stdout, "kept {}", path.display())?;
            }
            for (version, error) in &report.unwritable {
                writeln!(stdout, "no document of {version}: {error}")?;
            }
            Ok(OK)
        }
    }
}

fn print_json(stdout: &mut dyn Write, value: &impl Serialize) -> Result<(), Box<dyn Error>> {
    serde_json::to_writer_pretty(&mut *stdout, value)?;
    writeln!(stdout)?;
    Ok(())
}

/// Why `schema --version` has nothing to print: a version the history
/// does not name, or one whose shape it does not declare.
fn no_shape(contract: &Contract, version: &str) -> String {
    let versions: Vec<String> = contract.versions().map(|(v, _)| v.to_string()).collect();
    if versions.iter().any(|v| v == version) {
        format!(
            "--version {version}: the history of `{}` does not declare its shape (a hand-written step or a move between paths leads out of it)",
            contract.type_name()
        )
    } else {
        format!(
            "--version {version}: `{}` has no version {version}; its versions are {}",
            contract.type_name(),
            versions.join(", ")
        )
    }
}
