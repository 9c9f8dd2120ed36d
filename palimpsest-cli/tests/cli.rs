//! The command end to end, on the fixtures: in this process, through
//! `palimpsest_cli::run_with` for a stand-in trace type (see
//! tests/support); and as the real `palimpsest` binary on documents of the
//! trace models where a process of its own is needed (standard input, a
//! pipe for standard error).

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use palimpsest_tests::corpus::{trace, Size, TraceVersion};
use predicates::prelude::*;
use predicates::str::contains;
use support::{cmd, InProcess, StandInTrace};

/// The real binary, for the trace models.
fn binary() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_palimpsest"))
}

/// A trace of the models at `version`, as one line.
fn model_trace(seed: u64, version: TraceVersion) -> String {
    trace(seed, version, Size::Small).to_json()
}

/// How a document of the models written by the binary starts.
const MODEL_PREFIX: &str = r#"{"schema_version":"0.1.0","#;

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
fn the_stand_in_migrates_as_its_history_says() {
    let old = r#"{"problem_statement": "p", "result": "done", "notes": "n"}"#;
    let read = palimpsest::from_str::<StandInTrace>(old).unwrap();
    assert_eq!(read.value.outcome, "done");
    assert_eq!(read.value.context.metadata["legacy_notes"], "n");
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
            "traces.jsonl:3: `StandInTrace`: cannot write version 0.1.0 from 0.2.0 without losing `tags`, added in 0.2.0, which holds [\"x\"], not its default",
        ));
    cmd()
        .args(["migrate", "--to", "0.0.5", "-"])
        .assert()
        .code(2)
        .stderr(contains("--to 0.0.5: `StandInTrace` has no version 0.0.5"));
    // --lossy lets the tags go, and counts them.
    let dir = tempfile::tempdir().unwrap();
    let tagged = dir.path().join("tagged.jsonl");
    fs::write(
        &tagged,
        r#"{"schema_version":"0.2.0","problem_statement":"p","steps":[],"outcome":"ok","tags":["x"],"context":{"metadata":{"legacy_notes":"n"}}}"#,
    )
    .unwrap();
    cmd()
        .args(["migrate", "--to", "0.1.0", "--lossy"])
        .arg(&tagged)
        .assert()
        .success()
        .stdout(contains(r#""notes":"n""#).and(contains("tags").not()))
        .stderr(contains("values let go (lossy):\n  tags: 1\n"));
    cmd()
        .args(["migrate", "--lossy", "-"])
        .assert()
        .code(2)
        .stderr(contains("--to"));
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
        // A dangling link among the inputs is an input that cannot be
        // read: an error of the run, said on standard error.
        .code(2)
        .stderr(contains(
            "gone.jsonl: cannot read: No such file or directory",
        ));
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for expected in [
        "broken.json: `StandInTrace`: invalid JSON: EOF while parsing",
        "empty.json: empty file: no document",
        "empty.jsonl: empty file: no document",
        "unreadable sources (nothing of them counted):\n  ",
        "huge.jsonl:2: document of 5043 bytes or more exceeds the limit of 1000 bytes",
        "mixed.jsonl:2: `StandInTrace`: invalid JSON: EOF while parsing a string",
        "mixed.jsonl:4: invalid UTF-8 at byte 29 of the document",
        // A newer build's document is no failure: kept as it is, counted.
        "1 newer (kept)",
        "mixed.jsonl:6: `StandInTrace`: document at version 0.0.1, migrated to 0.2.0, does not fit the schema at `problem_statement`",
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
        // Every failed document; the newer one is no failure.
        6
    );
}

#[test]
fn stdin_is_a_jsonl_stream() {
    let old = model_trace(1, TraceVersion::Legacy);
    binary()
        .args(["migrate", "-"])
        .write_stdin(format!("{old}\nnope\n"))
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(MODEL_PREFIX).and(contains("\nnope\n")))
        .stderr(contains("-:2: `ExecutionTrace`: invalid JSON"));
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
    let dir = tempfile::tempdir().unwrap();
    let current = dir.path().join("current.jsonl");
    fs::write(&current, model_trace(2, TraceVersion::Current) + "\n").unwrap();
    binary()
        .arg("check")
        .arg(&current)
        .assert()
        .success()
        .stderr("");
}

// Outputs that would lose or reread inputs are refused, before anything
// is written (issue 12).

const OLD: &str = "{\"problem_statement\":\"p\",\"result\":\"r\"}\n";
const NEW_PREFIX: &str = r#"{"schema_version":"0.2.0","problem_statement":"p""#;

/// The standard error of a refused run: status 2 and one line naming both
/// paths.
fn refused(command: &mut InProcess) -> String {
    let assert = command.assert().code(2).stdout("");
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

#[test]
fn rejects_naming_an_input_is_refused_however_it_is_spelled() {
    let (dir, corpus) = copy("corpus");
    let input = corpus.join("traces.jsonl");
    let before = fs::read(&input).unwrap();
    let out = dir.path().join("out.jsonl");
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.path().join("hard.jsonl");
    fs::hard_link(&input, &hard).unwrap();
    for rejects in [
        input.clone(),
        corpus.join("nested/../traces.jsonl"),
        link,
        hard,
    ] {
        let err = refused(
            cmd()
                .arg("migrate")
                .arg(&input)
                .arg("-o")
                .arg(&out)
                .arg("--rejects")
                .arg(&rejects),
        );
        assert_eq!(
            err,
            format!(
                "palimpsest: error: --rejects: output {} is the input {}; nothing was written\n",
                rejects.display(),
                input.display()
            )
        );
        assert_eq!(fs::read(&input).unwrap(), before, "{}", rejects.display());
        assert!(!out.exists());
    }
}

#[test]
fn rejects_inside_an_input_folder_is_refused() {
    let (_dir, corpus) = copy("corpus");
    let before = fs::read(corpus.join("traces.jsonl")).unwrap();
    let rejects = corpus.join("rejects.jsonl");
    let err = refused(
        cmd()
            .args(["migrate", "--in-place", "--rejects"])
            .arg(&rejects)
            .arg(&corpus),
    );
    assert!(
        err.contains(&format!(
            "--rejects: output {} lies inside the input folder {}",
            rejects.display(),
            corpus.display()
        )),
        "{err}"
    );
    assert!(!rejects.exists());
    assert_eq!(fs::read(corpus.join("traces.jsonl")).unwrap(), before);
}

#[test]
fn rejects_on_a_file_the_run_writes_is_refused() {
    // The output file itself, and a file of a mirrored output folder: the
    // migrated documents and the rejects would overwrite each other.
    let (dir, corpus) = copy("corpus");
    let input = corpus.join("traces.jsonl");
    let out_file = dir.path().join("out.jsonl");
    let out_folder = dir.path().join("out");
    for (source, output, rejects) in [
        (&input, &out_file, out_file.clone()),
        (&corpus, &out_folder, out_folder.join("traces.jsonl")),
    ] {
        let err = refused(
            cmd()
                .arg("migrate")
                .arg(source)
                .arg("-o")
                .arg(output)
                .arg("--rejects")
                .arg(&rejects),
        );
        assert_eq!(
            err,
            format!(
                "palimpsest: error: --rejects: output {} is where the input {} is written; nothing was written\n",
                rejects.display(),
                input.display()
            )
        );
        assert!(!rejects.exists(), "{}", rejects.display());
    }
}

#[test]
fn an_output_that_is_holds_or_lies_in_an_input_is_refused() {
    let (dir, corpus) = copy("corpus");
    let input = corpus.join("traces.jsonl");
    let before = fs::read(&input).unwrap();

    let err = refused(cmd().arg("migrate").arg(&input).arg("-o").arg(&input));
    assert!(err.contains("-o: output"), "{err}");
    assert!(
        err.contains(&format!("is the input {}", input.display())),
        "{err}"
    );

    let inside = corpus.join("migrated");
    let err = refused(cmd().arg("migrate").arg(&corpus).arg("-o").arg(&inside));
    assert!(err.contains("lies inside the input folder"), "{err}");
    assert!(!inside.exists());

    let err = refused(
        cmd()
            .arg("migrate")
            .arg(&input)
            .arg(corpus.join("nested"))
            .arg("-o")
            .arg(&corpus),
    );
    assert!(
        err.contains(&format!(
            "-o: output folder {} contains the input",
            corpus.display()
        )),
        "{err}"
    );

    // A file of an existing output folder that links to an input.
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&input, out.join("traces.jsonl")).unwrap();
    let err = refused(cmd().arg("migrate").arg(&corpus).arg("-o").arg(&out));
    assert!(
        err.contains(&format!("output {}", out.join("traces.jsonl").display())),
        "{err}"
    );
    assert_eq!(fs::read(&input).unwrap(), before);
    assert_eq!(
        fs::read_dir(&out).unwrap().count(),
        1,
        "nothing was written"
    );
}

#[test]
fn two_inputs_on_one_output_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str| {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, OLD).unwrap();
        path
    };
    let (a, b) = (write("a/t.jsonl"), write("b/t.jsonl"));
    write("x/sub/t.jsonl");
    write("y/sub/t.jsonl");
    let out = dir.path().join("out");

    let err = refused(cmd().arg("migrate").arg(&a).arg(&b).arg("-o").arg(&out));
    assert_eq!(
        err,
        format!(
            "palimpsest: error: -o: inputs {} and {} would both be written to {}; nothing was written\n",
            a.display(),
            b.display(),
            out.join("t.jsonl").display()
        )
    );
    let err = refused(cmd().arg("migrate").arg(&a).arg(&a).arg("-o").arg(&out));
    assert!(err.contains("would both be written to"), "{err}");
    let err = refused(
        cmd()
            .arg("migrate")
            .arg(dir.path().join("x"))
            .arg(dir.path().join("y"))
            .arg("-o")
            .arg(&out),
    );
    assert!(
        err.contains(&format!("{}", out.join("sub/t.jsonl").display())),
        "{err}"
    );
    let err = refused(cmd().args(["migrate", "--in-place"]).arg(&a).arg(&a));
    assert!(
        err.starts_with("palimpsest: error: --in-place: inputs"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(fs::read_to_string(&a).unwrap(), OLD);

    // One stream takes them all, in order.
    cmd()
        .arg("migrate")
        .arg(&a)
        .arg(&b)
        .assert()
        .success()
        .stdout(predicate::function(|out: &str| {
            out.lines().filter(|l| l.starts_with(NEW_PREFIX)).count() == 2
        }));
}

#[test]
fn in_place_and_output_follow_a_symlink_and_keep_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    let real = dir.path().join("real/t.jsonl");
    fs::write(&real, OLD).unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink("real/t.jsonl", &link).unwrap();
    cmd()
        .args(["migrate", "--in-place"])
        .arg(&link)
        .assert()
        .success();
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/t.jsonl"));
    assert!(fs::read_to_string(&real).unwrap().starts_with(NEW_PREFIX));
    assert_eq!(fs::read_dir(dir.path().join("real")).unwrap().count(), 1);

    let out_real = dir.path().join("real/out.jsonl");
    let out_link = dir.path().join("out.jsonl");
    std::os::unix::fs::symlink("real/out.jsonl", &out_link).unwrap();
    cmd()
        .arg("migrate")
        .arg(fixtures("corpus/traces.jsonl"))
        .arg("-o")
        .arg(&out_link)
        .assert()
        .success();
    assert!(fs::symlink_metadata(&out_link)
        .unwrap()
        .file_type()
        .is_symlink());
    cmd().arg("check").arg(&out_real).assert().success();
    cmd()
        .args(["migrate", "--help"])
        .assert()
        .success()
        .stdout(contains(
        "A symbolic link is followed: the file it points to is replaced and the link stays a link",
    ));
}

#[test]
fn a_missing_input_stops_the_run_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    fs::write(&good, OLD).unwrap();
    let missing = dir.path().join("missing.jsonl");
    let out = dir.path().join("out");
    let rejects = dir.path().join("rejects.jsonl");
    let err = refused(
        cmd()
            .arg("migrate")
            .arg(&good)
            .arg(&missing)
            .arg("-o")
            .arg(&out)
            .arg("--rejects")
            .arg(&rejects),
    );
    assert_eq!(
        err,
        format!(
            "palimpsest: error: cannot read {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    assert!(!out.exists() && !rejects.exists());
    for command in ["check", "stats"] {
        cmd().arg(command).arg(&missing).assert().code(2).stdout("");
    }
    cmd()
        .args(["migrate", "--in-place"])
        .arg(&good)
        .arg(&missing)
        .assert()
        .code(2);
    assert_eq!(fs::read_to_string(&good).unwrap(), OLD);
}

const BOM: &str = "\u{feff}";

#[test]
fn a_byte_order_mark_is_accepted_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let current_line = r#"{"schema_version":"0.2.0","problem_statement":"c","steps":[],"outcome":"ok","tags":[],"context":{"metadata":{}}}"#;
    let files = [
        ("old.jsonl", format!("{BOM}{OLD}{current_line}\n")),
        ("current.jsonl", format!("{BOM}{current_line}\n")),
        ("old.json", format!("{BOM}{OLD}")),
        ("current.json", format!("{BOM}{current_line}")),
    ];
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    for (name, content) in &files {
        fs::write(corpus.join(name), content).unwrap();
    }
    cmd()
        .arg("check")
        .arg(corpus.join("current.jsonl"))
        .arg(corpus.join("current.json"))
        .assert()
        .success()
        .stdout(contains("2 documents: 2 current, 0 failed"));

    let out = dir.path().join("out");
    cmd()
        .arg("migrate")
        .arg(&corpus)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("5 documents: 3 current, 2 migrated, 0 failed"));
    let read = |name: &str| fs::read_to_string(out.join(name)).unwrap();
    // Current files are copied byte for byte, the mark included.
    assert_eq!(read("current.jsonl"), files[1].1);
    assert_eq!(read("current.json"), files[3].1);
    // A migrated first document is written after the mark.
    let old_jsonl = read("old.jsonl");
    let lines: Vec<&str> = old_jsonl.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{BOM}{NEW_PREFIX}")),
        "{old_jsonl}"
    );
    assert_eq!(lines[1..], [current_line]);
    assert!(read("old.json").starts_with(&format!("{BOM}{NEW_PREFIX}")));
    assert!(read("old.json").ends_with("}\n"));

    cmd()
        .args(["migrate", "--in-place"])
        .arg(&corpus)
        .assert()
        .success();
    for (name, _) in &files {
        assert_eq!(
            fs::read_to_string(corpus.join(name)).unwrap(),
            read(name),
            "{name}"
        );
    }

    binary()
        .args(["migrate", "-"])
        .write_stdin(format!("{BOM}{}\n", model_trace(3, TraceVersion::Legacy)))
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!("{BOM}{MODEL_PREFIX}")));
}

#[test]
fn a_newer_document_is_kept_as_it_is_unless_newer_fail() {
    let newer = r#"{"schema_version":"0.9.0","problem_statement":"p","steps":[],"outcome":"o"}"#;
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.jsonl");
    fs::write(&shared, format!("{newer}\n")).unwrap();
    cmd()
        .args(["migrate"])
        .arg(&shared)
        .assert()
        .success()
        .stdout(format!("{newer}\n"))
        .stderr(contains("1 document: 0 current, 1 newer (kept), 0 failed"));
    cmd()
        .args(["migrate", "--newer", "fail"])
        .arg(&shared)
        .assert()
        .code(1)
        .stdout(format!("{newer}\n"))
        .stderr(contains("newer than 0.2.0"));
}
