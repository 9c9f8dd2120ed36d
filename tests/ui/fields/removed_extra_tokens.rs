//! Rejects anything after `drop` in `#[removed_in]`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[removed_in("0.2.0", drop, now)]
    notes: String,
}

fn main() {}
