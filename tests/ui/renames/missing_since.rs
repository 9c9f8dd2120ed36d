//! Rejects `#[renamed_from]` without `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    #[renamed_from("result")]
    outcome: String,
}

fn main() {}
