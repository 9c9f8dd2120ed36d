//! Rejects a key pair on an attribute other than #[renamed_keys].

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[wrapped(since = "0.2.0", "a" = "b")]
    tool_calls: Vec<String>,
}

fn main() {}
