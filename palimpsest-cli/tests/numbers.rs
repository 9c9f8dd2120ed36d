//! Integers beyond `u64`/`i64` through the real `palimpsest` binary: a
//! migrated line is written anew, so one holding an integer serde_json
//! would round is refused and kept as it was, byte for byte; a current
//! line is copied through untouched (issue 12).

use std::fs;

use predicates::str::contains;

fn binary() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_palimpsest"))
}

/// An old trace whose tool call's arguments (a `Value` field of the
/// model) hold `number` as written.
fn old_with_argument(number: &str) -> String {
    format!(
        r#"{{"problem_statement": "p", "outcome": "o", "execution_steps": [{{"step_number": 1, "action": "a", "tool_calls": [{{"name": "t", "arguments": {{"n": {number}}}}}]}}]}}"#
    )
}

#[test]
fn a_rounded_integer_refuses_the_line_and_exact_numbers_migrate() {
    let big = "123456789012345678901234567890";
    let refused_argument = old_with_argument(big);
    // An unclaimed key: its value would go to `legacy_unknown`.
    let refused_unknown =
        format!(r#"{{"problem_statement":"p","outcome":"o","surprise":[1, -{big}]}}"#);
    let exact = old_with_argument("18446744073709551615");
    let float =
        r#"{"problem_statement":"p","outcome":"o","surprise":{"f":1e20,"i":-9223372036854775808}}"#;
    let current = format!(
        r#"{{"schema_version":"0.1.0", "problem_statement":"p","outcome":"o","execution_steps":[],"surprise":  {big}}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("traces.jsonl");
    let rejects = dir.path().join("rejects.jsonl");
    let lines = [&refused_argument, &exact, &refused_unknown, float, &current];
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    fs::write(&input, &text).unwrap();

    let assert = binary()
        .args(["migrate", "--rejects"])
        .arg(&rejects)
        .arg(&input)
        .assert()
        .code(1)
        .stderr(contains("2 failed"));
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for expected in [
        format!("traces.jsonl:1: `ExecutionTrace`: document at version 0.0.1 holds the integer {big} at `execution_steps.0.tool_calls.0.arguments.n`, which would be migrated as 1.2345678901234568e29; enable serde_json's `arbitrary_precision` feature to keep it exact"),
        format!("traces.jsonl:3: `ExecutionTrace`: document at version 0.0.1 holds the integer -{big} at `surprise.1`"),
    ] {
        assert!(stdout.contains(&expected) || stderr.contains(&expected), "missing {expected:?} in\n{stdout}\n{stderr}");
    }

    // The refused lines, exactly as they were read.
    assert_eq!(
        fs::read_to_string(&rejects).unwrap(),
        format!("{refused_argument}\n{refused_unknown}\n")
    );
    let out: Vec<&str> = stdout.lines().collect();
    assert_eq!(out.len(), lines.len(), "{stdout}");
    assert_eq!(out[0], refused_argument);
    assert_eq!(out[2], refused_unknown);
    // The limits of u64 and i64 and a float are exact: migrated, the float
    // spelled as serde_json writes it.
    assert!(out[1].contains(r#""n":18446744073709551615"#), "{}", out[1]);
    assert!(
        out[3].starts_with(r#"{"schema_version":"0.1.0""#),
        "{}",
        out[3]
    );
    assert!(
        out[3].contains(r#""f":1e+20"#) && out[3].contains(r#""i":-9223372036854775808"#),
        "{}",
        out[3]
    );
    // A current line is copied, spaces and all.
    assert_eq!(out[4], current);
}
