//! Rejects a one-segment `metadata` path naming a field that cannot hold a JSON object.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[serde(default)]
    meta: Vec<String>,
}

fn main() {}
