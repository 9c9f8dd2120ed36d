//! Rejects a `key` that is not a string literal.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", key = schema_version)]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
