//! Rejects a top-level enum without `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(version = "0.2.0")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Event {
    Start { at: u64 },
    End,
}

fn main() {}
