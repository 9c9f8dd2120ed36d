//! Rejects a key of `#[renamed_from]` other than `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    #[renamed_from("result", until = "0.2.0")]
    outcome: String,
}

fn main() {}
