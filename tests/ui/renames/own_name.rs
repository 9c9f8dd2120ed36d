//! Rejects `#[renamed_from]` naming the field's own serde name.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    #[renamed_from("outcome", since = "0.2.0")]
    outcome: String,
}

fn main() {}
