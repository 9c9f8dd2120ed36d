//! Rejects `metadata` on a top-level enum, whose variants share no field
//! to hold it.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Event {
    Start { at: u64 },
    End,
}

fn main() {}
