//! Rejects a malformed path in `dropped(...)`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", dropped(".debug", since = "0.2.0"))]
#[derive(Serialize, Deserialize)]
struct Run {
    outcome: String,
}

fn main() {}
