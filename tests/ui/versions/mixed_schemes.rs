//! Rejects semver and integer versions mixed in one type.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = 1)]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
