//! Rejects a key of `dropped(...)` other than `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", dropped("context.debug", since = "0.2.0", keep = "yes"))]
#[derive(Serialize, Deserialize)]
struct Run {
    outcome: String,
}

fn main() {}
