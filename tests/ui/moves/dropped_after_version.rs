//! Rejects a declared drop dated after the explicit current version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", version = "0.2.0", dropped("context.debug", since = "0.3.0"))]
#[derive(Serialize, Deserialize)]
struct Run {
    outcome: String,
}

fn main() {}
