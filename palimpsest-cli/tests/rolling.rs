//! Old and new builds side by side, through the whole command for a type of
//! the user's own (`run_with`, what `palimpsest_cli::run` calls): documents
//! in the envelope layout migrate up and are written back down with
//! `--to`, and a document from a newer build is kept as it is unless
//! `--newer fail` is asked.

use std::fs;

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Version 1 called it `size`; version 2 says `capacity`.
#[versioned(since = 1, version = 2, metadata = "meta", layout = "envelope")]
#[derive(Serialize, Deserialize)]
struct Config {
    #[renamed_from("size", since = 2)]
    capacity: u32,
    #[serde(default)]
    meta: Map<String, Value>,
}

fn run(args: &[&str]) -> (u8, String) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let args = std::iter::once("config").chain(args.iter().copied());
    let status = palimpsest_cli::run_with::<Config, _, _>(args, &mut stdout, &mut stderr);
    let mut said = String::from_utf8(stdout).unwrap();
    said.push_str(&String::from_utf8(stderr).unwrap());
    (status, said)
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn envelopes_migrate_up_and_back_down_and_newer_ones_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.jsonl");
    let newer = r#"{"version":3,"data":{"capacity":3,"shards":4}}"#;
    fs::write(
        &old,
        format!("{{\"size\":1}}\n{{\"version\":1,\"data\":{{\"size\":2}}}}\n{newer}\n"),
    )
    .unwrap();
    let up = dir.path().join("up.jsonl");
    let (status, said) = run(&["migrate", old.to_str().unwrap(), "-o", up.to_str().unwrap()]);
    assert_eq!(status, 0, "{said}");
    assert!(said.contains("1 newer (kept)"), "{said}");
    let migrated = lines(&up);
    for (document, capacity) in migrated.iter().zip([1, 2]) {
        assert_eq!(document["version"], 2, "{document}");
        assert_eq!(document["data"]["capacity"], capacity, "{document}");
    }
    // The newer build's document, byte for byte.
    assert_eq!(fs::read_to_string(&up).unwrap().lines().nth(2), Some(newer));

    let down = dir.path().join("down.jsonl");
    let (status, said) = run(&[
        "migrate",
        "--to",
        "1",
        up.to_str().unwrap(),
        "-o",
        down.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{said}");
    let written = lines(&down);
    assert_eq!(written[1]["version"], 1);
    assert_eq!(written[1]["data"]["size"], 2);
    assert_eq!(written[1]["data"].get("capacity"), None);

    let (status, said) = run(&["migrate", "--newer", "fail", old.to_str().unwrap()]);
    assert_eq!(status, 1, "{said}");
    assert!(said.contains("newer than 2"), "{said}");
    assert_eq!(lines(&old).len(), 3, "the input is untouched");
}
