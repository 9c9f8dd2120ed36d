//! Rejects two `#[removed_in]` on one field.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[removed_in("0.2.0", drop)]
    #[removed_in("0.3.0", drop)]
    notes: String,
}

fn main() {}
