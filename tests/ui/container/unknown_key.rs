//! Rejects a key `#[versioned]` does not know (here a misspelt `since`).

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", legasy = "0.0.1")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
