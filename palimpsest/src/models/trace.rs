//! Agent execution traces: what an agent was asked, what it did step by
//! step, and how it ended.
//!
//! [`ExecutionTrace`] is versioned with palimpsest: every trace it writes
//! carries `"schema_version"`, and traces written before versioning existed
//! read into the current struct, with the version they came from recorded in
//! `context.metadata`. The nested types ([`ExecutionStep`], [`ToolCall`],
//! [`TraceContext`]) are plain serde: they travel inside a trace and share
//! its version.
//!
//! ```
//! use palimpsest::models::trace::ExecutionTrace;
//!
//! // A trace recorded before schema versioning existed.
//! let legacy = r#"{
//!     "problem_statement": "Old trace format",
//!     "outcome": "Will be migrated",
//!     "execution_steps": [
//!         {"step_number": 1, "action": "read_file", "observation": "found the bug"}
//!     ]
//! }"#;
//!
//! let trace: ExecutionTrace = serde_json::from_str(legacy)?;
//! assert_eq!(trace.schema_version().to_string(), "0.1.0");
//! assert_eq!(trace.context.metadata["migrated_from"], "0.0.1");
//! assert_eq!(trace.execution_steps[0].observation.as_deref(), Some("found the bug"));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Version history
//!
//! ## v0.1.0 (current)
//!
//! - Added the `schema_version` field, written first in every trace.
//! - Implemented the migration framework: old traces are detected and
//!   migrated step by step when read.
//! - Added backward compatibility for pre-versioned traces: a trace without
//!   `schema_version` is read as v0.0.1 and migrated, recording
//!   `migrated_from` and `migration_history` in `context.metadata`.
//!
//! ## v0.0.1 (legacy)
//!
//! - Initial schema without versioning.
//! - Basic `ExecutionTrace`, `ExecutionStep`, `TraceContext` models.
//! - No migration support.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::read::Migrated;
use crate::schema::Versioned;
use crate::version::Version;

/// One recorded run of an agent on a problem.
///
/// Timestamps are RFC 3339 text, kept exactly as the recorder wrote them.
/// Fields a v0.0.1 trace may lack have defaults, so a sparse legacy trace
/// still reads.
///
/// ```
/// use palimpsest::models::trace::{ExecutionStep, ExecutionTrace};
///
/// let trace = ExecutionTrace {
///     problem_statement: "Example trace".into(),
///     outcome: "Schema version automatically set".into(),
///     execution_steps: vec![ExecutionStep {
///         step_number: 1,
///         action: "inspect the repository".into(),
///         ..ExecutionStep::default()
///     }],
///     ..ExecutionTrace::default()
/// };
///
/// assert_eq!(trace.schema_version().to_string(), "0.1.0");
/// let written = serde_json::to_string(&trace)?;
/// assert!(written.starts_with(r#"{"schema_version":"0.1.0","#));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[crate::versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionTrace {
    /// A stable identifier of the trace (often a UUID); legacy recorders
    /// did not always write one.
    #[serde(default)]
    pub trace_id: Option<String>,
    /// What the agent was asked to do.
    pub problem_statement: String,
    /// How the run ended, in the recorder's words.
    pub outcome: String,
    /// Whether the run reached its goal, when the recorder knew.
    #[serde(default)]
    pub success: Option<bool>,
    /// When the run started.
    #[serde(default)]
    pub started_at: Option<String>,
    /// When the run ended.
    #[serde(default)]
    pub completed_at: Option<String>,
    /// What the agent did, in order.
    #[serde(default)]
    pub execution_steps: Vec<ExecutionStep>,
    /// Where the run happened, and free-form metadata, migration history
    /// included.
    #[serde(default)]
    pub context: TraceContext,
}

/// One step of a run: what the agent decided, which tools it called, and
/// what it saw.
///
/// ```
/// use palimpsest::models::trace::{ExecutionStep, ToolCall};
/// use serde_json::json;
///
/// let step: ExecutionStep = serde_json::from_value(json!({
///     "step_number": 3,
///     "action": "run the failing test",
///     "tool_calls": [{"name": "run_command", "arguments": {"cmd": "cargo test"}}]
/// }))?;
/// assert_eq!(step.tool_calls[0].arguments["cmd"], "cargo test");
/// assert_eq!(step.duration_ms, None);
///
/// // A field of some recorder's own survives a round trip.
/// let step: ExecutionStep = serde_json::from_value(json!({
///     "step_number": 4,
///     "action": "think",
///     "thought_tokens": 812
/// }))?;
/// assert_eq!(step.extra["thought_tokens"], 812);
/// assert_eq!(serde_json::to_value(&step)?["thought_tokens"], 812);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionStep {
    /// The step's position in the run, from 1.
    pub step_number: u32,
    /// What the agent did, in a few words.
    pub action: String,
    /// Why it did it.
    #[serde(default)]
    pub reasoning: Option<String>,
    /// The tools it called, in order.
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    /// What it concluded from the results.
    #[serde(default)]
    pub observation: Option<String>,
    /// When the step started.
    #[serde(default)]
    pub started_at: Option<String>,
    /// How long the step took, in milliseconds.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// Fields this schema does not name, kept as written: recorders added
    /// their own, and reading a trace must not drop them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One call of a tool, with its arguments and result as the tool saw them.
///
/// Arguments and result are kept as JSON, whatever their shape: an object
/// of named arguments, or the JSON-encoded string some model APIs send.
///
/// ```
/// use palimpsest::models::trace::ToolCall;
/// use serde_json::json;
///
/// let call: ToolCall = serde_json::from_value(json!({
///     "name": "read_file",
///     "arguments": "{\"path\": \"src/lib.rs\"}",
///     "error": "no such file"
/// }))?;
/// assert!(call.arguments.is_string());
/// assert!(call.result.is_null());
/// assert_eq!(call.error.as_deref(), Some("no such file"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The tool's name.
    pub name: String,
    /// The arguments it was called with.
    #[serde(default)]
    pub arguments: Value,
    /// What it returned; `null` when it failed or returned nothing.
    #[serde(default)]
    pub result: Value,
    /// The error it reported, if it failed.
    #[serde(default)]
    pub error: Option<String>,
    /// How long the call took, in milliseconds.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// Fields this schema does not name, kept as written: recorders added
    /// their own, and reading a trace must not drop them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where a run happened, and what else was recorded about it.
///
/// `metadata` is where palimpsest records migration history
/// (`migrated_from`, `migration_history`) and preserves the values of
/// fields later schema versions remove.
///
/// ```
/// use palimpsest::models::trace::TraceContext;
/// use serde_json::json;
///
/// let context: TraceContext = serde_json::from_value(json!({
///     "environment": {"os": "linux", "model": "claude-sonnet-4"},
///     "tools_available": ["read_file", "run_command"]
/// }))?;
/// assert_eq!(context.environment["os"], "linux");
/// assert!(context.metadata.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceContext {
    /// The environment of the run: operating system, model, working
    /// directory, versions, as the recorder chose.
    #[serde(default)]
    pub environment: Map<String, Value>,
    /// The tools the agent could call.
    #[serde(default)]
    pub tools_available: Vec<String>,
    /// Free-form metadata, migration history included.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Fields this schema does not name, kept as written: recorders added
    /// their own, and reading a trace must not drop them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ExecutionTrace {
    /// The schema version this trace is written with: always the current
    /// one, since reading migrates older traces (the guide's
    /// `trace.schema_version` and `trace.get_version()`).
    ///
    /// ```
    /// use palimpsest::models::trace::ExecutionTrace;
    ///
    /// assert_eq!(ExecutionTrace::default().schema_version().to_string(), "0.1.0");
    /// ```
    #[must_use]
    pub fn schema_version(&self) -> &'static Version {
        <Self as Versioned>::current_version()
    }

    /// Reads a trace of any known version, migrating it if needed, and says
    /// what the migration did (the guide's `model_validate_with_migration`).
    ///
    /// `serde_json::from_value::<ExecutionTrace>` migrates too; this adds
    /// the [`Report`](crate::Report) and the typed [`Error`].
    ///
    /// ```
    /// use palimpsest::models::trace::ExecutionTrace;
    /// use serde_json::json;
    ///
    /// let legacy = json!({
    ///     "problem_statement": "Old trace format",
    ///     "outcome": "Will be migrated",
    ///     "execution_steps": []
    /// });
    /// let read = ExecutionTrace::from_value_with_migration(legacy)?;
    /// assert_eq!(read.report.from.to_string(), "0.0.1");
    /// assert_eq!(read.value.schema_version().to_string(), "0.1.0");
    /// assert_eq!(read.value.context.metadata["migrated_from"], "0.0.1");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`crate::from_value`]: a document that is not an object, a
    /// malformed, unknown or newer version, or a migrated document that
    /// does not fit the struct (with the field path).
    pub fn from_value_with_migration(document: Value) -> Result<Migrated<Self>, Error> {
        crate::from_value(document)
    }
}
