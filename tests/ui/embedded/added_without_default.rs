//! Rejects a field of an embedded type added without a default for older objects.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Step {
    reasoning: String,
    #[added_in("0.2.0")]
    tokens: u32,
}

fn main() {}
