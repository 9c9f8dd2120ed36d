//! Rejects a field moved from its own path.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[moved_from("environment", since = "0.2.0")]
    environment: String,
}

fn main() {}
