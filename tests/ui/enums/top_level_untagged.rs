//! Rejects a top-level versioned untagged enum: its document may be no
//! object, and carries no name.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Count(u32),
}

fn main() {}
