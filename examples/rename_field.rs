//! The guide's "Renaming Fields": the old name is accepted on read (the
//! guide's alias), and a migration step moves the value.

use palimpsest::models::trace::TraceContext;
use palimpsest::{versioned, Error};
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    /// `Field(..., alias="old_field_name")` plus its migration in the guide.
    #[renamed_from("old_field_name", since = "0.2.0")]
    new_field_name: String,
    #[serde(default)]
    context: TraceContext,
}

fn main() {
    let old = r#"{"schema_version": "0.1.0", "problem_statement": "p", "old_field_name": "v"}"#;
    let trace: ExecutionTrace = serde_json::from_str(old).expect("0.1.0 traces migrate");
    println!("new_field_name: {}", trace.new_field_name);
    assert_eq!(trace.new_field_name, "v");

    let written = serde_json::to_string(&trace).expect("traces serialize");
    println!("written: {written}");
    assert!(written.contains(r#""new_field_name":"v""#));

    // Both names in one document: the migration refuses to pick one.
    let both = r#"{"schema_version": "0.1.0", "problem_statement": "p", "old_field_name": "a", "new_field_name": "b"}"#;
    let err = palimpsest::from_str::<ExecutionTrace>(both).unwrap_err();
    println!("rejected: {err}");
    assert!(matches!(err, Error::Conflict { .. }));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
