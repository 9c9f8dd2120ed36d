//! The types the fuzz targets read: one with every change `#[versioned]`
//! records, at the root, in embedded structs and in an embedded enum read
//! both ways an old one is (by the enum itself, by palimpsest's reader),
//! and the trace model the command line migrates.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use palimpsest::models::trace::ExecutionTrace;

/// An agent's run (the type of `tests/agent_trace.rs`, whose fixtures seed
/// the corpus), with a field added and a field removed besides the renames:
/// `notes` is kept at `metadata.legacy_notes`, each step's `scratch` under
/// its path in the root's metadata.
#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTrace {
    #[renamed_from("query", since = "0.2.0")]
    pub task: String,
    pub model: String,
    pub steps: Vec<AgentStep>,
    pub final_answer: Option<String>,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.3.0")]
    pub notes: String,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// One turn of the agent.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStep {
    pub index: u32,
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    pub observation: Option<String>,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub duration_ms: u64,
    #[removed_in("0.3.0")]
    pub scratch: String,
    #[serde(default)]
    pub score: Option<f64>,
    /// Held directly: an old document whose variants only changed names
    /// is read by the enum itself, the old names as aliases.
    #[serde(default)]
    pub action: Action,
    /// Held in a list: each element read with the enum's site in scope.
    #[serde(default)]
    pub plan: Vec<Action>,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// Internally tagged: the name under `type`, beside the payload's fields.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    #[renamed_from("begin", since = "0.2.0")]
    Start {
        #[renamed_from("t", since = "0.3.0")]
        at: u64,
    },
    #[removed_in("0.3.0", fallback = "Other")]
    Pause {
        seconds: u64,
    },
    #[added_in("0.2.0")]
    Retry,
    Other,
}

/// What a step did: externally tagged, variants renamed, one removed into
/// a fallback (kept under its path in the root's metadata), a struct
/// variant's field renamed. A document of 0.2.0 has renames only left to
/// make, one of 0.1.0 a removal too: the two ways an old enum is read.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    #[renamed_from("search", since = "0.3.0")]
    Lookup {
        #[renamed_from("q", since = "0.2.0")]
        query: String,
        #[serde(default)]
        limit: Option<u32>,
    },
    #[renamed_from("say", since = "0.3.0")]
    Reply(String),
    #[removed_in("0.2.0", fallback = "Stop")]
    Wait(u64),
    Stop,
}

impl Default for Action {
    fn default() -> Self {
        Action::Stop
    }
}

/// A tool the agent called: a free-form `arguments` value, a field renamed
/// and one added.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    #[renamed_from("name", since = "0.3.0")]
    pub tool: String,
    pub arguments: Value,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub id: Option<String>,
}
