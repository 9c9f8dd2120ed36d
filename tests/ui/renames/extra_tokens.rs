//! Rejects anything after `since` in `#[renamed_from]`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    #[renamed_from("result", since = "0.2.0", drop)]
    outcome: String,
}

fn main() {}
