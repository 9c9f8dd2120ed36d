//! Rejects a conversion in a version before the first versioned schema.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.2.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[wrapped(since = "0.1.0")]
    tool_calls: Vec<String>,
}

fn main() {}
