//! A kill at any moment of an in-place run leaves every file either fully
//! old or fully new: the real binary is killed (SIGKILL) at several moments
//! and every file is checked after each kill.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use palimpsest_cli::test_support::StandInTrace;

const FILES: usize = 60;
const LINES: usize = 200;

fn old_line(file: usize, line: usize) -> String {
    let steps: Vec<String> = (0..4)
        .map(|i| format!(r#"{{"tool":"bash","arguments":{{"cmd":"grep -r item{i} src/"}},"result":{{"stdout":"{}"}}}}"#, "match ".repeat(20)))
        .collect();
    format!(
        r#"{{"problem_statement":"file {file} line {line}","steps":[{}],"result":"resolved","notes":"n{line}"}}"#,
        steps.join(",")
    )
}

/// Whether a file is exactly its old content or entirely migrated.
fn check_file(path: &Path, old: &str) -> Result<&'static str, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes == old.as_bytes() {
        return Ok("old");
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    if text.lines().count() != old.lines().count() || !text.ends_with('\n') {
        return Err(format!(
            "{}: truncated ({} lines)",
            path.display(),
            text.lines().count()
        ));
    }
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(r#"{"schema_version":"0.2.0""#) {
            return Err(format!(
                "{}:{}: a mix of old and new",
                path.display(),
                i + 1
            ));
        }
        palimpsest::from_str_strict::<StandInTrace>(line)
            .map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
    }
    Ok("new")
}

fn run_in_place(dir: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_palimpsest-stand-in"))
        .args(["--quiet", "--threads", "2", "migrate", "--in-place"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killed_in_place_runs_leave_every_file_old_or_new() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for f in 0..FILES {
        let path = dir
            .path()
            .join(format!("shard-{}", f % 7))
            .join(format!("t{f:03}.jsonl"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let content: String = (0..LINES).map(|l| old_line(f, l) + "\n").collect();
        fs::write(&path, &content).unwrap();
        files.push((path, content));
    }

    // How long a whole run takes here, to kill at moments spread over it.
    let start = Instant::now();
    let probe = tempfile::tempdir().unwrap();
    for (i, (_, content)) in files.iter().enumerate().take(FILES / 4) {
        fs::write(probe.path().join(format!("{i}.jsonl")), content).unwrap();
    }
    assert!(run_in_place(probe.path()).wait().unwrap().success());
    let quarter = start.elapsed();

    let mut killed_midway = 0;
    for fraction in [1, 3, 6, 10, 15] {
        let mut child = run_in_place(dir.path());
        std::thread::sleep(quarter * fraction / 4);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut counts = (0, 0);
        for (path, old) in &files {
            match check_file(path, old) {
                Ok("old") => counts.0 += 1,
                Ok(_) => counts.1 += 1,
                Err(problem) => panic!("after a kill at {fraction}/4 of a run: {problem}"),
            }
        }
        if !finished && counts.0 > 0 && counts.1 > 0 {
            killed_midway += 1;
        }
    }

    // A last run finishes the job; leftovers of killed runs are never taken for sources.
    let status = run_in_place(dir.path()).wait().unwrap();
    assert!(status.success());
    for (path, old) in &files {
        assert_eq!(check_file(path, old), Ok("new"));
    }
    let checked = Command::new(env!("CARGO_BIN_EXE_palimpsest-stand-in"))
        .args(["check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    assert!(
        killed_midway > 0,
        "no kill landed in the middle of a run (quarter run {quarter:?})"
    );
    eprintln!("kills in the middle of a run: {killed_midway}; a quarter run takes {quarter:?}");
}

#[test]
fn leftover_temporary_files_are_hidden_from_walks() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".t.jsonl.123-0.palimpsest-tmp"), "{partial").unwrap();
    let found: Vec<_> = palimpsest::bulk::sources(&[dir.path().to_path_buf()]).collect();
    assert!(found.is_empty());
}

/// The PID of a process that has ended: a child, waited for.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn temporary_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(temporary_files(&path));
        } else if path.to_string_lossy().ends_with(".palimpsest-tmp") {
            found.push(path);
        }
    }
    found
}

#[test]
fn temporary_files_of_dead_runs_are_removed_by_the_next_run_into_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let current = dir.path().join("current");
    fs::create_dir(&logs).unwrap();
    fs::create_dir(&current).unwrap();
    fs::write(logs.join("t.jsonl"), old_line(0, 0) + "\n").unwrap();
    fs::write(
        current.join("c.json"),
        r#"{"schema_version":"0.2.0","problem_statement":"c","outcome":"ok"}"#,
    )
    .unwrap();
    let (dead, live) = (dead_pid(), std::process::id());
    let plant = |path: PathBuf| {
        fs::write(&path, "{partial").unwrap();
        path
    };
    let stale = [
        plant(logs.join(format!(".t.jsonl.{dead}-0.palimpsest-tmp"))),
        plant(logs.join(format!(".other.json.{dead}-17.palimpsest-tmp"))),
    ];
    let kept = [
        // A run still going.
        plant(logs.join(format!(".t.jsonl.{live}-0.palimpsest-tmp"))),
        // Names that are not quite ours.
        plant(logs.join(format!("t.jsonl.{dead}-0.palimpsest-tmp"))),
        plant(logs.join(format!(".t.jsonl.{dead}.palimpsest-tmp"))),
        plant(logs.join(format!(".t.jsonl.{dead}-0.palimpsest-tmp.bak"))),
        // A folder the run reads but does not write into (a current `.json`
        // file is not even written beside).
        plant(current.join(format!(".c.json.{dead}-0.palimpsest-tmp"))),
    ];

    let check = Command::new(env!("CARGO_BIN_EXE_palimpsest-stand-in"))
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(stale.iter().all(|p| p.exists()), "a check writes nothing");

    assert!(run_in_place(dir.path()).wait().unwrap().success());
    for path in &stale {
        assert!(!path.exists(), "{} is left", path.display());
    }
    for path in &kept {
        assert!(path.exists(), "{} is removed", path.display());
    }
    assert!(fs::read_to_string(logs.join("t.jsonl"))
        .unwrap()
        .starts_with(r#"{"schema_version":"0.2.0""#));
}

#[test]
fn an_interrupted_run_removes_its_temporary_files_and_exits_130() {
    const BIG_LINES: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for f in 0..3 {
        let content: String = (0..BIG_LINES).map(|l| old_line(f, l) + "\n").collect();
        files.push((dir.path().join(format!("big{f}.jsonl")), content));
    }
    for signal in ["INT", "TERM"] {
        for (path, content) in &files {
            fs::write(path, content).unwrap();
        }
        let mut child = run_in_place(dir.path());
        let start = Instant::now();
        while temporary_files(dir.path()).is_empty() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the run ended before it was interrupted"
            );
            assert!(start.elapsed().as_secs() < 60, "no temporary file appeared");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let sent = Command::new("kill")
            .args(["-s", signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "SIG{signal}: {status}");
        assert_eq!(
            temporary_files(dir.path()),
            Vec::<PathBuf>::new(),
            "SIG{signal}"
        );
        for (path, old) in &files {
            if let Err(problem) = check_file(path, old) {
                panic!("after SIG{signal}: {problem}");
            }
        }
    }
}
