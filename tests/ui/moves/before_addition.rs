//! Rejects a move in or before the version that adds the field.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[moved_from("context.env", since = "0.2.0")]
    #[added_in("0.3.0")]
    #[serde(default)]
    environment: String,
}

fn main() {}
