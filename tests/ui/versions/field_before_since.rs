//! Rejects a field attribute naming a version before `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.2.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.1.0")]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
