//! The bundled corpus is what its generator makes, and each line is what the
//! generator says it is.

use palimpsest_tests::corpus::{
    corpus_lines, render_corpus, trace, Expected, Size, TraceVersion, CORPUS_LEN, CORPUS_PATH,
};
use serde_json::Value;

#[test]
fn regenerating_the_corpus_gives_the_committed_file_byte_for_byte() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS_PATH);
    let committed = std::fs::read(&path).expect("the corpus is committed");
    let generated = render_corpus();
    // Comparing lengths and the first differing line says more than a
    // multi-megabyte assert_eq! would.
    let first_difference = committed
        .split(|&b| b == b'\n')
        .zip(generated.as_bytes().split(|&b| b == b'\n'))
        .position(|(a, b)| a != b);
    assert!(
        committed == generated.as_bytes(),
        "{} is stale (first different line: {first_difference:?}); run `cargo run --example generate_corpus`",
        path.display()
    );
}

#[test]
fn the_corpus_is_a_few_hundred_traces_under_three_megabytes() {
    let text = render_corpus();
    assert!(text.len() < 3_000_000, "{} bytes", text.len());
    let lines = corpus_lines();
    assert_eq!(lines.len(), CORPUS_LEN);
    let count = |wanted: Expected| lines.iter().filter(|l| l.expected == wanted).count();
    assert!(count(Expected::Trace(TraceVersion::Legacy)) >= 100);
    assert!(count(Expected::Trace(TraceVersion::Current)) >= 80);
    assert!(count(Expected::Trace(TraceVersion::Migrated)) >= 20);
    for malformed in [
        Expected::InvalidJson,
        Expected::NotAnObject,
        Expected::MalformedVersion,
        Expected::NewerVersion,
    ] {
        assert!(count(malformed) >= 1, "no {malformed:?} line");
    }
    let sizes: Vec<usize> = lines.iter().map(|l| l.text.len()).collect();
    assert!(sizes.iter().any(|&n| n < 2_000), "no small trace");
    assert!(
        sizes
            .iter()
            .filter(|&&n| (7_000..20_000).contains(&n))
            .count()
            >= 50,
        "too few typical traces"
    );
    assert!(sizes.iter().any(|&n| n > 40_000), "no large trace");
}

#[test]
fn every_line_is_what_the_generator_says() {
    for (index, line) in corpus_lines().iter().enumerate() {
        let parsed = serde_json::from_str::<Value>(&line.text);
        let at = format!("line {}: {:?}", index + 1, line.expected);
        match line.expected {
            Expected::InvalidJson => assert!(parsed.is_err(), "{at}"),
            Expected::NotAnObject => assert!(!parsed.expect(&at).is_object(), "{at}"),
            Expected::MalformedVersion => {
                let doc = parsed.expect(&at);
                let stamp = doc.get("schema_version").expect(&at);
                assert!(
                    palimpsest::Scheme::Semver.parse_value(stamp).is_err(),
                    "{at}"
                );
            }
            Expected::NewerVersion => {
                let doc = parsed.expect(&at);
                assert!(
                    matches!(doc["schema_version"].as_str(), Some("0.2.0" | "1.0.0")),
                    "{at}"
                );
            }
            Expected::Trace(version) => {
                let doc = parsed.expect(&at);
                let stamp = doc.get("schema_version").and_then(Value::as_str);
                match version {
                    TraceVersion::Legacy => assert_eq!(stamp, None, "{at}"),
                    TraceVersion::Current | TraceVersion::Migrated => {
                        assert_eq!(stamp, Some("0.1.0"), "{at}");
                        assert!(
                            line.text.starts_with(r#"{"schema_version":"0.1.0","#),
                            "{at}"
                        );
                    }
                }
                let migrated_from = &doc["context"]["metadata"]["migrated_from"];
                assert_eq!(
                    migrated_from.as_str() == Some("0.0.1"),
                    version == TraceVersion::Migrated,
                    "{at}"
                );
            }
        }
    }
}

#[test]
fn a_trace_can_be_asked_for_by_size() {
    for target in [2_000, 10_000, 30_000, 250_000] {
        for version in [TraceVersion::Legacy, TraceVersion::Current] {
            let len = trace(target as u64, version, Size::Bytes(target))
                .to_json()
                .len();
            assert!(
                len >= target && len < target + target / 5 + 1_000,
                "{target}: {len}"
            );
        }
    }
    let typical = trace(11, TraceVersion::Current, Size::Typical).to_value();
    let steps = typical["execution_steps"].as_array().unwrap();
    assert!((12..40).contains(&steps.len()), "{}", steps.len());
    assert!(steps
        .iter()
        .any(|s| !s["tool_calls"].as_array().unwrap().is_empty()));
}
