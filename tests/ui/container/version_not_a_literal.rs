//! Rejects a version key whose value is not a literal.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

const V1: &str = "0.1.0";

#[versioned(since = V1)]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
