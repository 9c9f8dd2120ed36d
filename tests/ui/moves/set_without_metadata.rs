//! Rejects `#[set]` that would lose the value it overwrites: no metadata path and no `drop`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[set(since = "0.2.0", value = 3)]
    retries: u32,
}

fn main() {}
