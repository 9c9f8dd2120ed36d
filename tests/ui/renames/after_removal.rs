//! Rejects a rename in or after the version that removes the field.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[renamed_from("result", since = "0.3.0")]
    #[removed_in("0.2.0", drop)]
    outcome: String,
}

fn main() {}
