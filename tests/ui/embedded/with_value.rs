//! Rejects a value given to `embedded`, which is a flag.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded = true)]
#[derive(Serialize, Deserialize)]
struct Step {
    reasoning: String,
}

fn main() {}
