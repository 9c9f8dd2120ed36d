//! Rejects an option of `#[removed_in]` other than `drop`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[removed_in("0.2.0", discard)]
    notes: String,
}

fn main() {}
