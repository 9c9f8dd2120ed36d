//! A stand-in for `palimpsest::models::trace::ExecutionTrace`, implemented
//! by hand over a plain serde derive: what the `palimpsest` binary runs for
//! until the trace models land, and what the end-to-end tests run for.
//!
//! Its history: `0.0.1` (legacy, no version key) -> `0.1.0` renames
//! `result` to `outcome` -> `0.2.0` adds `tags` and preserves the removed
//! `notes` at `context.metadata.legacy_notes`.
//!
//! ```
//! use palimpsest_cli::test_support::StandInTrace;
//!
//! let old = r#"{"problem_statement": "p", "result": "done", "notes": "n"}"#;
//! let read = palimpsest::from_str::<StandInTrace>(old)?;
//! assert_eq!(read.value.outcome, "done");
//! assert_eq!(read.value.context.metadata["legacy_notes"], "n");
//! # Ok::<(), palimpsest::Error>(())
//! ```

use std::sync::OnceLock;

use palimpsest::{Schema, Step, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// An agent's execution trace, in the stand-in's current version 0.2.0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandInTrace {
    /// What the agent was asked.
    pub problem_statement: String,
    /// The steps it took.
    #[serde(default)]
    pub steps: Vec<StandInStep>,
    /// How it ended (`result` before 0.1.0).
    pub outcome: String,
    /// Labels (added in 0.2.0).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where migration history and preserved values go.
    #[serde(default)]
    pub context: StandInContext,
}

/// One step of a [`StandInTrace`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StandInStep {
    /// The tool called.
    pub tool: String,
    /// Its arguments.
    #[serde(default)]
    pub arguments: Value,
    /// What it returned.
    #[serde(default)]
    pub result: Value,
}

/// The context of a [`StandInTrace`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StandInContext {
    /// Free-form metadata, including palimpsest's migration history.
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl Versioned for StandInTrace {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::semver("StandInTrace", "0.2.0")
                .metadata("context.metadata")
                .step(Step::new("0.0.1", "0.1.0").rename("result", "outcome"))
                .step(
                    Step::new("0.1.0", "0.2.0")
                        .add("tags", || json!([]))
                        .preserve("notes"),
                )
                .build()
                .expect("the stand-in schema is valid")
        })
    }
}
