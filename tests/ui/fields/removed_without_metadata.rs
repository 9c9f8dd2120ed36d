//! Rejects `#[removed_in]` that would lose the value: no `metadata` path and no `drop`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[removed_in("0.2.0")]
    notes: String,
}

fn main() {}
