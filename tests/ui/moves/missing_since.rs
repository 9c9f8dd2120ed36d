//! Rejects `#[moved_from]` without `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[moved_from("context.env")]
    environment: String,
}

fn main() {}
