//! Rejects a version at or below `legacy`, the version of unversioned documents.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", legacy = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
