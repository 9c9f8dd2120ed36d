//! Rejects `moved` written without its arguments.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", moved)]
#[derive(Serialize, Deserialize)]
struct Run {
    outcome: String,
}

fn main() {}
