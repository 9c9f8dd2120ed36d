//! The guide's "Legacy Support": a trace written before versioning existed
//! is detected and migrated when read.

use palimpsest::models::trace::ExecutionTrace;
use serde_json::json;

fn main() {
    // Legacy trace data (no schema_version field).
    let legacy_data = json!({
        "problem_statement": "Old trace format",
        "outcome": "Will be migrated",
        "execution_steps": [
            {"step_number": 1, "action": "run_tests", "observation": "2 failures"}
        ]
    });

    // model_validate_with_migration in the guide.
    let read =
        ExecutionTrace::from_value_with_migration(legacy_data).expect("legacy traces migrate");
    let trace = read.value;
    println!("schema_version: {}", trace.schema_version());
    println!("migrated_from: {}", trace.context.metadata["migrated_from"]);
    println!("{}", read.report);
    assert_eq!(trace.schema_version().to_string(), "0.1.0");
    assert_eq!(trace.context.metadata["migrated_from"], "0.0.1");
    assert_eq!(trace.execution_steps[0].action, "run_tests");

    // Plain serde does the same, wherever the trace sits.
    let traces: Vec<ExecutionTrace> =
        serde_json::from_str(r#"[{"problem_statement": "a", "outcome": "b"}]"#)
            .expect("a list of legacy traces");
    assert_eq!(traces[0].context.metadata["migrated_from"], "0.0.1");
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
