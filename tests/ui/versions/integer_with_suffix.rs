//! Rejects an integer version with a type suffix.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = 3u8)]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
