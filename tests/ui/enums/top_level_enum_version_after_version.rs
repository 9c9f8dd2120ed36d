//! Rejects a change of a top-level enum dated after its explicit `version`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", version = "0.2.0")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Event {
    #[renamed_from("begin", since = "0.3.0")]
    Start { at: u64 },
    End,
}

fn main() {}
