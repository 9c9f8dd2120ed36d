//! The guide's "Schema-Aware Migrations" for major breaking changes: the
//! step from 0.1.0 to 0.2.0 receives the old trace already validated
//! against a typed snapshot of 0.1.0, and returns the 0.2.0 trace.
//!
//! 0.2.0 restructures nested data (start and end times move into a `timing`
//! object) and changes a field's type and required-ness (the optional
//! boolean `success` becomes a required `status`): the two rows of the
//! guide's decision matrix that call for a schema-aware step.

use palimpsest::models::trace::{ExecutionStep, TraceContext};
use palimpsest::{versioned, Error};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The 0.1.0 schema, as `ExecutionTraceV010` in the guide's
/// `palimpsest/models/versions/v0_1_0.py`. The type is the registry: a step
/// names the snapshot it reads in its signature.
#[derive(Deserialize)]
struct ExecutionTraceV010 {
    problem_statement: String,
    outcome: String,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    completed_at: Option<String>,
    #[serde(default)]
    execution_steps: Vec<ExecutionStep>,
    #[serde(default)]
    context: TraceContext,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Succeeded,
    Failed,
    Unknown,
}

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct Timing {
    started_at: Option<String>,
    completed_at: Option<String>,
}

#[versioned(
    since = "0.1.0",
    version = "0.2.0",
    metadata = "context.metadata",
    step(from = "0.1.0", to = "0.2.0", with = migrate_complex_0_1_0_to_0_2_0)
)]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    outcome: String,
    status: Status,
    timing: Timing,
    execution_steps: Vec<ExecutionStep>,
    context: TraceContext,
}

/// `@register_migration("0.1.0", "0.2.0")` with `get_schema_snapshot("0.1.0")`.
fn migrate_complex_0_1_0_to_0_2_0(old: ExecutionTraceV010) -> Result<ExecutionTrace, String> {
    let status = match old.success {
        Some(true) => Status::Succeeded,
        Some(false) => Status::Failed,
        None => Status::Unknown,
    };
    if let (Some(start), Some(end)) = (&old.started_at, &old.completed_at) {
        if end < start {
            return Err(format!("trace ends ({end}) before it starts ({start})"));
        }
    }
    Ok(ExecutionTrace {
        problem_statement: old.problem_statement,
        outcome: old.outcome,
        status,
        timing: Timing {
            started_at: old.started_at,
            completed_at: old.completed_at,
        },
        execution_steps: old.execution_steps,
        context: old.context,
    })
}

fn main() {
    let old = json!({
        "schema_version": "0.1.0",
        "problem_statement": "flaky test",
        "outcome": "fixed the race",
        "success": true,
        "started_at": "2025-03-01T10:00:00Z",
        "completed_at": "2025-03-01T10:07:12Z",
        "execution_steps": [{"step_number": 1, "action": "rerun"}]
    });
    let read = palimpsest::from_value::<ExecutionTrace>(old).expect("0.1.0 traces migrate");
    let trace = read.value;
    println!("status: {:?}, timing: {:?}", trace.status, trace.timing);
    assert_eq!(trace.status, Status::Succeeded);
    assert_eq!(
        trace.timing.started_at.as_deref(),
        Some("2025-03-01T10:00:00Z")
    );
    assert_eq!(trace.execution_steps[0].action, "rerun");
    assert_eq!(trace.context.metadata["migrated_from"], "0.1.0");

    // A document that does not fit the snapshot: a typed error with the path.
    let broken = json!({"schema_version": "0.1.0", "problem_statement": "p", "outcome": "o", "success": "yes"});
    let err = palimpsest::from_value::<ExecutionTrace>(broken).unwrap_err();
    println!("rejected: {err}");
    assert!(matches!(err, Error::Snapshot { ref path, .. } if path == "success"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
