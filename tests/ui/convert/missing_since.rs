//! Rejects #[wrapped] without the version it takes effect in.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[wrapped()]
    tool_calls: Vec<String>,
}

fn main() {}
