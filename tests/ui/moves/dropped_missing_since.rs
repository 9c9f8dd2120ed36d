//! Rejects `dropped(...)` without `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", dropped("context.debug"))]
#[derive(Serialize, Deserialize)]
struct Run {
    outcome: String,
}

fn main() {}
