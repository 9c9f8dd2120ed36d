//! Rejects a key #[wrapped] does not take.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

fn up(v: serde_json::Value) -> Result<serde_json::Value, String> {
    Ok(v)
}

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[wrapped(since = "0.2.0", with = up)]
    tool_calls: Vec<String>,
}

fn main() {}
