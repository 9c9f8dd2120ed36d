//! Rejects a literal that is neither a semver string nor an integer.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = 1.5)]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
