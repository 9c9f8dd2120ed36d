//! Rejects an empty version key.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", key = "")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
