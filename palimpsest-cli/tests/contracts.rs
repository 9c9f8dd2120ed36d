//! The subcommands about the type's schema (`schema`, `changelog`, `lock`,
//! `golden`): as the real `palimpsest` binary for the trace models, and in
//! this process for a type of the user's own, through `run_with` (what
//! `palimpsest_cli::run` calls with the process's arguments).

use std::fs;

use palimpsest::versioned;
use predicates::prelude::*;
use predicates::str::contains;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The real binary, for the trace models.
fn binary() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_palimpsest"));
    command.env_remove("PALIMPSEST_BLESS");
    command
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("the command prints JSON")
}

#[test]
fn schema_prints_each_versions_json_schema() {
    let current = binary().arg("schema").assert().success();
    let current = json_of(&current.get_output().stdout);
    assert_eq!(current["title"], "ExecutionTrace 0.1.0");
    assert_eq!(
        current["properties"]["schema_version"],
        json!({"const": "0.1.0"})
    );
    assert_eq!(
        current["$defs"]["ExecutionTrace"]["required"],
        json!(["outcome", "problem_statement"])
    );
    // The legacy version's documents carry no version key.
    let legacy = binary()
        .args(["schema", "--version", "0.0.1"])
        .assert()
        .success();
    assert!(json_of(&legacy.get_output().stdout)
        .get("required")
        .is_none());
    let shape = binary().args(["schema", "--shape"]).assert().success();
    assert_eq!(
        json_of(&shape.get_output().stdout)["types"]["ExecutionStep"]["struct"]["step_number"],
        json!({"type": "integer"})
    );
    binary()
        .args(["schema", "--version", "0.9.0"])
        .assert()
        .code(2)
        .stderr(
            "palimpsest: error: --version 0.9.0: `ExecutionTrace` has no version 0.9.0; its versions are 0.0.1, 0.1.0\n",
        );
}

#[test]
fn changelog_prints_markdown_or_json() {
    binary()
        .args(["changelog", "0.0.1", "0.1.0"])
        .assert()
        .success()
        .stdout(contains("# ExecutionTrace: 0.0.1 to 0.1.0"));
    let printed = binary()
        .args(["changelog", "0.0.1", "0.1.0", "--json"])
        .assert()
        .success();
    let printed = json_of(&printed.get_output().stdout);
    assert_eq!(
        (&printed["from"], &printed["to"]),
        (&json!("0.0.1"), &json!("0.1.0"))
    );
    binary()
        .args(["changelog", "0.0.1", "0.7.0"])
        .assert()
        .code(2)
        .stderr(contains("`ExecutionTrace` has no version 0.7.0"));
}

#[test]
fn lock_writes_then_checks_and_names_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("schema");
    // Not locked yet: the check fails and says what to run.
    binary()
        .args(["lock", "--check"])
        .arg(&lock)
        .assert()
        .code(1)
        .stdout(contains("version 0.1.0 is not locked"));
    // `lock` writes every version...
    binary()
        .arg("lock")
        .arg(&lock)
        .assert()
        .success()
        .stdout(contains("wrote ").and(contains("0.1.0.json")));
    let file = lock.join("ExecutionTrace/0.1.0.json");
    assert!(file.is_file());
    // ...and the check passes.
    binary()
        .args(["lock", "--check"])
        .arg(&lock)
        .assert()
        .success()
        .stdout("`ExecutionTrace` matches its lock: 0.0.1, 0.1.0\n");
    // A lock that says `result` where the struct says `outcome`: the
    // struct was renamed without its attribute.
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("\"outcome\"", "\"result\"")).unwrap();
    binary()
        .args(["lock", "--check", "--json"])
        .arg(&lock)
        .assert()
        .code(1)
        .stdout(contains(
            r#"`result` was renamed to `outcome` without a new version and `#[renamed_from(\"result\", since = ...)]`"#,
        ));
}

#[test]
fn lock_check_blesses_through_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    binary()
        .env("PALIMPSEST_BLESS", "1")
        .args(["lock", "--check"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("ExecutionTrace/0.0.1.json").is_file());
}

#[test]
fn golden_writes_a_document_per_version_once() {
    let dir = tempfile::tempdir().unwrap();
    binary()
        .arg("golden")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(contains("0.0.1/golden.json").and(contains("0.1.0/golden.json")));
    let legacy: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("0.0.1/golden.json")).unwrap())
            .unwrap();
    assert_eq!(legacy["problem_statement"], "problem_statement");
    assert!(legacy.get("schema_version").is_none());
    // The documents are what `check` reads: the legacy one is old.
    binary()
        .arg("check")
        .arg(dir.path().join("0.1.0"))
        .assert()
        .success();
    binary()
        .arg("check")
        .arg(dir.path().join("0.0.1"))
        .assert()
        .code(1);
    // Never rewritten.
    binary()
        .args(["golden", "--name", "golden"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(contains("kept ").and(contains("wrote").not()));
}

mod before {
    use super::*;

    /// A type of the user's own, as `examples/own_type.rs` has it.
    #[versioned(since = 1, version = 2)]
    #[derive(Serialize, Deserialize)]
    pub struct Config {
        #[renamed_from("size", since = 2)]
        pub capacity: u32,
    }
}

mod after {
    use super::*;

    // `capacity` renamed again, with no version and no attribute.
    #[versioned(since = 1, version = 2)]
    #[derive(Serialize, Deserialize)]
    pub struct Config {
        #[renamed_from("size", since = 2)]
        pub limit: u32,
    }
}

/// The command for a type `T`, in this process: status and standard output.
fn run<T>(args: &[&str]) -> (u8, String)
where
    T: palimpsest::Versioned + Serialize + serde::de::DeserializeOwned,
{
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let args = std::iter::once("config").chain(args.iter().copied());
    let status = palimpsest_cli::run_with::<T, _, _>(args, &mut stdout, &mut stderr);
    (status, String::from_utf8(stdout).unwrap())
}

#[test]
fn a_users_own_type_is_locked_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().to_str().unwrap();
    let (status, changelog) = run::<before::Config>(&["changelog", "1", "2"]);
    assert_eq!(status, 0);
    assert!(
        changelog.contains("Config: `size` renamed to `capacity`"),
        "{changelog}"
    );
    assert_eq!(run::<before::Config>(&["lock", lock]).0, 0);
    let (status, out) = run::<after::Config>(&["lock", "--check", lock]);
    assert_eq!(status, 1);
    assert_eq!(
        out,
        "the schema lock of `Config` fails:\n  \
         - `capacity` was renamed to `limit` without a new version and `#[renamed_from(\"capacity\", since = ...)]`\n\
         declare the change, then run `config lock` to lock its new version\n"
    );
}
