//! Rejects a removed field of an embedded type that does not say `drop`: its value cannot be kept yet.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Step {
    reasoning: String,
    #[removed_in("0.3.0")]
    notes: String,
}

fn main() {}
