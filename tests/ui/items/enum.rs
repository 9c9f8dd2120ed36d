//! Rejects `#[versioned]` on an enum.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
enum Trace {
    Done { problem: String },
}

fn main() {}
