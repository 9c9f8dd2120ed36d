//! The guide's "User Control: options to disable automatic migration": a
//! strict read accepts current documents only, and says why it refuses.

use palimpsest::models::trace::ExecutionTrace;
use palimpsest::Error;

fn main() {
    let current = r#"{"schema_version": "0.1.0", "problem_statement": "p", "outcome": "o"}"#;
    let trace =
        palimpsest::from_str_strict::<ExecutionTrace>(current).expect("current traces read");
    assert_eq!(trace.outcome, "o");

    let legacy = r#"{"problem_statement": "p", "outcome": "o"}"#;
    let err = palimpsest::from_str_strict::<ExecutionTrace>(legacy).unwrap_err();
    println!("refused: {err}");
    assert!(matches!(err, Error::Outdated { .. }));

    // The caller decides: migrate explicitly, and look at what would change.
    let mut document: serde_json::Value = serde_json::from_str(legacy).expect("valid JSON");
    let report =
        palimpsest::migrate::<ExecutionTrace>(&mut document).expect("legacy traces migrate");
    println!("migrating would run {report}");
    assert_eq!(report.steps.len(), 1);
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
