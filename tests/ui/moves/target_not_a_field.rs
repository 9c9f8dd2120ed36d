//! Rejects a container move whose target is not in a field of the struct.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", moved(from = "user", to = "client.user", since = "0.2.0"))]
#[derive(Serialize, Deserialize)]
struct Run {
    outcome: String,
}

fn main() {}
