//! The command's manners, as users of clap-based tools (ripgrep, cargo)
//! expect them (issue 15): colour only where it is wanted, the counts in
//! sight however many documents fail, plurals, errors that name the flag
//! at fault and the program by the name it was run under, and an input
//! that cannot be read made an error of the run.

mod support;

use std::fs;

use predicates::prelude::*;
use predicates::str::contains;
use support::cmd;

/// The real binary, whose standard streams are pipes here.
fn binary() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_palimpsest"))
}

const ESCAPE: &str = "\u{1b}[";

#[test]
fn help_and_errors_in_a_pipe_have_no_colour_unless_asked() {
    binary()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Usage:").and(contains(ESCAPE).not()));
    binary()
        .arg("bogus")
        .assert()
        .code(2)
        .stderr(contains("unrecognized subcommand").and(contains(ESCAPE).not()));
    binary()
        .args(["--color", "always", "bogus"])
        .assert()
        .code(2)
        .stderr(contains(ESCAPE));
    binary()
        .args(["--color=always", "stats", "/no/such/input.jsonl"])
        .assert()
        .code(2)
        .stderr(contains(
            "palimpsest: \u{1b}[1;31merror:\u{1b}[0m cannot read /no/such/input.jsonl",
        ));
    binary()
        .args(["--color", "never", "stats", "/no/such/input.jsonl"])
        .assert()
        .code(2)
        .stderr("palimpsest: error: cannot read /no/such/input.jsonl: No such file or directory (os error 2)\n");
}

#[test]
fn no_color_wins_over_auto_but_not_over_always() {
    // A pipe is no terminal, so `auto` is already off here; NO_COLOR must
    // not turn an explicit `always` off.
    binary()
        .env("NO_COLOR", "1")
        .args(["--color", "always", "bogus"])
        .assert()
        .code(2)
        .stderr(contains(ESCAPE));
    binary()
        .env("NO_COLOR", "1")
        .args(["bogus"])
        .assert()
        .code(2)
        .stderr(contains(ESCAPE).not());
}

#[test]
fn many_failures_are_capped_and_the_counts_stay_in_sight() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.jsonl");
    let mut lines = String::from("{\"problem_statement\":\"p\",\"result\":\"r\"}\n");
    for i in 0..30 {
        lines.push_str(&format!("{{not json {i}\n"));
    }
    fs::write(&file, lines).unwrap();
    let assert = cmd()
        .args(["migrate", "--max-errors", "3", "-o"])
        .arg(dir.path().join("out.jsonl"))
        .arg(&file)
        .assert()
        .code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        out.starts_with("31 documents: 0 current, 1 migrated, 30 failed\n"),
        "{out}"
    );
    assert_eq!(out.matches("invalid JSON").count(), 3, "{out}");
    assert!(out.contains("broken.jsonl:2: "), "{out}");
    assert!(out.ends_with("  ... and 27 more\n"), "{out}");

    // The default lists twenty.
    let assert = cmd().args(["check"]).arg(&file).assert().code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert_eq!(out.matches("invalid JSON").count(), 20, "{out}");
    assert!(out.contains("  ... and 10 more\n"), "{out}");

    // --quiet lists only failures, with the same cap.
    cmd()
        .args(["check", "--quiet", "--max-errors", "1"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(contains("broken.jsonl:2: ").and(contains("... and 29 more\n")));

    // JSON keeps every one, for scripts.
    let assert = cmd()
        .args(["check", "--json", "--max-errors", "1"])
        .arg(&file)
        .assert()
        .code(1);
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(report["failures"].as_array().unwrap().len(), 30);
}

#[test]
fn one_document_is_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.jsonl");
    fs::write(&file, "{\"problem_statement\":\"p\",\"result\":\"r\"}\n\n").unwrap();
    cmd()
        .args(["stats"])
        .arg(&file)
        .assert()
        .success()
        .stdout(contains(
            "1 document: 0 current, 1 outdated, 0 failed (1 blank line kept)\n",
        ));
}

#[test]
fn to_errors_name_the_flag_and_the_versions_there_are() {
    let versions = "its versions are 0.0.1, 0.1.0, 0.2.0";
    cmd()
        .args(["migrate", "--to", "0.0.5", "-"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "palimpsest: error: --to 0.0.5: `StandInTrace` has no version 0.0.5; {versions}\n"
        ));
    cmd()
        .args(["migrate", "--to", "soon", "-"])
        .assert()
        .code(2)
        .stderr(contains("--to soon: not a version of `StandInTrace` (").and(contains(versions)));
    cmd()
        .args(["migrate", "--to", "1.0.0", "-"])
        .assert()
        .code(2)
        .stderr(contains(
            "--to 1.0.0: newer than 0.2.0, the newest version of `StandInTrace` this build knows",
        ));
}

#[test]
fn a_program_of_ones_own_is_named_by_its_own_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.jsonl");
    fs::write(&file, "{\"problem_statement\":\"p\",\"result\":\"r\"}\n").unwrap();
    let run = |args: &[&str]| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = ["/opt/tools/trace-tool"].iter().chain(args).copied();
        let status =
            palimpsest_cli::run_with::<support::StandInTrace, _, _>(args, &mut out, &mut err);
        (
            status,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    };
    let (status, out, _) = run(&["check", file.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert!(
        out.contains("not current: run `trace-tool migrate` on these documents"),
        "{out}"
    );
    let (status, _, err) = run(&["migrate", "--to", "9", "-"]);
    assert_eq!(status, 2);
    assert!(err.starts_with("trace-tool: error: --to 9: "), "{err}");
    let (status, out, _) = run(&["--help"]);
    assert_eq!(status, 0);
    assert!(
        out.contains("Usage: trace-tool [OPTIONS] <COMMAND>"),
        "{out}"
    );
}

/// A file that exists but fails when read: the kernel refuses reads of a
/// process's memory at address 0. Root reads any file, so a permission
/// bit cannot stand in for this.
#[cfg(target_os = "linux")]
#[test]
fn an_input_that_cannot_be_read_is_an_error_of_the_run_not_a_failed_document() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.jsonl");
    fs::write(&file, "{\"problem_statement\":\"p\",\"result\":\"r\"}\n").unwrap();
    let assert = cmd()
        .args(["stats"])
        .arg(&file)
        .arg("/proc/self/mem")
        .assert()
        .code(2)
        .stderr(contains("palimpsest: error: /proc/self/mem").and(contains("cannot read")));
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        out.starts_with("1 document: 0 current, 1 outdated, 0 failed\n"),
        "{out}"
    );
    assert!(
        out.contains("unreadable sources (nothing of them counted):\n  /proc/self/mem"),
        "{out}"
    );
}
