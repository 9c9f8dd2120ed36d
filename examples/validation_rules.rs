//! The guide's "Changing Validation Rules": 0.2.0 requires a non-empty
//! outcome and a known step action. Old traces that break the new rules are
//! repaired by the step into 0.2.0; current documents that break them are
//! rejected with the field path.

use palimpsest::models::trace::TraceContext;
use palimpsest::{versioned, Error};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(text)
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Plan,
    RunTool,
    Answer,
}

#[derive(Debug, Serialize, Deserialize)]
struct Step {
    step_number: u32,
    action: Action,
}

/// Old traces had free-text outcomes (often empty) and free-text actions.
fn tighten(trace: &mut Map<String, Value>) -> Result<(), String> {
    let outcome = trace
        .get("outcome")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if outcome.trim().is_empty() {
        trace.insert(
            "outcome".into(),
            json!("unknown (recorded empty before 0.2.0)"),
        );
    }
    if let Some(Value::Array(steps)) = trace.get_mut("execution_steps") {
        for step in steps {
            let action = step["action"].as_str().unwrap_or_default().to_lowercase();
            let known = match action.as_str() {
                "plan" | "think" => "plan",
                "answer" | "respond" => "answer",
                _ => "run_tool",
            };
            step["action"] = json!(known);
        }
    }
    Ok(())
}

#[versioned(
    since = "0.1.0",
    version = "0.2.0",
    metadata = "context.metadata",
    step(from = "0.1.0", to = "0.2.0", with = tighten)
)]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    #[serde(deserialize_with = "non_empty")]
    outcome: String,
    execution_steps: Vec<Step>,
    #[serde(default)]
    context: TraceContext,
}

fn main() {
    let old = r#"{"schema_version": "0.1.0", "problem_statement": "p", "outcome": "",
                  "execution_steps": [{"step_number": 1, "action": "Think"}, {"step_number": 2, "action": "grep"}]}"#;
    let trace: ExecutionTrace = serde_json::from_str(old).expect("old traces are repaired");
    println!(
        "outcome: {:?}, actions: {:?}",
        trace.outcome,
        trace
            .execution_steps
            .iter()
            .map(|s| &s.action)
            .collect::<Vec<_>>()
    );
    assert_eq!(trace.execution_steps[0].action, Action::Plan);
    assert_eq!(trace.execution_steps[1].action, Action::RunTool);

    let current = r#"{"schema_version": "0.2.0", "problem_statement": "p", "outcome": "ok",
                      "execution_steps": [{"step_number": 1, "action": "dance"}]}"#;
    let err = palimpsest::from_str::<ExecutionTrace>(current).unwrap_err();
    println!("rejected: {err}");
    assert!(matches!(err, Error::Mismatch { ref path, .. } if path == "execution_steps[0].action"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
