//! The guide's "Data Validation: pre-migration data integrity checks": a
//! check runs on every old document before its first step, so a corrupt
//! trace is reported as such instead of being migrated into nonsense.

use palimpsest::models::trace::{ExecutionStep, TraceContext};
use palimpsest::{versioned, Error, Version};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Steps must be numbered 1, 2, 3... in order: a gap means a lost step.
fn steps_are_complete(trace: &Map<String, Value>, _version: &Version) -> Result<(), String> {
    let Some(Value::Array(steps)) = trace.get("execution_steps") else {
        return Ok(());
    };
    for (index, step) in steps.iter().enumerate() {
        let expected = index as u64 + 1;
        if step.get("step_number").and_then(Value::as_u64) != Some(expected) {
            return Err(format!(
                "execution_steps[{index}] is not step {expected}: a step is missing"
            ));
        }
    }
    Ok(())
}

#[versioned(since = "0.1.0", metadata = "context.metadata", check = steps_are_complete)]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    outcome: String,
    #[serde(default)]
    execution_steps: Vec<ExecutionStep>,
    #[serde(default)]
    context: TraceContext,
}

fn main() {
    let complete = r#"{"problem_statement": "p", "outcome": "o",
                       "execution_steps": [{"step_number": 1, "action": "a"}, {"step_number": 2, "action": "b"}]}"#;
    let trace: ExecutionTrace = serde_json::from_str(complete).expect("complete traces migrate");
    assert_eq!(trace.execution_steps.len(), 2);

    let gap = r#"{"problem_statement": "p", "outcome": "o",
                  "execution_steps": [{"step_number": 1, "action": "a"}, {"step_number": 3, "action": "c"}]}"#;
    let err = palimpsest::from_str::<ExecutionTrace>(gap).unwrap_err();
    println!("refused: {err}");
    assert!(matches!(err, Error::Integrity { .. }));
    assert!(err.to_string().contains("execution_steps[1] is not step 2"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
