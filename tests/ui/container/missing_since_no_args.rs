//! Rejects a bare `#[versioned]`: `since` is required.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
