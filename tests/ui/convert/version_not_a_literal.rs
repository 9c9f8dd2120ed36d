//! Rejects a version that is not a literal.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

const V: &str = "0.2.0";

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[wrapped(since = V)]
    tool_calls: Vec<String>,
}

fn main() {}
