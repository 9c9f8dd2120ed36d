//! Rejects a move dated before the first versioned schema, as a rename is.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.2.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[moved_from("context.env", since = "0.1.0")]
    environment: String,
}

fn main() {}
