//! Rejects a `#[moved_from]` path with an empty segment.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[moved_from("context..env", since = "0.2.0")]
    environment: String,
}

fn main() {}
