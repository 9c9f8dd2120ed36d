//! Rejects `#[added_in()]` with nothing between the parentheses.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in()]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
