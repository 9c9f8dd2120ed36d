//! Rejects a key after `since` in `#[renamed_from]` other than `on_conflict`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[renamed_from("result", since = "0.2.0", policy = "old_wins")]
    outcome: String,
}

fn main() {}
