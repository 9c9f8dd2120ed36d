//! The guide's "Schema Versioning": every trace carries the version of the
//! schema that wrote it, first in the document.

use palimpsest::models::trace::{ExecutionStep, ExecutionTrace};

fn main() {
    let trace = ExecutionTrace {
        problem_statement: "Example trace".into(),
        outcome: "Schema version automatically set".into(),
        execution_steps: vec![ExecutionStep {
            step_number: 1,
            action: "plan".into(),
            ..ExecutionStep::default()
        }],
        ..ExecutionTrace::default()
    };

    // trace.schema_version / trace.get_version() in the guide.
    println!("schema_version: {}", trace.schema_version());
    assert_eq!(trace.schema_version().to_string(), "0.1.0");

    let json = serde_json::to_string(&trace).expect("a trace serializes");
    println!("written: {}...", &json[..60]);
    assert!(json.starts_with(r#"{"schema_version":"0.1.0","#));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
