//! Rejects a top-level versioned internally tagged enum: its object could
//! carry the version, but the root reader reads structs only.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Event {
    Start { at: u64 },
    End,
}

fn main() {}
