//! Bulk migration of streams and folders, through a type that implements
//! `Versioned` by hand over a plain serde derive.

use std::fs;
use std::io::Write;
use std::sync::OnceLock;

use palimpsest::{Schema, Step, Versioned};
use palimpsest_bulk::{
    check_output, Clash, Destination, Migrator, Mode, Outcome, RunError, Summary,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Note {
    text: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    meta: serde_json::Map<String, serde_json::Value>,
}

impl Versioned for Note {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::semver("Note", "0.3.0")
                .metadata("meta")
                .step(Step::new("0.0.1", "0.1.0"))
                .step(Step::new("0.1.0", "0.2.0").rename("body", "text"))
                .step(
                    Step::new("0.2.0", "0.3.0")
                        .add("tags", || json!([]))
                        .preserve("color"),
                )
                .build()
                .unwrap()
        })
    }
}

fn migrate(migrator: &Migrator<Note>, input: &[u8]) -> (Vec<u8>, Summary) {
    let mut out = Vec::new();
    let mut summary = Summary::default();
    migrator
        .jsonl("in.jsonl", input, &mut out, &mut summary)
        .unwrap();
    (out, summary)
}

const CURRENT: &str = r#"{"schema_version":"0.3.0","text":"t","tags":[],"meta":{}}"#;

#[test]
fn old_documents_are_migrated_and_current_ones_copied_byte_for_byte() {
    let current_spaced = r#"{ "text": "t", "schema_version": "0.3.0" }"#;
    let input = format!("{{\"body\":\"a\",\"color\":\"red\"}}\n{CURRENT}\n{current_spaced}\n");
    let (out, summary) = migrate(&Migrator::new(), input.as_bytes());
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(r#"{"schema_version":"0.3.0","text":"a","tags":[]"#),
        "{}",
        lines[0]
    );
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["meta"]["legacy_color"], "red");
    assert_eq!(first["meta"]["migrated_from"], "0.0.1");
    assert_eq!(lines[1], CURRENT);
    assert_eq!(lines[2], current_spaced);
    assert_eq!(
        (summary.documents, summary.migrated, summary.current),
        (3, 1, 2)
    );
    assert_eq!(summary.steps.len(), 3);
    assert_eq!(summary.preserved["meta.legacy_color"], 1);
    assert_eq!(summary.defaulted["tags"], 1);
    assert!(!summary.is_clean());
}

#[test]
fn order_is_kept_across_many_small_batches() {
    let input: String = (0..2000)
        .map(|i| format!("{{\"body\":\"{i}\"}}\n"))
        .collect();
    let migrator = Migrator::new().batch(7, 1 << 20).threads(2).unwrap();
    let (out, summary) = migrate(&migrator, input.as_bytes());
    let texts: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(texts, (0..2000).map(|i| i.to_string()).collect::<Vec<_>>());
    assert_eq!(summary.migrated, 2000);
}

#[test]
fn bad_lines_are_kept_and_reported_with_their_line() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"body\":\"ok\"}\r\n");
    input.extend_from_slice(b"{\"body\": \"\xff\xfe\"}\n");
    input.extend_from_slice(b"{not json\n");
    input.extend_from_slice(b"   \n");
    input.extend_from_slice(b"{\"schema_version\":\"9.0.0\"}\n");
    input.extend_from_slice(b"{\"body\":1}\n");
    input.extend_from_slice(b"[1,2]\n");
    input.extend_from_slice(b"{\"body\":\"last\"}");
    let (out, summary) = migrate(&Migrator::new(), &input);
    let out_lines: Vec<&[u8]> = out.split(|&b| b == b'\n').collect();
    let in_lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    assert_eq!(out_lines.len(), in_lines.len());
    assert!(out_lines[0].ends_with(b"\r"), "the CRLF terminator is kept");
    assert_eq!(
        &out_lines[1..7],
        &in_lines[1..7],
        "failed and blank lines are unchanged"
    );
    assert!(!out.ends_with(b"\n"), "no newline is added at the end");
    let failed: Vec<(Option<u64>, &str)> = summary
        .failures
        .iter()
        .map(|f| (f.line, f.error.kind()))
        .collect();
    assert_eq!(
        failed,
        [
            (Some(2), "not_utf8"),
            (Some(3), "invalid_json"),
            (Some(6), "migration"),
            (Some(7), "migration")
        ]
    );
    assert!(
        summary.failures[2].to_string().contains(
            "in.jsonl:6: `Note`: document at version 0.0.1, migrated to 0.3.0, does not fit the schema at `text`"
        ),
        "{}",
        summary.failures[2]
    );
    // A newer build's document is no failure: kept as it is, and counted.
    assert_eq!(
        (summary.blank_lines, summary.migrated, summary.newer),
        (1, 2, 1)
    );
}

#[test]
fn a_huge_line_streams_through_and_the_next_lines_go_on() {
    let huge = format!("{{\"body\":\"{}\"}}", "x".repeat(10_000));
    let input = format!("{{\"body\":\"a\"}}\n{huge}\n{{\"body\":\"b\"}}\n");
    let (out, summary) = migrate(
        &Migrator::new().max_document_bytes(1000).batch(1, 100),
        input.as_bytes(),
    );
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], huge);
    assert!(lines[2].contains(r#""text":"b""#));
    assert_eq!(summary.failures[0].line, Some(2));
    assert_eq!(summary.failures[0].error.kind(), "too_large");
    assert_eq!(summary.migrated, 2);
}

#[test]
fn detect_mode_lists_outdated_documents_and_writes_nothing_new() {
    let input = format!("{{\"body\":\"a\"}}\n{CURRENT}\n");
    let (out, summary) = migrate(&Migrator::new().mode(Mode::Detect), input.as_bytes());
    assert_eq!(out, input.as_bytes());
    assert_eq!(summary.outdated.len(), 1);
    assert_eq!(summary.outdated[0].to_string(), "in.jsonl:1: version 0.0.1");
}

#[test]
fn diff_mode_describes_each_change() {
    let mut changes = Vec::new();
    let mut observer = |d: palimpsest_bulk::Document<'_>| {
        if let Outcome::Migrated {
            changes: Some(c), ..
        } = d.outcome
        {
            changes.extend(c.iter().map(ToString::to_string));
        }
    };
    Migrator::<Note>::new()
        .mode(Mode::Diff)
        .jsonl("-", &br#"{"body":"a"}"#[..], std::io::sink(), &mut observer)
        .unwrap();
    assert!(
        changes.contains(&r#"- body: "a""#.to_owned()),
        "{changes:?}"
    );
    assert!(
        changes.contains(&r#"+ text: "a""#.to_owned()),
        "{changes:?}"
    );
    assert!(
        changes.contains(&r#"+ schema_version: "0.3.0""#.to_owned()),
        "{changes:?}"
    );
}

#[test]
fn to_an_older_version_writes_the_key_first() {
    let (out, _) = migrate(
        &Migrator::new().to("0.2.0").unwrap(),
        br#"{"body":"a","z":1}"#,
    );
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with(r#"{"schema_version":"0.2.0","#), "{out}");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["text"], "a");
    assert_eq!(
        value["meta"]["migration_history"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn folders_mirror_into_an_output_folder_and_rejects_collect_failures() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("deep")).unwrap();
    fs::write(input.join("a.jsonl"), "{\"body\":\"a\"}\n{bad\n").unwrap();
    fs::write(input.join("deep/b.json"), "{\"body\": \"b\"}\n").unwrap();
    fs::write(input.join("deep/empty.json"), "").unwrap();
    fs::write(input.join("deep/c.json"), CURRENT).unwrap();
    fs::write(input.join("skip.txt"), "x").unwrap();
    let output = dir.path().join("out");
    let mut rejects = Vec::new();
    let mut summary = Summary::default();
    Migrator::<Note>::new()
        .run(
            std::slice::from_ref(&input),
            Destination::Mirror(output.clone()),
            Some(&mut rejects),
            &mut summary,
        )
        .unwrap();
    let read = |p: &str| fs::read_to_string(output.join(p)).unwrap();
    assert!(read("a.jsonl").ends_with("\n{bad\n"));
    assert!(read("deep/b.json").starts_with(r#"{"schema_version":"0.3.0","text":"b""#));
    assert!(read("deep/b.json").ends_with("}\n"));
    assert_eq!(read("deep/c.json"), CURRENT);
    assert_eq!(read("deep/empty.json"), "");
    assert!(!output.join("skip.txt").exists());
    assert_eq!(String::from_utf8(rejects).unwrap(), "{bad\n");
    let kinds: Vec<&str> = summary.failures.iter().map(|f| f.error.kind()).collect();
    assert_eq!(kinds, ["invalid_json", "empty"]);
    assert_eq!(summary.failures[1].line, None);
}

#[test]
fn in_place_touches_only_files_with_old_documents() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.jsonl");
    let current = dir.path().join("current.jsonl");
    fs::write(&old, "{\"body\":\"a\"}\n").unwrap();
    fs::write(&current, format!("{CURRENT}\n")).unwrap();
    let before = fs::metadata(&current).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut summary = Summary::default();
    Migrator::<Note>::new()
        .run(
            &[dir.path().to_path_buf()],
            Destination::InPlace,
            None,
            &mut summary,
        )
        .unwrap();
    assert!(fs::read_to_string(&old)
        .unwrap()
        .starts_with(r#"{"schema_version":"0.3.0""#));
    assert_eq!(fs::metadata(&current).unwrap().modified().unwrap(), before);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file is left"
    );
}

#[test]
fn a_missing_input_stops_the_run_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    fs::File::create(&good)
        .unwrap()
        .write_all(b"{\"body\":\"a\"}\n")
        .unwrap();
    let missing = dir.path().join("missing.jsonl");
    let out = dir.path().join("out.jsonl");
    let mut summary = Summary::default();
    let error = Migrator::<Note>::new()
        .run(
            &[good.clone(), missing.clone()],
            Destination::File(out.clone()),
            None,
            &mut summary,
        )
        .unwrap_err();
    let RunError::Unreadable { path, source } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        (path, source.kind()),
        (&missing, std::io::ErrorKind::NotFound)
    );
    assert_eq!(
        error.to_string(),
        format!("cannot read {}: {source}", missing.display())
    );
    assert_eq!(summary.documents, 0, "no document was read");
    assert!(!out.exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_destination_that_clashes_with_the_inputs_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("deep")).unwrap();
    fs::write(input.join("a.jsonl"), "{\"body\":\"a\"}\n").unwrap();
    fs::write(input.join("deep/a.jsonl"), "{\"body\":\"b\"}\n").unwrap();
    let inputs = [input.clone()];
    let migrator = Migrator::<Note>::new();
    let refused = |destination: Destination<'_>| -> Clash {
        match migrator.run(&inputs, destination, None, &mut Summary::default()) {
            Err(RunError::Clash(clash)) => clash,
            other => panic!("{other:?}"),
        }
    };
    let file = input.join("deep/a.jsonl");
    let clash = migrator
        .run(
            std::slice::from_ref(&file),
            Destination::File(input.join("deep/../deep/a.jsonl")),
            None,
            &mut Summary::default(),
        )
        .unwrap_err();
    assert!(
        matches!(&clash, RunError::Clash(Clash::IsInput { input: i, .. }) if *i == file),
        "{clash:?}"
    );
    let clash = refused(Destination::File(file.clone()));
    assert!(
        matches!(&clash, Clash::InsideInput { output, input: i } if *output == file && *i == input),
        "{clash:?}"
    );
    let clash = refused(Destination::Mirror(dir.path().to_path_buf()));
    assert!(matches!(clash, Clash::ContainsInput { .. }), "{clash:?}");
    let clash = refused(Destination::Mirror(input.join("out")));
    assert!(matches!(clash, Clash::InsideInput { .. }), "{clash:?}");

    // Two inputs with the same file name, mirrored into one folder.
    let out = dir.path().join("out");
    let pair = [input.join("a.jsonl"), input.join("deep/a.jsonl")];
    let error = migrator
        .run(
            &pair,
            Destination::Mirror(out.clone()),
            None,
            &mut Summary::default(),
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "inputs {} and {} would both be written to {}",
            pair[0].display(),
            pair[1].display(),
            out.join("a.jsonl").display()
        )
    );
    assert!(!out.exists());
    // Through `io::Error`, for callers that only handle that.
    let io = std::io::Error::from(error);
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        fs::read_to_string(input.join("a.jsonl")).unwrap(),
        "{\"body\":\"a\"}\n"
    );

    // A rejects file beside the run is checked the same way.
    assert!(matches!(
        check_output(&input.join("rejects.jsonl"), &inputs),
        Err(Clash::InsideInput { .. })
    ));
    assert!(check_output(&dir.path().join("rejects.jsonl"), &inputs).is_ok());
}

#[test]
fn a_byte_order_mark_stays_at_the_start_of_a_stream_and_never_between_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.json"));
    fs::write(&a, format!("\u{feff}{{\"body\":\"a\"}}\n{CURRENT}\n")).unwrap();
    fs::write(&b, format!("\u{feff}{CURRENT}")).unwrap();
    let mut out = Vec::new();
    let mut rejects = Vec::new();
    let mut summary = Summary::default();
    Migrator::<Note>::new()
        .run(
            &[a, b],
            Destination::Stream(&mut out),
            Some(&mut rejects),
            &mut summary,
        )
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with("\u{feff}{\"schema_version\":\"0.3.0\",\"text\":\"a\""),
        "{out}"
    );
    assert_eq!(out.matches('\u{feff}').count(), 1, "{out}");
    assert!(out.ends_with(&format!("\n{CURRENT}\n{CURRENT}\n")), "{out}");
    assert_eq!(
        (summary.migrated, summary.current, summary.failed),
        (1, 2, 0)
    );
}

/// The same history through `#[versioned]`: its `Deserialize` migrates, so
/// bulk reads such documents straight from their bytes; what it writes and
/// reports must be what the tree route gives.
#[palimpsest::versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MacroNote {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    tags: Vec<String>,
    #[removed_in("0.3.0")]
    color: String,
    #[serde(default)]
    meta: serde_json::Map<String, serde_json::Value>,
}

#[test]
fn versioned_types_are_read_straight_from_their_bytes_with_the_same_result() {
    let lines = [
        r#"{"body":"a","color":"red"}"#,
        r#"{"schema_version":"0.2.0","text":"b","color":"blue","meta":{"k":1}}"#,
        r#"{"text":"c","tags":["x"],"schema_version":"0.3.0"}"#,
        r#"{"schema_version":"0.1.0","body":7,"color":"red"}"#,
    ];
    let input = lines.join("\n") + "\n";
    let mut out = Vec::new();
    let mut summary = Summary::default();
    Migrator::<MacroNote>::new()
        .jsonl("in.jsonl", input.as_bytes(), &mut out, &mut summary)
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    let written: Vec<&str> = out.lines().collect();

    for (old, new) in lines[..2].iter().zip(&written) {
        let expected = palimpsest::from_str::<MacroNote>(old).unwrap().value;
        assert_eq!(*new, serde_json::to_string(&expected).unwrap());
    }
    assert_eq!(
        written[2], lines[2],
        "a current document is copied as it is"
    );
    assert_eq!(written[3], lines[3], "a failed document is kept");
    assert_eq!(
        (summary.migrated, summary.current, summary.failed),
        (2, 1, 1)
    );
    assert_eq!(summary.preserved.values().sum::<u64>(), 2);
    let failure = summary.failures[0].to_string();
    assert!(failure.contains("in.jsonl:4"), "{failure}");
    assert!(failure.contains("`MacroNote`"), "{failure}");
}

#[test]
fn an_older_target_rewrites_newer_documents_for_readers_that_have_not_upgraded() {
    let input = concat!(
        // `tags`, added in 0.3.0, holds its default: 0.2.0 lets it go.
        r#"{"schema_version":"0.3.0","text":"t","tags":[],"meta":{"legacy_color":"red"}}"#,
        "\n",
        r#"{"body":"b"}"#,
        "\n",
        r#"{"schema_version":"0.3.0","text":"no color kept"}"#,
        "\n",
    );
    let (out, summary) = migrate(&Migrator::new().to("0.2.0").unwrap(), input.as_bytes());
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"schema_version":"0.2.0","color":"red","meta":{},"text":"t"}"#
    );
    assert_eq!(
        lines[1],
        r#"{"schema_version":"0.2.0","meta":{"migrated_from":"0.0.1","migration_history":[{"from":"0.0.1","to":"0.1.0"},{"from":"0.1.0","to":"0.2.0"}]},"text":"b"}"#
    );
    assert_eq!(
        lines[2], r#"{"schema_version":"0.3.0","text":"no color kept"}"#,
        "kept as it was"
    );
    assert_eq!((summary.migrated, summary.failed), (2, 1));
    assert!(summary.failures[0]
        .to_string()
        .contains("no `meta.legacy_color` to restore"));
}

#[test]
fn a_run_where_every_document_fails_does_not_call_them_outdated() {
    let (_, summary) = migrate(&Migrator::new(), b"not json\n[1]\n");
    assert_eq!(summary.failed, 2);
    assert!(
        summary
            .to_string()
            .starts_with("2 documents: 0 current, 2 failed\n"),
        "{summary}"
    );
}

#[test]
fn a_current_document_that_does_not_fit_the_type_is_reported_and_kept() {
    // Stamped first, as palimpsest writes: once copied through on the
    // strength of its first bytes alone.
    let unknown_field = r#"{"schema_version":"0.3.0","text":"t","surprise":1}"#;
    let wrong_type = r#"{"text":5,"schema_version":"0.3.0"}"#;
    let input = format!("{unknown_field}\n{wrong_type}\n{CURRENT}\n");
    for mode in [Mode::Migrate, Mode::Detect, Mode::Diff] {
        let (out, summary) = migrate(&Migrator::new().mode(mode), input.as_bytes());
        assert_eq!(out, input.as_bytes(), "{mode:?}");
        assert_eq!(
            (summary.current, summary.failed),
            (1, 2),
            "{mode:?}: {summary}"
        );
        let failures: Vec<String> = summary.failures.iter().map(ToString::to_string).collect();
        assert!(
            failures[0].starts_with(
                "in.jsonl:1: `Note`: document at version 0.3.0 does not fit the schema"
            ) && failures[0].contains("surprise"),
            "{mode:?}: {failures:?}"
        );
        assert!(
            failures[1].starts_with(
                "in.jsonl:2: `Note`: document at version 0.3.0 does not fit the schema at `text`"
            ),
            "{mode:?}: {failures:?}"
        );
    }
}

#[test]
fn a_run_to_the_current_version_says_what_the_reader_says_about_each_document() {
    // Whatever the key's place and spelling, the version is the one the
    // reader finds, in every mode.
    let lines = [
        r#"{"schema_version":"0.3.0","text":"a"}"#,
        r#"{ "schema_version" : "0.3.0", "text": "b" }"#,
        r#"{"text":"c","schema_version":"0.3.0"}"#,
        r#"{"schema_version":"0.2.0","text":"d"}"#,
        r#"{"body":"e"}"#,
    ];
    let input = lines.join("\n") + "\n";
    for mode in [Mode::Migrate, Mode::Detect, Mode::Diff] {
        let (_, summary) = migrate(&Migrator::new().mode(mode), input.as_bytes());
        let versions: Vec<(String, u64)> = summary
            .versions
            .iter()
            .map(|(version, n)| (version.to_string(), *n))
            .collect();
        assert_eq!(
            versions,
            [
                ("0.0.1".to_owned(), 1),
                ("0.2.0".to_owned(), 1),
                ("0.3.0".to_owned(), 3)
            ],
            "{mode:?}"
        );
        assert_eq!(summary.current, 3, "{mode:?}");
    }
}

#[test]
fn a_line_holding_an_integer_serde_json_would_round_is_refused_on_every_route() {
    // In a free-form map of the type's own: the bulk engine writes every
    // value of a migrated line anew, so it checks them all.
    let big = r#"{"body":"a", "meta": {"n": [1, 123456789012345678901234567890]}}"#;
    let exact = r#"{"body":"b","meta":{"n":[18446744073709551615,-9223372036854775808,1e20]}}"#;
    let input = format!("{big}\n{exact}\n");
    for migrator in [Migrator::new(), Migrator::new().to("0.2.0").unwrap()] {
        let target = migrator.target().to_string();
        let (out, summary) = migrate(&migrator, input.as_bytes());
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], big, "to {target}: kept as it was");
        assert!(
            lines[1].contains(r#"[18446744073709551615,-9223372036854775808,1e+20]"#),
            "to {target}: {}",
            lines[1]
        );
        assert_eq!(
            (summary.migrated, summary.failures.len()),
            (1, 1),
            "{target}"
        );
        let failure = &summary.failures[0];
        assert!(
            matches!(
                &failure.error,
                palimpsest_bulk::BulkError::Document(palimpsest::Error::InexactNumber { path, literal, .. })
                    if path == "meta.n.1" && literal == "123456789012345678901234567890"
            ),
            "to {target}: {failure}"
        );
        assert!(
            failure.to_string().contains(
                "in.jsonl:1: `Note`: document at version 0.0.1 holds the integer 123456789012345678901234567890 at `meta.n.1`, which would be migrated as 1.2345678901234568e29"
            ),
            "{failure}"
        );
    }
}
