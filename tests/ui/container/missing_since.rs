//! Rejects `#[versioned]` without `since`, the first versioned schema.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(version = "0.2.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
