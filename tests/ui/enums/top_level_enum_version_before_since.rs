//! Rejects a change of a top-level enum dated before its `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.2.0")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Event {
    #[renamed_from("begin", since = "0.1.0")]
    Start { at: u64 },
    End,
}

fn main() {}
