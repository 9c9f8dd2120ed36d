//! The guide's "Automatic Migration": detect a document's version, ask
//! whether it needs migrating, and migrate it, to the current version or to
//! a given one.

use palimpsest::models::trace::TraceContext;
use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A trace model three versions on: `result` became `outcome` in 0.2.0 and
/// `tags` arrived in 0.3.0.
#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Serialize, Deserialize)]
struct ExecutionTrace {
    problem_statement: String,
    #[renamed_from("result", since = "0.2.0")]
    outcome: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    context: TraceContext,
}

fn main() -> Result<(), palimpsest::Error> {
    let trace_data = json!({"problem_statement": "p", "result": "r"});

    let version = palimpsest::detect::<ExecutionTrace>(&trace_data)?;
    println!("detected version: {version}");
    assert_eq!(version.to_string(), "0.0.1");

    // is_migration_needed in the guide.
    if palimpsest::needs_migration::<ExecutionTrace>(&trace_data)? {
        // migrate_trace(trace_data, "0.2.0") in the guide: to a given version...
        let mut for_old_readers = trace_data.clone();
        let report = palimpsest::migrate_to::<ExecutionTrace>(&mut for_old_readers, "0.2.0")?;
        println!(
            "to 0.2.0 through {} steps: {for_old_readers}",
            report.steps.len()
        );
        assert_eq!(for_old_readers["outcome"], "r");
        assert!(
            for_old_readers.get("tags").is_none(),
            "tags only exist from 0.3.0"
        );

        // ...or to the current one.
        let mut migrated_data = trace_data.clone();
        let report = palimpsest::migrate::<ExecutionTrace>(&mut migrated_data)?;
        println!(
            "to {} through {} steps: {migrated_data}",
            report.to,
            report.steps.len()
        );
        assert_eq!(migrated_data["schema_version"], "0.3.0");
        assert_eq!(migrated_data["tags"], json!([]));
        assert_eq!(
            migrated_data["context"]["metadata"]["migrated_from"],
            "0.0.1"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main().unwrap();
    }
}
