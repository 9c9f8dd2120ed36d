//! The guide's "Multi-step Migrations" (a future consideration there): a
//! legacy trace walks every step from 0.0.1 to 0.4.0, each recorded.

use palimpsest::models::trace::{ExecutionStep, TraceContext};
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    #[renamed_from("task", since = "0.2.0")]
    problem_statement: String,
    #[renamed_from("result", since = "0.3.0")]
    outcome: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    tags: Vec<String>,
    #[removed_in("0.4.0")]
    notes: String,
    #[serde(default)]
    execution_steps: Vec<ExecutionStep>,
    #[serde(default)]
    context: TraceContext,
}

fn main() {
    let legacy = r#"{"task": "fix CI", "result": "green", "notes": "took two tries"}"#;
    let read = palimpsest::from_str::<ExecutionTrace>(legacy).expect("legacy traces migrate");
    for step in &read.report.steps {
        println!("applied {} -> {}", step.from, step.to);
    }
    let trace = read.value;
    assert_eq!(read.report.steps.len(), 4);
    assert_eq!(trace.problem_statement, "fix CI");
    assert_eq!(trace.outcome, "green");
    assert_eq!(trace.context.metadata["legacy_notes"], "took two tries");
    assert_eq!(trace.context.metadata["migrated_from"], "0.0.1");
    let history = trace.context.metadata["migration_history"]
        .as_array()
        .expect("a list");
    assert_eq!(history.len(), 4);
    println!("history: {}", trace.context.metadata["migration_history"]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
