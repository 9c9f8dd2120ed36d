//! Rejects `#[added_in]` whose version is not a literal.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in(v2)]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
