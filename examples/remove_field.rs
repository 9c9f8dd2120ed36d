//! The guide's "Removing Fields": the value of a removed field is preserved
//! in the metadata object, never silently dropped.

use palimpsest::models::trace::TraceContext;
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    outcome: String,
    /// Gone from the struct from 0.2.0 on; old values land in
    /// `context.metadata.legacy_removed_field`.
    #[removed_in("0.2.0")]
    removed_field: String,
    #[serde(default)]
    context: TraceContext,
}

fn main() {
    let old = r#"{"schema_version": "0.1.0", "problem_statement": "p", "outcome": "o", "removed_field": "still here"}"#;
    let read = palimpsest::from_str::<ExecutionTrace>(old).expect("0.1.0 traces migrate");
    let metadata = &read.value.context.metadata;
    println!("{} -> {}", read.report, metadata["legacy_removed_field"]);
    assert_eq!(metadata["legacy_removed_field"], "still here");
    assert_eq!(
        read.report.preserved,
        ["context.metadata.legacy_removed_field"]
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
