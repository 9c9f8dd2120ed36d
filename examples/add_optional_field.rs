//! The guide's "Adding New Fields": an optional field with a default is safe
//! to add; older traces get the default.

use palimpsest::models::trace::TraceContext;
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    outcome: String,
    /// New in 0.2.0; `Optional[str] = None` in the guide.
    #[added_in("0.2.0")]
    #[serde(default)]
    new_optional_field: Option<String>,
    #[serde(default)]
    context: TraceContext,
}

fn main() {
    let old = r#"{"schema_version": "0.1.0", "problem_statement": "p", "outcome": "o"}"#;
    let read = palimpsest::from_str::<ExecutionTrace>(old).expect("0.1.0 traces migrate");
    println!(
        "new_optional_field: {:?}; {}",
        read.value.new_optional_field, read.report
    );
    assert_eq!(read.value.new_optional_field, None);
    assert_eq!(read.report.defaulted, ["new_optional_field"]);

    let current = r#"{"schema_version": "0.2.0", "problem_statement": "p", "outcome": "o", "new_optional_field": "x"}"#;
    let trace: ExecutionTrace = serde_json::from_str(current).expect("current traces read");
    assert_eq!(trace.new_optional_field.as_deref(), Some("x"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
