//! Rejects a `with` that is not the path of a function.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", version = "0.2.0", step(from = "0.1.0", to = "0.2.0", with = |_| Ok(())))]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
