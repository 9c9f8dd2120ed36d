//! Rejects an `on_conflict` policy other than `error`, `old_wins` and `new_wins`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[renamed_from("result", since = "0.2.0", on_conflict = "newest")]
    outcome: String,
}

fn main() {}
