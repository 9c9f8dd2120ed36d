//! The migration guide's backward compatibility guarantees, held by the
//! trace models: data preservation, automatic migration, metadata tracking.

use palimpsest::models::trace::{ExecutionStep, ExecutionTrace, ToolCall};
use palimpsest::Error;
use palimpsest_tests::corpus::{corpus_lines, trace, Expected, Size, TraceVersion};
use serde_json::{json, Value};

fn legacy() -> Value {
    json!({
        "problem_statement": "Old trace format",
        "outcome": "Will be migrated",
        "agent_name": "recorder 0.0.9",
        "execution_steps": [{
            "step_number": 1,
            "action": "read_file",
            "reasoning": "look first",
            "thought_tokens": 12,
            "tool_calls": [{"name": "read_file", "arguments": {"path": "a.rs"}, "result": "fn main() {}", "cache_hit": true}],
            "observation": "found it"
        }],
        "context": {"environment": {"os": "linux"}, "metadata": {"user": "ana"}, "session": "s-1"}
    })
}

// Data preservation: all existing trace data remains accessible.

#[test]
fn data_preservation_every_field_of_a_legacy_trace_is_readable() {
    let trace: ExecutionTrace = serde_json::from_value(legacy()).unwrap();
    assert_eq!(trace.problem_statement, "Old trace format");
    assert_eq!(trace.outcome, "Will be migrated");
    let step = &trace.execution_steps[0];
    assert_eq!(step.reasoning.as_deref(), Some("look first"));
    assert_eq!(step.observation.as_deref(), Some("found it"));
    assert_eq!(step.tool_calls[0].result, "fn main() {}");
    assert_eq!(trace.context.environment["os"], "linux");
    assert_eq!(trace.context.metadata["user"], "ana");
}

#[test]
fn data_preservation_fields_the_schema_does_not_name_are_kept() {
    let trace: ExecutionTrace = serde_json::from_value(legacy()).unwrap();
    let step = &trace.execution_steps[0];
    assert_eq!(step.extra["thought_tokens"], 12);
    assert_eq!(step.tool_calls[0].extra["cache_hit"], true);
    assert_eq!(trace.context.extra["session"], "s-1");
    // A top-level key no field claims goes to the metadata, not away.
    assert_eq!(
        trace.context.metadata["legacy_unknown"]["agent_name"],
        "recorder 0.0.9"
    );

    let written = serde_json::to_value(&trace).unwrap();
    assert_eq!(written["execution_steps"][0]["thought_tokens"], 12);
    assert_eq!(
        written["execution_steps"][0]["tool_calls"][0]["cache_hit"],
        true
    );
    assert_eq!(written["context"]["session"], "s-1");
}

#[test]
fn data_preservation_a_current_trace_round_trips_unchanged() {
    let original = ExecutionTrace {
        trace_id: Some("t-1".into()),
        problem_statement: "p".into(),
        outcome: "o".into(),
        success: Some(true),
        execution_steps: vec![ExecutionStep {
            step_number: 1,
            action: "call".into(),
            tool_calls: vec![ToolCall {
                name: "run_command".into(),
                arguments: json!({"command": "ls"}),
                result: json!({"exit_code": 0}),
                duration_ms: Some(u64::MAX),
                ..ToolCall::default()
            }],
            ..ExecutionStep::default()
        }],
        ..ExecutionTrace::default()
    };
    let text = serde_json::to_string(&original).unwrap();
    let read: ExecutionTrace = serde_json::from_str(&text).unwrap();
    assert_eq!(read, original);
    assert!(
        read.context.metadata.is_empty(),
        "a current trace is not migrated"
    );
}

#[test]
fn data_preservation_every_trace_of_the_corpus_reads_with_its_steps() {
    for (index, line) in corpus_lines().iter().enumerate() {
        let Expected::Trace(_) = line.expected else {
            continue;
        };
        let document: Value = serde_json::from_str(&line.text).unwrap();
        let read = ExecutionTrace::from_value_with_migration(document.clone())
            .unwrap_or_else(|e| panic!("line {}: {e}", index + 1));
        let steps = document["execution_steps"].as_array().map_or(0, Vec::len);
        assert_eq!(
            read.value.execution_steps.len(),
            steps,
            "line {}",
            index + 1
        );
        assert_eq!(
            read.value.problem_statement,
            document["problem_statement"],
            "line {}",
            index + 1
        );
    }
}

// Automatic migration: old traces are migrated when accessed.

#[test]
fn automatic_migration_plain_serde_reads_a_legacy_trace() {
    let trace: ExecutionTrace = serde_json::from_value(legacy()).unwrap();
    assert_eq!(trace.schema_version().to_string(), "0.1.0");
    let written = serde_json::to_string(&trace).unwrap();
    assert!(
        written.starts_with(r#"{"schema_version":"0.1.0","#),
        "{written}"
    );
}

#[test]
fn automatic_migration_works_wherever_a_trace_sits() {
    let doc = trace(5, TraceVersion::Legacy, Size::Small).to_value();
    let many: Vec<ExecutionTrace> = serde_json::from_value(json!([doc.clone(), doc])).unwrap();
    assert!(many
        .iter()
        .all(|t| t.context.metadata["migrated_from"] == "0.0.1"));
}

#[test]
fn automatic_migration_reports_what_ran() {
    let read = ExecutionTrace::from_value_with_migration(legacy()).unwrap();
    assert!(read.report.migrated());
    assert_eq!(read.report.from.to_string(), "0.0.1");
    assert_eq!(read.report.to.to_string(), "0.1.0");
    assert!(!palimpsest::needs_migration::<ExecutionTrace>(
        &serde_json::to_value(&read.value).unwrap()
    )
    .unwrap());
}

#[test]
fn automatic_migration_refuses_what_it_cannot_read_without_panicking() {
    for line in corpus_lines() {
        let result = palimpsest::from_str::<ExecutionTrace>(&line.text);
        match line.expected {
            Expected::Trace(_) => assert!(result.is_ok(), "{:?}", result.err()),
            Expected::InvalidJson => assert!(matches!(result, Err(Error::Syntax { .. }))),
            Expected::NotAnObject => assert!(matches!(result, Err(Error::NotAnObject { .. }))),
            Expected::MalformedVersion => {
                assert!(matches!(result, Err(Error::MalformedVersion { .. })))
            }
            Expected::NewerVersion => assert!(matches!(result, Err(Error::NewerVersion { .. }))),
        }
    }
}

// Metadata tracking: migration history is preserved in `context.metadata`.

#[test]
fn metadata_tracking_records_the_source_version_and_history() {
    let trace = ExecutionTrace::from_value_with_migration(legacy())
        .unwrap()
        .value;
    let metadata = &trace.context.metadata;
    assert_eq!(metadata["migrated_from"], "0.0.1");
    assert_eq!(
        metadata["migration_history"],
        json!([{"from": "0.0.1", "to": "0.1.0"}])
    );
    assert_eq!(metadata["user"], "ana", "the recorder's own metadata stays");
}

#[test]
fn metadata_tracking_creates_the_context_a_legacy_trace_lacks() {
    let trace: ExecutionTrace =
        serde_json::from_str(r#"{"problem_statement": "p", "outcome": "o"}"#).unwrap();
    assert_eq!(trace.context.metadata["migrated_from"], "0.0.1");
}

#[test]
fn metadata_tracking_survives_writing_and_reading_again() {
    let once: ExecutionTrace = serde_json::from_value(legacy()).unwrap();
    let twice: ExecutionTrace =
        serde_json::from_str(&serde_json::to_string(&once).unwrap()).unwrap();
    assert_eq!(twice, once);
    assert_eq!(
        twice.context.metadata["migration_history"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn metadata_tracking_a_context_that_is_not_an_object_is_an_error() {
    let err = ExecutionTrace::from_value_with_migration(json!({
        "problem_statement": "p", "outcome": "o", "context": ["not", "an", "object"]
    }))
    .unwrap_err();
    assert!(
        matches!(&err, Error::NotAnObject { path, .. } if path == "context"),
        "{err}"
    );
}
