//! Rejects a version string that is not semver.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
