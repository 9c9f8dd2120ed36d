//! Rejects a `metadata` path with an empty segment.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "context..metadata")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[serde(default)]
    context: serde_json::Map<String, serde_json::Value>,
}

fn main() {}
