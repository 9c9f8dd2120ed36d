//! The command end to end, on the fixtures (stand-in trace type).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn cmd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_palimpsest-stand-in"))
}

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A copy of a fixture folder to work on.
fn copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join(name);
    copy_dir(&fixtures(name), &to);
    (dir, to)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn check_fails_listing_the_old_documents() {
    cmd()
        .arg("check")
        .arg(fixtures("corpus"))
        .assert()
        .code(1)
        .stdout(contains("traces.jsonl:1: version 0.0.1, not 0.2.0"))
        .stdout(contains("traces.jsonl:2: version 0.1.0, not 0.2.0"))
        .stdout(contains("single/old.json: version 0.0.1"))
        .stdout(contains("traces.jsonl:3").not())
        .stdout(contains("8 documents: 2 current, 6 outdated, 0 failed"));
}

#[test]
fn check_passes_on_a_current_corpus() {
    cmd()
        .arg("check")
        .arg(fixtures("current"))
        .assert()
        .success()
        .stdout(contains("3 documents: 3 current"));
}

#[test]
fn check_as_json_for_scripts() {
    let out = cmd()
        .args(["--json", "check"])
        .arg(fixtures("corpus"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["command"], "check");
    assert_eq!(report["status"], 1);
    assert_eq!(report["versions"]["0.0.1"], 4);
    assert_eq!(report["outdated"].as_array().unwrap().len(), 6);
}

#[test]
fn stats_counts_versions() {
    cmd()
        .arg("stats")
        .arg(fixtures("corpus"))
        .assert()
        .success()
        .stdout(contains(
            "source versions:\n  0.0.1: 4\n  0.1.0: 2\n  0.2.0: 2",
        ));
}

#[test]
fn migrate_to_standard_output_keeps_order_and_reports_on_stderr() {
    let assert = cmd()
        .arg("migrate")
        .arg(fixtures("corpus/traces.jsonl"))
        .assert()
        .success();
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = out.split('\n').collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(lines[0].starts_with(r#"{"schema_version":"0.2.0","problem_statement":"fix bug 1""#));
    assert!(lines[1].contains(r#""problem_statement":"task 2""#));
    assert_eq!(
        lines[2],
        fs::read_to_string(fixtures("corpus/traces.jsonl"))
            .unwrap()
            .lines()
            .nth(2)
            .unwrap()
    );
    assert_eq!(lines[3], "");
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("steps applied:\n  0.0.1 -> 0.1.0: 2\n  0.1.0 -> 0.2.0: 3"),
        "{err}"
    );
    assert!(err.contains("context.metadata.legacy_notes: 3"), "{err}");
}

#[test]
fn migrate_a_folder_into_an_output_folder_then_check_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    cmd()
        .arg("migrate")
        .arg(fixtures("corpus"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("nested/deep/more.jsonl").is_file());
    assert!(!out.join("README.txt").exists());
    cmd().arg("check").arg(&out).assert().success();
}

#[test]
fn migrate_one_file_into_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new.jsonl");
    cmd()
        .args(["--quiet", "migrate"])
        .arg(fixtures("corpus/traces.jsonl"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    cmd().arg("check").arg(&out).assert().success();
}

#[test]
fn migrate_in_place_then_check_passes() {
    let (_dir, corpus) = copy("corpus");
    let current = fs::read(corpus.join("single/current.json")).unwrap();
    cmd()
        .args(["migrate", "--in-place"])
        .arg(&corpus)
        .assert()
        .success();
    cmd().arg("check").arg(&corpus).assert().success();
    assert_eq!(
        fs::read(corpus.join("single/current.json")).unwrap(),
        current
    );
    let migrated: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(corpus.join("single/old.json")).unwrap()).unwrap();
    assert_eq!(migrated["context"]["metadata"]["migrated_from"], "0.0.1");
}

#[test]
fn dry_run_shows_diffs_and_writes_nothing() {
    let (_dir, corpus) = copy("corpus");
    let before = fs::read(corpus.join("traces.jsonl")).unwrap();
    cmd()
        .args(["migrate", "--dry-run"])
        .arg(corpus.join("traces.jsonl"))
        .assert()
        .success()
        .stdout(contains("traces.jsonl:1: 0.0.1 -> 0.2.0"))
        .stdout(contains(r#"    - result: "resolved""#))
        .stdout(contains(r#"    + outcome: "resolved""#))
        .stdout(contains(
            r#"    + context: {"metadata":{"legacy_notes":"note 1","migrated_from":"0.0.1""#,
        ))
        .stdout(contains("traces.jsonl:3:").not());
    assert_eq!(fs::read(corpus.join("traces.jsonl")).unwrap(), before);
}

#[test]
fn dry_run_as_json_lines() {
    let out = cmd()
        .args(["--json", "migrate", "--dry-run"])
        .arg(fixtures("corpus/traces.jsonl"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let first: serde_json::Value =
        serde_json::from_slice(out.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(first["line"], 1);
    assert!(first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["op"] == "added" && c["path"] == "outcome"));
}

#[test]
fn to_an_older_version() {
    cmd()
        .args(["migrate", "--to", "0.1.0"])
        .arg(fixtures("corpus/traces.jsonl"))
        .assert()
        .code(1)
        .stdout(
            predicate::str::starts_with(r#"{"schema_version":"0.1.0","#)
                .and(contains(r#""outcome":"resolved""#)),
        )
        .stderr(contains(
            "traces.jsonl:3: `StandInTrace`: cannot write version 0.1.0 from 0.2.0: `notes` was removed in 0.2.0 and the document has no `context.metadata.legacy_notes` to restore",
        ));
    cmd()
        .args(["migrate", "--to", "0.0.5", "-"])
        .assert()
        .code(2)
        .stderr(contains("unknown schema version 0.0.5"));
}

#[test]
fn bad_inputs_each_get_an_error_line_and_nothing_is_lost() {
    let (dir, bad) = copy("bad");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), bad.join("gone.jsonl")).unwrap();
    let before: Vec<(PathBuf, Vec<u8>)> = [
        "mixed.jsonl",
        "huge.jsonl",
        "broken.json",
        "empty.json",
        "empty.jsonl",
    ]
    .iter()
    .map(|n| (bad.join(n), fs::read(bad.join(n)).unwrap()))
    .collect();
    let rejects = dir.path().join("rejects.jsonl");
    let assert = cmd()
        .args([
            "--max-document-bytes",
            "1000",
            "migrate",
            "--in-place",
            "--rejects",
        ])
        .arg(&rejects)
        .arg(&bad)
        .assert()
        .code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for expected in [
        "broken.json: `StandInTrace`: invalid JSON: EOF while parsing",
        "empty.json: empty file: no document",
        "empty.jsonl: empty file: no document",
        "gone.jsonl: cannot read: No such file or directory",
        "huge.jsonl:2: document of 5043 bytes or more exceeds the limit of 1000 bytes",
        "mixed.jsonl:2: `StandInTrace`: invalid JSON: EOF while parsing a string",
        "mixed.jsonl:4: invalid UTF-8 at byte 29 of the document",
        "mixed.jsonl:5: `StandInTrace`: document at `schema_version` is version 9.9.9, newer than 0.2.0",
        "mixed.jsonl:6: `StandInTrace`: document at version 0.2.0 does not fit the schema at `problem_statement`",
        "mixed.jsonl:7: `StandInTrace`: expected an object at `(root)`, found an array",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    // Failed documents stay where they were, byte for byte; good ones moved on.
    for (path, old) in &before {
        let new = fs::read(path).unwrap();
        let old_lines: Vec<&[u8]> = old.split(|&b| b == b'\n').collect();
        let new_lines: Vec<&[u8]> = new.split(|&b| b == b'\n').collect();
        assert_eq!(old_lines.len(), new_lines.len(), "{}", path.display());
        for (o, n) in old_lines.iter().zip(&new_lines) {
            assert!(
                o == n || n.starts_with(br#"{"schema_version":"0.2.0""#),
                "{}",
                path.display()
            );
        }
    }
    let mixed = fs::read(bad.join("mixed.jsonl")).unwrap();
    assert!(
        mixed.windows(2).any(|w| w == b"\xff\xfe"),
        "non-UTF-8 bytes are kept"
    );
    let rejected = fs::read(&rejects).unwrap();
    assert_eq!(
        rejected
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        7
    );
}

#[test]
fn stdin_is_a_jsonl_stream() {
    cmd()
        .args(["migrate", "-"])
        .write_stdin("{\"problem_statement\":\"p\",\"result\":\"r\"}\nnope\n")
        .assert()
        .code(1)
        .stdout(
            predicate::str::starts_with(r#"{"schema_version":"0.2.0""#).and(contains("\nnope\n")),
        )
        .stderr(contains("-:2: `StandInTrace`: invalid JSON"));
    cmd()
        .args(["migrate", "--in-place", "-"])
        .assert()
        .code(2)
        .stderr(contains("cannot be migrated in place"));
}

#[test]
fn usage_errors_exit_2_and_help_names_the_type() {
    cmd().arg("check").assert().code(2);
    cmd().arg("--help").assert().success().stdout(contains(
        "`StandInTrace` documents (current version 0.2.0; known: 0.0.1, 0.1.0, 0.2.0)",
    ));
}

#[test]
fn a_pipe_gets_no_progress_bar() {
    cmd()
        .arg("check")
        .arg(fixtures("current"))
        .assert()
        .success()
        .stderr("");
}
