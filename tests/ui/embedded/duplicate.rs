//! Rejects `embedded` written twice.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded, embedded)]
#[derive(Serialize, Deserialize)]
struct Step {
    reasoning: String,
}

fn main() {}
