//! Rejects a field whose serde name is the version key.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    schema_version: String,
}

fn main() {}
