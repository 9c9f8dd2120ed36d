//! The benchmark's trace types and their old documents: legacy agent traces
//! of about 10 KB from the workspace's one generator of trace documents
//! (`palimpsest_tests::corpus`, in tests/support), shared by the bulk
//! benchmark and the memory example.

use std::sync::OnceLock;

use palimpsest::{Schema, Step, Versioned};
use palimpsest_tests::corpus::{result_and_notes_trace, Size};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use palimpsest_tests::corpus::Rng;

/// The trace type of the benchmark as users write it: `#[versioned]`,
/// current version 0.2.0. Its `Deserialize` migrates, so bulk reads its
/// documents straight from their bytes.
#[palimpsest::versioned(since = "0.1.0", version = "0.2.0", metadata = "context.metadata")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Trace {
    #[serde(default)]
    pub trace_id: Option<String>,
    pub problem_statement: String,
    #[renamed_from("result", since = "0.1.0")]
    pub outcome: String,
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub execution_steps: Vec<TraceStep>,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.2.0")]
    pub notes: String,
    #[serde(default)]
    pub context: Context,
}

/// The same trace implementing `Versioned` by hand over plain derives.
#[derive(Debug, Serialize, Deserialize)]
pub struct HandTrace {
    #[serde(default)]
    pub trace_id: Option<String>,
    pub problem_statement: String,
    pub outcome: String,
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub execution_steps: Vec<TraceStep>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub context: Context,
}

// The nested types have the fields of palimpsest::models::trace's, but not
// their `#[serde(flatten)] extra` maps: flatten buffers every step before
// reading it, which would measure serde's flatten rather than the migration.

#[derive(Debug, Serialize, Deserialize)]
pub struct TraceStep {
    pub step_number: u32,
    pub action: String,
    #[serde(default)]
    pub reasoning: Option<String>,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    #[serde(default)]
    pub observation: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ToolCall {
    pub name: String,
    #[serde(default)]
    pub arguments: Value,
    #[serde(default)]
    pub result: Value,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub environment: Map<String, Value>,
    #[serde(default)]
    pub tools_available: Vec<String>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl Versioned for HandTrace {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::semver("Trace", "0.2.0")
                .metadata("context.metadata")
                .step(Step::new("0.0.1", "0.1.0").rename("result", "outcome"))
                .step(
                    Step::new("0.1.0", "0.2.0")
                        .add("tags", || json!([]))
                        .preserve("notes"),
                )
                .build()
                .expect("the benchmark schema is valid")
        })
    }
}

/// One legacy (0.0.1) trace of about 10 KB, its `outcome` still called
/// `result` and with the `notes` 0.2.0 removes.
pub fn old_trace(rng: &mut Rng) -> String {
    result_and_notes_trace(rng.next_u64(), Size::Typical).to_json()
}

/// `count` old traces, one a line.
pub fn corpus(count: u64, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for _ in 0..count {
        out.extend_from_slice(old_trace(&mut rng).as_bytes());
        out.push(b'\n');
    }
    out
}
