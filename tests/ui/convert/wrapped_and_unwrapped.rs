//! Rejects a field wrapped and unwrapped in the same version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[wrapped(since = "0.2.0")]
    #[unwrapped(since = "0.2.0")]
    tool_calls: Vec<String>,
}

fn main() {}
