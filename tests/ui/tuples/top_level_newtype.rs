//! Rejects a top-level #[versioned] newtype: it is written as its inner value, the struct it wraps carries the key.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Trace {
    task: String,
}

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Archived(Trace);

fn main() {}
