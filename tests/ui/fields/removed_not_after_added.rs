//! Rejects a field removed in the version it is added in, or before.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.3.0")]
    #[removed_in("0.2.0", drop)]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
