//! Rejects a conversion in a version after its field is removed.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    problem: String,
    #[removed_in("0.2.0", drop)]
    #[unwrapped(since = "0.3.0")]
    model: String,
}

fn main() {}
