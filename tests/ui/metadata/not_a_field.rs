//! Rejects a `metadata` path whose first segment is no field of the struct.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
}

fn main() {}
