//! Rejects a `step(...)` without `to` and `with`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", version = "0.2.0", step(from = "0.1.0"))]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
