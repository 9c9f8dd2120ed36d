//! Rejects #[unwrapped] written without arguments.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[unwrapped]
    model: String,
}

fn main() {}
