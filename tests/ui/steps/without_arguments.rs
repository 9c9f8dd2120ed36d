//! Rejects a bare `step` without its parenthesized arguments.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", step)]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
