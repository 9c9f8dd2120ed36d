//! Rejects a top-level versioned enum: only embedded enums are supported.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
}

fn main() {}
