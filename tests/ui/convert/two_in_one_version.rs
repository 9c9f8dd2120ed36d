//! Rejects two conversions of one field in one version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

fn up(v: serde_json::Value) -> Result<serde_json::Value, String> {
    Ok(v)
}

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[converted(since = "0.2.0", with = up)]
    #[wrapped(since = "0.2.0")]
    tool_calls: Vec<String>,
}

fn main() {}
