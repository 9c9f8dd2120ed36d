//! Rejects a key of `#[moved_from]` other than `since` and `on_conflict`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[moved_from("context.env", since = "0.2.0", until = "0.3.0")]
    environment: String,
}

fn main() {}
