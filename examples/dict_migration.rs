//! The guide's "Simple Dict-Based Migrations": a hand-written step from
//! 0.1.0 to 0.1.1 that edits the document as a JSON object.

use palimpsest::models::trace::TraceContext;
use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// `@register_migration("0.1.0", "0.1.1")` in the guide.
fn migrate_0_1_0_to_0_1_1(trace_data: &mut Map<String, Value>) -> Result<(), String> {
    // Simple transformations: rename fields, add defaults, etc.
    if let Some(old) = trace_data.remove("old_field") {
        trace_data.insert("new_field".into(), old);
    }
    trace_data.entry("priority").or_insert(json!("normal"));
    Ok(())
}

#[versioned(
    since = "0.1.0",
    version = "0.1.1",
    metadata = "context.metadata",
    step(from = "0.1.0", to = "0.1.1", with = migrate_0_1_0_to_0_1_1)
)]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    outcome: String,
    #[serde(default)]
    new_field: Option<String>,
    priority: String,
    #[serde(default)]
    context: TraceContext,
}

fn main() {
    let old = r#"{"schema_version": "0.1.0", "problem_statement": "p", "outcome": "o", "old_field": "kept"}"#;
    let trace: ExecutionTrace = serde_json::from_str(old).expect("0.1.0 traces migrate");
    println!("{trace:?}");
    assert_eq!(trace.new_field.as_deref(), Some("kept"));
    assert_eq!(trace.priority, "normal");
    assert_eq!(trace.context.metadata["migrated_from"], "0.1.0");
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
